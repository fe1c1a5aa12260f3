//! The simulator's market and trading surface over raw HTTP: assets, quotes, bars, orders,
//! positions.
#![cfg(feature = "ssr")]

mod sim_support;

use serde_json::{json, Value};
use sim_support::start;
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
