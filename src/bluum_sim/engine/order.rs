//! Order vocabulary (fact sheet §2.8), the request body of `POST /investors/{id}/orders`, its
//! validation into an [`OrderSpec`], and the order record the engine keeps.
//!
//! Validation table (first failing rule wins, in this order):
//!
//! | Rule | Code | `param` |
//! |---|---|---|
//! | `symbol`, `side`, `type`, `time_in_force` present | BLUM-400-002 | that field |
//! | `side`, `type`, `time_in_force` in their enums | BLUM-400-004 | that field |
//! | not both `quantity` and `notional` | BLUM-400-001 | `notional` |
//! | one of `quantity`, `notional` | BLUM-400-002 | `quantity` |
//! | `quantity` positive decimal, ≤ 9 decimals | BLUM-400-006 | `quantity` |
//! | `notional` positive decimal, ≤ 2 decimals, ≥ 1.00 | BLUM-400-005 | `notional` |
//! | `notional` only on market buys | BLUM-400-001 | `notional` |
//! | `limit_price` required for limit/stop_limit, refused otherwise | BLUM-400-002 / -001 | `limit_price` |
//! | `stop_price` required for stop/stop_limit, refused otherwise | BLUM-400-002 / -001 | `stop_price` |
//! | prices positive, ≤ 2 decimals (≤ 4 below $1) | BLUM-400-005 | that field |
//! | trailing_stop: exactly one of `trail_percent`/`trail_price`; refused on other types | BLUM-400-002 (`trail_percent`) / -001 | that field |
//! | `trail_percent` positive and below 100; `trail_price` positive cents | BLUM-400-005 / -001 | that field |
//! | stop, stop_limit, trailing_stop only with `day`/`gtc` | BLUM-400-001 | `time_in_force` |
//! | `extended_hours` only on limit + day | BLUM-400-001 | `extended_hours` |
//!
//! Checks that need the catalogue, wallet, positions or clock live in the engine
//! ([`super::place`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;

use crate::bluum_sim::error::{ErrorCode, SimApiError};
use crate::bluum_sim::market::AssetClass;

use super::money::{MONEY_SCALE, QUANTITY_SCALE};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Buy,
    Sell,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OrderType {
    Market,
    Limit,
    Stop,
    StopLimit,
    TrailingStop,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum TimeInForce {
    Day,
    Gtc,
    Opg,
    Cls,
    Ioc,
    Fok,
}

/// Order status, Gen C vocabulary.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Accepted and queued (market closed, or waiting for the open/close auction).
    Pending,
    /// Resting, not yet filled.
    Open,
    /// Partly filled and still working.
    Partial,
    Filled,
    Cancelled,
    Failed,
}

impl OrderStatus {
    /// Filled, cancelled and failed orders never change again.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Filled | Self::Cancelled | Self::Failed)
    }
}

macro_rules! wire_names {
    ($ty:ty { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $ty {
            /// The wire name.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
            /// Parses the exact (lower-case) wire name.
            pub fn parse(value: &str) -> Option<Self> {
                match value { $($name => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}
wire_names!(Side { Buy = "buy", Sell = "sell" });
wire_names!(OrderType {
    Market = "market",
    Limit = "limit",
    Stop = "stop",
    StopLimit = "stop_limit",
    TrailingStop = "trailing_stop",
});
wire_names!(TimeInForce {
    Day = "day",
    Gtc = "gtc",
    Opg = "opg",
    Cls = "cls",
    Ioc = "ioc",
    Fok = "fok",
});
wire_names!(OrderStatus {
    Pending = "pending",
    Open = "open",
    Partial = "partial",
    Filled = "filled",
    Cancelled = "cancelled",
    Failed = "failed",
});

/// The body of `POST /investors/{id}/orders`, as received. Every field is optional and
/// textual (numbers are accepted and turned into strings) so that validation, not JSON
/// decoding, reports what is wrong with Bluum's codes. Unknown fields (`market`,
/// `wallet_currency`, `commission`…) are ignored.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderRequest {
    #[serde(default, deserialize_with = "lenient_string")]
    pub symbol: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub side: Option<String>,
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub order_type: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub time_in_force: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub quantity: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub notional: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub limit_price: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub stop_price: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub trail_percent: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub trail_price: Option<String>,
    #[serde(default)]
    pub extended_hours: Option<bool>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub client_order_id: Option<String>,
}

/// Accepts a JSON string, number or boolean as text; `null`/absent as `None`.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

impl OrderRequest {
    /// A request with the four required enums set (builder start).
    pub fn new(symbol: &str, side: Side, order_type: OrderType, tif: TimeInForce) -> Self {
        Self {
            symbol: Some(symbol.to_owned()),
            side: Some(side.as_str().to_owned()),
            order_type: Some(order_type.as_str().to_owned()),
            time_in_force: Some(tif.as_str().to_owned()),
            ..Self::default()
        }
    }

    pub fn quantity(mut self, quantity: &str) -> Self {
        self.quantity = Some(quantity.to_owned());
        self
    }

    pub fn notional(mut self, notional: &str) -> Self {
        self.notional = Some(notional.to_owned());
        self
    }

    pub fn limit_price(mut self, price: &str) -> Self {
        self.limit_price = Some(price.to_owned());
        self
    }

    pub fn stop_price(mut self, price: &str) -> Self {
        self.stop_price = Some(price.to_owned());
        self
    }

    pub fn trail_percent(mut self, percent: &str) -> Self {
        self.trail_percent = Some(percent.to_owned());
        self
    }

    pub fn trail_price(mut self, price: &str) -> Self {
        self.trail_price = Some(price.to_owned());
        self
    }

    pub fn extended_hours(mut self, on: bool) -> Self {
        self.extended_hours = Some(on);
        self
    }
}

/// How much to trade.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Amount {
    Quantity(Decimal),
    Notional(Decimal),
}

/// Trailing distance of a trailing stop.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Trail {
    /// Percent units (`5` = 5%).
    Percent(Decimal),
    Price(Decimal),
}

/// A request that passed [`OrderSpec::parse`]: well-formed, not yet checked against the market.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OrderSpec {
    pub symbol: String,
    pub side: Side,
    pub order_type: OrderType,
    pub time_in_force: TimeInForce,
    pub amount: Amount,
    pub limit_price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    pub trail: Option<Trail>,
    pub extended_hours: bool,
    pub client_order_id: Option<String>,
}

fn required<'a>(value: &'a Option<String>, param: &str) -> Result<&'a str, SimApiError> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(SimApiError::missing(param)),
    }
}

fn enum_field<T>(
    value: &Option<String>,
    param: &str,
    parse: fn(&str) -> Option<T>,
    allowed: &str,
) -> Result<T, SimApiError> {
    let raw = required(value, param)?;
    parse(raw).ok_or_else(|| {
        SimApiError::with_param(
            ErrorCode::InvalidEnum,
            param,
            format!("{param} must be one of {allowed}"),
        )
    })
}

fn positive_decimal(raw: &str, max_scale: u32) -> Option<Decimal> {
    let value: Decimal = raw.trim().parse().ok()?;
    (value > Decimal::ZERO && value.scale() <= max_scale).then_some(value)
}

fn price_field(value: &Option<String>, param: &str) -> Result<Option<Decimal>, SimApiError> {
    let Some(raw) = value.as_deref() else {
        return Ok(None);
    };
    let invalid = || {
        SimApiError::with_param(
            ErrorCode::InvalidAmount,
            param,
            format!(
                "{param} must be a positive decimal string with at most 2 decimals (4 below 1.00)"
            ),
        )
    };
    let price = positive_decimal(raw, 4).ok_or_else(invalid)?;
    if price >= Decimal::ONE && price.scale() > MONEY_SCALE {
        return Err(invalid());
    }
    Ok(Some(price))
}

fn refused(param: &str, message: &str) -> SimApiError {
    SimApiError::with_param(ErrorCode::Validation, param, message)
}

impl OrderSpec {
    /// Validates the shape of a request (see the module table). Pure: no market knowledge.
    pub fn parse(req: &OrderRequest) -> Result<Self, SimApiError> {
        let symbol = required(&req.symbol, "symbol")?.to_owned();
        let side = enum_field(&req.side, "side", Side::parse, "buy, sell")?;
        let order_type = enum_field(
            &req.order_type,
            "type",
            OrderType::parse,
            "market, limit, stop, stop_limit, trailing_stop",
        )?;
        let time_in_force = enum_field(
            &req.time_in_force,
            "time_in_force",
            TimeInForce::parse,
            "day, gtc, opg, cls, ioc, fok",
        )?;

        let amount = match (req.quantity.as_deref(), req.notional.as_deref()) {
            (Some(_), Some(_)) => {
                return Err(refused(
                    "notional",
                    "quantity and notional are mutually exclusive",
                ))
            }
            (None, None) => return Err(SimApiError::missing("quantity")),
            (Some(q), None) => {
                Amount::Quantity(positive_decimal(q, QUANTITY_SCALE).ok_or_else(|| {
                    SimApiError::with_param(
                        ErrorCode::InvalidQuantity,
                        "quantity",
                        "quantity must be a positive decimal string with at most 9 decimals",
                    )
                })?)
            }
            (None, Some(n)) => {
                let notional = positive_decimal(n, MONEY_SCALE)
                    .filter(|n| *n >= Decimal::ONE)
                    .ok_or_else(|| {
                        SimApiError::with_param(
                            ErrorCode::InvalidAmount,
                            "notional",
                            "notional must be a decimal string of at least 1.00 with at most 2 decimals",
                        )
                    })?;
                if side != Side::Buy || order_type != OrderType::Market {
                    return Err(refused(
                        "notional",
                        "notional is only allowed on market buy orders",
                    ));
                }
                Amount::Notional(notional)
            }
        };

        let uses_limit = matches!(order_type, OrderType::Limit | OrderType::StopLimit);
        let uses_stop = matches!(order_type, OrderType::Stop | OrderType::StopLimit);
        let limit_price = price_field(&req.limit_price, "limit_price")?;
        let stop_price = price_field(&req.stop_price, "stop_price")?;
        match (uses_limit, limit_price.is_some()) {
            (true, false) => return Err(SimApiError::missing("limit_price")),
            (false, true) => {
                return Err(refused(
                    "limit_price",
                    "limit_price is only allowed on limit and stop_limit orders",
                ))
            }
            _ => {}
        }
        match (uses_stop, stop_price.is_some()) {
            (true, false) => return Err(SimApiError::missing("stop_price")),
            (false, true) => {
                return Err(refused(
                    "stop_price",
                    "stop_price is only allowed on stop and stop_limit orders",
                ))
            }
            _ => {}
        }

        let trail = match (
            order_type,
            req.trail_percent.as_deref(),
            req.trail_price.as_deref(),
        ) {
            (OrderType::TrailingStop, None, None) => {
                return Err(SimApiError::missing("trail_percent"))
            }
            (OrderType::TrailingStop, Some(_), Some(_)) => {
                return Err(refused(
                    "trail_price",
                    "trail_percent and trail_price are mutually exclusive",
                ))
            }
            (OrderType::TrailingStop, Some(p), None) => {
                let pct = positive_decimal(p, 4).ok_or_else(|| {
                    SimApiError::with_param(
                        ErrorCode::InvalidAmount,
                        "trail_percent",
                        "trail_percent must be a positive decimal string",
                    )
                })?;
                if pct >= Decimal::ONE_HUNDRED {
                    return Err(refused("trail_percent", "trail_percent must be below 100"));
                }
                Some(Trail::Percent(pct))
            }
            (OrderType::TrailingStop, None, Some(_)) => {
                price_field(&req.trail_price, "trail_price")?.map(Trail::Price)
            }
            (_, Some(_), _) => {
                return Err(refused(
                    "trail_percent",
                    "trail_percent is only allowed on trailing_stop orders",
                ))
            }
            (_, _, Some(_)) => {
                return Err(refused(
                    "trail_price",
                    "trail_price is only allowed on trailing_stop orders",
                ))
            }
            _ => None,
        };

        let stop_like = matches!(
            order_type,
            OrderType::Stop | OrderType::StopLimit | OrderType::TrailingStop
        );
        if stop_like && !matches!(time_in_force, TimeInForce::Day | TimeInForce::Gtc) {
            return Err(refused(
                "time_in_force",
                "stop, stop_limit and trailing_stop orders must be day or gtc",
            ));
        }
        let extended_hours = req.extended_hours.unwrap_or(false);
        if extended_hours && (order_type != OrderType::Limit || time_in_force != TimeInForce::Day) {
            return Err(refused(
                "extended_hours",
                "extended_hours is only allowed on limit orders with time_in_force day",
            ));
        }

        Ok(Self {
            symbol,
            side,
            order_type,
            time_in_force,
            amount,
            limit_price,
            stop_price,
            trail,
            extended_hours,
            client_order_id: req.client_order_id.clone(),
        })
    }

    pub fn quantity(&self) -> Option<Decimal> {
        match self.amount {
            Amount::Quantity(q) => Some(q),
            Amount::Notional(_) => None,
        }
    }

    pub fn notional(&self) -> Option<Decimal> {
        match self.amount {
            Amount::Notional(n) => Some(n),
            Amount::Quantity(_) => None,
        }
    }
}

/// One execution.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Fill {
    pub quantity: Decimal,
    pub price: Decimal,
    /// Cash moved: `money(quantity × price)` (debited for buys, credited for sells).
    pub amount: Decimal,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// An order as the engine keeps it. The wire fields follow the Gen C order resource; the
/// fields after `fills` are engine state, persisted with it but not part of Bluum's resource.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Order {
    pub id: String,
    pub client_order_id: Option<String>,
    pub symbol: String,
    pub class: AssetClass,
    pub currency: String,
    pub side: Side,
    #[serde(rename = "type")]
    pub order_type: OrderType,
    pub time_in_force: TimeInForce,
    /// `None` for notional orders.
    pub quantity: Option<Decimal>,
    pub notional: Option<Decimal>,
    pub limit_price: Option<Decimal>,
    /// For trailing stops, the current trigger level (moves with the watermark).
    pub stop_price: Option<Decimal>,
    pub trail_percent: Option<Decimal>,
    pub trail_price: Option<Decimal>,
    pub extended_hours: bool,
    pub status: OrderStatus,
    pub filled_quantity: Decimal,
    /// `None` for unfilled notional orders (the quantity is known only at the fill).
    pub remaining_quantity: Option<Decimal>,
    pub average_price: Option<Decimal>,
    pub commission: Decimal,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the order started working (placement, or the open for queued orders).
    #[serde(with = "time::serde::rfc3339::option")]
    pub submitted_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub filled_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub cancelled_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub failed_at: Option<OffsetDateTime>,
    /// Why an order was cancelled by the engine (expiry, ioc/fok remainder) or failed.
    pub failure_reason: Option<String>,
    pub fills: Vec<Fill>,
    /// Queued orders start working at this instant.
    #[serde(with = "time::serde::rfc3339::option")]
    pub activates_at: Option<OffsetDateTime>,
    /// `day` orders are cancelled at this instant (session close).
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// When a stop, stop_limit or trailing_stop triggered.
    #[serde(with = "time::serde::rfc3339::option")]
    pub triggered_at: Option<OffsetDateTime>,
    /// Trailing stops: high-water mark (sells) or low-water mark (buys).
    pub watermark: Option<Decimal>,
    /// Cash still reserved in the wallet for this (buy) order.
    pub hold_amount: Decimal,
    /// Unix second of the last limit fill: displayed liquidity is used once per second.
    pub last_fill_second: Option<i64>,
}

impl Order {
    /// Shares still promised to this sell order (released on cancel).
    pub(crate) fn unfilled_quantity(&self) -> Decimal {
        self.remaining_quantity.unwrap_or(Decimal::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_param(req: &OrderRequest) -> (ErrorCode, Option<String>) {
        let err = OrderSpec::parse(req).expect_err("invalid");
        (err.code, err.param)
    }

    fn base() -> OrderRequest {
        OrderRequest::new("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day).quantity("1")
    }

    #[test]
    fn missing_and_invalid_enums() {
        let mut r = base();
        r.symbol = None;
        assert_eq!(
            code_param(&r),
            (ErrorCode::MissingField, Some("symbol".into()))
        );
        let mut r = base();
        r.side = Some("hold".into());
        assert_eq!(
            code_param(&r),
            (ErrorCode::InvalidEnum, Some("side".into()))
        );
        let mut r = base();
        r.order_type = None;
        assert_eq!(
            code_param(&r),
            (ErrorCode::MissingField, Some("type".into()))
        );
        let mut r = base();
        r.order_type = Some("MARKET".into());
        assert_eq!(
            code_param(&r),
            (ErrorCode::InvalidEnum, Some("type".into()))
        );
        let mut r = base();
        r.time_in_force = Some("week".into());
        assert_eq!(
            code_param(&r),
            (ErrorCode::InvalidEnum, Some("time_in_force".into()))
        );
    }

    #[test]
    fn quantity_and_notional_rules() {
        let mut r = base();
        r.quantity = None;
        assert_eq!(
            code_param(&r),
            (ErrorCode::MissingField, Some("quantity".into()))
        );
        for bad in ["0", "-1", "abc", "0.0000000001"] {
            let r = base().quantity(bad);
            assert_eq!(
                code_param(&r),
                (ErrorCode::InvalidQuantity, Some("quantity".into())),
                "{bad}"
            );
        }
        let r = base().notional("10");
        assert_eq!(
            code_param(&r),
            (ErrorCode::Validation, Some("notional".into()))
        );
        let mut r = base().notional("0.50");
        r.quantity = None;
        assert_eq!(
            code_param(&r),
            (ErrorCode::InvalidAmount, Some("notional".into()))
        );
        let r = OrderRequest::new("AAPL", Side::Sell, OrderType::Market, TimeInForce::Day)
            .notional("10");
        assert_eq!(
            code_param(&r),
            (ErrorCode::Validation, Some("notional".into()))
        );
        let r = OrderRequest::new("AAPL", Side::Buy, OrderType::Market, TimeInForce::Day)
            .notional("25.50");
        assert_eq!(
            OrderSpec::parse(&r).expect("valid").notional(),
            Some(Decimal::new(2550, 2))
        );
    }

    #[test]
    fn price_fields_follow_the_type() {
        let limit = || {
            OrderRequest::new("AAPL", Side::Buy, OrderType::Limit, TimeInForce::Gtc).quantity("1")
        };
        assert_eq!(
            code_param(&limit()),
            (ErrorCode::MissingField, Some("limit_price".into()))
        );
        assert_eq!(
            code_param(&limit().limit_price("10.001")),
            (ErrorCode::InvalidAmount, Some("limit_price".into()))
        );
        assert_eq!(
            code_param(&base().limit_price("10")),
            (ErrorCode::Validation, Some("limit_price".into()))
        );
        let stop_limit =
            OrderRequest::new("AAPL", Side::Sell, OrderType::StopLimit, TimeInForce::Day)
                .quantity("1")
                .limit_price("10");
        assert_eq!(
            code_param(&stop_limit),
            (ErrorCode::MissingField, Some("stop_price".into()))
        );
        let trailing = || {
            OrderRequest::new(
                "AAPL",
                Side::Sell,
                OrderType::TrailingStop,
                TimeInForce::Gtc,
            )
            .quantity("1")
        };
        assert_eq!(
            code_param(&trailing()),
            (ErrorCode::MissingField, Some("trail_percent".into()))
        );
        assert_eq!(
            code_param(&trailing().trail_percent("5").trail_price("1")),
            (ErrorCode::Validation, Some("trail_price".into()))
        );
        assert_eq!(
            code_param(&trailing().trail_percent("100")),
            (ErrorCode::Validation, Some("trail_percent".into()))
        );
        assert_eq!(
            OrderSpec::parse(&trailing().trail_price("2.50"))
                .expect("valid")
                .trail,
            Some(Trail::Price(Decimal::new(250, 2)))
        );
        let mut ioc_stop = trailing().trail_percent("3");
        ioc_stop.time_in_force = Some("ioc".into());
        assert_eq!(
            code_param(&ioc_stop),
            (ErrorCode::Validation, Some("time_in_force".into()))
        );
        assert_eq!(
            code_param(&base().extended_hours(true)),
            (ErrorCode::Validation, Some("extended_hours".into()))
        );
    }

    #[test]
    fn request_decodes_numbers_and_ignores_unknown_fields() {
        let req: OrderRequest = serde_json::from_value(serde_json::json!({
            "symbol": "AAPL", "side": "buy", "type": "limit", "time_in_force": "gtc",
            "quantity": 2.5, "limit_price": "150.00", "wallet_currency": "USD", "market": "XNAS"
        }))
        .expect("decodes");
        let spec = OrderSpec::parse(&req).expect("valid");
        assert_eq!(spec.quantity(), Some(Decimal::new(25, 1)));
        assert_eq!(spec.limit_price, Some(Decimal::new(15000, 2)));
    }
}
