//! Trading over HTTP against real Postgres and the in-process simulator: the ticket checked
//! before Bluum is asked, each order type through to its filled, resting or cancelled state,
//! an order sent once however often it is submitted, and one user never reaching another's
//! orders.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::str::FromStr;
use std::time::Duration;

use bluum_invest::bluum::ids::InvestorId;
use bluum_invest::bluum::models::orders::OrderQuery;
use common::accounts::{call_json, validation};
use common::investors::funded;
use common::{spawn_app, TestApp};
use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::PgPool;

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a decimal: {v}"))).unwrap()
}

/// A signed-in investor with `cash` deposited: `(client, investor)`.
async fn trader(
    app: &TestApp,
    pool: &PgPool,
    email: &str,
    cash: &str,
) -> (reqwest::Client, String) {
    funded(
        app,
        pool,
        email,
        &sim_support::investor_body(email, "Hopper"),
        cash,
    )
    .await
}

/// The ticket for `symbol`: `facts.price`, `facts.held`, `facts.buying_power`, …
async fn ticket(app: &TestApp, client: &reqwest::Client, symbol: &str) -> Value {
    let (status, t) = call_json(app, client, "trade/ticket", &[("symbol", symbol)]).await;
    assert_eq!(status, 200, "{t}");
    t
}

/// Reviews the ticket `fields`, then confirms it with the review's key: the placed order.
async fn place(app: &TestApp, client: &reqwest::Client, fields: &[(&str, &str)]) -> Value {
    let (status, review) = call_json(app, client, "trade/review", fields).await;
    assert_eq!(status, 200, "{review}");
    let key = review["idempotency_key"].as_str().unwrap().to_owned();
    let mut form = fields.to_vec();
    form.push(("idempotency_key", &key));
    let (status, order) = call_json(app, client, "trade/place", &form).await;
    assert_eq!(status, 200, "{order}");
    order
}

/// Asks for the order until it reaches one of `states`.
async fn order_reaching(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    states: &[&str],
) -> Value {
    let mut last = Value::Null;
    for _ in 0..100 {
        let (status, o) = call_json(app, client, "trade/order", &[("id", id)]).await;
        assert_eq!(status, 200, "{o}");
        if states.contains(&o["state"].as_str().unwrap_or_default()) {
            return o;
        }
        last = o;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("order {id} never reached {states:?}: {last}");
}

async fn upstream_orders(app: &TestApp, investor: &str) -> usize {
    let id = InvestorId::parse(investor).unwrap();
    app.bluum
        .list_orders(&id, &OrderQuery::default())
        .await
        .unwrap()
        .data
        .len()
}

#[sqlx::test]
async fn a_dollar_market_buy_fills_and_the_shares_are_held(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, _) = trader(&app, &pool, "dollars@example.com", "1000").await;
    let before = ticket(&app, &client, "AAPL").await;
    assert_eq!(dec(&before["facts"]["held"]), Decimal::ZERO);
    assert_eq!(dec(&before["facts"]["buying_power"]), Decimal::from(1000));

    let fields = [
        ("symbol", "aapl"),
        ("side", "buy"),
        ("order_type", "market"),
        ("amount_in", "dollars"),
        ("amount", "500"),
        ("time_in_force", "day"),
    ];
    let (status, review) = call_json(&app, &client, "trade/review", &fields).await;
    assert_eq!(status, 200, "{review}");
    assert_eq!(
        review["sentence"],
        "Buy $500.00 of AAPL at the market price, good for today."
    );
    assert_eq!(dec(&review["estimate"]["total"]), Decimal::from(500));

    let order = place(&app, &client, &fields).await;
    let id = order["id"].as_str().unwrap();
    let filled = order_reaching(&app, &client, id, &["Filled"]).await;
    let shares = dec(&filled["filled_quantity"]);
    let paid = (shares * dec(&filled["average_price"])).round_dp(2);
    assert!(
        (paid - Decimal::from(500)).abs() <= Decimal::new(1, 2),
        "paid {paid}"
    );

    let after = ticket(&app, &client, "AAPL").await;
    assert_eq!(dec(&after["facts"]["held"]), shares);
    let left = dec(&after["facts"]["buying_power"]);
    assert!(
        (left - Decimal::from(500)).abs() <= Decimal::new(1, 2),
        "left {left}"
    );
}

#[sqlx::test]
async fn a_resting_limit_buy_is_cancelled_and_no_one_else_reaches_it(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (ada, _) = trader(&app, &pool, "ada@example.com", "500").await;
    let (eve, eve_investor) = trader(&app, &pool, "eve@example.com", "0").await;

    let order = place(
        &app,
        &ada,
        &[
            ("symbol", "AAPL"),
            ("side", "buy"),
            ("order_type", "limit"),
            ("amount", "2"),
            ("limit_price", "1.00"),
            ("time_in_force", "gtc"),
        ],
    )
    .await;
    let id = order["id"].as_str().unwrap().to_owned();
    order_reaching(&app, &ada, &id, &["Open"]).await;
    let (_, open) = call_json(&app, &ada, "trade/orders", &[("status", "open")]).await;
    assert_eq!(open["orders"][0]["id"], id.as_str(), "{open}");
    // The cash is held for it.
    let held = ticket(&app, &ada, "AAPL").await;
    assert_eq!(dec(&held["facts"]["buying_power"]), Decimal::from(498));

    // Eve can neither see nor cancel it, whatever she sends.
    for endpoint in ["trade/order", "trade/cancel"] {
        let (status, body) = call_json(&app, &eve, endpoint, &[("id", &id)]).await;
        assert_eq!(status, 404, "{endpoint}: {body}");
    }
    let (_, theirs) = call_json(&app, &eve, "trade/orders", &[]).await;
    assert_eq!(theirs["orders"].as_array().unwrap().len(), 0, "{theirs}");
    assert_eq!(upstream_orders(&app, &eve_investor).await, 0);

    let (status, body) = call_json(&app, &ada, "trade/cancel", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    let cancelled = order_reaching(&app, &ada, &id, &["Cancelled"]).await;
    assert_eq!(cancelled["filled_quantity"], "0");
    let (status, body) = call_json(&app, &ada, "trade/cancel", &[("id", &id)]).await;
    assert_eq!(status, 409, "a second cancel: {body}");
    let released = ticket(&app, &ada, "AAPL").await;
    assert_eq!(dec(&released["facts"]["buying_power"]), Decimal::from(500));
}

#[sqlx::test]
async fn each_order_type_reaches_its_state_and_a_partial_sell_leaves_the_rest(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, _) = trader(&app, &pool, "types@example.com", "20000").await;
    let price = dec(&ticket(&app, &client, "MSFT").await["facts"]["price"]);

    let bought = place(
        &app,
        &client,
        &[
            ("symbol", "MSFT"),
            ("side", "buy"),
            ("order_type", "market"),
            ("amount", "10"),
        ],
    )
    .await;
    order_reaching(&app, &client, bought["id"].as_str().unwrap(), &["Filled"]).await;
    let sold = place(
        &app,
        &client,
        &[
            ("symbol", "MSFT"),
            ("side", "sell"),
            ("order_type", "market"),
            ("amount", "4"),
        ],
    )
    .await;
    let sold = order_reaching(&app, &client, sold["id"].as_str().unwrap(), &["Filled"]).await;
    assert_eq!(dec(&sold["filled_quantity"]), Decimal::from(4));
    assert_eq!(
        dec(&ticket(&app, &client, "MSFT").await["facts"]["held"]),
        Decimal::from(6)
    );

    // Orders that wait for a price rest until it comes.
    let far_above = (price * Decimal::from(2)).round_dp(2).to_string();
    let far_below = (price / Decimal::from(2)).round_dp(2).to_string();
    let just_below_that = (price / Decimal::from(2) - Decimal::ONE)
        .round_dp(2)
        .to_string();
    let resting: [&[(&str, &str)]; 4] = [
        &[
            ("order_type", "stop"),
            ("side", "buy"),
            ("stop_price", &far_above),
        ],
        &[
            ("order_type", "stop_limit"),
            ("side", "sell"),
            ("stop_price", &far_below),
            ("limit_price", &just_below_that),
        ],
        &[
            ("order_type", "trailing_stop_percent"),
            ("side", "sell"),
            ("trail", "40"),
            ("time_in_force", "gtc"),
        ],
        &[
            ("order_type", "trailing_stop_price"),
            ("side", "sell"),
            ("trail", &far_below),
        ],
    ];
    for extra in resting {
        let mut fields = vec![("symbol", "MSFT"), ("amount", "1")];
        fields.extend_from_slice(extra);
        let order = place(&app, &client, &fields).await;
        let order = order_reaching(
            &app,
            &client,
            order["id"].as_str().unwrap(),
            &["Open", "Pending"],
        )
        .await;
        assert_eq!(order["filled_quantity"], "0", "{order}");
    }
    let (_, open) = call_json(&app, &client, "trade/orders", &[("status", "open")]).await;
    assert_eq!(open["orders"].as_array().unwrap().len(), 4, "{open}");
    let (_, done) = call_json(&app, &client, "trade/orders", &[("status", "done")]).await;
    assert_eq!(done["orders"].as_array().unwrap().len(), 2, "{done}");
}

#[sqlx::test]
async fn the_ticket_is_checked_before_bluum_is_asked(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, investor) = trader(&app, &pool, "checks@example.com", "100").await;
    let price = dec(&ticket(&app, &client, "AAPL").await["facts"]["price"]);
    let below = (price - Decimal::ONE).round_dp(2).to_string();
    // (the ticket's fields besides the symbol, the field refused, part of its message)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case; 5] = [
        (
            &[("side", "sell"), ("order_type", "market"), ("amount", "1")],
            "amount",
            "You don't own any AAPL.",
        ),
        (
            &[
                ("side", "buy"),
                ("order_type", "market"),
                ("amount", "1000"),
            ],
            "amount",
            "more than your buying power of $100.00",
        ),
        (
            &[("side", "buy"), ("order_type", "limit"), ("amount", "1")],
            "limit_price",
            "Enter a limit price.",
        ),
        (
            &[
                ("side", "buy"),
                ("order_type", "stop"),
                ("amount", "1"),
                ("stop_price", &below),
            ],
            "stop_price",
            "A buy stop must be above the current price",
        ),
        (
            &[
                ("side", "buy"),
                ("order_type", "limit"),
                ("amount_in", "dollars"),
                ("amount", "50"),
                ("limit_price", "1"),
            ],
            "amount",
            "Dollar amounts work for market buys only",
        ),
    ];
    for (extra, field, message) in cases {
        let mut fields = vec![("symbol", "AAPL")];
        fields.extend_from_slice(extra);
        for endpoint in ["trade/review", "trade/place"] {
            let mut form = fields.clone();
            form.push(("idempotency_key", "checked-form"));
            let (status, body) = call_json(&app, &client, endpoint, &form).await;
            assert_eq!(status, 422, "{endpoint} {fields:?}: {body}");
            let (f, m) = validation(&body);
            assert_eq!(f, field, "{body}");
            assert!(m.contains(message), "{m}");
        }
    }
    let (status, body) = call_json(&app, &client, "trade/ticket", &[("symbol", "NOPE1")]).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        upstream_orders(&app, &investor).await,
        0,
        "Bluum was never asked"
    );
}

#[sqlx::test]
async fn twenty_concurrent_submits_of_one_order_make_one_order(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, investor) = trader(&app, &pool, "clicks@example.com", "1000").await;
    let fields = [
        ("symbol", "AAPL"),
        ("side", "buy"),
        ("order_type", "limit"),
        ("amount", "1"),
        ("limit_price", "2.00"),
        ("time_in_force", "gtc"),
    ];
    let (_, review) = call_json(&app, &client, "trade/review", &fields).await;
    let key = review["idempotency_key"].as_str().unwrap().to_owned();
    let mut form = fields.to_vec();
    form.push(("idempotency_key", &key));
    let submits = (0..20).map(|_| call_json(&app, &client, "trade/place", &form));
    let answers = futures::future::join_all(submits).await;
    let first = answers[0].1["id"].clone();
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
        assert_eq!(body["id"], first, "one order for all");
    }
    assert_eq!(upstream_orders(&app, &investor).await, 1);
    let rows: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'order' AND idempotency_key = $1",
    )
    .bind(&key)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(rows, 1);
}
