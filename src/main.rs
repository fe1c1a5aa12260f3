//! Server entry point. Everything it does lives in `bluum_invest::server`.

/// mimalloc instead of the system allocator: rendering a page allocates a lot of small,
/// short-lived strings, and glibc's per-thread arenas held on to far more memory under load
/// (`scripts/bench.sh` prints the resident memory).
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    bluum_invest::server::run().await
}

/// The browser build has no `main`; cargo-leptos builds the library for it.
#[cfg(not(feature = "ssr"))]
fn main() {}
