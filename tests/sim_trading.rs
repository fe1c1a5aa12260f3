//! The simulator's market and trading surface over raw HTTP: assets, quotes, bars, orders,
//! positions.
#![cfg(feature = "ssr")]

mod sim_support;

use serde_json::{json, Value};
use sim_support::{is_prefixed_id, start, start_with};
use sqlx::PgPool;

#[sqlx::test]
async fn assets_search_lookup_batch_bars_and_quotes(pool: PgPool) {
    let sim = start(pool).await;

    let found = sim.get("/assets/search?q=apple&limit=5").await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(found.body["object"], "list");
    assert_eq!(found.body["data"][0]["symbol"], "AAPL");

    let all = sim.get("/assets?limit=200").await;
    assert!(
        all.body["data"].as_array().unwrap().len() >= 50,
        "{}",
        all.text
    );

    let aapl = sim.get("/assets/aapl").await;
    assert_eq!(aapl.status, 200);
    let asset = &aapl.body;
    assert_eq!(asset["symbol"], "AAPL");
    assert_eq!(asset["market"], "XNAS");
    assert_eq!(asset["class"], "equity");
    assert_eq!(asset["tradable"], true);
    assert!(asset["price"].is_number(), "{asset}");
    assert!(asset["bidPrice"].as_f64().unwrap() < asset["askPrice"].as_f64().unwrap());
    assert!(uuid::Uuid::parse_str(asset["id"].as_str().unwrap()).is_ok());

    sim.get("/assets/NOPE")
        .await
        .assert_error(404, "BLUM-404-003", Some("symbol"));

    let batch = sim.get("/assets/batch?symbols=AAPL,MSFT,NOPE").await;
    let symbols: Vec<&str> = batch.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(symbols, ["AAPL", "MSFT"]);
    sim.get("/assets/batch")
        .await
        .assert_error(400, "BLUM-400-002", Some("symbols"));

    let bars = sim.get("/assets/AAPL/bars?timeframe=1Day&limit=10").await;
    assert_eq!(bars.status, 200, "{}", bars.text);
    assert_eq!(bars.body["object"], "bars");
    assert_eq!(bars.body["timeframe"], "1Day");
    let list = bars.body["bars"].as_array().unwrap();
    assert_eq!(list.len(), 10);
    for bar in list {
        let (low, high) = (bar["low"].as_f64().unwrap(), bar["high"].as_f64().unwrap());
        for field in ["open", "close"] {
            let v = bar[field].as_f64().unwrap();
            assert!(low <= v && v <= high, "{bar}");
        }
        assert!(bar["timestamp"].is_string());
    }
    sim.get("/assets/AAPL/bars?timeframe=2Day")
        .await
        .assert_error(400, "BLUM-400-004", Some("timeframe"));
    sim.get("/assets/AAPL/bars")
        .await
        .assert_error(400, "BLUM-400-002", Some("timeframe"));

    let quote = sim.get("/market-data/assets/MSFT/quote").await;
    assert_eq!(quote.status, 200);
    assert_eq!(quote.body["object"], "quote");
    assert_eq!(quote.body["symbol"], "MSFT");
    assert!(quote.body["price"].is_number());
    assert!(quote.body["bid_price"].as_f64().unwrap() <= quote.body["ask_price"].as_f64().unwrap());
}

fn dec(value: &Value) -> rust_decimal::Decimal {
    value
        .as_str()
        .unwrap_or_else(|| panic!("decimal string expected, got {value}"))
        .parse()
        .unwrap()
}

#[sqlx::test]
async fn orders_need_an_active_investor(pool: PgPool) {
    let sim = start_with(
        pool,
        bluum_invest::bluum_sim::SimOptions {
            kyc_review: std::time::Duration::from_secs(60),
            ..sim_support::fast_options()
        },
    )
    .await;
    let investor = sim.create_investor("new@example.com", "Lovelace").await;
    let id = investor["id"].as_str().unwrap();
    sim.post(
        &format!("/investors/{id}/orders"),
        json!({ "symbol": "AAPL", "side": "buy", "type": "market", "time_in_force": "day", "quantity": "1" }),
    )
    .await
    .assert_error(403, "BLUM-403-002", None);
}

#[sqlx::test]
async fn market_orders_fill_and_positions_follow(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("trader@example.com").await;
    sim.funded_manually(&id, "10000.00").await;
    let orders = format!("/investors/{id}/orders");

    // Validation and business rules.
    sim.post(
        &orders,
        json!({ "symbol": "AAPL", "side": "buy", "type": "market", "time_in_force": "day" }),
    )
    .await
    .assert_error(400, "BLUM-400-002", Some("quantity"));
    sim.post(&orders, json!({ "symbol": "AAPL", "side": "hold", "type": "market", "time_in_force": "day", "quantity": "1" }))
        .await
        .assert_error(400, "BLUM-400-004", Some("side"));
    sim.post(&orders, json!({ "symbol": "NOPE", "side": "buy", "type": "market", "time_in_force": "day", "quantity": "1" }))
        .await
        .assert_error(404, "BLUM-404-003", Some("symbol"));
    sim.post(&orders, json!({ "symbol": "AAPL", "side": "buy", "type": "market", "time_in_force": "day", "quantity": "1000" }))
        .await
        .assert_error(422, "BLUM-422-001", None);
    sim.post(&orders, json!({ "symbol": "AAPL", "side": "sell", "type": "market", "time_in_force": "day", "quantity": "1" }))
        .await
        .assert_error(422, "BLUM-422-004", Some("quantity"));

    // A market buy fills at once.
    let bought = sim
        .post_with_key(
            &orders,
            "ord-1",
            json!({ "symbol": "AAPL", "side": "buy", "type": "market", "time_in_force": "day", "quantity": "3" }),
        )
        .await;
    assert_eq!(bought.status, 201, "{}", bought.text);
    let order = &bought.body;
    assert!(is_prefixed_id(&order["id"], "ord"), "{order}");
    assert_eq!(order["object"], "order");
    assert_eq!(order["status"], "filled");
    assert_eq!(order["side"], "buy");
    assert_eq!(order["type"], "market");
    assert_eq!(
        dec(&order["filled_quantity"]),
        rust_decimal::Decimal::from(3)
    );
    let price = dec(&order["average_price"]);
    assert!(price > rust_decimal::Decimal::ZERO);

    // Wallet debited by exactly the buy transaction's amount.
    let buys = sim
        .get(&format!("/investors/{id}/transactions?type=buy"))
        .await;
    let txn = &buys.body["data"][0];
    assert_eq!(txn["type"], "buy");
    let cost = dec(&txn["amount"]);
    assert_eq!(cost, (price * rust_decimal::Decimal::from(3)).round_dp(2));
    let wallet = sim.wallet(&id).await;
    assert_eq!(
        dec(&wallet["balance"]),
        rust_decimal::Decimal::from(10_000) - cost
    );
    assert_eq!(
        dec(&wallet["reserved_balance"]),
        rust_decimal::Decimal::ZERO
    );

    // The position: quantity, cost basis and valuation math.
    let positions = sim.get(&format!("/investors/{id}/positions")).await;
    assert_eq!(positions.body["object"], "list");
    let position = &positions.body["data"][0];
    assert!(is_prefixed_id(&position["id"], "pos"), "{position}");
    assert_eq!(position["object"], "position");
    assert_eq!(position["symbol"], "AAPL");
    let quantity = dec(&position["quantity"]);
    assert_eq!(quantity, rust_decimal::Decimal::from(3));
    let avg = dec(&position["average_cost_basis"]);
    let total = dec(&position["total_cost_basis"]);
    let current = dec(&position["current_price"]);
    let value = dec(&position["market_value"]);
    let pl = dec(&position["unrealized_pl"]);
    assert_eq!(total, (quantity * avg).round_dp(2));
    assert_eq!(value, (quantity * current).round_dp(2));
    assert_eq!(pl, value - total);
    let pos_id = position["id"].as_str().unwrap();
    let one = sim
        .get(&format!("/investors/{id}/positions/{pos_id}"))
        .await;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["symbol"], "AAPL");

    // Sell one: position down, a sell transaction, cash back.
    let sold = sim
        .post(&orders, json!({ "symbol": "AAPL", "side": "sell", "type": "market", "time_in_force": "day", "quantity": "1" }))
        .await;
    assert_eq!(sold.status, 201, "{}", sold.text);
    assert_eq!(sold.body["status"], "filled");
    let sells = sim
        .get(&format!("/investors/{id}/transactions?type=sell"))
        .await;
    let proceeds = dec(&sells.body["data"][0]["amount"]);
    let wallet = sim.wallet(&id).await;
    assert_eq!(
        dec(&wallet["balance"]),
        rust_decimal::Decimal::from(10_000) - cost + proceeds
    );
    let positions = sim.get(&format!("/investors/{id}/positions")).await;
    assert_eq!(
        dec(&positions.body["data"][0]["quantity"]),
        rust_decimal::Decimal::from(2)
    );
    sim.post(&orders, json!({ "symbol": "AAPL", "side": "sell", "type": "market", "time_in_force": "day", "quantity": "2.5" }))
        .await
        .assert_error(422, "BLUM-422-004", Some("quantity"));

    let listed = sim.get(&format!("{orders}?status=filled")).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 2);
    let fetched = sim
        .get(&format!("{orders}/{}", order["id"].as_str().unwrap()))
        .await;
    assert_eq!(fetched.body["id"], order["id"]);
}

#[sqlx::test]
async fn a_resting_limit_holds_cash_until_cancelled(pool: PgPool) {
    let sim = start(pool).await;
    let id = sim.active_investor("limit@example.com").await;
    sim.funded_manually(&id, "1000.00").await;
    let orders = format!("/investors/{id}/orders");

    let placed = sim
        .post(&orders, json!({ "symbol": "AAPL", "side": "buy", "type": "limit", "time_in_force": "gtc", "quantity": "2", "limit_price": "1.00" }))
        .await;
    assert_eq!(placed.status, 201, "{}", placed.text);
    assert_eq!(placed.body["status"], "open");
    assert_eq!(
        dec(&placed.body["limit_price"]),
        rust_decimal::Decimal::new(100, 2)
    );
    let wallet = sim.wallet(&id).await;
    assert_eq!(wallet["reserved_balance"], "2.00");
    assert_eq!(wallet["available_balance"], "998.00");
    assert_eq!(wallet["balance"], "1000.00");
    let open = sim.get(&format!("{orders}?status=open")).await;
    assert_eq!(open.body["data"].as_array().unwrap().len(), 1);

    let order_id = placed.body["id"].as_str().unwrap();
    let cancelled = sim
        .post(&format!("{orders}/{order_id}/cancel"), json!({}))
        .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text);
    assert_eq!(cancelled.body["status"], "cancelled");
    let wallet = sim.wallet(&id).await;
    assert_eq!(wallet["reserved_balance"], "0.00");
    assert_eq!(wallet["available_balance"], "1000.00");
    sim.post(&format!("{orders}/{order_id}/cancel"), json!({}))
        .await
        .assert_error(409, "BLUM-409-003", None);

    // A limit above the market is marketable: it fills (at the ask, not above the limit).
    let quote = sim.get("/market-data/assets/AAPL/quote").await;
    let ask = quote.body["ask_price"].as_f64().unwrap();
    let limit = format!("{:.2}", ask * 1.5);
    let filled = sim
        .post(&orders, json!({ "symbol": "AAPL", "side": "buy", "type": "limit", "time_in_force": "day", "quantity": "1", "limit_price": limit }))
        .await;
    assert_eq!(filled.status, 201, "{}", filled.text);
    let done = sim
        .poll(
            &format!("{orders}/{}", filled.body["id"].as_str().unwrap()),
            |b| b["status"] == "filled",
        )
        .await;
    assert!(dec(&done["average_price"]) <= limit.parse().unwrap());
    let wallet = sim.wallet(&id).await;
    assert_eq!(wallet["reserved_balance"], "0.00");

    let estimate = sim
        .post(
            &format!("/investors/{id}/order-estimates"),
            json!({ "symbol": "AAPL", "side": "buy", "type": "market", "quantity": "1000" }),
        )
        .await;
    assert_eq!(estimate.status, 200, "{}", estimate.text);
    assert_eq!(estimate.body["object"], "order_estimate");
    assert!(dec(&estimate.body["total_estimated_value"]) > rust_decimal::Decimal::from(1000));
    assert!(!estimate.body["errors"].as_array().unwrap().is_empty());
}

#[sqlx::test]
async fn order_events_reach_a_wildcard_webhook(pool: PgPool) {
    use std::sync::{Arc, Mutex};

    let sim = start(pool).await;
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(
                |axum::extract::State(seen): axum::extract::State<Arc<Mutex<Vec<Value>>>>,
                 axum::Json(body): axum::Json<Value>| async move {
                    seen.lock().unwrap().push(body);
                    axum::http::StatusCode::NO_CONTENT
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let id = sim.active_investor("events@example.com").await;
    sim.funded_manually(&id, "5000.00").await;
    let hook = sim
        .post(
            "/webhooks",
            json!({ "name": "orders", "url": url, "eventTypeNames": ["order.*"] }),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let placed = sim
        .post(
            &format!("/investors/{id}/orders"),
            json!({ "symbol": "MSFT", "side": "buy", "type": "market", "time_in_force": "day", "quantity": "1" }),
        )
        .await;
    assert_eq!(placed.status, 201, "{}", placed.text);

    let mut events = Vec::new();
    for _ in 0..200 {
        events = received.lock().unwrap().clone();
        if events.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut names: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    // Only order events: the deposit and KYC events before did not match `order.*`.
    assert_eq!(names, ["order.accepted", "order.filled"]);
    let filled = events
        .iter()
        .find(|e| e["event"] == "order.filled")
        .unwrap();
    assert_eq!(filled["data"]["id"], placed.body["id"]);
    assert_eq!(filled["data"]["investor_id"], id.as_str());
    assert_eq!(filled["data"]["symbol"], "MSFT");
    assert_eq!(filled["data"]["status"], "filled");
    assert_eq!(filled["data"]["filled_quantity"], "1");
}

#[sqlx::test]
async fn markets_report_their_hours_and_nyse_mode_refuses_closed_market_orders(pool: PgPool) {
    let sim = start_with(
        pool,
        bluum_invest::bluum_sim::SimOptions {
            market_hours: bluum_invest::bluum_sim::MarketHours::Nyse,
            ..sim_support::fast_options()
        },
    )
    .await;
    let market = sim.get("/markets/XNYS").await;
    assert_eq!(market.status, 200, "{}", market.text);
    assert_eq!(market.body["object"], "market");
    assert_eq!(market.body["code"], "XNYS");
    assert_eq!(market.body["timezone"], "America/New_York");
    sim.get("/markets/XLON")
        .await
        .assert_error(404, "BLUM-404-001", None);
    let status = sim.get("/market-data/markets/nyse/status").await;
    assert_eq!(status.body["object"], "market_status");
    let open = status.body["is_open"].as_bool().unwrap();
    assert!(status.body["next_open"].is_string());

    let id = sim.active_investor("nyse@example.com").await;
    sim.funded_manually(&id, "5000.00").await;
    let reply = sim
        .post(
            &format!("/investors/{id}/orders"),
            json!({ "symbol": "AAPL", "side": "buy", "type": "market", "time_in_force": "day", "quantity": "1" }),
        )
        .await;
    // Whether the real NYSE is open right now decides the answer; both are checked.
    if open {
        assert_eq!(reply.status, 201, "{}", reply.text);
    } else {
        reply.assert_error(422, "BLUM-422-002", None);
        // A gtc order is queued for the next open instead.
        let queued = sim
            .post(
                &format!("/investors/{id}/orders"),
                json!({ "symbol": "AAPL", "side": "buy", "type": "market", "time_in_force": "gtc", "quantity": "1" }),
            )
            .await;
        assert_eq!(queued.status, 201, "{}", queued.text);
        assert_eq!(queued.body["status"], "pending");
    }
}
