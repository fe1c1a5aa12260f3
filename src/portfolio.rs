//! The portfolio's figures, shared by the server and the browser: each position's market value,
//! cost, unrealised profit or loss and weight, the totals, and the value chart's line. Exact
//! decimals throughout (never floats, except for the chart's screen coordinates).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One holding as Bluum reports it: shares, average cost per share and the latest price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub symbol: String,
    pub name: String,
    pub quantity: Decimal,
    pub average_cost: Decimal,
    pub price: Decimal,
}

/// A position with its figures worked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionRow {
    pub symbol: String,
    pub name: String,
    pub quantity: Decimal,
    pub average_cost: Decimal,
    pub price: Decimal,
    /// Shares × price, to the cent.
    pub market_value: Decimal,
    /// Shares × average cost, to the cent.
    pub cost: Decimal,
    /// Market value − cost.
    pub unrealized_pl: Decimal,
    /// Profit or loss as a percentage of cost, two decimals (`None` at zero cost).
    pub unrealized_pl_percent: Option<Decimal>,
    /// Share of the invested value, percent with one decimal.
    pub weight: Decimal,
}

/// The whole portfolio.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Invested value plus cash.
    pub total_value: Decimal,
    pub cash: Decimal,
    /// Market value of all positions.
    pub invested: Decimal,
    pub cost: Decimal,
    pub unrealized_pl: Decimal,
    pub unrealized_pl_percent: Option<Decimal>,
}

/// How the positions table is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortBy {
    Symbol,
    Value,
    Pl,
    PlPercent,
}

impl SortBy {
    pub const ALL: [SortBy; 4] = [Self::Value, Self::Symbol, Self::Pl, Self::PlPercent];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Symbol => "symbol",
            Self::Value => "value",
            Self::Pl => "pl",
            Self::PlPercent => "pl_percent",
        }
    }

    pub fn from_slug(slug: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.slug() == slug)
            .unwrap_or(Self::Value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Symbol => "Symbol",
            Self::Value => "Market value",
            Self::Pl => "Profit or loss ($)",
            Self::PlPercent => "Profit or loss (%)",
        }
    }
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// `part / whole` as a percentage rounded to `dp` decimals; `None` when `whole` is zero.
pub fn percent(part: Decimal, whole: Decimal, dp: u32) -> Option<Decimal> {
    (!whole.is_zero()).then(|| (part * HUNDRED / whole).round_dp(dp))
}

/// Works out every position's figures and the totals; rows sorted by `sort` (largest first,
/// symbols A to Z).
pub fn summarize(holdings: &[Holding], cash: Decimal, sort: SortBy) -> (Summary, Vec<PositionRow>) {
    let mut rows: Vec<PositionRow> = holdings
        .iter()
        .filter(|h| !h.quantity.is_zero())
        .map(|h| {
            let market_value = (h.quantity * h.price).round_dp(2);
            let cost = (h.quantity * h.average_cost).round_dp(2);
            let unrealized_pl = market_value - cost;
            PositionRow {
                symbol: h.symbol.clone(),
                name: h.name.clone(),
                quantity: h.quantity.normalize(),
                average_cost: h.average_cost,
                price: h.price,
                market_value,
                cost,
                unrealized_pl,
                unrealized_pl_percent: percent(unrealized_pl, cost, 2),
                weight: Decimal::ZERO,
            }
        })
        .collect();
    let invested: Decimal = rows.iter().map(|r| r.market_value).sum();
    let cost: Decimal = rows.iter().map(|r| r.cost).sum();
    for row in &mut rows {
        row.weight = percent(row.market_value, invested, 1).unwrap_or_default();
    }
    match sort {
        SortBy::Symbol => rows.sort_by(|a, b| a.symbol.cmp(&b.symbol)),
        SortBy::Value => rows.sort_by_key(|r| std::cmp::Reverse(r.market_value)),
        SortBy::Pl => rows.sort_by_key(|r| std::cmp::Reverse(r.unrealized_pl)),
        SortBy::PlPercent => {
            rows.sort_by_key(|r| std::cmp::Reverse(r.unrealized_pl_percent.unwrap_or_default()))
        }
    }
    let unrealized_pl = invested - cost;
    let summary = Summary {
        total_value: invested + cash,
        cash,
        invested,
        cost,
        unrealized_pl,
        unrealized_pl_percent: percent(unrealized_pl, cost, 2),
    };
    (summary, rows)
}

/// `+$12.40`, `−$3.10`, `$0.00`: the sign says it, not only the colour.
pub fn signed_usd(amount: Decimal) -> String {
    if amount > Decimal::ZERO {
        format!("+{}", crate::money::usd(amount))
    } else {
        crate::money::usd(amount)
    }
}

/// `+2.56%`, `−1.20%`.
pub fn signed_percent(value: Decimal) -> String {
    let rounded = value.round_dp(2);
    if rounded > Decimal::ZERO {
        format!("+{rounded:.2}%")
    } else if rounded < Decimal::ZERO {
        format!("−{:.2}%", rounded.abs())
    } else {
        "0.00%".to_owned()
    }
}

/// A change told in words and signs: `+$12.40 (+1.02%) up`; `—` when unknown.
pub fn change_text(change: Option<Decimal>, percent: Option<Decimal>) -> String {
    match (change, percent) {
        (Some(c), Some(p)) => format!("{} ({}) {}", signed_usd(c), signed_percent(p), direction(c)),
        (Some(c), None) => format!("{} {}", signed_usd(c), direction(c)),
        _ => "—".to_owned(),
    }
}

/// "up", "down" or "unchanged", for words next to a figure.
pub fn direction(amount: Decimal) -> &'static str {
    match amount.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Greater => "up",
        std::cmp::Ordering::Less => "down",
        std::cmp::Ordering::Equal => "unchanged",
    }
}

/// A line chart of `points` (unix seconds, value) in a `width` × `height` box: the SVG path
/// and the value range it spans. `None` with fewer than two points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartLine {
    /// The `d` attribute of the line's `<path>`.
    pub path: String,
    /// The same line closed along the bottom, for a fill under it.
    pub area: String,
    pub min: Decimal,
    pub max: Decimal,
}

pub fn chart_line(points: &[(i64, Decimal)], width: f64, height: f64) -> Option<ChartLine> {
    if points.len() < 2 {
        return None;
    }
    let (t0, t1) = (points[0].0, points[points.len() - 1].0);
    let min = points.iter().map(|p| p.1).min()?;
    let max = points.iter().map(|p| p.1).max()?;
    let span_t = (t1 - t0).max(1) as f64;
    let span_v = max - min;
    // A flat line sits in the middle.
    let y_of = |v: Decimal| -> f64 {
        if span_v.is_zero() {
            return height / 2.0;
        }
        let fraction = ((v - min) / span_v).to_f64().unwrap_or(0.0);
        height - fraction * height
    };
    let mut path = String::new();
    for (i, (t, v)) in points.iter().enumerate() {
        let x = (*t - t0) as f64 / span_t * width;
        let y = y_of(*v);
        path.push_str(&format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { " L" }));
    }
    let area = format!("{path} L{width:.1},{height:.1} L0.0,{height:.1} Z");
    Some(ChartLine {
        path,
        area,
        min,
        max,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn holding(symbol: &str, quantity: &str, cost: &str, price: &str) -> Holding {
        Holding {
            symbol: symbol.into(),
            name: format!("{symbol} Inc."),
            quantity: dec(quantity),
            average_cost: dec(cost),
            price: dec(price),
        }
    }

    #[test]
    fn figures_match_a_hand_computation() {
        // AAPL: 10 × 178.50 = 1,785.00 cost; 10 × 183.07 = 1,830.70 value; +45.70 (+2.56%).
        // TSLA: 2.5 × 250.00 = 625.00 cost; 2.5 × 240.10 = 600.25 value; −24.75 (−3.96%).
        let holdings = [
            holding("TSLA", "2.5", "250.00", "240.10"),
            holding("AAPL", "10", "178.50", "183.07"),
            holding("ZERO", "0", "1", "1"),
        ];
        let (summary, rows) = summarize(&holdings, dec("100.00"), SortBy::Value);
        assert_eq!(rows.len(), 2, "empty positions are left out");
        let aapl = &rows[0];
        assert_eq!(aapl.symbol, "AAPL");
        assert_eq!(
            (aapl.cost, aapl.market_value, aapl.unrealized_pl),
            (dec("1785.00"), dec("1830.70"), dec("45.70"))
        );
        assert_eq!(aapl.unrealized_pl_percent, Some(dec("2.56")));
        let tsla = &rows[1];
        assert_eq!(
            (tsla.cost, tsla.market_value, tsla.unrealized_pl),
            (dec("625.00"), dec("600.25"), dec("-24.75"))
        );
        assert_eq!(tsla.unrealized_pl_percent, Some(dec("-3.96")));
        // Weights: 1,830.70 / 2,430.95 = 75.3%; 600.25 / 2,430.95 = 24.7%.
        assert_eq!((aapl.weight, tsla.weight), (dec("75.3"), dec("24.7")));
        assert_eq!(
            summary,
            Summary {
                total_value: dec("2530.95"),
                cash: dec("100.00"),
                invested: dec("2430.95"),
                cost: dec("2410.00"),
                unrealized_pl: dec("20.95"),
                unrealized_pl_percent: Some(dec("0.87")),
            }
        );
    }

    #[test]
    fn rows_sort_by_the_chosen_column() {
        let holdings = [
            holding("B", "1", "10", "30"),
            holding("A", "1", "10", "5"),
            holding("C", "10", "10", "11"),
        ];
        let order = |sort| {
            summarize(&holdings, Decimal::ZERO, sort)
                .1
                .into_iter()
                .map(|r| r.symbol)
                .collect::<Vec<_>>()
        };
        assert_eq!(order(SortBy::Value), ["C", "B", "A"]);
        assert_eq!(order(SortBy::Symbol), ["A", "B", "C"]);
        assert_eq!(order(SortBy::Pl), ["B", "C", "A"]);
        assert_eq!(order(SortBy::PlPercent), ["B", "C", "A"]);
        assert_eq!(SortBy::from_slug("nonsense"), SortBy::Value);
    }

    #[test]
    fn an_empty_portfolio_is_all_cash() {
        let (summary, rows) = summarize(&[], dec("250.00"), SortBy::Value);
        assert!(rows.is_empty());
        assert_eq!(summary.total_value, dec("250.00"));
        assert_eq!(summary.unrealized_pl_percent, None);
    }

    #[test]
    fn gains_and_losses_are_told_by_sign() {
        assert_eq!(signed_usd(dec("12.4")), "+$12.40");
        assert_eq!(signed_usd(dec("-3.1")), "−$3.10");
        assert_eq!(signed_usd(Decimal::ZERO), "$0.00");
        assert_eq!(signed_percent(dec("2.555")), "+2.56%");
        assert_eq!(signed_percent(dec("-1.2")), "−1.20%");
        assert_eq!(direction(dec("-0.01")), "down");
        assert_eq!(
            change_text(Some(dec("12.4")), Some(dec("1.02"))),
            "+$12.40 (+1.02%) up"
        );
        assert_eq!(change_text(None, None), "—");
    }

    #[test]
    fn the_chart_spans_the_box() {
        let points = [(0, dec("100")), (50, dec("150")), (100, dec("125"))];
        let line = chart_line(&points, 200.0, 100.0).unwrap();
        assert_eq!(line.path, "M0.0,100.0 L100.0,0.0 L200.0,50.0");
        assert_eq!(
            line.area,
            "M0.0,100.0 L100.0,0.0 L200.0,50.0 L200.0,100.0 L0.0,100.0 Z"
        );
        assert_eq!((line.min, line.max), (dec("100"), dec("150")));
        let flat = chart_line(&[(0, dec("5")), (10, dec("5"))], 100.0, 40.0).unwrap();
        assert_eq!(flat.path, "M0.0,20.0 L100.0,20.0");
        assert!(chart_line(&points[..1], 100.0, 40.0).is_none());
    }
}
