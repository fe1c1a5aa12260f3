//! Server entry point. Everything it does lives in `bluum_invest::server`.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    bluum_invest::server::run().await
}

/// The browser build has no `main`; cargo-leptos builds the library for it.
#[cfg(not(feature = "ssr"))]
fn main() {}
