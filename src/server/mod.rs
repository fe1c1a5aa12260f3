//! Everything that runs only on the server: configuration, database, telemetry, the HTTP
//! router and start-up. `main.rs` calls [`run`]; integration tests call [`build_router`].

pub mod assets;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod health;
pub mod idempotency;
pub mod live;
pub mod market;
pub mod onboarding;
pub mod portfolio;
pub mod rate_budget;
pub mod request;
pub mod security;
pub mod server_fns;
pub mod state;
pub mod telemetry;
pub mod upstream;
pub mod webhooks;

use std::process::ExitCode;

use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list_with_exclusions_and_ssg_and_context, LeptosRoutes};
use time::Duration;
use tower_sessions::cookie::Key;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use crate::app::{shell, App};
use crate::bluum_sim;
pub use config::Config;
pub use state::AppState;

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
    #[error(transparent)]
    Upstream(#[from] upstream::UpstreamError),
    #[error("demo mode: {0}")]
    Demo(#[from] demo::DemoSeedError),
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

/// Everything the router needs, ready to serve.
pub struct Prepared {
    pub state: AppState,
    pub session_store: PostgresStore,
    /// The in-process Bluum simulator, when it is the one answering (no `BLUUM_API_KEY`).
    pub simulator: Option<bluum_sim::SimHandle>,
}

/// Connects to Bluum (or starts the simulator) and prepares the session store. Shared by
/// [`run`] and the integration tests, so both assemble the app the same way.
pub async fn prepare(
    mut config: Config,
    pool: sqlx::PgPool,
    leptos_options: LeptosOptions,
    sim_options: bluum_sim::SimOptions,
) -> Result<Prepared, StartError> {
    let session_store = prepare_sessions(&pool).await?;
    let upstream = upstream::connect(&mut config, &pool, sim_options).await?;
    let mut state = AppState::new(config, pool, leptos_options, upstream.client);
    if state.config.demo {
        // Config refuses DEMO_MODE with a Bluum key, so the simulator is there.
        if let Some(simulator) = &upstream.simulator {
            let demo = demo::Demo::from_simulator(simulator);
            demo::ensure(&state, &demo).await?;
            state.demo = Some(demo);
        }
    }
    // Live events from every instance's webhooks reach this instance's pages.
    tokio::spawn(live::listen(state.pool.clone(), state.live.clone()));
    // A webhook about an investor (at any instance) makes this instance read their
    // portfolio afresh.
    tokio::spawn(portfolio::forget_on_events(
        state.live.subscribe(),
        state.portfolios.clone(),
        state.approvals.clone(),
    ));
    Ok(Prepared {
        state,
        session_store,
        simulator: upstream.simulator,
    })
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
/// sessions, the sign-in gate, body limits, security headers and the request log.
pub fn build_router(state: AppState, session_store: PostgresStore) -> Router {
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(state.config.brand.clone());
            if state.demo.is_some() {
                provide_context(crate::api::demo::DemoCredentials {
                    email: demo::EMAIL.to_owned(),
                    password: demo::PASSWORD.to_owned(),
                });
            }
        }
    };
    // Listing the routes renders the app shell once; it gets the same context as a request, so
    // components that load data (the header's account slot) find the state they expect.
    let (routes, _) =
        generate_route_list_with_exclusions_and_ssg_and_context(App, None, context.clone());
    let sessions = SessionManagerLayer::new(session_store)
        .with_name("bluum_session")
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE_TIMEOUT))
        .with_signed(session_key(&state.config));

    // Layers run outside in: the last one added sees the request first.
    Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        // Every page and server function above needs a signed-in user unless it is public.
        .route_layer(axum::middleware::from_fn(security::sign_in_gate))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/webhooks/bluum", axum::routing::post(webhooks::receive))
        .route(crate::api::live::EVENTS_PATH, get(live::events))
        // The site's files, public (outside the sign-in gate above).
        .merge(assets::pkg_routes(&state.leptos_options))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn(server_fns::status_from_error))
        .layer(axum::middleware::from_fn(server_fns::multipart_only))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            server_fns::on_panic,
        ))
        // Outside status_from_error, which reads error bodies as JSON.
        .layer(assets::compression())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request::resolve_user,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::client_address,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::origin_check,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::security_headers,
        ))
        .layer(axum::middleware::from_fn(security::limit_body))
        .layer(axum::middleware::from_fn(telemetry::request_log))
        .with_state(state)
}

/// The key that signs session cookies: `SESSION_SECRET`, or in development a random one (so
/// sessions end when the server restarts).
fn session_key(config: &Config) -> Key {
    use secrecy::ExposeSecret;
    match config.session_secret.as_ref() {
        // Config guarantees at least 64 bytes, which is what `Key` needs.
        Some(secret) => Key::try_from(secret.expose_secret().as_bytes()).unwrap_or_else(|err| {
            tracing::error!("SESSION_SECRET unusable ({err}); using a random key");
            Key::generate()
        }),
        None => Key::generate(),
    }
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

    let leptos_options = leptos_options(&config);
    assets::check_hash_file(&leptos_options)?;
    let pool = db::connect_and_migrate(&config.database_url).await?;
    let addr = config.site_addr;
    let prepared = prepare(config, pool, leptos_options, Default::default()).await?;
    tokio::spawn(
        prepared
            .session_store
            .clone()
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
    );
    tokio::spawn(idempotency::purge_hourly(prepared.state.pool.clone()));
    tokio::spawn(portfolio::snapshot_periodically(
        prepared.state.pool.clone(),
        prepared.state.bluum.clone(),
    ));
    // Settles money requests a crash or a lost answer left unrecorded (first round now).
    tokio::spawn(idempotency::reconcile_periodically(
        prepared.state.pool.clone(),
        prepared.state.bluum.clone(),
    ));
    let product = prepared.state.config.brand.name.clone();
    let app = build_router(prepared.state, prepared.session_store);

    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    tracing::info!("{product} is listening on http://{addr}");
    // Connection info gives the client address for throttling and the audit log.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(StartError::Serve)?;
    if let Some(simulator) = prepared.simulator {
        simulator.shutdown().await;
    }
    Ok(())
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
