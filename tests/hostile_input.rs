//! Hostile input at every door: oversized bodies, malformed forms and JSON, wrong types, SQL
//! and script in text fields, path traversal and disguised files in uploads, forged and
//! malformed webhooks. Each is refused with a clear error (a 4xx, with the message next to its
//! field where there is one), the server stays up, and nothing is stored.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use bluum_invest::bluum::signature;
use common::accounts::{call_json, validation};
use common::investors::{funded, with_bank};
use common::{spawn_app, spawn_app_with, TestApp};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::PgPool;

/// Every server function that takes input, as `/api/{endpoint}` (not `auth/sign_out`,
/// `onboarding/restart` and `account/two_factor/start`: they take none, and would act on a stray
/// body as on an empty one).
const ENDPOINTS: &[&str] = &[
    "auth/whoami",
    "auth/sign_up",
    "auth/sign_in",
    "auth/two_factor",
    "auth/forgot_password",
    "auth/reset_password",
    "account/profile",
    "account/update_profile",
    "account/change_password",
    "account/two_factor/confirm",
    "account/two_factor/disable",
    "onboarding/state",
    "onboarding/save",
    "onboarding/submit",
    "onboarding/status",
    "onboarding/document",
    "banks/list",
    "banks/get",
    "banks/link_mode",
    "banks/link_token",
    "banks/sandbox_sign_in",
    "banks/connect_plaid",
    "banks/connect_manual",
    "banks/disconnect",
    "money/balances",
    "money/form",
    "money/review",
    "money/deposit",
    "money/withdraw",
    "money/transfer",
    "money/cancel",
    "money/transfers",
    "trade/search",
    "trade/asset",
    "trade/ticket",
    "trade/review",
    "trade/place",
    "trade/orders",
    "trade/order",
    "trade/cancel",
    "portfolio/get",
    "activity/list",
    "dashboard/get",
];

const WEBHOOK_SECRET: &str = "whsec_hostile_test";

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// What the database holds that a request could have added. (Not `webhook_events`: the
/// simulator's own events about the set-up keep arriving; the webhook test counts those.)
async fn stored(pool: &PgPool) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "users",
        "user_investors",
        "idempotency_requests",
        "onboarding_drafts",
        "audit_log",
    ] {
        out.push(count(pool, &format!("SELECT count(*) FROM {table}")).await);
    }
    out
}

/// Sends `body` with `content_type` to every server function as the signed-in `client`;
/// each must answer 4xx (never 5xx, never 2xx).
async fn everywhere(
    app: &TestApp,
    client: &reqwest::Client,
    content_type: &str,
    body: Vec<u8>,
    what: &str,
) {
    for endpoint in ENDPOINTS {
        let res = client
            .post(app.url(&format!("/api/{endpoint}")))
            .header("content-type", content_type)
            .header("accept", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        // Endpoints that take no input may answer a stray body normally; none may fail.
        let no_input = matches!(
            *endpoint,
            "auth/whoami"
                | "account/profile"
                | "onboarding/state"
                | "onboarding/status"
                | "banks/list"
                | "banks/link_mode"
                | "banks/link_token"
                | "money/balances"
                | "money/form"
                | "money/transfers"
                | "trade/orders"
                | "portfolio/get"
                | "activity/list"
                | "dashboard/get"
                | "trade/search"
        );
        assert!(
            ((400..500).contains(&status) && status != 401) || (no_input && status < 400),
            "{what} to {endpoint}: {status} {}",
            res.text().await.unwrap_or_default()
        );
    }
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "{what}: the server stays up");
}

#[sqlx::test]
async fn malformed_oversized_and_mistyped_requests_are_refused_everywhere(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, _) = funded(
        &app,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
        "100",
    )
    .await;
    let before = stored(&pool).await;

    // A body far past any form's size.
    let huge = format!("name={}", "A".repeat(3 * 1024 * 1024)).into_bytes();
    everywhere(
        &app,
        &client,
        "application/x-www-form-urlencoded",
        huge,
        "3 MB",
    )
    .await;
    // Broken form encoding, JSON where a form is expected, and plain garbage.
    everywhere(
        &app,
        &client,
        "application/x-www-form-urlencoded",
        b"amount=%zz&&=%%%&idempotency_key[]=1".to_vec(),
        "malformed form",
    )
    .await;
    everywhere(
        &app,
        &client,
        "application/json",
        br#"{"amount": {"$gt": 0}, "symbol": ["AAPL"]"#.to_vec(),
        "malformed JSON",
    )
    .await;
    everywhere(
        &app,
        &client,
        "text/plain",
        vec![0xff, 0xfe, 0x00, 0x41],
        "binary",
    )
    .await;
    assert_eq!(stored(&pool).await, before, "nothing stored");
    // Refused for what they were, not for a lost session: still signed in.
    assert!(common::accounts::whoami(&app, &client).await.is_some());
}

#[sqlx::test]
async fn wrong_types_and_traversal_in_fields_are_named_next_to_the_field(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, _, bank) = with_bank(
        &app,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
    )
    .await;
    let before = stored(&pool).await;
    for amount in [
        "abc",
        "-5",
        "1e309",
        "NaN",
        "0x10",
        "1;DROP TABLE users",
        "99999999999999999999999",
    ] {
        let (status, body) = call_json(
            &app,
            &client,
            "money/review",
            &[("kind", "deposit"), ("bank", &bank), ("amount", amount)],
        )
        .await;
        assert_eq!(status, 422, "amount {amount}: {body}");
        assert_eq!(validation(&body).0, "amount", "{body}");
    }
    for (endpoint, field, value) in [
        ("money/transfer", "id", "../../etc/passwd"),
        ("money/transfer", "id", "dep_' OR '1'='1"),
        ("trade/order", "id", "../orders"),
        ("trade/ticket", "symbol", "../../v1/investors"),
        ("trade/asset", "symbol", "AAPL/../../webhooks"),
        ("banks/get", "id", "fs_%2e%2e%2f"),
    ] {
        let (status, body) = call_json(&app, &client, endpoint, &[(field, value)]).await;
        assert!(
            (400..500).contains(&status),
            "{endpoint} {field}={value}: {status} {body}"
        );
    }
    let (status, body) = call_json(
        &app,
        &client,
        "trade/review",
        &[
            ("symbol", "AAPL"),
            ("side", "buy'; --"),
            ("order_type", "<script>"),
            ("amount", "1"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(stored(&pool).await, before, "nothing stored");
}

#[sqlx::test]
async fn sql_and_script_in_text_fields_are_refused_and_nothing_is_stored(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let client = app.new_client();
    for name in [
        "<script>alert(1)</script>",
        "Robert'); DROP TABLE users;--",
        "{{7*7}}",
    ] {
        let (status, body) = call_json(
            &app,
            &client,
            "auth/sign_up",
            &[
                ("name", name),
                ("email", "mallory@example.com"),
                ("password", common::accounts::PASSWORD),
            ],
        )
        .await;
        assert_eq!(status, 422, "{name}: {body}");
        assert_eq!(validation(&body).0, "name", "{body}");
    }
    for email in ["a@b.co' OR '1'='1", "<svg/onload=alert(1)>@x.io"] {
        let (status, body) = call_json(
            &app,
            &client,
            "auth/sign_up",
            &[
                ("name", "Mallory"),
                ("email", email),
                ("password", common::accounts::PASSWORD),
            ],
        )
        .await;
        assert_eq!(status, 422, "{email}: {body}");
        assert_eq!(validation(&body).0, "email", "{body}");
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM users").await, 0);

    // In the wizard: the address and the employer refuse markup, next to their fields, and the
    // draft keeps none of it.
    let (client, _, _) = with_bank(
        &app,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
    )
    .await;
    let (status, body) = call_json(
        &app,
        &client,
        "banks/connect_manual",
        &[
            ("bank_name", "<img src=x onerror=alert(1)>"),
            ("account_holder_name", "Ada'); DELETE FROM users;--"),
            ("routing_number", "021000021"),
            ("account_number", "000123456789"),
            ("account_number_confirm", "000123456789"),
            ("account_type", "checking"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(validation(&body).0, "bank_name", "{body}");
    let (_, banks) = call_json(&app, &client, "banks/list", &[]).await;
    let listed = banks.to_string();
    assert!(!listed.contains("onerror"), "{listed}");

    let newcomer = app.new_client();
    common::accounts::sign_up(&app, &newcomer, "eve@example.com").await;
    let (status, body) = call_json(
        &app,
        &newcomer,
        "onboarding/save",
        &[
            ("step", "address"),
            ("street", "<script>document.cookie</script>"),
            ("city", "San Francisco"),
            ("state", "CA"),
            ("postal_code", "94105"),
            ("country", "US"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("street"), "{body}");
    let drafts: Vec<Value> = sqlx::query_scalar("SELECT to_jsonb(d) FROM onboarding_drafts d")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        drafts.iter().all(|d| !d.to_string().contains("<script>")),
        "{drafts:?}"
    );
}

#[sqlx::test]
async fn uploads_with_paths_or_disguised_contents_are_refused(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, _) = funded(
        &app,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
        "0",
    )
    .await;
    let upload = |name: &'static str, bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new()
            .text("document_type", "PASSPORT")
            .part(
                "document",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        client
            .post(app.url("/api/onboarding/document"))
            .multipart(form)
            .send()
    };
    for (name, bytes, says) in [
        (
            "../../etc/passwd.png",
            &b"\x89PNG\r\n\x1a\nx"[..],
            "Rename the file",
        ),
        ("..\\..\\boot.ini.pdf", &b"%PDF-1.4"[..], "Rename the file"),
        (
            "passport.png",
            &b"#!/bin/sh\nrm -rf /"[..],
            "isn't the kind",
        ),
        (
            "passport.pdf",
            &b"<html><script>alert(1)</script>"[..],
            "isn't the kind",
        ),
        ("passport.exe", &b"MZ\x90\x00"[..], "PDF, JPG, PNG"),
    ] {
        let res = upload(name, bytes).await.unwrap();
        assert_eq!(res.status(), 422, "{name}");
        let body: Value = res.json().await.unwrap();
        let (field, message) = validation(&body);
        assert_eq!(field, "document", "{body}");
        assert!(message.contains(says), "{name}: {message}");
    }
    // Larger than 10 MB: refused as it streams in.
    let big = vec![b'%'; 11 * 1024 * 1024];
    let form = reqwest::multipart::Form::new()
        .text("document_type", "PASSPORT")
        .part(
            "document",
            reqwest::multipart::Part::bytes(big).file_name("big.pdf"),
        );
    let res = client
        .post(app.url("/api/onboarding/document"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(
        (400..500).contains(&res.status().as_u16()),
        "{}",
        res.status()
    );
    let uploads = count(
        &pool,
        "SELECT count(*) FROM audit_log WHERE action = 'document_uploaded'",
    )
    .await;
    assert_eq!(uploads, 0, "nothing reached Bluum");
}

#[sqlx::test]
async fn forged_malformed_and_oversized_webhooks_change_nothing(pool: PgPool) {
    let app = spawn_app_with(pool.clone(), &[("BLUUM_WEBHOOK_SECRET", WEBHOOK_SECRET)]).await;
    let post = |body: Vec<u8>, header: Option<String>| {
        let mut req = app
            .client
            .post(app.url("/webhooks/bluum"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(h) = header {
            req = req.header(signature::HEADER, h);
        }
        req.send()
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let secret = SecretString::from(WEBHOOK_SECRET);
    let event = br#"{"id":"evt_h1","event":"order.filled","timestamp":"2026-12-05T12:00:00Z","data":{"id":"ord_1","investor_id":"inv_1"}}"#.to_vec();
    let wrong = SecretString::from("whsec_not_ours");
    let malformed = br#"{"id":"evt_h2","event":"#.to_vec();
    let huge = format!(
        r#"{{"id":"evt_h3","event":"order.filled","data":"{}"}}"#,
        "x".repeat(3 * 1024 * 1024)
    )
    .into_bytes();
    for (what, body, header) in [
        ("unsigned", event.clone(), None),
        (
            "signed with another secret",
            event.clone(),
            Some(signature::sign(&wrong, now, &event)),
        ),
        (
            "signed long ago",
            event.clone(),
            Some(signature::sign(&secret, now - 3_600, &event)),
        ),
        (
            "garbage signature",
            event.clone(),
            Some("t=1,v1=zz".to_owned()),
        ),
        (
            "malformed JSON, signed",
            malformed.clone(),
            Some(signature::sign(&secret, now, &malformed)),
        ),
        (
            "3 MB, signed",
            huge.clone(),
            Some(signature::sign(&secret, now, &huge)),
        ),
    ] {
        let res = post(body, header).await.unwrap();
        assert!(
            (400..500).contains(&res.status().as_u16()),
            "{what}: {}",
            res.status()
        );
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM webhook_events").await, 0);
}
