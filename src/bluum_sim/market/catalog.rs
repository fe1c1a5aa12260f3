//! The simulator's asset catalogue: real US stocks and ETFs with realistic reference prices,
//! behind `GET /assets`, `/assets/search`, `/assets/{symbol}`, `/assets/batch` (fact sheet
//! §2.10) and the order engine's symbol checks.
//!
//! Reference prices are the centre of each symbol's simulated price walk
//! ([`super::prices`]); they are approximate 2025–2026 levels, not live data.
//! A few assets are deliberately not fractionable (ADRs, leveraged ETFs, BRK.A) and one is not
//! tradable (TWTR, delisted), so every order-validation path can be exercised.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Bluum's asset `class` values used by this catalogue.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum AssetClass {
    Equity,
    Etf,
}

/// Listing venue, by ISO 10383 MIC.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Exchange {
    /// Nasdaq.
    #[serde(rename = "XNAS")]
    Xnas,
    /// New York Stock Exchange.
    #[serde(rename = "XNYS")]
    Xnys,
    /// NYSE Arca (most ETFs).
    #[serde(rename = "ARCX")]
    Arcx,
}

impl Exchange {
    /// The MIC string, e.g. `"XNAS"`.
    pub const fn mic(self) -> &'static str {
        match self {
            Self::Xnas => "XNAS",
            Self::Xnys => "XNYS",
            Self::Arcx => "ARCX",
        }
    }

    /// Human name, for the asset's `market_name`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Xnas => "NASDAQ",
            Self::Xnys => "New York Stock Exchange",
            Self::Arcx => "NYSE Arca",
        }
    }
}

/// Asset `status`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AssetStatus {
    Active,
    Inactive,
}

/// One listed asset.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    /// Stable UUID derived from the symbol (Bluum asset ids are raw UUIDs).
    pub id: String,
    pub symbol: String,
    pub name: String,
    pub class: AssetClass,
    pub exchange: Exchange,
    pub status: AssetStatus,
    pub tradable: bool,
    pub marginable: bool,
    pub shortable: bool,
    pub easy_to_borrow: bool,
    pub fractionable: bool,
    /// Always `"USD"` here.
    pub currency: String,
    /// Centre of the simulated price walk, in USD.
    pub reference_price: Decimal,
}

/// Static description of an asset; flags are (fractionable, marginable, shortable).
struct Seed(
    &'static str,
    &'static str,
    AssetClass,
    Exchange,
    &'static str,
    [bool; 3],
);

use AssetClass::{Equity as EQ, Etf as ETF};
use Exchange::{Arcx as ARCX, Xnas as XNAS, Xnys as XNYS};

const STD: [bool; 3] = [true, true, true];
/// Whole-share only (ADRs and similar), otherwise normal.
const WHOLE: [bool; 3] = [false, true, true];
/// Leveraged ETFs: whole shares, not marginable, shortable.
const LEVERED: [bool; 3] = [false, false, true];

/// Reference prices in USD.
const SEEDS: &[Seed] = &[
    Seed("AAPL", "Apple Inc.", EQ, XNAS, "229.35", STD),
    Seed("MSFT", "Microsoft Corporation", EQ, XNAS, "508.45", STD),
    Seed("NVDA", "NVIDIA Corporation", EQ, XNAS, "181.60", STD),
    Seed("AMZN", "Amazon.com, Inc.", EQ, XNAS, "224.80", STD),
    Seed("GOOGL", "Alphabet Inc. Class A", EQ, XNAS, "201.40", STD),
    Seed("GOOG", "Alphabet Inc. Class C", EQ, XNAS, "202.10", STD),
    Seed("META", "Meta Platforms, Inc.", EQ, XNAS, "738.70", STD),
    Seed("TSLA", "Tesla, Inc.", EQ, XNAS, "331.25", STD),
    Seed("AVGO", "Broadcom Inc.", EQ, XNAS, "302.15", STD),
    Seed(
        "COST",
        "Costco Wholesale Corporation",
        EQ,
        XNAS,
        "942.30",
        STD,
    ),
    Seed("NFLX", "Netflix, Inc.", EQ, XNAS, "1204.50", STD),
    Seed(
        "AMD",
        "Advanced Micro Devices, Inc.",
        EQ,
        XNAS,
        "165.20",
        STD,
    ),
    Seed("ADBE", "Adobe Inc.", EQ, XNAS, "352.90", STD),
    Seed("PEP", "PepsiCo, Inc.", EQ, XNAS, "145.60", STD),
    Seed("CSCO", "Cisco Systems, Inc.", EQ, XNAS, "68.15", STD),
    Seed("INTC", "Intel Corporation", EQ, XNAS, "24.35", STD),
    Seed("QCOM", "QUALCOMM Incorporated", EQ, XNAS, "155.40", STD),
    Seed(
        "TXN",
        "Texas Instruments Incorporated",
        EQ,
        XNAS,
        "189.75",
        STD,
    ),
    Seed("INTU", "Intuit Inc.", EQ, XNAS, "761.20", STD),
    Seed("PYPL", "PayPal Holdings, Inc.", EQ, XNAS, "69.85", STD),
    Seed("SBUX", "Starbucks Corporation", EQ, XNAS, "85.10", STD),
    Seed("ABNB", "Airbnb, Inc.", EQ, XNAS, "124.60", STD),
    Seed(
        "PLTR",
        "Palantir Technologies Inc.",
        EQ,
        XNAS,
        "176.30",
        STD,
    ),
    Seed("WMT", "Walmart Inc.", EQ, XNAS, "98.40", STD),
    Seed("ASML", "ASML Holding N.V. (ADR)", EQ, XNAS, "781.50", WHOLE),
    Seed(
        "BRK.B",
        "Berkshire Hathaway Inc. Class B",
        EQ,
        XNYS,
        "479.90",
        STD,
    ),
    Seed(
        "BRK.A",
        "Berkshire Hathaway Inc. Class A",
        EQ,
        XNYS,
        "719800.00",
        [false, true, false],
    ),
    Seed("JPM", "JPMorgan Chase & Co.", EQ, XNYS, "294.70", STD),
    Seed("V", "Visa Inc.", EQ, XNYS, "345.20", STD),
    Seed("MA", "Mastercard Incorporated", EQ, XNYS, "574.60", STD),
    Seed(
        "UNH",
        "UnitedHealth Group Incorporated",
        EQ,
        XNYS,
        "301.15",
        STD,
    ),
    Seed("JNJ", "Johnson & Johnson", EQ, XNYS, "176.40", STD),
    Seed("XOM", "Exxon Mobil Corporation", EQ, XNYS, "111.90", STD),
    Seed(
        "PG",
        "The Procter & Gamble Company",
        EQ,
        XNYS,
        "154.85",
        STD,
    ),
    Seed("HD", "The Home Depot, Inc.", EQ, XNYS, "401.30", STD),
    Seed("KO", "The Coca-Cola Company", EQ, XNYS, "69.95", STD),
    Seed("DIS", "The Walt Disney Company", EQ, XNYS, "118.25", STD),
    Seed("BAC", "Bank of America Corporation", EQ, XNYS, "50.15", STD),
    Seed("CVX", "Chevron Corporation", EQ, XNYS, "155.70", STD),
    Seed("LLY", "Eli Lilly and Company", EQ, XNYS, "779.40", STD),
    Seed("MRK", "Merck & Co., Inc.", EQ, XNYS, "84.60", STD),
    Seed("PFE", "Pfizer Inc.", EQ, XNYS, "25.05", STD),
    Seed("NKE", "NIKE, Inc.", EQ, XNYS, "72.30", STD),
    Seed("MCD", "McDonald's Corporation", EQ, XNYS, "305.80", STD),
    Seed(
        "IBM",
        "International Business Machines Corporation",
        EQ,
        XNYS,
        "249.60",
        STD,
    ),
    Seed("CRM", "Salesforce, Inc.", EQ, XNYS, "244.90", STD),
    Seed("ORCL", "Oracle Corporation", EQ, XNYS, "231.45", STD),
    Seed(
        "GS",
        "The Goldman Sachs Group, Inc.",
        EQ,
        XNYS,
        "721.35",
        STD,
    ),
    Seed("T", "AT&T Inc.", EQ, XNYS, "28.10", STD),
    Seed("VZ", "Verizon Communications Inc.", EQ, XNYS, "42.25", STD),
    Seed("BA", "The Boeing Company", EQ, XNYS, "219.80", STD),
    Seed("CAT", "Caterpillar Inc.", EQ, XNYS, "429.55", STD),
    Seed(
        "TSM",
        "Taiwan Semiconductor Manufacturing Company Limited (ADR)",
        EQ,
        XNYS,
        "241.20",
        WHOLE,
    ),
    Seed(
        "BABA",
        "Alibaba Group Holding Limited (ADR)",
        EQ,
        XNYS,
        "120.45",
        WHOLE,
    ),
    Seed("SPY", "SPDR S&P 500 ETF Trust", ETF, ARCX, "641.30", STD),
    Seed("VOO", "Vanguard S&P 500 ETF", ETF, ARCX, "589.70", STD),
    Seed(
        "VTI",
        "Vanguard Total Stock Market ETF",
        ETF,
        ARCX,
        "315.40",
        STD,
    ),
    Seed("IWM", "iShares Russell 2000 ETF", ETF, ARCX, "225.15", STD),
    Seed(
        "DIA",
        "SPDR Dow Jones Industrial Average ETF Trust",
        ETF,
        ARCX,
        "445.60",
        STD,
    ),
    Seed("GLD", "SPDR Gold Shares", ETF, ARCX, "310.25", STD),
    Seed(
        "TLT",
        "iShares 20+ Year Treasury Bond ETF",
        ETF,
        XNAS,
        "87.90",
        STD,
    ),
    Seed(
        "VEA",
        "Vanguard FTSE Developed Markets ETF",
        ETF,
        ARCX,
        "58.35",
        STD,
    ),
    Seed(
        "VWO",
        "Vanguard FTSE Emerging Markets ETF",
        ETF,
        ARCX,
        "50.20",
        STD,
    ),
    Seed(
        "AGG",
        "iShares Core U.S. Aggregate Bond ETF",
        ETF,
        ARCX,
        "99.45",
        STD,
    ),
    Seed(
        "BND",
        "Vanguard Total Bond Market ETF",
        ETF,
        XNAS,
        "73.80",
        STD,
    ),
    Seed(
        "XLK",
        "Technology Select Sector SPDR Fund",
        ETF,
        ARCX,
        "265.10",
        STD,
    ),
    Seed(
        "XLF",
        "Financial Select Sector SPDR Fund",
        ETF,
        ARCX,
        "53.25",
        STD,
    ),
    Seed(
        "SCHD",
        "Schwab U.S. Dividend Equity ETF",
        ETF,
        ARCX,
        "27.30",
        STD,
    ),
    Seed("VNQ", "Vanguard Real Estate ETF", ETF, ARCX, "90.15", STD),
    Seed("EFA", "iShares MSCI EAFE ETF", ETF, ARCX, "90.40", STD),
    Seed(
        "HYG",
        "iShares iBoxx $ High Yield Corporate Bond ETF",
        ETF,
        ARCX,
        "80.35",
        STD,
    ),
    Seed("ARKK", "ARK Innovation ETF", ETF, ARCX, "75.60", STD),
    Seed(
        "QQQ",
        "Invesco QQQ Trust, Series 1",
        ETF,
        XNAS,
        "571.25",
        STD,
    ),
    Seed(
        "TQQQ",
        "ProShares UltraPro QQQ",
        ETF,
        XNAS,
        "89.70",
        LEVERED,
    ),
    Seed(
        "SQQQ",
        "ProShares UltraPro Short QQQ",
        ETF,
        XNAS,
        "17.45",
        LEVERED,
    ),
];

/// The catalogue: a fixed list of assets, looked up case-insensitively.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    assets: Vec<Asset>,
}

impl Default for Catalog {
    fn default() -> Self {
        Self::standard()
    }
}

impl Catalog {
    /// The built-in catalogue (75 assets, including one inactive, untradable listing).
    pub fn standard() -> Self {
        let mut assets: Vec<Asset> = SEEDS.iter().map(asset_from_seed).collect();
        assets.push(Asset {
            status: AssetStatus::Inactive,
            tradable: false,
            marginable: false,
            shortable: false,
            easy_to_borrow: false,
            fractionable: false,
            ..asset_from_seed(&Seed("TWTR", "Twitter, Inc.", EQ, XNYS, "53.70", STD))
        });
        Self { assets }
    }

    /// A catalogue of the given assets (tests, custom simulators).
    pub fn from_assets(assets: Vec<Asset>) -> Self {
        Self { assets }
    }

    /// Every asset, in catalogue order.
    pub fn all(&self) -> &[Asset] {
        &self.assets
    }

    /// Looks a symbol up, ignoring case and accepting `-` or `/` for the class dot
    /// (`brk-b`, `BRK/B` → `BRK.B`).
    pub fn get(&self, symbol: &str) -> Option<&Asset> {
        let wanted = normalize_symbol(symbol);
        self.assets.iter().find(|a| a.symbol == wanted)
    }

    /// Assets whose symbol or name contains `query` (case-insensitive), best matches first:
    /// exact symbol, then symbol prefix, then symbol substring, then name substring; ties in
    /// catalogue order. An empty query matches everything. At most `limit` results.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Asset> {
        let q = query.trim().to_uppercase();
        let qs = normalize_symbol(&q);
        let mut ranked: Vec<(u8, usize, &Asset)> = self
            .assets
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let rank = if q.is_empty() {
                    4
                } else if a.symbol == qs {
                    0
                } else if a.symbol.starts_with(&qs) {
                    1
                } else if a.symbol.contains(&qs) {
                    2
                } else if a.name.to_uppercase().contains(&q) {
                    3
                } else {
                    return None;
                };
                Some((rank, i, a))
            })
            .collect();
        ranked.sort_by_key(|(rank, i, _)| (*rank, *i));
        ranked.into_iter().take(limit).map(|(_, _, a)| a).collect()
    }
}

/// Upper-cases a symbol and turns `-`/`/` class separators into Bluum's `.`.
pub fn normalize_symbol(symbol: &str) -> String {
    symbol
        .trim()
        .chars()
        .map(|c| match c {
            '-' | '/' => '.',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

fn asset_from_seed(seed: &Seed) -> Asset {
    let Seed(symbol, name, class, exchange, price, [fractionable, marginable, shortable]) = *seed;
    Asset {
        id: symbol_uuid(symbol),
        symbol: symbol.to_owned(),
        name: name.to_owned(),
        class,
        exchange,
        status: AssetStatus::Active,
        tradable: true,
        marginable,
        shortable,
        easy_to_borrow: shortable,
        fractionable,
        currency: "USD".to_owned(),
        // The table is static and tested (every price parses to more than $1).
        reference_price: price.parse().unwrap_or(Decimal::ZERO),
    }
}

/// A stable, UUID-shaped id for a symbol (version-4 layout, content from a hash) so asset ids
/// survive restarts and nightly resets.
fn symbol_uuid(symbol: &str) -> String {
    let hi = super::prices::hash_parts(0x6173_7365_7473, symbol, 1, 0);
    let lo = super::prices::hash_parts(0x6173_7365_7473, symbol, 2, 0);
    let bits = (u128::from(hi) << 64 | u128::from(lo)) & !(0xF000u128 << 64) & !(0xC << 60);
    let bits = bits | (0x4000u128 << 64) | (0x8u128 << 60);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn at_least_fifty_unique_symbols_with_positive_prices() {
        let cat = Catalog::standard();
        assert!(cat.all().len() >= 50, "{} assets", cat.all().len());
        let symbols: HashSet<_> = cat.all().iter().map(|a| a.symbol.as_str()).collect();
        assert_eq!(symbols.len(), cat.all().len(), "symbols are unique");
        let ids: HashSet<_> = cat.all().iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids.len(), cat.all().len(), "ids are unique");
        for a in cat.all() {
            assert!(a.reference_price > Decimal::ONE, "{}", a.symbol);
            assert_eq!(a.reference_price.scale(), 2);
            assert_eq!(a.id.len(), 36);
            assert_eq!(&a.id[14..15], "4");
        }
        let etfs = cat
            .all()
            .iter()
            .filter(|a| a.class == AssetClass::Etf)
            .count();
        assert!(etfs >= 15, "{etfs} ETFs");
        assert!(cat.all().iter().any(|a| !a.fractionable));
        assert!(cat.all().iter().any(|a| !a.tradable));
    }

    #[test]
    fn lookup_is_case_insensitive_and_accepts_class_separators() {
        let cat = Catalog::standard();
        assert_eq!(cat.get("aapl").map(|a| a.name.as_str()), Some("Apple Inc."));
        assert_eq!(cat.get("brk-b").map(|a| a.symbol.as_str()), Some("BRK.B"));
        assert_eq!(cat.get("BRK/A").map(|a| a.fractionable), Some(false));
        assert_eq!(cat.get("SPY").map(|a| a.exchange), Some(Exchange::Arcx));
        assert!(cat.get("NOPE").is_none());
        assert!(!cat.get("twtr").expect("listed").tradable);
    }

    #[test]
    fn search_ranks_symbol_matches_before_names_and_honours_limit() {
        let cat = Catalog::standard();
        let hits: Vec<_> = cat
            .search("goog", 10)
            .iter()
            .map(|a| a.symbol.clone())
            .collect();
        assert_eq!(hits, ["GOOG", "GOOGL"]);
        let apple: Vec<_> = cat
            .search("apple", 10)
            .iter()
            .map(|a| a.symbol.clone())
            .collect();
        assert_eq!(apple, ["AAPL"]);
        let v = cat.search("v", 3);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].symbol, "V");
        assert!(cat.search("vanguard", 50).len() >= 5);
        assert_eq!(cat.search("", 7).len(), 7);
        assert!(cat.search("zzzz", 10).is_empty());
    }

    #[test]
    fn asset_serialises_with_bluum_enums() {
        let cat = Catalog::standard();
        let json = serde_json::to_value(cat.get("QQQ").expect("listed")).expect("json");
        assert_eq!(json["class"], "etf");
        assert_eq!(json["exchange"], "XNAS");
        assert_eq!(json["status"], "active");
        assert_eq!(json["reference_price"], "571.25");
    }
}
