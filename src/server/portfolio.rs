//! The investor's portfolio: read from Bluum (positions and wallet, at once) and worked out by
//! `crate::portfolio`, and recorded over time in `portfolio_snapshots`, which Bluum has no
//! history endpoint for. A snapshot is taken:
//! - after every fill and completed transfer (the webhook receiver calls [`take_snapshot`]);
//! - when the portfolio page is read, at most every [`PAGE_SNAPSHOT_GAP`] (no extra Bluum call:
//!   the page has just read the figures);
//! - every [`SCHEDULE_EVERY`] for every investor ([`snapshot_periodically`]).
//!
//! The chart and today's change read them back ([`series`], [`value_at`]).
//!
//! What Bluum says of a portfolio is reused for [`READING_TTL`] per investor ([`ReadingCache`]),
//! so a burst of page views makes one set of Bluum calls (concurrent misses wait for the same
//! reading). An older reading (up to [`READING_KEPT`]) is still shown once while a fresh one is
//! read in the background, so no page view waits on Bluum while the figures are being kept
//! current. It is forgotten at once when a webhook about the investor arrives at any instance
//! ([`forget_on_events`]) and when the user places or cancels an order or moves money
//! ([`forget`]); a background read that began before that is dropped, not stored.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rust_decimal::Decimal;
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::api::money::Balances;
use crate::bluum::client::BluumClient;
use crate::bluum::ids::InvestorId;
use crate::bluum::models::positions::{Position, PositionQuery};
use crate::error::AppError;
use crate::portfolio::{summarize, Holding, PositionRow, SortBy, Summary};

/// The least time between two snapshots taken because the page was read.
pub const PAGE_SNAPSHOT_GAP: Duration = Duration::from_secs(300);
/// How often every investor's portfolio is recorded.
pub const SCHEDULE_EVERY: Duration = Duration::from_secs(3600);

/// How long a reading of a portfolio is reused as it is.
pub const READING_TTL: Duration = Duration::from_secs(5);
/// How long an older reading may still be shown while a fresh one is read.
pub const READING_KEPT: Duration = Duration::from_secs(60);

/// What Bluum says of one investor's portfolio: the wallet and the holdings.
#[derive(Debug, Clone)]
pub struct Reading {
    pub balances: Balances,
    pub holdings: Vec<Holding>,
}

/// A reading as the cache keeps it.
#[derive(Debug)]
pub struct Cached {
    reading: Reading,
    taken: std::time::Instant,
    /// A fresh reading is being read in the background.
    refreshing: AtomicBool,
    /// A page has used this reading (and recorded it in the history).
    used: AtomicBool,
}

impl Cached {
    fn new(reading: Reading) -> Arc<Self> {
        Arc::new(Self {
            reading,
            taken: std::time::Instant::now(),
            refreshing: AtomicBool::new(false),
            used: AtomicBool::new(false),
        })
    }
}

/// Recent readings by investor id.
pub type ReadingCache = moka::future::Cache<String, Arc<Cached>>;

pub fn reading_cache() -> ReadingCache {
    moka::future::Cache::builder()
        .time_to_live(READING_KEPT)
        .max_capacity(100_000)
        .build()
}

/// Approved KYC statuses by investor id, kept for a minute: every invest page checks the
/// investor is approved (`JourneyGate`), and approval rarely changes.
pub type ApprovalCache = moka::future::Cache<String, crate::api::onboarding::KycStatus>;

pub fn approval_cache() -> ApprovalCache {
    moka::future::Cache::builder()
        .time_to_live(Duration::from_secs(60))
        .max_capacity(100_000)
        .build()
}

/// Forgets `investor`'s reading (after an order or a transfer of theirs).
pub async fn forget(cache: &ReadingCache, investor: &InvestorId) {
    cache.invalidate(investor.as_str()).await;
}

/// Forgets the reading and approval of every investor a live event is about, for the life of
/// the server.
pub async fn forget_on_events(
    mut events: tokio::sync::broadcast::Receiver<super::live::Notification>,
    cache: ReadingCache,
    approvals: ApprovalCache,
) {
    use tokio::sync::broadcast::error::RecvError;
    loop {
        match events.recv().await {
            Ok(n) => {
                cache.invalidate(&n.investor_id).await;
                approvals.invalidate(&n.investor_id).await;
            }
            // Missed some: forget everything rather than serve a stale reading.
            Err(RecvError::Lagged(_)) => {
                cache.invalidate_all();
                approvals.invalidate_all();
            }
            Err(RecvError::Closed) => return,
        }
    }
}

/// A holding from a Bluum position; `name` from the asset, when known.
pub fn holding_of(p: Position, name: Option<String>) -> Holding {
    let average_cost =
        p.average_cost_basis
            .unwrap_or_else(|| match (p.total_cost_basis, p.quantity.is_zero()) {
                (Some(total), false) => total / p.quantity,
                _ => Decimal::ZERO,
            });
    let price = p
        .current_price
        .or_else(|| {
            p.market_value
                .filter(|_| !p.quantity.is_zero())
                .map(|v| v / p.quantity)
        })
        .unwrap_or(average_cost);
    Holding {
        name: name.unwrap_or_else(|| p.symbol.clone()),
        symbol: p.symbol,
        quantity: p.quantity,
        average_cost,
        price,
    }
}

/// Reads the wallet and the positions (with their assets' names, for the page) from Bluum.
async fn read(
    bluum: &BluumClient,
    investor: &InvestorId,
    names: bool,
) -> Result<Reading, AppError> {
    let query = PositionQuery {
        non_zero_only: Some(true),
        ..PositionQuery::default()
    };
    let (positions, balances) = tokio::try_join!(
        async { Ok::<_, AppError>(bluum.list_positions(investor, &query).await?.data) },
        crate::api::money::ssr::balances_with(bluum, investor),
    )?;
    let names: Vec<(String, String)> = if names && !positions.is_empty() {
        let symbols: Vec<&str> = positions
            .iter()
            .take(20)
            .map(|p| p.symbol.as_str())
            .collect();
        // Names are a nicety: the page still shows the symbols if this fails.
        match bluum.get_assets_batch(&symbols, None).await {
            Ok(assets) => assets
                .data
                .into_iter()
                .filter_map(|a| a.name.map(|n| (a.symbol, n)))
                .collect(),
            Err(error) => {
                tracing::warn!(%error, "could not read the names of the positions' assets");
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    let holdings = positions
        .into_iter()
        .map(|p| {
            let name = names
                .iter()
                .find(|(s, _)| s.eq_ignore_ascii_case(&p.symbol))
                .map(|(_, n)| n.clone());
            holding_of(p, name)
        })
        .collect();
    Ok(Reading { balances, holdings })
}

/// The portfolio now, as [`current`] reads it.
#[derive(Debug, Clone)]
pub struct Current {
    pub balances: Balances,
    pub summary: Summary,
    pub positions: Vec<PositionRow>,
    /// No page has shown this reading before (so it is worth recording).
    pub first_use: bool,
}

/// The portfolio now: the wallet, the totals and the positions sorted by `sort`. Through
/// `cache` (the page) a reading of the last few seconds is reused and includes the assets'
/// names; without it (snapshots) Bluum is asked afresh.
pub async fn current(
    bluum: &BluumClient,
    cache: Option<&ReadingCache>,
    investor: &InvestorId,
    sort: SortBy,
) -> Result<Current, AppError> {
    let cached = match cache {
        Some(cache) => cached_reading(bluum, cache, investor).await?,
        None => Cached::new(read(bluum, investor, false).await?),
    };
    let reading = &cached.reading;
    let (summary, positions) = summarize(&reading.holdings, reading.balances.balance, sort);
    Ok(Current {
        balances: reading.balances.clone(),
        summary,
        positions,
        first_use: !cached.used.swap(true, Ordering::Relaxed),
    })
}

/// The investor's wallet from the same reading as [`current`] (the header shows the buying
/// power on every page), without counting as a page's use of it.
pub async fn balances(
    bluum: &BluumClient,
    cache: &ReadingCache,
    investor: &InvestorId,
) -> Result<Balances, AppError> {
    Ok(cached_reading(bluum, cache, investor)
        .await?
        .reading
        .balances
        .clone())
}

/// The cached reading of `investor`: a fresh one as it is; an older one as it is while one
/// background read replaces it; none, read now (concurrent callers share the read).
async fn cached_reading(
    bluum: &BluumClient,
    cache: &ReadingCache,
    investor: &InvestorId,
) -> Result<Arc<Cached>, AppError> {
    let key = investor.as_str().to_owned();
    if let Some(cached) = cache.get(&key).await {
        if cached.taken.elapsed() >= READING_TTL && !cached.refreshing.swap(true, Ordering::AcqRel)
        {
            let (bluum, cache, investor) = (bluum.clone(), cache.clone(), investor.clone());
            let old = Arc::clone(&cached);
            tokio::spawn(async move {
                match read(&bluum, &investor, true).await {
                    Ok(reading) => replace(&cache, key, &old, Cached::new(reading)).await,
                    Err(error) => {
                        tracing::warn!(%error, "could not refresh a portfolio reading");
                        old.refreshing.store(false, Ordering::Release);
                    }
                }
            });
        }
        return Ok(cached);
    }
    cache
        .try_get_with(key, async {
            read(bluum, investor, true).await.map(Cached::new)
        })
        .await
        .map_err(|shared| (*shared).clone())
}

/// Stores `fresh` in place of `old`, unless `old` has gone meanwhile (forgotten after an event
/// or the user's own order or transfer: `fresh` may predate it) or been replaced.
async fn replace(cache: &ReadingCache, key: String, old: &Arc<Cached>, fresh: Arc<Cached>) {
    use moka::ops::compute::Op;
    cache
        .entry(key)
        .and_compute_with(|current| {
            let op = match current {
                Some(entry) if Arc::ptr_eq(entry.value(), old) => Op::Put(fresh),
                _ => Op::Nop,
            };
            std::future::ready(op)
        })
        .await;
}

/// Records `summary` for `investor` now; with `min_gap`, only if the latest snapshot is older
/// than that. Returns whether one was recorded.
pub async fn record(
    pool: &PgPool,
    investor: &str,
    summary: &Summary,
    min_gap: Option<Duration>,
) -> Result<bool, sqlx::Error> {
    let gap = min_gap.map_or(0.0, |g| g.as_secs_f64());
    let done = sqlx::query(
        "INSERT INTO portfolio_snapshots (investor_id, total_value, cash, invested)
         SELECT $1, $2, $3, $4
         WHERE NOT EXISTS (
             SELECT 1 FROM portfolio_snapshots
             WHERE investor_id = $1 AND taken_at > now() - make_interval(secs => $5))
         ON CONFLICT DO NOTHING",
    )
    .bind(investor)
    .bind(summary.total_value)
    .bind(summary.cash)
    .bind(summary.invested)
    .bind(gap)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reads the portfolio from Bluum and records it.
pub async fn take_snapshot(
    pool: &PgPool,
    bluum: &BluumClient,
    investor: &InvestorId,
) -> Result<(), AppError> {
    let now = current(bluum, None, investor, SortBy::Value).await?;
    record(pool, investor.as_str(), &now.summary, None).await?;
    Ok(())
}

/// `(unix seconds, total value)` of `investor`'s snapshots since `since`, oldest first.
pub async fn series(
    pool: &PgPool,
    investor: &str,
    since: OffsetDateTime,
) -> Result<Vec<(i64, Decimal)>, sqlx::Error> {
    let rows: Vec<(OffsetDateTime, Decimal)> = sqlx::query_as(
        "SELECT taken_at, total_value FROM portfolio_snapshots
         WHERE investor_id = $1 AND taken_at >= $2 ORDER BY taken_at",
    )
    .bind(investor)
    .bind(since)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, value)| (at.unix_timestamp(), value))
        .collect())
}

/// The total value recorded last at or before `at`, if any.
pub async fn value_at(
    pool: &PgPool,
    investor: &str,
    at: OffsetDateTime,
) -> Result<Option<Decimal>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT total_value FROM portfolio_snapshots
         WHERE investor_id = $1 AND taken_at <= $2 ORDER BY taken_at DESC LIMIT 1",
    )
    .bind(investor)
    .bind(at)
    .fetch_optional(pool)
    .await
}

/// Records every linked investor's portfolio every [`SCHEDULE_EVERY`], for the life of the
/// server, a second apart (Bluum's rate limit is shared by every user).
pub async fn snapshot_periodically(pool: PgPool, bluum: BluumClient) {
    let mut every = tokio::time::interval(SCHEDULE_EVERY);
    every.tick().await;
    loop {
        every.tick().await;
        let investors: Vec<String> =
            match sqlx::query_scalar("SELECT investor_id FROM user_investors")
                .fetch_all(&pool)
                .await
            {
                Ok(ids) => ids,
                Err(error) => {
                    tracing::warn!(%error, "could not list investors for snapshots");
                    continue;
                }
            };
        for id in investors {
            let Ok(investor) = InvestorId::parse(id) else {
                continue;
            };
            if let Err(error) = take_snapshot(&pool, &bluum, &investor).await {
                tracing::warn!(%error, investor = investor.as_str(), "could not record a portfolio snapshot");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading() -> Reading {
        Reading {
            balances: Balances::default(),
            holdings: Vec::new(),
        }
    }

    #[tokio::test]
    async fn a_background_read_replaces_the_reading_it_began_from_and_nothing_newer() {
        let cache = reading_cache();
        let key = || "inv_1".to_owned();
        let old = Cached::new(reading());
        cache.insert(key(), Arc::clone(&old)).await;
        let fresh = Cached::new(reading());
        replace(&cache, key(), &old, Arc::clone(&fresh)).await;
        assert!(Arc::ptr_eq(&cache.get(&key()).await.unwrap(), &fresh));

        // A read that began from `old` finds `fresh` there now: it is dropped.
        replace(&cache, key(), &old, Cached::new(reading())).await;
        assert!(Arc::ptr_eq(&cache.get(&key()).await.unwrap(), &fresh));
    }

    #[tokio::test]
    async fn a_background_read_that_began_before_a_forget_is_not_stored() {
        let cache = reading_cache();
        let old = Cached::new(reading());
        cache.insert("inv_1".to_owned(), Arc::clone(&old)).await;
        // The user places an order while Bluum is being read.
        cache.invalidate("inv_1").await;
        replace(&cache, "inv_1".to_owned(), &old, Cached::new(reading())).await;
        assert!(cache.get("inv_1").await.is_none());
    }
}
