//! A demo investor with a year of history, for sales demos whose first screen should be full:
//! [`seed`] builds one inside the simulated world, [`remove`] takes every trace of it away
//! again (so [`reset`] can seed afresh), and [`value_history`] replays its portfolio value
//! over time for the app's value chart (`portfolio_snapshots`).
//!
//! # The story
//! Days are counted back from `now` and land on NYSE trading days; orders are placed and
//! fill in the regular session (New York time), sign-up and deposits happen in the evening.
//!
//! | when (days ago) | what |
//! |---|---|
//! | 396 | signs up (KYC approved after the simulator's review time), links Plaid Checking ••••0000 at First Platypus Bank (the simulator's Plaid sandbox bank) and deposits $25,000 by ACH (completed two trading mornings later) |
//! | 390–378 | market buy, 12 shares of VOO |
//! | 372–360 | market buy, $4,000 of AAPL (notional) |
//! | 352 | limit buy, 6 MSFT, good till cancelled, fills within days |
//! | 340–328 | market buy, 30 shares of NVDA |
//! | 318 | trailing stop sell, 12 of the NVDA shares |
//! | 290 | deposits $5,000 |
//! | 282–270 | market buy, 20 shares of JNJ |
//! | 250 | limit buy, 8 TSLA at 84% of its reference price… |
//! | 236 | …cancelled (a change of mind) |
//! | 214 | limit buy, 12 AMZN, fills within days |
//! | 180 | market sell, 5 of the 12 VOO (rebalancing: part of a position) |
//! | 160–148 | market buy, $2,500 of GLD (notional) |
//! | 121 | deposits $2,500 |
//! | 100 | limit sell, 4 AAPL ("taking profits"), fills within days |
//! | 21 | limit buy, 10 NVDA at 82% of its reference price: still open at `now` |
//!
//! Twelve orders of three types: market (buys by shares and by dollars, a sell), limit (buys
//! and a sell) and a trailing stop; ten filled, one cancelled, one open. Three deposits,
//! seven positions.
//!
//! # The rules
//! - Everything goes through the simulator's own code at the past instants: the investor is
//!   made from a `POST /investors` body by the handler's code and its KYC review concludes
//!   as the ticker would; the bank is linked by the Plaid connect code; deposits step
//!   `pending → processing → completed` by the ticker's code, crediting the wallet with a
//!   `deposit` transaction; orders are placed, worked and cancelled by the handlers' code
//!   around the [order engine](super::engine), with `now` the past instant, so they fill at
//!   the simulator's historical prices and leave `buy`/`sell` transactions dated then.
//!   Between two steps of the story, open orders are worked as the ticker would have done,
//!   once an hour during the NYSE regular session (in always-open mode too, so that nothing
//!   fills at 3 a.m.).
//! - Records get past timestamps and ids made for their instant ([`ids::new_id_at`]), in
//!   time order, so lists sorted by id (newest first) read as the story happened.
//! - Where a market buy falls inside its window is chosen from the price walk: the cheapest
//!   moment ("buying the dip") or the dearest ("chasing a rally"). VOO, AAPL and JNJ are
//!   bought on dips, NVDA and GLD at peaks, so at `now` the portfolio shows gains and losses;
//!   should the walk at `now` leave no gain or no loss among them, the fewest choices are
//!   flipped until it does. Limit and trailing-stop prices are set from the walk of the
//!   following days so those orders do fill, and the resting limits sit below the lowest
//!   price the walk can reach (85.7% of the reference price), so they never fill.
//! - The whole history is built in a scratch world and moved into the simulator's world
//!   under one lock, then saved in one commit: a refused step leaves nothing behind.
//! - **No webhooks** are sent for the invented past: the events the shared code emits are
//!   dropped with the scratch world (the app is not listening yet, and a year of
//!   `order.filled` would be noise). What happens to the investor afterwards is announced
//!   as usual.
//! - The demo investor is always approved, whatever its last name (the simulator's KYC demo
//!   rule on last names does not apply), and its e-mail must be free: seeding again needs
//!   [`remove`] (or [`reset`]) first.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::time::Duration as StdDuration;

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use time::macros::time;
use time::{Date, Duration, OffsetDateTime, Time};

use super::api::{self, fail, ApiResult};
use super::engine::money::money;
use super::engine::{OrderRequest, OrderType, Side, TimeInForce};
use super::error::SimApiError;
use super::funding;
use super::ids;
use super::investors::{self, NewInvestor, Scenario};
use super::market::calendar::{new_york_date, new_york_to_utc};
use super::market::{Market, MarketCalendar, MarketHours};
use super::state::{Sim, World};
use super::trading::{self, Order};
use super::transfers::{self, NewDeposit};
use super::wallets::{self, Transaction};

/// Who the demo investor is. Everything else about them (birth date, address, employer…)
/// is fixed, plausible demo data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoProfile {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
}

impl Default for DemoProfile {
    fn default() -> Self {
        Self {
            first_name: "Avery".into(),
            last_name: "Morgan".into(),
            email: "avery.morgan@demo.bluum.example".into(),
        }
    }
}

/// The metadata key that marks the demo investor (its value is `"true"`).
pub const DEMO_MARK: &str = "demo";

/// What [`seed`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoInvestor {
    pub investor_id: String,
    pub wallet_id: String,
    /// The linked bank account the deposits came from.
    pub funding_source_id: String,
    /// When the investor signed up.
    pub created_at: OffsetDateTime,
    /// The completed deposits, oldest first.
    pub deposit_ids: Vec<String>,
    /// Every order placed, oldest first.
    pub order_ids: Vec<String>,
}

/// What [`remove`] took away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    /// Resources of the world (the investor, wallet, transactions, orders, …).
    pub records: usize,
    /// Webhook deliveries (any status) whose payload names the investor.
    pub webhook_deliveries: u64,
    /// Stored idempotent replies of requests about the investor.
    pub idempotency_keys: u64,
}

/// Why seeding or removing failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A step was refused, e.g. the e-mail is taken (`BLUM-409-001`).
    #[error("demo seed refused: {0}")]
    Refused(#[from] SimApiError),
    #[error("demo seed database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// One point of the portfolio's value, in USD rounded to cents:
/// `total_value = cash + invested`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuePoint {
    pub at: OffsetDateTime,
    pub total_value: Decimal,
    /// The wallet balance (available plus reserved).
    pub cash: Decimal,
    /// The market value of the positions.
    pub invested: Decimal,
}

/// Seeds the demo investor with a year of history ending at `now` (see the module docs),
/// under one lock and in one commit. `409 BLUM-409-001` (as [`DemoError::Refused`]) when an
/// investor already has the profile's e-mail.
pub async fn seed(
    sim: &Sim,
    profile: &DemoProfile,
    now: OffsetDateTime,
) -> Result<DemoInvestor, DemoError> {
    let mut world = sim.lock().await;
    seed_locked(sim, &mut world, profile, now).await
}

/// Removes every record of the investor `investor_id` from the world and from Postgres: the
/// investor, wallet, transactions, documents, funding sources and used Plaid tokens,
/// deposits, withdrawals, orders, positions, the webhook deliveries about it and the stored
/// idempotent replies of requests about it. Its e-mail is free again afterwards. Removing an
/// unknown investor removes nothing.
pub async fn remove(sim: &Sim, investor_id: &str) -> Result<Removed, DemoError> {
    let mut world = sim.lock().await;
    remove_locked(sim, &mut world, investor_id).await
}

/// Removes the demo investor with the profile's e-mail, if there is one, and seeds the demo
/// afresh, under one lock. Only a demo investor is removed (one [`seed`] made, marked with
/// the metadata `demo: "true"`): when someone else has the e-mail, seeding is refused.
pub async fn reset(
    sim: &Sim,
    profile: &DemoProfile,
    now: OffsetDateTime,
) -> Result<DemoInvestor, DemoError> {
    let mut world = sim.lock().await;
    let existing: Vec<String> = world
        .investors
        .values()
        .filter(|i| i.email.eq_ignore_ascii_case(&profile.email))
        .filter(|i| i.meta.metadata.get(DEMO_MARK) == Some(&json!("true")))
        .map(|i| i.meta.id.clone())
        .collect();
    for investor_id in existing {
        remove_locked(sim, &mut world, &investor_id).await?;
    }
    seed_locked(sim, &mut world, profile, now).await
}

async fn seed_locked(
    sim: &Sim,
    world: &mut World,
    profile: &DemoProfile,
    now: OffsetDateTime,
) -> Result<DemoInvestor, DemoError> {
    investors::email_free(world, &profile.email)?;
    let mut scratch = World::new(sim.market.clone());
    let demo = build(
        &mut scratch,
        &sim.market,
        sim.options.kyc_review,
        profile,
        now,
    )?;
    world.absorb(scratch);
    if let Err(err) = sim.commit(world).await {
        // Nothing was saved: take the history out of memory too.
        world.remove_investor(&demo.investor_id);
        return Err(err.into());
    }
    tracing::info!(investor_id = %demo.investor_id, "demo investor seeded");
    Ok(demo)
}

async fn remove_locked(
    sim: &Sim,
    world: &mut World,
    investor_id: &str,
) -> Result<Removed, DemoError> {
    // Ids are unique random strings, so finding one in a payload or scope is exact enough.
    let mut tx = sim.pool.begin().await?;
    let webhook_deliveries =
        sqlx::query("DELETE FROM bluum_sim.webhook_deliveries WHERE strpos(payload, $1) > 0")
            .bind(format!("\"{investor_id}\""))
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let idempotency_keys = sqlx::query(
        "DELETE FROM bluum_sim.idempotency_keys
         WHERE strpos(scope, $1) > 0 OR position(convert_to($2, 'UTF8') IN response) > 0",
    )
    .bind(format!("/investors/{investor_id}/"))
    .bind(format!("\"{investor_id}\""))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    let records = world.remove_investor(investor_id);
    sim.commit(world).await?;
    Ok(Removed {
        records,
        webhook_deliveries,
        idempotency_keys,
    })
}

/// The value of the investor's portfolio from `from` to `to`: a point every `step` from
/// `from`, and one at `to`. Cash is the wallet balance after the last ledger transaction
/// by then, the positions are the fills by then, valued at the simulator's prices of that
/// instant (the same rounding as `GET /investors/{id}/positions`), so the point at the
/// present equals what the wallet and positions endpoints report. Events are counted from
/// the second they happened in. Empty when `to < from` or `step` is not positive.
pub fn value_history(
    world: &World,
    investor_id: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    step: Duration,
) -> Vec<ValuePoint> {
    if to < from || !step.is_positive() {
        return Vec::new();
    }
    // (second, order of making, new balance)
    let mut ledger: Vec<(i64, &str, Decimal)> = world
        .of_investor::<Transaction>(investor_id)
        .filter(|t| t.status == "completed")
        .map(|t| (transaction_second(t), t.meta.id.as_str(), t.balance_after))
        .collect();
    ledger.sort();
    // (second, symbol, signed quantity)
    let mut fills: Vec<(i64, &str, Decimal)> = world
        .of_investor::<Order>(investor_id)
        .flat_map(|o| {
            o.order.fills.iter().map(|f| {
                let quantity = match o.order.side {
                    Side::Buy => f.quantity,
                    Side::Sell => -f.quantity,
                };
                (f.at.unix_timestamp(), o.order.symbol.as_str(), quantity)
            })
        })
        .collect();
    fills.sort();

    let mut instants = Vec::new();
    let mut at = from;
    while at < to {
        instants.push(at);
        at += step;
    }
    instants.push(to);

    let (mut cash, mut next_txn, mut next_fill) = (Decimal::ZERO, 0, 0);
    let mut held: BTreeMap<&str, Decimal> = BTreeMap::new();
    instants
        .into_iter()
        .map(|at| {
            let second = at.unix_timestamp();
            while let Some((_, _, balance)) = ledger.get(next_txn).filter(|t| t.0 <= second) {
                cash = *balance;
                next_txn += 1;
            }
            while let Some((_, symbol, quantity)) = fills.get(next_fill).filter(|f| f.0 <= second) {
                *held.entry(*symbol).or_default() += *quantity;
                next_fill += 1;
            }
            let invested: Decimal = held
                .iter()
                .filter(|(_, quantity)| !quantity.is_zero())
                .filter_map(|(symbol, quantity)| {
                    let price = world.market.price_at(symbol, at).ok()?;
                    Some(money(*quantity * price))
                })
                .sum();
            ValuePoint {
                at,
                total_value: api::money(cash + invested),
                cash: api::money(cash),
                invested: api::money(invested),
            }
        })
        .collect()
}

/// The second a transaction completed (its creation if it has no completion time).
fn transaction_second(txn: &Transaction) -> i64 {
    txn.completed_at
        .as_deref()
        .and_then(|at| {
            OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
        })
        .map_or(txn.meta.created, OffsetDateTime::unix_timestamp)
}

// ---- building the history -----------------------------------------------------------------

/// The story picks its days on the NYSE calendar whatever hours the simulator keeps, so the
/// investor trades on weekdays.
const NYSE: MarketCalendar = MarketCalendar::new(MarketHours::Nyse);

/// Times of day (New York) a market buy may be placed at inside its window.
const TRADING_TIMES: [Time; 4] = [time!(10:00), time!(11:30), time!(13:00), time!(14:30)];

/// Resting limits are placed at these fractions of the reference price, below the 85.7%
/// the price walk can reach, so they never fill.
const TSLA_LIMIT: Decimal = Decimal::from_parts(84, 0, 0, false, 2);
const NVDA_LIMIT: Decimal = Decimal::from_parts(82, 0, 0, false, 2);

/// Builds the demo history in `world` (a scratch world holding nothing else).
fn build(
    world: &mut World,
    market: &Market,
    kyc_review: StdDuration,
    profile: &DemoProfile,
    now: OffsetDateTime,
) -> ApiResult<DemoInvestor> {
    let signup_day = trading_day(now, 396);
    let created_at = new_york_to_utc(signup_day, time!(19:05));
    let investor_id = investors::insert(
        world,
        NewInvestor::from_body(&investor_body(profile, created_at))?,
        created_at,
        kyc_review,
    )?;
    let mut investor = world.investor(&investor_id)?.clone();
    investor.sim.scenario = Scenario::Approve;
    world.put(investor);
    let review = Duration::try_from(kyc_review).unwrap_or(Duration::MINUTE);
    investors::conclude_review(world, &investor_id, created_at + review);
    if !world.investor(&investor_id)?.is_active() {
        return Err(fail::internal());
    }

    let linked_at = new_york_to_utc(signup_day, time!(19:20));
    let token = format!("public-sandbox-demo-{}-0000", uuid::Uuid::new_v4());
    let funding_source_id =
        funding::link_plaid(world, &investor_id, &token, Map::new(), linked_at)?
            .first()
            .map(|source| source.meta.id.clone())
            .ok_or_else(fail::internal)?;
    let wallet_id = wallets::wallet_of(world, &investor_id)
        .map(|w| w.meta.id.clone())
        .ok_or_else(|| fail::not_found("Wallet"))?;

    let picks = plan_picks(market, now)?;
    let pick = |symbol: &str| {
        picks
            .iter()
            .find(|(s, _)| *s == symbol)
            .map(|(_, at)| *at)
            .ok_or_else(fail::internal)
    };

    let mut story = Story {
        world,
        market,
        investor_id: investor_id.clone(),
        funding_source_id: funding_source_id.clone(),
        clock: linked_at,
        deposits: Vec::new(),
        orders: Vec::new(),
    };
    let buy =
        |symbol: &str| OrderRequest::new(symbol, Side::Buy, OrderType::Market, TimeInForce::Day);

    story.deposit(
        new_york_to_utc(signup_day, time!(19:30)),
        Decimal::new(25_000, 0),
    )?;
    story.place(pick("VOO")?, buy("VOO").quantity("12"))?;
    story.place(pick("AAPL")?, buy("AAPL").notional("4000"))?;
    let at = at_time(now, 352, time!(11:15));
    story.place(at, story.limit_buy("MSFT", "6", at, 10)?)?;
    story.place(pick("NVDA")?, buy("NVDA").quantity("30"))?;
    let at = at_time(now, 318, time!(10:45));
    story.place(at, story.trailing_stop_sell("NVDA", "12", at, 45)?)?;

    story.deposit(at_time(now, 290, time!(20:00)), Decimal::new(5_000, 0))?;
    story.place(pick("JNJ")?, buy("JNJ").quantity("20"))?;
    let tsla = story.place(
        at_time(now, 250, time!(13:10)),
        story.resting_limit_buy("TSLA", "8", TSLA_LIMIT)?,
    )?;
    story.cancel(at_time(now, 236, time!(12:20)), &tsla)?;
    let at = at_time(now, 214, time!(10:50));
    story.place(at, story.limit_buy("AMZN", "12", at, 10)?)?;
    story.place(
        at_time(now, 180, time!(14:05)),
        OrderRequest::new("VOO", Side::Sell, OrderType::Market, TimeInForce::Day).quantity("5"),
    )?;
    story.place(pick("GLD")?, buy("GLD").notional("2500"))?;

    story.deposit(at_time(now, 121, time!(19:45)), Decimal::new(2_500, 0))?;
    let at = at_time(now, 100, time!(12:40));
    story.place(at, story.limit_sell("AAPL", "4", at, 10)?)?;
    story.place(
        at_time(now, 21, time!(11:40)),
        story.resting_limit_buy("NVDA", "10", NVDA_LIMIT)?,
    )?;
    story.run_to(now)?;

    Ok(DemoInvestor {
        investor_id,
        wallet_id,
        funding_source_id,
        created_at,
        deposit_ids: story.deposits,
        order_ids: story.orders,
    })
}

/// The `POST /investors` body an app would have sent at `signed_at`.
fn investor_body(profile: &DemoProfile, signed_at: OffsetDateTime) -> Map<String, Value> {
    let signed_at = api::iso(signed_at);
    let body = json!({
        "account_type": "individual",
        "first_name": profile.first_name,
        "last_name": profile.last_name,
        "date_of_birth": "1988-04-12",
        "email": profile.email,
        "phone": "+14155550142",
        "address": {
            "street": ["350 Mission St"],
            "unit": "Apt 12B",
            "city": "San Francisco",
            "state": "CA",
            "postal_code": "94105",
            "country": "US"
        },
        "tax_id": "123-45-6789",
        "tax_id_type": "SSN",
        "country_of_citizenship": "US",
        "country_of_birth": "US",
        "country_of_tax_residence": "US",
        "funding_source": ["employment_income", "savings"],
        "annual_income": { "min": "100000", "max": "149999" },
        "liquid_net_worth": { "min": "50000", "max": "99999" },
        "is_control_person": false,
        "is_affiliated_exchange_or_finra": false,
        "is_politically_exposed": false,
        "immediate_family_exposed": false,
        "employment_status": "employed",
        "employer_name": "Northwind Analytics",
        "employment_position": "Product Manager",
        "signed_agreements": [
            { "type": "investor_agreement", "signed_at": signed_at, "ip_address": "203.0.113.42" },
            { "type": "margin_disclosure_acknowledged", "signed_at": signed_at, "ip_address": "203.0.113.42" }
        ],
        "metadata": { DEMO_MARK: "true" }
    });
    match body {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The first NYSE trading day on or after the New York date `days` before `now`.
fn trading_day(now: OffsetDateTime, days: i64) -> Date {
    let mut date = new_york_date(now - Duration::days(days));
    // No run of closed days is longer than four (a weekend next to two holidays).
    for _ in 0..7 {
        if NYSE.session(date).is_some() {
            break;
        }
        date = date.next_day().unwrap_or(date);
    }
    date
}

/// `time` (New York) on the trading day `days` before `now`.
fn at_time(now: OffsetDateTime, days: i64, time: Time) -> OffsetDateTime {
    new_york_to_utc(trading_day(now, days), time)
}

/// Every whole hour after `from` and before `until`.
fn hourly(from: OffsetDateTime, until: OffsetDateTime) -> impl Iterator<Item = OffsetDateTime> {
    let into_hour = Duration::seconds(from.unix_timestamp().rem_euclid(3_600))
        + Duration::nanoseconds(i64::from(from.nanosecond()));
    let first = from - into_hour + Duration::HOUR;
    std::iter::successors(Some(first), |t| Some(*t + Duration::HOUR))
        .take_while(move |t| *t < until)
}

/// Whether a market buy is placed at its window's cheapest moment or its dearest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    Dip,
    Peak,
}

/// A market buy placed somewhere in a window of days before `now`.
struct Pick {
    symbol: &'static str,
    /// Days before `now`: from the first to the last day of the window.
    window: (i64, i64),
    prefer: Moment,
}

const PICKS: [Pick; 5] = [
    Pick {
        symbol: "VOO",
        window: (390, 378),
        prefer: Moment::Dip,
    },
    Pick {
        symbol: "AAPL",
        window: (372, 360),
        prefer: Moment::Dip,
    },
    Pick {
        symbol: "NVDA",
        window: (340, 328),
        prefer: Moment::Peak,
    },
    Pick {
        symbol: "JNJ",
        window: (282, 270),
        prefer: Moment::Dip,
    },
    Pick {
        symbol: "GLD",
        window: (160, 148),
        prefer: Moment::Peak,
    },
];

/// When each market buy of [`PICKS`] is placed: at its preferred moment, unless that leaves
/// the portfolio at `now` without a gain or without a loss among them; then with as few
/// moments flipped as make both appear.
fn plan_picks(
    market: &Market,
    now: OffsetDateTime,
) -> ApiResult<Vec<(&'static str, OffsetDateTime)>> {
    /// A moment, and how the price at `now` compares with the cost of buying then.
    type Outcome = (OffsetDateTime, Ordering);
    struct Choice {
        dip: Outcome,
        peak: Outcome,
    }
    // For each pick: its cheapest and dearest moments, and what buying then shows at `now`.
    let mut choices = Vec::new();
    for pick in &PICKS {
        let asset = market.asset(pick.symbol)?;
        let price_now = market.prices.price(asset, now);
        let (first, last) = (
            trading_day(now, pick.window.0),
            trading_day(now, pick.window.1),
        );
        let moments: Vec<(OffsetDateTime, Decimal)> = NYSE
            .sessions_between(first, last)
            .iter()
            .flat_map(|s| TRADING_TIMES.map(|t| new_york_to_utc(s.date, t)))
            .filter(|t| market.calendar().is_open(*t))
            .map(|t| (t, market.prices.quote(asset, t).ask_price))
            .collect();
        let dip = moments.iter().min_by_key(|(_, ask)| *ask);
        let peak = moments.iter().max_by_key(|(_, ask)| *ask);
        let (Some(dip), Some(peak)) = (dip, peak) else {
            return Err(fail::internal());
        };
        choices.push(Choice {
            dip: (dip.0, price_now.cmp(&dip.1)),
            peak: (peak.0, price_now.cmp(&peak.1)),
        });
    }
    let choose = |flips: u32, i: usize| {
        let flipped = flips & (1 << i) != 0;
        match (PICKS[i].prefer, flipped) {
            (Moment::Dip, false) | (Moment::Peak, true) => choices[i].dip,
            (Moment::Peak, false) | (Moment::Dip, true) => choices[i].peak,
        }
    };
    let mixed = |flips: u32| {
        let outcomes: Vec<Ordering> = (0..PICKS.len()).map(|i| choose(flips, i).1).collect();
        outcomes.contains(&Ordering::Greater) && outcomes.contains(&Ordering::Less)
    };
    let flips = (0..1u32 << PICKS.len())
        .filter(|flips| mixed(*flips))
        .min_by_key(|flips| flips.count_ones())
        .unwrap_or(0);
    Ok((0..PICKS.len())
        .map(|i| (PICKS[i].symbol, choose(flips, i).0))
        .collect())
}

/// The story being played: the investor's simulated clock and what it has made so far.
struct Story<'a> {
    world: &'a mut World,
    market: &'a Market,
    investor_id: String,
    funding_source_id: String,
    /// Everything up to here has happened.
    clock: OffsetDateTime,
    deposits: Vec<String>,
    orders: Vec<String>,
}

impl Story<'_> {
    /// Lets time run to `at`: open orders are worked at every step on the way, as the
    /// ticker would have. `at` must not be before what already happened.
    fn run_to(&mut self, at: OffsetDateTime) -> ApiResult<()> {
        if at < self.clock {
            return Err(fail::internal());
        }
        for step in self.working_steps(self.clock, at) {
            let open = self
                .world
                .orders
                .values()
                .any(|o| o.investor_id == self.investor_id && !o.order.status.is_terminal());
            if !open {
                break;
            }
            trading::work_orders(self.world, self.market, &self.investor_id, step);
        }
        self.clock = at;
        Ok(())
    }

    /// Places an order at `at`; returns its id.
    fn place(&mut self, at: OffsetDateTime, request: OrderRequest) -> ApiResult<String> {
        self.run_to(at)?;
        let order = trading::place_order(
            self.world,
            self.market,
            &self.investor_id,
            &request,
            Map::new(),
            ids::new_id_at("ord", at),
            at,
        )?;
        self.orders.push(order.order.id.clone());
        Ok(order.order.id)
    }

    fn cancel(&mut self, at: OffsetDateTime, order_id: &str) -> ApiResult<()> {
        self.run_to(at)?;
        trading::cancel_order(self.world, &self.investor_id, order_id, at)?;
        Ok(())
    }

    /// An ACH deposit of `amount` initiated at `at`: `processing` the next trading morning,
    /// `completed` (the wallet credited) the one after.
    fn deposit(&mut self, at: OffsetDateTime, amount: Decimal) -> ApiResult<()> {
        self.run_to(at)?;
        let processing = next_morning(at);
        let completed = next_morning(processing);
        let deposit = transfers::ach_deposit(
            self.world,
            NewDeposit {
                id: ids::new_id_at("dep", at),
                investor_id: self.investor_id.clone(),
                amount,
                currency: "USD".into(),
                description: None,
                metadata: Map::new(),
            },
            &self.funding_source_id,
            at,
            Some(api::unix_ms(processing)),
        )?;
        let id = deposit.meta.id.clone();
        self.world.put(deposit);
        self.step_deposit(&id, processing, completed - processing)?;
        self.step_deposit(&id, completed, Duration::ZERO)?;
        if self.world.deposits.get(&id).map(|d| d.status.as_str()) != Some("completed") {
            return Err(fail::internal());
        }
        self.deposits.push(id);
        Ok(())
    }

    /// The deposit's next status step, due at `at`; the one after is due `next` later.
    fn step_deposit(&mut self, id: &str, at: OffsetDateTime, next: Duration) -> ApiResult<()> {
        self.run_to(at)?;
        let deposit = self
            .world
            .deposits
            .get(id)
            .cloned()
            .ok_or_else(|| fail::not_found("Deposit"))?;
        let next_ms = i64::try_from(next.whole_milliseconds()).unwrap_or(0);
        transfers::advance_deposit(self.world, deposit, at, next_ms);
        Ok(())
    }

    /// A good-till-cancelled limit buy placed at `at` that fills within `days`: its limit is
    /// the lowest ask the working steps of those days will see.
    fn limit_buy(
        &self,
        symbol: &str,
        quantity: &str,
        at: OffsetDateTime,
        days: i64,
    ) -> ApiResult<OrderRequest> {
        let asset = self.market.asset(symbol)?;
        let limit = self
            .trading_steps(at, days)
            .map(|t| self.market.prices.quote(asset, t).ask_price)
            .min()
            .ok_or_else(fail::internal)?;
        Ok(
            OrderRequest::new(symbol, Side::Buy, OrderType::Limit, TimeInForce::Gtc)
                .quantity(quantity)
                .limit_price(&limit.to_string()),
        )
    }

    /// A good-till-cancelled limit sell placed at `at` that fills within `days`: its limit is
    /// the highest bid the working steps of those days will see.
    fn limit_sell(
        &self,
        symbol: &str,
        quantity: &str,
        at: OffsetDateTime,
        days: i64,
    ) -> ApiResult<OrderRequest> {
        let asset = self.market.asset(symbol)?;
        let limit = self
            .trading_steps(at, days)
            .map(|t| self.market.prices.quote(asset, t).bid_price)
            .max()
            .ok_or_else(fail::internal)?;
        Ok(
            OrderRequest::new(symbol, Side::Sell, OrderType::Limit, TimeInForce::Gtc)
                .quantity(quantity)
                .limit_price(&limit.to_string()),
        )
    }

    /// A good-till-cancelled limit buy at `fraction` of the reference price: below anything
    /// the walk reaches, so it rests until cancelled.
    fn resting_limit_buy(
        &self,
        symbol: &str,
        quantity: &str,
        fraction: Decimal,
    ) -> ApiResult<OrderRequest> {
        let limit = money(self.market.asset(symbol)?.reference_price * fraction);
        Ok(
            OrderRequest::new(symbol, Side::Buy, OrderType::Limit, TimeInForce::Gtc)
                .quantity(quantity)
                .limit_price(&limit.to_string()),
        )
    }

    /// A good-till-cancelled trailing stop sell placed at `at` that triggers within `days`:
    /// the trail is 80% of the deepest fall from a high the working steps of those days will
    /// see, in half percents, between 1% and 10%.
    fn trailing_stop_sell(
        &self,
        symbol: &str,
        quantity: &str,
        at: OffsetDateTime,
        days: i64,
    ) -> ApiResult<OrderRequest> {
        let asset = self.market.asset(symbol)?;
        let mut high = self.market.prices.price(asset, at);
        let mut deepest = Decimal::ZERO;
        for t in self.trading_steps(at, days) {
            let price = self.market.prices.price(asset, t);
            high = high.max(price);
            if !high.is_zero() {
                deepest = deepest.max((high - price) * Decimal::ONE_HUNDRED / high);
            }
        }
        let two = Decimal::TWO;
        let trail = (deepest * Decimal::new(8, 1) * two).floor() / two;
        let trail = trail.clamp(Decimal::ONE, Decimal::TEN).normalize();
        Ok(OrderRequest::new(
            symbol,
            Side::Sell,
            OrderType::TrailingStop,
            TimeInForce::Gtc,
        )
        .quantity(quantity)
        .trail_percent(&trail.to_string()))
    }

    /// The working steps in the `days` after `at`.
    fn trading_steps(&self, at: OffsetDateTime, days: i64) -> impl Iterator<Item = OffsetDateTime> {
        self.working_steps(at, at + Duration::days(days))
    }

    /// When open orders are worked after `from` and before `until`: every whole hour of the
    /// NYSE regular session (also in always-open mode, so nothing fills at 3 a.m.).
    fn working_steps(
        &self,
        from: OffsetDateTime,
        until: OffsetDateTime,
    ) -> impl Iterator<Item = OffsetDateTime> {
        let calendar = self.market.calendar();
        hourly(from, until).filter(move |t| NYSE.is_open(*t) && calendar.is_open(*t))
    }
}

/// 09:05 New York on the next trading day after `at`'s date.
fn next_morning(at: OffsetDateTime) -> OffsetDateTime {
    let mut date = new_york_date(at);
    for _ in 0..7 {
        date = date.next_day().unwrap_or(date);
        if NYSE.session(date).is_some() {
            break;
        }
    }
    new_york_to_utc(date, time!(09:05))
}

#[cfg(test)]
mod tests;
