#!/usr/bin/env bash
# Measures page weight: builds the release site, starts the release server on a free port against
# a throwaway database, and loads /sign-in and /account (signed in) in headless Chromium with a
# cold cache. Prints the bytes each first visit transfers, the Largest Contentful Paint, when
# hydration finished, and the sizes of the files under /pkg.
# Installs whatever is missing first (idempotent), like scripts/run.sh.
#   scripts/page-weight.sh             build, then measure
#   scripts/page-weight.sh --no-build  measure the release build already there
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build= ;;
    *) die "unknown argument: $arg (usage: scripts/page-weight.sh [--no-build])" ;;
  esac
done

ensure_rust_tools
ensure_npm_packages
ensure_playwright
ensure_database

target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
bin="$target_dir/release/bluum_invest"
if [ -n "$build" ]; then
  log "release build (cargo leptos build --release --precompress)"
  timed cargo leptos build --release --precompress
fi
[ -x "$bin" ] || die "no release build at $bin: run without --no-build"

# The server reads hashed file names from hash.txt next to its binary when cargo-leptos hashed them.
hash_files=false
grep -Eq '^hash-files *= *true' Cargo.toml && hash_files=true

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
base="http://127.0.0.1:$port"
db_url="${DATABASE_URL%/*}/bluum_invest_page_weight"
admin_url="${DATABASE_URL%/*}/postgres"
psql -q "$admin_url" -c "DROP DATABASE IF EXISTS bluum_invest_page_weight WITH (FORCE)" \
  || die "could not reset the database bluum_invest_page_weight"

server_log=$(mktemp -t page-weight-server.XXXXXX.log)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS bluum_invest_page_weight WITH (FORCE)" || true
}
trap cleanup EXIT

log "starting the release server on $base (log: $server_log)"
env DATABASE_URL="$db_url" PUBLIC_URL="$base" \
  LEPTOS_OUTPUT_NAME=bluum_invest LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_ENV=PROD LEPTOS_HASH_FILES=$hash_files \
  RUST_LOG=warn "$bin" >"$server_log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  port_open 127.0.0.1 "$port" && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$server_log" >&2; die "the server stopped"; }
  sleep 0.5
done
port_open 127.0.0.1 "$port" || { cat "$server_log" >&2; die "the server did not answer within 60 s"; }

log "loading /sign-in and /account in Chromium (cold cache)"
node end2end/scripts/page-weight.mjs "$base" "$ROOT/target/site/pkg"
