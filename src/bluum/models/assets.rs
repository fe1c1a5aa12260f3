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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bluum::models::{decode, List};
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn decodes_an_asset_with_numeric_quote_fields() {
        let json = r#"{"id": "b0b6dd9d-8b9b-48a9-ba46-b9d54906e415", "object": "asset", "livemode": false,
            "class": "equity", "asset_class": "us_equity", "country": "us", "market": "XNAS",
            "market_name": "NASDAQ", "market_country": "US", "market_currency": "USD",
            "symbol": "AAPL", "name": "Apple Inc.", "status": "active", "tradable": true,
            "marginable": true, "shortable": true, "easy_to_borrow": true, "fractionable": true,
            "fractional_eh_enabled": true, "currency": "USD", "price": 189.84, "change": -1.25,
            "changePercent": -0.65, "previousClose": 191.09, "bidPrice": 189.8, "askPrice": 189.88,
            "price_timestamp": "2025-06-15T20:00:00Z", "last_synced_at": "2025-06-15T20:00:05Z"}"#;
        let asset: Asset = decode(json.as_bytes()).unwrap();
        assert_eq!(asset.class, Some(AssetClass::Equity));
        assert_eq!(asset.price, Some(dec("189.84")));
        assert_eq!(asset.change, Some(dec("-1.25")));
        assert_eq!(asset.change_percent, Some(dec("-0.65")));
        assert_eq!(asset.previous_close, Some(dec("191.09")));
        assert_eq!(asset.bid_price, Some(dec("189.8")));
        assert!(asset.tradable && asset.fractionable);
        // Gen B `{status:"success", data:[…], count}` list of assets.
        let list: List<Asset> =
            decode(format!(r#"{{"status":"success","data":[{json}],"count":1}}"#).as_bytes())
                .unwrap();
        assert_eq!(list.data[0], asset);
        assert_eq!(AssetClass::from_wire("crypto"), AssetClass::Cryptocurrency);
        assert_eq!(
            AssetClass::from_wire("warrant"),
            AssetClass::Unknown("warrant".into())
        );
    }

    #[test]
    fn decodes_gen_c_bars() {
        let json = r#"{"object": "bars", "symbol": "AAPL", "market": "XNAS", "currency": "USD",
            "timeframe": "1Day", "bars": [
              {"timestamp": "2025-06-13T04:00:00Z", "open": 187.5, "high": 190.1, "low": 186.9,
               "close": 189.84, "volume": 52000000, "vwap": 188.7, "trade_count": 610000}],
            "data_quality": {"provider": "alpaca", "limitations": []}}"#;
        let bars: Bars = decode(json.as_bytes()).unwrap();
        assert_eq!(bars.timeframe, Some(Timeframe::OneDay));
        let bar = &bars.bars[0];
        assert_eq!(bar.close, dec("189.84"));
        assert_eq!(bar.volume, Some(dec("52000000")));
        assert_eq!(bar.vwap, Some(dec("188.7")));
        assert_eq!(bar.trade_count, Some(610_000));
    }

    #[test]
    fn decodes_the_gen_b_chart_wrapper() {
        let json = r#"{"data": {"symbol": "AAPL", "bars": [
              {"timestamp": "2025-06-13T04:00:00Z", "open": "187.50", "high": 190.1, "low": 186.9,
               "close": 189.84, "volume": 52000000, "tradeCount": 610000,
               "volumeWeightedAveragePrice": 188.7}], "nextPageToken": "abc"}}"#;
        let bars: Bars = decode(json.as_bytes()).unwrap();
        assert_eq!(bars.symbol, "AAPL");
        assert_eq!(bars.bars[0].open, dec("187.50"));
        assert_eq!(bars.bars[0].vwap, Some(dec("188.7")));
        assert_eq!(bars.next_page_token.as_deref(), Some("abc"));
    }

    #[test]
    fn decodes_a_quote() {
        let json = r#"{"object": "quote", "symbol": "AAPL", "market": "XNAS", "market_name": "NASDAQ",
            "price": 189.84, "bid_price": 189.8, "ask_price": 189.88, "currency": "USD",
            "timestamp": "2025-06-15T19:59:59.000Z", "source": "ALPACA", "confidence": "REAL_TIME"}"#;
        let quote: Quote = decode(json.as_bytes()).unwrap();
        assert_eq!(quote.price, dec("189.84"));
        assert_eq!(quote.ask_price, Some(dec("189.88")));
        assert_eq!(quote.source, Some(PriceSource::Alpaca));
        assert_eq!(quote.confidence, Some(PriceConfidence::RealTime));
    }
}
