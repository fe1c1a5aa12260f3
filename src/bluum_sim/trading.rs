//! Orders and positions over HTTP (fact sheet §2.8, §2.9), on top of the pure order engine
//! ([`super::engine`]): `POST/GET /investors/{id}/orders`, `GET …/orders/{order_id}`,
//! `POST …/orders/{order_id}/cancel`, `POST …/order-estimates`, `GET …/positions`,
//! `GET …/positions/{position_id}`.
//!
//! This module owns what the engine leaves to its caller: the investor must be `active`
//! (`403 BLUM-403-002`), ids and the clock, persistence, a `buy`/`sell` transaction per
//! fill, and the `order.*` webhooks. The engine's rules (fill prices, holds, time in force,
//! market hours) are documented there. Open orders are re-evaluated on every ticker pass
//! ([`advance`]), oldest first per investor.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::api::{self, fail, respond, ApiResult, Fields, Page};
use super::engine::{self, OrderEvent, OrderRequest, Positions, Side};
use super::ids;
use super::market::Market;
use super::state::{Sim, World};
use super::store::Record;
use super::wallets::{self, Movement};

/// An order as the simulator stores it: the engine's order plus envelope fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order {
    pub investor_id: String,
    pub created: i64,
    #[serde(default)]
    pub metadata: Map<String, Value>,
    pub order: engine::Order,
}

impl Record for Order {
    const KIND: &'static str = "order";
    fn id(&self) -> &str {
        &self.order.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

/// The id and creation time a position keeps while its quantity moves.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PositionMeta {
    pub id: String,
    pub created: i64,
}

/// All positions of one investor: the engine's book plus the public ids.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Position {
    pub id: String,
    pub investor_id: String,
    pub book: Positions,
    pub meta: BTreeMap<String, PositionMeta>,
}

impl Record for Position {
    const KIND: &'static str = "position_book";
    fn id(&self) -> &str {
        &self.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

/// The investor's position book, or a new empty one (made at `now`).
pub(crate) fn book_of(world: &World, investor_id: &str, now: OffsetDateTime) -> Position {
    world
        .positions
        .values()
        .find(|b| b.investor_id == investor_id)
        .cloned()
        .unwrap_or_else(|| Position {
            id: ids::new_id_at("pbk", now),
            investor_id: investor_id.to_owned(),
            book: Positions::default(),
            meta: BTreeMap::new(),
        })
}

/// Market value of the investor's positions at the prices of `at`.
pub fn market_value(world: &World, investor_id: &str, at: OffsetDateTime) -> Decimal {
    world
        .positions
        .values()
        .filter(|b| b.investor_id == investor_id)
        .flat_map(|b| b.book.by_symbol.values())
        .filter_map(|p| {
            let price = world.market.price_at(&p.symbol, at).ok()?;
            Some(p.valuation(price).market_value)
        })
        .sum()
}

fn iso_opt(at: Option<OffsetDateTime>) -> Value {
    at.map_or(Value::Null, |t| json!(api::iso(t)))
}

/// The order resource.
pub fn view(record: &Order) -> Value {
    let o = &record.order;
    json!({
        "id": o.id,
        "object": "order",
        "created": record.created,
        "livemode": false,
        "metadata": record.metadata,
        "investor_id": record.investor_id,
        "symbol": o.symbol,
        "class": o.class,
        "currency": o.currency,
        "side": o.side,
        "type": o.order_type,
        "time_in_force": o.time_in_force,
        "quantity": o.quantity,
        "notional": o.notional,
        "limit_price": o.limit_price,
        "stop_price": o.stop_price,
        "trail_percent": o.trail_percent,
        "trail_price": o.trail_price,
        "extended_hours": o.extended_hours,
        "client_order_id": o.client_order_id,
        "status": o.status,
        "filled_quantity": o.filled_quantity,
        "remaining_quantity": o.remaining_quantity,
        "average_price": o.average_price,
        "commission": api::money(o.commission),
        "commission_type": Value::Null,
        "submitted_at": iso_opt(o.submitted_at),
        "filled_at": iso_opt(o.filled_at),
        "cancelled_at": iso_opt(o.cancelled_at),
        "failed_at": iso_opt(o.failed_at),
        "failure_reason": o.failure_reason,
        "settlement_date": Value::Null,
        "created_at": api::iso(o.created_at),
    })
}

fn position_view(
    world: &World,
    book: &Position,
    symbol: &str,
    now: OffsetDateTime,
) -> Option<Value> {
    let position = book.book.get(symbol)?;
    let meta = book.meta.get(symbol)?;
    let asset = world.market.catalog.get(symbol)?;
    let price = world.market.price_at(symbol, now).ok()?;
    let value = position.valuation(price);
    let open = world.market.calendar().is_open(now);
    Some(json!({
        "id": meta.id,
        "object": "position",
        "created": meta.created,
        "livemode": false,
        "metadata": {},
        "investor_id": book.investor_id,
        "symbol": symbol,
        "asset_id": asset.id,
        "class": asset.class,
        "country": "us",
        "currency": asset.currency,
        "quantity": position.quantity,
        "available_quantity": position.available_quantity(),
        "average_cost_basis": position.average_cost_basis,
        "total_cost_basis": value.total_cost_basis,
        "current_price": value.current_price,
        "market_value": value.market_value,
        "unrealized_pl": value.unrealized_pl,
        "unrealized_pl_percent": value.unrealized_pl_percent,
        "price_timestamp": api::iso(now),
        "price_source": "DATABASE",
        "price_confidence": if open { "REAL_TIME" } else { "END_OF_DAY" },
        "last_transaction_at": iso_opt(position.last_transaction_at),
        "updated_at": iso_opt(position.last_transaction_at),
    }))
}

/// The engine's view of the investor's wallet.
fn engine_wallet(world: &World, investor_id: &str) -> ApiResult<engine::Wallet> {
    let wallet = wallets::wallet_of(world, investor_id).ok_or_else(|| fail::not_found("Wallet"))?;
    Ok(engine::Wallet {
        currency: wallet.currency.clone(),
        balance: wallet.available_balance + wallet.reserved_balance,
        available_balance: wallet.available_balance,
        reserved_balance: wallet.reserved_balance,
    })
}

/// Writes back what the engine changed at `now`: wallet, positions, orders; records a
/// transaction per fill and emits the `order.*` webhooks.
fn apply(
    world: &mut World,
    investor_id: &str,
    wallet: &engine::Wallet,
    mut book: Position,
    orders: Vec<Order>,
    events: &[OrderEvent],
    now: OffsetDateTime,
) {
    let Some(mut stored) = wallets::wallet_of(world, investor_id).cloned() else {
        return;
    };
    let mut balance = stored.available_balance + stored.reserved_balance;
    stored.available_balance = wallet.available_balance;
    stored.reserved_balance = wallet.reserved_balance;

    for symbol in book.book.by_symbol.keys() {
        book.meta
            .entry(symbol.clone())
            .or_insert_with(|| PositionMeta {
                id: ids::new_id_at("pos", now),
                created: now.unix_timestamp(),
            });
    }
    let by_id: HashMap<&str, &Order> = orders.iter().map(|o| (o.order.id.as_str(), o)).collect();
    for event in events {
        let Some(order) = by_id.get(event.order_id.as_str()) else {
            continue;
        };
        if let Some(fill) = &event.fill {
            let (kind, after) = match order.order.side {
                Side::Buy => ("buy", balance - fill.amount),
                Side::Sell => ("sell", balance + fill.amount),
            };
            wallets::record(
                world,
                &stored,
                fill.amount,
                balance,
                after,
                Movement {
                    kind,
                    method: None,
                    description: format!(
                        "{} {} {} @ {}",
                        if kind == "buy" { "Bought" } else { "Sold" },
                        fill.quantity.normalize(),
                        order.order.symbol,
                        fill.price
                    ),
                    reference: &order.order.id,
                },
                now,
            );
            balance = after;
        }
        if let Some(name) = event.kind.webhook_event() {
            world.emit(name, view(order));
        }
    }
    world.put(stored);
    world.put(book);
    for order in orders {
        world.put(order);
    }
}

fn active_investor(world: &World, investor_id: &str) -> ApiResult<()> {
    if world.investor(investor_id)?.is_active() {
        Ok(())
    } else {
        Err(fail::not_approved())
    }
}

/// `POST /investors/{investor_id}/orders`
pub async fn place(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let body = api::json_object(&body)?;
    let metadata = Fields::new(&body).metadata()?;
    let request: OrderRequest = serde_json::from_value(Value::Object(body))
        .map_err(|err| fail::malformed_body(format!("Invalid order: {err}")))?;
    let mut world = sim.lock().await;
    let now = OffsetDateTime::now_utc();
    let order = place_order(
        &mut world,
        &sim.market,
        &investor_id,
        &request,
        metadata,
        ids::new_id("ord"),
        now,
    )?;
    let body = view(&order);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::CREATED, body))
}

/// Places an order for an `active` investor at `now` through the engine and records what
/// happened (the order, the wallet and positions, a transaction per fill, the webhooks).
/// Returns the order as stored. Shared by `POST …/orders` and the demo seed.
pub(crate) fn place_order(
    world: &mut World,
    market: &Market,
    investor_id: &str,
    request: &OrderRequest,
    metadata: Map<String, Value>,
    id: String,
    now: OffsetDateTime,
) -> ApiResult<Order> {
    active_investor(world, investor_id)?;
    let mut wallet = engine_wallet(world, investor_id)?;
    let mut book = book_of(world, investor_id, now);
    let placed = engine::place(market, &mut wallet, &mut book.book, request, id, now)?;
    let order = Order {
        investor_id: investor_id.to_owned(),
        created: now.unix_timestamp(),
        metadata,
        order: placed.order,
    };
    apply(
        world,
        investor_id,
        &wallet,
        book,
        vec![order.clone()],
        &placed.events,
        now,
    );
    Ok(order)
}

/// `GET /investors/{investor_id}/orders` — filters `status` (`open` = any non-terminal),
/// `symbol`, `side`, `class`; `limit`/`offset`.
pub async fn list(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let page = Page::from_query(&query)?;
    const STATUSES: &[&str] = &[
        "open",
        "pending",
        "partial",
        "filled",
        "cancelled",
        "canceled",
        "failed",
    ];
    if let Some(status) = query.get("status") {
        if !STATUSES.contains(&status.as_str()) {
            return Err(fail::enumeration("status", STATUSES));
        }
    }
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let items = world
        .of_investor::<Order>(&investor_id)
        .filter(|o| {
            query.get("status").is_none_or(|s| match s.as_str() {
                "open" => !o.order.status.is_terminal(),
                "canceled" => o.order.status.as_str() == "cancelled",
                s => o.order.status.as_str() == s,
            })
        })
        .filter(|o| {
            query
                .get("symbol")
                .is_none_or(|s| s.eq_ignore_ascii_case(&o.order.symbol))
        })
        .filter(|o| query.get("side").is_none_or(|s| o.order.side.as_str() == s))
        .filter(|o| {
            query
                .get("class")
                .is_none_or(|c| serde_json::to_value(o.order.class).ok() == Some(json!(c)))
        })
        .map(view)
        .collect();
    let url = format!("/v1/investors/{investor_id}/orders");
    Ok(respond(StatusCode::OK, api::list(&url, items, page)))
}

/// `GET /investors/{investor_id}/orders/{order_id}`
pub async fn get(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let order = world.owned::<Order>(&investor_id, &id, "Order")?;
    Ok(respond(StatusCode::OK, view(order)))
}

/// `POST /investors/{investor_id}/orders/{order_id}/cancel` — only working orders; else
/// `409 BLUM-409-003`. Releases whatever the order still holds.
pub async fn cancel(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let mut world = sim.lock().await;
    let order = cancel_order(&mut world, &investor_id, &id, OffsetDateTime::now_utc())?;
    let body = view(&order);
    sim.commit(&mut world).await?;
    Ok(respond(StatusCode::OK, body))
}

/// Cancels the investor's working order `id` at `now` and records it; returns the order as
/// stored. Shared by `POST …/orders/{order_id}/cancel` and the demo seed.
pub(crate) fn cancel_order(
    world: &mut World,
    investor_id: &str,
    id: &str,
    now: OffsetDateTime,
) -> ApiResult<Order> {
    world.investor(investor_id)?;
    let mut order = world.owned::<Order>(investor_id, id, "Order")?.clone();
    let mut wallet = engine_wallet(world, investor_id)?;
    let mut book = book_of(world, investor_id, now);
    let event = engine::cancel(&mut wallet, &mut book.book, &mut order.order, now)?;
    apply(
        world,
        investor_id,
        &wallet,
        book,
        vec![order.clone()],
        &[event],
        now,
    );
    Ok(order)
}

/// `POST /investors/{investor_id}/order-estimates` — indicative cost of a market or limit
/// order (`time_in_force` defaults to `day`). What placing it would refuse (funds, shares,
/// market hours, KYC) is listed in `errors` rather than refused.
pub async fn estimate(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut body = api::json_object(&body)?;
    body.entry("time_in_force").or_insert(json!("day"));
    let request: OrderRequest = serde_json::from_value(Value::Object(body))
        .map_err(|err| fail::malformed_body(format!("Invalid estimate: {err}")))?;
    let world = sim.lock().await;
    let active = world.investor(&investor_id)?.is_active();
    let wallet = engine_wallet(&world, &investor_id)?;
    let now = OffsetDateTime::now_utc();
    let book = book_of(&world, &investor_id, now);
    let mut estimate = engine::estimate(&sim.market, &wallet, &book.book, &request, now)?;
    if !active {
        estimate
            .errors
            .push("Investor is not approved yet (KYC not complete)".to_owned());
    }
    Ok(respond(
        StatusCode::OK,
        json!({
            "object": "order_estimate",
            "livemode": false,
            "investor_id": investor_id,
            "symbol": estimate.symbol,
            "currency": estimate.currency,
            "estimated_price": estimate.estimated_price,
            "estimated_quantity": estimate.estimated_quantity,
            "total_estimated_value": estimate.total_estimated_value,
            "commission": api::money(estimate.commission),
            "errors": estimate.errors,
        }),
    ))
}

/// `GET /investors/{investor_id}/positions` — `symbol`, `non_zero_only` (default false).
pub async fn positions(
    State(sim): State<Sim>,
    Path(investor_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let page = Page::from_query(&query)?;
    let non_zero_only = match query.get("non_zero_only").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(fail::enumeration("non_zero_only", &["true", "false"])),
    };
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let now = OffsetDateTime::now_utc();
    let book = book_of(&world, &investor_id, now);
    let items = book
        .book
        .by_symbol
        .iter()
        .filter(|(symbol, _)| {
            query
                .get("symbol")
                .is_none_or(|s| s.eq_ignore_ascii_case(symbol))
        })
        .filter(|(_, p)| !non_zero_only || !p.quantity.is_zero())
        .filter_map(|(symbol, _)| position_view(&world, &book, symbol, now))
        .collect();
    let url = format!("/v1/investors/{investor_id}/positions");
    Ok(respond(StatusCode::OK, api::list(&url, items, page)))
}

/// `GET /investors/{investor_id}/positions/{position_id}`
pub async fn position(
    State(sim): State<Sim>,
    Path((investor_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let world = sim.lock().await;
    world.investor(&investor_id)?;
    let now = OffsetDateTime::now_utc();
    let book = book_of(&world, &investor_id, now);
    let symbol = book
        .meta
        .iter()
        .find(|(_, meta)| meta.id == id)
        .map(|(symbol, _)| symbol.clone())
        .ok_or_else(|| fail::not_found("Position"))?;
    let view =
        position_view(&world, &book, &symbol, now).ok_or_else(|| fail::not_found("Position"))?;
    Ok(respond(StatusCode::OK, view))
}

/// Background step: works every open order, investor by investor, oldest first.
pub fn advance(world: &mut World, market: &Market, now: OffsetDateTime) {
    let investors: BTreeSet<String> = world
        .orders
        .values()
        .filter(|o| !o.order.status.is_terminal())
        .map(|o| o.investor_id.clone())
        .collect();
    for investor_id in investors {
        work_orders(world, market, &investor_id, now);
    }
}

/// Works the open orders of one investor at `now`, oldest first, and records what happened.
pub(crate) fn work_orders(
    world: &mut World,
    market: &Market,
    investor_id: &str,
    now: OffsetDateTime,
) {
    let mut orders: Vec<Order> = world
        .orders
        .values()
        .filter(|o| o.investor_id == investor_id && !o.order.status.is_terminal())
        .cloned()
        .collect();
    if orders.is_empty() {
        return;
    }
    let Ok(mut wallet) = engine_wallet(world, investor_id) else {
        return;
    };
    let mut book = book_of(world, investor_id, now);
    let before: Vec<engine::Order> = orders.iter().map(|o| o.order.clone()).collect();
    let mut engine_orders = before.clone();
    let events = engine::tick(market, &mut wallet, &mut book.book, &mut engine_orders, now);
    if events.is_empty() && engine_orders == before {
        return;
    }
    for (record, worked) in orders.iter_mut().zip(engine_orders) {
        record.order = worked;
    }
    apply(world, investor_id, &wallet, book, orders, &events, now);
}
