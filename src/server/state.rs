//! [`AppState`]: what every handler, page and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sqlx::PgPool;

use super::config::Config;

/// Shared, cheap to clone. Given to axum handlers as state and to Leptos pages and server
/// functions as context (`expect_context::<AppState>()`).
#[derive(Clone, FromRef)]
pub struct AppState {
    pub config: Arc<Config>,
    pub pool: PgPool,
    pub leptos_options: LeptosOptions,
}

impl AppState {
    pub fn new(config: Config, pool: PgPool, leptos_options: LeptosOptions) -> Self {
        Self {
            config: Arc::new(config),
            pool,
            leptos_options,
        }
    }
}
