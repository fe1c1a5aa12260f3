//! Moving money over HTTP against real Postgres and the in-process simulator: the review, a
//! deposit and a withdrawal sent once however often the form is submitted, the withdrawable
//! limit checked before Bluum is asked, cancelling, the list, and one user never reaching
//! another's transfers.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::str::FromStr;
use std::time::Duration;

use bluum_invest::bluum::ids::InvestorId;
use bluum_invest::bluum::models::transfers::TransferQuery;
use common::accounts::{call_json, validation};
use common::investors::investor_client;
use common::{spawn_app, TestApp};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgPool;

/// A signed-in client with an approved investor and one linked bank: `(client, investor, bank)`.
async fn funded_user(
    app: &TestApp,
    pool: &PgPool,
    email: &str,
) -> (reqwest::Client, String, String) {
    let body = sim_support::investor_body(email, "Lovelace");
    let client = investor_client(app, pool, email, &body).await;
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

async fn review(
    app: &TestApp,
    client: &reqwest::Client,
    kind: &str,
    bank: &str,
    amount: &str,
) -> (u16, Value) {
    call_json(
        app,
        client,
        "money/review",
        &[("kind", kind), ("bank", bank), ("amount", amount)],
    )
    .await
}

async fn upstream_deposits(app: &TestApp, investor: &str) -> usize {
    let id = InvestorId::parse(investor).unwrap();
    app.bluum
        .list_deposits(&id, &TransferQuery::default())
        .await
        .unwrap()
        .data
        .len()
}

async fn upstream_withdrawals(app: &TestApp, investor: &str) -> usize {
    let id = InvestorId::parse(investor).unwrap();
    app.bluum
        .list_withdrawals(&id, &TransferQuery::default())
        .await
        .unwrap()
        .data
        .len()
}

async fn count(pool: &PgPool, sql: &str, action: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(action)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// Submits one confirm form `times` times at once, as impatient clicks and retries do; every
/// answer must be 200, and they must all be the same transfer, whose id is returned.
async fn submit_at_once(
    app: &TestApp,
    client: &reqwest::Client,
    endpoint: &str,
    form: &[(&str, &str)],
    times: usize,
) -> String {
    let submits = (0..times).map(|_| call_json(app, client, endpoint, form));
    let answers = futures::future::join_all(submits).await;
    let first = answers[0].1["id"].as_str().unwrap().to_owned();
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["id"], first.as_str(), "one transfer for all");
    }
    first
}

/// Asks for the transfer until it is no longer moving.
async fn settled(app: &TestApp, client: &reqwest::Client, id: &str) -> Value {
    for _ in 0..100 {
        let (status, t) = call_json(app, client, "money/transfer", &[("id", id)]).await;
        assert_eq!(status, 200, "{t}");
        if !matches!(t["state"].as_str(), Some("Pending" | "Processing")) {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("transfer {id} never settled");
}

/// Deposits `amount` and waits until it completed.
async fn deposit_completed(app: &TestApp, client: &reqwest::Client, bank: &str, amount: &str) {
    let (_, r) = review(app, client, "deposit", bank, amount).await;
    let key = r["idempotency_key"].as_str().unwrap();
    let (status, t) = call_json(
        app,
        client,
        "money/deposit",
        &[("idempotency_key", key), ("bank", bank), ("amount", amount)],
    )
    .await;
    assert_eq!(status, 200, "{t}");
    let t = settled(app, client, t["id"].as_str().unwrap()).await;
    assert_eq!(t["state"], "Completed", "{t}");
}

#[sqlx::test]
async fn twenty_concurrent_submits_of_one_deposit_form_make_one_deposit(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, investor, bank) = funded_user(&app, &pool, "ada@example.com").await;

    let (status, r) = review(&app, &client, "deposit", &bank, "$1,250.50").await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["amount"], "1250.50");
    let key = r["idempotency_key"].as_str().unwrap().to_owned();

    let form = [
        ("idempotency_key", key.as_str()),
        ("bank", bank.as_str()),
        ("amount", "1250.50"),
    ];
    let id = submit_at_once(&app, &client, "money/deposit", &form, 20).await;
    assert_eq!(upstream_deposits(&app, &investor).await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM idempotency_requests WHERE action = $1",
            "deposit"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE action = $1",
            "deposit"
        )
        .await,
        1,
        "one attempt reached Bluum"
    );

    // It completes, and the wallet has the money.
    let t = settled(&app, &client, &id).await;
    assert_eq!(t["state"], "Completed");
    let (_, balances) = call_json(&app, &client, "money/balances", &[]).await;
    assert_eq!(
        Decimal::from_str(balances["balance"].as_str().unwrap()).unwrap(),
        Decimal::from_str("1250.50").unwrap()
    );

    // The same form again (a reload of the confirm step): the same deposit, not another.
    let (status, again) = call_json(
        &app,
        &client,
        "money/deposit",
        &[
            ("idempotency_key", key.as_str()),
            ("bank", bank.as_str()),
            ("amount", "1250.50"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again["id"], id.as_str());
    assert_eq!(upstream_deposits(&app, &investor).await, 1);
}

#[sqlx::test]
async fn twenty_concurrent_submits_of_one_withdrawal_form_make_one_withdrawal(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, investor, bank) = funded_user(&app, &pool, "ada@example.com").await;
    deposit_completed(&app, &client, &bank, "500").await;

    let (status, r) = review(&app, &client, "withdrawal", &bank, "120").await;
    assert_eq!(status, 200, "{r}");
    let key = r["idempotency_key"].as_str().unwrap().to_owned();
    let form = [
        ("idempotency_key", key.as_str()),
        ("bank", bank.as_str()),
        ("amount", "120"),
    ];
    let first = submit_at_once(&app, &client, "money/withdraw", &form, 20).await;
    assert_eq!(upstream_withdrawals(&app, &investor).await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE action = $1",
            "withdrawal"
        )
        .await,
        1
    );
    let t = settled(&app, &client, &first).await;
    assert_eq!(t["state"], "Completed", "{t}");
    let (_, balances) = call_json(&app, &client, "money/balances", &[]).await;
    assert_eq!(
        Decimal::from_str(balances["balance"].as_str().unwrap()).unwrap(),
        Decimal::from(380)
    );
}

#[sqlx::test]
async fn a_withdrawal_over_the_withdrawable_cash_is_refused_before_bluum_is_asked(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, investor, bank) = funded_user(&app, &pool, "ada@example.com").await;
    deposit_completed(&app, &client, &bank, "100").await;

    // At the review...
    let (status, body) = review(&app, &client, "withdrawal", &bank, "100.01").await;
    assert_eq!(status, 422, "{body}");
    let (field, message) = validation(&body);
    assert_eq!(field, "amount");
    assert_eq!(message, "You can withdraw up to $100.00 right now.");

    // ...and at the confirm, with a key of its own (a forged or stale form).
    let (status, body) = call_json(
        &app,
        &client,
        "money/withdraw",
        &[
            ("idempotency_key", "forged-key-1"),
            ("bank", bank.as_str()),
            ("amount", "100.01"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(validation(&body).0, "amount");
    assert_eq!(upstream_withdrawals(&app, &investor).await, 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_log WHERE action = $1",
            "withdrawal"
        )
        .await,
        0,
        "nothing reached Bluum"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM idempotency_requests WHERE action = $1",
            "withdrawal"
        )
        .await,
        0
    );
}

#[sqlx::test]
async fn bad_amounts_and_banks_are_named_at_the_review(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, _, bank) = funded_user(&app, &pool, "ada@example.com").await;
    for (amount, message) in [
        ("", "Enter an amount."),
        ("12.345", "Use at most two decimals (whole cents)."),
        ("ten", "Enter an amount in dollars, like 250 or 99.50."),
        ("0.50", "The smallest amount is $1.00."),
    ] {
        let (status, body) = review(&app, &client, "deposit", &bank, amount).await;
        assert_eq!(status, 422, "{amount}: {body}");
        assert_eq!(validation(&body), ("amount".to_owned(), message.to_owned()));
    }
    let (status, body) = review(&app, &client, "deposit", "fs_not_mine", "10").await;
    assert_eq!(status, 422);
    assert_eq!(validation(&body).0, "bank");
}

#[sqlx::test]
async fn a_pending_bank_transfer_deposit_shows_instructions_and_can_be_cancelled(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, investor, bank) = funded_user(&app, &pool, "ada@example.com").await;
    let (_, r) = call_json(
        &app,
        &client,
        "money/review",
        &[
            ("kind", "deposit"),
            ("bank", &bank),
            ("amount", "75"),
            ("method", "manual_bank_transfer"),
        ],
    )
    .await;
    let key = r["idempotency_key"].as_str().unwrap();
    let (status, t) = call_json(
        &app,
        &client,
        "money/deposit",
        &[
            ("idempotency_key", key),
            ("bank", &bank),
            ("amount", "75"),
            ("method", "manual_bank_transfer"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{t}");
    assert_eq!(t["state"], "Pending");
    assert_eq!(t["can_cancel"], true);
    let labels: Vec<&str> = t["instructions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row[0].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"Reference (include it)"), "{t}");
    let id = t["id"].as_str().unwrap();

    // Another user can neither see nor cancel it.
    let other = investor_client(
        &app,
        &pool,
        "eve@example.com",
        &sim_support::investor_body("eve@example.com", "Mallory"),
    )
    .await;
    let (status, _) = call_json(&app, &other, "money/transfer", &[("id", id)]).await;
    assert_eq!(status, 404);
    let (status, _) = call_json(&app, &other, "money/cancel", &[("id", id)]).await;
    assert_eq!(status, 404);
    let (_, list) = call_json(&app, &other, "money/transfers", &[]).await;
    assert_eq!(list["transfers"].as_array().unwrap().len(), 0);

    let (status, body) = call_json(&app, &client, "money/cancel", &[("id", id)]).await;
    assert_eq!(status, 200, "{body}");
    let (_, t) = call_json(&app, &client, "money/transfer", &[("id", id)]).await;
    assert_eq!(t["state"], "Cancelled");
    assert_eq!(t["can_cancel"], false);
    let (status, body) = call_json(&app, &client, "money/cancel", &[("id", id)]).await;
    assert_eq!(status, 409, "{body}");

    // The list has it, and filters.
    let (_, list) = call_json(&app, &client, "money/transfers", &[("status", "cancelled")]).await;
    assert_eq!(list["transfers"].as_array().unwrap().len(), 1);
    let (_, list) = call_json(&app, &client, "money/transfers", &[("kind", "withdrawal")]).await;
    assert_eq!(list["transfers"].as_array().unwrap().len(), 0);
    assert_eq!(upstream_deposits(&app, &investor).await, 1);
}
