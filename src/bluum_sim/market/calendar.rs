//! Market hours of the simulated US market: either always open (the demo default) or the real
//! NYSE schedule, for the market endpoints (`GET /markets/{code}`, `.../status`,
//! `.../sessions`, `.../calendar`, fact sheet §2.11) and for the order engine (market-closed
//! rules, `day` expiry, queued orders).
//!
//! NYSE rules implemented (valid for any year from 2022, checked against the published
//! 2025–2027 calendars):
//! - regular session 09:30–16:00 America/New_York, extended hours 04:00–09:30 and 16:00–20:00;
//! - closed on weekends and on the ten NYSE holidays: New Year's Day, Martin Luther King Jr.
//!   Day, Washington's Birthday, Good Friday, Memorial Day, Juneteenth, Independence Day, Labor
//!   Day, Thanksgiving, Christmas. A holiday on Saturday is observed the Friday before, on
//!   Sunday the Monday after, except New Year's Day on a Saturday, which is not observed
//!   (NYSE Rule 7.2: the year-end Friday trades);
//! - early close at 13:00 (extended hours end 17:00) on the day after Thanksgiving, on
//!   Christmas Eve and on July 3 when those days are a Monday–Thursday (a Friday Dec 24 or
//!   July 3 is the observed holiday itself).
//!
//! New York time is computed without a tz database from the US DST rule in force since 2007:
//! UTC−4 from the second Sunday of March 02:00 local (07:00 UTC) to the first Sunday of
//! November 02:00 local (06:00 UTC), UTC−5 otherwise. Sessions never start or end near
//! 02:00, so converting a local session time to UTC is never ambiguous.
//!
//! In [`MarketHours::AlwaysOpen`] mode the market never closes; a "session" is then a New
//! York calendar day (00:00 to the next 00:00), which is what `day` orders expire at and
//! what daily bars cover.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// Which hours the simulated market keeps.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum MarketHours {
    /// Open every second of every day: orders fill whenever the demo is used.
    #[default]
    AlwaysOpen,
    /// The real NYSE schedule (regular session, weekends, holidays, early closes).
    Nyse,
}

/// One trading day's session, as UTC instants.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The New York calendar date of the session.
    pub date: Date,
    /// Start of pre-market trading (04:00 New York; the day start in always-open mode).
    #[serde(with = "time::serde::rfc3339")]
    pub pre_open: OffsetDateTime,
    /// Regular open (09:30 New York).
    #[serde(with = "time::serde::rfc3339")]
    pub open: OffsetDateTime,
    /// Regular close (16:00, or 13:00 on early-close days).
    #[serde(with = "time::serde::rfc3339")]
    pub close: OffsetDateTime,
    /// End of after-hours trading (20:00, or 17:00 on early-close days).
    #[serde(with = "time::serde::rfc3339")]
    pub post_close: OffsetDateTime,
    pub is_early_close: bool,
}

/// What a calendar date looks like: a session, or the reason there is none.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct DayInfo {
    pub date: Date,
    pub is_trading_day: bool,
    /// NYSE holiday name when the market is closed for a holiday.
    pub holiday_name: Option<String>,
    pub is_early_close: bool,
    pub session: Option<Session>,
}

/// Bluum's `trading_session_status` (`GET /market-data/markets/{code}/status`). The
/// simulator uses `PRE_OPEN` for pre-market (04:00–09:30), `OPEN` for the regular session,
/// `EXTENDED` for after-hours and `CLOSED` otherwise; it never halts.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TradingSessionStatus {
    PreOpen,
    Open,
    Extended,
    Closed,
}

/// The market's state at an instant.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MarketStatus {
    pub is_open: bool,
    pub trading_session_status: TradingSessionStatus,
    /// Today's (New York date) schedule.
    pub today: DayInfo,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_open: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_close: Option<OffsetDateTime>,
}

/// The market calendar; cheap to copy, pure.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarketCalendar {
    pub hours: MarketHours,
}

/// How far the "next open/close" searches look ahead; the longest NYSE closure is 4 days.
const SEARCH_DAYS: i64 = 14;

impl MarketCalendar {
    pub const fn new(hours: MarketHours) -> Self {
        Self { hours }
    }

    /// The session of a New York calendar date, `None` on weekends and holidays (NYSE mode).
    pub fn session(&self, date: Date) -> Option<Session> {
        match self.hours {
            MarketHours::AlwaysOpen => {
                let start = new_york_to_utc(date, Time::MIDNIGHT);
                let end = new_york_to_utc(date.next_day()?, Time::MIDNIGHT);
                Some(Session {
                    date,
                    pre_open: start,
                    open: start,
                    close: end,
                    post_close: end,
                    is_early_close: false,
                })
            }
            MarketHours::Nyse => {
                if is_weekend(date) || nyse_holiday(date).is_some() {
                    return None;
                }
                let early = nyse_early_close(date);
                let (close, post) = if early {
                    (time::macros::time!(13:00), time::macros::time!(17:00))
                } else {
                    (time::macros::time!(16:00), time::macros::time!(20:00))
                };
                Some(Session {
                    date,
                    pre_open: new_york_to_utc(date, time::macros::time!(04:00)),
                    open: new_york_to_utc(date, time::macros::time!(09:30)),
                    close: new_york_to_utc(date, close),
                    post_close: new_york_to_utc(date, post),
                    is_early_close: early,
                })
            }
        }
    }

    /// Session information for a date, with the holiday name when closed for one.
    pub fn day_info(&self, date: Date) -> DayInfo {
        let session = self.session(date);
        let holiday_name = match self.hours {
            MarketHours::AlwaysOpen => None,
            MarketHours::Nyse => nyse_holiday(date).map(str::to_owned),
        };
        DayInfo {
            date,
            is_trading_day: session.is_some(),
            holiday_name,
            is_early_close: session.as_ref().is_some_and(|s| s.is_early_close),
            session,
        }
    }

    /// Open/closed state, session phase, today's schedule and the next open and close.
    pub fn status(&self, at: OffsetDateTime) -> MarketStatus {
        let today = self.day_info(new_york_date(at));
        let trading_session_status = match &today.session {
            Some(s) if s.open <= at && at < s.close => TradingSessionStatus::Open,
            Some(s) if s.pre_open <= at && at < s.open => TradingSessionStatus::PreOpen,
            Some(s) if s.close <= at && at < s.post_close => TradingSessionStatus::Extended,
            _ => TradingSessionStatus::Closed,
        };
        MarketStatus {
            is_open: trading_session_status == TradingSessionStatus::Open,
            trading_session_status,
            today,
            next_open: self.next_open(at),
            next_close: self.next_close(at),
        }
    }

    /// Whether the regular session is open at `at`.
    pub fn is_open(&self, at: OffsetDateTime) -> bool {
        self.session(new_york_date(at))
            .is_some_and(|s| s.open <= at && at < s.close)
    }

    /// Whether extended-hours trading (pre-market, regular, after-hours) is possible at `at`.
    pub fn is_extended_open(&self, at: OffsetDateTime) -> bool {
        self.session(new_york_date(at))
            .is_some_and(|s| s.pre_open <= at && at < s.post_close)
    }

    /// The first regular open strictly after `at` (`None` in always-open mode: it never opens
    /// because it never closes).
    pub fn next_open(&self, at: OffsetDateTime) -> Option<OffsetDateTime> {
        if self.hours == MarketHours::AlwaysOpen {
            return None;
        }
        self.sessions_from(new_york_date(at))
            .map(|s| s.open)
            .find(|open| *open > at)
    }

    /// The first regular close strictly after `at` (`None` in always-open mode).
    pub fn next_close(&self, at: OffsetDateTime) -> Option<OffsetDateTime> {
        if self.hours == MarketHours::AlwaysOpen {
            return None;
        }
        self.sessions_from(new_york_date(at))
            .map(|s| s.close)
            .find(|close| *close > at)
    }

    /// The session in progress at `at`, or else the next one (the first whose regular close is
    /// after `at`). Always `Some` for realistic dates.
    pub fn current_or_next_session(&self, at: OffsetDateTime) -> Option<Session> {
        self.sessions_from(new_york_date(at)).find(|s| s.close > at)
    }

    /// The first extended-hours start (pre-market open) strictly after `at` (`None` in
    /// always-open mode).
    pub fn next_extended_open(&self, at: OffsetDateTime) -> Option<OffsetDateTime> {
        if self.hours == MarketHours::AlwaysOpen {
            return None;
        }
        self.sessions_from(new_york_date(at))
            .map(|s| s.pre_open)
            .find(|pre_open| *pre_open > at)
    }

    /// The session whose extended hours are in progress at `at`, or else the next one.
    pub fn current_or_next_extended_session(&self, at: OffsetDateTime) -> Option<Session> {
        self.sessions_from(new_york_date(at))
            .find(|s| s.post_close > at)
    }

    /// The latest session that has opened by `at` (today's once it opened, else the
    /// previous trading day's).
    pub fn latest_session(&self, at: OffsetDateTime) -> Option<Session> {
        self.sessions_back(new_york_date(at)).find(|s| s.open <= at)
    }

    /// The trading session before the one on `date` (skipping weekends and holidays).
    pub fn previous_session(&self, date: Date) -> Option<Session> {
        self.sessions_back(date.previous_day()?).next()
    }

    /// Sessions whose date lies in `from..=to` (New York dates), in order.
    pub fn sessions_between(&self, from: Date, to: Date) -> Vec<Session> {
        let mut out = Vec::new();
        let mut day = from;
        while day <= to {
            if let Some(s) = self.session(day) {
                out.push(s);
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
        out
    }

    fn sessions_from(&self, date: Date) -> impl Iterator<Item = Session> + '_ {
        (0..SEARCH_DAYS)
            .filter_map(move |i| date.checked_add(Duration::days(i)))
            .filter_map(|d| self.session(d))
    }

    fn sessions_back(&self, date: Date) -> impl Iterator<Item = Session> + '_ {
        (0..SEARCH_DAYS)
            .filter_map(move |i| date.checked_sub(Duration::days(i)))
            .filter_map(|d| self.session(d))
    }
}

/// New York's UTC offset at an instant (US DST rule since 2007).
pub fn new_york_offset(at: OffsetDateTime) -> UtcOffset {
    let year = at.to_offset(UtcOffset::UTC).year();
    let start = nth_weekday(year, Month::March, Weekday::Sunday, 2)
        .map(|d| d.with_time(time::macros::time!(07:00)).assume_utc());
    let end = nth_weekday(year, Month::November, Weekday::Sunday, 1)
        .map(|d| d.with_time(time::macros::time!(06:00)).assume_utc());
    let hours = match (start, end) {
        (Some(start), Some(end)) if start <= at && at < end => -4,
        _ => -5,
    };
    // The values are constants in range, so construction cannot fail; fall back to UTC anyway.
    UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The New York wall-clock date and time of an instant.
pub fn new_york_local(at: OffsetDateTime) -> PrimitiveDateTime {
    let local = at.to_offset(new_york_offset(at));
    PrimitiveDateTime::new(local.date(), local.time())
}

/// The New York calendar date of an instant.
pub fn new_york_date(at: OffsetDateTime) -> Date {
    new_york_local(at).date()
}

/// The UTC instant of a New York wall-clock time. For the (never used) 02:00–03:00 gap and
/// repeated hour of the DST switch days, the standard-time reading wins.
pub fn new_york_to_utc(date: Date, time: Time) -> OffsetDateTime {
    let as_standard = date.with_time(time).assume_offset(five_hours_west());
    let offset = new_york_offset(as_standard);
    date.with_time(time)
        .assume_offset(offset)
        .to_offset(UtcOffset::UTC)
}

fn five_hours_west() -> UtcOffset {
    UtcOffset::from_hms(-5, 0, 0).unwrap_or(UtcOffset::UTC)
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The `n`th (1-based) `weekday` of a month.
fn nth_weekday(year: i32, month: Month, weekday: Weekday, n: u8) -> Option<Date> {
    let first = Date::from_calendar_date(year, month, 1).ok()?;
    let shift =
        (7 + weekday.number_days_from_monday() - first.weekday().number_days_from_monday()) % 7;
    first.checked_add(Duration::days(i64::from(shift) + 7 * (i64::from(n) - 1)))
}

/// The last `weekday` of a month.
fn last_weekday(year: i32, month: Month, weekday: Weekday) -> Option<Date> {
    let next_first = match month {
        Month::December => Date::from_calendar_date(year + 1, Month::January, 1),
        _ => Date::from_calendar_date(year, month.next(), 1),
    }
    .ok()?;
    let last = next_first.previous_day()?;
    let back =
        (7 + last.weekday().number_days_from_monday() - weekday.number_days_from_monday()) % 7;
    last.checked_sub(Duration::days(i64::from(back)))
}

/// Easter Sunday (anonymous Gregorian algorithm).
fn easter(year: i32) -> Option<Date> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// The weekday a fixed-date holiday is observed on (Saturday → Friday, Sunday → Monday).
fn observed(date: Date) -> Option<Date> {
    match date.weekday() {
        Weekday::Saturday => date.previous_day(),
        Weekday::Sunday => date.next_day(),
        _ => Some(date),
    }
}

/// The NYSE holidays of a year as (observed date, name).
fn nyse_holidays(year: i32) -> Vec<(Date, &'static str)> {
    let fixed = |month, day| Date::from_calendar_date(year, month, day).ok();
    let mut out: Vec<(Option<Date>, &'static str)> = Vec::with_capacity(10);
    // New Year's Day on a Saturday is not observed on the Friday before (Rule 7.2).
    let new_year = fixed(Month::January, 1).and_then(|d| match d.weekday() {
        Weekday::Saturday => None,
        _ => observed(d),
    });
    out.push((new_year, "New Year's Day"));
    out.push((
        nth_weekday(year, Month::January, Weekday::Monday, 3),
        "Martin Luther King, Jr. Day",
    ));
    out.push((
        nth_weekday(year, Month::February, Weekday::Monday, 3),
        "Washington's Birthday",
    ));
    out.push((
        easter(year).and_then(|d| d.checked_sub(Duration::days(2))),
        "Good Friday",
    ));
    out.push((
        last_weekday(year, Month::May, Weekday::Monday),
        "Memorial Day",
    ));
    if year >= 2022 {
        out.push((
            fixed(Month::June, 19).and_then(observed),
            "Juneteenth National Independence Day",
        ));
    }
    out.push((fixed(Month::July, 4).and_then(observed), "Independence Day"));
    out.push((
        nth_weekday(year, Month::September, Weekday::Monday, 1),
        "Labor Day",
    ));
    out.push((
        nth_weekday(year, Month::November, Weekday::Thursday, 4),
        "Thanksgiving Day",
    ));
    out.push((
        fixed(Month::December, 25).and_then(observed),
        "Christmas Day",
    ));
    out.into_iter()
        .filter_map(|(d, name)| d.map(|d| (d, name)))
        .collect()
}

/// The NYSE holiday observed on `date`, if any. Observed days never cross a year boundary
/// (a Saturday New Year's Day is skipped, not moved to December 31), so looking at the
/// date's own year is enough.
pub fn nyse_holiday(date: Date) -> Option<&'static str> {
    nyse_holidays(date.year())
        .into_iter()
        .find(|(d, _)| *d == date)
        .map(|(_, name)| name)
}

/// Whether `date` is an NYSE early-close (13:00) day.
pub fn nyse_early_close(date: Date) -> bool {
    if is_weekend(date) || nyse_holiday(date).is_some() {
        return false;
    }
    let year = date.year();
    let day_after_thanksgiving =
        nth_weekday(year, Month::November, Weekday::Thursday, 4).and_then(|d| d.next_day());
    if Some(date) == day_after_thanksgiving {
        return true;
    }
    // July 3 and December 24 on Monday–Thursday; Friday ones are observed holidays.
    let mon_to_thu = !matches!(date.weekday(), Weekday::Friday);
    (date.month() == Month::July && date.day() == 3 && mon_to_thu)
        || (date.month() == Month::December && date.day() == 24 && mon_to_thu)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn nyse() -> MarketCalendar {
        MarketCalendar::new(MarketHours::Nyse)
    }

    #[test]
    fn holidays_2026_match_the_published_nyse_calendar() {
        let expected = [
            (date!(2026 - 01 - 01), "New Year's Day"),
            (date!(2026 - 01 - 19), "Martin Luther King, Jr. Day"),
            (date!(2026 - 02 - 16), "Washington's Birthday"),
            (date!(2026 - 04 - 03), "Good Friday"),
            (date!(2026 - 05 - 25), "Memorial Day"),
            (
                date!(2026 - 06 - 19),
                "Juneteenth National Independence Day",
            ),
            (date!(2026 - 07 - 03), "Independence Day"),
            (date!(2026 - 09 - 07), "Labor Day"),
            (date!(2026 - 11 - 26), "Thanksgiving Day"),
            (date!(2026 - 12 - 25), "Christmas Day"),
        ];
        let got = nyse_holidays(2026);
        assert_eq!(got, expected.to_vec());
        for (day, name) in expected {
            let info = nyse().day_info(day);
            assert!(!info.is_trading_day);
            assert_eq!(info.holiday_name.as_deref(), Some(name));
        }
    }

    #[test]
    fn observed_rules_for_2025_and_2027() {
        // 2025: Good Friday April 18, July 4 on Friday.
        assert_eq!(nyse_holiday(date!(2025 - 04 - 18)), Some("Good Friday"));
        assert_eq!(
            nyse_holiday(date!(2025 - 07 - 04)),
            Some("Independence Day")
        );
        // 2027: July 4 on Sunday → Monday July 5; Christmas on Saturday → Friday Dec 24;
        // Juneteenth on Saturday → Friday June 18; Good Friday March 26.
        assert_eq!(
            nyse_holiday(date!(2027 - 07 - 05)),
            Some("Independence Day")
        );
        assert_eq!(nyse_holiday(date!(2027 - 12 - 24)), Some("Christmas Day"));
        assert_eq!(
            nyse_holiday(date!(2027 - 06 - 18)),
            Some("Juneteenth National Independence Day")
        );
        assert_eq!(nyse_holiday(date!(2027 - 03 - 26)), Some("Good Friday"));
        // 2028 New Year's Day is a Saturday: Friday Dec 31, 2027 trades normally.
        assert!(nyse().session(date!(2027 - 12 - 31)).is_some());
        assert_eq!(nyse_holiday(date!(2028 - 01 - 01)), None);
    }

    #[test]
    fn early_closes() {
        for day in [
            date!(2025 - 07 - 03),
            date!(2025 - 11 - 28),
            date!(2025 - 12 - 24),
            date!(2026 - 11 - 27),
            date!(2026 - 12 - 24),
            date!(2027 - 11 - 26),
        ] {
            let s = nyse().session(day).expect("trading day");
            assert!(s.is_early_close, "{day} closes early");
            // 13:00 New York: 18:00 UTC in November/December, 17:00 UTC in July.
            let hour = if day.month() == Month::July { 17 } else { 18 };
            assert_eq!(s.close.hour(), hour, "{day}");
        }
        // 2026: July 3 is the observed holiday and July 2 is a normal day.
        assert!(!nyse_early_close(date!(2026 - 07 - 02)));
        // 2027: Christmas Eve is the observed holiday.
        assert!(!nyse_early_close(date!(2027 - 12 - 24)));
        assert!(
            !nyse()
                .session(date!(2026 - 06 - 18))
                .expect("trading")
                .is_early_close
        );
    }

    #[test]
    fn new_york_offset_switches_on_dst_days() {
        // 2026: DST from Sunday March 8 07:00 UTC to Sunday November 1 06:00 UTC.
        let hours = |at: OffsetDateTime| new_york_offset(at).whole_hours();
        assert_eq!(hours(datetime!(2026-03-08 06:59:59 UTC)), -5);
        assert_eq!(hours(datetime!(2026-03-08 07:00:00 UTC)), -4);
        assert_eq!(hours(datetime!(2026-11-01 05:59:59 UTC)), -4);
        assert_eq!(hours(datetime!(2026-11-01 06:00:00 UTC)), -5);
        // Open at 09:30 New York: 14:30 UTC in winter, 13:30 UTC in summer.
        let friday = nyse().session(date!(2026 - 03 - 06)).expect("trading");
        let monday = nyse().session(date!(2026 - 03 - 09)).expect("trading");
        assert_eq!(friday.open, datetime!(2026-03-06 14:30 UTC));
        assert_eq!(monday.open, datetime!(2026-03-09 13:30 UTC));
        let nov2 = nyse().session(date!(2026 - 11 - 02)).expect("trading");
        assert_eq!(nov2.open, datetime!(2026-11-02 14:30 UTC));
        assert_eq!(nov2.close, datetime!(2026-11-02 21:00 UTC));
        assert_eq!(
            new_york_local(datetime!(2026-07-01 00:30 UTC)),
            datetime!(2026-06-30 20:30)
        );
    }

    #[test]
    fn is_open_and_weekend_next_open() {
        let cal = nyse();
        assert!(cal.is_open(datetime!(2026-11-20 15:00 UTC))); // Friday 10:00 NY
        assert!(!cal.is_open(datetime!(2026-11-20 21:00 UTC))); // Friday 16:00 NY: closed
        assert!(!cal.is_open(datetime!(2026-11-21 15:00 UTC))); // Saturday
        assert!(cal.is_extended_open(datetime!(2026-11-20 22:00 UTC))); // Friday 17:00 NY
        let after_close = datetime!(2026-11-20 21:00 UTC);
        assert_eq!(
            cal.next_open(after_close),
            Some(datetime!(2026-11-23 14:30 UTC))
        );
        assert_eq!(
            cal.next_close(after_close),
            Some(datetime!(2026-11-23 21:00 UTC))
        );
        // Open now: next close is today, next open is the next trading day.
        let during = datetime!(2026-11-25 15:00 UTC); // Wednesday before Thanksgiving
        assert_eq!(
            cal.next_close(during),
            Some(datetime!(2026-11-25 21:00 UTC))
        );
        assert_eq!(cal.next_open(during), Some(datetime!(2026-11-27 14:30 UTC)));
        // The Friday after Thanksgiving closes at 13:00.
        assert_eq!(
            cal.next_close(datetime!(2026-11-27 15:00 UTC)),
            Some(datetime!(2026-11-27 18:00 UTC))
        );
        // Good Friday weekend 2026: closed Friday April 3, opens Monday April 6.
        assert_eq!(
            cal.next_open(datetime!(2026-04-02 21:00 UTC)),
            Some(datetime!(2026-04-06 13:30 UTC))
        );
        let prev = cal
            .previous_session(date!(2026 - 04 - 06))
            .expect("session");
        assert_eq!(prev.date, date!(2026 - 04 - 02));
    }

    #[test]
    fn status_reports_the_session_phase() {
        let cal = nyse();
        let phase = |at| cal.status(at).trading_session_status;
        assert_eq!(
            phase(datetime!(2026-11-20 12:00 UTC)),
            TradingSessionStatus::PreOpen
        );
        assert_eq!(
            phase(datetime!(2026-11-20 15:00 UTC)),
            TradingSessionStatus::Open
        );
        assert_eq!(
            phase(datetime!(2026-11-20 22:00 UTC)),
            TradingSessionStatus::Extended
        );
        assert_eq!(
            phase(datetime!(2026-11-21 15:00 UTC)),
            TradingSessionStatus::Closed
        );
        let thanksgiving = cal.status(datetime!(2026-11-26 15:00 UTC));
        assert!(!thanksgiving.is_open);
        assert_eq!(
            thanksgiving.today.holiday_name.as_deref(),
            Some("Thanksgiving Day")
        );
        assert_eq!(
            thanksgiving.next_open,
            Some(datetime!(2026-11-27 14:30 UTC))
        );
        let json = serde_json::to_value(&thanksgiving).expect("json");
        assert_eq!(json["trading_session_status"], "CLOSED");
        assert_eq!(json["next_close"], "2026-11-27T18:00:00Z");
    }

    #[test]
    fn always_open_mode() {
        let cal = MarketCalendar::default();
        assert!(cal.is_open(datetime!(2026-11-21 03:00 UTC)));
        assert_eq!(cal.next_open(datetime!(2026-11-21 03:00 UTC)), None);
        let s = cal
            .current_or_next_session(datetime!(2026-11-21 03:00 UTC))
            .expect("session");
        // 03:00 UTC on Nov 21 is Nov 20 22:00 in New York; the day ends at NY midnight.
        assert_eq!(s.date, date!(2026 - 11 - 20));
        assert_eq!(s.close, datetime!(2026-11-21 05:00 UTC));
    }
}
