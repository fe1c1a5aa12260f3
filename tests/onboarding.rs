//! Onboarding over HTTP, as a browser's forms would call it, against the in-process simulator:
//! the wizard's steps, the application, the KYC review and documents, and what a signed-out
//! visitor or another user can reach.

mod common;

use std::time::Duration;

use common::accounts::{call, call_json, sign_up};
use common::{spawn_app, TestApp};
use serde_json::Value;
use sqlx::PgPool;

const SSN: &str = "123-45-6789";

/// Every step's answers, by step slug.
fn steps(last_name: &str, email: &str) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let s = |v: &str| v.to_owned();
    vec![
        (
            "identity",
            vec![
                ("first_name", s("Ada")),
                ("last_name", s(last_name)),
                ("date_of_birth", s("1990-06-15")),
                ("citizenship", s("US")),
                ("country_of_birth", s("US")),
                ("tax_residence", s("US")),
            ],
        ),
        (
            "contact",
            vec![
                ("email", s(email)),
                ("phone_country", s("US")),
                ("phone", s("415 555 0123")),
            ],
        ),
        (
            "address",
            vec![
                ("street1", s("1 Market St")),
                ("city", s("San Francisco")),
                ("state", s("CA")),
                ("postal_code", s("94105")),
                ("country", s("US")),
            ],
        ),
        (
            "employment",
            vec![
                ("employment_status", s("employed")),
                ("employer_name", s("Analytical Engines Ltd")),
                ("position", s("Engineer")),
            ],
        ),
        (
            "financial",
            vec![
                ("annual_income", s("100000-249999")),
                ("liquid_net_worth", s("50000-99999")),
                ("total_net_worth", s("250000-499999")),
                ("source_employment_income", s("on")),
                ("source_savings", s("on")),
            ],
        ),
        (
            "disclosures",
            vec![
                ("control_person", s("no")),
                ("affiliated", s("no")),
                ("politically_exposed", s("no")),
                ("family_exposed", s("no")),
            ],
        ),
        ("trusted-contact", vec![]),
    ]
}

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    step: &str,
    fields: &[(&str, String)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![("step", step), ("nav", "next")];
    form.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
    call(app, client, "onboarding/save", &form).await
}

async fn submit(app: &TestApp, client: &reqwest::Client, tax_id: &str) -> reqwest::Response {
    call(
        app,
        client,
        "onboarding/submit",
        &[
            ("tax_id_type", "SSN"),
            ("tax_id", tax_id),
            ("agree_investor", "on"),
            ("agree_margin", "on"),
        ],
    )
    .await
}

/// Signs `client` up and answers every step up to the agreements.
async fn fill_wizard(app: &TestApp, client: &reqwest::Client, email: &str, last_name: &str) {
    sign_up(app, client, email).await;
    for (step, fields) in steps(last_name, email) {
        let res = save(app, client, step, &fields).await;
        assert_eq!(res.status(), 200, "{step}: {:?}", res.text().await);
    }
}

async fn kyc(app: &TestApp, client: &reqwest::Client) -> (u16, Value) {
    call_json(app, client, "onboarding/status", &[]).await
}

/// Polls the review until it leaves `InReview` (the simulator decides after ~2 s).
async fn decided(app: &TestApp, client: &reqwest::Client) -> Value {
    for _ in 0..100 {
        let (status, body) = kyc(app, client).await;
        assert_eq!(status, 200, "{body}");
        if body["stage"] != "InReview" {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the review never ended");
}

#[sqlx::test]
async fn the_wizard_checks_each_step_keeps_answers_and_resumes(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sign_up(&app, &app.client, "ada@example.com").await;

    // A new draft starts at the first step with the account's email filled in.
    let (status, state) = call_json(&app, &app.client, "onboarding/state", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(state["Wizard"]["furthest"], "Identity");
    assert_eq!(state["Wizard"]["draft"]["email"], "ada@example.com");

    // A minor is refused next to the date of birth; what was typed is kept.
    let mut identity = steps("Lovelace", "ada@example.com")[0].1.clone();
    identity[2].1 = "2015-01-01".into();
    let res = save(&app, &app.client, "identity", &identity).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 422, "{body}");
    let errors = body["Invalid"]["errors"].as_array().unwrap();
    assert_eq!(errors[0][0], "date_of_birth", "{body}");
    let (_, state) = call_json(&app, &app.client, "onboarding/state", &[]).await;
    assert_eq!(state["Wizard"]["draft"]["last_name"], "Lovelace");
    assert_eq!(state["Wizard"]["furthest"], "Identity", "not moved on");

    // Fixed, it moves on; later steps stay closed until reached.
    identity[2].1 = "1990-06-15".into();
    let res = save(&app, &app.client, "identity", &identity).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["location"], "/onboarding/contact");

    // Back saves without checking, and a later visit resumes at the furthest step.
    let res = call(
        &app,
        &app.client,
        "onboarding/save",
        &[("step", "contact"), ("nav", "back"), ("phone", "12")],
    )
    .await;
    assert_eq!(res.headers()["location"], "/onboarding/identity");
    let (_, state) = call_json(&app, &app.client, "onboarding/state", &[]).await;
    assert_eq!(state["Wizard"]["draft"]["phone"], "12");
    assert_eq!(state["Wizard"]["furthest"], "Contact");

    // The page itself renders the saved answers into the HTML (no JavaScript needed).
    let html = app
        .client
        .get(app.url("/onboarding/identity"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"value="Lovelace""#),
        "prefilled in the HTML"
    );
}

#[sqlx::test]
async fn submitting_creates_one_investor_and_never_keeps_the_tax_id(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    fill_wizard(&app, &app.client, "ada@example.com", "Lovelace").await;

    // A bad tax id and a missing agreement are shown next to their fields.
    let res = call(
        &app,
        &app.client,
        "onboarding/submit",
        &[
            ("tax_id_type", "SSN"),
            ("tax_id", "12-34"),
            ("agree_margin", "on"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["Invalid"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[0].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["tax_id", "agree_investor"]);

    // Two submits at once (a double click, two tabs): one investor.
    let (a, b) = tokio::join!(
        submit(&app, &app.client, SSN),
        submit(&app, &app.client, SSN)
    );
    assert_eq!(a.status(), 200);
    assert_eq!(b.status(), 200);
    assert_eq!(a.headers()["location"], "/onboarding");
    let links: Vec<String> = sqlx::query_scalar("SELECT investor_id FROM user_investors")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    let upstream: i64 =
        sqlx::query_scalar("SELECT count(*) FROM bluum_sim.objects WHERE kind = 'investor'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(upstream, 1, "one investor at Bluum too");

    // The link and its audit record were written together; no tax id anywhere of ours.
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'investor_created' AND result = 'success' AND upstream_id = $1",
    )
    .bind(&links[0])
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    for table in ["onboarding_drafts", "audit_log"] {
        let dump: String = sqlx::query_scalar(&format!(
            "SELECT coalesce(string_agg(t::text, ' '), '') FROM {table} t"
        ))
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(!dump.contains("6789"), "{table} holds no tax id");
    }

    // The review ends in `active` and the state says so.
    let (_, state) = call_json(&app, &app.client, "onboarding/state", &[]).await;
    assert!(state.get("Applied").is_some(), "{state}");
    let status = decided(&app, &app.client).await;
    assert_eq!(status["stage"], "Approved", "{status}");
    assert_eq!(status["status"], "active");
}

#[sqlx::test]
async fn declined_and_documents_applicants_see_their_next_step(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let declined = app.new_client();
    fill_wizard(&app, &declined, "dee@example.com", "Decline").await;
    assert_eq!(submit(&app, &declined, SSN).await.status(), 200);
    assert_eq!(decided(&app, &declined).await["stage"], "Declined");

    let docs = app.new_client();
    fill_wizard(&app, &docs, "doc@example.com", "Documents").await;
    assert_eq!(submit(&app, &docs, SSN).await.status(), 200);
    assert_eq!(decided(&app, &docs).await["stage"], "AwaitingDocuments");

    // A file of the wrong type is refused before Bluum sees it.
    let form = |name: &str, bytes: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("document_type", "PASSPORT")
            .part(
                "document",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            )
    };
    let res = docs
        .post(app.url("/api/onboarding/document"))
        .multipart(form("notes.txt", b"hello".to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = docs
        .post(app.url("/api/onboarding/document"))
        .multipart(form(
            "passport.png",
            b"\x89PNG\r\n\x1a\nfake image".to_vec(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let mut stage = Value::Null;
    for _ in 0..100 {
        stage = kyc(&app, &docs).await.1["stage"].clone();
        if stage == "Approved" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stage, "Approved");
}

/// Posts a (tiny) passport PDF to the upload endpoint as `client`.
async fn upload_passport(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    client
        .post(app.url("/api/onboarding/document"))
        .multipart(
            reqwest::multipart::Form::new()
                .text("document_type", "PASSPORT")
                .part(
                    "document",
                    reqwest::multipart::Part::bytes(b"%PDF-1.4".to_vec()).file_name("a.pdf"),
                ),
        )
        .send()
        .await
        .unwrap()
}

#[sqlx::test]
async fn nobody_reaches_another_users_onboarding(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    fill_wizard(&app, &app.client, "ada@example.com", "Lovelace").await;
    assert_eq!(submit(&app, &app.client, SSN).await.status(), 200);

    // Signed out: every onboarding server function answers 401.
    let anonymous = app.new_client();
    for endpoint in [
        "onboarding/state",
        "onboarding/save",
        "onboarding/submit",
        "onboarding/status",
        "onboarding/restart",
    ] {
        let res = call(&app, &anonymous, endpoint, &[("step", "identity")]).await;
        assert_eq!(res.status(), 401, "{endpoint}");
    }
    // The upload takes only multipart bodies (anything else is refused with 415 first).
    let res = upload_passport(&app, &anonymous).await;
    assert_eq!(res.status(), 401, "onboarding/document");
    let page = anonymous.get(app.url("/onboarding")).send().await.unwrap();
    assert_eq!(page.headers()["location"], "/sign-in?next=/onboarding");

    // Another user sees only their own (empty) draft, has no investor to read, upload to or
    // restart, and cannot submit the first user's application.
    let mallory = app.new_client();
    sign_up(&app, &mallory, "mallory@example.com").await;
    let (_, state) = call_json(&app, &mallory, "onboarding/state", &[]).await;
    assert_eq!(state["Wizard"]["draft"]["first_name"], "");
    assert_eq!(state["Wizard"]["draft"]["email"], "mallory@example.com");
    let (status, body) = kyc(&app, &mallory).await;
    assert_eq!((status, body), (409, Value::String("NotOnboarded".into())));
    let (status, _) = call_json(&app, &mallory, "onboarding/restart", &[]).await;
    assert_eq!(status, 409);
    let res = upload_passport(&app, &mallory).await;
    assert_eq!(res.status(), 409);
    let res = submit(&app, &mallory, SSN).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["location"],
        "/onboarding",
        "nothing to submit"
    );
    let links: i64 = sqlx::query_scalar("SELECT count(*) FROM user_investors")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(links, 1);
}
