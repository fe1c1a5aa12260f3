//! Moving money over HTTP against real Postgres and the in-process simulator: the review, a
//! deposit and a withdrawal sent once however often the form is submitted, the withdrawable
//! limit checked before Bluum is asked, cancelling, the list, one user never reaching
//! another's transfers, and requests cut off between sending and recording settled once.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::str::FromStr;
use std::time::Duration;

use bluum_invest::bluum::error::{BluumError, UpstreamKind};
use bluum_invest::bluum::ids::{FundingSourceId, InvestorId};
use bluum_invest::bluum::models::transfers::{
    CreateDepositRequest, Deposit, TransferMethod, TransferQuery,
};
use bluum_invest::error::AppError;
use bluum_invest::server::idempotency::{reconcile, run_once, MoneyCall, MoneyRequest};
use common::accounts::{call_json, validation};
use common::investors::{deposit_completed, investor_client, settled, with_bank};
use common::{spawn_app, spawn_app_with, TestApp};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgPool;

/// A signed-in client with an approved investor and one linked bank: `(client, investor, bank)`.
async fn funded_user(
    app: &TestApp,
    pool: &PgPool,
    email: &str,
) -> (reqwest::Client, String, String) {
    with_bank(
        app,
        pool,
        email,
        &sim_support::investor_body(email, "Lovelace"),
    )
    .await
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

/// The id of the user signed up as `email`.
async fn user_id(pool: &PgPool, email: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The Bluum call the deposit form makes for `amount` from `bank` (as `money/deposit` builds it).
fn deposit_call(investor: &str, bank: &str, amount: &str) -> MoneyCall {
    MoneyCall::Deposit {
        investor: InvestorId::parse(investor).unwrap(),
        body: CreateDepositRequest {
            amount: Decimal::from_str(amount).unwrap(),
            currency: Some("USD".into()),
            method: TransferMethod::Ach,
            funding_source_id: Some(FundingSourceId::parse(bank).unwrap()),
            description: Some("Deposit from Bluum Invest".into()),
            metadata: Default::default(),
        },
    }
}

/// `(answer recorded, call kept, upstream id)` of the idempotency row of `key`.
async fn record_of(pool: &PgPool, key: &str) -> (bool, bool, Option<String>) {
    sqlx::query_as(
        "SELECT response IS NOT NULL, request IS NOT NULL, upstream_id
         FROM idempotency_requests WHERE key = $1",
    )
    .bind(key)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// What a restart sees once the lease of the instance that died has run out.
async fn lease_runs_out(pool: &PgPool) {
    sqlx::query("UPDATE idempotency_requests SET locked_until = now() - interval '1 second'")
        .execute(pool)
        .await
        .unwrap();
}

#[sqlx::test]
async fn a_deposit_cut_off_between_send_and_record_is_reconciled_once(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let email = "crash@example.com";
    let (client, investor, bank) = funded_user(&app, &pool, email).await;
    let key = uuid::Uuid::new_v4().to_string();
    let call = deposit_call(&investor, &bank, "75.00");
    let MoneyCall::Deposit {
        investor: inv,
        body,
    } = &call
    else {
        unreachable!()
    };

    // The work dies after Bluum took the deposit and before the answer is recorded: the
    // future is dropped at that point, as a killed process would leave it.
    let request = MoneyRequest {
        user_id: user_id(&pool, email).await,
        key: &key,
        call: &call,
        ip: None,
    };
    let bluum = &app.bluum;
    let cut_off = tokio::time::timeout(
        Duration::from_secs(2),
        run_once::<Deposit, _, _>(&pool, request, |upstream| async move {
            bluum.create_deposit(inv, body, &upstream).await.unwrap();
            std::future::pending().await
        }),
    )
    .await;
    assert!(cut_off.is_err(), "the work was cut off");
    assert_eq!(upstream_deposits(&app, &investor).await, 1);
    assert_eq!(record_of(&pool, &key).await, (false, true, None));

    // Restarted, the lease of the dead request passes; the transfers page settles it with
    // Bluum under the same upstream key, which answers with the deposit it already has.
    lease_runs_out(&pool).await;
    let (status, page) = call_json(&app, &client, "money/transfers", &[]).await;
    assert_eq!(status, 200, "{page}");
    let listed = page["transfers"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{page}");
    let id = listed[0]["id"].as_str().unwrap();
    assert_eq!(
        upstream_deposits(&app, &investor).await,
        1,
        "not sent twice"
    );
    assert_eq!(record_of(&pool, &key).await, (true, false, Some(id.into())));
    let audit = "SELECT count(*) FROM audit_log WHERE action = $1";
    assert_eq!(count(&pool, audit, "deposit").await, 1);

    // The user's retry of the same form gets that deposit; another round changes nothing.
    let (status, t) = call_json(
        &app,
        &client,
        "money/deposit",
        &[
            ("idempotency_key", &key),
            ("bank", &bank),
            ("amount", "75.00"),
        ],
    )
    .await;
    assert_eq!((status, t["id"].as_str()), (200, Some(id)), "{t}");
    assert_eq!(reconcile(&pool, &app.bluum, None).await.unwrap(), 0);
    assert_eq!(upstream_deposits(&app, &investor).await, 1);
    assert_eq!(count(&pool, audit, "deposit").await, 1);
}

#[sqlx::test]
async fn deposits_whose_answer_was_lost_are_settled_by_the_next_start(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let email = "lost@example.com";
    let (_client, investor, bank) = funded_user(&app, &pool, email).await;
    let user = user_id(&pool, email).await;
    let bluum = &app.bluum;

    // 1. Bluum acted but its answer never came back (a timeout): the user is told it is not
    //    confirmed yet, and the key stays with the call.
    let timed_out_key = uuid::Uuid::new_v4().to_string();
    let call = deposit_call(&investor, &bank, "20.00");
    let MoneyCall::Deposit {
        investor: inv,
        body,
    } = &call
    else {
        unreachable!()
    };
    let request = MoneyRequest {
        user_id: user,
        key: &timed_out_key,
        call: &call,
        ip: None,
    };
    let err = run_once::<Deposit, _, _>(&pool, request, |upstream| async move {
        bluum.create_deposit(inv, body, &upstream).await.unwrap();
        Err(BluumError::Upstream {
            kind: UpstreamKind::Timeout,
            message: "no answer within the timeout".into(),
            context: Default::default(),
        })
    })
    .await
    .unwrap_err();
    assert!(matches!(err, AppError::Upstream { .. }), "{err:?}");

    // 2. The process died before the request left: Bluum never saw it.
    let unsent_key = uuid::Uuid::new_v4().to_string();
    let unsent = deposit_call(&investor, &bank, "30.00");
    let request = MoneyRequest {
        user_id: user,
        key: &unsent_key,
        call: &unsent,
        ip: None,
    };
    let cut_off = tokio::time::timeout(
        Duration::from_millis(500),
        run_once::<Deposit, _, _>(&pool, request, |_| std::future::pending()),
    )
    .await;
    assert!(cut_off.is_err());
    assert_eq!(upstream_deposits(&app, &investor).await, 1);

    // The next start's round settles both: the first with the deposit Bluum has, the second
    // sent now, once.
    lease_runs_out(&pool).await;
    assert_eq!(reconcile(&pool, bluum, None).await.unwrap(), 2);
    let id = InvestorId::parse(&investor).unwrap();
    let mut amounts: Vec<String> = bluum
        .list_deposits(&id, &TransferQuery::default())
        .await
        .unwrap()
        .data
        .into_iter()
        .map(|d| d.amount.to_string())
        .collect();
    amounts.sort();
    assert_eq!(amounts, ["20.00", "30.00"]);
    for key in [&timed_out_key, &unsent_key] {
        let (answered, kept, upstream) = record_of(&pool, key).await;
        assert!(answered && !kept && upstream.is_some(), "{key}");
    }
    assert_eq!(reconcile(&pool, bluum, None).await.unwrap(), 0);
    assert_eq!(upstream_deposits(&app, &investor).await, 2);
}

#[sqlx::test]
async fn a_late_webhook_does_not_move_a_completed_deposit_backwards(pool: PgPool) {
    const SECRET: &str = "whsec_money_test";
    let app = spawn_app_with(pool.clone(), &[("BLUUM_WEBHOOK_SECRET", SECRET)]).await;
    let (client, investor, bank) = funded_user(&app, &pool, "late@example.com").await;
    deposit_completed(&app, &client, &bank, "60.00").await;
    let (_, page) = call_json(&app, &client, "money/transfers", &[]).await;
    let id = page["transfers"][0]["id"].as_str().unwrap().to_owned();

    // Bluum's `pending` event for it arrives after it completed (deliveries are retried and
    // may come in any order): stored, but the pages ask Bluum, so nothing moves back.
    let late = serde_json::to_vec(&serde_json::json!({
        "id": "evt_late_pending",
        "event": "transfer.deposit.pending",
        "timestamp": "2026-12-04T12:00:00Z",
        "data": { "id": id, "object": "deposit", "investor_id": investor, "status": "pending" },
    }))
    .unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let header = bluum_invest::bluum::signature::sign(&SECRET.to_owned().into(), now, &late);
    let res = app
        .client
        .post(app.url("/webhooks/bluum"))
        .header(bluum_invest::bluum::signature::HEADER, header)
        .header("content-type", "application/json")
        .body(late)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let (status, t) = call_json(&app, &client, "money/transfer", &[("id", &id)]).await;
    assert_eq!(
        (status, t["state"].as_str()),
        (200, Some("Completed")),
        "{t}"
    );
    let (_, page) = call_json(&app, &client, "money/transfers", &[]).await;
    assert_eq!(page["transfers"][0]["state"], "Completed", "{page}");
}
