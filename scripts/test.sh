#!/usr/bin/env bash
# Runs every check: formatting, clippy (server and browser builds, warnings as errors), unit and
# integration tests against a real Postgres, and the Playwright end-to-end tests in Chromium.
# Installs whatever is missing first (idempotent). CI runs exactly this (.ci/run).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# A one-off CI build gains nothing from incremental compilation, and its caches take gigabytes.
[ -z "${CI:-}" ] || export CARGO_INCREMENTAL=0
ensure_rust_tools
ensure_npm_packages
ensure_playwright
ensure_database

log "cargo fmt --check"
cargo fmt --all -- --check
log "clippy (server build)"
timed cargo clippy --features ssr --all-targets -- -D warnings
log "clippy (browser build, wasm32)"
timed cargo clippy --features hydrate --lib --target wasm32-unknown-unknown -- -D warnings
log "unit and integration tests (each test gets its own fresh database)"
# #[sqlx::test] connects to the server's maintenance database and creates one database per test.
# One test at a time within each test binary: each test starts a whole app (Leptos renderer,
# simulator) on a runtime of its own, and with several in one process at once a page render
# hung about once in 100 runs of tests/foundation.rs (never in 150 runs one at a time).
DATABASE_URL="${DATABASE_URL%/*}/postgres" timed cargo test --features ssr -- --test-threads=1
log "end-to-end tests (Playwright + /usr/bin/chromium)"
port_open 127.0.0.1 3000 && die "port 3000 is in use: stop that server first (the end-to-end tests start their own)"
# A database of its own for this run (dropped and re-created), so the journey starts from nothing.
export DATABASE_URL="${DATABASE_URL%/*}/bluum_invest_e2e"
psql -q "${DATABASE_URL%/*}/postgres" -c "DROP DATABASE IF EXISTS bluum_invest_e2e WITH (FORCE)" \
  || die "could not reset the end-to-end database bluum_invest_e2e"
# The server logs only warnings here, so Playwright's report stays readable.
# TRUST_PROXY: each Playwright project sends an X-Forwarded-For of its own (playwright.config.ts),
# so the per-address throttles count each project's sign-ups apart. DEMO_MODE: the demo spec.
TRUST_PROXY=true DEMO_MODE=true RUST_LOG=${RUST_LOG:-warn} timed cargo leptos end-to-end
log "all checks passed"
