//! Holdings.
//!
//! Endpoints: `GET /investors/{investor_id}/positions`, `GET …/positions/{position_id}`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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
    pub class: Option<String>,
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
