//! Demo mode: the seeded demo account (sign-in shown on the sign-in page, a funded portfolio
//! with a year of history from the first screen) and its reset; and nothing of it without
//! `DEMO_MODE`.

mod common;

use std::time::Instant;

use common::accounts::{call, call_json, sign_in};
use common::{spawn_app, spawn_app_with, TestApp};
use serde_json::Value;
use sqlx::PgPool;

const EMAIL: &str = "avery.morgan@demo.bluum.example";
const PASSWORD: &str = "demo-investor-2026";

async fn portfolio(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, p) = call_json(app, client, "portfolio/get", &[("range", "1y")]).await;
    assert_eq!(status, 200, "{p}");
    p
}

fn symbols(p: &Value) -> Vec<String> {
    let mut s: Vec<String> = p["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["symbol"].as_str().unwrap().to_owned())
        .collect();
    s.sort();
    s
}

async fn snapshots(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM portfolio_snapshots s JOIN user_investors ui USING (investor_id)
         JOIN users u ON u.id = ui.user_id WHERE u.email = $1",
    )
    .bind(EMAIL)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn the_demo_account_is_full_from_the_first_screen_and_resets(pool: PgPool) {
    let started = Instant::now();
    let app = spawn_app_with(pool.clone(), &[("DEMO_MODE", "true")]).await;
    eprintln!("app with a seeded demo started in {:?}", started.elapsed());

    // The sign-in page shows the demo account.
    let page = app.client.get(app.url("/sign-in")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(EMAIL) && html.contains(PASSWORD),
        "credentials shown"
    );

    let demo = app.new_client();
    let res = sign_in(&app, &demo, EMAIL, PASSWORD).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    let before = portfolio(&app, &demo).await;
    let held = symbols(&before);
    assert!(held.len() >= 5, "{held:?}");
    let pl: Vec<f64> = before["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["unrealized_pl"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        pl.iter().any(|v| *v > 0.0) && pl.iter().any(|v| *v < 0.0),
        "{pl:?}"
    );
    let line = before["chart"]["path"].as_str().unwrap();
    assert!(
        line.matches(" L").count() > 200,
        "a year of history: {line}"
    );
    let days = snapshots(&pool).await;
    assert!(days > 250, "{days} daily snapshots");
    let (status, orders) = call_json(&app, &demo, "trade/orders", &[]).await;
    assert_eq!(status, 200, "{orders}");

    // A trade, then the reset (by anyone: the sign-in page offers it) restores the start.
    let fields = [
        ("symbol", "INTC"),
        ("side", "buy"),
        ("order_type", "market"),
        ("amount_in", "shares"),
        ("amount", "1"),
        ("time_in_force", "day"),
    ];
    let (status, review) = call_json(&app, &demo, "trade/review", &fields).await;
    assert_eq!(status, 200, "{review}");
    let key = review["idempotency_key"].as_str().unwrap().to_owned();
    let mut form = fields.to_vec();
    form.push(("idempotency_key", &key));
    let (status, order) = call_json(&app, &demo, "trade/place", &form).await;
    assert_eq!(status, 200, "{order}");

    let anyone = app.new_client();
    let started = Instant::now();
    let res = call(&app, &anyone, "demo/reset", &[]).await;
    assert_eq!(res.status(), 200, "{:?}", res.text().await);
    assert_eq!(res.headers()["location"], "/sign-in?demo=reset");
    eprintln!("reset took {:?}", started.elapsed());
    // The demo user's session survives the reset; the portfolio is back as it was seeded.
    let after = portfolio(&app, &demo).await;
    assert_eq!(symbols(&after), held);
    assert_eq!(after["summary"]["cash"], before["summary"]["cash"]);
    // The same story (new ids: the investor is seeded afresh).
    let (_, orders_after) = call_json(&app, &demo, "trade/orders", &[]).await;
    let without_ids = |list: &Value| -> Vec<Value> {
        let mut list = list["orders"].as_array().unwrap().clone();
        for order in &mut list {
            order.as_object_mut().unwrap().remove("id");
        }
        list
    };
    assert_eq!(without_ids(&orders_after), without_ids(&orders));
    assert_eq!(without_ids(&orders).len(), 12);
    assert!(snapshots(&pool).await >= days);
    let links: i64 = sqlx::query_scalar("SELECT count(*) FROM user_investors")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(links, 1, "one demo investor, linked once");

    // The demo user pressing it goes back to the dashboard.
    let res = call(&app, &demo, "demo/reset", &[]).await;
    assert_eq!(res.headers()["location"], "/");

    // A changed password is put back by the next start's check or reset.
    sqlx::query("UPDATE users SET password_hash = 'x' WHERE email = $1")
        .bind(EMAIL)
        .execute(&pool)
        .await
        .unwrap();
    call(&app, &anyone, "demo/reset", &[]).await;
    let again = app.new_client();
    assert_eq!(sign_in(&app, &again, EMAIL, PASSWORD).await.status(), 200);
}

#[sqlx::test]
async fn without_demo_mode_there_is_no_demo(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let html = app
        .client
        .get(app.url("/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains(EMAIL) && !html.contains("Reset the demo"));
    let res = call(&app, &app.new_client(), "demo/reset", &[]).await;
    assert_eq!(res.status(), 404);
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
}
