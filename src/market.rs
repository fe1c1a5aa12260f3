//! What an asset page tells of a stock or fund's price, worked out from Bluum's bars with exact
//! decimals: the day's change, the range over a span and the change over a chart's span.
//! Shared by server and browser, like `crate::portfolio`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::portfolio::percent;

/// A lowest and highest price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceRange {
    pub low: Decimal,
    pub high: Decimal,
}

/// One bar as the asset page uses it: when it opened (unix seconds) and its prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricePoint {
    pub at: i64,
    pub low: Decimal,
    pub high: Decimal,
    pub close: Decimal,
}

/// A change in dollars and percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub amount: Decimal,
    /// `None` when the starting value is zero.
    pub percent: Option<Decimal>,
}

impl Change {
    /// From `from` to `to`, the percent to two places.
    pub fn between(from: Decimal, to: Decimal) -> Self {
        let amount = to - from;
        Self {
            amount,
            percent: percent(amount, from, 2),
        }
    }
}

/// The lowest low and highest high of `points`; `None` when there are none.
pub fn range_of(points: &[PricePoint]) -> Option<PriceRange> {
    let low = points.iter().map(|p| p.low).min()?;
    let high = points.iter().map(|p| p.high).max()?;
    Some(PriceRange { low, high })
}

/// The close the day's change is measured from, given daily bars oldest first: the close of
/// the session before the latest one. When the market is open the latest bar is today's, so
/// this is yesterday's close; when it is closed the latest bar is the last session, and its
/// change is the one shown, as brokerages do over a weekend.
pub fn previous_close(daily: &[PricePoint]) -> Option<Decimal> {
    daily.len().checked_sub(2).map(|i| daily[i].close)
}

/// The bars of the latest session among intraday bars (oldest first): those on the same UTC
/// day as the last one. A US session (09:30–16:00 New York) never spans two UTC days.
pub fn last_session(intraday: &[PricePoint]) -> &[PricePoint] {
    const DAY: i64 = 86_400;
    let Some(last) = intraday.last() else {
        return intraday;
    };
    let day = last.at.div_euclid(DAY);
    let first = intraday
        .iter()
        .position(|p| p.at.div_euclid(DAY) == day)
        .unwrap_or(0);
    &intraday[first..]
}

/// The points of `points` at or after `since` (unix seconds).
pub fn since(points: &[PricePoint], since: i64) -> &[PricePoint] {
    let first = points.partition_point(|p| p.at < since);
    &points[first..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn point(at: i64, low: &str, high: &str, close: &str) -> PricePoint {
        PricePoint {
            at,
            low: dec(low),
            high: dec(high),
            close: dec(close),
        }
    }

    #[test]
    fn the_days_change_is_from_the_session_before_the_latest() {
        let daily = [
            point(0, "1", "2", "180.00"),
            point(86_400, "1", "2", "182.50"),
            point(2 * 86_400, "1", "2", "181.00"),
        ];
        assert_eq!(previous_close(&daily), Some(dec("182.50")));
        // 181.00 − 182.50 = −1.50; −1.50 / 182.50 = −0.8219…% → −0.82%.
        let change = Change::between(dec("182.50"), dec("181.00"));
        assert_eq!(change.amount, dec("-1.50"));
        assert_eq!(change.percent, Some(dec("-0.82")));
        assert_eq!(previous_close(&daily[..1]), None);
    }

    #[test]
    fn a_change_from_zero_has_no_percent() {
        assert_eq!(Change::between(Decimal::ZERO, dec("5")).percent, None);
    }

    #[test]
    fn range_spans_lows_and_highs() {
        let points = [
            point(0, "10.10", "11.00", "10.50"),
            point(1, "9.95", "10.80", "10.00"),
        ];
        assert_eq!(
            range_of(&points),
            Some(PriceRange {
                low: dec("9.95"),
                high: dec("11.00")
            })
        );
        assert_eq!(range_of(&[]), None);
    }

    #[test]
    fn last_session_keeps_the_latest_days_bars() {
        let day = 86_400;
        let points = [
            point(day + 50_000, "1", "1", "1"),
            point(day + 60_000, "1", "1", "1"),
            point(3 * day + 50_000, "1", "1", "2"),
            point(3 * day + 70_000, "1", "1", "3"),
        ];
        let session = last_session(&points);
        assert_eq!(session.len(), 2);
        assert_eq!(session[0].close, dec("2"));
        assert!(last_session(&[]).is_empty());
    }

    #[test]
    fn since_cuts_older_points() {
        let points = [
            point(10, "1", "1", "1"),
            point(20, "1", "1", "2"),
            point(30, "1", "1", "3"),
        ];
        assert_eq!(since(&points, 20).len(), 2);
        assert_eq!(since(&points, 31).len(), 0);
        assert_eq!(since(&points, 0).len(), 3);
    }
}
