//! The order engine (pure, deterministic, no IO): validates and places orders, works them
//! against the simulated market, and keeps the wallet and positions in step. The
//! simulator's HTTP layer owns persistence and calls these functions for
//! `POST /investors/{id}/orders`, `POST …/orders/{order_id}/cancel`, and on its ticker
//! (fact sheet §2.4, §2.8, §2.9, §5).
//!
//! # API
//! - [`place`]`(market, wallet, positions, request, id, now) -> Result<Placed, SimApiError>`:
//!   validates, reserves cash/shares, and works the order at once when it can.
//! - [`evaluate`]`(market, wallet, positions, order, now) -> Vec<OrderEvent>`: one step of a
//!   working order at `now` (activation, expiry, triggers, fills). Call it for every
//!   non-terminal order on each tick; [`tick`] does that over a slice, oldest first.
//! - [`cancel`]`(wallet, positions, order, now) -> Result<OrderEvent, SimApiError>`.
//! - [`estimate`] (order estimates, a dry run of [`place`]), [`valuations`] and [`equity`]
//!   (positions and wallet equity at market prices).
//! - [`OrderEvent`]s carry fills (for `buy`/`sell` transactions) and map to webhook names
//!   ([`OrderEventKind::webhook_event`]).
//!
//! All state is plain serialisable structs ([`Wallet`], [`Positions`], [`Order`]); the
//! caller supplies order ids and the clock, so the same inputs always give the same outputs.
//!
//! ```
//! use bluum_invest::bluum_sim::engine::{self, OrderRequest, OrderStatus, OrderType, Positions, Side, TimeInForce, Wallet};
//! use bluum_invest::bluum_sim::market::{Market, MarketHours};
//! use rust_decimal::Decimal;
//! use time::macros::datetime;
//!
//! # fn main() -> Result<(), bluum_invest::bluum_sim::error::SimApiError> {
//! let market = Market::new(42, MarketHours::AlwaysOpen);
//! let mut wallet = Wallet::with_balance("USD", Decimal::from(10_000));
//! let mut positions = Positions::default();
//! let now = datetime!(2026-11-20 15:00 UTC);
//!
//! let buy = OrderRequest::new("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("2");
//! let placed = engine::place(&market, &mut wallet, &mut positions, &buy, "ord_1", now)?;
//! assert_eq!(placed.order.status, OrderStatus::Filled);
//! assert_eq!(positions.available_quantity("AAPL"), Decimal::from(2));
//!
//! // A far-away limit rests, holds cash, and releases it on cancel.
//! let limit = OrderRequest::new("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Gtc)
//!     .quantity("1")
//!     .limit_price("1.00");
//! let mut orders = vec![engine::place(&market, &mut wallet, &mut positions, &limit, "ord_2", now)?.order];
//! assert_eq!(orders[0].status, OrderStatus::Open);
//! assert_eq!(wallet.reserved_balance, Decimal::new(100, 2));
//!
//! // The simulator's ticker: evaluate every working order at the current time.
//! let events = engine::tick(&market, &mut wallet, &mut positions, &mut orders, now);
//! assert!(events.is_empty()); // the limit is far below the market
//! engine::cancel(&mut wallet, &mut positions, &mut orders[0], now)?;
//! assert_eq!(wallet.reserved_balance, Decimal::ZERO);
//! # Ok(())
//! # }
//! ```
//!
//! # Rules
//! **Fill prices.** Buys execute at the ask, sells at the bid ([`crate::bluum_sim::market::prices`]).
//! A marketable limit fills at the ask/bid, which is at least as good as the limit. Market
//! orders (and triggered stops/trailing stops) fill completely at once. Limit orders (and
//! triggered stop_limits) fill at most the displayed size (`ask_size`/`bid_size`) per second
//! and per order (orders do not compete for liquidity), so large limits go `partial` over
//! several ticks. Triggers compare the last price:
//! buy stops trigger when `price ≥ stop`, sell stops when `price ≤ stop`. Trailing stops
//! track the high-water mark (sell) or low-water mark (buy) from activation and set
//! `stop_price = mark ∓ trail` (`trail_price`, or `mark × trail_percent / 100`), rounded
//! half-even to cents. Commission is zero.
//!
//! **Time in force.** `day` expires at the regular close of the session it works in
//! (after-hours end for `extended_hours`; New York midnight in always-open mode) and is then
//! `cancelled` with a reason. `gtc` rests until filled or cancelled. `ioc` fills what it can
//! at once and cancels the rest; `fok` fills completely at once or cancels. `opg` and `cls`
//! are one-shot at the next regular open / the current session's close (NYSE mode), at the
//! opening price / the closing price; in always-open mode they act at once, like `ioc`.
//!
//! **Market closed (NYSE mode only).** An order placed when its session is not trading (the
//! regular session; extended hours too for `extended_hours` limits):
//! - `ioc` or `fok` (any type), or `market` + `day` → `BLUM-422-002` (Bluum: "use gtc or
//!   wait");
//! - anything else is accepted as `pending` and starts working at the next regular open
//!   (next pre-market open for `extended_hours`); queued market orders fill at the opening
//!   price; queued `day` orders expire at that session's close.
//!
//! While working orders are outside trading hours they are not evaluated.
//!
//! **Cash and shares.** A buy reserves a hold in the wallet when placed: `notional`; or
//! `quantity × limit_price` (limit, stop_limit); or `quantity × ask` for a market order
//! filling now; or `quantity × reference × 1.05` for orders filling later (queued market:
//! the ask; stop: `max(ask, stop)`; trailing: ask plus the trail), rounded up to cents.
//! More than `available_balance` → `BLUM-422-001`. Each fill captures its share of the hold
//! (all of it on the last fill) and returns the difference to available cash; if a fill
//! costs more than its share of the hold plus available cash, the order `failed`s
//! ("insufficient funds at execution") and its hold is released. A sell reserves its quantity
//! from the position; more than held minus open sells → `BLUM-422-004`. Cancel, expiry and
//! failure release whatever is still reserved. Notional buys buy
//! `quantity_down(notional / ask)` (9 decimals). Rounding rules: [`money`].

pub mod money;
pub mod order;
pub mod positions;
pub mod wallet;

pub use order::{
    Amount, Fill, Order, OrderRequest, OrderSpec, OrderStatus, OrderType, Side, TimeInForce, Trail,
};
pub use positions::{Position, Positions, Valuation};
pub use wallet::{Wallet, WalletError};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::bluum_sim::error::{ErrorCode, SimApiError};
use crate::bluum_sim::market::{AssetStatus, Market, MarketCalendar, MarketHours, Quote};
use money::{display_price, money, money_up, quantity_down};

/// Hold buffer for buys that fill later at an unknown price (5%).
const LATER_FILL_BUFFER: Decimal = Decimal::from_parts(105, 0, 0, false, 2);

/// What happened to an order.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OrderEventKind {
    Accepted,
    /// A stop, stop_limit or trailing_stop reached its stop price.
    Triggered,
    PartiallyFilled,
    Filled,
    /// Cancelled on request, or the unfilled part of an ioc/fok/opg/cls order.
    Cancelled,
    /// A `day` order reached its session close.
    Expired,
    Failed,
}

impl OrderEventKind {
    /// The webhook event name (Bluum still uses the old vocabulary there, fact sheet §4).
    pub fn webhook_event(self) -> Option<&'static str> {
        match self {
            Self::Accepted => Some("order.accepted"),
            Self::Triggered => None,
            Self::PartiallyFilled => Some("order.partially_filled"),
            Self::Filled => Some("order.filled"),
            Self::Cancelled | Self::Expired => Some("order.canceled"),
            Self::Failed => Some("order.rejected"),
        }
    }
}

/// An order state change, with the execution when it is a fill.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OrderEvent {
    pub order_id: String,
    pub kind: OrderEventKind,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub fill: Option<Fill>,
}

/// The result of [`place`]: the new order and what already happened to it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub order: Order,
    pub events: Vec<OrderEvent>,
}

/// Validates and places an order (see the module docs for every rule). On error nothing
/// changed; on success the wallet/position reservations are made and the order may already
/// be filled, resting (`open`), queued (`pending`) or cancelled (ioc/fok remainder).
pub fn place(
    market: &Market,
    wallet: &mut Wallet,
    positions: &mut Positions,
    request: &OrderRequest,
    id: impl Into<String>,
    now: OffsetDateTime,
) -> Result<Placed, SimApiError> {
    let spec = OrderSpec::parse(request)?;
    let asset = market.asset(&spec.symbol)?;
    if asset.status != AssetStatus::Active || !asset.tradable {
        return Err(SimApiError::with_param(
            ErrorCode::AssetNotTradable,
            "symbol",
            format!("{} is not tradable", asset.symbol),
        ));
    }
    if !asset.fractionable {
        if let Amount::Quantity(q) = spec.amount {
            if !q.fract().is_zero() {
                return Err(SimApiError::with_param(
                    ErrorCode::InvalidQuantity,
                    "quantity",
                    format!(
                        "{} is not fractionable: quantity must be a whole number",
                        asset.symbol
                    ),
                ));
            }
        } else {
            return Err(SimApiError::with_param(
                ErrorCode::Validation,
                "notional",
                format!(
                    "{} is not fractionable: notional orders are not allowed",
                    asset.symbol
                ),
            ));
        }
    }
    let calendar = market.calendar();
    let activates_at = activation(calendar, &spec, now)?;
    let quote = market.prices.quote(asset, now);

    let hold = match spec.side {
        Side::Buy => buy_hold(&spec, &quote, activates_at.is_none()),
        Side::Sell => Decimal::ZERO,
    };
    if hold > wallet.available_balance {
        return Err(SimApiError::new(
            ErrorCode::InsufficientFunds,
            format!(
                "insufficient funds: this order needs {hold} {} and {} is available",
                wallet.currency, wallet.available_balance
            ),
        ));
    }
    if spec.side == Side::Sell {
        positions.reserve(&asset.symbol, spec.quantity().unwrap_or_default())?;
    }
    wallet.reserve(hold)?;

    let expires_at = day_expiry(calendar, &spec, activates_at.unwrap_or(now));
    let (trail_percent, trail_price) = match spec.trail {
        Some(Trail::Percent(p)) => (Some(p), None),
        Some(Trail::Price(p)) => (None, Some(p)),
        None => (None, None),
    };
    let mut order = Order {
        id: id.into(),
        client_order_id: spec.client_order_id.clone(),
        symbol: asset.symbol.clone(),
        class: asset.class,
        currency: asset.currency.clone(),
        side: spec.side,
        order_type: spec.order_type,
        time_in_force: spec.time_in_force,
        quantity: spec.quantity(),
        notional: spec.notional(),
        limit_price: spec.limit_price,
        stop_price: spec.stop_price,
        trail_percent,
        trail_price,
        extended_hours: spec.extended_hours,
        status: OrderStatus::Pending,
        filled_quantity: Decimal::ZERO,
        remaining_quantity: spec.quantity(),
        average_price: None,
        commission: Decimal::ZERO,
        created_at: now,
        submitted_at: None,
        filled_at: None,
        cancelled_at: None,
        failed_at: None,
        failure_reason: None,
        fills: Vec::new(),
        activates_at,
        expires_at,
        triggered_at: None,
        watermark: None,
        hold_amount: hold,
        last_fill_second: None,
    };
    let mut events = vec![event(&order, OrderEventKind::Accepted, now, None)];
    if activates_at.is_none() {
        order.status = OrderStatus::Open;
        order.submitted_at = Some(now);
        events.extend(evaluate(market, wallet, positions, &mut order, now));
    }
    Ok(Placed { order, events })
}

/// Works an order one step at `now`: expiry, activation of queued orders, triggers, fills,
/// and the one-shot cancel of ioc/fok/opg/cls remainders. Terminal orders are untouched.
pub fn evaluate(
    market: &Market,
    wallet: &mut Wallet,
    positions: &mut Positions,
    order: &mut Order,
    now: OffsetDateTime,
) -> Vec<OrderEvent> {
    let mut events = Vec::new();
    if order.status.is_terminal() {
        return events;
    }
    if let Some(expiry) = order.expires_at {
        if now >= expiry {
            let reason = "day order expired at the session close";
            events.push(close(
                wallet,
                positions,
                order,
                expiry,
                OrderEventKind::Expired,
                Some(reason),
            ));
            return events;
        }
    }
    let calendar = market.calendar();
    let mut at = now;
    if order.status == OrderStatus::Pending {
        match order.activates_at {
            Some(start) if now >= start => {
                order.status = OrderStatus::Open;
                order.submitted_at = Some(start);
                // Auction-style orders execute at the activation instant's price.
                if order.order_type == OrderType::Market
                    || matches!(order.time_in_force, TimeInForce::Opg | TimeInForce::Cls)
                {
                    at = start;
                }
            }
            _ => return events,
        }
    }
    let Ok(asset) = market.asset(&order.symbol) else {
        events.push(fail(
            wallet,
            positions,
            order,
            at,
            "asset is no longer listed",
        ));
        return events;
    };
    let nyse = calendar.hours == MarketHours::Nyse;
    let at_close = nyse && order.time_in_force == TimeInForce::Cls;
    let trading = calendar.is_open(at) || (order.extended_hours && calendar.is_extended_open(at));
    if !at_close && !trading {
        return events;
    }
    // The closing auction prints the last regular-session price.
    let price_instant = if at_close { at - Duration::SECOND } else { at };
    let quote = market.prices.quote(asset, price_instant);

    if matches!(
        order.order_type,
        OrderType::Stop | OrderType::StopLimit | OrderType::TrailingStop
    ) && order.triggered_at.is_none()
    {
        if order.order_type == OrderType::TrailingStop {
            track_trail(order, quote.price);
        }
        let Some(stop) = order.stop_price else {
            events.push(fail(wallet, positions, order, at, "stop price missing"));
            return events;
        };
        let hit = match order.side {
            Side::Buy => quote.price >= stop,
            Side::Sell => quote.price <= stop,
        };
        if !hit {
            return events;
        }
        order.triggered_at = Some(at);
        events.push(event(order, OrderEventKind::Triggered, at, None));
    }

    let (touch, size) = match order.side {
        Side::Buy => (quote.ask_price, quote.ask_size),
        Side::Sell => (quote.bid_price, quote.bid_size),
    };
    let limit = match order.order_type {
        OrderType::Limit | OrderType::StopLimit => order.limit_price,
        _ => None,
    };
    match limit {
        None => {
            let quantity = match (order.remaining_quantity, order.notional) {
                (Some(q), _) => q,
                (None, Some(n)) => quantity_down(n / touch),
                (None, None) => Decimal::ZERO,
            };
            if quantity.is_zero() {
                events.push(fail(
                    wallet,
                    positions,
                    order,
                    at,
                    "notional too small to buy any quantity",
                ));
                return events;
            }
            events.push(execute(wallet, positions, order, quantity, touch, at));
        }
        Some(limit) => {
            let marketable = match order.side {
                Side::Buy => touch <= limit,
                Side::Sell => touch >= limit,
            };
            let second = price_instant.unix_timestamp();
            let remaining = order.remaining_quantity.unwrap_or_default();
            if marketable && order.last_fill_second != Some(second) && !remaining.is_zero() {
                let quantity = remaining.min(size);
                if order.time_in_force != TimeInForce::Fok || quantity == remaining {
                    order.last_fill_second = Some(second);
                    events.push(execute(wallet, positions, order, quantity, touch, at));
                }
            }
        }
    }

    if !order.status.is_terminal() {
        let reason = match order.time_in_force {
            TimeInForce::Ioc => Some("ioc: unfilled quantity cancelled"),
            TimeInForce::Fok => Some("fok: could not be filled in full at once"),
            TimeInForce::Opg => Some("opg: not filled at the open"),
            TimeInForce::Cls => Some("cls: not filled at the close"),
            TimeInForce::Day | TimeInForce::Gtc => None,
        };
        if let Some(reason) = reason {
            events.push(close(
                wallet,
                positions,
                order,
                at,
                OrderEventKind::Cancelled,
                Some(reason),
            ));
        }
    }
    events
}

/// [`evaluate`] for every order of a slice, in slice order (keep it oldest first so earlier
/// orders see cash and shares first). Returns all events.
pub fn tick(
    market: &Market,
    wallet: &mut Wallet,
    positions: &mut Positions,
    orders: &mut [Order],
    now: OffsetDateTime,
) -> Vec<OrderEvent> {
    orders
        .iter_mut()
        .filter(|o| !o.status.is_terminal())
        .flat_map(|o| evaluate(market, wallet, positions, o, now))
        .collect()
}

/// Cancels a working order (`pending`, `open`, `partial`) and releases its reservations;
/// `BLUM-409-003` for a filled, cancelled or failed order.
pub fn cancel(
    wallet: &mut Wallet,
    positions: &mut Positions,
    order: &mut Order,
    now: OffsetDateTime,
) -> Result<OrderEvent, SimApiError> {
    if order.status.is_terminal() {
        return Err(SimApiError::new(
            ErrorCode::StateConflict,
            format!(
                "order {} is {} and cannot be cancelled",
                order.id,
                order.status.as_str()
            ),
        ));
    }
    Ok(close(
        wallet,
        positions,
        order,
        now,
        OrderEventKind::Cancelled,
        None,
    ))
}

/// An indicative cost for `POST /investors/{id}/order-estimates` (fact sheet §2.8).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OrderEstimate {
    pub symbol: String,
    pub currency: String,
    /// Buys: the ask (or the limit when the ask is above it); sells: the bid (or the limit
    /// when the bid is below it).
    pub estimated_price: Decimal,
    pub estimated_quantity: Decimal,
    /// `money(estimated_quantity × estimated_price)`.
    pub total_estimated_value: Decimal,
    pub commission: Decimal,
    /// Why placing this order now would be refused (funds, shares, market hours…); empty when
    /// it would be accepted.
    pub errors: Vec<String>,
}

/// Estimates an order without changing anything. Malformed requests, types other than
/// market/limit, and unknown symbols are errors (as Bluum answers 4xx); business-rule
/// refusals that [`place`] would return are reported in [`OrderEstimate::errors`].
pub fn estimate(
    market: &Market,
    wallet: &Wallet,
    positions: &Positions,
    request: &OrderRequest,
    now: OffsetDateTime,
) -> Result<OrderEstimate, SimApiError> {
    let spec = OrderSpec::parse(request)?;
    if !matches!(spec.order_type, OrderType::Market | OrderType::Limit) {
        return Err(SimApiError::with_param(
            ErrorCode::InvalidEnum,
            "type",
            "type must be one of market, limit",
        ));
    }
    let asset = market.asset(&spec.symbol)?;
    let quote = market.prices.quote(asset, now);
    let estimated_price = match (spec.side, spec.limit_price) {
        (Side::Buy, Some(limit)) => quote.ask_price.min(limit),
        (Side::Buy, None) => quote.ask_price,
        (Side::Sell, Some(limit)) => quote.bid_price.max(limit),
        (Side::Sell, None) => quote.bid_price,
    };
    let estimated_quantity = match spec.amount {
        Amount::Quantity(q) => q,
        Amount::Notional(n) => quantity_down(n / estimated_price),
    };
    // Dry-run the real placement on copies so the estimate applies exactly the same rules.
    let errors = match place(
        market,
        &mut wallet.clone(),
        &mut positions.clone(),
        request,
        "estimate",
        now,
    ) {
        Ok(_) => Vec::new(),
        Err(err) => vec![err.message],
    };
    Ok(OrderEstimate {
        symbol: asset.symbol.clone(),
        currency: asset.currency.clone(),
        estimated_price,
        estimated_quantity,
        total_estimated_value: money(estimated_quantity * estimated_price),
        commission: Decimal::ZERO,
        errors,
    })
}

/// Every position valued at the market's last price at `at` (positions whose symbol left
/// the catalogue are valued at their average cost).
pub fn valuations(
    market: &Market,
    positions: &Positions,
    at: OffsetDateTime,
) -> Vec<(Position, Valuation)> {
    positions
        .by_symbol
        .values()
        .map(|p| {
            let price = market
                .price_at(&p.symbol, at)
                .unwrap_or(p.average_cost_basis);
            (p.clone(), p.valuation(price))
        })
        .collect()
}

/// Wallet `equity`: cash balance plus the market value of all positions.
pub fn equity(
    market: &Market,
    wallet: &Wallet,
    positions: &Positions,
    at: OffsetDateTime,
) -> Decimal {
    wallet.balance
        + valuations(market, positions, at)
            .iter()
            .map(|(_, v)| v.market_value)
            .sum::<Decimal>()
}

/// When the order starts working: `None` = now; `Some(t)` = queued until `t`.
fn activation(
    calendar: MarketCalendar,
    spec: &OrderSpec,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, SimApiError> {
    if calendar.hours == MarketHours::AlwaysOpen {
        return Ok(None);
    }
    let unavailable = || SimApiError::new(ErrorCode::Internal, "no upcoming market session found");
    match spec.time_in_force {
        TimeInForce::Opg => calendar.next_open(now).map(Some).ok_or_else(unavailable),
        TimeInForce::Cls => calendar
            .current_or_next_session(now)
            .map(|s| Some(s.close))
            .ok_or_else(unavailable),
        tif => {
            if calendar.is_open(now) || (spec.extended_hours && calendar.is_extended_open(now)) {
                return Ok(None);
            }
            if matches!(tif, TimeInForce::Ioc | TimeInForce::Fok)
                || (spec.order_type == OrderType::Market && tif == TimeInForce::Day)
            {
                let next = calendar
                    .next_open(now)
                    .and_then(|t| {
                        t.format(&time::format_description::well_known::Rfc3339)
                            .ok()
                    })
                    .unwrap_or_default();
                return Err(SimApiError::new(
                    ErrorCode::MarketClosed,
                    format!("market is closed (next open {next}); use time_in_force gtc or wait"),
                ));
            }
            let start = if spec.extended_hours {
                calendar.next_extended_open(now)
            } else {
                calendar.next_open(now)
            };
            start.map(Some).ok_or_else(unavailable)
        }
    }
}

/// The expiry instant of a `day` order working from `from`.
fn day_expiry(
    calendar: MarketCalendar,
    spec: &OrderSpec,
    from: OffsetDateTime,
) -> Option<OffsetDateTime> {
    if spec.time_in_force != TimeInForce::Day {
        return None;
    }
    if spec.extended_hours {
        calendar
            .current_or_next_extended_session(from)
            .map(|s| s.post_close)
    } else {
        calendar.current_or_next_session(from).map(|s| s.close)
    }
}

/// The cash a buy reserves when placed.
fn buy_hold(spec: &OrderSpec, quote: &Quote, fills_now: bool) -> Decimal {
    let quantity = match spec.amount {
        Amount::Notional(n) => return n,
        Amount::Quantity(q) => q,
    };
    let unit = match spec.order_type {
        OrderType::Limit | OrderType::StopLimit => spec.limit_price.unwrap_or(quote.ask_price),
        OrderType::Market if fills_now => quote.ask_price,
        OrderType::Market => quote.ask_price * LATER_FILL_BUFFER,
        OrderType::Stop => {
            quote.ask_price.max(spec.stop_price.unwrap_or_default()) * LATER_FILL_BUFFER
        }
        OrderType::TrailingStop => {
            let distance = match spec.trail {
                Some(Trail::Price(p)) => p,
                Some(Trail::Percent(p)) => quote.ask_price * p / Decimal::ONE_HUNDRED,
                None => Decimal::ZERO,
            };
            (quote.ask_price + distance) * LATER_FILL_BUFFER
        }
    };
    money_up(quantity * unit)
}

/// Moves a trailing stop's watermark and stop price with the last price.
fn track_trail(order: &mut Order, price: Decimal) {
    let mark = match (order.side, order.watermark) {
        (Side::Sell, Some(w)) => w.max(price),
        (Side::Buy, Some(w)) => w.min(price),
        (_, None) => price,
    };
    order.watermark = Some(mark);
    let distance = match (order.trail_price, order.trail_percent) {
        (Some(p), _) => p,
        (None, Some(pct)) => mark * pct / Decimal::ONE_HUNDRED,
        (None, None) => Decimal::ZERO,
    };
    order.stop_price = Some(money(match order.side {
        Side::Sell => (mark - distance).max(Decimal::ZERO),
        Side::Buy => mark + distance,
    }));
}

/// Executes `quantity` at `price`: moves cash and shares, records the fill.
fn execute(
    wallet: &mut Wallet,
    positions: &mut Positions,
    order: &mut Order,
    quantity: Decimal,
    price: Decimal,
    at: OffsetDateTime,
) -> OrderEvent {
    let amount = money(quantity * price);
    let remaining = order.remaining_quantity;
    let completes = remaining.is_none_or(|r| quantity >= r);
    match order.side {
        Side::Buy => {
            let share = match remaining {
                Some(r) if !completes && !r.is_zero() => {
                    money(order.hold_amount * quantity / r).min(order.hold_amount)
                }
                _ => order.hold_amount,
            };
            if amount > share + wallet.available_balance {
                return fail(
                    wallet,
                    positions,
                    order,
                    at,
                    "insufficient funds at execution",
                );
            }
            // Cannot fail: `share ≤ hold_amount ≤ reserved`, and the check above.
            let moved = wallet
                .release(share)
                .and_then(|()| wallet.debit_available(amount));
            if moved.is_err() {
                return fail(wallet, positions, order, at, "wallet hold inconsistent");
            }
            order.hold_amount -= share;
            positions.apply_buy(&order.symbol, quantity, price, at);
        }
        Side::Sell => {
            positions.apply_sell(&order.symbol, quantity, price, at);
            // Crediting a non-negative amount cannot fail.
            let _ = wallet.credit(amount);
        }
    }
    let fill = Fill {
        quantity,
        price,
        amount,
        at,
    };
    order.fills.push(fill.clone());
    order.filled_quantity += quantity;
    order.remaining_quantity = Some(remaining.map_or(Decimal::ZERO, |r| r - quantity));
    let value: Decimal = order.fills.iter().map(|f| f.quantity * f.price).sum();
    order.average_price = Some(display_price(value / order.filled_quantity));
    let kind = if completes {
        order.status = OrderStatus::Filled;
        order.filled_at = Some(at);
        OrderEventKind::Filled
    } else {
        order.status = OrderStatus::Partial;
        OrderEventKind::PartiallyFilled
    };
    event(order, kind, at, Some(fill))
}

/// Ends a working order as cancelled (on request, expiry or one-shot remainder) and releases
/// what it still reserves.
fn close(
    wallet: &mut Wallet,
    positions: &mut Positions,
    order: &mut Order,
    at: OffsetDateTime,
    kind: OrderEventKind,
    reason: Option<&str>,
) -> OrderEvent {
    release_reservations(wallet, positions, order);
    order.status = OrderStatus::Cancelled;
    order.cancelled_at = Some(at);
    order.failure_reason = reason.map(str::to_owned);
    event(order, kind, at, None)
}

fn fail(
    wallet: &mut Wallet,
    positions: &mut Positions,
    order: &mut Order,
    at: OffsetDateTime,
    reason: &str,
) -> OrderEvent {
    release_reservations(wallet, positions, order);
    order.status = OrderStatus::Failed;
    order.failed_at = Some(at);
    order.failure_reason = Some(reason.to_owned());
    event(order, OrderEventKind::Failed, at, None)
}

fn release_reservations(wallet: &mut Wallet, positions: &mut Positions, order: &mut Order) {
    if !order.hold_amount.is_zero() {
        // The hold is part of `reserved_balance` by construction; a failure here would mean
        // the wallet was edited behind the engine's back, and keeping the hold is the safe side.
        if wallet.release(order.hold_amount).is_ok() {
            order.hold_amount = Decimal::ZERO;
        }
    }
    if order.side == Side::Sell {
        positions.release(&order.symbol, order.unfilled_quantity());
    }
}

fn event(
    order: &Order,
    kind: OrderEventKind,
    at: OffsetDateTime,
    fill: Option<Fill>,
) -> OrderEvent {
    OrderEvent {
        order_id: order.id.clone(),
        kind,
        at,
        fill,
    }
}

#[cfg(test)]
mod tests;
