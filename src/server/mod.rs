//! Everything that runs only on the server: configuration, database, telemetry, the HTTP
//! router and start-up. `main.rs` calls [`run`]; integration tests call [`build_router`].

pub mod config;
pub mod db;
pub mod health;
pub mod state;
pub mod telemetry;
pub mod webhooks;

use std::process::ExitCode;

use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::app::{shell, App};
pub use config::Config;
pub use state::AppState;

/// Largest request body accepted anywhere (KYC document uploads are the biggest, at 10 MB).
pub const MAX_BODY_BYTES: usize = 11 * 1024 * 1024;
/// Sessions end after this long without a request.
pub const SESSION_IDLE_TIMEOUT: Duration = Duration::minutes(30);

/// Why the server could not start. Printed as one line before exiting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Database(#[from] db::DbError),
    #[error("session store set-up failed: {0}")]
    Sessions(#[source] sqlx::Error),
    #[error("cannot listen on {addr} ({source}). Fix: stop whatever uses that port, or set LEPTOS_SITE_ADDR to another address")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

/// Leptos settings: cargo-leptos passes them as `LEPTOS_*` variables; outside cargo-leptos
/// (plain `cargo run`, tests) the defaults match `[package.metadata.leptos]`.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    let mut options = leptos::config::get_configuration(None)
        .map(|conf| conf.leptos_options)
        .unwrap_or_else(|_| LeptosOptions::builder().output_name("bluum_invest").build());
    if options.output_name.is_empty() {
        options.output_name = "bluum_invest".into();
    }
    options.site_addr = config.site_addr;
    options
}

/// Prepares what the router needs beyond the pool (the session tables).
pub async fn prepare_sessions(pool: &sqlx::PgPool) -> Result<PostgresStore, StartError> {
    let store = PostgresStore::new(pool.clone());
    store.migrate().await.map_err(StartError::Sessions)?;
    Ok(store)
}

/// The whole HTTP surface: health probes, pages, server functions and static files, wrapped in
/// sessions, a body limit and the request log.
pub fn build_router(state: AppState, session_store: PostgresStore) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let sessions = SessionManagerLayer::new(session_store)
        .with_name("bluum_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE_TIMEOUT));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/webhooks/bluum", axum::routing::post(webhooks::receive))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(sessions)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(telemetry::request_log))
        .with_state(state)
}

/// Start-up: config → logs → database → router → serve until SIGINT or SIGTERM.
pub async fn run() -> ExitCode {
    match start().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            // Also on stderr without log decoration, for people running it by hand.
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> Result<(), StartError> {
    let config = Config::from_env();
    telemetry::init(config.as_ref().is_ok_and(Config::is_production));
    let config = config?;

    let pool = db::connect_and_migrate(&config.database_url).await?;
    let store = prepare_sessions(&pool).await?;
    tokio::spawn(
        store
            .clone()
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
    );

    let leptos_options = leptos_options(&config);
    let addr = config.site_addr;
    let state = AppState::new(config, pool, leptos_options);
    let app = build_router(state, store);

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    tracing::info!("Bluum Invest is listening on http://{addr}");
    axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartError::Serve)
}

/// Resolves on Ctrl-C or SIGTERM (what `docker stop` sends).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
