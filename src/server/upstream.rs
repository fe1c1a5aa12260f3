//! Connecting to Bluum at start-up: Bluum itself when a key pair is configured, else the
//! built-in sandbox simulator started in this process on loopback. Either way the app gets a
//! [`BluumClient`] that speaks real HTTP: one code path for demo, sandbox and production. Its
//! requests draw on the key pair's budget shared by every instance (`server::rate_budget`).

use sqlx::PgPool;

use super::config::{BluumMode, Config};
use super::rate_budget::PgBudget;
use crate::bluum::client::{BluumClient, BluumClientConfig, ClientBuildError};
use crate::bluum::models::webhooks::CreateWebhookRequest;
use crate::bluum_sim::{self, SimError, SimHandle, SimOptions};

/// The path of our webhook receiver (see `server::webhooks`).
pub const WEBHOOK_PATH: &str = "/webhooks/bluum";
/// Every event family the app listens to.
const WEBHOOK_EVENTS: &[&str] = &["account.*", "order.*", "transfer.*", "document.*", "kyc.*"];

/// Why Bluum could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    #[error("the built-in Bluum simulator did not start: {0}")]
    Simulator(#[from] SimError),
    #[error("the Bluum client could not be built: {0}. Fix: check BLUUM_BASE_URL, BLUUM_API_KEY and BLUUM_API_SECRET")]
    Client(#[from] ClientBuildError),
}

/// The connection to Bluum, and the simulator when it is the one answering.
pub struct Upstream {
    pub client: BluumClient,
    pub simulator: Option<SimHandle>,
}

/// Builds the client for `config.bluum`. In simulator mode this starts the simulator with
/// `sim_options` (the demo defaults when the app runs; tests shorten the delays) and the
/// market hours from the config. Its state lives in the `bluum_sim` schema of `pool`, so it
/// survives restarts. It also fills in `config.webhook_secret` with the simulator's signing
/// secret when none is set, and registers our webhook receiver with it.
pub async fn connect(
    config: &mut Config,
    pool: &PgPool,
    sim_options: SimOptions,
) -> Result<Upstream, UpstreamError> {
    match config.bluum.clone() {
        BluumMode::Remote {
            base_url,
            api_key,
            api_secret,
            requests_per_second,
            timeout,
        } => {
            tracing::info!(%base_url, "using Bluum at the configured address");
            let budget = PgBudget::new(pool.clone(), &api_key, requests_per_second);
            let mut client_config = BluumClientConfig::new(base_url, api_key, api_secret);
            client_config.requests_per_second = requests_per_second;
            client_config.timeout = timeout;
            Ok(Upstream {
                client: BluumClient::new(client_config)?.with_shared_budget(budget.shared()),
                simulator: None,
            })
        }
        BluumMode::Simulator { market_hours } => {
            let options = SimOptions {
                market_hours,
                ..sim_options
            };
            let sim = bluum_sim::start(pool.clone(), options).await?;
            tracing::info!(base_url = %sim.base_url, "no BLUUM_API_KEY: using the built-in Bluum sandbox simulator");
            if config.webhook_secret.is_none() {
                config.webhook_secret = Some(sim.webhook_secret.clone());
            }
            let client_config = BluumClientConfig::new(
                sim.base_url.clone(),
                sim.api_key.clone(),
                sim.api_secret.clone(),
            );
            let budget = PgBudget::new(
                pool.clone(),
                &sim.api_key,
                client_config.requests_per_second,
            );
            let client = BluumClient::new(client_config)?.with_shared_budget(budget.shared());
            register_webhook(
                &client,
                &format!("{}{WEBHOOK_PATH}", config.public_url),
                &config.brand.name,
            )
            .await;
            Ok(Upstream {
                client,
                simulator: Some(sim),
            })
        }
    }
}

/// Registers `url` for every event family unless it is registered already (the simulator
/// keeps registrations across restarts). A failure is logged, not fatal: the app works
/// without webhooks, it only learns of changes when it asks.
async fn register_webhook(client: &BluumClient, url: &str, brand_name: &str) {
    match client.list_webhooks().await {
        Ok(list) if list.data.iter().any(|w| w.url == url) => return,
        Ok(_) => {}
        Err(err) => {
            tracing::warn!(error = %err, "could not list Bluum webhooks; not registering ours");
            return;
        }
    }
    let request = CreateWebhookRequest {
        name: brand_name.to_owned(),
        url: url.to_owned(),
        event_type_names: WEBHOOK_EVENTS.iter().map(|e| (*e).to_owned()).collect(),
        description: Some("Order, transfer, account and KYC events for the app".to_owned()),
    };
    match client.register_webhook(&request).await {
        Ok(_) => tracing::info!(%url, "registered our webhook receiver with Bluum"),
        Err(err) => tracing::warn!(error = %err, %url, "could not register our webhook receiver"),
    }
}
