//! Deterministic simulated prices: quotes, daily snapshots and OHLCV bars for
//! `GET /assets/{symbol}`, `/assets/{symbol}/bars`, `/assets/chart` and the market-data
//! endpoints (`/market-data/assets/{symbol}/quote|snapshot|bars`, fact sheet §2.10–2.11), and
//! the prices orders fill at.
//!
//! # The walk
//! A symbol's raw price at second `t` is `reference_price × (1 + d(t))`, where `d` is a sum of
//! seven layers of value noise (periods 28 days, 7 days, 1 day, 2 hours, 15 minutes,
//! 1 minute, 5 seconds; amplitudes 6%, 4%, 2.5%, 1%, 0.5%, 0.2%, 0.07%). Each layer takes a
//! pseudo-random value at every multiple of its period, drawn from a hash of
//! `(seed, symbol, layer, index)` (SplitMix64), and interpolates linearly between them.
//! So any instant can be priced without state, the same seed always gives the same prices,
//! and `|d| ≤ 14.27%`: prices stay within ±15% of the reference, positive, and move by
//! plausible amounts per day. All arithmetic is integer/decimal (no floats); prices are
//! rounded half-even to cents with a floor of $0.01. Resolution is one second.
//!
//! # Trading-hours view
//! [`PriceModel::raw_price`] ignores the calendar. What the market shows
//! ([`PriceModel::price`], quotes, fills) follows it: in NYSE mode the price moves only
//! during extended hours (04:00–20:00 New York on trading days) and is frozen at the last
//! traded second otherwise, so weekends and nights are flat and the next morning gaps.
//! The regular-session close price is the price at `close − 1s`.
//!
//! # Quotes
//! `bid = price − h`, `ask = price + h` with `h = max($0.01, price × 1bp)` rounded to cents,
//! and displayed sizes drawn per second from the hash (lots of 100 shares, or 10/1 for very
//! expensive stocks).
//!
//! # Bars
//! Intraday bars (1Min…1Hour) are aligned to UTC multiples of their length (so the 09:00
//! New York hourly bar holds 09:30–10:00) and, in NYSE mode, cover the regular session only;
//! buckets with no trading are skipped. Daily bars cover one session and are stamped at
//! New York midnight of its date; weekly (Monday-based) and monthly bars aggregate daily bars.
//! A bar is returned when its period overlaps `[start, end]` (weeks and months: when they
//! contain or follow `start`'s date).
//! High/low are taken from about 30 samples per bar plus its open and close, so
//! `low ≤ open, close ≤ high` always holds. Bars never look past `end`: the last bar may be
//! partial. Volume is drawn from the hash around a per-symbol average daily volume; `vwap` is
//! the typical price `(high + low + close) / 3`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use super::calendar::{new_york_date, new_york_to_utc, MarketCalendar, MarketHours, Session};
use super::catalog::Asset;
use crate::bluum_sim::error::{ErrorCode, SimApiError};

/// Noise layers: (period in seconds, amplitude in parts per million).
const LAYERS: [(i64, i64); 7] = [
    (28 * 86_400, 60_000),
    (7 * 86_400, 40_000),
    (86_400, 25_000),
    (7_200, 10_000),
    (900, 5_000),
    (60, 2_000),
    (5, 700),
];

const PPM: i64 = 1_000_000;

/// Seconds in a regular session, used to spread a day's volume.
const SESSION_SECONDS: i64 = 23_400;

/// Prices sampled inside a bar for its high and low (plus its open and close): enough to
/// look natural, few enough that 10,000 bars stay cheap.
const SAMPLES_PER_BAR: i64 = 30;

/// Upper bound on bars per request (Bluum's `limit` maximum).
pub const MAX_BARS: usize = 10_000;

/// SplitMix64 finaliser: a fast, well-mixed, stable 64-bit hash step.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Stable hash of `(seed, symbol, a, b)`; never changes between Rust versions (unlike
/// `std::hash`), so persisted simulations replay identically.
pub(crate) fn hash_parts(seed: u64, symbol: &str, a: u64, b: u64) -> u64 {
    // FNV-1a over the symbol bytes, then SplitMix64 over the parts.
    let mut fnv: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in symbol.bytes() {
        fnv ^= u64::from(byte);
        fnv = fnv.wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix(mix(mix(seed ^ mix(fnv)) ^ a) ^ b)
}

/// A uniform integer in `-amp..=amp` from a hash.
fn signed_unit(h: u64, amp: i64) -> i64 {
    let span = u64::try_from(2 * amp + 1).unwrap_or(1);
    i64::try_from(h % span).unwrap_or(0) - amp
}

/// Bar length.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timeframe {
    #[serde(rename = "1Min")]
    Min1,
    #[serde(rename = "5Min")]
    Min5,
    #[serde(rename = "15Min")]
    Min15,
    #[serde(rename = "30Min")]
    Min30,
    #[serde(rename = "1Hour")]
    Hour1,
    #[serde(rename = "1Day")]
    Day1,
    #[serde(rename = "1Week")]
    Week1,
    #[serde(rename = "1Month")]
    Month1,
}

impl Timeframe {
    pub const ALL: [Timeframe; 8] = [
        Self::Min1,
        Self::Min5,
        Self::Min15,
        Self::Min30,
        Self::Hour1,
        Self::Day1,
        Self::Week1,
        Self::Month1,
    ];

    /// The wire name, e.g. `"15Min"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Min1 => "1Min",
            Self::Min5 => "5Min",
            Self::Min15 => "15Min",
            Self::Min30 => "30Min",
            Self::Hour1 => "1Hour",
            Self::Day1 => "1Day",
            Self::Week1 => "1Week",
            Self::Month1 => "1Month",
        }
    }

    /// Parses a wire name (exact, as Bluum documents them); `BLUM-400-004` otherwise.
    pub fn parse(value: &str) -> Result<Self, SimApiError> {
        Self::ALL
            .into_iter()
            .find(|tf| tf.as_str() == value)
            .ok_or_else(|| {
                SimApiError::with_param(
                    ErrorCode::InvalidEnum,
                    "timeframe",
                    "timeframe must be one of 1Min, 5Min, 15Min, 30Min, 1Hour, 1Day, 1Week, 1Month",
                )
            })
    }

    /// Length in seconds of intraday timeframes.
    const fn intraday_seconds(self) -> Option<i64> {
        match self {
            Self::Min1 => Some(60),
            Self::Min5 => Some(300),
            Self::Min15 => Some(900),
            Self::Min30 => Some(1_800),
            Self::Hour1 => Some(3_600),
            _ => None,
        }
    }
}

/// A top-of-book quote.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub symbol: String,
    /// Last trade price.
    pub price: Decimal,
    pub bid_price: Decimal,
    pub ask_price: Decimal,
    /// Displayed size at the bid/ask, in shares; also the most a resting limit order can fill
    /// in one second (see the engine docs).
    pub bid_size: Decimal,
    pub ask_size: Decimal,
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
}

/// One OHLCV bar.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Start of the bar.
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub volume: u64,
    pub trade_count: u64,
    pub vwap: Decimal,
}

/// Latest price with the day's context, for asset quotes (`price`, `change`,
/// `changePercent`, `previousClose`) and the market-data snapshot.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub quote: Quote,
    /// The latest session's bar so far (partial while it trades).
    pub daily_bar: Bar,
    pub daily_bar_date: Date,
    pub previous_close: Decimal,
    pub previous_close_date: Date,
    /// `price − previous_close`.
    pub change: Decimal,
    /// `change / previous_close × 100`, two decimals (a percent, e.g. `1.25` = 1.25%).
    pub change_percent: Decimal,
}

/// The price model: a seed plus the calendar whose hours it trades in. Pure and cheap to copy.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PriceModel {
    pub seed: u64,
    pub calendar: MarketCalendar,
}

impl PriceModel {
    pub const fn new(seed: u64, calendar: MarketCalendar) -> Self {
        Self { seed, calendar }
    }

    /// The walk's price at an instant, ignoring market hours.
    pub fn raw_price(&self, asset: &Asset, at: OffsetDateTime) -> Decimal {
        let t = at.unix_timestamp();
        let deviation: i64 = LAYERS
            .iter()
            .enumerate()
            .map(|(layer, &(period, amp))| {
                let index = t.div_euclid(period);
                let into = t.rem_euclid(period);
                let value = |i: i64| {
                    let h = hash_parts(self.seed, &asset.symbol, layer as u64, i as u64);
                    signed_unit(h, amp)
                };
                let (a, b) = (value(index), value(index + 1));
                a + (b - a) * into / period
            })
            .sum();
        let factor = Decimal::new(PPM + deviation, 6);
        to_cents(asset.reference_price * factor).max(Decimal::new(1, 2))
    }

    /// The instant whose raw price the market shows at `at`: `at` itself while trading
    /// (extended hours count), else the last traded second.
    pub fn effective_instant(&self, at: OffsetDateTime) -> OffsetDateTime {
        if self.calendar.hours == MarketHours::AlwaysOpen || self.calendar.is_extended_open(at) {
            return at;
        }
        // Last extended session that started before `at`.
        let mut day = new_york_date(at);
        for _ in 0..14 {
            if let Some(s) = self.calendar.session(day) {
                if s.pre_open <= at {
                    return (s.post_close - Duration::SECOND).min(at);
                }
            }
            match day.previous_day() {
                Some(prev) => day = prev,
                None => break,
            }
        }
        at
    }

    /// The last traded price at `at` (frozen outside trading hours in NYSE mode).
    pub fn price(&self, asset: &Asset, at: OffsetDateTime) -> Decimal {
        self.raw_price(asset, self.effective_instant(at))
    }

    /// Top of book at `at`.
    pub fn quote(&self, asset: &Asset, at: OffsetDateTime) -> Quote {
        let effective = self.effective_instant(at);
        let price = self.raw_price(asset, effective);
        let half = to_cents(price * Decimal::new(1, 4)).max(Decimal::new(1, 2));
        let bid = (price - half).max(Decimal::new(1, 2));
        let lot = if price < Decimal::from(500) {
            100
        } else if price < Decimal::from(5_000) {
            10
        } else {
            1
        };
        let t = effective.unix_timestamp() as u64;
        let size = |side: u64| {
            let lots = 1 + hash_parts(self.seed, &asset.symbol, 100 + side, t) % 20;
            Decimal::from(lots * lot)
        };
        Quote {
            symbol: asset.symbol.clone(),
            price,
            bid_price: bid,
            ask_price: price + half,
            bid_size: size(0),
            ask_size: size(1),
            timestamp: at,
        }
    }

    /// Latest price with the latest session's bar and the previous session's close.
    pub fn snapshot(&self, asset: &Asset, at: OffsetDateTime) -> Snapshot {
        let quote = self.quote(asset, at);
        let latest = self
            .calendar
            .latest_session(at)
            .or_else(|| self.calendar.current_or_next_session(at));
        let (daily_bar, daily_bar_date, prev) = match latest {
            Some(session) => {
                let end = at.min(session.close);
                let bar = self.bar_over(
                    asset,
                    session.open,
                    end.max(session.open + Duration::SECOND),
                    day_key(session.date),
                    midnight(session.date),
                );
                let prev = self.calendar.previous_session(session.date);
                (bar, session.date, prev)
            }
            None => {
                let date = new_york_date(at);
                let bar = self.bar_over(asset, at, at + Duration::SECOND, 0, at);
                (bar, date, None)
            }
        };
        let (previous_close, previous_close_date) = match prev {
            Some(p) => (self.session_close(asset, &p), p.date),
            None => (daily_bar.open, daily_bar_date),
        };
        let change = quote.price - previous_close;
        let change_percent = if previous_close.is_zero() {
            Decimal::ZERO
        } else {
            to_cents(change * Decimal::ONE_HUNDRED / previous_close)
        };
        Snapshot {
            quote,
            daily_bar,
            daily_bar_date,
            previous_close,
            previous_close_date,
            change,
            change_percent,
        }
    }

    /// The regular-session closing price of a session.
    pub fn session_close(&self, asset: &Asset, session: &Session) -> Decimal {
        self.raw_price(asset, session.close - Duration::SECOND)
    }

    /// Bars of `timeframe` from `start` to `end`, oldest first, at most `limit`
    /// (capped at [`MAX_BARS`]). `BLUM-400-007` (param `end`) when `end < start`.
    pub fn bars(
        &self,
        asset: &Asset,
        timeframe: Timeframe,
        start: OffsetDateTime,
        end: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<Bar>, SimApiError> {
        if end < start {
            return Err(SimApiError::with_param(
                ErrorCode::InvalidDateRange,
                "end",
                "end must not be before start",
            ));
        }
        let limit = limit.min(MAX_BARS);
        let bars = match timeframe.intraday_seconds() {
            Some(len) => self.intraday_bars(asset, timeframe, len, start, end, limit),
            None => {
                let first = new_york_date(start);
                let last = new_york_date(end);
                match timeframe {
                    Timeframe::Week1 => {
                        let first = monday_of(first);
                        let range = (midnight(first), end);
                        self.grouped_bars(asset, first, last, range, limit, monday_of)
                    }
                    Timeframe::Month1 => {
                        let first = first.replace_day(1).unwrap_or(first);
                        let range = (midnight(first), end);
                        self.grouped_bars(asset, first, last, range, limit, |d| {
                            d.replace_day(1).unwrap_or(d)
                        })
                    }
                    _ => self
                        .daily_bars(asset, first, last, (start, end))
                        .into_iter()
                        .map(|(_, bar)| bar)
                        .take(limit)
                        .collect(),
                }
            }
        };
        Ok(bars)
    }

    fn intraday_bars(
        &self,
        asset: &Asset,
        timeframe: Timeframe,
        len: i64,
        start: OffsetDateTime,
        end: OffsetDateTime,
        limit: usize,
    ) -> Vec<Bar> {
        let mut out = Vec::new();
        let mut bucket = start.unix_timestamp().div_euclid(len) * len;
        let end_ts = end.unix_timestamp();
        while bucket <= end_ts && out.len() < limit {
            let Ok(b_start) = OffsetDateTime::from_unix_timestamp(bucket) else {
                break;
            };
            let b_end = b_start + Duration::seconds(len);
            let window = match self.calendar.current_or_next_session(b_start) {
                Some(s) => {
                    let lo = b_start.max(s.open);
                    let hi = b_end.min(s.close).min(end + Duration::SECOND);
                    if lo >= hi {
                        if s.open >= b_end {
                            // Jump straight to the bucket holding the next open.
                            let next = s.open.unix_timestamp().div_euclid(len) * len;
                            if next > bucket {
                                bucket = next;
                                continue;
                            }
                        }
                        bucket += len;
                        continue;
                    }
                    (lo, hi)
                }
                None => break,
            };
            let key = (timeframe as u64) << 56 ^ bucket as u64;
            out.push(self.bar_over(asset, window.0, window.1, key, b_start));
            bucket += len;
        }
        out
    }

    /// Daily bars, with their dates, for sessions dated `first..=last` that overlap
    /// `range = (start, end)` (closed after `start`, opened by `end`).
    fn daily_bars(
        &self,
        asset: &Asset,
        first: Date,
        last: Date,
        (start, end): (OffsetDateTime, OffsetDateTime),
    ) -> Vec<(Date, Bar)> {
        self.calendar
            .sessions_between(first, last)
            .into_iter()
            .filter(|s| s.close > start && s.open <= end)
            .map(|s| {
                let hi = s
                    .close
                    .min(end + Duration::SECOND)
                    .max(s.open + Duration::SECOND);
                (
                    s.date,
                    self.bar_over(asset, s.open, hi, day_key(s.date), midnight(s.date)),
                )
            })
            .collect()
    }

    /// Aggregates daily bars into weekly or monthly bars keyed by `group_start`.
    fn grouped_bars(
        &self,
        asset: &Asset,
        first: Date,
        last: Date,
        range: (OffsetDateTime, OffsetDateTime),
        limit: usize,
        group_start: impl Fn(Date) -> Date,
    ) -> Vec<Bar> {
        let mut out: Vec<Bar> = Vec::new();
        let mut current: Option<Date> = None;
        for (date, day) in self.daily_bars(asset, first, last, range) {
            let key = group_start(date);
            match (current, out.last_mut()) {
                (Some(k), Some(bar)) if k == key => {
                    bar.high = bar.high.max(day.high);
                    bar.low = bar.low.min(day.low);
                    bar.close = day.close;
                    bar.volume += day.volume;
                    bar.trade_count += day.trade_count;
                    bar.vwap = typical_price(bar.high, bar.low, bar.close);
                }
                _ => {
                    if out.len() == limit {
                        break;
                    }
                    current = Some(key);
                    out.push(Bar {
                        timestamp: midnight(key),
                        ..day
                    });
                }
            }
        }
        out
    }

    /// OHLCV over `[from, to)` (`to > from`), stamped `timestamp`; `key` varies the volume draw.
    fn bar_over(
        &self,
        asset: &Asset,
        from: OffsetDateTime,
        to: OffsetDateTime,
        key: u64,
        timestamp: OffsetDateTime,
    ) -> Bar {
        let span = (to - from).whole_seconds().max(1);
        let last = from + Duration::seconds(span - 1);
        let open = self.raw_price(asset, from);
        let close = self.raw_price(asset, last);
        let step = (span / SAMPLES_PER_BAR).max(1);
        let (mut high, mut low) = (open.max(close), open.min(close));
        let mut offset = step;
        while offset < span {
            let p = self.raw_price(asset, from + Duration::seconds(offset));
            high = high.max(p);
            low = low.min(p);
            offset += step;
        }
        // Average daily volume: $1–20 billion traded, in shares of this asset.
        let adv_dollars =
            1_000_000_000 + hash_parts(self.seed, &asset.symbol, 200, 0) % 19_000_000_000;
        let price_units = asset.reference_price.round().to_u64().unwrap_or(1).max(1);
        let per_session = adv_dollars / price_units;
        // 50%–150% of the pro-rata share of a session's volume.
        let noise = 50 + hash_parts(self.seed, &asset.symbol, 201, key) % 101;
        let volume = (u128::from(per_session) * span as u128 * u128::from(noise)
            / (SESSION_SECONDS as u128 * 100))
            .max(1);
        let volume = u64::try_from(volume).unwrap_or(u64::MAX);
        Bar {
            timestamp,
            open,
            high,
            low,
            close,
            volume,
            trade_count: (volume / 120).max(1),
            vwap: typical_price(high, low, close),
        }
    }
}

/// Rounds money half-even to cents.
fn to_cents(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
}

fn typical_price(high: Decimal, low: Decimal, close: Decimal) -> Decimal {
    to_cents((high + low + close) / Decimal::from(3))
}

/// New York midnight of a date, as a UTC instant (how daily bars are stamped).
fn midnight(date: Date) -> OffsetDateTime {
    new_york_to_utc(date, time::Time::MIDNIGHT)
}

fn day_key(date: Date) -> u64 {
    (1u64 << 60) ^ date.to_julian_day() as u64
}

fn monday_of(date: Date) -> Date {
    let back = i64::from(date.weekday().number_days_from_monday());
    date.checked_sub(Duration::days(back)).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum_sim::market::catalog::Catalog;
    use time::macros::{date, datetime};

    fn model(seed: u64, hours: MarketHours) -> PriceModel {
        PriceModel::new(seed, MarketCalendar::new(hours))
    }

    fn aapl() -> Asset {
        Catalog::standard().get("AAPL").cloned().expect("listed")
    }

    #[test]
    fn same_seed_same_prices_other_seed_other_prices() {
        let asset = aapl();
        let a = model(7, MarketHours::AlwaysOpen);
        let b = model(7, MarketHours::AlwaysOpen);
        let c = model(8, MarketHours::AlwaysOpen);
        let start = datetime!(2026-06-01 13:30 UTC);
        let mut differing = 0;
        for i in 0..500 {
            let at = start + Duration::seconds(i * 37);
            assert_eq!(a.raw_price(&asset, at), b.raw_price(&asset, at));
            if a.raw_price(&asset, at) != c.raw_price(&asset, at) {
                differing += 1;
            }
        }
        assert!(differing > 400, "only {differing} of 500 differ");
    }

    #[test]
    fn prices_stay_within_fifteen_percent_and_on_cents() {
        let m = model(123, MarketHours::AlwaysOpen);
        for asset in Catalog::standard().all() {
            let lo = asset.reference_price * Decimal::new(85, 2);
            let hi = asset.reference_price * Decimal::new(115, 2);
            // Every 6 hours and 7 seconds over a year.
            let mut at = datetime!(2026-01-01 0:00 UTC);
            while at < datetime!(2027-01-01 0:00 UTC) {
                let p = m.raw_price(asset, at);
                assert!(p >= lo && p <= hi, "{} {p} at {at}", asset.symbol);
                assert!(p.scale() <= 2);
                at += Duration::seconds(6 * 3_600 + 7);
            }
        }
    }

    #[test]
    fn the_walk_moves_but_not_wildly_second_to_second() {
        let asset = aapl();
        let m = model(1, MarketHours::AlwaysOpen);
        let start = datetime!(2026-03-02 15:00 UTC);
        let mut prev = m.raw_price(&asset, start);
        let mut changes = 0;
        for i in 1..3_600 {
            let p = m.raw_price(&asset, start + Duration::seconds(i));
            // A one-second move is at most a few tenths of a percent.
            assert!(
                (p - prev).abs() <= prev * Decimal::new(5, 3),
                "{prev} -> {p}"
            );
            if p != prev {
                changes += 1;
            }
            prev = p;
        }
        assert!(
            changes > 1_000,
            "price changed only {changes} times in an hour"
        );
    }

    #[test]
    fn quote_brackets_price_and_freezes_when_closed() {
        let asset = aapl();
        let m = model(5, MarketHours::Nyse);
        let q = m.quote(&asset, datetime!(2026-11-20 15:00 UTC));
        assert!(q.bid_price < q.price && q.price < q.ask_price);
        assert!(q.ask_price - q.bid_price >= Decimal::new(2, 2));
        assert!(q.ask_price - q.bid_price <= Decimal::new(20, 2));
        assert!(q.bid_size >= Decimal::ONE_HUNDRED);
        // Saturday and Sunday show Friday's 20:00 New York (after-hours end) price.
        let friday_last = m.raw_price(&asset, datetime!(2026-11-21 00:59:59 UTC));
        assert_eq!(
            m.price(&asset, datetime!(2026-11-21 15:00 UTC)),
            friday_last
        );
        assert_eq!(
            m.price(&asset, datetime!(2026-11-22 23:00 UTC)),
            friday_last
        );
        // Monday pre-market moves again.
        let monday = datetime!(2026-11-23 09:10 UTC); // 04:10 New York
        assert_eq!(m.price(&asset, monday), m.raw_price(&asset, monday));
    }

    #[test]
    fn snapshot_uses_previous_session_close() {
        let asset = aapl();
        let m = model(9, MarketHours::Nyse);
        // Monday after Thanksgiving week: previous session is the Friday early close.
        let at = datetime!(2026-11-30 16:00 UTC);
        let snap = m.snapshot(&asset, at);
        assert_eq!(snap.daily_bar_date, date!(2026 - 11 - 30));
        assert_eq!(snap.previous_close_date, date!(2026 - 11 - 27));
        assert_eq!(
            snap.previous_close,
            m.raw_price(&asset, datetime!(2026-11-27 17:59:59 UTC))
        );
        assert_eq!(snap.change, snap.quote.price - snap.previous_close);
        let expected = (snap.change * Decimal::ONE_HUNDRED / snap.previous_close)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven);
        assert_eq!(snap.change_percent, expected);
        assert_eq!(
            snap.daily_bar.open,
            m.raw_price(&asset, datetime!(2026-11-30 14:30 UTC))
        );
    }

    fn assert_consistent(bars: &[Bar]) {
        for bar in bars {
            assert!(bar.low <= bar.open && bar.open <= bar.high, "{bar:?}");
            assert!(bar.low <= bar.close && bar.close <= bar.high, "{bar:?}");
            assert!(bar.low <= bar.vwap && bar.vwap <= bar.high, "{bar:?}");
            assert!(bar.low > Decimal::ZERO && bar.volume > 0);
        }
        for pair in bars.windows(2) {
            assert!(pair[0].timestamp < pair[1].timestamp);
        }
    }

    #[test]
    fn bars_are_consistent_for_every_timeframe_and_mode() {
        let asset = aapl();
        for hours in [MarketHours::AlwaysOpen, MarketHours::Nyse] {
            let m = model(3, hours);
            for tf in Timeframe::ALL {
                let end = datetime!(2026-11-20 18:00 UTC);
                let start = end - Duration::days(90);
                let bars = m.bars(&asset, tf, start, end, 200).expect("valid range");
                assert!(!bars.is_empty(), "{tf:?} {hours:?}");
                assert!(bars.len() <= 200);
                assert_consistent(&bars);
                assert!(bars.iter().all(|b| b.timestamp <= end));
                // Deterministic.
                assert_eq!(bars, m.bars(&asset, tf, start, end, 200).expect("valid"));
            }
        }
    }

    #[test]
    fn nyse_bars_follow_the_session() {
        let asset = aapl();
        let m = model(3, MarketHours::Nyse);
        // Friday Nov 20 to Monday Nov 23, 2026: 390 one-minute bars per full session.
        let start = datetime!(2026-11-20 0:00 UTC);
        let end = datetime!(2026-11-24 0:00 UTC);
        let minutes = m
            .bars(&asset, Timeframe::Min1, start, end, MAX_BARS)
            .expect("ok");
        assert_eq!(minutes.len(), 2 * 390);
        assert_eq!(minutes[0].timestamp, datetime!(2026-11-20 14:30 UTC));
        assert_eq!(minutes[389].timestamp, datetime!(2026-11-20 20:59 UTC));
        assert_eq!(minutes[390].timestamp, datetime!(2026-11-23 14:30 UTC));
        // Hourly: 09:00 (half) … 15:00 → 7 bars a day.
        let hours = m
            .bars(&asset, Timeframe::Hour1, start, end, 100)
            .expect("ok");
        assert_eq!(hours.len(), 14);
        // Daily bars stamped at New York midnight; the daily bar spans its minute bars.
        let days = m
            .bars(&asset, Timeframe::Day1, start, end, 100)
            .expect("ok");
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].timestamp, datetime!(2026-11-20 05:00 UTC));
        assert_eq!(days[0].open, minutes[0].open);
        assert_eq!(days[0].close, minutes[389].close);
        // Weekly bars start on Monday; November 2026 has 20 sessions.
        let month = m
            .bars(
                &asset,
                Timeframe::Day1,
                datetime!(2026-11-01 5:00 UTC),
                datetime!(2026-12-01 4:59 UTC),
                100,
            )
            .expect("ok");
        assert_eq!(month.len(), 20);
        let monthly = m
            .bars(
                &asset,
                Timeframe::Month1,
                datetime!(2026-11-01 5:00 UTC),
                datetime!(2026-12-01 4:59 UTC),
                100,
            )
            .expect("ok");
        assert_eq!(monthly.len(), 1);
        assert_eq!(monthly[0].open, month[0].open);
        assert_eq!(monthly[0].close, month[19].close);
        assert_eq!(
            monthly[0].high,
            month.iter().map(|b| b.high).max().expect("bars")
        );
        assert_eq!(
            monthly[0].volume,
            month.iter().map(|b| b.volume).sum::<u64>()
        );
        let weeks = m
            .bars(
                &asset,
                Timeframe::Week1,
                datetime!(2026-11-01 5:00 UTC),
                datetime!(2026-12-01 4:59 UTC),
                100,
            )
            .expect("ok");
        // Weeks containing the range: Oct 26 (EDT, so 04:00 UTC), Nov 2, 9, 16, 23, 30.
        assert_eq!(weeks.len(), 6);
        assert_eq!(weeks[0].timestamp, datetime!(2026-10-26 04:00 UTC));
        assert_eq!(weeks[1].timestamp, datetime!(2026-11-02 05:00 UTC));
        assert_eq!(weeks[1].open, month[0].open);
    }

    #[test]
    fn bars_reject_inverted_ranges_and_respect_limit() {
        let asset = aapl();
        let m = model(3, MarketHours::AlwaysOpen);
        let at = datetime!(2026-11-20 18:00 UTC);
        let err = m
            .bars(&asset, Timeframe::Min1, at, at - Duration::MINUTE, 10)
            .expect_err("inverted");
        assert_eq!(err.code, ErrorCode::InvalidDateRange);
        let bars = m
            .bars(&asset, Timeframe::Min1, at - Duration::days(1), at, 25)
            .expect("ok");
        assert_eq!(bars.len(), 25);
        assert_eq!(Timeframe::parse("1Hour").expect("valid"), Timeframe::Hour1);
        assert_eq!(
            Timeframe::parse("1h").expect_err("invalid").code,
            ErrorCode::InvalidEnum
        );
    }
}
