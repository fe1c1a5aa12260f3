//! Bluum failing under the app: down (connection refused), slow (past the timeout), answering
//! 429 or 500, or losing its answer after acting. Every page then says so and offers a retry,
//! the server stays up, nothing is shown as done that was not, and money-moving requests are
//! retried only under their idempotency key (so Bluum acts on them once).
//!
//! The app under test ("B") reaches the simulator of another instance ("A", which sets up the
//! users) through a [`FaultProxy`], with a half-second timeout.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::time::Duration;

use bluum_invest::bluum::ids::InvestorId;
use bluum_invest::bluum::models::orders::OrderQuery;
use bluum_invest::bluum::models::transfers::TransferQuery;
use common::accounts::call_json;
use common::fault_proxy::{Fault, FaultProxy, Seen};
use common::investors::{funded, with_bank};
use common::{spawn_app_with, TestApp};
use secrecy::ExposeSecret;
use sqlx::PgPool;

const SESSION_SECRET: &str =
    "faults-test-session-secret-0123456789abcdef0123456789abcdef0123456789abcdef";

/// Pages a signed-in investor opens, each of which asks Bluum for something.
const PAGES: &[&str] = &[
    "/",
    "/portfolio",
    "/activity",
    "/orders",
    "/transfers",
    "/trade/AAPL",
    "/trade?q=apple",
    "/deposit",
    "/withdraw",
    "/banks",
];

/// A (with the simulator, for setting users up) and B (the app under test) behind `base_url`.
async fn app_behind(pool: &PgPool, a: &TestApp, base_url: &str) -> TestApp {
    let sim = a.simulator.as_ref().expect("A runs the simulator");
    spawn_app_with(
        pool.clone(),
        &[
            ("SESSION_SECRET", SESSION_SECRET),
            ("PUBLIC_URL", &a.url("")),
            ("BLUUM_BASE_URL", base_url),
            ("BLUUM_API_KEY", &sim.api_key),
            ("BLUUM_API_SECRET", sim.api_secret.expose_secret()),
            ("BLUUM_WEBHOOK_SECRET", sim.webhook_secret.expose_secret()),
            ("BLUUM_TIMEOUT_SECS", "0.5"),
        ],
    )
    .await
}

async fn instance_a(pool: &PgPool) -> TestApp {
    spawn_app_with(pool.clone(), &[("SESSION_SECRET", SESSION_SECRET)]).await
}

/// Opens every page at `app` at once; each must answer (no 5xx from our server, no hang),
/// say what failed and offer to try again, and show no figures as if they had loaded.
async fn every_page_says_so(app: &TestApp, client: &reqwest::Client, what: &str) {
    let loads = PAGES.iter().map(|path| async move {
        let res = client.get(app.url(path)).send().await.unwrap();
        (path, res.status().as_u16(), res.text().await.unwrap())
    });
    for (path, status, html) in futures::future::join_all(loads).await {
        assert_eq!(status, 200, "{what}: {path} answered {status}");
        assert!(
            html.contains(r#"data-testid="load-error""#),
            "{what}: {path} does not say it failed to load:\n{}",
            &html[html.find("<main").unwrap_or(0)..][..2_000.min(html.len())]
        );
        assert!(html.contains("Try again"), "{what}: {path} offers no retry");
        assert!(
            !html.contains(r#"data-testid="total-value""#),
            "{what}: {path} shows a portfolio value it could not read"
        );
    }
    let health = client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "{what}: the server stays up");
}

#[sqlx::test]
async fn every_page_says_when_bluum_fails_and_offers_a_retry(pool: PgPool) {
    let a = instance_a(&pool).await;
    let sim = a.simulator.as_ref().unwrap();
    let proxy = FaultProxy::start(&sim.base_url).await;
    let b = app_behind(&pool, &a, &proxy.base_url).await;
    let (client, _) = funded(
        &a,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
        "500",
    )
    .await;

    proxy.set(Fault::ServerError);
    every_page_says_so(&b, &client, "500").await;
    proxy.set(Fault::TooManyRequests);
    every_page_says_so(&b, &client, "429").await;
    proxy.set(Fault::Slow(Duration::from_secs(2)));
    every_page_says_so(&b, &client, "past the timeout").await;
    // Each failed read was tried again, a bounded number of times.
    let seen = proxy.take_seen();
    assert!(!seen.is_empty());

    // Bluum unreachable altogether: connection refused.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let nowhere = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let c = app_behind(&pool, &a, &nowhere).await;
    every_page_says_so(&c, &client, "down").await;

    // Bluum back: the same pages load.
    proxy.set(Fault::None);
    let res = client.get(b.url("/portfolio")).send().await.unwrap();
    let html = res.text().await.unwrap();
    assert!(!html.contains(r#"data-testid="load-error""#), "recovered");
}

/// The write requests the proxy saw to `path_end` (e.g. `/deposits`).
fn writes_to<'a>(seen: &'a [Seen], path_end: &str) -> Vec<&'a Seen> {
    seen.iter()
        .filter(|s| s.method != axum::http::Method::GET && s.path.ends_with(path_end))
        .collect()
}

/// Every attempt carried one and the same idempotency key; returns how many there were.
fn one_key(attempts: &[&Seen]) -> usize {
    let first = attempts[0]
        .idempotency_key
        .as_deref()
        .expect("sent with an Idempotency-Key");
    assert!(
        attempts
            .iter()
            .all(|s| s.idempotency_key.as_deref() == Some(first)),
        "every attempt under the same key: {attempts:?}"
    );
    attempts.len()
}

#[sqlx::test]
async fn a_deposit_whose_answers_fail_is_retried_under_one_key_and_made_once(pool: PgPool) {
    let a = instance_a(&pool).await;
    let sim = a.simulator.as_ref().unwrap();
    let proxy = FaultProxy::start(&sim.base_url).await;
    let b = app_behind(&pool, &a, &proxy.base_url).await;
    let (client, investor, bank) = with_bank(
        &a,
        &pool,
        "ada@example.com",
        &sim_support::investor_body("ada@example.com", "Lovelace"),
    )
    .await;
    let investor = InvestorId::parse(&investor).unwrap();
    let deposits = || async {
        a.bluum
            .list_deposits(&investor, &TransferQuery::default())
            .await
            .unwrap()
            .data
            .len()
    };
    let (status, review) = call_json(
        &b,
        &client,
        "money/review",
        &[("kind", "deposit"), ("bank", &bank), ("amount", "120")],
    )
    .await;
    assert_eq!(status, 200, "{review}");
    let key = review["idempotency_key"].as_str().unwrap().to_owned();
    let form = [
        ("idempotency_key", key.as_str()),
        ("bank", bank.as_str()),
        ("amount", "120"),
    ];

    // 1. Bluum answers 500 without acting: retried under one key, then the user is told.
    proxy.take_seen();
    proxy.set_for_writes(Fault::ServerError);
    let (status, body) = call_json(&b, &client, "money/deposit", &form).await;
    assert!(status >= 500, "{status} {body}");
    let shown = body.to_string();
    assert!(!shown.contains("Completed"), "{shown}");
    let attempts = one_key(&writes_to(&proxy.take_seen(), "/deposits"));
    assert!(attempts > 1, "retried: {attempts}");
    assert_eq!(deposits().await, 0, "nothing was made");

    // 2. Bluum acts and the answer is lost, every time: the user hears it is not confirmed;
    //    every attempt went under the same key, so Bluum made one deposit.
    proxy.set_for_writes(Fault::LoseAnswer);
    let (status, body) = call_json(&b, &client, "money/deposit", &form).await;
    assert_eq!(status, 502, "{body}");
    assert!(
        body.get("Unconfirmed").is_some(),
        "told it is not confirmed: {body}"
    );
    let attempts = one_key(&writes_to(&proxy.take_seen(), "/deposits"));
    assert!(attempts > 1, "retried: {attempts}");
    assert_eq!(deposits().await, 1, "one deposit, however many attempts");

    // 3. Bluum answers again. Once the lease of the unconfirmed request runs out, the same
    //    form (a retry) gets the one deposit, sent again under the same key.
    proxy.set(Fault::None);
    sqlx::query("UPDATE idempotency_requests SET locked_until = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, t) = call_json(&b, &client, "money/deposit", &form).await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(deposits().await, 1, "not doubled");
    let (_, page) = call_json(&b, &client, "money/transfers", &[]).await;
    assert_eq!(page["transfers"].as_array().unwrap().len(), 1, "{page}");
}

#[sqlx::test]
async fn an_order_whose_answers_are_lost_is_placed_once(pool: PgPool) {
    let a = instance_a(&pool).await;
    let sim = a.simulator.as_ref().unwrap();
    let proxy = FaultProxy::start(&sim.base_url).await;
    let b = app_behind(&pool, &a, &proxy.base_url).await;
    let (client, investor) = funded(
        &a,
        &pool,
        "grace@example.com",
        &sim_support::investor_body("grace@example.com", "Hopper"),
        "1000",
    )
    .await;
    let investor = InvestorId::parse(&investor).unwrap();
    let fields = [
        ("symbol", "AAPL"),
        ("side", "buy"),
        ("order_type", "limit"),
        ("amount_in", "shares"),
        ("amount", "1"),
        ("limit_price", "1.00"),
        ("time_in_force", "gtc"),
    ];
    let (status, review) = call_json(&b, &client, "trade/review", &fields).await;
    assert_eq!(status, 200, "{review}");
    let key = review["idempotency_key"].as_str().unwrap().to_owned();
    let mut form = fields.to_vec();
    form.push(("idempotency_key", &key));

    proxy.take_seen();
    proxy.set_for_writes(Fault::Slow(Duration::from_secs(2)));
    let (status, body) = call_json(&b, &client, "trade/place", &form).await;
    assert_eq!(status, 502, "{body}");
    assert!(
        body.get("Unconfirmed").is_some(),
        "told it is not confirmed: {body}"
    );
    let attempts = one_key(&writes_to(&proxy.take_seen(), "/orders"));
    assert!(attempts > 1, "retried: {attempts}");
    // The slow attempts all reached Bluum in the end; one order came of them.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let orders = a
        .bluum
        .list_orders(&investor, &OrderQuery::default())
        .await
        .unwrap()
        .data;
    assert_eq!(orders.len(), 1, "{orders:?}");
}
