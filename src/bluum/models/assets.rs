//! Tradable assets, price bars and quotes.
//!
//! Endpoints: `GET /assets/search`, `GET /assets/{symbol}`, `GET /assets/batch`,
//! `GET /assets/{symbol}/bars`, `GET /market-data/assets/{symbol}/quote`.
//! Market-data numbers (`price`, `change`, bar `open`…) are JSON numbers on the wire; they are
//! read into `Decimal` like everything else.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::common::ts;
use super::positions::{PriceConfidence, PriceSource};

string_enum! {
    pub enum AssetClass {
        Equity = "equity" | "us_equity",
        Etf = "etf",
        Bond = "bond",
        Bill = "bill",
        Note = "note",
        MutualFund = "mutual_fund",
        Derivative = "derivative" | "us_option",
        Cryptocurrency = "cryptocurrency" | "crypto",
        Commodity = "commodity",
        RealEstate = "real_estate",
        Cash = "cash",
    }
}

string_enum! {
    pub enum AssetStatus {
        Active = "active",
        Inactive = "inactive",
    }
}

/// An asset profile, with the latest quote numbers when Bluum includes them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Asset {
    /// A raw UUID.
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub object: Option<String>,
    pub symbol: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub class: Option<AssetClass>,
    #[serde(default)]
    pub country: Option<String>,
    /// MIC, e.g. `XNAS`, `XNSA`.
    #[serde(default)]
    pub market: Option<String>,
    #[serde(default)]
    pub market_name: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub status: Option<AssetStatus>,
    #[serde(default)]
    pub tradable: bool,
    #[serde(default)]
    pub fractionable: bool,
    #[serde(default)]
    pub marginable: bool,
    #[serde(default)]
    pub shortable: bool,
    #[serde(default)]
    pub price: Option<Decimal>,
    #[serde(default)]
    pub change: Option<Decimal>,
    #[serde(default, rename = "changePercent", alias = "change_percent")]
    pub change_percent: Option<Decimal>,
    #[serde(default, rename = "previousClose", alias = "previous_close")]
    pub previous_close: Option<Decimal>,
    #[serde(default, rename = "bidPrice", alias = "bid_price")]
    pub bid_price: Option<Decimal>,
    #[serde(default, rename = "askPrice", alias = "ask_price")]
    pub ask_price: Option<Decimal>,
    #[serde(default, with = "ts")]
    pub price_timestamp: Option<OffsetDateTime>,
}

/// Query of `GET /assets/search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AssetSearchQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<AssetStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<AssetClass>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// 1–100, default 50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

string_enum! {
    pub enum Timeframe {
        OneMin = "1Min",
        FiveMin = "5Min",
        FifteenMin = "15Min",
        ThirtyMin = "30Min",
        OneHour = "1Hour",
        OneDay = "1Day",
        OneWeek = "1Week",
        OneMonth = "1Month",
    }
}

/// Query of `GET /assets/{symbol}/bars`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarsQuery {
    pub timeframe: Timeframe,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    #[serde(with = "ts", skip_serializing_if = "Option::is_none")]
    pub start: Option<OffsetDateTime>,
    #[serde(with = "ts", skip_serializing_if = "Option::is_none")]
    pub end: Option<OffsetDateTime>,
    /// 1–10000, default 100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// `raw, split, dividend, all`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjustment: Option<String>,
}

impl BarsQuery {
    pub fn new(timeframe: Timeframe) -> Self {
        Self {
            timeframe,
            market: None,
            start: None,
            end: None,
            limit: None,
            adjustment: None,
        }
    }
}

/// One OHLCV bar.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Bar {
    #[serde(default, with = "ts")]
    pub timestamp: Option<OffsetDateTime>,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    #[serde(default)]
    pub volume: Option<Decimal>,
    #[serde(default, alias = "volumeWeightedAveragePrice")]
    pub vwap: Option<Decimal>,
    #[serde(default, alias = "tradeCount")]
    pub trade_count: Option<u64>,
}

/// `{object:"bars", symbol, timeframe, bars:[…]}`; the Gen B chart wrapper also decodes.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Bars {
    #[serde(default)]
    pub object: Option<String>,
    pub symbol: String,
    #[serde(default)]
    pub market: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub timeframe: Option<Timeframe>,
    #[serde(default)]
    pub bars: Vec<Bar>,
    #[serde(default, alias = "nextPageToken")]
    pub next_page_token: Option<String>,
}

/// `GET /market-data/assets/{symbol}/quote`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Quote {
    #[serde(default)]
    pub object: Option<String>,
    pub symbol: String,
    #[serde(default)]
    pub market: Option<String>,
    #[serde(default)]
    pub market_name: Option<String>,
    /// For bonds, the clean price in percent of par.
    pub price: Decimal,
    #[serde(default, alias = "bidPrice")]
    pub bid_price: Option<Decimal>,
    #[serde(default, alias = "askPrice")]
    pub ask_price: Option<Decimal>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default, with = "ts")]
    pub timestamp: Option<OffsetDateTime>,
    #[serde(default)]
    pub source: Option<PriceSource>,
    #[serde(default)]
    pub confidence: Option<PriceConfidence>,
}
