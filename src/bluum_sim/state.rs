//! The simulator's shared state: the in-memory [`World`] of resources behind one lock, and
//! [`Sim`], the handle every handler and background task holds.
//!
//! A change is made on the world under the lock, recorded with [`World::put`] (and
//! [`World::emit`] for webhook events), then [`Sim::commit`] writes the changed rows and
//! the event deliveries to Postgres in one transaction before the lock is released, so the
//! database never lags what a client has been told.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use secrecy::SecretString;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::{watch, Mutex, MutexGuard};

use super::api::{fail, ApiResult};
use super::documents::Document;
use super::funding::{FundingSource, UsedToken};
use super::investors::Investor;
use super::market::Market;
use super::store::{self, Record, Row};
use super::trading::{Order, Position};
use super::transfers::{Deposit, Withdrawal};
use super::wallets::{Transaction, Wallet};
use super::webhooks::{self, Webhook};
use super::{ids, SimError, SimOptions};

/// Every resource the simulator knows, by id (ids sort by creation time).
#[derive(Default)]
pub struct World {
    pub investors: BTreeMap<String, Investor>,
    pub wallets: BTreeMap<String, Wallet>,
    pub transactions: BTreeMap<String, Transaction>,
    pub documents: BTreeMap<String, Document>,
    pub funding_sources: BTreeMap<String, FundingSource>,
    pub used_tokens: BTreeMap<String, UsedToken>,
    pub deposits: BTreeMap<String, Deposit>,
    pub withdrawals: BTreeMap<String, Withdrawal>,
    pub orders: BTreeMap<String, Order>,
    pub positions: BTreeMap<String, Position>,
    pub webhooks: BTreeMap<String, Webhook>,
    /// A copy of the simulated market, for valuations inside the lock.
    pub market: Market,
    dirty: Vec<Row>,
    removed: Vec<String>,
    events: Vec<webhooks::Event>,
}

/// A record type and the table of the world it lives in.
pub trait Stored: Record {
    fn table(world: &World) -> &BTreeMap<String, Self>;
    fn table_mut(world: &mut World) -> &mut BTreeMap<String, Self>;
}

macro_rules! stored {
    ($($ty:ty => $field:ident),* $(,)?) => {
        $(impl Stored for $ty {
            fn table(world: &World) -> &BTreeMap<String, Self> { &world.$field }
            fn table_mut(world: &mut World) -> &mut BTreeMap<String, Self> { &mut world.$field }
        })*

        impl World {
            fn load_row(&mut self, kind: &str, body: Value) {
                match kind {
                    $(<$ty as Record>::KIND => {
                        if let Some(record) = store::decode::<$ty>(body) {
                            self.$field.insert(record.id().to_owned(), record);
                        }
                    })*
                    other => tracing::warn!(kind = other, "unknown simulator object kind"),
                }
            }

            /// Removes every record that belongs to `investor_id`, the investor included (rows
            /// are deleted at the next commit). Returns how many were removed.
            pub fn remove_investor(&mut self, investor_id: &str) -> usize {
                0 $(+ self.remove_owned::<$ty>(investor_id))*
            }

            /// Moves every record of `other` into this world, to be written at the next commit.
            /// What `other` emitted or had not committed yet is dropped.
            pub fn absorb(&mut self, mut other: World) {
                $(for record in std::mem::take(&mut other.$field).into_values() {
                    self.put(record);
                })*
            }
        }
    };
}

stored! {
    Investor => investors,
    Wallet => wallets,
    Transaction => transactions,
    Document => documents,
    FundingSource => funding_sources,
    UsedToken => used_tokens,
    Deposit => deposits,
    Withdrawal => withdrawals,
    Order => orders,
    Position => positions,
    Webhook => webhooks,
}

impl World {
    /// An empty world trading on `market`.
    pub fn new(market: Market) -> Self {
        Self {
            market,
            ..Self::default()
        }
    }

    /// Stores `record` in its table and marks it to be written at the next commit.
    pub fn put<R: Stored>(&mut self, record: R) {
        self.dirty.push(Row::of(&record));
        R::table_mut(self).insert(record.id().to_owned(), record);
    }

    /// Removes the record `id` of type `R`; its row is deleted at the next commit.
    pub fn remove<R: Stored>(&mut self, id: &str) -> Option<R> {
        let removed = R::table_mut(self).remove(id);
        if removed.is_some() {
            self.removed.push(id.to_owned());
        }
        removed
    }

    fn remove_owned<R: Stored>(&mut self, investor_id: &str) -> usize {
        let ids: Vec<String> = R::table(self)
            .values()
            .filter(|r| r.investor_id() == Some(investor_id))
            .map(|r| r.id().to_owned())
            .collect();
        for id in &ids {
            self.remove::<R>(id);
        }
        ids.len()
    }

    /// Queues a webhook event; it is fanned out to matching registrations at commit.
    pub fn emit(&mut self, event_type: &str, data: Value) {
        self.events.push(webhooks::Event::new(event_type, data));
    }

    /// The investor with `id`. A bare UUID is refused as Bluum does (§1.3).
    pub fn investor(&self, id: &str) -> ApiResult<&Investor> {
        if ids::is_raw_uuid(id) {
            return Err(fail::format(
                "investor_id",
                "Pass ids exactly as returned (inv_...); raw UUIDs are not accepted",
            ));
        }
        self.investors
            .get(id)
            .ok_or_else(|| fail::not_found("Investor"))
    }

    /// A resource of type `R` with `id` belonging to `investor_id`, else 404.
    pub fn owned<R: Stored>(&self, investor_id: &str, id: &str, what: &str) -> ApiResult<&R> {
        R::table(self)
            .get(id)
            .filter(|r| r.investor_id() == Some(investor_id))
            .ok_or_else(|| fail::not_found(what))
    }

    /// Resources of type `R` owned by `investor_id`, newest first.
    pub fn of_investor<'a, R: Stored + 'a>(
        &'a self,
        investor_id: &'a str,
    ) -> impl Iterator<Item = &'a R> {
        R::table(self)
            .values()
            .rev()
            .filter(move |r| r.investor_id() == Some(investor_id))
    }
}

/// Shared simulator context. Cheap to clone.
#[derive(Clone)]
pub struct Sim(pub Arc<Inner>);

pub struct Inner {
    pub pool: PgPool,
    /// The simulated market (catalogue, prices, calendar); pure.
    pub market: Market,
    pub options: SimOptions,
    pub webhook_secret: SecretString,
    pub world: Mutex<World>,
    pub limiter: DefaultKeyedRateLimiter<String>,
    pub http: reqwest::Client,
    pub shutdown: watch::Receiver<bool>,
}

impl std::ops::Deref for Sim {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Sim {
    /// Loads the stored world from `pool` and builds the shared context.
    pub async fn load(
        pool: PgPool,
        options: SimOptions,
        webhook_secret: SecretString,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Self, SimError> {
        let mut world = World::new(Market::new(options.seed, options.market_hours));
        for (kind, body) in store::load_all(&pool).await? {
            world.load_row(&kind, body);
        }
        let rps = NonZeroU32::new(options.requests_per_second).unwrap_or(NonZeroU32::MIN);
        let http = reqwest::Client::builder()
            .timeout(options.webhook_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(SimError::Http)?;
        Ok(Self(Arc::new(Inner {
            pool,
            market: Market::new(options.seed, options.market_hours),
            webhook_secret,
            world: Mutex::new(world),
            limiter: RateLimiter::keyed(Quota::per_second(rps)),
            http,
            shutdown,
            options,
        })))
    }

    pub async fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().await
    }

    /// Writes what changed in `world` since the last commit, and the webhook deliveries of
    /// the events it emitted, in one transaction; then starts those deliveries.
    pub async fn commit(&self, world: &mut World) -> Result<(), sqlx::Error> {
        let rows = std::mem::take(&mut world.dirty);
        let removed = std::mem::take(&mut world.removed);
        let events = std::mem::take(&mut world.events);
        if rows.is_empty() && removed.is_empty() && events.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        store::write(&mut tx, &rows).await?;
        store::delete(&mut tx, &removed).await?;
        let deliveries = webhooks::queue(&mut tx, world, &events).await?;
        tx.commit().await?;
        for delivery in deliveries {
            webhooks::spawn_delivery(self.clone(), delivery);
        }
        Ok(())
    }
}
