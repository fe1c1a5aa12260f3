//! Assets and market data over HTTP (fact sheet §2.10, §2.11), backed by the pure
//! [`super::market`]: `GET /assets`, `GET /assets/search`, `GET /assets/batch?symbols=`,
//! `GET /assets/{symbol}`, `GET /assets/{symbol}/bars`, `GET /market-data/assets/{symbol}`,
//! `GET /market-data/assets/{symbol}/quote`, `GET /market-data/assets/{symbol}/bars`,
//! `GET /markets/{code}` (and `/market-data/markets/{code}`), `GET /market-data/markets/{code}/status`.
//!
//! As on Bluum, quote figures are JSON numbers (not decimal strings) and the asset carries
//! the camelCase quote fields `price`, `change`, `changePercent`, `previousClose`,
//! `bidPrice`, `askPrice`. The Market Data add-on is always "enabled" here.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use http::StatusCode;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::api::{self, fail, respond, ApiResult, Page};
use super::market::{Asset, Timeframe};
use super::state::Sim;

/// Largest `limit` of the search endpoint, and of a batch.
const SEARCH_MAX: usize = 100;
const BATCH_MAX: usize = 20;

/// A decimal as a JSON number, for the fields Bluum sends as numbers.
pub fn number(value: Decimal) -> Value {
    serde_json::from_str(&value.normalize().to_string()).unwrap_or(Value::Null)
}

fn enum_str<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The asset object with its latest quote.
pub fn view(sim: &Sim, asset: &Asset, now: OffsetDateTime) -> Value {
    let snapshot = sim.market.prices.snapshot(asset, now);
    json!({
        "id": asset.id,
        "object": "asset",
        "livemode": false,
        "class": enum_str(&asset.class),
        "country": "us",
        "market": asset.exchange.mic(),
        "market_name": asset.exchange.name(),
        "market_country": "US",
        "market_currency": asset.currency,
        "symbol": asset.symbol,
        "name": asset.name,
        "display_name": asset.name,
        "status": enum_str(&asset.status),
        "tradable": asset.tradable,
        "marginable": asset.marginable,
        "shortable": asset.shortable,
        "easy_to_borrow": asset.easy_to_borrow,
        "fractionable": asset.fractionable,
        "fractional_eh_enabled": false,
        "currency": asset.currency,
        "price": number(snapshot.quote.price),
        "change": number(snapshot.change),
        "changePercent": number(snapshot.change_percent),
        "previousClose": number(snapshot.previous_close),
        "bidPrice": number(snapshot.quote.bid_price),
        "askPrice": number(snapshot.quote.ask_price),
        "price_timestamp": api::iso(snapshot.quote.timestamp),
        "last_synced_at": api::iso(now),
    })
}

fn asset<'a>(sim: &'a Sim, symbol: &str) -> ApiResult<&'a Asset> {
    sim.market.asset(symbol)
}

fn bool_query(query: &HashMap<String, String>, name: &str) -> ApiResult<Option<bool>> {
    match query.get(name).map(String::as_str) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(_) => Err(fail::enumeration(name, &["true", "false"])),
    }
}

fn matches_filters(asset: &Asset, query: &HashMap<String, String>) -> ApiResult<bool> {
    let status = query.get("status").map_or("active", String::as_str);
    if !["active", "inactive"].contains(&status) {
        return Err(fail::enumeration("status", &["active", "inactive"]));
    }
    let tradable = bool_query(query, "tradable")?;
    Ok(enum_str(&asset.status) == status
        && query
            .get("class")
            .is_none_or(|c| enum_str(&asset.class) == c.as_str())
        && query
            .get("market")
            .is_none_or(|m| m.eq_ignore_ascii_case(asset.exchange.mic()))
        && tradable.is_none_or(|t| t == asset.tradable))
}

/// `GET /assets` — filters `status` (default active), `class`, `market`, `tradable`; `limit`/`offset`.
pub async fn list(
    State(sim): State<Sim>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let page = Page::from_query(&query)?;
    let now = OffsetDateTime::now_utc();
    let mut items = Vec::new();
    for asset in sim.market.catalog.all() {
        if matches_filters(asset, &query)? {
            items.push(view(&sim, asset, now));
        }
    }
    Ok(respond(
        StatusCode::OK,
        api::list("/v1/assets", items, page),
    ))
}

/// `GET /assets/search?q=` — symbol or name match, best first; `limit` 1–100 (default 50).
pub async fn search(
    State(sim): State<Sim>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let limit = match query.get("limit") {
        None => api::DEFAULT_LIMIT,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=SEARCH_MAX).contains(&n) => n,
            _ => return Err(fail::format("limit", "limit must be 1..100")),
        },
    };
    let q = query.get("q").map_or("", |q| q.trim());
    let now = OffsetDateTime::now_utc();
    let found = if q.is_empty() {
        sim.market.catalog.all().iter().collect()
    } else {
        sim.market.catalog.search(q, SEARCH_MAX)
    };
    let mut items = Vec::new();
    for asset in found {
        if matches_filters(asset, &query)? {
            items.push(view(&sim, asset, now));
        }
    }
    Ok(respond(
        StatusCode::OK,
        api::list("/v1/assets/search", items, Page { limit, offset: 0 }),
    ))
}

/// `GET /assets/batch?symbols=AAPL,MSFT` — at most 20 symbols; unknown ones are left out.
pub async fn batch(
    State(sim): State<Sim>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let raw = query
        .get("symbols")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| fail::missing("symbols"))?;
    let symbols: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if symbols.len() > BATCH_MAX {
        return Err(fail::validation("symbols", "at most 20 symbols per batch"));
    }
    let now = OffsetDateTime::now_utc();
    let items: Vec<Value> = symbols
        .iter()
        .filter_map(|s| sim.market.catalog.get(s))
        .map(|a| view(&sim, a, now))
        .collect();
    let count = items.len().max(1);
    Ok(respond(
        StatusCode::OK,
        api::list(
            "/v1/assets/batch",
            items,
            Page {
                limit: count,
                offset: 0,
            },
        ),
    ))
}

/// `GET /assets/{symbol}` and `GET /market-data/assets/{symbol}`; unknown → `404 BLUM-404-003`.
pub async fn get(State(sim): State<Sim>, Path(symbol): Path<String>) -> ApiResult<Response> {
    let asset = asset(&sim, &symbol)?;
    Ok(respond(
        StatusCode::OK,
        view(&sim, asset, OffsetDateTime::now_utc()),
    ))
}

/// `GET /market-data/assets/{symbol}/quote`
pub async fn quote(State(sim): State<Sim>, Path(symbol): Path<String>) -> ApiResult<Response> {
    let asset = asset(&sim, &symbol)?;
    let quote = sim.market.prices.quote(asset, OffsetDateTime::now_utc());
    let confidence = if sim.market.calendar().is_open(OffsetDateTime::now_utc()) {
        "REAL_TIME"
    } else {
        "END_OF_DAY"
    };
    Ok(respond(
        StatusCode::OK,
        json!({
            "object": "quote",
            "livemode": false,
            "symbol": asset.symbol,
            "market": asset.exchange.mic(),
            "market_name": asset.exchange.name(),
            "price": number(quote.price),
            "bid_price": number(quote.bid_price),
            "ask_price": number(quote.ask_price),
            "bid_size": number(quote.bid_size),
            "ask_size": number(quote.ask_size),
            "currency": asset.currency,
            "timestamp": api::iso(quote.timestamp),
            "source": "DATABASE",
            "confidence": confidence,
        }),
    ))
}

fn instant(query: &HashMap<String, String>, name: &str) -> ApiResult<Option<OffsetDateTime>> {
    match query.get(name) {
        None => Ok(None),
        Some(raw) => {
            if let Ok(at) = OffsetDateTime::parse(raw, &Rfc3339) {
                return Ok(Some(at));
            }
            let format = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(raw, format)
                .map(|d| Some(d.midnight().assume_utc()))
                .map_err(|_| {
                    fail::format(
                        name,
                        format!("{name} must be an ISO 8601 date or timestamp"),
                    )
                })
        }
    }
}

/// `GET /assets/{symbol}/bars` (and the market-data alias) — `timeframe` (required),
/// `start`, `end`, `limit` (1–10000, default 100).
pub async fn bars(
    State(sim): State<Sim>,
    Path(symbol): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let asset = asset(&sim, &symbol)?;
    let (timeframe, bars) = bars_for(&sim, asset, &query)?;
    let bars: Vec<Value> = bars.iter().map(bar_json).collect();
    Ok(respond(
        StatusCode::OK,
        json!({
            "object": "bars",
            "symbol": asset.symbol,
            "market": asset.exchange.mic(),
            "currency": asset.currency,
            "timeframe": timeframe.as_str(),
            "bars": bars,
            "data_quality": { "provider": "simulator", "limitations": ["Simulated prices, not market data"] },
        }),
    ))
}

/// The US market codes the simulator answers for (MIC or common code).
fn market_code(code: &str) -> ApiResult<&'static str> {
    match code.to_ascii_uppercase().as_str() {
        "XNYS" | "NYSE" => Ok("XNYS"),
        "XNAS" | "NASDAQ" => Ok("XNAS"),
        "ARCX" | "ARCA" => Ok("ARCX"),
        _ => Err(fail::not_found("Market")),
    }
}

fn market_name(mic: &str) -> &'static str {
    match mic {
        "XNAS" => "NASDAQ",
        "ARCX" => "NYSE Arca",
        _ => "New York Stock Exchange",
    }
}

fn status_body(sim: &Sim, now: OffsetDateTime) -> Value {
    let status = sim.market.calendar().status(now);
    let session = status.today.session.as_ref();
    json!({
        "is_open": status.is_open,
        "trading_session_status": status.trading_session_status,
        "today": {
            "date": status.today.date.to_string(),
            "pre_open": session.map(|s| api::iso(s.pre_open)),
            "regular_open": session.map(|s| api::iso(s.open)),
            "regular_close": session.map(|s| api::iso(s.close)),
            "post_close": session.map(|s| api::iso(s.post_close)),
            "is_holiday": status.today.holiday_name.is_some(),
            "holiday_name": status.today.holiday_name,
            "is_early_close": status.today.is_early_close,
            "early_close_at": session.filter(|s| s.is_early_close).map(|s| api::iso(s.close)),
        },
        "active_halts": [],
        "next_open": status.next_open.map(api::iso),
        "next_close": status.next_close.map(api::iso),
    })
}

/// `GET /markets/{code}` and `GET /market-data/markets/{code}` (US codes only).
pub async fn market(State(sim): State<Sim>, Path(code): Path<String>) -> ApiResult<Response> {
    let mic = market_code(&code)?;
    let status = status_body(&sim, OffsetDateTime::now_utc());
    Ok(respond(
        StatusCode::OK,
        json!({
            "object": "market",
            "livemode": false,
            "code": mic,
            "name": market_name(mic),
            "country": "US",
            "currency": "USD",
            "timezone": "America/New_York",
            "status": "active",
            "common_code": if mic == "XNAS" { "NASDAQ" } else { "NYSE" },
            "trading_hours": { "open": "09:30", "close": "16:00" },
            "extended_hours_supported": true,
            "current_status": {
                "is_open": status["is_open"],
                "next_open": status["next_open"],
                "next_close": status["next_close"],
            },
        }),
    ))
}

/// `GET /market-data/markets/{code}/status`
pub async fn market_status(
    State(sim): State<Sim>,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let mic = market_code(&code)?;
    let mut body = status_body(&sim, OffsetDateTime::now_utc());
    body["object"] = json!("market_status");
    body["code"] = json!(mic);
    body["timezone"] = json!("America/New_York");
    Ok(respond(StatusCode::OK, body))
}

/// One bar as `/assets/{symbol}/bars` sends it.
fn bar_json(bar: &super::market::Bar) -> Value {
    json!({
        "timestamp": api::iso(bar.timestamp),
        "open": number(bar.open),
        "high": number(bar.high),
        "low": number(bar.low),
        "close": number(bar.close),
        "volume": bar.volume,
        "vwap": number(bar.vwap),
        "trade_count": bar.trade_count,
    })
}

/// The bars a query asks for: `timeframe` (required), `limit` (1–10000, default 100),
/// `start`/`end` (RFC 3339), or `period` (`1D`, `5D`, `1W`, `1M`, `3M`, `6M`, `1Y`, `5Y`) for a
/// span ending now.
fn bars_for(
    sim: &Sim,
    asset: &Asset,
    query: &HashMap<String, String>,
) -> ApiResult<(Timeframe, Vec<super::market::Bar>)> {
    let timeframe = Timeframe::parse(
        query
            .get("timeframe")
            .ok_or_else(|| fail::missing("timeframe"))?,
    )?;
    let limit = match query.get("limit") {
        None => 100,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=10_000).contains(&n) => n,
            _ => return Err(fail::format("limit", "limit must be 1..10000")),
        },
    };
    let now = OffsetDateTime::now_utc();
    let end = instant(query, "end")?.unwrap_or(now).min(now);
    let default_span = match timeframe {
        Timeframe::Day1 => time::Duration::days(100),
        Timeframe::Week1 => time::Duration::weeks(100),
        Timeframe::Month1 => time::Duration::days(365 * 5),
        _ => time::Duration::days(3),
    };
    let period = match query.get("period").map(String::as_str) {
        None => None,
        Some("1D") => Some(time::Duration::days(1)),
        Some("5D") => Some(time::Duration::days(5)),
        Some("1W") => Some(time::Duration::weeks(1)),
        Some("1M") => Some(time::Duration::days(30)),
        Some("3M") => Some(time::Duration::days(91)),
        Some("6M") => Some(time::Duration::days(182)),
        Some("1Y") => Some(time::Duration::days(365)),
        Some("5Y") => Some(time::Duration::days(365 * 5)),
        Some(_) => {
            return Err(fail::enumeration(
                "period",
                &["1D", "5D", "1W", "1M", "3M", "6M", "1Y", "5Y"],
            ))
        }
    };
    let explicit_start = instant(query, "start")?;
    let start = explicit_start.unwrap_or(end - period.unwrap_or(default_span));
    let mut bars = sim
        .market
        .bars(&asset.symbol, timeframe, start, end, 10_000)?;
    // Without an explicit start, the most recent bars are the useful ones.
    if explicit_start.is_none() && bars.len() > limit {
        bars.drain(..bars.len() - limit);
    }
    bars.truncate(limit);
    Ok((timeframe, bars))
}

/// `GET /assets/chart?symbol=…&timeframe=…` (Gen B wrapper, fact sheet §2.9): the bars of
/// `/assets/{symbol}/bars` as `{data: {symbol, bars: [{timestamp, open, high, low, close,
/// volume, tradeCount, volumeWeightedAveragePrice}], nextPageToken}}`.
pub async fn chart(
    State(sim): State<Sim>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    let symbol = query.get("symbol").ok_or_else(|| fail::missing("symbol"))?;
    let asset = asset(&sim, symbol)?;
    let (_, bars) = bars_for(&sim, asset, &query)?;
    // The same bars, under the Gen B names.
    let bars: Vec<Value> = bars
        .iter()
        .map(|bar| {
            let mut value = bar_json(bar);
            if let Some(fields) = value.as_object_mut() {
                for (from, to) in [
                    ("vwap", "volumeWeightedAveragePrice"),
                    ("trade_count", "tradeCount"),
                ] {
                    if let Some(v) = fields.remove(from) {
                        fields.insert(to.to_owned(), v);
                    }
                }
            }
            value
        })
        .collect();
    Ok(respond(
        StatusCode::OK,
        json!({ "data": { "symbol": asset.symbol, "bars": bars, "nextPageToken": null } }),
    ))
}
