#!/usr/bin/env bash
# Runs Bluum Invest on http://127.0.0.1:3000 with the built-in Bluum sandbox simulator.
# Installs whatever is missing first (idempotent). Set DATABASE_URL to use your own Postgres;
# set BLUUM_API_KEY and BLUUM_API_SECRET to talk to Bluum itself.
#   scripts/run.sh             debug build, fastest to start
#   scripts/run.sh --release   optimised build
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_rust_tools
ensure_npm_packages
ensure_database
log "building and starting the app (first build takes a few minutes)"
exec cargo leptos serve "$@"
