//! The simulated market (pure, deterministic, no IO): what can be traded ([`catalog`]), at
//! what price ([`prices`]) and when ([`calendar`]).
//!
//! [`Market`] bundles the three for the HTTP layer and the order engine:
//!
//! ```
//! use bluum_invest::bluum_sim::market::{Market, MarketHours, Timeframe};
//! use time::macros::datetime;
//!
//! # fn main() -> Result<(), bluum_invest::bluum_sim::error::SimApiError> {
//! let market = Market::new(42, MarketHours::Nyse);
//! let at = datetime!(2026-11-20 15:00 UTC);
//! let quote = market.quote("aapl", at)?;
//! assert!(quote.bid_price < quote.ask_price);
//! // Same seed, same instant: same price.
//! assert_eq!(Market::new(42, MarketHours::Nyse).quote("AAPL", at)?, quote);
//! let bars = market.bars("AAPL", Timeframe::Day1, datetime!(2026-11-01 0:00 UTC), at, 100)?;
//! assert_eq!(bars.len(), 15); // trading days from Nov 2 to Nov 20
//! assert!(market.calendar().is_open(at));
//! # Ok(())
//! # }
//! ```

pub mod calendar;
pub mod catalog;
pub mod prices;

pub use calendar::{
    DayInfo, MarketCalendar, MarketHours, MarketStatus, Session, TradingSessionStatus,
};
pub use catalog::{Asset, AssetClass, AssetStatus, Catalog, Exchange};
pub use prices::{Bar, PriceModel, Quote, Snapshot, Timeframe};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::bluum_sim::error::{ErrorCode, SimApiError};

/// Catalogue + price model (+ its calendar): everything the engine needs to know about the
/// market. Serialisable so a simulator can persist its configuration.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Market {
    pub catalog: Catalog,
    pub prices: PriceModel,
}

impl Market {
    /// The standard catalogue with a seeded price walk under the given hours.
    pub fn new(seed: u64, hours: MarketHours) -> Self {
        Self {
            catalog: Catalog::standard(),
            prices: PriceModel::new(seed, MarketCalendar::new(hours)),
        }
    }

    pub fn calendar(&self) -> MarketCalendar {
        self.prices.calendar
    }

    /// The asset for a symbol (case-insensitive), or `BLUM-404-003` with param `symbol`.
    pub fn asset(&self, symbol: &str) -> Result<&Asset, SimApiError> {
        self.catalog.get(symbol).ok_or_else(|| {
            SimApiError::with_param(
                ErrorCode::AssetNotFound,
                "symbol",
                format!("asset {} not found", symbol.trim()),
            )
        })
    }

    /// Last traded price (frozen outside trading hours in NYSE mode).
    pub fn price_at(&self, symbol: &str, at: OffsetDateTime) -> Result<Decimal, SimApiError> {
        Ok(self.prices.price(self.asset(symbol)?, at))
    }

    pub fn quote(&self, symbol: &str, at: OffsetDateTime) -> Result<Quote, SimApiError> {
        Ok(self.prices.quote(self.asset(symbol)?, at))
    }

    pub fn snapshot(&self, symbol: &str, at: OffsetDateTime) -> Result<Snapshot, SimApiError> {
        Ok(self.prices.snapshot(self.asset(symbol)?, at))
    }

    pub fn bars(
        &self,
        symbol: &str,
        timeframe: Timeframe,
        start: OffsetDateTime,
        end: OffsetDateTime,
        limit: usize,
    ) -> Result<Vec<Bar>, SimApiError> {
        self.prices
            .bars(self.asset(symbol)?, timeframe, start, end, limit)
    }
}
