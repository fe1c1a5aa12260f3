//! Position bookkeeping (fact sheet §2.9): quantity held, quantity promised to open sell
//! orders, average cost basis (VWAP of buys; sells leave it unchanged) and realised P&L,
//! plus valuation at a price for `GET /investors/{id}/positions`.
//!
//! Math: `total_cost_basis = money(quantity × average_cost_basis)`,
//! `market_value = money(quantity × price)`, `unrealized_pl = market_value − total_cost_basis`,
//! `unrealized_pl_percent = unrealized_pl / total_cost_basis × 100` in **percent units**, 2
//! decimals (`"2.56"` = 2.56%). A sell realises `money(quantity × (price − average_cost))`.
//! A position sold down to zero keeps its realised P&L and resets its cost basis.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::money::{money, percent, AVERAGE_COST_SCALE};
use crate::bluum_sim::error::{ErrorCode, SimApiError};

/// One holding.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub symbol: String,
    pub quantity: Decimal,
    /// Shares promised to open sell orders (not yet filled).
    pub reserved_quantity: Decimal,
    pub average_cost_basis: Decimal,
    pub realized_pl: Decimal,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_transaction_at: Option<OffsetDateTime>,
}

/// A position valued at a price.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Valuation {
    pub current_price: Decimal,
    pub market_value: Decimal,
    pub total_cost_basis: Decimal,
    pub unrealized_pl: Decimal,
    /// Percent units, 2 decimals.
    pub unrealized_pl_percent: Decimal,
}

impl Position {
    pub fn new(symbol: impl Into<String>) -> Self {
        Self {
            symbol: symbol.into(),
            quantity: Decimal::ZERO,
            reserved_quantity: Decimal::ZERO,
            average_cost_basis: Decimal::ZERO,
            realized_pl: Decimal::ZERO,
            last_transaction_at: None,
        }
    }

    /// Shares that a new sell order may still use.
    pub fn available_quantity(&self) -> Decimal {
        self.quantity - self.reserved_quantity
    }

    pub fn total_cost_basis(&self) -> Decimal {
        money(self.quantity * self.average_cost_basis)
    }

    pub fn valuation(&self, price: Decimal) -> Valuation {
        let market_value = money(self.quantity * price);
        let total_cost_basis = self.total_cost_basis();
        let unrealized_pl = market_value - total_cost_basis;
        Valuation {
            current_price: price,
            market_value,
            total_cost_basis,
            unrealized_pl,
            unrealized_pl_percent: percent(unrealized_pl, total_cost_basis),
        }
    }
}

/// All positions of one investor, by symbol.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(transparent)]
pub struct Positions {
    pub by_symbol: BTreeMap<String, Position>,
}

impl Positions {
    pub fn get(&self, symbol: &str) -> Option<&Position> {
        self.by_symbol.get(symbol)
    }

    /// Quantity a new sell order can use (held minus promised to open sells).
    pub fn available_quantity(&self, symbol: &str) -> Decimal {
        self.get(symbol)
            .map_or(Decimal::ZERO, Position::available_quantity)
    }

    /// Promises `quantity` to a sell order; `BLUM-422-004` (param `quantity`) if not held.
    pub fn reserve(&mut self, symbol: &str, quantity: Decimal) -> Result<(), SimApiError> {
        let available = self.available_quantity(symbol);
        if quantity > available {
            return Err(SimApiError::with_param(
                ErrorCode::PositionInsufficient,
                "quantity",
                format!(
                    "cannot sell {quantity} {symbol}: {available} available (held minus open sell orders)"
                ),
            ));
        }
        if let Some(p) = self.by_symbol.get_mut(symbol) {
            p.reserved_quantity += quantity;
        }
        Ok(())
    }

    /// Returns shares promised to a sell order that will not fill (cancel, expiry).
    pub fn release(&mut self, symbol: &str, quantity: Decimal) {
        if let Some(p) = self.by_symbol.get_mut(symbol) {
            p.reserved_quantity = (p.reserved_quantity - quantity).max(Decimal::ZERO);
        }
    }

    /// Records a buy fill: quantity up, average cost re-weighted.
    pub fn apply_buy(
        &mut self,
        symbol: &str,
        quantity: Decimal,
        price: Decimal,
        at: OffsetDateTime,
    ) {
        let p = self
            .by_symbol
            .entry(symbol.to_owned())
            .or_insert_with(|| Position::new(symbol));
        let new_quantity = p.quantity + quantity;
        if !new_quantity.is_zero() {
            p.average_cost_basis = ((p.quantity * p.average_cost_basis + quantity * price)
                / new_quantity)
                .round_dp_with_strategy(AVERAGE_COST_SCALE, RoundingStrategy::MidpointNearestEven);
        }
        p.quantity = new_quantity;
        p.last_transaction_at = Some(at);
    }

    /// Records a sell fill of shares previously reserved; returns the realised P&L.
    pub fn apply_sell(
        &mut self,
        symbol: &str,
        quantity: Decimal,
        price: Decimal,
        at: OffsetDateTime,
    ) -> Decimal {
        let Some(p) = self.by_symbol.get_mut(symbol) else {
            return Decimal::ZERO;
        };
        let realized = money(quantity * (price - p.average_cost_basis));
        p.quantity -= quantity;
        p.reserved_quantity = (p.reserved_quantity - quantity).max(Decimal::ZERO);
        p.realized_pl += realized;
        if p.quantity.is_zero() {
            p.average_cost_basis = Decimal::ZERO;
        }
        p.last_transaction_at = Some(at);
        realized
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn average_cost_is_vwap_of_buys_and_sells_keep_it() {
        let at = datetime!(2026-11-20 15:00 UTC);
        let mut ps = Positions::default();
        ps.apply_buy("AAPL", d("10"), d("100.00"), at);
        ps.apply_buy("AAPL", d("30"), d("120.00"), at);
        assert_eq!(ps.get("AAPL").map(|p| p.average_cost_basis), Some(d("115")));
        ps.reserve("AAPL", d("15")).expect("held");
        assert_eq!(ps.available_quantity("AAPL"), d("25"));
        let realized = ps.apply_sell("AAPL", d("15"), d("125.00"), at);
        assert_eq!(realized, d("150.00"));
        let p = ps.get("AAPL").expect("still held");
        assert_eq!(p.quantity, d("25"));
        assert_eq!(p.average_cost_basis, d("115"));
        assert_eq!(p.reserved_quantity, Decimal::ZERO);
        assert_eq!(p.total_cost_basis(), d("2875.00"));
        let v = p.valuation(d("118.00"));
        assert_eq!(v.market_value, d("2950.00"));
        assert_eq!(v.unrealized_pl, d("75.00"));
        assert_eq!(v.unrealized_pl_percent, d("2.61"));
    }

    #[test]
    fn selling_more_than_available_is_position_insufficient() {
        let at = datetime!(2026-11-20 15:00 UTC);
        let mut ps = Positions::default();
        ps.apply_buy("MSFT", d("2"), d("500"), at);
        ps.reserve("MSFT", d("1.5")).expect("held");
        let err = ps.reserve("MSFT", d("0.6")).expect_err("only 0.5 left");
        assert_eq!(err.code, ErrorCode::PositionInsufficient);
        assert_eq!(err.param.as_deref(), Some("quantity"));
        let err = ps.reserve("NVDA", d("1")).expect_err("not held");
        assert_eq!(err.code, ErrorCode::PositionInsufficient);
        ps.release("MSFT", d("1.5"));
        assert_eq!(ps.available_quantity("MSFT"), d("2"));
    }
}
