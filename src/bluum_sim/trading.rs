//! Orders and positions (fact sheet §2.8, §2.9). Routes are wired once the engine lands.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::api::Meta;
use super::state::World;
use super::store::Record;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order {
    #[serde(flatten)]
    pub meta: Meta,
    pub investor_id: String,
    #[serde(flatten)]
    pub fields: serde_json::Map<String, Value>,
}

impl Record for Order {
    const KIND: &'static str = "order";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Position {
    #[serde(flatten)]
    pub meta: Meta,
    pub investor_id: String,
    pub quantity: Decimal,
}

impl Record for Position {
    const KIND: &'static str = "position";
    fn id(&self) -> &str {
        &self.meta.id
    }
    fn investor_id(&self) -> Option<&str> {
        Some(&self.investor_id)
    }
}

/// Market value of the investor's positions at current prices.
pub fn market_value(_world: &World, _investor_id: &str) -> Decimal {
    Decimal::ZERO
}
