//! The Bluum request budget shared by every instance of the app through Postgres.
//!
//! Bluum allows a number of requests per second per key pair (10 in the sandbox, 25 in
//! production). Each instance keeps its own limiter too, but two instances behind a load
//! balancer would each assume the whole budget and together spend twice it. So every request
//! also reserves its moment in one row per key pair, with the generic cell rate algorithm (the
//! one `governor` runs in memory): the row holds `tat`, the moment up to which the budget is
//! spent; a request may go at `tat - burst_tolerance`, and moves `tat` on by one interval.
//! One `INSERT … ON CONFLICT … RETURNING` per request reserves the slot and says how long to
//! wait, under the row's lock, with the database's clock, so instances' clocks never matter.
//!
//! If the database cannot be reached the request goes anyway: the instance's own limiter and
//! the client's retries of Bluum's 429 answers still hold the rate.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use futures::FutureExt as _;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::bluum::client::SharedBudget;

/// The budget of one key pair, in the `bluum_rate_budget` table.
#[derive(Clone)]
pub struct PgBudget {
    pool: PgPool,
    /// A digest of the API key: the row is per key pair, and the key stays out of the table.
    key_id: String,
    /// Seconds between two requests at the steady rate.
    interval: f64,
    /// How far ahead of the steady rate a burst may run (a full second's worth, as Bluum's
    /// token bucket allows).
    tolerance: f64,
}

impl PgBudget {
    /// The budget of `api_key`'s key pair: `requests_per_second`, in bursts of as many.
    pub fn new(pool: PgPool, api_key: &str, requests_per_second: u32) -> Self {
        let rate = f64::from(requests_per_second.max(1));
        Self {
            pool,
            key_id: hex::encode(Sha256::digest(api_key.as_bytes())),
            interval: 1.0 / rate,
            tolerance: (rate - 1.0) / rate,
        }
    }

    pub fn shared(self) -> Arc<dyn SharedBudget> {
        Arc::new(self)
    }

    /// Reserves the next slot; how long to wait for it.
    async fn reserve(&self) -> Result<Duration, sqlx::Error> {
        let wait: f64 = sqlx::query_scalar(
            "INSERT INTO bluum_rate_budget AS b (key_id, tat)
             VALUES ($1, clock_timestamp() + make_interval(secs => $2))
             ON CONFLICT (key_id) DO UPDATE
                SET tat = GREATEST(b.tat, clock_timestamp()) + make_interval(secs => $2)
             RETURNING GREATEST(0, EXTRACT(EPOCH FROM
                (b.tat - make_interval(secs => $2 + $3) - clock_timestamp())))::float8",
        )
        .bind(&self.key_id)
        .bind(self.interval)
        .bind(self.tolerance)
        .fetch_one(&self.pool)
        .await?;
        Ok(Duration::from_secs_f64(wait.clamp(0.0, 60.0)))
    }
}

impl SharedBudget for PgBudget {
    fn until_ready(&self) -> BoxFuture<'_, ()> {
        async move {
            match self.reserve().await {
                Ok(wait) if !wait.is_zero() => tokio::time::sleep(wait).await,
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "the shared Bluum rate budget is out of reach; sending anyway");
                }
            }
        }
        .boxed()
    }
}
