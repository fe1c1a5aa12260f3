//! The app and Bluum in the embedded default: with no `BLUUM_API_KEY` the app starts its own
//! simulator, talks to it over HTTP, and receives its signed webhooks.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::time::Duration;

use secrecy::ExposeSecret;
use sqlx::PgPool;

#[sqlx::test]
async fn the_app_uses_its_own_simulator_and_registers_its_webhook_receiver(pool: PgPool) {
    let app = common::spawn_app(pool).await;
    let sim = app.simulator.as_ref().expect("simulator mode by default");
    assert!(
        sim.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        sim.base_url
    );

    let hooks = app
        .bluum
        .list_webhooks()
        .await
        .expect("the client reaches the simulator");
    let ours: Vec<_> = hooks
        .data
        .iter()
        .filter(|w| w.url == app.url("/webhooks/bluum"))
        .collect();
    assert_eq!(ours.len(), 1, "registered exactly once: {hooks:?}");
    assert!(ours[0].event_type_names.iter().any(|e| e == "order.*"));

    // The catalogue answers through the client too.
    let aapl = app.bluum.get_asset("AAPL", None).await.unwrap();
    assert_eq!(aapl.symbol, "AAPL");
}

#[sqlx::test]
async fn simulator_events_reach_the_app_signed_and_are_stored_once(pool: PgPool) {
    let app = common::spawn_app(pool.clone()).await;
    let sim = app.simulator.as_ref().unwrap();

    let created: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/investors", sim.base_url))
        .basic_auth(&sim.api_key, Some(sim.api_secret.expose_secret()))
        .json(&sim_support::investor_body("hooks@example.com", "Lovelace"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let investor_id = created["id"].as_str().expect("investor id").to_owned();

    // account.created is delivered at once; KYC approval follows after the short review.
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen = sqlx::query_scalar::<_, String>(
            "SELECT event_type FROM webhook_events WHERE $1 IN (payload->'data'->>'id', payload->'data'->>'investor_id') ORDER BY received_at",
        )
        .bind(&investor_id)
        .fetch_all(&pool)
        .await
        .unwrap();
        if seen.iter().any(|e| e == "account.created") && seen.iter().any(|e| e.starts_with("kyc."))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        seen.iter().any(|e| e == "account.created"),
        "events seen: {seen:?}"
    );
    assert!(
        seen.iter().any(|e| e == "kyc.verification.approved"),
        "events seen: {seen:?}"
    );
    let distinct: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(
        distinct.len(),
        seen.len(),
        "each event stored once: {seen:?}"
    );
}
