//! Test harness: the real server on a random port, against a fresh database.
//!
//! Use with `#[sqlx::test]`, which creates a new database per test (applying `migrations/`)
//! and drops it afterwards; `DATABASE_URL` must point at a server where the user may create
//! databases (`scripts/test.sh` sets it).
#![allow(dead_code)]

pub mod accounts;
pub mod fault_proxy;
pub mod investors;
pub mod smtp_sink;

use std::net::SocketAddr;

use std::time::Duration;

use bluum_invest::bluum::client::BluumClient;
use bluum_invest::bluum_sim::{SimHandle, SimOptions};
use bluum_invest::server::{self, Config};
use leptos::config::LeptosOptions;
use sqlx::PgPool;

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    /// The app's own Bluum client (pointing at its in-process simulator by default).
    pub bluum: BluumClient,
    /// The app's in-process simulator (`None` when the test configured real Bluum keys).
    pub simulator: Option<SimHandle>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Another browser: its own cookie jar, same Origin header.
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .default_headers(origin_header(self.addr))
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A client that keeps no cookies (tests set the `Cookie` header themselves).
    pub fn cookieless_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .default_headers(origin_header(self.addr))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }
}

/// Starts the whole app (same router as production) on 127.0.0.1:0.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, &[]).await
}

/// Like [`spawn_app`], with extra configuration variables.
pub async fn spawn_app_with(pool: PgPool, vars: &[(&str, &str)]) -> TestApp {
    spawn_app_with_options(pool, vars, |options| options).await
}

/// Like [`spawn_app_with`], with the Leptos options adjusted by `adjust` (another site root,
/// file hashing).
pub async fn spawn_app_with_options(
    pool: PgPool,
    vars: &[(&str, &str)],
    adjust: impl FnOnce(LeptosOptions) -> LeptosOptions,
) -> TestApp {
    server::telemetry::init_for_tests();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let site_addr = addr.to_string();
    let config = Config::from_lookup(|name| {
        if name == "LEPTOS_SITE_ADDR" {
            return Some(site_addr.clone());
        }
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    })
    .expect("test config");
    let options = adjust(
        LeptosOptions::builder()
            .output_name("bluum_invest")
            .site_root("target/site")
            .site_addr(addr)
            .build(),
    );
    // The app's own Bluum simulator, with short review and settlement delays.
    let sim_options = SimOptions {
        kyc_review: Duration::from_millis(200),
        transfer_step: Duration::from_millis(100),
        ..SimOptions::default()
    };
    let prepared = server::prepare(config, pool, options, sim_options)
        .await
        .expect("app starts");
    let bluum = prepared.state.bluum.clone();
    let router = server::build_router(prepared.state, prepared.session_store);
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestApp {
        addr,
        bluum,
        simulator: prepared.simulator,
        // Like a browser on one of the app's pages: state-changing requests carry our Origin.
        client: reqwest::Client::builder()
            .default_headers(origin_header(addr))
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

/// An `Origin` header naming the app at `addr`.
pub fn origin_header(addr: SocketAddr) -> reqwest::header::HeaderMap {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::ORIGIN,
        format!("http://{addr}").parse().unwrap(),
    );
    headers
}
