//! The asset page's one call: what the ticket needs (`api::trading`), plus the day's change,
//! key facts, the investor's position and a price chart over 1D, 1W, 1M or 1Y from Bluum's
//! bars (`GET /assets/{symbol}/bars`, read through `server::market`, shared by every investor).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::portfolio::ChartRange;
use crate::api::trading::TicketContext;
use crate::error::AppError;
use crate::market::{Change, PriceRange};
use crate::portfolio::{ChartLine, PositionRow};

/// The price chart box, in SVG user units.
pub const PRICE_CHART_WIDTH: f64 = 600.0;
pub const PRICE_CHART_HEIGHT: f64 = 200.0;

/// Everything an asset page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetPage {
    /// The asset, its price, the shares held and the buying power (what the ticket needs).
    pub ticket: TicketContext,
    /// `Stock`, `ETF`, …
    pub kind: String,
    pub currency: String,
    /// Since the previous session's close.
    pub day_change: Option<Change>,
    /// The latest session's low and high.
    pub day_range: Option<PriceRange>,
    /// The last 52 weeks' low and high.
    pub year_range: Option<PriceRange>,
    /// The investor's position in it, priced at the latest price.
    pub position: Option<PositionRow>,
    pub range: ChartRange,
    /// `None` when Bluum has fewer than two bars in the range.
    pub chart: Option<ChartLine>,
    /// From the chart's first close to the latest price.
    pub chart_change: Option<Change>,
}

/// `symbol`'s page for the signed-in investor, with the chart over `range` (`1d`, `1w`, `1m`,
/// `1y`; a month by default).
#[server(endpoint = "trade/asset")]
pub async fn get_asset_page(
    symbol: String,
    #[server(default)] range: String,
) -> Result<AssetPage, AppError> {
    use crate::api::trading::ssr::{symbol_of, ticket_reading};
    use crate::market::{last_session, previous_close, range_of, since};
    use crate::server::market::{bars, Span};
    use rust_decimal::Decimal;

    let me = crate::api::require_investor().await?;
    let app = crate::api::state();
    let symbol = symbol_of(&symbol)?;
    let range = ChartRange::from_slug(&range);
    let intraday = match range {
        ChartRange::Day => Some(Span::DaysFiveMinute),
        ChartRange::Week => Some(Span::WeekHourly),
        ChartRange::Month | ChartRange::Year => None,
    };
    let (reading, daily, intraday) = tokio::try_join!(
        ticket_reading(&me.investor_id, &symbol),
        bars(&app.bluum, &app.bars, &symbol, Span::YearDaily),
        async {
            match intraday {
                Some(span) => bars(&app.bluum, &app.bars, &symbol, span).await.map(Some),
                None => Ok(None),
            }
        },
    )?;
    let price = reading.context.facts.price;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let points = match (range, &intraday) {
        (ChartRange::Day, Some(bars)) => last_session(bars),
        (ChartRange::Week, Some(bars)) => bars.as_slice(),
        (ChartRange::Month, _) => since(&daily, now - 31 * 86_400),
        _ => daily.as_slice(),
    };
    let mut line: Vec<(i64, Decimal)> = points.iter().map(|p| (p.at, p.close)).collect();
    // The line ends at the price shown above it.
    if let Some(&(last_at, close)) = line.last() {
        if close != price {
            line.push((now.max(last_at + 1), price));
        }
    }
    let previous = reading.asset.previous_close.or(previous_close(&daily));
    let position = reading.position.map(|p| {
        let holding = crate::server::portfolio::holding_of(p, Some(reading.context.name.clone()));
        let holding = crate::portfolio::Holding { price, ..holding };
        let (_, mut rows) =
            crate::portfolio::summarize(&[holding], Decimal::ZERO, crate::portfolio::SortBy::Value);
        rows.remove(0)
    });
    Ok(AssetPage {
        kind: reading
            .asset
            .class
            .map(|c| kind_label(c).to_owned())
            .unwrap_or_else(|| "Stock".to_owned()),
        currency: reading
            .asset
            .currency
            .clone()
            .unwrap_or_else(|| "USD".into()),
        day_change: previous.map(|p| Change::between(p, price)),
        day_range: daily.last().map(|bar| PriceRange {
            low: bar.low.min(price),
            high: bar.high.max(price),
        }),
        year_range: range_of(since(&daily, now - 365 * 86_400)),
        position,
        range,
        chart_change: line
            .first()
            .map(|(_, first)| Change::between(*first, price)),
        chart: crate::portfolio::chart_line(&line, PRICE_CHART_WIDTH, PRICE_CHART_HEIGHT),
        ticket: reading.context,
    })
}

/// What an asset class is called on the page.
#[cfg(feature = "ssr")]
fn kind_label(class: crate::bluum::models::assets::AssetClass) -> &'static str {
    use crate::bluum::models::assets::AssetClass as C;
    match class {
        C::Equity => "Stock",
        C::Etf => "ETF",
        C::Bond | C::Bill | C::Note => "Bond",
        C::MutualFund => "Mutual fund",
        C::Derivative => "Option",
        C::Cryptocurrency => "Crypto",
        C::Commodity => "Commodity",
        C::RealEstate => "Real estate",
        C::Cash => "Cash",
        _ => "Other",
    }
}
