//! Holdings.
//!
//! Endpoints: `GET /investors/{investor_id}/positions`, `GET …/positions/{position_id}`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::assets::AssetClass;
use super::common::{ts, ResourceMeta};
use crate::bluum::ids::{InvestorId, PositionId};

string_enum! {
    /// Where the current price came from.
    pub enum PriceSource {
        Alpaca = "ALPACA",
        Naya = "NAYA",
        Database = "DATABASE",
        Unavailable = "UNAVAILABLE",
    }
}

string_enum! {
    /// How fresh the current price is.
    pub enum PriceConfidence {
        RealTime = "REAL_TIME",
        Delayed = "DELAYED",
        EndOfDay = "END_OF_DAY",
        Stale = "STALE",
        Unavailable = "UNAVAILABLE",
    }
}

/// A holding (`pos_…`). `total_cost_basis = quantity × average_cost_basis`,
/// `market_value = quantity × current_price`, `unrealized_pl = market_value − total_cost_basis`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Position {
    pub id: PositionId,
    #[serde(flatten)]
    pub meta: ResourceMeta,
    #[serde(default)]
    pub investor_id: Option<InvestorId>,
    pub symbol: String,
    /// A raw UUID.
    #[serde(default)]
    pub asset_id: Option<String>,
    #[serde(default)]
    pub class: Option<AssetClass>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    pub quantity: Decimal,
    #[serde(default)]
    pub average_cost_basis: Option<Decimal>,
    #[serde(default)]
    pub total_cost_basis: Option<Decimal>,
    #[serde(default)]
    pub current_price: Option<Decimal>,
    #[serde(default)]
    pub market_value: Option<Decimal>,
    #[serde(default)]
    pub unrealized_pl: Option<Decimal>,
    /// Unit is inconsistent upstream (percent in some examples, fraction in others): prefer
    /// computing it from `unrealized_pl / total_cost_basis`.
    #[serde(default)]
    pub unrealized_pl_percent: Option<Decimal>,
    #[serde(default)]
    pub price_source: Option<PriceSource>,
    #[serde(default)]
    pub price_confidence: Option<PriceConfidence>,
    #[serde(default, with = "ts")]
    pub price_timestamp: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub last_transaction_at: Option<OffsetDateTime>,
    #[serde(default, with = "ts")]
    pub updated_at: Option<OffsetDateTime>,
}

/// Query of `GET /investors/{investor_id}/positions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PositionQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub non_zero_only: Option<bool>,
    /// Bluum defaults to `true` (Gen C).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_prices: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::{decode, List};
    use std::str::FromStr;

    #[test]
    fn decodes_a_position_list() {
        let json = r#"{"object": "list", "url": "/v1/investors/inv_01abc/positions", "has_more": false,
            "data": [{"id": "pos_01j9x8m2k7qpzwv3t5r6y8n0ab", "object": "position", "created": 1718455800,
            "livemode": false, "metadata": {}, "investor_id": "inv_01abc", "symbol": "AAPL",
            "asset_id": "b0b6dd9d-8b9b-48a9-ba46-b9d54906e415", "class": "equity", "country": "us",
            "currency": "USD", "quantity": "10", "average_cost_basis": "178.50",
            "total_cost_basis": "1785.00", "current_price": "183.07", "market_value": "1830.70",
            "unrealized_pl": "45.70", "unrealized_pl_percent": "2.56",
            "price_timestamp": "2025-06-15T20:00:00Z", "last_transaction_at": "2025-06-15T14:30:15Z",
            "updated_at": "2025-06-15T20:00:00Z", "price_source": "ALPACA", "price_confidence": "DELAYED"}]}"#;
        let list: List<Position> = decode(json.as_bytes()).unwrap();
        let p = &list.data[0];
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(
            p.quantity * p.average_cost_basis.unwrap(),
            p.total_cost_basis.unwrap()
        );
        assert_eq!(
            p.quantity * p.current_price.unwrap(),
            p.market_value.unwrap()
        );
        assert_eq!(
            p.market_value.unwrap() - p.total_cost_basis.unwrap(),
            d("45.70")
        );
        assert_eq!(p.price_source, Some(PriceSource::Alpaca));
        assert_eq!(p.price_confidence, Some(PriceConfidence::Delayed));
    }
}
