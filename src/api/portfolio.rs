//! The portfolio page's one call: the wallet, the totals, today's change, the positions with
//! their profit or loss, and the value chart, for the signed-in investor. The figures are
//! worked out by `crate::portfolio` from Bluum's positions and wallet (read at once); the
//! chart and today's change come from our own snapshots (`server::portfolio`).

use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::api::money::Balances;
use crate::error::AppError;
use crate::portfolio::{ChartLine, PositionRow, SortBy, Summary};

/// The chart's time span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartRange {
    Day,
    Week,
    Month,
    Year,
}

impl ChartRange {
    pub const ALL: [ChartRange; 4] = [Self::Day, Self::Week, Self::Month, Self::Year];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Day => "1d",
            Self::Week => "1w",
            Self::Month => "1m",
            Self::Year => "1y",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Day => "1D",
            Self::Week => "1W",
            Self::Month => "1M",
            Self::Year => "1Y",
        }
    }

    pub fn from_slug(slug: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|r| r.slug() == slug)
            .unwrap_or(Self::Month)
    }

    pub fn days(self) -> i64 {
        match self {
            Self::Day => 1,
            Self::Week => 7,
            Self::Month => 30,
            Self::Year => 365,
        }
    }
}

/// The chart box, in SVG user units.
pub const CHART_WIDTH: f64 = 600.0;
pub const CHART_HEIGHT: f64 = 160.0;

/// Everything the portfolio page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portfolio {
    pub balances: Balances,
    pub summary: Summary,
    pub positions: Vec<PositionRow>,
    pub sort: SortBy,
    pub range: ChartRange,
    /// Since the last value recorded before today (UTC); `None` before there is one.
    pub day_change: Option<Decimal>,
    pub day_change_percent: Option<Decimal>,
    /// `None` until two values are recorded in the range.
    pub chart: Option<ChartLine>,
}

/// The signed-in investor's portfolio, positions sorted by `sort`, chart over `range`.
#[server(endpoint = "portfolio/get")]
pub async fn get_portfolio(
    #[server(default)] sort: String,
    #[server(default)] range: String,
) -> Result<Portfolio, AppError> {
    use crate::server::portfolio::{current, record, series, value_at, Current, PAGE_SNAPSHOT_GAP};
    let me = crate::api::require_investor().await?;
    let app = crate::api::state();
    let sort = SortBy::from_slug(&sort);
    let range = ChartRange::from_slug(&range);
    let investor = me.investor_id.as_str();
    let now_reading = current(&app.bluum, Some(&app.portfolios), &me.investor_id, sort).await?;
    // The page's own reading goes into the history too (no extra Bluum call), once.
    if now_reading.first_use {
        let summary = &now_reading.summary;
        if let Err(error) = record(&app.pool, investor, summary, Some(PAGE_SNAPSHOT_GAP)).await {
            tracing::warn!(%error, "could not record a portfolio snapshot");
        }
    }
    let Current {
        balances,
        summary,
        positions,
        ..
    } = now_reading;
    let now = time::OffsetDateTime::now_utc();
    let midnight = now.replace_time(time::Time::MIDNIGHT);
    let since = now - time::Duration::days(range.days());
    let (mut points, before_today) = tokio::try_join!(
        series(&app.pool, investor, since),
        value_at(&app.pool, investor, midnight),
    )?;
    // The line ends at the value shown above it.
    points.push((now.unix_timestamp(), summary.total_value));
    let day_change = before_today.map(|v| summary.total_value - v);
    let day_change_percent =
        before_today.and_then(|v| crate::portfolio::percent(summary.total_value - v, v, 2));
    Ok(Portfolio {
        chart: crate::portfolio::chart_line(&points, CHART_WIDTH, CHART_HEIGHT),
        balances,
        summary,
        positions,
        sort,
        range,
        day_change,
        day_change_percent,
    })
}
