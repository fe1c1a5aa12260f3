//! The trade ticket, shared by the server and the browser: what a user typed, checked against
//! what we know (the quote, the asset, the position, buying power), the order it makes, its
//! estimate and the plain sentence the review shows. Exact decimals throughout, never floats.
//!
//! The server runs [`check`] before it asks Bluum anything, and Bluum's own refusals (the
//! market is closed, insufficient funds) are shown on the same fields; the browser runs the
//! same rules as the user types.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::usd;

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn slug(self) -> &'static str {
        match self {
            Self::Buy => "buy",
            Self::Sell => "sell",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        match slug {
            "buy" => Some(Self::Buy),
            "sell" => Some(Self::Sell),
            _ => None,
        }
    }
}

/// The order types the ticket offers; a trailing stop trails by a percentage or by dollars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderKind {
    Market,
    Limit,
    Stop,
    StopLimit,
    TrailingStopPercent,
    TrailingStopPrice,
}

impl OrderKind {
    pub const ALL: [OrderKind; 6] = [
        Self::Market,
        Self::Limit,
        Self::Stop,
        Self::StopLimit,
        Self::TrailingStopPercent,
        Self::TrailingStopPrice,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Market => "market",
            Self::Limit => "limit",
            Self::Stop => "stop",
            Self::StopLimit => "stop_limit",
            Self::TrailingStopPercent => "trailing_stop_percent",
            Self::TrailingStopPrice => "trailing_stop_price",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Market => "Market",
            Self::Limit => "Limit",
            Self::Stop => "Stop",
            Self::StopLimit => "Stop limit",
            Self::TrailingStopPercent => "Trailing stop (%)",
            Self::TrailingStopPrice => "Trailing stop ($)",
        }
    }

    /// One line on what it does, for the ticket.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Market => "Trades now at the best price available.",
            Self::Limit => "Trades only at your price or better.",
            Self::Stop => "Becomes a market order once the price reaches your stop.",
            Self::StopLimit => "Becomes a limit order once the price reaches your stop.",
            Self::TrailingStopPercent => {
                "A stop that follows the price by a percentage as it moves in your favour."
            }
            Self::TrailingStopPrice => {
                "A stop that follows the price by a dollar amount as it moves in your favour."
            }
        }
    }

    pub fn needs_limit(self) -> bool {
        matches!(self, Self::Limit | Self::StopLimit)
    }

    pub fn needs_stop(self) -> bool {
        matches!(self, Self::Stop | Self::StopLimit)
    }

    pub fn is_trailing(self) -> bool {
        matches!(self, Self::TrailingStopPercent | Self::TrailingStopPrice)
    }
}

/// How long an order stays open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimeInForce {
    Day,
    Gtc,
    Ioc,
    Fok,
}

impl TimeInForce {
    pub const ALL: [TimeInForce; 4] = [Self::Day, Self::Gtc, Self::Ioc, Self::Fok];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Gtc => "gtc",
            Self::Ioc => "ioc",
            Self::Fok => "fok",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Day => "Day",
            Self::Gtc => "Good 'til cancelled",
            Self::Ioc => "Immediate or cancel",
            Self::Fok => "Fill or kill",
        }
    }

    /// One line on what it means, for the ticket.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Day => "Cancelled at the end of today's session if it hasn't filled.",
            Self::Gtc => "Stays open until it fills or you cancel it.",
            Self::Ioc => "Fills what it can at once; the rest is cancelled.",
            Self::Fok => "Fills completely at once, or not at all.",
        }
    }

    /// The words the review sentence ends with.
    fn phrase(self) -> &'static str {
        match self {
            Self::Day => "good for today",
            Self::Gtc => "good 'til cancelled",
            Self::Ioc => "filled at once as far as possible, the rest cancelled",
            Self::Fok => "filled completely at once or not at all",
        }
    }
}

/// The ticket's fields as typed (a form post or the browser's inputs); absent fields are
/// empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketForm {
    pub symbol: String,
    /// `buy` / `sell`.
    pub side: String,
    /// An [`OrderKind`] slug.
    pub order_type: String,
    /// `shares` or `dollars`.
    pub amount_in: String,
    pub amount: String,
    pub limit_price: String,
    pub stop_price: String,
    /// Percent or dollars, by the order type.
    pub trail: String,
    /// A [`TimeInForce`] slug.
    pub time_in_force: String,
}

/// What the ticket is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The latest price of the asset.
    pub price: Decimal,
    pub tradable: bool,
    /// Parts of a share can be traded (and so dollar amounts can be bought).
    pub fractionable: bool,
    /// Shares of it the investor holds.
    pub held: Decimal,
    pub buying_power: Decimal,
}

/// How much: a number of shares, or dollars (market buys of fractionable assets only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Size {
    Shares(Decimal),
    Dollars(Decimal),
}

/// A checked order, ready to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub symbol: String,
    pub side: Side,
    pub kind: OrderKind,
    pub size: Size,
    pub limit_price: Option<Decimal>,
    pub stop_price: Option<Decimal>,
    /// Percent for [`OrderKind::TrailingStopPercent`], dollars for the other trailing stop.
    pub trail: Option<Decimal>,
    pub time_in_force: TimeInForce,
}

/// What the order would cost or bring in, by our own reckoning from the quote (Bluum's
/// estimate, where it gives one, is shown instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    /// The price it is reckoned at: the limit, the stop or the latest price.
    pub price: Decimal,
    /// Shares, exact for a share order, approximate (six decimals) for a dollar order.
    pub shares: Decimal,
    /// Cost of a buy or proceeds of a sale, in dollars (cents).
    pub total: Decimal,
}

/// The most decimals a share quantity may have.
pub const SHARE_DECIMALS: u32 = 9;
/// The smallest dollar amount of a dollar order.
pub const MIN_DOLLARS: Decimal = Decimal::from_parts(1, 0, 0, false, 0);
/// The largest trailing percentage accepted.
pub const MAX_TRAIL_PERCENT: Decimal = Decimal::from_parts(50, 0, 0, false, 0);

/// A field's problem: `(field, message)`.
pub type FieldError = (&'static str, String);

/// Reads a positive decimal as typed (`1,250.5`, `$12`); `what` names it in messages.
fn positive(input: &str, what: &str) -> Result<Decimal, String> {
    let cleaned: String = input
        .trim()
        .trim_start_matches('$')
        .trim_end_matches('%')
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if cleaned.is_empty() {
        return Err(format!("Enter {what}."));
    }
    let number = cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
        .then(|| Decimal::from_str(&cleaned).ok())
        .flatten()
        .ok_or_else(|| format!("Enter {what} as a number, like 12.50."))?;
    if number <= Decimal::ZERO {
        return Err(format!("Enter {what} above zero."));
    }
    Ok(number.normalize())
}

/// A price: positive, whole cents (four decimals below $1, as exchanges quote them).
fn price(input: &str, what: &str) -> Result<Decimal, String> {
    let p = positive(input, what)?;
    let max_scale = if p < Decimal::ONE { 4 } else { 2 };
    if p.scale() > max_scale {
        return Err(if max_scale == 2 {
            format!("Use whole cents for {what}, like 12.50.")
        } else {
            format!("Use at most four decimals for {what}.")
        });
    }
    Ok(p)
}

/// Checks the ticket against `facts`; every field's problem at once.
pub fn check(form: &TicketForm, facts: &Facts) -> Result<Ticket, Vec<FieldError>> {
    let mut errors: Vec<FieldError> = Vec::new();
    let symbol = form.symbol.trim().to_ascii_uppercase();
    if symbol.is_empty() {
        errors.push(("symbol", "Choose what to trade.".into()));
    } else if !facts.tradable {
        errors.push(("symbol", format!("{symbol} can't be traded here.")));
    }
    let side = Side::from_slug(form.side.trim());
    if side.is_none() {
        errors.push(("side", "Choose buy or sell.".into()));
    }
    let kind = OrderKind::from_slug(form.order_type.trim());
    if kind.is_none() {
        errors.push(("order_type", "Choose an order type.".into()));
    }
    let time_in_force = match form.time_in_force.trim() {
        "" => Some(TimeInForce::Day),
        slug => TimeInForce::from_slug(slug),
    };
    if time_in_force.is_none() {
        errors.push((
            "time_in_force",
            "Choose how long the order stays open.".into(),
        ));
    }
    let (Some(side), Some(kind), Some(time_in_force)) = (side, kind, time_in_force) else {
        return Err(errors);
    };

    // The amount: shares, or dollars where Bluum allows them.
    let in_dollars = form.amount_in.trim() == "dollars";
    let size = if in_dollars {
        match positive(&form.amount, "a dollar amount") {
            Err(message) => Err(message),
            Ok(_) if side == Side::Sell || kind != OrderKind::Market => Err(
                "Dollar amounts work for market buys only. Enter a number of shares.".to_owned(),
            ),
            Ok(_) if !facts.fractionable => Err(format!(
                "{symbol} trades in whole shares only. Enter a number of shares."
            )),
            Ok(d) if d.scale() > 2 => Err("Use whole cents, like 250.50.".to_owned()),
            Ok(d) if d < MIN_DOLLARS => Err(format!(
                "The smallest dollar order is {}.",
                usd(MIN_DOLLARS)
            )),
            Ok(d) => Ok(Size::Dollars(d)),
        }
    } else {
        match positive(&form.amount, "a number of shares") {
            Err(message) => Err(message),
            Ok(q) if q.scale() > 0 && !facts.fractionable => Err(format!(
                "{symbol} trades in whole shares only. Enter a whole number."
            )),
            Ok(q) if q.scale() > 0 && kind != OrderKind::Market => Err(
                "Parts of a share can be traded with market orders only. Enter a whole number."
                    .to_owned(),
            ),
            Ok(q) if q.scale() > SHARE_DECIMALS => {
                Err(format!("Use at most {SHARE_DECIMALS} decimals for shares."))
            }
            Ok(q) => Ok(Size::Shares(q)),
        }
    };
    let size = size.map_err(|m| errors.push(("amount", m))).ok();

    // Only the prices each type needs; a stop must be on the right side of the price.
    let limit_price = kind
        .needs_limit()
        .then(|| price(&form.limit_price, "a limit price"))
        .transpose()
        .map_err(|m| errors.push(("limit_price", m)))
        .ok()
        .flatten();
    let stop_price = match kind
        .needs_stop()
        .then(|| price(&form.stop_price, "a stop price"))
    {
        None => None,
        Some(Err(m)) => {
            errors.push(("stop_price", m));
            None
        }
        Some(Ok(stop)) => {
            let wrong_side = match side {
                Side::Buy => stop <= facts.price,
                Side::Sell => stop >= facts.price,
            };
            if wrong_side {
                let (word, direction) = match side {
                    Side::Buy => ("above", "rises"),
                    Side::Sell => ("below", "falls"),
                };
                errors.push((
                    "stop_price",
                    format!(
                        "A {} stop must be {word} the current price of {}: it triggers when the price {direction} to it.",
                        side.slug(),
                        usd(facts.price)
                    ),
                ));
                None
            } else {
                Some(stop)
            }
        }
    };
    if let (OrderKind::StopLimit, Some(stop), Some(limit)) = (kind, stop_price, limit_price) {
        let wrong = match side {
            Side::Buy => limit < stop,
            Side::Sell => limit > stop,
        };
        if wrong {
            let word = if side == Side::Buy {
                "at or above"
            } else {
                "at or below"
            };
            errors.push((
                "limit_price",
                format!("The limit must be {word} the stop price of {}.", usd(stop)),
            ));
        }
    }
    let trail = match kind {
        OrderKind::TrailingStopPercent => match positive(&form.trail, "a trailing percentage") {
            Ok(p) if p > MAX_TRAIL_PERCENT => {
                errors.push(("trail", format!("Trail by at most {MAX_TRAIL_PERCENT}%.")));
                None
            }
            Ok(p) if p.scale() > 2 => {
                errors.push(("trail", "Use at most two decimals.".into()));
                None
            }
            Ok(p) => Some(p),
            Err(m) => {
                errors.push(("trail", m));
                None
            }
        },
        OrderKind::TrailingStopPrice => match price(&form.trail, "a trailing amount") {
            Ok(t) if side == Side::Sell && t >= facts.price => {
                errors.push((
                    "trail",
                    format!("Trail by less than the price of {}.", usd(facts.price)),
                ));
                None
            }
            Ok(t) => Some(t),
            Err(m) => {
                errors.push(("trail", m));
                None
            }
        },
        _ => None,
    };

    // How long it may stay open.
    let partial_share = matches!(size, Some(Size::Dollars(_)))
        || matches!(size, Some(Size::Shares(q)) if q.scale() > 0);
    if partial_share && time_in_force != TimeInForce::Day {
        errors.push((
            "time_in_force",
            "Dollar orders and parts of a share are good for the day only.".into(),
        ));
    } else if kind.is_trailing() && !matches!(time_in_force, TimeInForce::Day | TimeInForce::Gtc) {
        errors.push((
            "time_in_force",
            "Trailing stops are good for the day or 'til cancelled.".into(),
        ));
    } else if matches!(time_in_force, TimeInForce::Ioc | TimeInForce::Fok)
        && !matches!(kind, OrderKind::Market | OrderKind::Limit)
    {
        errors.push((
            "time_in_force",
            "Immediate-or-cancel and fill-or-kill work with market and limit orders only.".into(),
        ));
    }
    let Some(size) = size else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let ticket = Ticket {
        symbol,
        side,
        kind,
        size,
        limit_price,
        stop_price,
        trail,
        time_in_force,
    };

    // Enough cash for a buy, enough shares for a sale.
    let estimate = estimate(&ticket, facts);
    match (side, size) {
        (Side::Buy, _) if estimate.total > facts.buying_power => errors.push((
            "amount",
            format!(
                "That costs about {}, more than your buying power of {}.",
                usd(estimate.total),
                usd(facts.buying_power)
            ),
        )),
        (Side::Sell, _) if facts.held.is_zero() => {
            errors.push(("amount", format!("You don't own any {}.", ticket.symbol)))
        }
        (Side::Sell, Size::Shares(q)) if q > facts.held => errors.push((
            "amount",
            format!(
                "You own {} of {}: sell at most that.",
                shares_text(facts.held),
                ticket.symbol
            ),
        )),
        _ => {}
    }
    if errors.is_empty() {
        Ok(ticket)
    } else {
        Err(errors)
    }
}

/// What the order comes to at the price it is reckoned at (see [`Estimate`]).
pub fn estimate(ticket: &Ticket, facts: &Facts) -> Estimate {
    let price = match ticket.kind {
        OrderKind::Limit | OrderKind::StopLimit => ticket.limit_price,
        OrderKind::Stop => ticket.stop_price,
        _ => None,
    }
    .unwrap_or(facts.price);
    match ticket.size {
        Size::Shares(shares) => Estimate {
            price,
            shares,
            total: (shares * price).round_dp(2),
        },
        Size::Dollars(dollars) => Estimate {
            price,
            shares: if price.is_zero() {
                Decimal::ZERO
            } else {
                (dollars / price).round_dp(6)
            },
            total: dollars,
        },
    }
}

/// `1 share`, `2.5 shares`, `10 shares`: no trailing zeros.
pub fn shares_text(shares: Decimal) -> String {
    let n = shares.normalize();
    if n == Decimal::ONE {
        "1 share".into()
    } else {
        format!("{n} shares")
    }
}

/// The order in one plain sentence, for the review.
pub fn sentence(ticket: &Ticket) -> String {
    let verb = match ticket.side {
        Side::Buy => "Buy",
        Side::Sell => "Sell",
    };
    let what = match ticket.size {
        Size::Shares(q) => format!("{} of {}", shares_text(q), ticket.symbol),
        Size::Dollars(d) => format!("{} of {}", usd(d), ticket.symbol),
    };
    let (better, worse) = match ticket.side {
        Side::Buy => ("or less", "rises to"),
        Side::Sell => ("or more", "falls to"),
    };
    let how = match ticket.kind {
        OrderKind::Market => "at the market price".to_owned(),
        OrderKind::Limit => format!(
            "at {} {better}",
            usd(ticket.limit_price.unwrap_or_default())
        ),
        OrderKind::Stop => format!(
            "at the market price once it {worse} {}",
            usd(ticket.stop_price.unwrap_or_default())
        ),
        OrderKind::StopLimit => format!(
            "at {} {better} once the price {worse} {}",
            usd(ticket.limit_price.unwrap_or_default()),
            usd(ticket.stop_price.unwrap_or_default())
        ),
        OrderKind::TrailingStopPercent => format!(
            "at the market price once it moves {}% against you from its best since now",
            ticket.trail.unwrap_or_default().normalize()
        ),
        OrderKind::TrailingStopPrice => format!(
            "at the market price once it moves {} against you from its best since now",
            usd(ticket.trail.unwrap_or_default())
        ),
    };
    format!("{verb} {what} {how}, {}.", ticket.time_in_force.phrase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn facts() -> Facts {
        Facts {
            price: dec("150.00"),
            tradable: true,
            fractionable: true,
            held: dec("10"),
            buying_power: dec("1000.00"),
        }
    }

    fn form(side: &str, order_type: &str, amount_in: &str, amount: &str) -> TicketForm {
        TicketForm {
            symbol: "aapl".into(),
            side: side.into(),
            order_type: order_type.into(),
            amount_in: amount_in.into(),
            amount: amount.into(),
            time_in_force: "day".into(),
            ..TicketForm::default()
        }
    }

    fn field_errors(form: &TicketForm, facts: &Facts) -> Vec<&'static str> {
        check(form, facts)
            .unwrap_err()
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    }

    fn message(form: &TicketForm, facts: &Facts, field: &str) -> String {
        check(form, facts)
            .unwrap_err()
            .into_iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m)
            .unwrap_or_else(|| panic!("no error on {field}"))
    }

    #[test]
    fn a_dollar_market_buy_is_estimated_to_the_cent() {
        let t = check(&form("buy", "market", "dollars", "500"), &facts()).unwrap();
        assert_eq!(t.symbol, "AAPL");
        assert_eq!(t.size, Size::Dollars(dec("500")));
        let e = estimate(&t, &facts());
        assert_eq!(e.total, dec("500"));
        assert_eq!(e.shares, dec("3.333333"));
        assert_eq!(
            sentence(&t),
            "Buy $500.00 of AAPL at the market price, good for today."
        );
    }

    #[test]
    fn share_orders_are_costed_at_the_price_they_would_fill_at() {
        let mut f = form("buy", "limit", "shares", "3");
        f.limit_price = "140.25".into();
        f.time_in_force = "gtc".into();
        let t = check(&f, &facts()).unwrap();
        let e = estimate(&t, &facts());
        assert_eq!((e.price, e.total), (dec("140.25"), dec("420.75")));
        assert_eq!(
            sentence(&t),
            "Buy 3 shares of AAPL at $140.25 or less, good 'til cancelled."
        );

        let t = check(&form("sell", "market", "shares", "2.5"), &facts()).unwrap();
        assert_eq!(estimate(&t, &facts()).total, dec("375.00"));
        assert_eq!(
            sentence(&t),
            "Sell 2.5 shares of AAPL at the market price, good for today."
        );
    }

    #[test]
    fn dollars_only_for_market_buys_of_fractionable_assets() {
        let e = message(
            &form("sell", "market", "dollars", "100"),
            &facts(),
            "amount",
        );
        assert!(e.contains("market buys only"), "{e}");
        let mut f = form("buy", "limit", "dollars", "100");
        f.limit_price = "149".into();
        assert!(message(&f, &facts(), "amount").contains("market buys only"));
        let whole_only = Facts {
            fractionable: false,
            ..facts()
        };
        let e = message(
            &form("buy", "market", "dollars", "100"),
            &whole_only,
            "amount",
        );
        assert_eq!(
            e,
            "AAPL trades in whole shares only. Enter a number of shares."
        );
        let e = message(
            &form("buy", "market", "shares", "1.5"),
            &whole_only,
            "amount",
        );
        assert!(e.contains("whole shares only"), "{e}");
        let e = message(
            &form("buy", "market", "dollars", "10.005"),
            &facts(),
            "amount",
        );
        assert_eq!(e, "Use whole cents, like 250.50.");
    }

    #[test]
    fn only_the_prices_each_type_needs_are_asked_for() {
        let mut f = form("buy", "limit", "shares", "1");
        assert_eq!(field_errors(&f, &facts()), ["limit_price"]);
        f.order_type = "stop_limit".into();
        assert_eq!(field_errors(&f, &facts()), ["limit_price", "stop_price"]);
        f.order_type = "stop".into();
        assert_eq!(field_errors(&f, &facts()), ["stop_price"]);
        f.order_type = "trailing_stop_percent".into();
        assert_eq!(field_errors(&f, &facts()), ["trail"]);
        // A market order ignores stray price fields.
        let mut f = form("buy", "market", "shares", "1");
        f.limit_price = "nonsense".into();
        assert!(check(&f, &facts()).is_ok());
    }

    #[test]
    fn stops_must_be_on_the_right_side_of_the_price() {
        let mut f = form("buy", "stop", "shares", "1");
        f.stop_price = "149.99".into();
        let e = message(&f, &facts(), "stop_price");
        assert_eq!(e, "A buy stop must be above the current price of $150.00: it triggers when the price rises to it.");
        f.stop_price = "155".into();
        let t = check(&f, &facts()).unwrap();
        assert_eq!(estimate(&t, &facts()).total, dec("155.00"));
        assert_eq!(
            sentence(&t),
            "Buy 1 share of AAPL at the market price once it rises to $155.00, good for today."
        );

        let mut f = form("sell", "stop_limit", "shares", "2");
        f.stop_price = "150".into();
        f.limit_price = "139".into();
        assert!(message(&f, &facts(), "stop_price").contains("below the current price"));
        f.stop_price = "140".into();
        f.limit_price = "141".into();
        assert_eq!(
            message(&f, &facts(), "limit_price"),
            "The limit must be at or below the stop price of $140.00."
        );
        f.limit_price = "139.50".into();
        let t = check(&f, &facts()).unwrap();
        assert_eq!(
            sentence(&t),
            "Sell 2 shares of AAPL at $139.50 or more once the price falls to $140.00, good for today."
        );
    }

    #[test]
    fn trailing_stops_by_percent_or_by_price() {
        let mut f = form("sell", "trailing_stop_percent", "shares", "5");
        f.trail = "5%".into();
        f.time_in_force = "gtc".into();
        let t = check(&f, &facts()).unwrap();
        assert_eq!(t.trail, Some(dec("5")));
        assert!(sentence(&t).contains("moves 5% against you"));
        f.trail = "75".into();
        assert_eq!(message(&f, &facts(), "trail"), "Trail by at most 50%.");
        f.trail = "5".into();
        f.time_in_force = "ioc".into();
        assert!(message(&f, &facts(), "time_in_force").contains("Trailing stops"));

        let mut f = form("sell", "trailing_stop_price", "shares", "5");
        f.trail = "150".into();
        assert!(message(&f, &facts(), "trail").contains("less than the price"));
        f.trail = "2.50".into();
        assert!(sentence(&check(&f, &facts()).unwrap()).contains("moves $2.50 against you"));
    }

    #[test]
    fn buying_power_and_holdings_are_checked() {
        let e = message(&form("buy", "market", "shares", "7"), &facts(), "amount");
        assert_eq!(
            e,
            "That costs about $1,050.00, more than your buying power of $1,000.00."
        );
        assert!(check(&form("buy", "market", "dollars", "1000"), &facts()).is_ok());
        assert!(check(&form("buy", "market", "dollars", "1000.01"), &facts()).is_err());

        let e = message(
            &form("sell", "market", "shares", "10.5"),
            &facts(),
            "amount",
        );
        assert_eq!(e, "You own 10 shares of AAPL: sell at most that.");
        assert!(check(&form("sell", "market", "shares", "10"), &facts()).is_ok());
        let none = Facts {
            held: Decimal::ZERO,
            ..facts()
        };
        let e = message(&form("sell", "market", "shares", "1"), &none, "amount");
        assert_eq!(e, "You don't own any AAPL.");
    }

    #[test]
    fn time_in_force_fits_the_order() {
        let mut f = form("buy", "market", "dollars", "100");
        f.time_in_force = "gtc".into();
        assert!(message(&f, &facts(), "time_in_force").contains("day only"));
        let mut f = form("buy", "stop", "shares", "1");
        f.stop_price = "160".into();
        f.time_in_force = "fok".into();
        assert!(message(&f, &facts(), "time_in_force").contains("market and limit orders only"));
        f.time_in_force = String::new();
        assert_eq!(
            check(&f, &facts()).unwrap().time_in_force,
            TimeInForce::Day,
            "day by default"
        );
    }

    #[test]
    fn bad_input_is_named_not_crashed_on() {
        let f = TicketForm::default();
        assert_eq!(field_errors(&f, &facts()), ["symbol", "side", "order_type"]);
        let e = message(&form("buy", "market", "shares", "-3"), &facts(), "amount");
        assert_eq!(e, "Enter a number of shares as a number, like 12.50.");
        let e = message(&form("buy", "market", "shares", "0"), &facts(), "amount");
        assert_eq!(e, "Enter a number of shares above zero.");
        let e = message(&form("buy", "market", "shares", "1e3"), &facts(), "amount");
        assert!(e.contains("as a number"), "{e}");
        let mut f = form("buy", "limit", "shares", "1");
        f.limit_price = "12.345".into();
        assert_eq!(
            message(&f, &facts(), "limit_price"),
            "Use whole cents for a limit price, like 12.50."
        );
        f.limit_price = "0.1234".into();
        assert!(
            check(&f, &facts()).is_ok(),
            "sub-dollar prices take four decimals"
        );
        let untradable = Facts {
            tradable: false,
            ..facts()
        };
        assert_eq!(
            message(&form("buy", "market", "shares", "1"), &untradable, "symbol"),
            "AAPL can't be traded here."
        );
    }

    #[test]
    fn share_counts_read_without_trailing_zeros() {
        assert_eq!(shares_text(dec("1.000")), "1 share");
        assert_eq!(shares_text(dec("2.50")), "2.5 shares");
        assert_eq!(shares_text(dec("0.333333")), "0.333333 shares");
    }
}
