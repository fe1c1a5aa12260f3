//! Engine tests: every order type and time-in-force path, validation codes, and property
//! tests of the wallet/position invariants.

use super::*;
use proptest::prelude::*;
use time::macros::datetime;

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

fn always_open() -> Market {
    Market::new(42, MarketHours::AlwaysOpen)
}

fn nyse() -> Market {
    Market::new(42, MarketHours::Nyse)
}

/// Friday 2026-11-20, 10:00 New York.
const FRIDAY_OPEN: OffsetDateTime = datetime!(2026-11-20 15:00 UTC);
/// Saturday 2026-11-21, 10:00 New York.
const SATURDAY: OffsetDateTime = datetime!(2026-11-21 15:00 UTC);
/// Monday 2026-11-23 regular open.
const MONDAY_OPEN: OffsetDateTime = datetime!(2026-11-23 14:30 UTC);

struct Account {
    wallet: Wallet,
    positions: Positions,
}

impl Account {
    fn with_cash(cash: &str) -> Self {
        Self {
            wallet: Wallet::with_balance("USD", d(cash)),
            positions: Positions::default(),
        }
    }

    fn place(
        &mut self,
        market: &Market,
        req: &OrderRequest,
        now: OffsetDateTime,
    ) -> Result<Placed, SimApiError> {
        place(
            market,
            &mut self.wallet,
            &mut self.positions,
            req,
            "ord_test",
            now,
        )
    }

    fn eval(&mut self, market: &Market, order: &mut Order, now: OffsetDateTime) -> Vec<OrderEvent> {
        evaluate(market, &mut self.wallet, &mut self.positions, order, now)
    }

    fn held(&self, symbol: &str) -> Decimal {
        self.positions
            .get(symbol)
            .map_or(Decimal::ZERO, |p| p.quantity)
    }
}

fn req(symbol: &str, side: Side, ty: OrderType, tif: TimeInForce) -> OrderRequest {
    OrderRequest::new(symbol, side, ty, tif)
}

/// The first instant in `from + step·k` (k = 1..=n) whose quote satisfies `pred`.
fn first_time(
    market: &Market,
    symbol: &str,
    from: OffsetDateTime,
    step: i64,
    n: i64,
    pred: impl Fn(&Quote) -> bool,
) -> Option<(OffsetDateTime, Quote)> {
    (1..=n)
        .map(|k| from + Duration::seconds(step * k))
        .map(|t| (t, market.quote(symbol, t).expect("listed")))
        .find(|(_, q)| pred(q))
}

fn codes(err: &SimApiError) -> (ErrorCode, Option<&str>) {
    (err.code, err.param.as_deref())
}

// ---------------------------------------------------------------- market orders

#[test]
fn market_buy_fills_at_the_ask_and_debits_the_exact_cost() {
    let m = always_open();
    let mut acct = Account::with_cash("10000.00");
    let ask = m.quote("AAPL", FRIDAY_OPEN).expect("listed").ask_price;
    let placed = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("3"),
            FRIDAY_OPEN,
        )
        .expect("placed");
    let o = &placed.order;
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.average_price, Some(ask));
    assert_eq!(o.filled_quantity, d("3"));
    assert_eq!(o.remaining_quantity, Some(Decimal::ZERO));
    let kinds: Vec<_> = placed.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [OrderEventKind::Accepted, OrderEventKind::Filled]);
    assert_eq!(acct.wallet.balance, d("10000.00") - money(d("3") * ask));
    assert_eq!(acct.wallet.reserved_balance, Decimal::ZERO);
    assert!(acct.wallet.is_consistent());
    let p = acct.positions.get("AAPL").expect("position");
    assert_eq!((p.quantity, p.average_cost_basis), (d("3"), ask));
}

#[test]
fn market_sell_fills_at_the_bid_and_realises_pnl() {
    let m = always_open();
    let mut acct = Account::with_cash("10000.00");
    acct.place(
        &m,
        &req("MSFT", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("2"),
        FRIDAY_OPEN,
    )
    .expect("bought");
    let later = FRIDAY_OPEN + Duration::hours(3);
    let bid = m.quote("MSFT", later).expect("listed").bid_price;
    let cash_before = acct.wallet.balance;
    let avg = acct.positions.get("MSFT").expect("held").average_cost_basis;
    let sold = acct
        .place(
            &m,
            &req("MSFT", Side::Sell, OrderType::Market, TimeInForce::Gtc).quantity("1.5"),
            later,
        )
        .expect("sold")
        .order;
    assert_eq!(sold.status, OrderStatus::Filled);
    assert_eq!(sold.fills[0].price, bid);
    assert_eq!(acct.wallet.balance, cash_before + money(d("1.5") * bid));
    let p = acct.positions.get("MSFT").expect("held");
    assert_eq!(p.quantity, d("0.5"));
    assert_eq!(p.average_cost_basis, avg, "sells keep the average cost");
    assert_eq!(p.realized_pl, money(d("1.5") * (bid - avg)));
}

#[test]
fn notional_buy_rounds_quantity_down_and_returns_the_change() {
    let m = always_open();
    let mut acct = Account::with_cash("500.00");
    let ask = m.quote("NVDA", FRIDAY_OPEN).expect("listed").ask_price;
    let o = acct
        .place(
            &m,
            &req("NVDA", Side::Buy, OrderType::Market, TimeInForce::Day).notional("100.00"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    let qty = quantity_down(d("100") / ask);
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.quantity, None);
    assert_eq!(o.notional, Some(d("100.00")));
    assert_eq!(o.filled_quantity, qty);
    assert!(qty.scale() <= 9);
    let cost = money(qty * ask);
    assert!(cost <= d("100.00"));
    assert_eq!(acct.wallet.balance, d("500.00") - cost);
    assert_eq!(acct.wallet.available_balance, acct.wallet.balance);
}

// ---------------------------------------------------------------- resting orders

#[test]
fn limit_buy_rests_then_fills_at_the_ask_once_it_crosses() {
    let m = always_open();
    let mut acct = Account::with_cash("5000.00");
    let start = m.quote("AAPL", FRIDAY_OPEN).expect("listed");
    // A limit a little under today's ask, reached later in the walk.
    let (hit_at, hit) = {
        let floor = (1..=360)
            .map(|k| {
                m.quote("AAPL", FRIDAY_OPEN + Duration::minutes(k))
                    .expect("listed")
                    .ask_price
            })
            .min()
            .expect("prices");
        assert!(floor < start.ask_price, "walk never dips in 6 hours");
        let limit = floor;
        first_time(&m, "AAPL", FRIDAY_OPEN, 60, 360, |q| q.ask_price <= limit).expect("crosses")
    };
    let limit = hit.ask_price;
    let mut o = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Gtc)
                .quantity("2")
                .limit_price(&limit.to_string()),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    assert_eq!(o.status, OrderStatus::Open);
    assert_eq!(acct.wallet.reserved_balance, money_up(d("2") * limit));
    let mut t = FRIDAY_OPEN;
    while t < hit_at {
        t += Duration::minutes(1);
        acct.eval(&m, &mut o, t);
        if t < hit_at {
            assert_eq!(o.status, OrderStatus::Open, "filled early at {t}");
        }
    }
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.fills[0].price, hit.ask_price);
    assert!(o.fills[0].price <= limit);
    assert_eq!(acct.wallet.reserved_balance, Decimal::ZERO);
    assert_eq!(
        acct.wallet.balance,
        d("5000.00") - money(d("2") * hit.ask_price)
    );
}

#[test]
fn limit_sell_fills_at_the_bid_when_it_reaches_the_limit() {
    let m = always_open();
    let mut acct = Account::with_cash("5000.00");
    acct.place(
        &m,
        &req("KO", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("10"),
        FRIDAY_OPEN,
    )
    .expect("bought");
    let ceiling = (1..=360)
        .map(|k| {
            m.quote("KO", FRIDAY_OPEN + Duration::minutes(k))
                .expect("listed")
                .bid_price
        })
        .max()
        .expect("prices");
    let (hit_at, hit) =
        first_time(&m, "KO", FRIDAY_OPEN, 60, 360, |q| q.bid_price >= ceiling).expect("reaches");
    let mut o = acct
        .place(
            &m,
            &req("KO", Side::Sell, OrderType::Limit, TimeInForce::Day)
                .quantity("10")
                .limit_price(&ceiling.to_string()),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    assert_eq!(
        acct.positions.get("KO").expect("held").reserved_quantity,
        d("10")
    );
    for k in 1..=360 {
        let t = FRIDAY_OPEN + Duration::minutes(k);
        acct.eval(&m, &mut o, t);
        if t == hit_at {
            break;
        }
    }
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.filled_at, Some(hit_at));
    assert_eq!(o.fills[0].price, hit.bid_price);
    assert_eq!(acct.held("KO"), Decimal::ZERO);
}

#[test]
fn stop_sell_triggers_on_the_last_price_and_fills_at_the_bid() {
    let m = always_open();
    let mut acct = Account::with_cash("5000.00");
    acct.place(
        &m,
        &req("PFE", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("20"),
        FRIDAY_OPEN,
    )
    .expect("bought");
    let low = (1..=360)
        .map(|k| {
            m.price_at("PFE", FRIDAY_OPEN + Duration::minutes(k))
                .expect("listed")
        })
        .min()
        .expect("prices");
    let (hit_at, hit) =
        first_time(&m, "PFE", FRIDAY_OPEN, 60, 360, |q| q.price <= low).expect("falls");
    let mut o = acct
        .place(
            &m,
            &req("PFE", Side::Sell, OrderType::Stop, TimeInForce::Gtc)
                .quantity("20")
                .stop_price(&low.to_string()),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    assert_eq!(o.status, OrderStatus::Open);
    let mut events = Vec::new();
    for k in 1..=360 {
        let t = FRIDAY_OPEN + Duration::minutes(k);
        events.extend(acct.eval(&m, &mut o, t));
        if t == hit_at {
            break;
        }
    }
    assert_eq!(o.triggered_at, Some(hit_at));
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.fills[0].price, hit.bid_price);
    let kinds: Vec<_> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [OrderEventKind::Triggered, OrderEventKind::Filled]);
}

#[test]
fn stop_limit_becomes_a_limit_after_the_trigger() {
    let m = always_open();
    let mut acct = Account::with_cash("100000.00");
    let now = FRIDAY_OPEN;
    let price = m.price_at("AMD", now).expect("listed");
    // Buy stop already crossed (stop below the price) with a limit far below: triggers but
    // does not fill.
    let resting = acct
        .place(
            &m,
            &req("AMD", Side::Buy, OrderType::StopLimit, TimeInForce::Day)
                .quantity("1")
                .stop_price(&(price - d("1")).to_string())
                .limit_price("1.00"),
            now,
        )
        .expect("placed")
        .order;
    assert_eq!(resting.status, OrderStatus::Open);
    assert_eq!(resting.triggered_at, Some(now));
    assert_eq!(resting.hold_amount, d("1.00"));
    // Same, with a marketable limit: fills at the ask.
    let ask = m.quote("AMD", now).expect("listed").ask_price;
    let filled = acct
        .place(
            &m,
            &req("AMD", Side::Buy, OrderType::StopLimit, TimeInForce::Day)
                .quantity("1")
                .stop_price(&(price - d("1")).to_string())
                .limit_price(&(ask + d("5")).to_string()),
            now,
        )
        .expect("placed")
        .order;
    assert_eq!(filled.status, OrderStatus::Filled);
    assert_eq!(filled.fills[0].price, ask);
    // A stop above the price does not trigger.
    let waiting = acct
        .place(
            &m,
            &req("AMD", Side::Buy, OrderType::StopLimit, TimeInForce::Gtc)
                .quantity("1")
                .stop_price(&(price * d("2")).round_dp(2).to_string())
                .limit_price(&(price * d("3")).round_dp(2).to_string()),
            now,
        )
        .expect("placed")
        .order;
    assert_eq!(waiting.triggered_at, None);
    assert_eq!(waiting.status, OrderStatus::Open);
}

#[test]
fn trailing_stop_sell_tracks_the_high_water_mark() {
    let m = always_open();
    let mut acct = Account::with_cash("5000.00");
    acct.place(
        &m,
        &req("INTC", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("10"),
        FRIDAY_OPEN,
    )
    .expect("bought");
    let mut o = acct
        .place(
            &m,
            &req(
                "INTC",
                Side::Sell,
                OrderType::TrailingStop,
                TimeInForce::Gtc,
            )
            .quantity("10")
            .trail_percent("0.5"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    let mut high = m.price_at("INTC", FRIDAY_OPEN).expect("listed");
    assert_eq!(o.watermark, Some(high));
    assert_eq!(o.stop_price, Some(money(high * d("0.995"))));
    let mut triggered = false;
    for k in 1..=2_000 {
        let t = FRIDAY_OPEN + Duration::seconds(10 * k);
        let price = m.price_at("INTC", t).expect("listed");
        high = high.max(price);
        let stop = money(high * d("0.995"));
        acct.eval(&m, &mut o, t);
        assert_eq!(o.watermark, Some(high));
        assert_eq!(o.stop_price, Some(stop));
        if price <= stop {
            assert_eq!(o.triggered_at, Some(t));
            assert_eq!(o.status, OrderStatus::Filled);
            assert_eq!(
                o.fills[0].price,
                m.quote("INTC", t).expect("listed").bid_price
            );
            triggered = true;
            break;
        }
        assert_eq!(o.status, OrderStatus::Open);
    }
    assert!(triggered, "a 0.5% trail triggers within 5.5 hours");
}

#[test]
fn trailing_stop_buy_tracks_the_low_water_mark() {
    let m = always_open();
    let mut acct = Account::with_cash("5000.00");
    let mut o = acct
        .place(
            &m,
            &req("T", Side::Buy, OrderType::TrailingStop, TimeInForce::Gtc)
                .quantity("5")
                .trail_price("0.10"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    let mut low = m.price_at("T", FRIDAY_OPEN).expect("listed");
    assert_eq!(o.stop_price, Some(low + d("0.10")));
    for k in 1..=2_000 {
        let t = FRIDAY_OPEN + Duration::seconds(10 * k);
        let price = m.price_at("T", t).expect("listed");
        low = low.min(price);
        acct.eval(&m, &mut o, t);
        if price >= low + d("0.10") {
            assert_eq!(o.status, OrderStatus::Filled);
            break;
        }
        assert_eq!(o.stop_price, Some(low + d("0.10")));
    }
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(acct.held("T"), d("5"));
    assert!(acct.wallet.is_consistent());
    assert_eq!(acct.wallet.reserved_balance, Decimal::ZERO);
}

#[test]
fn large_limit_orders_fill_partially_once_per_second() {
    let m = always_open();
    let mut acct = Account::with_cash("10000000.00");
    let q = m.quote("PFE", FRIDAY_OPEN).expect("listed");
    let qty = q.ask_size * d("3");
    let mut o = acct
        .place(
            &m,
            &req("PFE", Side::Buy, OrderType::Limit, TimeInForce::Gtc)
                .quantity(&qty.to_string())
                .limit_price(&(q.ask_price + d("2")).to_string()),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    assert_eq!(o.status, OrderStatus::Partial);
    assert_eq!(o.filled_quantity, q.ask_size);
    // Same second: the displayed size is used up.
    assert!(acct.eval(&m, &mut o, FRIDAY_OPEN).is_empty());
    let mut t = FRIDAY_OPEN;
    while o.status == OrderStatus::Partial {
        t += Duration::SECOND;
        let events = acct.eval(&m, &mut o, t);
        assert!(!events.is_empty());
        assert!(t < FRIDAY_OPEN + Duration::minutes(1));
    }
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.fills.iter().map(|f| f.quantity).sum::<Decimal>(), qty);
    let spent: Decimal = o.fills.iter().map(|f| f.amount).sum();
    assert_eq!(acct.wallet.balance, d("10000000.00") - spent);
    assert_eq!(acct.wallet.reserved_balance, Decimal::ZERO);
    assert_eq!(acct.held("PFE"), qty);
}

// ---------------------------------------------------------------- time in force

#[test]
fn ioc_fills_what_it_can_and_cancels_the_rest() {
    let m = always_open();
    let mut acct = Account::with_cash("10000000.00");
    let q = m.quote("PFE", FRIDAY_OPEN).expect("listed");
    let qty = q.ask_size * d("2");
    let placed = acct
        .place(
            &m,
            &req("PFE", Side::Buy, OrderType::Limit, TimeInForce::Ioc)
                .quantity(&qty.to_string())
                .limit_price(&(q.ask_price + d("1")).to_string()),
            FRIDAY_OPEN,
        )
        .expect("placed");
    let o = placed.order;
    assert_eq!(o.status, OrderStatus::Cancelled);
    assert_eq!(o.filled_quantity, q.ask_size);
    assert_eq!(
        o.failure_reason.as_deref(),
        Some("ioc: unfilled quantity cancelled")
    );
    assert_eq!(acct.wallet.reserved_balance, Decimal::ZERO);
    assert_eq!(acct.wallet.balance, d("10000000.00") - o.fills[0].amount);
    let kinds: Vec<_> = placed.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            OrderEventKind::Accepted,
            OrderEventKind::PartiallyFilled,
            OrderEventKind::Cancelled
        ]
    );
    // Not marketable: nothing fills, everything is cancelled.
    let o = acct
        .place(
            &m,
            &req("PFE", Side::Buy, OrderType::Limit, TimeInForce::Ioc)
                .quantity("1")
                .limit_price("1.00"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    assert_eq!(
        (o.status, o.filled_quantity),
        (OrderStatus::Cancelled, Decimal::ZERO)
    );
}

#[test]
fn fok_fills_completely_or_not_at_all() {
    let m = always_open();
    let mut acct = Account::with_cash("10000000.00");
    let q = m.quote("PFE", FRIDAY_OPEN).expect("listed");
    let limit = (q.ask_price + d("1")).to_string();
    let too_big = acct
        .place(
            &m,
            &req("PFE", Side::Buy, OrderType::Limit, TimeInForce::Fok)
                .quantity(&(q.ask_size + d("1")).to_string())
                .limit_price(&limit),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    assert_eq!(too_big.status, OrderStatus::Cancelled);
    assert!(too_big.fills.is_empty());
    assert_eq!(acct.wallet.available_balance, d("10000000.00"));
    let next = FRIDAY_OPEN + Duration::SECOND;
    let size = m.quote("PFE", next).expect("listed").ask_size;
    let fits = acct
        .place(
            &m,
            &req("PFE", Side::Buy, OrderType::Limit, TimeInForce::Fok)
                .quantity(&size.to_string())
                .limit_price(&limit),
            next,
        )
        .expect("placed")
        .order;
    assert_eq!(fits.status, OrderStatus::Filled);
}

#[test]
fn day_orders_expire_at_the_close_and_release_their_hold() {
    let m = nyse();
    let mut acct = Account::with_cash("1000.00");
    let mut o = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Day)
                .quantity("1")
                .limit_price("10.00"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    let close = datetime!(2026-11-20 21:00 UTC);
    assert_eq!(o.expires_at, Some(close));
    assert_eq!(acct.wallet.reserved_balance, d("10.00"));
    assert!(acct.eval(&m, &mut o, close - Duration::SECOND).is_empty());
    let events = acct.eval(&m, &mut o, close + Duration::minutes(5));
    assert_eq!(events[0].kind, OrderEventKind::Expired);
    assert_eq!(events[0].at, close);
    assert_eq!(o.status, OrderStatus::Cancelled);
    assert_eq!(o.cancelled_at, Some(close));
    assert!(o
        .failure_reason
        .as_deref()
        .is_some_and(|r| r.contains("expired")));
    assert_eq!(acct.wallet.available_balance, d("1000.00"));
    // Always-open mode: day orders end at New York midnight.
    let o = Account::with_cash("100.00")
        .place(
            &always_open(),
            &req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Day)
                .quantity("1")
                .limit_price("10.00"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    assert_eq!(o.expires_at, Some(datetime!(2026-11-21 05:00 UTC)));
}

#[test]
fn gtc_orders_rest_through_nights_and_weekends() {
    let m = nyse();
    let mut acct = Account::with_cash("1000.00");
    let mut o = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Gtc)
                .quantity("1")
                .limit_price("10.00"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    assert_eq!(o.expires_at, None);
    for t in [SATURDAY, MONDAY_OPEN, MONDAY_OPEN + Duration::days(30)] {
        acct.eval(&m, &mut o, t);
        assert_eq!(o.status, OrderStatus::Open);
    }
    assert_eq!(acct.wallet.reserved_balance, d("10.00"));
}

// ---------------------------------------------------------------- market hours

#[test]
fn closed_market_rejects_immediate_orders_and_queues_the_rest() {
    let m = nyse();
    let mut acct = Account::with_cash("10000.00");
    for r in [
        req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("1"),
        req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Ioc).quantity("1"),
        req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Fok)
            .quantity("1")
            .limit_price("500"),
    ] {
        let err = acct.place(&m, &r, SATURDAY).expect_err("closed");
        assert_eq!(codes(&err), (ErrorCode::MarketClosed, None));
        assert_eq!(err.status(), 422);
    }
    assert_eq!(acct.wallet.available_balance, d("10000.00"));

    let mut o = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Gtc).quantity("2"),
            SATURDAY,
        )
        .expect("queued")
        .order;
    assert_eq!(o.status, OrderStatus::Pending);
    assert_eq!(o.activates_at, Some(MONDAY_OPEN));
    assert!(
        acct.wallet.reserved_balance > Decimal::ZERO,
        "queued buys hold cash"
    );
    assert!(acct
        .eval(&m, &mut o, SATURDAY + Duration::hours(20))
        .is_empty());
    assert_eq!(o.status, OrderStatus::Pending);
    // Evaluated later on Monday, it fills at the opening ask.
    acct.eval(&m, &mut o, MONDAY_OPEN + Duration::minutes(7));
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.submitted_at, Some(MONDAY_OPEN));
    assert_eq!(o.fills[0].at, MONDAY_OPEN);
    assert_eq!(
        o.fills[0].price,
        m.quote("AAPL", MONDAY_OPEN).expect("listed").ask_price
    );
    assert_eq!(acct.wallet.reserved_balance, Decimal::ZERO);
    assert_eq!(acct.wallet.balance, d("10000.00") - o.fills[0].amount);

    // A day limit placed on Saturday works Monday and expires at Monday's close.
    let day = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Day)
                .quantity("1")
                .limit_price("10"),
            SATURDAY,
        )
        .expect("queued")
        .order;
    assert_eq!(day.status, OrderStatus::Pending);
    assert_eq!(day.expires_at, Some(datetime!(2026-11-23 21:00 UTC)));
}

#[test]
fn extended_hours_limits_trade_pre_market() {
    let m = nyse();
    let mut acct = Account::with_cash("10000.00");
    let pre_market = datetime!(2026-11-20 12:00 UTC); // 07:00 New York
    let ask = m.quote("AAPL", pre_market).expect("listed").ask_price;
    let o = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Day)
                .quantity("1")
                .limit_price(&(ask + d("1")).to_string())
                .extended_hours(true),
            pre_market,
        )
        .expect("placed")
        .order;
    assert_eq!(o.status, OrderStatus::Filled);
    assert_eq!(o.expires_at, Some(datetime!(2026-11-21 01:00 UTC)));
    // Without extended_hours the same order waits for the open.
    let o = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Day)
                .quantity("1")
                .limit_price(&(ask + d("1")).to_string()),
            pre_market,
        )
        .expect("placed")
        .order;
    assert_eq!(o.status, OrderStatus::Pending);
    assert_eq!(o.activates_at, Some(datetime!(2026-11-20 14:30 UTC)));
}

#[test]
fn opg_and_cls_execute_at_the_open_and_the_close() {
    let m = nyse();
    let mut acct = Account::with_cash("10000.00");
    let mut opg = acct
        .place(
            &m,
            &req("SPY", Side::Buy, OrderType::Market, TimeInForce::Opg).quantity("1"),
            FRIDAY_OPEN,
        )
        .expect("queued")
        .order;
    assert_eq!(opg.status, OrderStatus::Pending);
    assert_eq!(opg.activates_at, Some(MONDAY_OPEN));
    acct.eval(&m, &mut opg, MONDAY_OPEN + Duration::hours(1));
    assert_eq!(
        opg.fills[0].price,
        m.quote("SPY", MONDAY_OPEN).expect("listed").ask_price
    );

    let close = datetime!(2026-11-20 21:00 UTC);
    // After Monday's opg fill, sell at Monday's close.
    let monday_close = datetime!(2026-11-23 21:00 UTC);
    let later = MONDAY_OPEN + Duration::hours(2);
    let mut cls = acct
        .place(
            &m,
            &req("SPY", Side::Sell, OrderType::Market, TimeInForce::Cls).quantity("1"),
            later,
        )
        .expect("queued")
        .order;
    assert_eq!(
        (cls.status, cls.activates_at),
        (OrderStatus::Pending, Some(monday_close))
    );
    assert!(acct
        .eval(&m, &mut cls, monday_close - Duration::SECOND)
        .is_empty());
    acct.eval(&m, &mut cls, monday_close + Duration::minutes(10));
    assert_eq!(cls.status, OrderStatus::Filled);
    let closing = m
        .quote("SPY", monday_close - Duration::SECOND)
        .expect("listed");
    assert_eq!(cls.fills[0].price, closing.bid_price);
    // A cls limit that is not marketable at the close is cancelled, its hold released.
    let mut unfilled = acct
        .place(
            &m,
            &req("SPY", Side::Buy, OrderType::Limit, TimeInForce::Cls)
                .quantity("1")
                .limit_price("1.00"),
            FRIDAY_OPEN,
        )
        .expect("queued")
        .order;
    assert_eq!(unfilled.activates_at, Some(close));
    acct.eval(&m, &mut unfilled, close);
    assert_eq!(unfilled.status, OrderStatus::Cancelled);
    assert_eq!(
        unfilled.failure_reason.as_deref(),
        Some("cls: not filled at the close")
    );
    assert_eq!(acct.wallet.reserved_balance, Decimal::ZERO);
}

// ---------------------------------------------------------------- validation against state

#[test]
fn asset_and_state_validation_codes() {
    let m = always_open();
    let mut acct = Account::with_cash("100.00");
    let cases: Vec<(OrderRequest, ErrorCode, Option<&str>)> = vec![
        (
            req("ZZZZ", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("1"),
            ErrorCode::AssetNotFound,
            Some("symbol"),
        ),
        (
            req("TWTR", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("1"),
            ErrorCode::AssetNotTradable,
            Some("symbol"),
        ),
        (
            req("TSM", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("0.5"),
            ErrorCode::InvalidQuantity,
            Some("quantity"),
        ),
        (
            req("TSM", Side::Buy, OrderType::Market, TimeInForce::Day).notional("50"),
            ErrorCode::Validation,
            Some("notional"),
        ),
        (
            req("MSFT", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("1"),
            ErrorCode::InsufficientFunds,
            None,
        ),
        (
            req("MSFT", Side::Buy, OrderType::Limit, TimeInForce::Gtc)
                .quantity("1")
                .limit_price("100.01"),
            ErrorCode::InsufficientFunds,
            None,
        ),
        (
            req("MSFT", Side::Sell, OrderType::Market, TimeInForce::Day).quantity("1"),
            ErrorCode::PositionInsufficient,
            Some("quantity"),
        ),
    ];
    for (r, code, param) in cases {
        let err = acct.place(&m, &r, FRIDAY_OPEN).expect_err("rejected");
        assert_eq!(codes(&err), (code, param), "{r:?}");
    }
    assert_eq!(
        acct.wallet,
        Wallet::with_balance("USD", d("100.00")),
        "rejections change nothing"
    );
    // Exactly affordable limit is accepted.
    acct.place(
        &m,
        &req("MSFT", Side::Buy, OrderType::Limit, TimeInForce::Gtc)
            .quantity("1")
            .limit_price("100.00"),
        FRIDAY_OPEN,
    )
    .expect("affordable");
    assert_eq!(acct.wallet.available_balance, Decimal::ZERO);
}

#[test]
fn open_sells_reserve_shares() {
    let m = always_open();
    let mut acct = Account::with_cash("10000.00");
    acct.place(
        &m,
        &req("KO", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("10"),
        FRIDAY_OPEN,
    )
    .expect("bought");
    let mut resting = acct
        .place(
            &m,
            &req("KO", Side::Sell, OrderType::Limit, TimeInForce::Gtc)
                .quantity("8")
                .limit_price("500"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    let err = acct
        .place(
            &m,
            &req("KO", Side::Sell, OrderType::Market, TimeInForce::Day).quantity("3"),
            FRIDAY_OPEN,
        )
        .expect_err("only 2 free");
    assert_eq!(
        codes(&err),
        (ErrorCode::PositionInsufficient, Some("quantity"))
    );
    acct.place(
        &m,
        &req("KO", Side::Sell, OrderType::Market, TimeInForce::Day).quantity("2"),
        FRIDAY_OPEN,
    )
    .expect("2 free");
    cancel(
        &mut acct.wallet,
        &mut acct.positions,
        &mut resting,
        FRIDAY_OPEN,
    )
    .expect("cancelled");
    assert_eq!(acct.positions.available_quantity("KO"), d("8"));
}

#[test]
fn cancel_releases_the_hold_and_refuses_terminal_orders() {
    let m = always_open();
    let mut acct = Account::with_cash("1000.00");
    let before = acct.wallet.clone();
    let placed = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Gtc)
                .quantity("2")
                .limit_price("150.00"),
            FRIDAY_OPEN,
        )
        .expect("placed");
    let mut o = placed.order;
    assert_eq!(acct.wallet.reserved_balance, d("300.00"));
    let ev = cancel(&mut acct.wallet, &mut acct.positions, &mut o, FRIDAY_OPEN).expect("cancelled");
    assert_eq!(ev.kind.webhook_event(), Some("order.canceled"));
    assert_eq!(o.status, OrderStatus::Cancelled);
    assert_eq!(acct.wallet, before);
    let err =
        cancel(&mut acct.wallet, &mut acct.positions, &mut o, FRIDAY_OPEN).expect_err("already");
    assert_eq!(codes(&err), (ErrorCode::StateConflict, None));
    assert_eq!(err.status(), 409);
    let mut filled = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("1"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    let err = cancel(
        &mut acct.wallet,
        &mut acct.positions,
        &mut filled,
        FRIDAY_OPEN,
    )
    .expect_err("filled");
    assert_eq!(err.code, ErrorCode::StateConflict);
    assert!(err.message.contains("filled"));
}

#[test]
fn engine_state_round_trips_through_json() {
    let m = always_open();
    let mut acct = Account::with_cash("1000.00");
    let o = acct
        .place(
            &m,
            &req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("1"),
            FRIDAY_OPEN,
        )
        .expect("placed")
        .order;
    let json = serde_json::to_value(&o).expect("json");
    assert_eq!(json["type"], "market");
    assert_eq!(json["status"], "filled");
    assert_eq!(json["class"], "equity");
    assert_eq!(json["quantity"], "1");
    let back: Order = serde_json::from_value(json).expect("decodes");
    assert_eq!(back, o);
    let positions: Positions =
        serde_json::from_str(&serde_json::to_string(&acct.positions).expect("json"))
            .expect("decodes");
    assert_eq!(positions, acct.positions);
}

#[test]
fn estimate_is_a_dry_run_with_the_same_rules() {
    let m = always_open();
    let acct = Account::with_cash("1000.00");
    let q = m.quote("AAPL", FRIDAY_OPEN).expect("listed");
    let e = estimate(
        &m,
        &acct.wallet,
        &acct.positions,
        &req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("2"),
        FRIDAY_OPEN,
    )
    .expect("estimated");
    assert_eq!(e.estimated_price, q.ask_price);
    assert_eq!(e.total_estimated_value, money(d("2") * q.ask_price));
    assert!(e.errors.is_empty());
    let too_much = estimate(
        &m,
        &acct.wallet,
        &acct.positions,
        &req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("100"),
        FRIDAY_OPEN,
    )
    .expect("estimated");
    assert_eq!(too_much.errors.len(), 1);
    assert!(too_much.errors[0].contains("insufficient funds"));
    let notional = estimate(
        &m,
        &acct.wallet,
        &acct.positions,
        &req("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).notional("50"),
        FRIDAY_OPEN,
    )
    .expect("estimated");
    assert_eq!(
        notional.estimated_quantity,
        quantity_down(d("50") / q.ask_price)
    );
    let err = estimate(
        &m,
        &acct.wallet,
        &acct.positions,
        &req("AAPL", Side::Buy, OrderType::Stop, TimeInForce::Day)
            .quantity("1")
            .stop_price("1"),
        FRIDAY_OPEN,
    )
    .expect_err("only market and limit");
    assert_eq!(codes(&err), (ErrorCode::InvalidEnum, Some("type")));
    assert_eq!(acct.wallet, Wallet::with_balance("USD", d("1000.00")));
}

#[test]
fn equity_is_cash_plus_market_value() {
    let m = always_open();
    let mut acct = Account::with_cash("10000.00");
    acct.place(
        &m,
        &req("SPY", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("3"),
        FRIDAY_OPEN,
    )
    .expect("bought");
    let later = FRIDAY_OPEN + Duration::hours(2);
    let price = m.price_at("SPY", later).expect("listed");
    let values = valuations(&m, &acct.positions, later);
    assert_eq!(values.len(), 1);
    assert_eq!(values[0].1.market_value, money(d("3") * price));
    assert_eq!(
        equity(&m, &acct.wallet, &acct.positions, later),
        acct.wallet.balance + money(d("3") * price)
    );
}

// ---------------------------------------------------------------- properties

#[derive(Clone, Debug)]
enum Op {
    Place {
        symbol: usize,
        sell: bool,
        kind: u8,
        tif: u8,
        quantity_hundredths: u32,
        limit_offset_bp: i32,
    },
    Cancel(usize),
    Advance(i64),
}

const SYMBOLS: [&str; 4] = ["AAPL", "PFE", "SPY", "TSM"];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        // Small orders, and large ones that exceed the displayed size (partial fills).
        4 => (0..SYMBOLS.len(), any::<bool>(), 0u8..5, 0u8..6, prop_oneof![1u32..5_000, 100_000u32..300_000], -300i32..300).prop_map(
            |(symbol, sell, kind, tif, quantity_hundredths, limit_offset_bp)| Op::Place {
                symbol, sell, kind, tif, quantity_hundredths, limit_offset_bp
            }
        ),
        1 => (0usize..64).prop_map(Op::Cancel),
        3 => (1i64..20_000).prop_map(Op::Advance),
    ]
}

fn request_for(market: &Market, op: &Op, now: OffsetDateTime) -> Option<OrderRequest> {
    let Op::Place {
        symbol,
        sell,
        kind,
        tif,
        quantity_hundredths,
        limit_offset_bp,
    } = *op
    else {
        return None;
    };
    let symbol = SYMBOLS[symbol];
    let price = market.price_at(symbol, now).ok()?;
    let side = if sell { Side::Sell } else { Side::Buy };
    let ty = [
        OrderType::Market,
        OrderType::Limit,
        OrderType::Stop,
        OrderType::StopLimit,
        OrderType::TrailingStop,
    ][usize::from(kind)];
    let stop_like = matches!(
        ty,
        OrderType::Stop | OrderType::StopLimit | OrderType::TrailingStop
    );
    let tifs = if stop_like {
        &[TimeInForce::Day, TimeInForce::Gtc][..]
    } else {
        &[
            TimeInForce::Day,
            TimeInForce::Gtc,
            TimeInForce::Ioc,
            TimeInForce::Fok,
            TimeInForce::Opg,
            TimeInForce::Cls,
        ][..]
    };
    let tif = tifs[usize::from(tif) % tifs.len()];
    let away = money(price * (Decimal::ONE + Decimal::new(i64::from(limit_offset_bp), 4)));
    let mut r = OrderRequest::new(symbol, side, ty, tif)
        .quantity(&Decimal::new(i64::from(quantity_hundredths), 2).to_string());
    match ty {
        OrderType::Limit => r = r.limit_price(&away.to_string()),
        OrderType::Stop => r = r.stop_price(&away.to_string()),
        OrderType::StopLimit => {
            r = r
                .stop_price(&away.to_string())
                .limit_price(&price.to_string())
        }
        OrderType::TrailingStop => r = r.trail_percent("0.3"),
        OrderType::Market => {}
    }
    Some(r)
}

/// Checks every invariant of the account against the orders' fills.
fn check_invariants(
    start: Decimal,
    wallet: &Wallet,
    positions: &Positions,
    orders: &[Order],
) -> Result<(), TestCaseError> {
    prop_assert!(
        wallet.is_consistent(),
        "balance = available + reserved, none negative: {wallet:?}"
    );
    let held_for_orders: Decimal = orders.iter().map(|o| o.hold_amount).sum();
    prop_assert_eq!(wallet.reserved_balance, held_for_orders);
    for o in orders.iter().filter(|o| o.status.is_terminal()) {
        prop_assert_eq!(
            o.hold_amount,
            Decimal::ZERO,
            "terminal order keeps a hold: {:?}",
            o
        );
    }
    let mut cash = start;
    for o in orders {
        for f in &o.fills {
            match o.side {
                Side::Buy => cash -= f.amount,
                Side::Sell => cash += f.amount,
            }
        }
    }
    prop_assert_eq!(wallet.balance, cash, "cash conservation");
    for symbol in SYMBOLS {
        let filled: Decimal = orders
            .iter()
            .filter(|o| o.symbol == symbol)
            .flat_map(|o| {
                o.fills.iter().map(move |f| {
                    if o.side == Side::Buy {
                        f.quantity
                    } else {
                        -f.quantity
                    }
                })
            })
            .sum();
        let position = positions.get(symbol);
        prop_assert_eq!(
            position.map_or(Decimal::ZERO, |p| p.quantity),
            filled,
            "position = buys − sells"
        );
        prop_assert!(filled >= Decimal::ZERO);
        let promised: Decimal = orders
            .iter()
            .filter(|o| o.symbol == symbol && o.side == Side::Sell && !o.status.is_terminal())
            .map(|o| o.remaining_quantity.unwrap_or_default())
            .sum();
        prop_assert_eq!(
            position.map_or(Decimal::ZERO, |p| p.reserved_quantity),
            promised
        );
        prop_assert!(promised <= filled);
    }
    Ok(())
}

fn run_ops(seed: u64, hours: MarketHours, ops: &[Op]) -> Result<(), TestCaseError> {
    let market = Market::new(seed, hours);
    let start = d("2000000.00");
    let mut wallet = Wallet::with_balance("USD", start);
    let mut positions = Positions::default();
    let mut orders: Vec<Order> = Vec::new();
    let mut now = datetime!(2026-11-19 14:00 UTC);
    for (i, op) in ops.iter().enumerate() {
        match op {
            Op::Advance(secs) => {
                now += Duration::seconds(*secs);
                tick(&market, &mut wallet, &mut positions, &mut orders, now);
            }
            Op::Cancel(k) => {
                let len = orders.len().max(1);
                if let Some(o) = orders.get_mut(k % len) {
                    let was_terminal = o.status.is_terminal();
                    let result = cancel(&mut wallet, &mut positions, o, now);
                    prop_assert_eq!(result.is_ok(), !was_terminal);
                }
            }
            Op::Place { .. } => {
                let Some(r) = request_for(&market, op, now) else {
                    continue;
                };
                let before = (wallet.clone(), positions.clone());
                match place(
                    &market,
                    &mut wallet,
                    &mut positions,
                    &r,
                    format!("ord_{i}"),
                    now,
                ) {
                    Ok(placed) => orders.push(placed.order),
                    Err(err) => {
                        prop_assert!(err.status() == 400 || err.status() == 422, "{err:?}");
                        prop_assert_eq!(
                            &(wallet.clone(), positions.clone()),
                            &before,
                            "a rejection changes nothing"
                        );
                    }
                }
            }
        }
        check_invariants(start, &wallet, &positions, &orders)?;
    }
    // Cancelling everything that still works releases every hold and share.
    for o in orders.iter_mut().filter(|o| !o.status.is_terminal()) {
        cancel(&mut wallet, &mut positions, o, now)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    check_invariants(start, &wallet, &positions, &orders)?;
    prop_assert_eq!(wallet.reserved_balance, Decimal::ZERO);
    prop_assert_eq!(wallet.available_balance, wallet.balance);
    for p in positions.by_symbol.values() {
        prop_assert_eq!(p.reserved_quantity, Decimal::ZERO);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn wallet_and_position_invariants_hold_always_open(seed in any::<u64>(), ops in proptest::collection::vec(op(), 1..60)) {
        run_ops(seed, MarketHours::AlwaysOpen, &ops)?;
    }

    #[test]
    fn wallet_and_position_invariants_hold_nyse(seed in any::<u64>(), ops in proptest::collection::vec(op(), 1..60)) {
        run_ops(seed, MarketHours::Nyse, &ops)?;
    }

    #[test]
    fn cancelling_an_unfilled_order_restores_available_cash(
        seed in any::<u64>(),
        qty in 1u32..2_000,
        limit_bp in 1i32..5_000,
        kind in 0u8..3,
        offset_minutes in 0i64..20_000,
    ) {
        let market = Market::new(seed, MarketHours::Nyse);
        let now = datetime!(2026-11-16 14:00 UTC) + Duration::minutes(offset_minutes);
        let price = market.price_at("AAPL", now).expect("listed");
        let below = money(price * (Decimal::ONE - Decimal::new(i64::from(limit_bp), 5)));
        let r = match kind {
            0 => OrderRequest::new("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Gtc).limit_price(&below.to_string()),
            1 => OrderRequest::new("AAPL", Side::Buy, OrderType::Stop, TimeInForce::Gtc)
                .stop_price(&money(price * d("1.5")).to_string()),
            _ => OrderRequest::new("AAPL", Side::Buy, OrderType::TrailingStop, TimeInForce::Gtc).trail_percent("2"),
        }
        .quantity(&Decimal::new(i64::from(qty), 3).to_string());
        let mut wallet = Wallet::with_balance("USD", d("1000000.00"));
        let mut positions = Positions::default();
        let before = wallet.clone();
        let mut o = place(&market, &mut wallet, &mut positions, &r, "ord_p", now).expect("placed").order;
        prop_assert!(matches!(o.status, OrderStatus::Open | OrderStatus::Pending), "{:?}", o.status);
        prop_assert!(wallet.reserved_balance > Decimal::ZERO);
        cancel(&mut wallet, &mut positions, &mut o, now).expect("cancellable");
        prop_assert_eq!(wallet, before);
    }
}
