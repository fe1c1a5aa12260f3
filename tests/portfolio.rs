//! The portfolio over HTTP against real Postgres and the in-process simulator: its figures
//! against a hand computation from the fills, after a partial sale too; its history recorded
//! after fills and when the page is read; and one investor's portfolio never another's.
#![cfg(feature = "ssr")]

mod common;
mod sim_support;

use std::str::FromStr;
use std::time::Duration;

use common::accounts::call_json;
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

/// Places a market order for `shares` of `symbol` and waits for its fill: the filled order.
async fn market(
    app: &TestApp,
    client: &reqwest::Client,
    side: &str,
    symbol: &str,
    shares: &str,
) -> Value {
    let fields = [
        ("symbol", symbol),
        ("side", side),
        ("order_type", "market"),
        ("amount", shares),
    ];
    let (status, review) = call_json(app, client, "trade/review", &fields).await;
    assert_eq!(status, 200, "{review}");
    let key = review["idempotency_key"].as_str().unwrap().to_owned();
    let mut form = fields.to_vec();
    form.push(("idempotency_key", &key));
    let (status, order) = call_json(app, client, "trade/place", &form).await;
    assert_eq!(status, 200, "{order}");
    let id = order["id"].as_str().unwrap().to_owned();
    for _ in 0..100 {
        let (_, o) = call_json(app, client, "trade/order", &[("id", &id)]).await;
        if o["state"] == "Filled" {
            return o;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("order {id} never filled");
}

async fn portfolio(app: &TestApp, client: &reqwest::Client, sort: &str) -> Value {
    let (status, p) = call_json(app, client, "portfolio/get", &[("sort", sort)]).await;
    assert_eq!(status, 200, "{p}");
    p
}

fn row<'a>(p: &'a Value, symbol: &str) -> &'a Value {
    p["positions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["symbol"] == symbol)
        .unwrap_or_else(|| panic!("no {symbol} in {p}"))
}

/// Checks one row against figures worked out by hand from `shares`, `cost_per_share` and the
/// row's own price.
fn check_row(r: &Value, shares: Decimal, cost_per_share: Decimal) {
    let price = dec(&r["price"]);
    let market_value = (shares * price).round_dp(2);
    let cost = (shares * cost_per_share).round_dp(2);
    assert_eq!(dec(&r["quantity"]), shares, "{r}");
    assert_eq!(dec(&r["average_cost"]), cost_per_share, "{r}");
    assert_eq!(dec(&r["market_value"]), market_value, "{r}");
    assert_eq!(dec(&r["cost"]), cost, "{r}");
    assert_eq!(dec(&r["unrealized_pl"]), market_value - cost, "{r}");
    assert_eq!(
        dec(&r["unrealized_pl_percent"]),
        ((market_value - cost) * Decimal::from(100) / cost).round_dp(2),
        "{r}"
    );
}

#[sqlx::test]
async fn the_figures_match_a_hand_computation_from_the_fills(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (client, _) = trader(&app, &pool, "figures@example.com", "5000").await;
    let aapl = market(&app, &client, "buy", "AAPL", "10").await;
    let msft = market(&app, &client, "buy", "MSFT", "3").await;
    let aapl_price = dec(&aapl["average_price"]);
    let msft_price = dec(&msft["average_price"]);

    let p = portfolio(&app, &client, "symbol").await;
    let symbols: Vec<&str> = p["positions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["symbol"].as_str().unwrap())
        .collect();
    assert_eq!(symbols, ["AAPL", "MSFT"], "sorted by symbol");
    check_row(row(&p, "AAPL"), Decimal::from(10), aapl_price);
    check_row(row(&p, "MSFT"), Decimal::from(3), msft_price);

    // Cash is what was deposited less what the fills cost; the totals add up.
    let spent =
        (Decimal::from(10) * aapl_price).round_dp(2) + (Decimal::from(3) * msft_price).round_dp(2);
    let s = &p["summary"];
    assert_eq!(dec(&s["cash"]), Decimal::from(5000) - spent);
    let invested = dec(&row(&p, "AAPL")["market_value"]) + dec(&row(&p, "MSFT")["market_value"]);
    assert_eq!(dec(&s["invested"]), invested);
    assert_eq!(dec(&s["total_value"]), invested + dec(&s["cash"]));
    assert_eq!(dec(&s["unrealized_pl"]), invested - spent);
    let weights = dec(&row(&p, "AAPL")["weight"]) + dec(&row(&p, "MSFT")["weight"]);
    assert!(
        (weights - Decimal::from(100)).abs() <= Decimal::new(1, 1),
        "{weights}"
    );

    // A partial sale leaves the rest at the same average cost.
    market(&app, &client, "sell", "AAPL", "4").await;
    let p = portfolio(&app, &client, "value").await;
    check_row(row(&p, "AAPL"), Decimal::from(6), aapl_price);
}

#[sqlx::test]
async fn history_is_recorded_after_fills_and_page_reads_and_stays_with_its_investor(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (ada, ada_investor) = trader(&app, &pool, "ada@example.com", "1000").await;
    let (eve, eve_investor) = trader(&app, &pool, "eve@example.com", "0").await;
    let count = |investor: String| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM portfolio_snapshots WHERE investor_id = $1",
            )
            .bind(investor)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let before = count(ada_investor.clone()).await;

    // Bluum's order.filled webhook records the portfolio's new value.
    market(&app, &ada, "buy", "AAPL", "1").await;
    let mut after_fill = before;
    for _ in 0..100 {
        after_fill = count(ada_investor.clone()).await;
        if after_fill > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(after_fill > before, "a snapshot after the fill");

    // Reading the page records at most one more within a few minutes.
    let first = portfolio(&app, &ada, "").await;
    let read_once = count(ada_investor.clone()).await;
    portfolio(&app, &ada, "").await;
    assert_eq!(count(ada_investor.clone()).await, read_once);
    assert!(
        first["chart"]["path"].as_str().unwrap().starts_with('M'),
        "{first}"
    );

    // Eve's portfolio is hers: no positions, her own cash, her own history.
    let theirs = portfolio(&app, &eve, "").await;
    assert_eq!(theirs["positions"].as_array().unwrap().len(), 0, "{theirs}");
    assert_eq!(dec(&theirs["summary"]["total_value"]), Decimal::ZERO);
    let ada_rows = count(ada_investor).await;
    assert!(count(eve_investor).await <= 1);
    assert!(ada_rows >= 2);
}

#[sqlx::test]
async fn activity_lists_money_and_trades_signed_and_filtered(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (ada, _) = trader(&app, &pool, "ada@example.com", "1000").await;
    let (eve, _) = trader(&app, &pool, "eve@example.com", "0").await;
    let bought = market(&app, &ada, "buy", "AAPL", "2").await;
    let cost = (Decimal::from(2) * dec(&bought["average_price"])).round_dp(2);

    let (status, feed) = call_json(&app, &ada, "activity/list", &[]).await;
    assert_eq!(status, 200, "{feed}");
    let items = feed["items"].as_array().unwrap();
    let of = |kind: &str| {
        items
            .iter()
            .find(|i| i["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind}: {feed}"))
    };
    assert_eq!(
        dec(&of("Deposit")["amount"]),
        Decimal::from(1000),
        "money in is positive"
    );
    assert_eq!(dec(&of("Buy")["amount"]), -cost, "money out is negative");

    let (_, buys) = call_json(&app, &ada, "activity/list", &[("kind", "buy")]).await;
    assert!(
        buys["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["kind"] == "Buy"),
        "{buys}"
    );
    let (status, _) = call_json(&app, &ada, "activity/list", &[("kind", "nonsense")]).await;
    assert_eq!(status, 404);

    let (_, theirs) = call_json(&app, &eve, "activity/list", &[]).await;
    assert_eq!(theirs["items"].as_array().unwrap().len(), 0, "{theirs}");
}

#[sqlx::test]
async fn the_dashboard_names_the_next_step_until_the_first_trade(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let step = |client: reqwest::Client| {
        let app = &app;
        async move {
            let (status, d) = call_json(app, &client, "dashboard/get", &[]).await;
            assert_eq!(status, 200, "{d}");
            d["next_step"].clone()
        }
    };
    let newcomer = app.new_client();
    common::accounts::sign_up(&app, &newcomer, "new@example.com").await;
    assert_eq!(step(newcomer).await, "OpenAccount");

    let body = sim_support::investor_body("steps@example.com", "Hopper");
    let no_bank = common::investors::investor_client(&app, &pool, "steps@example.com", &body).await;
    // While Bluum reviews the application, the step is to follow it.
    let reviewed = |client: reqwest::Client| {
        let step = &step;
        async move {
            let mut next = step(client.clone()).await;
            for _ in 0..100 {
                if next != "FinishApplication" {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                next = step(client.clone()).await;
            }
            next
        }
    };
    assert_eq!(reviewed(no_bank).await, "LinkBank");

    // (With nothing to deposit, the helper does not wait for the review either.)
    let (no_money, _) = trader(&app, &pool, "nomoney@example.com", "0").await;
    assert_eq!(reviewed(no_money).await, "Deposit");
    let (funded, _) = trader(&app, &pool, "funded@example.com", "100").await;
    assert_eq!(step(funded.clone()).await, "FirstTrade");
    market(&app, &funded, "buy", "AAPL", "0.1").await;
    assert_eq!(step(funded).await, Value::Null);

    let (status, _) = call_json(&app, &app.new_client(), "dashboard/get", &[]).await;
    assert_eq!(status, 401, "signed out");
}

#[sqlx::test]
async fn the_asset_page_shows_the_price_history_the_days_change_and_only_its_users_position(
    pool: PgPool,
) {
    use bluum_invest::bluum::models::assets::{BarsQuery, Timeframe};
    let app = spawn_app(pool.clone()).await;
    let (ada, _) = trader(&app, &pool, "asset-ada@example.com", "5000").await;
    let (eve, _) = trader(&app, &pool, "asset-eve@example.com", "0").await;
    let fill = market(&app, &ada, "buy", "AAPL", "4").await;
    let cost = dec(&fill["average_price"]);

    let page = |client: reqwest::Client, range: &'static str| {
        let app = &app;
        async move {
            let (status, p) = call_json(
                app,
                &client,
                "trade/asset",
                &[("symbol", "aapl"), ("range", range)],
            )
            .await;
            assert_eq!(status, 200, "{p}");
            p
        }
    };

    // The day's change is measured from the close before the latest session, as Bluum's own
    // daily bars give it (or the asset's previous close, when Bluum sends one).
    let asset = app.bluum.get_asset("AAPL", None).await.unwrap();
    let mut daily = BarsQuery::new(Timeframe::OneDay);
    daily.start = Some(time::OffsetDateTime::now_utc() - time::Duration::days(10));
    let bars = app.bluum.get_bars("AAPL", &daily).await.unwrap().bars;
    let previous = asset.previous_close.unwrap_or(bars[bars.len() - 2].close);

    for range in ["1d", "1w", "1m", "1y"] {
        let p = page(ada.clone(), range).await;
        assert_eq!(p["ticket"]["symbol"], "AAPL");
        let price = dec(&p["ticket"]["facts"]["price"]);
        let chart = &p["chart"];
        assert!(
            chart["path"].as_str().is_some_and(|d| d.starts_with('M')),
            "{range}: {p}"
        );
        assert!(
            dec(&chart["min"]) <= price && price <= dec(&chart["max"]),
            "{range}: {p}"
        );
        let change = dec(&p["day_change"]["amount"]);
        assert_eq!(change, price - previous, "{range}");
        assert_eq!(
            dec(&p["day_change"]["percent"]),
            ((price - previous) * Decimal::from(100) / previous).round_dp(2)
        );
        let year = &p["year_range"];
        assert!(dec(&year["low"]) <= dec(&year["high"]), "{p}");

        // Ada's position, priced at the page's price: 4 shares bought at the fill's price.
        let position = &p["position"];
        assert_eq!(dec(&position["quantity"]), Decimal::from(4), "{p}");
        assert_eq!(dec(&position["average_cost"]), cost);
        let value = (Decimal::from(4) * price).round_dp(2);
        assert_eq!(dec(&position["market_value"]), value);
        assert_eq!(
            dec(&position["unrealized_pl"]),
            value - (Decimal::from(4) * cost).round_dp(2)
        );
    }
    assert_eq!(page(ada.clone(), "1y").await["range"], "Year");
    assert_eq!(page(ada, "nonsense").await["range"], "Month");

    // Eve sees the same asset and no position of Ada's.
    let p = page(eve, "1m").await;
    assert_eq!(p["position"], Value::Null, "{p}");

    let (status, _) = call_json(
        &app,
        &app.new_client(),
        "trade/asset",
        &[("symbol", "AAPL")],
    )
    .await;
    assert_eq!(status, 401, "signed out");
    let (ada2, _) = trader(&app, &pool, "asset-ada2@example.com", "0").await;
    let (status, _) = call_json(&app, &ada2, "trade/asset", &[("symbol", "../x")]).await;
    assert_eq!(status, 404, "a symbol that cannot be");
}
