//! Live events: a webhook received by the app reaches the open `/events` stream of the user
//! whose investor it concerns, and no one else's, whichever instance of the app received it.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::time::Duration;

use bluum_invest::bluum::signature;
use common::investors::investor_client;
use common::{spawn_app_with, TestApp};
use futures::StreamExt;
use secrecy::SecretString;
use serde_json::{json, Value};
use sqlx::PgPool;

const WEBHOOK_SECRET: &str = "whsec_live_test";
/// Shared by both instances, so a session cookie from one is good at the other.
const SESSION_SECRET: &str =
    "live-test-session-secret-0123456789abcdef0123456789abcdef0123456789abcdef";

async fn instance(pool: &PgPool) -> TestApp {
    spawn_app_with(
        pool.clone(),
        &[
            ("BLUUM_WEBHOOK_SECRET", WEBHOOK_SECRET),
            ("SESSION_SECRET", SESSION_SECRET),
        ],
    )
    .await
}

async fn investor_of(pool: &PgPool, email: &str) -> String {
    sqlx::query_scalar(
        "SELECT investor_id FROM user_investors JOIN users ON users.id = user_id WHERE email = $1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Opens `/events` at `app` for `client`; returns the raw SSE text as it arrives.
async fn open_stream(
    app: &TestApp,
    client: &reqwest::Client,
) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    // As a browser asks: the stream must not be compressed, or events would wait in the
    // compressor's buffer.
    let res = client
        .get(app.url("/events"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut body = res.bytes_stream();
        while let Some(Ok(chunk)) = body.next().await {
            if tx
                .send(String::from_utf8_lossy(&chunk).into_owned())
                .is_err()
            {
                break;
            }
        }
    });
    rx
}

/// The first `bluum` event on the stream within `wait`, if any.
async fn next_event(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    wait: Duration,
) -> Option<Value> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut text = String::new();
    loop {
        let chunk = tokio::time::timeout_at(deadline, rx.recv()).await.ok()??;
        text.push_str(&chunk);
        if let Some(line) = text
            .lines()
            .find_map(|l| l.strip_prefix("data:").map(str::trim))
        {
            return serde_json::from_str(line).ok();
        }
    }
}

async fn post_webhook(app: &TestApp, body: &Value) -> u16 {
    let body = serde_json::to_vec(body).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let header = signature::sign(&SecretString::from(WEBHOOK_SECRET), now, &body);
    app.client
        .post(app.url("/webhooks/bluum"))
        .header(signature::HEADER, header)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn deposit_event(event_id: &str, investor: &str, status: &str) -> Value {
    json!({
        "id": event_id,
        "event": format!("transfer.deposit.{status}"),
        "timestamp": "2026-12-04T12:00:00Z",
        "data": { "id": "dep_01live", "object": "deposit", "investor_id": investor, "status": status },
    })
}

#[sqlx::test]
async fn an_event_reaches_its_own_investor_on_another_instance_and_no_one_else(pool: PgPool) {
    let a = instance(&pool).await;
    let b = instance(&pool).await;
    let ada = investor_client(
        &a,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
    )
    .await;
    let eve = investor_client(
        &a,
        &pool,
        "eve@example.com",
        &sim_support::investor_body("eve@example.com", "Mallory"),
    )
    .await;
    let investor = investor_of(&pool, "ada@example.com").await;

    // Ada's page is connected to instance B, Eve's to A; the webhook arrives at A.
    let mut ada_stream = open_stream(&b, &ada).await;
    let mut eve_stream = open_stream(&a, &eve).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        post_webhook(&a, &deposit_event("evt_live_1", &investor, "completed")).await,
        200
    );

    let event = next_event(&mut ada_stream, Duration::from_secs(5))
        .await
        .expect("Ada's page gets the event through instance B");
    assert_eq!(event["event"], "transfer.deposit.completed");
    assert_eq!(event["object_id"], "dep_01live");
    assert_eq!(event["status"], "completed");
    assert!(
        next_event(&mut eve_stream, Duration::from_millis(700))
            .await
            .is_none(),
        "Eve's page hears nothing of Ada's deposit"
    );

    // The same event delivered again is not passed on twice.
    assert_eq!(
        post_webhook(&a, &deposit_event("evt_live_1", &investor, "completed")).await,
        200
    );
    assert!(next_event(&mut ada_stream, Duration::from_millis(700))
        .await
        .is_none());
}

#[sqlx::test]
async fn the_stream_needs_a_signed_in_investor(pool: PgPool) {
    let app = instance(&pool).await;
    let anonymous = app.new_client();
    let res = anonymous.get(app.url("/events")).send().await.unwrap();
    assert_eq!(res.status(), 401);

    let newcomer = app.new_client();
    common::accounts::sign_up(&app, &newcomer, "new@example.com").await;
    let res = newcomer.get(app.url("/events")).send().await.unwrap();
    assert_eq!(res.status(), 409, "no investor yet");
}

/// Posts `body` with a signature header made by `secret` at `at` (unix seconds).
async fn post_signed(app: &TestApp, secret: &str, at: i64, body: &[u8]) -> u16 {
    let header = signature::sign(&SecretString::from(secret), at, body);
    app.client
        .post(app.url("/webhooks/bluum"))
        .header(signature::HEADER, header)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[sqlx::test]
async fn forged_stale_and_malformed_webhooks_change_nothing_and_reach_no_page(pool: PgPool) {
    let app = instance(&pool).await;
    let ada = investor_client(
        &app,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
    )
    .await;
    let investor = investor_of(&pool, "ada@example.com").await;
    let mut stream = open_stream(&app, &ada).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stored_before: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events")
        .fetch_one(&pool)
        .await
        .unwrap();

    let event = serde_json::to_vec(&deposit_event("evt_bad_1", &investor, "completed")).unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let forged = post_signed(&app, "whsec_someone_else", now, &event).await;
    let stale = post_signed(&app, WEBHOOK_SECRET, now - 3600, &event).await;
    let malformed = post_signed(&app, WEBHOOK_SECRET, now, b"{not json").await;
    let nameless = post_signed(&app, WEBHOOK_SECRET, now, br#"{"id":"evt_x","data":{}}"#).await;
    assert_eq!((forged, stale, malformed, nameless), (401, 401, 400, 400));

    let stored_after: i64 = sqlx::query_scalar("SELECT count(*) FROM webhook_events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored_after, stored_before, "nothing stored");
    assert!(
        next_event(&mut stream, Duration::from_millis(700))
            .await
            .is_none(),
        "nothing passed on"
    );
}
