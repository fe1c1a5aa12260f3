//! A user with a Bluum investor, without going through the onboarding wizard: the investor is
//! created in the app's own simulator and linked to the user, as onboarding does.

use secrecy::ExposeSecret;
use serde_json::Value;
use sqlx::PgPool;

use super::accounts::sign_up;
use super::TestApp;
use bluum_invest::server::auth::investor_link;

/// Creates an investor from `body` (the simulator approves it as Bluum's sandbox would) and
/// links it to the user `email`. Returns the investor id.
pub async fn give_investor(app: &TestApp, pool: &PgPool, email: &str, body: &Value) -> String {
    let sim = app.simulator.as_ref().expect("the app runs its simulator");
    let res = reqwest::Client::new()
        .post(format!("{}/investors", sim.base_url))
        .basic_auth(&sim.api_key, Some(sim.api_secret.expose_secret()))
        .json(body)
        .send()
        .await
        .unwrap();
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
