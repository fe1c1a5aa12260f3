//! Trading: finding an asset, the trade ticket (what it is checked against, the review, the
//! order sent once) and the investor's orders (list, one, cancel). Bluum endpoints:
//! `GET /assets/search`, `GET /assets/{symbol}`, `GET /market-data/assets/{symbol}/quote`
//! (with the latest daily bar as the price when the Market Data add-on is off),
//! `GET …/positions?symbol=`, `GET …/wallets`, `POST …/order-estimates`,
//! `POST/GET …/orders[/{id}[/cancel]]`, always under the investor of the session.
//!
//! An order moves money, so it is sent like a deposit: [`review_order`] checks the ticket
//! (`crate::trading::check`, the same rules the browser runs) and makes the confirm form's
//! idempotency key; [`place_order`] checks it again against fresh figures and sends it through
//! `server::idempotency::run_once`.

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::trading::{Estimate, Side, Ticket, TicketForm, TimeInForce};

/// One search suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetHit {
    pub symbol: String,
    pub name: String,
    /// The exchange's name or code (`NASDAQ`, `XNYS`).
    pub exchange: String,
}

/// What the ticket for one asset shows and is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketContext {
    pub symbol: String,
    pub name: String,
    pub exchange: String,
    pub facts: crate::trading::Facts,
}

/// A checked ticket about to be confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReview {
    pub ticket: Ticket,
    /// The order in one plain sentence.
    pub sentence: String,
    pub estimate: Estimate,
    /// Bluum's own estimate of the total, where it gives one (market and limit orders).
    pub bluum_total: Option<Decimal>,
    pub buying_power: Decimal,
    /// The fields as typed, for the confirm form's hidden fields.
    pub form: TicketForm,
    /// The idempotency key of the confirm form, made for this review.
    pub idempotency_key: String,
}

/// Where an order stands, in the words the pages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderState {
    /// Accepted, waiting to be sent to the market.
    Pending,
    /// Resting at the market until its price is reached.
    Open,
    PartiallyFilled,
    Filled,
    Cancelled,
    Failed,
}

impl OrderState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Open => "Open",
            Self::PartiallyFilled => "Partially filled",
            Self::Filled => "Filled",
            Self::Cancelled => "Cancelled",
            Self::Failed => "Rejected",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Open => "open",
            Self::PartiallyFilled => "partially_filled",
            Self::Filled => "filled",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }

    /// Can still fill or be cancelled.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Pending | Self::Open | Self::PartiallyFilled)
    }

    pub fn badge(self) -> &'static str {
        match self {
            Self::Pending | Self::Open | Self::PartiallyFilled => "badge badge-warning",
            Self::Filled => "badge badge-success",
            Self::Cancelled => "badge badge-neutral",
            Self::Failed => "badge badge-danger",
        }
    }
}

/// One order as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    /// Bluum's `ord_…` id.
    pub id: String,
    pub symbol: String,
    pub side: Side,
    /// "Market", "Limit", … as the ticket names them.
    pub kind: String,
    /// Shares asked for (`None` for a dollar order).
    pub quantity: Option<Decimal>,
    /// Dollars asked for (dollar orders).
    pub notional: Option<Decimal>,
    pub limit_price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    pub time_in_force: String,
    pub state: OrderState,
    pub filled_quantity: Decimal,
    pub average_price: Option<Decimal>,
    /// When it was placed, `YYYY-MM-DD HH:MM` UTC.
    pub created: String,
    pub failure_reason: Option<String>,
}

impl OrderView {
    pub fn can_cancel(&self) -> bool {
        self.state.is_open()
    }
}

/// One page of orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPage {
    pub orders: Vec<OrderView>,
    pub page: u32,
    pub has_more: bool,
}

/// Orders per page of the list.
pub const ORDERS_PAGE_SIZE: u32 = 20;
/// Suggestions a search gives.
pub const SEARCH_LIMIT: u32 = 8;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use rust_decimal::Decimal;

    use super::{AssetHit, OrderState, OrderView, TicketContext};
    use crate::api::money::ssr::balances;
    use crate::api::state;
    use crate::bluum::error::{BluumError, ForbiddenReason};
    use crate::bluum::ids::InvestorId;
    use crate::bluum::models::assets::{Asset, BarsQuery, Timeframe};
    use crate::bluum::models::orders::{
        CreateOrderRequest, Order, OrderSide, OrderStatus, OrderType, TimeInForce as BluumTif,
    };
    use crate::bluum::models::positions::{Position, PositionQuery};
    use crate::error::AppError;
    use crate::trading::{Facts, OrderKind, Side, Size, Ticket, TimeInForce};

    pub fn hit_of(asset: Asset) -> AssetHit {
        AssetHit {
            name: asset
                .name
                .clone()
                .or(asset.display_name.clone())
                .unwrap_or_else(|| asset.symbol.clone()),
            exchange: asset
                .market_name
                .clone()
                .or(asset.market.clone())
                .unwrap_or_default(),
            symbol: asset.symbol,
        }
    }

    /// The symbol as typed, checked the way Bluum's paths need it.
    pub fn symbol_of(input: &str) -> Result<String, AppError> {
        let symbol = input.trim().to_ascii_uppercase();
        let valid = !symbol.is_empty()
            && symbol.len() <= 12
            && symbol
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if valid {
            Ok(symbol)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The latest price: the quote, or the latest daily close when the Market Data add-on
    /// is not enabled for our tenant.
    pub async fn latest_price(symbol: &str) -> Result<Decimal, AppError> {
        let bluum = &state().bluum;
        match bluum.get_quote(symbol, None).await {
            Ok(quote) => Ok(quote.price),
            Err(BluumError::Forbidden {
                reason: ForbiddenReason::ProductNotEnabled,
                ..
            }) => {
                let mut query = BarsQuery::new(Timeframe::OneDay);
                query.limit = Some(1);
                let bars = bluum.get_bars(symbol, &query).await?;
                bars.bars
                    .last()
                    .map(|bar| bar.close)
                    .ok_or(AppError::NotFound)
            }
            Err(other) => Err(other.into()),
        }
    }

    /// What Bluum says of `symbol` for the investor: the ticket's figures, with the asset and
    /// the investor's position in it as Bluum sent them (the asset page shows more of both).
    pub struct TicketReading {
        pub context: TicketContext,
        pub asset: Asset,
        pub position: Option<Position>,
    }

    /// Everything the ticket for `symbol` is checked against, asked of Bluum at once.
    pub async fn ticket_context(
        investor: &InvestorId,
        symbol: &str,
    ) -> Result<TicketContext, AppError> {
        Ok(ticket_reading(investor, symbol).await?.context)
    }

    /// The asset, its latest price, the investor's position and wallet, asked of Bluum at once.
    pub async fn ticket_reading(
        investor: &InvestorId,
        symbol: &str,
    ) -> Result<TicketReading, AppError> {
        let bluum = &state().bluum;
        let positions = PositionQuery {
            symbol: Some(symbol.to_owned()),
            non_zero_only: Some(true),
            refresh_prices: Some(false),
        };
        let (asset, price, positions, wallet) = tokio::try_join!(
            async { Ok::<_, AppError>(bluum.get_asset(symbol, None).await?) },
            latest_price(symbol),
            async { Ok(bluum.list_positions(investor, &positions).await?) },
            balances(investor),
        )?;
        let position = positions
            .data
            .into_iter()
            .find(|p| p.symbol.eq_ignore_ascii_case(symbol) && !p.quantity.is_zero());
        let held = position.as_ref().map(|p| p.quantity).unwrap_or_default();
        let hit = hit_of(asset.clone());
        let context = TicketContext {
            symbol: hit.symbol,
            name: hit.name,
            exchange: hit.exchange,
            facts: Facts {
                price,
                tradable: asset.tradable,
                fractionable: asset.fractionable,
                held,
                buying_power: wallet.buying_power,
            },
        };
        Ok(TicketReading {
            context,
            asset,
            position,
        })
    }

    /// The Bluum order a checked ticket makes.
    pub fn order_request(ticket: &Ticket) -> CreateOrderRequest {
        let side = match ticket.side {
            Side::Buy => OrderSide::Buy,
            Side::Sell => OrderSide::Sell,
        };
        let (quantity, notional) = match ticket.size {
            Size::Shares(q) => (Some(q), None),
            Size::Dollars(d) => (None, Some(d)),
        };
        let order_type = match ticket.kind {
            OrderKind::Market => OrderType::Market,
            OrderKind::Limit => OrderType::Limit,
            OrderKind::Stop => OrderType::Stop,
            OrderKind::StopLimit => OrderType::StopLimit,
            OrderKind::TrailingStopPercent | OrderKind::TrailingStopPrice => {
                OrderType::TrailingStop
            }
        };
        let time_in_force = match ticket.time_in_force {
            TimeInForce::Day => BluumTif::Day,
            TimeInForce::Gtc => BluumTif::Gtc,
            TimeInForce::Ioc => BluumTif::Ioc,
            TimeInForce::Fok => BluumTif::Fok,
        };
        let mut request = CreateOrderRequest::market(ticket.symbol.clone(), side, Decimal::ZERO);
        request.order_type = order_type;
        request.time_in_force = time_in_force;
        request.quantity = quantity;
        request.notional = notional;
        request.limit_price = ticket.limit_price;
        request.stop_price = ticket.stop_price;
        match ticket.kind {
            OrderKind::TrailingStopPercent => request.trail_percent = ticket.trail,
            OrderKind::TrailingStopPrice => request.trail_price = ticket.trail,
            _ => {}
        }
        request
    }

    pub fn state_of(status: &OrderStatus) -> OrderState {
        match status {
            OrderStatus::Pending => OrderState::Pending,
            OrderStatus::Open => OrderState::Open,
            OrderStatus::Partial => OrderState::PartiallyFilled,
            OrderStatus::Filled => OrderState::Filled,
            OrderStatus::Cancelled => OrderState::Cancelled,
            OrderStatus::Failed => OrderState::Failed,
            // A status Bluum adds later: still open, so the page keeps asking.
            OrderStatus::Unknown(_) => OrderState::Pending,
        }
    }

    fn when(at: Option<time::OffsetDateTime>) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
        at.and_then(|t| t.format(&format).ok()).unwrap_or_default()
    }

    pub fn order_view(order: Order) -> OrderView {
        let kind = match (&order.order_type, order.trail_percent.is_some()) {
            (OrderType::Market, _) => OrderKind::Market,
            (OrderType::Limit, _) => OrderKind::Limit,
            (OrderType::Stop, _) => OrderKind::Stop,
            (OrderType::StopLimit, _) => OrderKind::StopLimit,
            (OrderType::TrailingStop, true) => OrderKind::TrailingStopPercent,
            (OrderType::TrailingStop, false) => OrderKind::TrailingStopPrice,
            (OrderType::Unknown(_), _) => OrderKind::Market,
        };
        OrderView {
            id: order.id.to_string(),
            symbol: order.symbol,
            side: match order.side {
                OrderSide::Sell => Side::Sell,
                _ => Side::Buy,
            },
            kind: kind.label().to_owned(),
            quantity: order.quantity.filter(|q| !q.is_zero()),
            notional: order.notional,
            limit_price: order.limit_price,
            stop_price: order.stop_price,
            time_in_force: order
                .time_in_force
                .as_ref()
                .and_then(|t| TimeInForce::from_slug(t.as_str()))
                .map(|t| t.label().to_owned())
                .unwrap_or_default(),
            state: state_of(&order.status),
            filled_quantity: order.filled_quantity.unwrap_or_default(),
            average_price: order.average_price,
            created: when(order.submitted_at.or(order.meta.created)),
            failure_reason: order.failure_reason,
        }
    }

    /// Bluum's refusals, put on the ticket's fields.
    pub fn on_ticket(err: AppError) -> AppError {
        match err {
            AppError::InsufficientFunds(message) => AppError::validation("amount", message),
            AppError::MarketClosed(_) => AppError::validation(
                "order_type",
                "The market is closed, so this order can't fill now. Use a limit order good 'til cancelled, or trade when the market opens.",
            ),
            AppError::Validation { field, message } => {
                let field = match field.as_str() {
                    "quantity" | "notional" | "qty" => "amount",
                    "type" => "order_type",
                    "trail_percent" | "trail_price" => "trail",
                    "limit_price" | "stop_price" | "time_in_force" | "symbol" | "side" => {
                        field.as_str()
                    }
                    _ => crate::bluum::error::FORM_FIELD,
                };
                AppError::validation(field, message)
            }
            AppError::Upstream { request_id } => AppError::Unconfirmed { request_id },
            other => other,
        }
    }
}

/// Up to [`SEARCH_LIMIT`] active assets whose symbol or name matches `q`.
#[server(endpoint = "trade/search")]
pub async fn search_assets(q: String) -> Result<Vec<AssetHit>, AppError> {
    use crate::bluum::models::assets::{AssetSearchQuery, AssetStatus};
    crate::api::require_user().await?;
    let q = q.trim();
    if q.is_empty() || q.len() > 64 {
        return Ok(Vec::new());
    }
    let query = AssetSearchQuery {
        q: Some(q.to_owned()),
        status: Some(AssetStatus::Active),
        limit: Some(SEARCH_LIMIT),
        ..AssetSearchQuery::default()
    };
    let found = crate::api::state().bluum.search_assets(&query).await?;
    Ok(found.data.into_iter().map(ssr::hit_of).collect())
}

/// The ticket for `symbol`: the asset, its price, the shares held and the buying power.
#[server(endpoint = "trade/ticket")]
pub async fn get_ticket(symbol: String) -> Result<TicketContext, AppError> {
    let me = crate::api::require_investor().await?;
    let symbol = ssr::symbol_of(&symbol)?;
    ssr::ticket_context(&me.investor_id, &symbol).await
}

/// Checks a ticket before it is confirmed (nothing is sent), adds Bluum's estimate where it
/// gives one, and makes the confirm form's idempotency key.
#[server(endpoint = "trade/review")]
pub async fn review_order(#[server(flatten)] form: TicketForm) -> Result<OrderReview, AppError> {
    use crate::bluum::models::orders::OrderEstimateRequest;
    let me = crate::api::require_investor().await?;
    let (context, ticket) = checked(&me, &form).await?;
    let estimate = crate::trading::estimate(&ticket, &context.facts);
    // Bluum estimates market and limit orders; indicative only, so a failure is not fatal.
    let bluum_total = if matches!(
        ticket.kind,
        crate::trading::OrderKind::Market | crate::trading::OrderKind::Limit
    ) {
        let request = ssr::order_request(&ticket);
        let estimate_request = OrderEstimateRequest {
            symbol: request.symbol,
            side: request.side,
            order_type: request.order_type,
            quantity: request.quantity,
            notional: request.notional,
            limit_price: request.limit_price,
            market: None,
        };
        crate::api::state()
            .bluum
            .estimate_order(&me.investor_id, &estimate_request)
            .await
            .ok()
            .filter(|e| e.errors.is_empty())
            .and_then(|e| e.total_estimated_value)
    } else {
        None
    };
    Ok(OrderReview {
        sentence: crate::trading::sentence(&ticket),
        estimate,
        bluum_total,
        buying_power: context.facts.buying_power,
        ticket,
        form,
        idempotency_key: uuid::Uuid::new_v4().to_string(),
    })
}

/// The ticket `form` checked against fresh figures for its asset (nothing is sent).
#[cfg(feature = "ssr")]
async fn checked(
    me: &crate::server::request::InvestorContext,
    form: &TicketForm,
) -> Result<(TicketContext, Ticket), AppError> {
    let symbol = ssr::symbol_of(&form.symbol)
        .map_err(|_| AppError::validation("symbol", "Choose what to trade."))?;
    let context = ssr::ticket_context(&me.investor_id, &symbol).await?;
    let ticket = crate::trading::check(form, &context.facts).map_err(invalid)?;
    Ok((context, ticket))
}

/// Several field errors as one `AppError`.
#[cfg(feature = "ssr")]
fn invalid(errors: Vec<crate::trading::FieldError>) -> AppError {
    let mut errors: Vec<(String, String)> =
        errors.into_iter().map(|(f, m)| (f.to_owned(), m)).collect();
    if errors.len() == 1 {
        let (field, message) = errors.remove(0);
        AppError::Validation { field, message }
    } else {
        AppError::Invalid { errors }
    }
}

/// Sends a reviewed order, once per `idempotency_key`, and goes to its page. The ticket is
/// checked again against fresh figures first.
#[server(endpoint = "trade/place")]
pub async fn place_order(
    idempotency_key: String,
    #[server(flatten)] form: TicketForm,
) -> Result<OrderView, AppError> {
    use crate::server::idempotency::{run_once, MoneyCall, MoneyRequest};
    let me = crate::api::require_investor().await?;
    let (_, ticket) = checked(&me, &form).await?;
    let request = ssr::order_request(&ticket);
    let call = MoneyCall::Order {
        investor: me.investor_id.clone(),
        body: request.clone(),
    };
    let (investor, request) = (&me.investor_id, &request);
    let placed = run_once(
        &crate::api::state().pool,
        MoneyRequest {
            user_id: me.user.id,
            key: &idempotency_key,
            call: &call,
            ip: Some(&me.ip),
        },
        |upstream| async move {
            crate::api::state()
                .bluum
                .create_order(investor, request, &upstream)
                .await
        },
    )
    .await
    .map_err(ssr::on_ticket)?;
    crate::server::portfolio::forget(&crate::api::state().portfolios, &me.investor_id).await;
    let view = ssr::order_view(placed);
    leptos_axum::redirect(&format!("/orders/{}", view.id));
    Ok(view)
}

/// The investor's orders, newest first, [`ORDERS_PAGE_SIZE`] at a time; `status` is `open`
/// (still working), `done` or empty (all).
#[server(endpoint = "trade/orders")]
pub async fn list_orders(
    #[server(default)] status: String,
    #[server(default)] page: u32,
) -> Result<OrderPage, AppError> {
    use crate::bluum::models::orders::{OrderQuery, OrderStatus};
    let me = crate::api::require_investor().await?;
    let open_only = status == "open";
    let done_only = status == "done";
    let query = OrderQuery {
        status: open_only.then_some(OrderStatus::Open),
        // One more than a page tells whether there is a next one (done orders are filtered
        // here, so they read a wider window).
        limit: Some(if done_only { 200 } else { ORDERS_PAGE_SIZE + 1 }),
        offset: (!done_only).then_some(page * ORDERS_PAGE_SIZE),
        ..OrderQuery::default()
    };
    let orders = crate::api::state()
        .bluum
        .list_orders(&me.investor_id, &query)
        .await?
        .data;
    let mut views: Vec<OrderView> = orders.into_iter().map(ssr::order_view).collect();
    if done_only {
        views.retain(|o| !o.state.is_open());
        views = views
            .into_iter()
            .skip((page * ORDERS_PAGE_SIZE) as usize)
            .collect();
    }
    let has_more = views.len() > ORDERS_PAGE_SIZE as usize;
    views.truncate(ORDERS_PAGE_SIZE as usize);
    Ok(OrderPage {
        orders: views,
        page,
        has_more,
    })
}

/// One order (`ord_…`) of the signed-in investor.
#[server(endpoint = "trade/order")]
pub async fn get_order(id: String) -> Result<OrderView, AppError> {
    use crate::bluum::ids::OrderId;
    let me = crate::api::require_investor().await?;
    let id = OrderId::parse(id.trim()).map_err(|_| AppError::NotFound)?;
    let order = crate::api::state()
        .bluum
        .get_order(&me.investor_id, &id)
        .await?;
    Ok(ssr::order_view(order))
}

/// Cancels an open order and goes back to its page.
#[server(endpoint = "trade/cancel")]
pub async fn cancel_order(id: String) -> Result<(), AppError> {
    use crate::bluum::ids::OrderId;
    use crate::server::auth::audit::{self, Entry, Outcome};
    let me = crate::api::require_investor().await?;
    let id = OrderId::parse(id.trim()).map_err(|_| AppError::NotFound)?;
    match crate::api::state()
        .bluum
        .cancel_order(&me.investor_id, &id)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => {}
        Err(AppError::Conflict(_)) => {
            return Err(AppError::Conflict(
                "It can't be cancelled any more: it has already filled or ended.".into(),
            ))
        }
        Err(other) => return Err(other),
    }
    crate::server::portfolio::forget(&crate::api::state().portfolios, &me.investor_id).await;
    audit::record(
        &crate::api::state().pool,
        Entry::new("order_cancelled", Some(me.user.id), Outcome::Success)
            .upstream_id(id.as_str())
            .ip(&me.ip),
    )
    .await?;
    leptos_axum::redirect(&format!("/orders/{id}?cancelled=1"));
    Ok(())
}

/// `(slug, label)` of the time-in-force choices, for the ticket.
pub fn time_in_force_choices() -> Vec<(&'static str, &'static str)> {
    TimeInForce::ALL
        .into_iter()
        .map(|t| (t.slug(), t.label()))
        .collect()
}
