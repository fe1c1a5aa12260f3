//! The Bluum sandbox simulator over raw HTTP: conventions, investors and KYC, documents,
//! funding sources, transfers, wallets, webhooks and persistence. Field names are the fact
//! sheet's (`/work/shared/bluum-api.md`).
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use bluum_invest::bluum::signature;
use secrecy::SecretString;
use serde_json::{json, Value};
use sim_support::{fast_options, investor_body, is_prefixed_id, start, start_with};
use sqlx::PgPool;

// ---- conventions --------------------------------------------------------------------------

#[sqlx::test]
async fn requests_without_valid_basic_auth_get_401_envelopes(pool: PgPool) {
    let sim = start(pool).await;
    let url = sim.url("/investors");

    let reply = sim_support::Reply::from_response(sim.client.get(&url).send().await.unwrap()).await;
    reply.assert_error(401, "BLUM-401-001", None);
    assert_eq!(reply.body["error"]["type"], "authentication_error");
    assert!(reply.headers.contains_key("x-request-id"));

    let reply = sim_support::Reply::from_response(
        sim.client
            .get(&url)
            .header("Authorization", "Bearer nope")
            .send()
            .await
            .unwrap(),
    )
    .await;
    reply.assert_error(401, "BLUM-401-002", None);

    let reply = sim_support::Reply::from_response(
        sim.client
            .get(&url)
            .basic_auth("apk_test", Some("wrong"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    reply.assert_error(401, "BLUM-401-003", None);

    let ok = sim.get("/investors").await;
    assert_eq!(ok.status, 200);
    assert!(ok.headers.contains_key("x-request-id"));
}

#[sqlx::test]
async fn resources_have_prefixed_ids_and_the_envelope(pool: PgPool) {
    let sim = start(pool).await;
    let reply = sim
        .post("/investors", investor_body("ada@example.com", "Lovelace"))
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let investor = &reply.body;
    assert!(is_prefixed_id(&investor["id"], "inv"), "{investor}");
    assert_eq!(investor["object"], "investor");
    assert!(investor["created"].is_i64());
    assert_eq!(investor["livemode"], false);
    assert_eq!(investor["metadata"], json!({ "app_user": "u_1" }));
    assert_eq!(investor["status"], "onboarding");
    assert_eq!(investor["email"], "ada@example.com");
    assert_eq!(investor["address"]["country"], "US");
    assert_eq!(investor["balance"], "0.00");
    assert_eq!(investor["buying_power"], "0.00");
    assert_eq!(investor["cash_withdrawable"], "0.00");
    assert_eq!(investor["account_number"], Value::Null);
    assert_eq!(investor["compliance_checks"].as_array().unwrap().len(), 4);
    // The tax id is never echoed, under any name.
    assert!(!reply.text.contains("444-55-4321"), "{}", reply.text);
    assert!(investor.get("tax_id").is_none());

    let id = investor["id"].as_str().unwrap();
    let fetched = sim.get(&format!("/investors/{id}")).await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body["id"], investor["id"]);

    let wallets = sim.get(&format!("/investors/{id}/wallets")).await;
    assert_eq!(wallets.body["object"], "list");
    let wallet = &wallets.body["data"][0];
    assert!(is_prefixed_id(&wallet["id"], "wlt"), "{wallet}");
    assert_eq!(wallet["object"], "wallet");
    assert_eq!(wallet["currency"], "USD");

    sim.get("/investors/inv_00000000000000000000000000")
        .await
        .assert_error(404, "BLUM-404-001", None);
    sim.get("/investors/0191d5c4-8a8e-7cc0-b2a6-6a2a9a0b0c0d")
        .await
        .assert_error(400, "BLUM-400-003", Some("investor_id"));
    sim.get("/no/such/endpoint")
        .await
        .assert_error(404, "BLUM-404-002", None);
    sim.delete("/investors")
        .await
        .assert_error(404, "BLUM-404-002", None);
}

#[sqlx::test]
async fn lists_page_with_limit_and_offset(pool: PgPool) {
    let sim = start(pool).await;
    for i in 0..3 {
        sim.create_investor(&format!("p{i}@example.com"), "Page")
            .await;
    }
    let first = sim.get("/investors?limit=2").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["object"], "list");
    assert_eq!(first.body["url"], "/v1/investors");
    assert_eq!(first.body["has_more"], true);
    assert_eq!(first.body["data"].as_array().unwrap().len(), 2);
    // Newest first.
    assert_eq!(first.body["data"][0]["email"], "p2@example.com");

    let rest = sim.get("/investors?limit=2&offset=2").await;
    assert_eq!(rest.body["has_more"], false);
    assert_eq!(rest.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(rest.body["data"][0]["email"], "p0@example.com");

    sim.get("/investors?limit=201")
        .await
        .assert_error(400, "BLUM-400-003", Some("limit"));
}

#[sqlx::test]
async fn list_date_filters_are_checked(pool: PgPool) {
    let sim = start(pool).await;
    let investor = sim.create_investor("dates@example.com", "Dates").await;
    let id = investor["id"].as_str().unwrap();
    for list in ["transactions", "deposits", "withdrawals"] {
        let path = format!("/investors/{id}/{list}");
        sim.get(&format!("{path}?date_from=2026-12-03&date_to=2026-12-01"))
            .await
            .assert_error(400, "BLUM-400-007", Some("date_from"));
        sim.get(&format!("{path}?date_to=2026-02-30"))
            .await
            .assert_error(400, "BLUM-400-003", Some("date_to"));
        let ok = sim
            .get(&format!("{path}?date_from=2026-12-01&date_to=2026-12-01"))
            .await;
        assert_eq!(ok.status, 200, "{list}: {}", ok.text);
    }
}

// ---- investors and KYC --------------------------------------------------------------------

#[sqlx::test]
async fn investor_validation_names_the_field(pool: PgPool) {
    let sim = start(pool).await;
    let case = |change: &dyn Fn(&mut Value)| {
        let mut body = investor_body("v@example.com", "Valid");
        change(&mut body);
        body
    };
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            case(&|b| {
                b.as_object_mut().unwrap().remove("first_name");
            }),
            "BLUM-400-002",
            "first_name",
        ),
        (
            case(&|b| b["date_of_birth"] = json!("12/10/1990")),
            "BLUM-400-003",
            "date_of_birth",
        ),
        (
            case(&|b| b["phone"] = json!("415-555-0123")),
            "BLUM-400-003",
            "phone",
        ),
        (
            case(&|b| b["country_of_citizenship"] = json!("USA")),
            "BLUM-400-003",
            "country_of_citizenship",
        ),
        (
            case(&|b| b["address"]["country"] = json!("usa")),
            "BLUM-400-003",
            "address.country",
        ),
        (
            case(&|b| {
                b["address"].as_object_mut().unwrap().remove("postal_code");
            }),
            "BLUM-400-002",
            "address.postal_code",
        ),
        (
            case(&|b| b["account_type"] = json!("savings")),
            "BLUM-400-004",
            "account_type",
        ),
        (
            case(&|b| b["tax_id_type"] = json!("PASSPORT")),
            "BLUM-400-004",
            "tax_id_type",
        ),
        (
            case(&|b| {
                b.as_object_mut().unwrap().remove("tax_id");
            }),
            "BLUM-400-002",
            "tax_id",
        ),
        (
            case(&|b| {
                b.as_object_mut().unwrap().remove("employer_name");
            }),
            "BLUM-400-002",
            "employer_name",
        ),
        (
            case(&|b| {
                b["signed_agreements"].as_array_mut().unwrap().pop();
            }),
            "BLUM-400-001",
            "signed_agreements",
        ),
        (
            case(&|b| b["country_of_tax_residence"] = json!("GB")),
            "BLUM-400-001",
            "signed_agreements",
        ),
    ];
    for (body, code, param) in cases {
        sim.post("/investors", body)
            .await
            .assert_error(400, code, Some(param));
    }
    // Not employed: employer fields are optional.
    let mut retired = investor_body("r@example.com", "Retired");
    retired["employment_status"] = json!("retired");
    for field in ["employer_name", "employer_address", "employment_position"] {
        retired.as_object_mut().unwrap().remove(field);
    }
    assert_eq!(sim.post("/investors", retired).await.status, 201);
    // A non-US tax resident with the W-8BEN is fine.
    let mut foreign = investor_body("gb@example.com", "Smith");
    foreign["country_of_tax_residence"] = json!("GB");
    foreign["signed_agreements"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "type": "w8ben_certification", "signed_at": "2026-11-25T09:00:00Z", "ip_address": "203.0.113.7" }));
    let reply = sim.post("/investors", foreign).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    // Malformed JSON.
    let reply = sim
        .send(
            sim.request(reqwest::Method::POST, "/investors")
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    reply.assert_error(400, "BLUM-400-001", None);
}

#[sqlx::test]
async fn a_duplicate_email_is_a_409(pool: PgPool) {
    let sim = start(pool).await;
    sim.create_investor("dup@example.com", "One").await;
    let reply = sim
        .post("/investors", investor_body("DUP@example.com", "Two"))
        .await;
    reply.assert_error(409, "BLUM-409-001", Some("email"));
    assert_eq!(reply.body["error"]["type"], "conflict_error");
}

#[sqlx::test]
async fn kyc_takes_an_investor_from_onboarding_to_active(pool: PgPool) {
    let sim = start_with(
        pool,
        bluum_invest::bluum_sim::SimOptions {
            kyc_review: Duration::from_secs(1),
            ..fast_options()
        },
    )
    .await;
    let investor = sim.create_investor("kyc@example.com", "Lovelace").await;
    let id = investor["id"].as_str().unwrap();

    let compliance = sim.get(&format!("/investors/{id}/compliance")).await;
    assert_eq!(compliance.status, 200);
    assert_eq!(compliance.body["object"], "compliance_workflow");
    assert_eq!(compliance.body["workflow_type"], "kyc");
    let checks = compliance.body["checks"].as_array().unwrap();
    let types: Vec<&str> = checks.iter().map(|c| c["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "identity_verification",
            "tax_id_verification",
            "screening",
            "risk_assessment"
        ]
    );
    // Reviews take 1 s here: right after creation the workflow is normally still running.
    if compliance.body["status"] == "running" {
        assert_eq!(compliance.body["workflow_status"], "IN_PROGRESS");
        assert!(checks.iter().all(|c| c["status"] == "pending"));
    }

    let active = sim
        .poll(&format!("/investors/{id}"), |b| b["status"] == "active")
        .await;
    assert!(active["account_number"].is_string());
    let compliance = sim.get(&format!("/investors/{id}/compliance")).await;
    assert_eq!(compliance.body["status"], "approved");
    assert_eq!(compliance.body["workflow_status"], "APPROVED");
    assert!(compliance.body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["status"] == "clear" && c["completed_at"].is_string()));
}

#[sqlx::test]
async fn the_decline_rule_declines(pool: PgPool) {
    let sim = start(pool).await;
    let investor = sim.create_investor("no@example.com", "Decline").await;
    let id = investor["id"].as_str().unwrap();
    sim.poll(&format!("/investors/{id}"), |b| b["status"] == "declined")
        .await;
    let compliance = sim.get(&format!("/investors/{id}/compliance")).await;
    assert_eq!(compliance.body["status"], "declined");
    assert_eq!(compliance.body["workflow_status"], "REJECTED");
    assert!(compliance.body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["status"] == "failed"));
}

fn tiny_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec()
}

fn upload_form(
    investor: &str,
    bytes: Vec<u8>,
    purpose: &str,
    file_name: &str,
) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .part(
            "document",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_owned()),
        )
        .text("document_type", "id_verification")
        .text("purpose", purpose.to_owned())
        .text("investor_id", investor.to_owned())
}

#[sqlx::test]
async fn documents_upload_list_and_unblock_kyc(pool: PgPool) {
    let sim = start(pool).await;
    let investor = sim.create_investor("docs@example.com", "Documents").await;
    let id = investor["id"].as_str().unwrap().to_owned();
    sim.poll(&format!("/investors/{id}"), |b| {
        b["status"] == "awaiting_documents"
    })
    .await;

    let reply = sim
        .send(
            sim.request(reqwest::Method::POST, "/documents")
                .multipart(upload_form(&id, tiny_pdf(), "KYC", "passport.pdf")),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let document = reply.body.clone();
    assert!(
        is_prefixed_id(&document["document_id"], "doc"),
        "{document}"
    );
    assert_eq!(document["object"], "document");
    assert_eq!(document["status"], "uploaded");
    assert_eq!(document["purpose"], "kyc");
    assert_eq!(document["owner_type"], "investor");
    assert_eq!(document["mime_type"], "application/pdf");
    assert_eq!(document["file_name"], "passport.pdf");
    assert_eq!(document["file_size"], tiny_pdf().len());
    assert!(uuid::Uuid::parse_str(document["owner_id"].as_str().unwrap()).is_ok());

    let listed = sim.get(&format!("/documents?investor_id={id}")).await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.body["has_more"], false);
    assert_eq!(
        listed.body["data"][0]["document_id"],
        document["document_id"]
    );

    let doc_id = document["document_id"].as_str().unwrap();
    sim.poll(&format!("/documents/{doc_id}"), |b| {
        b["status"] == "accepted"
    })
    .await;
    sim.poll(&format!("/investors/{id}"), |b| b["status"] == "active")
        .await;

    // Not a PDF, JPEG or PNG.
    sim.send(
        sim.request(reqwest::Method::POST, "/documents")
            .multipart(upload_form(&id, b"hello".to_vec(), "KYC", "note.txt")),
    )
    .await
    .assert_error(400, "BLUM-400-003", Some("document"));
    // Over 10 MB.
    let mut big = tiny_pdf();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    sim.send(
        sim.request(reqwest::Method::POST, "/documents")
            .multipart(upload_form(&id, big, "KYC", "big.pdf")),
    )
    .await
    .assert_error(400, "BLUM-400-008", None);
    sim.get("/documents/doc_00000000000000000000000000")
        .await
        .assert_error(404, "BLUM-404-001", None);
}

// ---- idempotency and rate limit ------------------------------------------------------------

#[sqlx::test]
async fn idempotency_replays_and_detects_conflicts(pool: PgPool) {
    let sim = start(pool.clone()).await;
    let body = investor_body("idem@example.com", "Key");
    let first = sim
        .post_with_key("/investors", "inv-key-1", body.clone())
        .await;
    assert_eq!(first.status, 201);
    let again = sim
        .post_with_key("/investors", "inv-key-1", body.clone())
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(again.text, first.text, "replayed byte for byte");
    assert_eq!(again.headers["idempotent-replayed"], "true");

    let listed = sim.get("/investors").await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);

    let mut other = body.clone();
    other["first_name"] = json!("Augusta");
    let conflict = sim.post_with_key("/investors", "inv-key-1", other).await;
    conflict.assert_error(409, "BLUM-409-002", None);
    assert_eq!(conflict.body["error"]["type"], "idempotency_error");

    // An error response is replayed too (same key, same body → same 409 duplicate).
    let dup = sim
        .post_with_key("/investors", "inv-key-2", body.clone())
        .await;
    dup.assert_error(409, "BLUM-409-001", Some("email"));
    let dup_again = sim.post_with_key("/investors", "inv-key-2", body).await;
    assert_eq!(dup_again.text, dup.text);

    // Keys expire after 24 hours: then the same key processes a new body.
    sqlx::query("UPDATE bluum_sim.idempotency_keys SET created_at = now() - interval '25 hours'")
        .execute(&pool)
        .await
        .unwrap();
    let later = sim
        .post_with_key(
            "/investors",
            "inv-key-1",
            investor_body("later@example.com", "Key"),
        )
        .await;
    assert_eq!(later.status, 201, "{}", later.text);
    assert_ne!(later.body["id"], first.body["id"]);
}

#[sqlx::test]
async fn too_many_requests_get_429_with_retry_after(pool: PgPool) {
    let sim = start_with(
        pool,
        bluum_invest::bluum_sim::SimOptions {
            requests_per_second: 2,
            ..fast_options()
        },
    )
    .await;
    let mut limited = None;
    for _ in 0..10 {
        let reply = sim.get("/investors").await;
        if reply.status == 429 {
            limited = Some(reply);
            break;
        }
    }
    let reply = limited.expect("some request was rate limited");
    reply.assert_error(429, "BLUM-429-001", None);
    assert_eq!(reply.body["error"]["type"], "rate_limit_error");
    let retry_after: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1);
}

// ---- funding sources ---------------------------------------------------------------------

#[sqlx::test]
async fn plaid_link_and_single_use_connect(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("plaid@example.com").await;

    let link = sim
        .post(
            &format!("/investors/{id}/funding-sources/plaid/link-token"),
            json!({ "enable_hosted_link": false }),
        )
        .await;
    assert_eq!(link.status, 200);
    assert!(link.body["link_token"]
        .as_str()
        .unwrap()
        .starts_with("link-sandbox-"));
    assert_eq!(link.body["hosted_link_url"], Value::Null);

    let token = "public-sandbox-1234";
    let connect = sim
        .post(
            &format!("/investors/{id}/funding-sources/connect"),
            json!({ "type": "plaid", "public_token": token }),
        )
        .await;
    assert_eq!(connect.status, 200, "{}", connect.text);
    assert_eq!(connect.body["object"], "list");
    let sources = connect.body["data"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    for source in sources {
        assert!(is_prefixed_id(&source["id"], "fs"));
        assert_eq!(source["object"], "funding_source");
        assert_eq!(source["type"], "plaid");
        assert_eq!(source["status"], "active");
        assert_eq!(source["bank_name"], "First Platypus Bank");
    }
    let masks: Vec<&str> = sources
        .iter()
        .map(|s| s["mask"].as_str().unwrap())
        .collect();
    assert_eq!(masks, ["0000", "1111"]);
    assert_eq!(sources[0]["account_name"], "Plaid Checking");
    assert_eq!(sources[1]["account_subtype"], "savings");

    sim.post(
        &format!("/investors/{id}/funding-sources/connect"),
        json!({ "type": "plaid", "public_token": token }),
    )
    .await
    .assert_error(400, "BLUM-400-001", Some("public_token"));

    let plaid = sim
        .get(&format!("/investors/{id}/funding-sources?type=plaid"))
        .await;
    assert_eq!(plaid.body["data"].as_array().unwrap().len(), 2);
    let manual = sim
        .get(&format!("/investors/{id}/funding-sources?type=manual"))
        .await;
    assert_eq!(manual.body["data"].as_array().unwrap().len(), 0);
}

#[sqlx::test]
async fn manual_sources_are_validated_and_can_be_disconnected(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("manual@example.com").await;
    let path = format!("/investors/{id}/funding-sources/connect");
    let good = json!({
        "type": "manual",
        "bank_name": "Chase",
        "account_holder_name": "Ada Lovelace",
        "account_number": "123456789",
        "bank_account_type": "CHECKING",
        "routing_number": "021000021"
    });
    let mut bad = good.clone();
    bad["routing_number"] = json!("12345");
    sim.post(&path, bad)
        .await
        .assert_error(400, "BLUM-400-003", Some("routing_number"));
    let mut bad = good.clone();
    bad["account_number"] = json!("12");
    sim.post(&path, bad)
        .await
        .assert_error(400, "BLUM-400-003", Some("account_number"));
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("bank_name");
    sim.post(&path, bad)
        .await
        .assert_error(400, "BLUM-400-002", Some("bank_name"));
    sim.post(&path, json!({ "type": "card" }))
        .await
        .assert_error(400, "BLUM-400-004", Some("type"));

    let created = sim.post(&path, good).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.body["object"], "funding_source");
    assert_eq!(created.body["type"], "manual");
    assert_eq!(created.body["mask"], "6789");
    assert!(
        !created.text.contains("123456789"),
        "full account number echoed"
    );
    let fs = created.body["id"].as_str().unwrap();

    let removed = sim
        .delete(&format!("/investors/{id}/funding-sources/{fs}"))
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(removed.body["status"], "disconnected");
    let listed = sim.get(&format!("/investors/{id}/funding-sources")).await;
    assert_eq!(listed.body["data"][0]["status"], "disconnected");
}

// ---- deposits, withdrawals, wallets ------------------------------------------------------

#[sqlx::test]
async fn an_ach_deposit_completes_and_credits_the_wallet(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("ach@example.com").await;
    let source = sim.plaid_source(&id).await;
    let path = format!("/investors/{id}/deposits");
    let body = json!({ "amount": "250.00", "currency": "USD", "method": "ach", "funding_source_id": source });

    sim.post(&path, body.clone())
        .await
        .assert_error(400, "BLUM-400-002", Some("Idempotency-Key"));
    let mut bad = body.clone();
    bad["amount"] = json!("1.234");
    sim.post_with_key(&path, "dep-bad", bad).await.assert_error(
        400,
        "BLUM-400-005",
        Some("amount"),
    );

    let created = sim.post_with_key(&path, "dep-1", body.clone()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let deposit = &created.body;
    assert!(is_prefixed_id(&deposit["id"], "dep"));
    assert_eq!(deposit["object"], "deposit");
    assert_eq!(deposit["status"], "pending");
    assert_eq!(deposit["amount"], "250.00");
    assert_eq!(deposit["method"], "ach");
    assert_eq!(deposit["method_details"]["provider_name"], "alpaca");
    let dep = deposit["id"].as_str().unwrap();

    let done = sim
        .poll(&format!("{path}/{dep}"), |b| b["status"] == "completed")
        .await;
    assert!(done["completed_at"].is_string());
    // The same key again does not deposit twice.
    let replay = sim.post_with_key(&path, "dep-1", body).await;
    assert_eq!(replay.body["id"], deposit["id"]);

    let wallet = sim.wallet(&id).await;
    assert_eq!(wallet["balance"], "250.00");
    assert_eq!(wallet["available_balance"], "250.00");
    assert_eq!(wallet["reserved_balance"], "0.00");
    assert_eq!(wallet["cash_withdrawable"], "250.00");
    assert_eq!(wallet["buying_power"], "250.00");
    let investor = sim.get(&format!("/investors/{id}")).await;
    assert_eq!(investor.body["balance"], "250.00");
    assert_eq!(investor.body["cash_withdrawable"], "250.00");

    let txns = sim
        .get(&format!("/investors/{id}/transactions?type=deposit"))
        .await;
    let data = txns.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert!(is_prefixed_id(&data[0]["id"], "txn"));
    assert_eq!(data[0]["object"], "transaction");
    assert_eq!(data[0]["type"], "deposit");
    assert_eq!(data[0]["amount"], "250.00");
    assert_eq!(data[0]["status"], "completed");
    assert_eq!(data[0]["wallet_id"], wallet["id"]);
    let none = sim
        .get(&format!("/investors/{id}/transactions?type=withdrawal"))
        .await;
    assert_eq!(none.body["data"].as_array().unwrap().len(), 0);
    let listed = sim.get(&format!("{path}?status=completed")).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
}

#[sqlx::test]
async fn a_manual_deposit_waits_for_the_admin_route(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("wire@example.com").await;
    let path = format!("/investors/{id}/deposits");
    let created = sim
        .post_with_key(
            &path,
            "dep-m",
            json!({ "amount": "75.50", "method": "manual_bank_transfer" }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let details = &created.body["method_details"];
    assert!(details["reference_code"]
        .as_str()
        .unwrap()
        .starts_with("BLUUM-"));
    assert_eq!(details["bank_details"]["routing_number"], "091311229");
    assert!(created.body["expires_at"].is_string());
    let dep = created.body["id"].as_str().unwrap();

    // Several transfer steps later it is still pending.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let still = sim.get(&format!("{path}/{dep}")).await;
    assert_eq!(still.body["status"], "pending");

    let done = sim
        .post(&format!("/simulator/deposits/{dep}/complete"), json!({}))
        .await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["status"], "completed");
    assert_eq!(sim.wallet(&id).await["balance"], "75.50");
    sim.post(&format!("/simulator/deposits/{dep}/complete"), json!({}))
        .await
        .assert_error(409, "BLUM-409-003", None);
    sim.post(&format!("{path}/{dep}/cancel"), json!({}))
        .await
        .assert_error(409, "BLUM-409-003", None);

    // A wire deposit's instructions come in Bluum's wire shape.
    let wire = sim
        .post_with_key(
            &path,
            "dep-w",
            json!({ "amount": "20.00", "method": "wire" }),
        )
        .await;
    assert_eq!(wire.status, 201, "{}", wire.text);
    let funding = &wire.body["method_details"]["funding_details"][0];
    assert_eq!(funding["payment_type"], "swift_wire");
    assert_eq!(funding["routing_code"], "091311229");
    assert_eq!(funding["currency"], "USD");
    assert!(funding["bank_name"].is_string() && funding["account_number"].is_string());
    assert_eq!(wire.body["status"], "pending");
}

#[sqlx::test]
async fn what_bluums_example_app_also_calls(pool: PgPool) {
    let sim = start(pool).await;
    // The bank list for manual sources, Gen B shaped.
    let banks = sim.get("/banks?country=NG").await;
    assert_eq!(banks.status, 200, "{}", banks.text);
    assert_eq!(banks.body["status"], "success");
    let list = banks.body["data"]["banks"].as_array().unwrap();
    assert!(list
        .iter()
        .any(|b| b["name"] == "Access Bank" && b["code"] == "044"));
    let none = sim.get("/banks?country=US").await;
    assert_eq!(none.body["data"]["banks"], json!([]));

    // The Wealth add-on is not enabled: 403 in the legacy body, for any method.
    let id = sim.active_investor("wealth@example.com").await;
    for reply in [
        sim.get(&format!("/wealth/accounts/{id}/goals")).await,
        sim.post(&format!("/wealth/accounts/{id}/life-events"), json!({}))
            .await,
    ] {
        assert_eq!(reply.status, 403, "{}", reply.text);
        assert_eq!(reply.body["code"], "PRODUCT_NOT_ENABLED");
        assert_eq!(reply.body["status"], "error");
    }

    // The chart endpoint answers (it used to be taken for an asset called "chart").
    let chart = sim
        .get("/assets/chart?symbol=AAPL&timeframe=1Day&period=1M")
        .await;
    assert_eq!(chart.status, 200, "{}", chart.text);
    assert_eq!(chart.body["data"]["symbol"], "AAPL");
    let bars = chart.body["data"]["bars"].as_array().unwrap();
    assert!(!bars.is_empty() && bars.len() <= 31, "{} bars", bars.len());
    assert!(bars[0]["close"].is_number() && bars[0]["tradeCount"].is_number());
    assert!(bars[0]["volumeWeightedAveragePrice"].is_number());
    sim.get("/assets/chart?timeframe=1Day")
        .await
        .assert_error(400, "BLUM-400-002", Some("symbol"));
    sim.get("/assets/chart?symbol=NOPE&timeframe=1Day")
        .await
        .assert_error(404, "BLUM-404-003", None);
}

#[sqlx::test]
async fn withdrawals_hold_funds_and_cancel_releases_them(pool: PgPool) {
    // Transfer steps of a minute: the withdrawal stays pending for the whole test.
    let sim = start_with(
        pool,
        bluum_invest::bluum_sim::SimOptions {
            transfer_step: Duration::from_secs(60),
            ..fast_options()
        },
    )
    .await;
    let id = sim.active_investor("wd@example.com").await;
    sim.funded_manually(&id, "100.00").await;
    let source = sim.plaid_source(&id).await;
    let path = format!("/investors/{id}/withdrawals");
    let body =
        |amount: &str| json!({ "amount": amount, "method": "ach", "funding_source_id": source });

    sim.post_with_key(&path, "wd-over", body("100.01"))
        .await
        .assert_error(422, "BLUM-422-001", None);
    sim.post_with_key(&path, "wd-limit", body("250000.01"))
        .await
        .assert_error(422, "BLUM-422-005", Some("amount"));
    // Without a key, a withdrawal is still taken (as the sandbox takes Bluum's example app's).
    let keyless = sim.post(&path, body("1.00")).await;
    assert_eq!(keyless.status, 201, "{}", keyless.text);
    let keyless = keyless.body["id"].as_str().unwrap().to_owned();
    let cancelled = sim
        .post(&format!("{path}/{keyless}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    // A wire withdrawal may leave the funding source out: it goes to the beneficiary on file.
    let wire = sim
        .post(&path, json!({ "amount": "2.00", "method": "wire" }))
        .await;
    assert_eq!(wire.status, 201, "{}", wire.text);
    assert!(wire.body["funding_source_id"].is_null());
    let wire = wire.body["id"].as_str().unwrap().to_owned();
    let cancelled = sim.post(&format!("{path}/{wire}/cancel"), json!({})).await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    // ACH still needs it.
    sim.post(&path, json!({ "amount": "2.00", "method": "ach" }))
        .await
        .assert_error(400, "BLUM-400-002", Some("funding_source_id"));

    let created = sim.post_with_key(&path, "wd-1", body("30.00")).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(is_prefixed_id(&created.body["id"], "wd"));
    assert_eq!(created.body["object"], "withdrawal");
    assert_eq!(created.body["status"], "pending");
    assert_eq!(created.body["funding_source_id"], source.as_str());
    let wd = created.body["id"].as_str().unwrap();

    let wallet = sim.wallet(&id).await;
    assert_eq!(wallet["balance"], "100.00");
    assert_eq!(wallet["reserved_balance"], "30.00");
    assert_eq!(wallet["available_balance"], "70.00");
    assert_eq!(wallet["cash_withdrawable"], "70.00");
    let investor = sim.get(&format!("/investors/{id}")).await;
    assert_eq!(investor.body["cash_withdrawable"], "70.00");
    sim.post_with_key(&path, "wd-2", body("70.01"))
        .await
        .assert_error(422, "BLUM-422-001", None);

    let cancel = sim.post(&format!("{path}/{wd}/cancel"), json!({})).await;
    assert_eq!(cancel.status, 200, "{}", cancel.text);
    assert_eq!(cancel.body["status"], "cancelled");
    let wallet = sim.wallet(&id).await;
    assert_eq!(wallet["available_balance"], "100.00");
    assert_eq!(wallet["reserved_balance"], "0.00");
    sim.post(&format!("{path}/{wd}/cancel"), json!({}))
        .await
        .assert_error(409, "BLUM-409-003", None);
    let listed = sim.get(&format!("{path}?status=canceled")).await;
    assert_eq!(listed.body["data"][0]["id"], wd);
}

#[sqlx::test]
async fn a_withdrawal_completes_and_debits_the_wallet(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("wd2@example.com").await;
    sim.funded(&id, "100.00").await;
    let source = sim.plaid_source(&id).await;
    let path = format!("/investors/{id}/withdrawals");
    let created = sim
        .post_with_key(
            &path,
            "wd-c",
            json!({ "amount": "40.00", "method": "ach", "funding_source_id": source }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let wd = created.body["id"].as_str().unwrap();
    let done = sim
        .poll(&format!("{path}/{wd}"), |b| b["status"] == "completed")
        .await;
    assert!(done["completed_at"].is_string());
    let wallet = sim.wallet(&id).await;
    assert_eq!(wallet["balance"], "60.00");
    assert_eq!(wallet["reserved_balance"], "0.00");
    let txns = sim
        .get(&format!("/investors/{id}/transactions?type=withdrawal"))
        .await;
    let data = txns.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["amount"], "40.00");
    assert_eq!(data[0]["balance_after"], "60.00");
    let all = sim.get(&format!("/investors/{id}/transactions")).await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 2);
    sim.post(&format!("{path}/{wd}/cancel"), json!({}))
        .await
        .assert_error(409, "BLUM-409-003", None);
}

// ---- webhooks ----------------------------------------------------------------------------

#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<(HeaderMap, Bytes)>>>,
}

/// A receiver that answers 500 to its first call and 200 afterwards.
async fn flaky_receiver() -> (String, Receiver) {
    async fn handle(
        State(r): State<Receiver>,
        headers: HeaderMap,
        body: Bytes,
    ) -> axum::http::StatusCode {
        let n = r.calls.fetch_add(1, Ordering::SeqCst);
        r.received.lock().unwrap().push((headers, body));
        if n == 0 {
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        } else {
            axum::http::StatusCode::OK
        }
    }
    let receiver = Receiver::default();
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(handle))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), receiver)
}

#[sqlx::test]
async fn webhooks_are_delivered_signed_and_retried(pool: PgPool) {
    let sim = start(pool.clone()).await;
    let (url, receiver) = flaky_receiver().await;

    let types = sim.get("/webhooks/event-types").await;
    assert!(types.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "kyc.verification.approved"));

    sim.post(
        "/webhooks",
        json!({ "name": "x", "url": url, "events": ["account.*"] }),
    )
    .await
    .assert_error(400, "BLUM-400-002", Some("eventTypeNames"));
    sim.post(
        "/webhooks",
        json!({ "name": "x", "url": url, "eventTypeNames": ["nope.*"] }),
    )
    .await
    .assert_error(400, "BLUM-400-004", Some("eventTypeNames"));

    let created = sim
        .post(
            "/webhooks",
            json!({ "name": "app", "url": url, "eventTypeNames": ["account.*", "kyc.*"] }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(is_prefixed_id(&created.body["id"], "wh"));
    assert_eq!(created.body["object"], "webhook");
    assert_eq!(created.body["status"], "active");
    assert_eq!(
        created.body["event_type_names"],
        json!(["account.*", "kyc.*"])
    );
    assert!(created.body["created_at"].is_string());
    let secret = created.body["secret"].as_str().unwrap().to_owned();
    assert_eq!(
        secret,
        secrecy::ExposeSecret::expose_secret(&sim.handle.webhook_secret)
    );

    let investor = sim.create_investor("hook@example.com", "Lovelace").await;
    let investor_id = investor["id"].as_str().unwrap();

    // account.created (first answer 500, then retried), kyc.verification.approved, account.updated.
    let mut deliveries = Vec::new();
    for _ in 0..200 {
        deliveries = receiver.received.lock().unwrap().clone();
        let events: Vec<String> = deliveries
            .iter()
            .map(|(_, body)| {
                serde_json::from_slice::<Value>(body).unwrap()["event"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        if events.iter().filter(|e| *e == "account.created").count() >= 2
            && events.iter().any(|e| e == "kyc.verification.approved")
            && events.iter().any(|e| e == "account.updated")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let secret = SecretString::from(secret);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut created_ids = Vec::new();
    for (headers, body) in &deliveries {
        let header = headers[signature::HEADER].to_str().unwrap();
        signature::verify(&secret, header, body, now, signature::DEFAULT_TOLERANCE)
            .expect("every delivery verifies");
        let mut tampered = body.to_vec();
        tampered.push(b' ');
        assert!(signature::verify(
            &secret,
            header,
            &tampered,
            now,
            signature::DEFAULT_TOLERANCE
        )
        .is_err());
        let payload: Value = serde_json::from_slice(body).unwrap();
        assert!(is_prefixed_id(&payload["id"], "evt"), "{payload}");
        assert!(payload["timestamp"].is_string());
        assert_eq!(headers["content-type"], "application/json");
        if payload["event"] == "account.created" {
            assert_eq!(payload["data"]["id"], investor_id);
            created_ids.push(payload["id"].clone());
        }
    }
    // The retry carries the same event (same id) as the failed attempt.
    assert_eq!(
        created_ids.len(),
        2,
        "account.created delivered, failed once, retried"
    );
    assert_eq!(created_ids[0], created_ids[1]);

    let attempts: Vec<(i32, Option<i32>)> = sqlx::query_as(
        "SELECT a.attempt, a.status_code FROM bluum_sim.webhook_attempts a
         JOIN bluum_sim.webhook_deliveries d ON d.id = a.delivery_id
         WHERE d.event_type = 'account.created' ORDER BY a.attempt",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(attempts, vec![(1, Some(500)), (2, Some(200))]);
    let status: String = sqlx::query_scalar(
        "SELECT status FROM bluum_sim.webhook_deliveries WHERE event_type = 'account.created'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "delivered");

    let listed = sim.get("/webhooks").await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    assert!(listed.body["data"][0].get("secret").is_none());
    let wh = created.body["id"].as_str().unwrap();
    let deleted = sim.delete(&format!("/webhooks/{wh}")).await;
    assert_eq!(deleted.body["deleted"], true);
    assert_eq!(
        sim.get("/webhooks").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

// ---- persistence -------------------------------------------------------------------------

#[sqlx::test]
async fn state_survives_a_restart(pool: PgPool) {
    let sim = start(pool.clone()).await;
    let id = sim.active_investor("persist@example.com").await;
    sim.funded(&id, "42.00").await;
    sim.handle.shutdown().await;

    let again = start(pool).await;
    let investor = again.get(&format!("/investors/{id}")).await;
    assert_eq!(investor.status, 200, "{}", investor.text);
    assert_eq!(investor.body["status"], "active");
    assert_eq!(investor.body["balance"], "42.00");
    assert_eq!(again.wallet(&id).await["available_balance"], "42.00");
    // The unique e-mail is still enforced after the restart.
    again
        .post("/investors", investor_body("persist@example.com", "Again"))
        .await
        .assert_error(409, "BLUM-409-001", Some("email"));
}

#[sqlx::test]
async fn reset_wipes_the_simulator(pool: PgPool) {
    let sim = start(pool.clone()).await;
    sim.create_investor("gone@example.com", "Lovelace").await;
    sim.handle.shutdown().await;
    bluum_invest::bluum_sim::store::wipe(&pool).await.unwrap();
    let again = start(pool).await;
    assert_eq!(
        again.get("/investors").await.body["data"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

// ---- the app's receiver ------------------------------------------------------------------

#[sqlx::test]
async fn the_app_stores_a_signed_event_once(pool: PgPool) {
    let app = common::spawn_app_with(pool.clone(), &[("BLUUM_WEBHOOK_SECRET", "whsec_test")]).await;
    let secret = SecretString::from("whsec_test");
    let body = br#"{"id":"evt_01jtest0000000000000000000","event":"order.filled","timestamp":"2026-11-25T09:00:00Z","data":{"id":"ord_1"}}"#;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let post = |header: String, body: &'static [u8]| {
        app.client
            .post(app.url("/webhooks/bluum"))
            .header(signature::HEADER, header)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let first = post(signature::sign(&secret, now, body), body)
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.json::<Value>().await.unwrap()["duplicate"], false);
    let second = post(signature::sign(&secret, now, body), body)
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(second.json::<Value>().await.unwrap()["duplicate"], true);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    let (event_type, payload): (String, Value) =
        sqlx::query_as("SELECT event_type, payload FROM webhook_events")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(event_type, "order.filled");
    assert_eq!(payload["data"]["id"], "ord_1");

    let forged = post(
        signature::sign(&SecretString::from("other"), now, body),
        body,
    )
    .await
    .unwrap();
    assert_eq!(forged.status(), 401);
    let stale = post(signature::sign(&secret, now - 3600, body), body)
        .await
        .unwrap();
    assert_eq!(stale.status(), 401);
    let unsigned = app
        .client
        .post(app.url("/webhooks/bluum"))
        .body(&body[..])
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);

    // Against real Bluum without BLUUM_WEBHOOK_SECRET nothing is accepted. (In simulator
    // mode the app always has the simulator's secret.)
    let bare = common::spawn_app_with(
        pool.clone(),
        &[
            ("BLUUM_API_KEY", "k"),
            ("BLUUM_API_SECRET", "s"),
            ("BLUUM_BASE_URL", "http://127.0.0.1:9/v1"),
        ],
    )
    .await;
    let refused = bare
        .client
        .post(bare.url("/webhooks/bluum"))
        .header(signature::HEADER, signature::sign(&secret, now, body))
        .body(&body[..])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
}

#[sqlx::test]
async fn trusted_contact_and_closing_an_account(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("close@example.com").await;

    let contact = json!({ "first_name": "Charles", "last_name": "Babbage", "email": "cb@example.com", "phone": "+442071234567" });
    let reply = sim
        .send(
            sim.request(
                reqwest::Method::PUT,
                &format!("/investors/{id}/trusted-contact"),
            )
            .json(&contact),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["object"], "trusted_contact");
    assert_eq!(reply.body["investor_id"], id.as_str());
    assert_eq!(reply.body["phone"], "+442071234567");
    let investor = sim.get(&format!("/investors/{id}")).await;
    assert_eq!(investor.body["trusted_contact"]["last_name"], "Babbage");
    let mut bad = contact.clone();
    bad["phone"] = json!("020 7123 4567");
    sim.send(
        sim.request(
            reqwest::Method::PUT,
            &format!("/investors/{id}/trusted-contact"),
        )
        .json(&bad),
    )
    .await
    .assert_error(400, "BLUM-400-003", Some("phone"));

    // Money in the wallet: closing is a state conflict.
    sim.funded_manually(&id, "10.00").await;
    sim.post(
        &format!("/investors/{id}/close"),
        json!({ "reason": "moving" }),
    )
    .await
    .assert_error(409, "BLUM-409-003", None);

    let empty = sim.active_investor("empty@example.com").await;
    let closed = sim
        .post(
            &format!("/investors/{empty}/close"),
            json!({ "reason": "moving" }),
        )
        .await;
    assert_eq!(closed.status, 200, "{}", closed.text);
    assert_eq!(closed.body["status"], "closed");
    sim.post(&format!("/investors/{empty}/close"), json!({}))
        .await
        .assert_error(409, "BLUM-409-003", None);
}

#[sqlx::test]
async fn a_document_can_be_deleted(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("del@example.com").await;
    let reply = sim
        .send(
            sim.request(reqwest::Method::POST, "/documents")
                .multipart(upload_form(
                    &id,
                    b"\x89PNG\r\n\x1a\nrest".to_vec(),
                    "OTHER",
                    "x.png",
                )),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert_eq!(reply.body["mime_type"], "image/png");
    let doc = reply.body["document_id"].as_str().unwrap();
    let deleted = sim.delete(&format!("/documents/{doc}")).await;
    assert_eq!(deleted.status, 204);
    sim.get(&format!("/documents/{doc}"))
        .await
        .assert_error(404, "BLUM-404-001", None);
    sim.delete(&format!("/documents/{doc}"))
        .await
        .assert_error(404, "BLUM-404-001", None);
}
