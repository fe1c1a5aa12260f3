//! The Bluum sandbox simulator (server only): the same HTTP API as Bluum's sandbox (Gen C,
//! `/v1`, as recorded in the project's Bluum API fact sheet), run in-process on loopback when no `BLUUM_API_KEY` is
//! set, or on its own (`bluum-sim serve`) so partners can test against it.
//!
//! [`start`] binds a port, loads the stored state from the `bluum_sim` schema, and spawns the
//! HTTP server and a background ticker that advances what Bluum advances on its own: KYC
//! reviews, document reviews, transfers, open orders and webhook deliveries.
//!
//! Module map:
//! - [`api`]: wire conventions (envelopes, errors, paging, validators);
//!   [`middleware`]: Basic auth, rate limit, idempotency; [`ids`]: prefixed ids.
//! - [`state`]: the in-memory world behind one lock, written through to Postgres by [`store`].
//! - One module per resource: [`investors`] (+ KYC), [`documents`], [`wallets`] (+ ledger),
//!   [`funding`], [`transfers`], [`trading`] (orders, positions), [`assets`] (assets and
//!   market data), [`webhooks`].
//! - [`demo`]: a demo investor seeded with a year of history (and removed again), and its
//!   portfolio value over time.
//! - The pure parts, shared with no IO: [`market`] (catalogue, price walk, calendar),
//!   [`engine`] (order rules and matching), [`error`] (the error envelope).
//!
//! Simulator-only behaviour (documented where it lives): the KYC rule on last names
//! ([`investors`]), the admin routes `POST /v1/simulator/deposits/{id}/complete|fail`
//! ([`transfers`]), a missing `Idempotency-Key` on deposits being a `400`
//! ([`transfers`]), the webhook signature scheme ([`crate::bluum::signature`]) and the
//! top-level event `id` ([`webhooks`]).
//!
//! Not simulated (the fact sheet documents them, the simulator answers `404 BLUM-404-002`):
//! compliance `submit`/`restart`/`workflows/{id}`; `PATCH …/funding-sources/{id}`;
//! deposit methods `international_wire` and `card` and `…/deposits/{id}/wire-details`;
//! market-data snapshots, quote history, `/markets/{code}/sessions` and `/calendar`; the cash
//! management add-on; bonds. Also not modelled: NGN/KES wallets (USD only), investor-scoped
//! API keys, document rejection, the nightly sandbox reset, and the Gen A/B response shapes
//! (the simulator speaks Gen C only) except where Bluum's example app reads them: `GET
//! /banks` and `GET /assets/chart` answer Gen B shaped, and the Wealth add-on (`/wealth/…`)
//! answers `403 PRODUCT_NOT_ENABLED` ([`extras`]).

pub mod api;
pub mod assets;
pub mod demo;
pub mod documents;
pub mod engine;
pub mod error;
pub mod extras;
pub mod funding;
pub mod ids;
pub mod investors;
pub mod market;
pub mod middleware;
pub mod state;
pub mod store;
pub mod trading;
pub mod transfers;
pub mod wallets;
pub mod webhooks;

use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use market::MarketHours;
pub use state::Sim;

/// How to run the simulator. [`Default`] gives the demo set-up.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// The key pair clients must present (HTTP Basic).
    pub api_key: String,
    pub api_secret: SecretString,
    /// Where to listen; `None` is 127.0.0.1 on a free port.
    pub addr: Option<SocketAddr>,
    pub market_hours: MarketHours,
    /// Rate limit per key pair (Bluum's sandbox allows 10).
    pub requests_per_second: u32,
    /// How long a KYC (and document) review takes.
    pub kyc_review: Duration,
    /// How long each automatic transfer status step takes.
    pub transfer_step: Duration,
    /// Seed of the simulated price walk.
    pub seed: u64,
    /// First webhook retry delay; later ones are 5, 30, 120 and 480 times it.
    pub webhook_retry_base: Duration,
    /// How long a webhook receiver has to answer (30 s, as Bluum allows).
    pub webhook_timeout: Duration,
}

/// The demo key pair of a simulator started with default options.
pub const DEMO_API_KEY: &str = "apk_sim_demo";
pub const DEMO_API_SECRET: &str = "sk_sim_demo_secret";

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            api_key: DEMO_API_KEY.to_owned(),
            api_secret: SecretString::from(DEMO_API_SECRET),
            addr: None,
            market_hours: MarketHours::AlwaysOpen,
            requests_per_second: 10,
            kyc_review: Duration::from_secs(2),
            transfer_step: Duration::from_secs(1),
            seed: 42,
            webhook_retry_base: Duration::from_secs(60),
            webhook_timeout: Duration::from_secs(30),
        }
    }
}

impl SimOptions {
    /// The signing secret of webhook deliveries: derived from the API secret, so it is stable
    /// across restarts without being stored.
    pub fn webhook_secret(&self) -> SecretString {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.api_secret.expose_secret().as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(b"bluum-sim webhook signing secret");
        SecretString::from(format!(
            "whsec_{}",
            hex::encode(mac.finalize().into_bytes())
        ))
    }

    /// How often the ticker runs: often enough for the shortest configured delay.
    fn tick(&self) -> Duration {
        let shortest = self
            .kyc_review
            .min(self.transfer_step)
            .min(Duration::from_secs(1));
        (shortest / 4).max(Duration::from_millis(20))
    }
}

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("simulator cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("simulator database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("simulator HTTP client set-up failed: {0}")]
    Http(#[source] reqwest::Error),
}

/// A running simulator: where it is, the credentials to use, and how to stop it.
/// Dropping the handle leaves the simulator running until the runtime ends; call
/// [`SimHandle::shutdown`] to stop it.
pub struct SimHandle {
    /// e.g. `http://127.0.0.1:40123/v1`
    pub base_url: String,
    pub addr: SocketAddr,
    pub api_key: String,
    pub api_secret: SecretString,
    /// The secret every webhook delivery is signed with.
    pub webhook_secret: SecretString,
    sim: Sim,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .finish_non_exhaustive()
    }
}

impl SimHandle {
    /// The running simulator's state, for in-process callers such as [`demo::seed`].
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// Stops the server (after in-flight requests), the ticker and pending webhook retries.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

/// Starts the simulator on `options.addr` (or 127.0.0.1:0) with its state in `pool`
/// (migrations must have run).
pub async fn start(pool: PgPool, options: SimOptions) -> Result<SimHandle, SimError> {
    let addr = options
        .addr
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| SimError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SimError::Bind { addr, source })?;

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let webhook_secret = options.webhook_secret();
    let sim = Sim::load(pool, options.clone(), webhook_secret.clone(), shutdown_rx).await?;
    webhooks::resume(&sim).await?;

    let server = {
        let app = router(sim.clone());
        let mut stop = sim.shutdown.clone();
        tokio::spawn(async move {
            let served = axum::serve(listener, app.into_make_service())
                .with_graceful_shutdown(async move { stopped(&mut stop).await })
                .await;
            if let Err(err) = served {
                tracing::error!(error = %err, "simulator server stopped");
            }
        })
    };
    let ticker = tokio::spawn(run_ticker(sim.clone()));
    tracing::info!(base_url = %format!("http://{addr}/v1"), "Bluum sandbox simulator listening");

    Ok(SimHandle {
        base_url: format!("http://{addr}/v1"),
        addr,
        api_key: options.api_key,
        api_secret: options.api_secret,
        webhook_secret,
        sim,
        shutdown: shutdown_tx,
        tasks: vec![server, ticker],
    })
}

/// Resolves once [`SimHandle::shutdown`] was called (never, if the handle was dropped).
pub(crate) async fn stopped(signal: &mut watch::Receiver<bool>) {
    if signal.wait_for(|stopped| *stopped).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// The background ticker: advances reviews, transfers and orders that are due.
async fn run_ticker(sim: Sim) {
    let mut interval = tokio::time::interval(sim.options.tick());
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stop = sim.shutdown.clone();
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = stopped(&mut stop) => return,
        }
        tick(&sim).await;
    }
}

/// One pass of the ticker.
pub async fn tick(sim: &Sim) {
    let mut world = sim.lock().await;
    let now = time::OffsetDateTime::now_utc();
    investors::advance(&mut world, now);
    documents::advance(&mut world, now);
    let step = sim.options.transfer_step.as_millis() as i64;
    transfers::advance(&mut world, now, step);
    trading::advance(&mut world, &sim.market, now);
    if let Err(err) = sim.commit(&mut world).await {
        tracing::error!(error = %err, "simulator tick could not be saved");
    }
}

/// The simulator's HTTP surface under `/v1`, with auth, rate limit and idempotency.
pub fn router(sim: Sim) -> Router {
    use axum::middleware::from_fn_with_state;

    let investor = Router::new()
        .route("/", get(investors::get))
        .route("/compliance", get(investors::compliance))
        .route(
            "/trusted-contact",
            axum::routing::put(investors::trusted_contact),
        )
        .route("/close", post(investors::close))
        .route("/wallets", get(wallets::list))
        .route("/transactions", get(wallets::transactions))
        .route(
            "/funding-sources/plaid/link-token",
            post(funding::link_token),
        )
        .route("/funding-sources/connect", post(funding::connect))
        .route("/funding-sources", get(funding::list))
        .route(
            "/funding-sources/{funding_source_id}",
            get(funding::get).delete(funding::disconnect),
        )
        .route("/orders", get(trading::list).post(trading::place))
        .route("/orders/{order_id}", get(trading::get))
        .route("/orders/{order_id}/cancel", post(trading::cancel))
        .route("/order-estimates", post(trading::estimate))
        .route("/positions", get(trading::positions))
        .route("/positions/{position_id}", get(trading::position))
        .route(
            "/deposits",
            get(transfers::list_deposits).post(transfers::create_deposit),
        )
        .route("/deposits/{deposit_id}", get(transfers::get_deposit))
        .route(
            "/deposits/{deposit_id}/cancel",
            post(transfers::cancel_deposit),
        )
        .route(
            "/withdrawals",
            get(transfers::list_withdrawals).post(transfers::create_withdrawal),
        )
        .route(
            "/withdrawals/{withdrawal_id}",
            get(transfers::get_withdrawal),
        )
        .route(
            "/withdrawals/{withdrawal_id}/cancel",
            post(transfers::cancel_withdrawal),
        );

    let v1 = Router::new()
        .route("/investors", get(investors::list).post(investors::create))
        .nest("/investors/{investor_id}", investor)
        .route("/assets", get(assets::list))
        .route("/assets/search", get(assets::search))
        .route("/assets/batch", get(assets::batch))
        .route("/assets/chart", get(assets::chart))
        .route("/assets/{symbol}", get(assets::get))
        .route("/assets/{symbol}/bars", get(assets::bars))
        .route("/market-data/assets/{symbol}", get(assets::get))
        .route("/market-data/assets/{symbol}/quote", get(assets::quote))
        .route("/market-data/assets/{symbol}/bars", get(assets::bars))
        .route("/markets/{code}", get(assets::market))
        .route("/market-data/markets/{code}", get(assets::market))
        .route(
            "/market-data/markets/{code}/status",
            get(assets::market_status),
        )
        .route("/banks", get(extras::banks))
        .route(
            "/wealth/{*rest}",
            axum::routing::any(extras::wealth_not_enabled),
        )
        .route("/documents", get(documents::list).post(documents::upload))
        .route(
            "/documents/{document_id}",
            get(documents::get).delete(documents::delete),
        )
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/event-types", get(webhooks::event_types))
        .route(
            "/webhooks/{webhook_id}",
            axum::routing::patch(webhooks::update).delete(webhooks::delete),
        )
        .route(
            "/simulator/deposits/{deposit_id}/complete",
            post(transfers::admin_complete_deposit),
        )
        .route(
            "/simulator/deposits/{deposit_id}/fail",
            post(transfers::admin_fail_deposit),
        );

    Router::new()
        .nest("/v1", v1)
        .fallback(|| async { api::fail::no_endpoint() })
        .method_not_allowed_fallback(|| async { api::fail::no_endpoint() })
        .layer(DefaultBodyLimit::max(middleware::MAX_BODY_BYTES))
        .layer(from_fn_with_state(sim.clone(), middleware::idempotency))
        .layer(from_fn_with_state(sim.clone(), middleware::rate_limit))
        .layer(from_fn_with_state(sim.clone(), middleware::authenticate))
        .layer(axum::middleware::from_fn(
            crate::server::telemetry::request_log,
        ))
        .with_state(sim)
}
