//! The demo seed: the story in a scratch world at fixed instants (no database), then seeded
//! into a running simulator's world and read back over its HTTP API.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::Router;
use base64::Engine;
use http::{Request, StatusCode};
use rust_decimal::Decimal;
use secrecy::SecretString;
use serde_json::Value;
use sqlx::PgPool;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

use super::*;
use crate::bluum_sim::engine::OrderStatus;
use crate::bluum_sim::trading::Position;
use crate::bluum_sim::{router, SimOptions, DEMO_API_KEY, DEMO_API_SECRET};

fn d(raw: &str) -> Decimal {
    raw.parse().expect("decimal")
}

/// The story built at `now` in a world of its own (seed 42 unless the hours say otherwise).
fn built(now: OffsetDateTime, hours: MarketHours) -> (World, DemoInvestor) {
    let market = Market::new(42, hours);
    let mut world = World::new(market.clone());
    let demo = build(
        &mut world,
        &market,
        StdDuration::from_secs(2),
        &DemoProfile::default(),
        now,
    )
    .expect("the demo story plays");
    (world, demo)
}

/// `(symbol, unrealised P&L)` of every non-empty position at `now`.
fn unrealised(world: &World, investor_id: &str, now: OffsetDateTime) -> Vec<(String, Decimal)> {
    world
        .of_investor::<Position>(investor_id)
        .flat_map(|book| book.book.by_symbol.values())
        .filter(|p| !p.quantity.is_zero())
        .map(|p| {
            let price = world.market.price_at(&p.symbol, now).expect("listed");
            (p.symbol.clone(), p.valuation(price).unrealized_pl)
        })
        .collect()
}

fn orders_of<'a>(world: &'a World, demo: &DemoInvestor) -> Vec<&'a Order> {
    demo.order_ids.iter().map(|id| &world.orders[id]).collect()
}

/// The ledger's transactions oldest first, checked to chain (each starts where the one before
/// ended); returns them and the wallet balance, which must be where the last one ended.
fn checked_ledger<'a>(world: &'a World, investor_id: &'a str) -> (Vec<&'a Transaction>, Decimal) {
    let mut ledger: Vec<&Transaction> = world.of_investor::<Transaction>(investor_id).collect();
    ledger.reverse();
    let mut balance = Decimal::ZERO;
    for txn in &ledger {
        assert_eq!(txn.balance_before, balance, "{} chains", txn.meta.id);
        let signed = match txn.kind.as_str() {
            "deposit" | "sell" => txn.amount,
            "buy" | "withdrawal" => -txn.amount,
            other => panic!("unexpected transaction type {other}"),
        };
        assert_eq!(txn.balance_after, balance + signed, "{}", txn.meta.id);
        balance = txn.balance_after;
    }
    let wallet = wallets::wallet_of(world, investor_id).expect("wallet");
    assert_eq!(wallet.available_balance + wallet.reserved_balance, balance);
    assert!(wallet.available_balance >= Decimal::ZERO);
    assert!(wallet.reserved_balance >= Decimal::ZERO);
    (ledger, balance)
}

#[test]
fn the_story_at_a_fixed_now() {
    let now = datetime!(2026-12-08 20:00 UTC);
    let (world, demo) = built(now, MarketHours::AlwaysOpen);

    let investor = world.investor(&demo.investor_id).expect("investor");
    assert!(investor.is_active());
    assert_eq!(investor.email, DemoProfile::default().email);
    assert!(investor.account_number.is_some());
    assert!(investor.sim.checks.iter().all(|c| c.status == "clear"));
    let age = now - demo.created_at;
    assert!(
        age > Duration::days(390) && age < Duration::days(400),
        "{age}"
    );
    assert_eq!(investor.meta.created, demo.created_at.unix_timestamp());
    let source = &world.funding_sources[&demo.funding_source_id];
    assert_eq!(
        (
            source.kind.as_str(),
            source.status.as_str(),
            source.mask.as_str()
        ),
        ("plaid", "active", "0000")
    );

    // Three completed ACH deposits, dated in the past.
    let deposits: Vec<_> = demo
        .deposit_ids
        .iter()
        .map(|id| &world.deposits[id])
        .collect();
    let amounts: Vec<Decimal> = deposits.iter().map(|d| d.amount).collect();
    assert_eq!(amounts, [d("25000"), d("5000"), d("2500")]);
    for deposit in &deposits {
        assert_eq!(deposit.status, "completed");
        assert_eq!(deposit.method_details["alpaca_status"], "COMPLETE");
        let completed = deposit.completed_at.as_deref().expect("completed");
        assert!(completed > deposit.initiated_at.as_str());
        assert!(completed < api::iso(now - Duration::days(100)).as_str());
    }

    // Twelve orders of four kinds, placed in time order, all in the past.
    let orders = orders_of(&world, &demo);
    assert_eq!(orders.len(), 12);
    let kinds: BTreeSet<&str> = orders.iter().map(|o| o.order.order_type.as_str()).collect();
    assert_eq!(kinds, BTreeSet::from(["limit", "market", "trailing_stop"]));
    assert!(orders.iter().any(|o| o.order.notional.is_some()));
    assert!(orders
        .iter()
        .any(|o| o.order.side == Side::Sell && o.order.order_type == OrderType::Market));
    let statuses: Vec<OrderStatus> = orders.iter().map(|o| o.order.status).collect();
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(count(OrderStatus::Filled), 10, "{statuses:?}");
    assert_eq!(count(OrderStatus::Cancelled), 1);
    assert_eq!(count(OrderStatus::Open), 1);
    let trailing = orders
        .iter()
        .find(|o| o.order.order_type == OrderType::TrailingStop)
        .expect("a trailing stop");
    assert!(trailing.order.triggered_at.is_some());
    let mut sorted_ids = demo.order_ids.clone();
    sorted_ids.sort();
    assert_eq!(sorted_ids, demo.order_ids, "ids sort in time order");
    for pair in orders.windows(2) {
        assert!(pair[0].order.created_at < pair[1].order.created_at);
    }
    for order in &orders {
        assert_eq!(order.created, order.order.created_at.unix_timestamp());
        assert!(order.order.created_at < now - Duration::days(14));
        for fill in &order.order.fills {
            assert!(fill.at >= order.order.created_at && fill.at < now - Duration::days(14));
        }
        // Only the open order may still hold cash.
        if order.order.status.is_terminal() {
            assert_eq!(order.order.hold_amount, Decimal::ZERO);
        }
    }
    let open = orders
        .iter()
        .find(|o| o.order.status == OrderStatus::Open)
        .expect("an open order");

    // Seven positions, some up and some down at `now`.
    let pl = unrealised(&world, &demo.investor_id, now);
    let symbols: Vec<&str> = pl.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        symbols,
        ["AAPL", "AMZN", "GLD", "JNJ", "MSFT", "NVDA", "VOO"],
        "{pl:?}"
    );
    assert!(pl.iter().any(|(_, pl)| *pl > Decimal::ZERO), "{pl:?}");
    assert!(pl.iter().any(|(_, pl)| *pl < Decimal::ZERO), "{pl:?}");
    let book = world
        .of_investor::<Position>(&demo.investor_id)
        .next()
        .expect("book");
    for meta in book.meta.values() {
        assert!(meta.created < (now - Duration::days(14)).unix_timestamp());
    }

    // The ledger: deposits, a buy or sell per fill, consistent with the wallet.
    let (ledger, balance) = checked_ledger(&world, &demo.investor_id);
    let fills: usize = orders.iter().map(|o| o.order.fills.len()).sum();
    assert_eq!(ledger.len(), 3 + fills);
    assert!(balance > Decimal::ZERO);
    let wallet = wallets::wallet_of(&world, &demo.investor_id).expect("wallet");
    assert_eq!(wallet.reserved_balance, open.order.hold_amount);
    assert!(wallet.meta.created == demo.created_at.unix_timestamp());
    for txn in &ledger {
        assert!(txn.meta.created < (now - Duration::days(14)).unix_timestamp());
    }
    let mut txn_ids: Vec<&str> = ledger.iter().map(|t| t.meta.id.as_str()).collect();
    let in_order = txn_ids.clone();
    txn_ids.sort_unstable();
    assert_eq!(txn_ids, in_order, "transaction ids sort in time order");
}

/// Whatever day the demo is seeded on, the story plays and shows gains and losses (a year
/// and a half of `now`s, every 11 days, both market-hours modes).
#[test]
fn gains_and_losses_whatever_the_day() {
    let start = datetime!(2026-01-05 21:30 UTC);
    for i in 0..50 {
        let now = start + Duration::days(11 * i) + Duration::minutes(37 * i);
        let hours = if i % 5 == 0 {
            MarketHours::Nyse
        } else {
            MarketHours::AlwaysOpen
        };
        let (world, demo) = built(now, hours);
        let pl = unrealised(&world, &demo.investor_id, now);
        assert!(pl.len() >= 5, "{now}: {pl:?}");
        assert!(
            pl.iter().any(|(_, pl)| *pl > Decimal::ZERO),
            "{now}: {pl:?}"
        );
        assert!(
            pl.iter().any(|(_, pl)| *pl < Decimal::ZERO),
            "{now}: {pl:?}"
        );
        let orders = orders_of(&world, &demo);
        let filled = orders
            .iter()
            .filter(|o| o.order.status == OrderStatus::Filled)
            .count();
        assert_eq!(filled, 10, "{now} {hours:?}");
        checked_ledger(&world, &demo.investor_id);
    }
}

#[test]
fn value_history_replays_the_ledger_and_fills() {
    let now = datetime!(2026-12-08 20:00 UTC);
    let (world, demo) = built(now, MarketHours::AlwaysOpen);
    let history = value_history(
        &world,
        &demo.investor_id,
        now - Duration::days(400),
        now,
        Duration::DAY,
    );
    assert_eq!(history.len(), 401);
    assert_eq!(history.first().map(|p| p.total_value), Some(Decimal::ZERO));
    for point in &history {
        assert_eq!(point.total_value, point.cash + point.invested);
        assert!(point.cash >= Decimal::ZERO);
        assert_eq!(point.cash.scale(), 2);
    }
    // Every point agrees with the ledger and positions as they were then: spot-check the day
    // after the first deposit arrived (all cash) and the end (live valuation).
    let first_deposit = &world.deposits[&demo.deposit_ids[0]];
    let arrived = OffsetDateTime::parse(
        first_deposit.completed_at.as_deref().expect("completed"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("timestamp");
    let then = value_history(&world, &demo.investor_id, arrived, arrived, Duration::DAY);
    assert_eq!(then[0].cash, d("25000.00"));
    assert_eq!(then[0].invested, d("0.00"));

    let last = history.last().expect("a point at now");
    assert_eq!(last.at, now);
    let figures = wallets::figures(&world, &demo.investor_id);
    assert_eq!(last.cash, figures.balance);
    assert_eq!(
        last.invested,
        api::money(trading::market_value(&world, &demo.investor_id, now))
    );

    assert!(value_history(
        &world,
        &demo.investor_id,
        now,
        now - Duration::DAY,
        Duration::DAY
    )
    .is_empty());
    assert!(value_history(&world, &demo.investor_id, now, now, Duration::ZERO).is_empty());
}

// ---- in a simulator, over HTTP --------------------------------------------------------------

async fn simulator(pool: PgPool) -> Sim {
    let options = SimOptions {
        requests_per_second: 1_000,
        ..SimOptions::default()
    };
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    Sim::load(pool, options, SecretString::from("whsec_test"), stopped)
        .await
        .expect("simulator state loads")
}

async fn get(app: &Router, path: &str) -> (StatusCode, Value) {
    let credentials = base64::engine::general_purpose::STANDARD
        .encode(format!("{DEMO_API_KEY}:{DEMO_API_SECRET}"));
    let request = Request::builder()
        .uri(format!("/v1{path}"))
        .header("authorization", format!("Basic {credentials}"))
        .body(Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("answered");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// How many records of the world belong to `investor_id`.
fn owned_records(world: &World, investor_id: &str) -> usize {
    use crate::bluum_sim::documents::Document;
    use crate::bluum_sim::funding::{FundingSource, UsedToken};
    use crate::bluum_sim::investors::Investor;
    use crate::bluum_sim::transfers::{Deposit, Withdrawal};
    use crate::bluum_sim::wallets::Wallet;
    world.of_investor::<Investor>(investor_id).count()
        + world.of_investor::<Wallet>(investor_id).count()
        + world.of_investor::<Transaction>(investor_id).count()
        + world.of_investor::<Document>(investor_id).count()
        + world.of_investor::<FundingSource>(investor_id).count()
        + world.of_investor::<UsedToken>(investor_id).count()
        + world.of_investor::<Deposit>(investor_id).count()
        + world.of_investor::<Withdrawal>(investor_id).count()
        + world.of_investor::<Order>(investor_id).count()
        + world.of_investor::<Position>(investor_id).count()
}

fn decimal(value: &Value) -> Decimal {
    value
        .as_str()
        .expect("a decimal string")
        .parse()
        .expect("decimal")
}

#[sqlx::test]
async fn the_api_shows_the_seeded_history(pool: PgPool) {
    let sim = simulator(pool).await;
    let now = OffsetDateTime::now_utc();
    let demo = seed(&sim, &DemoProfile::default(), now)
        .await
        .expect("seeded");
    let app = router(sim.clone());
    let investor_path = format!("/investors/{}", demo.investor_id);

    let (status, investor) = get(&app, &investor_path).await;
    assert_eq!(status, StatusCode::OK, "{investor}");
    assert_eq!(investor["status"], "active");
    assert_eq!(investor["email"], DemoProfile::default().email);
    assert_eq!(investor["created"], demo.created_at.unix_timestamp());

    let (status, orders) = get(&app, &format!("{investor_path}/orders?limit=50")).await;
    assert_eq!(status, StatusCode::OK, "{orders}");
    let listed: Vec<&str> = orders["data"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    let newest_first: Vec<&str> = demo.order_ids.iter().rev().map(String::as_str).collect();
    assert_eq!(listed, newest_first);
    let kinds: BTreeSet<&str> = orders["data"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["type"].as_str())
        .collect();
    assert!(kinds.len() >= 3, "{kinds:?}");
    let two_weeks_ago = api::iso(now - Duration::days(14));
    for order in orders["data"].as_array().into_iter().flatten() {
        let created = order["created_at"].as_str().expect("created_at");
        assert!(created < two_weeks_ago.as_str(), "{order}");
        if let Some(filled) = order["filled_at"].as_str() {
            assert!(
                created <= filled && filled < two_weeks_ago.as_str(),
                "{order}"
            );
        }
    }

    let (status, positions) = get(&app, &format!("{investor_path}/positions")).await;
    assert_eq!(status, StatusCode::OK, "{positions}");
    let positions = positions["data"].as_array().expect("a list").clone();
    assert!(positions.len() >= 5);
    let pl: Vec<Decimal> = positions
        .iter()
        .map(|p| decimal(&p["unrealized_pl"]))
        .collect();
    assert!(pl.iter().any(|pl| *pl > Decimal::ZERO), "{pl:?}");
    assert!(pl.iter().any(|pl| *pl < Decimal::ZERO), "{pl:?}");

    let (status, wallets) = get(&app, &format!("{investor_path}/wallets")).await;
    assert_eq!(status, StatusCode::OK, "{wallets}");
    let balance = decimal(&wallets["data"][0]["balance"]);
    assert!(balance >= Decimal::ZERO);

    let (status, transactions) =
        get(&app, &format!("{investor_path}/transactions?limit=200")).await;
    assert_eq!(status, StatusCode::OK, "{transactions}");
    let latest = &transactions["data"][0];
    assert_eq!(decimal(&latest["balance_after"]), balance);

    let (status, deposits) = get(&app, &format!("{investor_path}/deposits")).await;
    assert_eq!(status, StatusCode::OK, "{deposits}");
    assert_eq!(deposits["data"].as_array().map(Vec::len), Some(3));
    assert!(deposits["data"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|d| d["status"] == "completed"));

    // The value history's last point is what the API reports, to the cent: prices move by
    // the second, so value at the second the positions were priced at.
    let priced_at = OffsetDateTime::parse(
        positions[0]["price_timestamp"]
            .as_str()
            .expect("price_timestamp"),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("timestamp");
    let invested: Decimal = positions.iter().map(|p| decimal(&p["market_value"])).sum();
    let history = {
        let world = sim.lock().await;
        value_history(
            &world,
            &demo.investor_id,
            priced_at - Duration::days(365),
            priced_at,
            Duration::DAY,
        )
    };
    assert_eq!(history.len(), 366);
    let last = history.last().expect("a point now");
    assert_eq!(last.cash, balance);
    assert_eq!(last.invested, invested);
    assert_eq!(last.total_value, balance + invested);
}

#[sqlx::test]
async fn remove_takes_everything_and_the_demo_seeds_again(pool: PgPool) {
    let sim = simulator(pool.clone()).await;
    let now = OffsetDateTime::now_utc();
    let profile = DemoProfile::default();
    let first = seed(&sim, &profile, now).await.expect("seeded");

    // The e-mail is taken while the demo investor exists.
    let again = seed(&sim, &profile, now).await;
    assert!(
        matches!(&again, Err(DemoError::Refused(err)) if err.code == crate::bluum_sim::error::ErrorCode::Duplicate),
        "{again:?}"
    );

    // What was seeded is stored: a fresh simulator on the same database sees it.
    let reloaded = simulator(pool.clone()).await;
    {
        let world = reloaded.lock().await;
        assert!(world
            .investor(&first.investor_id)
            .expect("stored")
            .is_active());
        let orders = world.of_investor::<Order>(&first.investor_id).count();
        assert_eq!(orders, first.order_ids.len());
    }

    // Deliveries and idempotent replies about the investor go too; others stay.
    for (id, payload) in [
        (
            "whd_1",
            format!(r#"{{"data":{{"investor_id":"{}"}}}}"#, first.investor_id),
        ),
        (
            "whd_2",
            r#"{"data":{"investor_id":"inv_other"}}"#.to_owned(),
        ),
    ] {
        sqlx::query(
            "INSERT INTO bluum_sim.webhook_deliveries (id, webhook_id, event_id, event_type, url, payload)
             VALUES ($1, 'wh_1', 'evt_1', 'order.filled', 'http://127.0.0.1:9/', $2)",
        )
        .bind(id)
        .bind(payload)
        .execute(&pool)
        .await
        .expect("delivery");
    }
    sqlx::query("INSERT INTO bluum_sim.idempotency_keys (scope, body_hash) VALUES ($1, 'h')")
        .bind(format!(
            "apk_sim_demo\nPOST\n/v1/investors/{}/orders\nk1",
            first.investor_id
        ))
        .execute(&pool)
        .await
        .expect("idempotency key");

    let removed = remove(&sim, &first.investor_id).await.expect("removed");
    assert!(removed.records > 20, "{removed:?}");
    assert_eq!(removed.webhook_deliveries, 1);
    assert_eq!(removed.idempotency_keys, 1);
    let left: Vec<String> = sqlx::query_scalar("SELECT id FROM bluum_sim.webhook_deliveries")
        .fetch_all(&pool)
        .await
        .expect("deliveries");
    assert_eq!(left, ["whd_2"]);
    {
        let world = sim.lock().await;
        assert!(world.investor(&first.investor_id).is_err());
        assert_eq!(owned_records(&world, &first.investor_id), 0);
    }
    let rows: i64 =
        sqlx::query_scalar("SELECT count(*) FROM bluum_sim.objects WHERE investor_id = $1")
            .bind(&first.investor_id)
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(rows, 0);
    assert_eq!(
        remove(&sim, &first.investor_id)
            .await
            .expect("nothing left"),
        Removed::default()
    );

    let second = seed(&sim, &profile, now).await.expect("seeded again");
    assert_ne!(second.investor_id, first.investor_id);
    let third = reset(&sim, &profile, now).await.expect("reset");
    {
        let world = sim.lock().await;
        assert!(world.investor(&second.investor_id).is_err());
        assert!(world
            .investor(&third.investor_id)
            .expect("seeded")
            .is_active());
    }

    // Reset removes only a demo investor: someone else with the e-mail keeps it.
    let someone = DemoProfile {
        email: "someone@example.com".into(),
        ..DemoProfile::default()
    };
    {
        let mut world = sim.lock().await;
        let mut body = investor_body(&someone, now);
        body.remove("metadata");
        let new = NewInvestor::from_body(&body).expect("valid");
        investors::insert(&mut world, new, now, StdDuration::from_secs(2)).expect("created");
        sim.commit(&mut world).await.expect("saved");
    }
    let refused = reset(&sim, &someone, now).await;
    assert!(matches!(refused, Err(DemoError::Refused(_))), "{refused:?}");
}
