//! Orders and order estimates.
//!
//! Endpoints: `POST /investors/{investor_id}/orders` (with `Idempotency-Key`),
//! `GET /investors/{investor_id}/orders[/{order_id}]`, `POST …/orders/{order_id}/cancel`,
//! `POST /investors/{investor_id}/order-estimates`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::assets::AssetClass;
use super::common::{ts, ResourceMeta};
use crate::bluum::ids::{InvestorId, OrderId};

string_enum! {
    pub enum OrderSide {
        Buy = "buy",
        Sell = "sell",
    }
}

string_enum! {
    pub enum OrderType {
        Market = "market",
        Limit = "limit",
        Stop = "stop",
        StopLimit = "stop_limit",
        TrailingStop = "trailing_stop",
    }
}

string_enum! {
    pub enum TimeInForce {
        Day = "day",
        Gtc = "gtc",
        Opg = "opg",
        Cls = "cls",
        Ioc = "ioc",
        Fok = "fok",
    }
}

string_enum! {
    /// Order status. Gen A spellings (`accepted`, `partially_filled`, `canceled`, `rejected`,
    /// still used by webhook event names) map to their Gen C meaning.
    pub enum OrderStatus {
        Pending = "pending" | "accepted",
        Open = "open",
        Partial = "partial" | "partially_filled",
        Filled = "filled",
        Cancelled = "cancelled" | "canceled",
        Failed = "failed" | "rejected",
    }
}

impl OrderStatus {
    /// Can still fill or be cancelled.
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Pending | Self::Open | Self::Partial)
    }
}

string_enum! {
    pub enum CommissionType {
        Notional = "notional",
        PerShare = "per_share" | "qty",
        Bps = "bps",
    }
}

/// Body of `POST /investors/{investor_id}/orders`. Use [`CreateOrderRequest::market`] or
/// [`CreateOrderRequest::limit`] and adjust fields as needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateOrderRequest {
    pub symbol: String,
    pub side: OrderSide,
    #[serde(rename = "type")]
    pub order_type: OrderType,
    pub time_in_force: TimeInForce,
    /// Shares (fractional allowed); required unless `notional`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    /// Cash amount; market buys of fractionable assets only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notional: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_price: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_price: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trail_percent: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trail_price: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_hours: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_order_id: Option<String>,
    /// Market hint (MIC or e.g. `NASDAQ`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// `USD, NGN, GBP, EUR, KES`; Bluum defaults to USD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wallet_currency: Option<String>,
}

impl CreateOrderRequest {
    /// A market day order for `quantity` shares.
    pub fn market(symbol: impl Into<String>, side: OrderSide, quantity: Decimal) -> Self {
        Self {
            symbol: symbol.into(),
            side,
            order_type: OrderType::Market,
            time_in_force: TimeInForce::Day,
            quantity: Some(quantity),
            notional: None,
            limit_price: None,
            stop_price: None,
            trail_percent: None,
            trail_price: None,
            extended_hours: None,
            client_order_id: None,
            market: None,
            wallet_currency: None,
        }
    }

    /// A limit order for `quantity` shares at `limit_price`.
    pub fn limit(
        symbol: impl Into<String>,
        side: OrderSide,
        quantity: Decimal,
        limit_price: Decimal,
        time_in_force: TimeInForce,
    ) -> Self {
        Self {
            order_type: OrderType::Limit,
            time_in_force,
            limit_price: Some(limit_price),
            ..Self::market(symbol, side, quantity)
        }
    }
}

/// An order (`ord_…`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Order {
    pub id: OrderId,
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub investor_id: Option<InvestorId>,
    pub symbol: String,
    #[serde(default)]
    pub class: Option<AssetClass>,
    #[serde(default)]
    pub currency: Option<String>,
    pub side: OrderSide,
    #[serde(rename = "type")]
    pub order_type: OrderType,
    #[serde(default)]
    pub time_in_force: Option<TimeInForce>,
    #[serde(default, alias = "qty")]
    pub quantity: Option<Decimal>,
    #[serde(default)]
    pub notional: Option<Decimal>,
    #[serde(default)]
    pub limit_price: Option<Decimal>,
    #[serde(default)]
    pub stop_price: Option<Decimal>,
    #[serde(default)]
    pub trail_percent: Option<Decimal>,
    #[serde(default)]
    pub trail_price: Option<Decimal>,
    #[serde(default)]
    pub extended_hours: bool,
    #[serde(default)]
    pub client_order_id: Option<String>,
    pub status: OrderStatus,
    #[serde(default)]
    pub filled_quantity: Option<Decimal>,
    #[serde(default)]
    pub remaining_quantity: Option<Decimal>,
    #[serde(default)]
    pub average_price: Option<Decimal>,
    #[serde(default)]
    pub commission: Option<Decimal>,
    #[serde(default)]
    pub commission_type: Option<CommissionType>,
    /// `null` until sent to the custodian.
    #[serde(default, with = "ts")]
    pub submitted_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub filled_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub cancelled_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub failure_reason: Option<String>,
}

/// Filters of `GET /investors/{investor_id}/orders`. `status: Open` means "any non-terminal".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OrderQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<OrderSide>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<AssetClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
}

/// Body of `POST /investors/{investor_id}/order-estimates` (market or limit only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrderEstimateRequest {
    pub symbol: String,
    pub side: OrderSide,
    #[serde(rename = "type")]
    pub order_type: OrderType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Decimal>,
    /// Market buys only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notional: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_price: Option<Decimal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
}

/// An indicative cost estimate; `errors` lists why the order would be rejected.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct OrderEstimate {
    #[serde(default)]
    pub object: Option<String>,
    #[serde(default)]
    pub investor_id: Option<InvestorId>,
    pub symbol: String,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub total_estimated_value: Option<Decimal>,
    #[serde(default)]
    pub estimated_price: Option<Decimal>,
    #[serde(default)]
    pub estimated_quantity: Option<Decimal>,
    #[serde(default)]
    pub commission: Option<Decimal>,
    #[serde(default)]
    pub errors: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::decode;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn decodes_an_order() {
        let json = r#"{"id": "ord_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "order", "created": 1718455800,
            "livemode": false, "metadata": {}, "investor_id": "inv_01abc", "symbol": "AAPL",
            "class": "equity", "currency": "USD", "side": "buy", "type": "market",
            "time_in_force": "day", "quantity": "10", "notional": null, "limit_price": null,
            "stop_price": null, "trail_percent": null, "trail_price": null, "extended_hours": false,
            "client_order_id": null, "status": "filled", "filled_quantity": "10",
            "remaining_quantity": "0", "average_price": "178.50", "commission": "0.00",
            "commission_type": "notional", "submitted_at": "2025-06-15T14:30:01Z",
            "filled_at": "2025-06-15T14:30:15Z", "cancelled_at": null, "failure_reason": null,
            "settlement_date": null, "bond": null}"#;
        let order: Order = decode(json.as_bytes()).unwrap();
        assert_eq!(order.status, OrderStatus::Filled);
        assert_eq!(order.side, OrderSide::Buy);
        assert_eq!(order.order_type, OrderType::Market);
        assert_eq!(order.average_price, Some(dec("178.50")));
        assert_eq!(
            order.filled_quantity.unwrap() * order.average_price.unwrap(),
            dec("1785.00")
        );
        assert!(!order.status.is_open());
    }

    #[test]
    fn order_status_accepts_gen_a_words_and_unknowns() {
        assert_eq!(
            OrderStatus::from_wire("partially_filled"),
            OrderStatus::Partial
        );
        assert_eq!(OrderStatus::from_wire("canceled"), OrderStatus::Cancelled);
        assert_eq!(OrderStatus::from_wire("rejected"), OrderStatus::Failed);
        assert_eq!(
            OrderStatus::from_wire("pending_replace"),
            OrderStatus::Unknown("pending_replace".into())
        );
        assert!(OrderStatus::Open.is_open());
    }

    #[test]
    fn order_request_sends_decimal_strings() {
        let req = CreateOrderRequest::limit(
            "AAPL",
            OrderSide::Buy,
            dec("0.5000"),
            dec("150.25"),
            TimeInForce::Gtc,
        );
        assert_eq!(
            serde_json::to_value(&req).unwrap(),
            serde_json::json!({"symbol": "AAPL", "side": "buy", "type": "limit",
                               "time_in_force": "gtc", "quantity": "0.5000", "limit_price": "150.25"})
        );
    }

    #[test]
    fn decodes_an_order_estimate() {
        let json = r#"{"object": "order_estimate", "investor_id": "inv_01abc", "symbol": "AAPL",
            "currency": "USD", "total_estimated_value": "1785.00", "estimated_price": "178.50",
            "estimated_quantity": "10", "commission": "0.00", "errors": ["Insufficient buying power"]}"#;
        let est: OrderEstimate = decode(json.as_bytes()).unwrap();
        assert_eq!(est.total_estimated_value, Some(dec("1785.00")));
        assert_eq!(est.errors, ["Insufficient buying power"]);
    }
}
