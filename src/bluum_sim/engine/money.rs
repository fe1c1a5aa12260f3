//! Scales and rounding for money, prices and quantities, in one place so every engine module
//! rounds the same way.
//!
//! - Money (balances, holds, costs, proceeds, P&L): 2 decimals, **half-even** (banker's
//!   rounding) except holds, which round **up** so a hold always covers what it guards.
//! - Quantities: up to 9 decimals; quantities derived from a notional round **down** so the
//!   cost never exceeds the notional.
//! - Average cost basis: 6 decimals, half-even. Average fill price: 4 decimals, half-even,
//!   shown with at least 2.
//! - Percentages (`unrealized_pl_percent`, `change_percent`): percent units with 2 decimals
//!   (`"2.56"` means 2.56%).

use rust_decimal::{Decimal, RoundingStrategy};

pub const MONEY_SCALE: u32 = 2;
pub const QUANTITY_SCALE: u32 = 9;
pub const AVERAGE_COST_SCALE: u32 = 6;
pub const AVERAGE_PRICE_SCALE: u32 = 4;

/// Rounds to cents, half-even.
pub fn money(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(MONEY_SCALE, RoundingStrategy::MidpointNearestEven)
}

/// Rounds up to the next cent (holds).
pub fn money_up(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(MONEY_SCALE, RoundingStrategy::AwayFromZero)
}

/// Truncates a quantity to 9 decimals (notional → quantity).
pub fn quantity_down(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(QUANTITY_SCALE, RoundingStrategy::ToZero)
}

/// A percentage of `part` over `whole`, 2 decimals; zero when `whole` is zero.
pub fn percent(part: Decimal, whole: Decimal) -> Decimal {
    if whole.is_zero() {
        Decimal::ZERO
    } else {
        money(part * Decimal::ONE_HUNDRED / whole)
    }
}

/// An average price for display: 4 decimals, trailing zeros trimmed down to 2 decimals.
pub fn display_price(value: Decimal) -> Decimal {
    let mut rounded = value
        .round_dp_with_strategy(AVERAGE_PRICE_SCALE, RoundingStrategy::MidpointNearestEven)
        .normalize();
    if rounded.scale() < MONEY_SCALE {
        rounded.rescale(MONEY_SCALE);
    }
    rounded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    #[test]
    fn rounding_rules() {
        assert_eq!(money(d("1.005")), d("1.00"));
        assert_eq!(money(d("1.015")), d("1.02"));
        assert_eq!(money_up(d("1.001")), d("1.01"));
        assert_eq!(quantity_down(d("0.1234567899")), d("0.123456789"));
        assert_eq!(percent(d("2.5"), d("100")), d("2.50"));
        assert_eq!(percent(d("1"), d("0")), Decimal::ZERO);
        assert_eq!(display_price(d("178.5")).to_string(), "178.50");
        assert_eq!(display_price(d("178.123456")).to_string(), "178.1235");
    }
}
