//! A user with a Bluum investor, without going through the onboarding wizard: the investor is
//! created in the app's own simulator and linked to the user, as onboarding does.

use secrecy::ExposeSecret;
use serde_json::Value;
use sqlx::PgPool;

use super::accounts::{call_json, sign_up};
use super::TestApp;
use bluum_invest::server::auth::investor_link;

/// Creates an investor from `body` (the simulator approves it as Bluum's sandbox would) and
/// links it to the user `email`. Returns the investor id.
pub async fn give_investor(app: &TestApp, pool: &PgPool, email: &str, body: &Value) -> String {
    let sim = app.simulator.as_ref().expect("the app runs its simulator");
    // The test shares the key pair's 10 requests a second with the app's own calls (which
    // draw on the budget in Postgres; this one does not), so wait out a 429 as a client should.
    let mut tries = 0;
    let res = loop {
        let res = reqwest::Client::new()
            .post(format!("{}/investors", sim.base_url))
            .basic_auth(&sim.api_key, Some(sim.api_secret.expose_secret()))
            .json(body)
            .send()
            .await
            .unwrap();
        tries += 1;
        if res.status() != 429 || tries == 20 {
            break res;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(res.status(), 201);
    let investor: Value = res.json().await.unwrap();
    let id = investor["id"].as_str().unwrap().to_owned();
    let user_id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(investor_link::link(pool, user_id, &id).await.unwrap());
    id
}

/// A signed-in client whose user has the investor made from `body`.
pub async fn investor_client(
    app: &TestApp,
    pool: &PgPool,
    email: &str,
    body: &Value,
) -> reqwest::Client {
    let client = app.new_client();
    sign_up(app, &client, email).await;
    give_investor(app, pool, email, body).await;
    client
}

/// A signed-in client whose user has the investor made from `body` and one bank linked through
/// the (simulated) Plaid Link: `(client, investor id, bank id)`.
pub async fn with_bank(
    app: &TestApp,
    pool: &PgPool,
    email: &str,
    body: &Value,
) -> (reqwest::Client, String, String) {
    let client = investor_client(app, pool, email, body).await;
    let investor: String = sqlx::query_scalar(
        "SELECT investor_id FROM user_investors JOIN users ON users.id = user_id WHERE email = $1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap();
    let token = format!("public-sandbox-{}-0000", uuid::Uuid::new_v4());
    let (status, banks) = call_json(
        app,
        &client,
        "banks/connect_plaid",
        &[("public_token", &token)],
    )
    .await;
    assert_eq!(status, 200, "{banks}");
    let bank = banks[0]["id"].as_str().unwrap().to_owned();
    (client, investor, bank)
}

/// Asks for the transfer until it is no longer moving.
pub async fn settled(app: &TestApp, client: &reqwest::Client, id: &str) -> Value {
    for _ in 0..100 {
        let (status, t) = call_json(app, client, "money/transfer", &[("id", id)]).await;
        assert_eq!(status, 200, "{t}");
        if !matches!(t["state"].as_str(), Some("Pending" | "Processing")) {
            return t;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("transfer {id} never settled");
}

/// Deposits `amount` from `bank` through the deposit forms and waits until it completed;
/// returns its id.
pub async fn deposit_completed(
    app: &TestApp,
    client: &reqwest::Client,
    bank: &str,
    amount: &str,
) -> String {
    let (_, r) = call_json(
        app,
        client,
        "money/review",
        &[("kind", "deposit"), ("bank", bank), ("amount", amount)],
    )
    .await;
    let key = r["idempotency_key"].as_str().unwrap();
    let (status, t) = call_json(
        app,
        client,
        "money/deposit",
        &[("idempotency_key", key), ("bank", bank), ("amount", amount)],
    )
    .await;
    assert_eq!(status, 200, "{t}");
    let id = t["id"].as_str().unwrap().to_owned();
    let t = settled(app, client, &id).await;
    assert_eq!(t["state"], "Completed", "{t}");
    id
}

/// A signed-in investor made from `body`, with a linked bank and `cash` deposited ("0" for
/// none): `(client, investor id)`.
pub async fn funded(
    app: &TestApp,
    pool: &PgPool,
    email: &str,
    body: &Value,
    cash: &str,
) -> (reqwest::Client, String) {
    let (client, investor, bank) = with_bank(app, pool, email, body).await;
    if cash != "0" {
        deposit_completed(app, &client, &bank, cash).await;
    }
    (client, investor)
}
