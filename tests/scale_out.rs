//! Two instances of the app on one database, the way partners scale out (stateless instances
//! behind a load balancer, one Bluum key pair): a session made at one is good at the other,
//! a money form sent to both moves money once, a webhook delivered to both is processed once,
//! and the key pair's rate budget is shared between them instead of each assuming all of it.
//! (Live updates across instances: `tests/live.rs`.)
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::time::{Duration, Instant};

use bluum_invest::bluum::client::SharedBudget;
use bluum_invest::bluum::ids::InvestorId;
use bluum_invest::bluum::models::transfers::TransferQuery;
use bluum_invest::bluum::signature;
use bluum_invest::server::rate_budget::PgBudget;
use common::accounts::{call_json, whoami};
use common::investors::with_bank;
use common::{spawn_app_with, TestApp};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use sqlx::PgPool;

const SESSION_SECRET: &str =
    "scale-out-session-secret-0123456789abcdef0123456789abcdef0123456789abcdef";

/// Instance A (which also runs the simulator standing in for Bluum) and instance B, talking to
/// the same simulator with the same key pair, both known to users by A's address (the load
/// balancer's, in production).
async fn two_instances(pool: &PgPool) -> (TestApp, TestApp, SecretString) {
    let a = spawn_app_with(pool.clone(), &[("SESSION_SECRET", SESSION_SECRET)]).await;
    let sim = a.simulator.as_ref().expect("A runs the simulator");
    let webhook_secret = sim.webhook_secret.clone();
    let public_url = a.url("");
    let b = spawn_app_with(
        pool.clone(),
        &[
            ("SESSION_SECRET", SESSION_SECRET),
            ("PUBLIC_URL", &public_url),
            ("BLUUM_BASE_URL", &sim.base_url),
            ("BLUUM_API_KEY", &sim.api_key),
            ("BLUUM_API_SECRET", sim.api_secret.expose_secret()),
            ("BLUUM_WEBHOOK_SECRET", webhook_secret.expose_secret()),
        ],
    )
    .await;
    assert!(
        b.simulator.is_none(),
        "B talks to A's simulator as to Bluum"
    );
    (a, b, webhook_secret)
}

#[sqlx::test]
async fn a_session_made_at_one_instance_is_good_at_the_other(pool: PgPool) {
    let (a, b, _) = two_instances(&pool).await;
    let (client, _, _) = with_bank(
        &a,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
    )
    .await;
    let at_a = whoami(&a, &client).await;
    assert!(at_a.is_some());
    assert_eq!(whoami(&b, &client).await, at_a, "signed in at B too");
    // Signing out at B ends the session at A too.
    let (status, _) = call_json(&b, &client, "auth/sign_out", &[]).await;
    assert!(status < 400, "sign out at B: {status}");
    assert_eq!(whoami(&a, &client).await, None);
}

#[sqlx::test]
async fn a_deposit_form_sent_to_both_instances_at_once_moves_money_once(pool: PgPool) {
    let (a, b, _) = two_instances(&pool).await;
    let (client, investor, bank) = with_bank(
        &a,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
    )
    .await;
    let (status, review) = call_json(
        &b,
        &client,
        "money/review",
        &[("kind", "deposit"), ("bank", &bank), ("amount", "300")],
    )
    .await;
    assert_eq!(status, 200, "{review}");
    let key = review["idempotency_key"].as_str().unwrap().to_owned();
    let form = [
        ("idempotency_key", key.as_str()),
        ("bank", bank.as_str()),
        ("amount", "300"),
    ];
    // Ten submits at each instance, all at once (a double click, a retry, a load balancer
    // that sends them different ways).
    let submits = (0..20).map(|i| {
        let app = if i % 2 == 0 { &a } else { &b };
        call_json(app, &client, "money/deposit", &form)
    });
    let answers = futures::future::join_all(submits).await;
    let first = answers[0].1["id"].as_str().unwrap().to_owned();
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["id"], first.as_str(), "one deposit for all");
    }
    let upstream = a
        .bluum
        .list_deposits(
            &InvestorId::parse(&investor).unwrap(),
            &TransferQuery::default(),
        )
        .await
        .unwrap();
    assert_eq!(upstream.data.len(), 1, "one deposit reached Bluum");
    let records: i64 =
        sqlx::query_scalar("SELECT count(*) FROM idempotency_requests WHERE action = 'deposit'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(records, 1);
}

#[sqlx::test]
async fn a_webhook_delivered_to_both_instances_is_processed_once(pool: PgPool) {
    let (a, b, secret) = two_instances(&pool).await;
    let body = serde_json::to_vec(&json!({
        "id": "evt_scale_out_1",
        "event": "transfer.deposit.completed",
        "timestamp": "2026-12-05T12:00:00Z",
        "data": { "id": "dep_01scale", "object": "deposit", "investor_id": "inv_01scale", "status": "completed" },
    }))
    .unwrap();
    let deliver = |app: &TestApp| {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        app.client
            .post(app.url("/webhooks/bluum"))
            .header(signature::HEADER, signature::sign(&secret, now, &body))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    };
    // Bluum retries a delivery it thinks failed; each try may land on either instance.
    let answers =
        futures::future::join_all([deliver(&a), deliver(&b), deliver(&a), deliver(&b)]).await;
    for answer in answers {
        assert_eq!(answer.unwrap().status(), 200);
    }
    let stored: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM webhook_events WHERE event_id = 'evt_scale_out_1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, 1);
}

/// Times at which `n` requests drawn from `budgets` in turn, all at once, were let go.
async fn grants(budgets: &[PgBudget], n: usize) -> Vec<Duration> {
    let start = Instant::now();
    let draws = (0..n).map(|i| {
        let budget = budgets[i % budgets.len()].clone();
        async move {
            budget.until_ready().await;
            start.elapsed()
        }
    });
    let mut times = futures::future::join_all(draws).await;
    times.sort();
    times
}

#[sqlx::test]
async fn instances_share_one_rate_budget_per_key_pair(pool: PgPool) {
    // Two processes' budgets for one key pair allowing 5 requests a second (bursts of 5).
    let rate = 5;
    let a = PgBudget::new(pool.clone(), "key_shared", rate);
    let b = PgBudget::new(pool.clone(), "key_shared", rate);
    let times = grants(&[a, b], 20).await;
    // The first 5 go at once; then one every 200 ms, whichever instance asks: the 20th is let
    // go about 3 s in. Each instance assuming the whole budget would have let all go in 1 s.
    for (i, t) in times.iter().enumerate().skip(rate as usize) {
        let earliest = Duration::from_millis(200) * (i as u32 + 1 - rate);
        assert!(
            *t + Duration::from_millis(40) >= earliest,
            "request {i} went at {t:?}, before {earliest:?}"
        );
    }
    assert!(times[19] < Duration::from_millis(3_600), "{:?}", times[19]);

    // Another key pair has a budget of its own: its burst is not held up.
    let other = PgBudget::new(pool.clone(), "key_other", rate);
    let times = grants(&[other], 5).await;
    assert!(times[4] < Duration::from_millis(150), "{times:?}");

    // The table names key pairs by a digest, never by the key.
    let keys: Vec<String> = sqlx::query_scalar("SELECT key_id FROM bluum_rate_budget")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.len() == 64 && !k.contains("key_")));
}

#[sqlx::test]
async fn both_instances_draw_their_bluum_calls_from_the_one_budget(pool: PgPool) {
    let (a, b, _) = two_instances(&pool).await;
    for app in [&a, &b] {
        app.bluum.list_webhooks().await.unwrap();
    }
    let rows: Vec<(String, time::OffsetDateTime)> =
        sqlx::query_as("SELECT key_id, tat FROM bluum_rate_budget")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), 1, "one key pair, one budget: {rows:?}");
}
