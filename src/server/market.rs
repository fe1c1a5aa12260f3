//! Market data the asset pages show: an asset's bars over the spans its chart offers, read from
//! Bluum (`GET /assets/{symbol}/bars`) and kept for [`BARS_TTL`] per symbol and span. Bars are
//! the same for every investor, so a burst of visitors to one asset page makes one Bluum call
//! per span (concurrent misses wait for the same read).

use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use crate::bluum::client::BluumClient;
use crate::bluum::models::assets::{BarsQuery, Timeframe};
use crate::error::AppError;
use crate::market::PricePoint;

/// How long bars are reused.
pub const BARS_TTL: Duration = Duration::from_secs(30);

/// The bars an asset page asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// Daily bars of the last year (the 1M and 1Y charts, the day's change, the ranges).
    YearDaily,
    /// Five-minute bars of the last few days, for the latest session (the 1D chart).
    DaysFiveMinute,
    /// Hourly bars of the last week (the 1W chart).
    WeekHourly,
}

impl Span {
    fn query(self, now: OffsetDateTime) -> BarsQuery {
        let (timeframe, back, limit) = match self {
            Self::YearDaily => (Timeframe::OneDay, time::Duration::days(366), 400),
            // Four days reach back past a weekend to the last session.
            Self::DaysFiveMinute => (Timeframe::FiveMin, time::Duration::days(4), 1200),
            Self::WeekHourly => (Timeframe::OneHour, time::Duration::days(7), 400),
        };
        let mut query = BarsQuery::new(timeframe);
        query.start = Some(now - back);
        query.limit = Some(limit);
        query
    }
}

/// Recent bars by symbol and span.
pub type BarsCache = moka::future::Cache<(String, Span), Arc<Vec<PricePoint>>>;

pub fn bars_cache() -> BarsCache {
    moka::future::Cache::builder()
        .time_to_live(BARS_TTL)
        .max_capacity(10_000)
        .build()
}

/// `symbol`'s bars over `span`, oldest first (bars without a time are left out).
pub async fn bars(
    bluum: &BluumClient,
    cache: &BarsCache,
    symbol: &str,
    span: Span,
) -> Result<Arc<Vec<PricePoint>>, AppError> {
    cache
        .try_get_with((symbol.to_owned(), span), async {
            let bars = bluum
                .get_bars(symbol, &span.query(OffsetDateTime::now_utc()))
                .await?;
            let mut points: Vec<PricePoint> = bars
                .bars
                .into_iter()
                .filter_map(|bar| {
                    Some(PricePoint {
                        at: bar.timestamp?.unix_timestamp(),
                        low: bar.low,
                        high: bar.high,
                        close: bar.close,
                    })
                })
                .collect();
            points.sort_by_key(|p| p.at);
            Ok::<_, AppError>(Arc::new(points))
        })
        .await
        .map_err(|shared: Arc<AppError>| (*shared).clone())
}
