//! [`AppState`]: what every handler, page and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use super::auth::email::EmailSender;
use super::config::Config;
use crate::bluum::client::BluumClient;

/// Shared, cheap to clone. Given to axum handlers as state and to Leptos pages and server
/// functions as context (`expect_context::<AppState>()`).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub config: Arc<Config>,
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
    /// Outgoing email: SMTP when configured, else the development outbox.
    pub email: EmailSender,
    /// The Bluum API (or the built-in simulator), on behalf of the signed-in user's investor.
    pub bluum: BluumClient,
    /// This instance's subscribers to live events (`server::live`).
    pub live: super::live::Hub,
    /// What Bluum said of each investor's portfolio in the last few seconds
    /// (`server::portfolio`).
    pub portfolios: super::portfolio::ReadingCache,
    /// Approved KYC statuses of the last minute, by investor id (`api::onboarding`).
    pub approvals: super::portfolio::ApprovalCache,
    /// Recent bars by symbol and span, shared by every investor (`server::market`).
    pub bars: super::market::BarsCache,
    /// Demo mode's seeded account (`DEMO_MODE=true`, simulator only; `server::demo`).
    pub demo: Option<super::demo::Demo>,
}

impl AppState {
    pub fn new(
        config: Config,
        pool: PgPool,
        leptos_options: LeptosOptions,
        bluum: BluumClient,
    ) -> Self {
        // Config::from_lookup has already checked SMTP_URL and EMAIL_FROM parse.
        let email = EmailSender::from_config(&config, &pool)
            .expect("email settings are validated when the config is read");
        Self {
            config: Arc::new(config),
            pool,
            leptos_options,
            email,
            bluum,
            live: super::live::hub(),
            portfolios: super::portfolio::reading_cache(),
            approvals: super::portfolio::approval_cache(),
            bars: super::market::bars_cache(),
            demo: None,
        }
    }
}
