#!/usr/bin/env bash
# Benchmarks the portfolio page, the page users open most. Builds release, starts the Bluum
# simulator on its own (the app talks to it as it would to Bluum: same client, same code path)
# and the app against a throwaway database, seeds USERS users with funded, traded portfolios,
# then loads GET /portfolio with wrk at CONNECTIONS connections for DURATION, each request as the
# next user. Prints requests per second, p50 and p99 latency, and the server's resident memory;
# then the portfolio page's weight on a first visit and its Largest Contentful Paint in headless
# Chromium (end2end/scripts/page-weight.mjs), against the targets.
# Installs whatever is missing first (idempotent; wrk from Debian).
#   scripts/bench.sh              build, seed, measure
#   scripts/bench.sh --no-build   use the release build already there
#   USERS=8 CONNECTIONS=32 DURATION=30s WARMUP=10s scripts/bench.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build= ;;
    *) die "unknown argument: $arg (usage: scripts/bench.sh [--no-build])" ;;
  esac
done
users=${USERS:-8}
connections=${CONNECTIONS:-32}
duration=${DURATION:-30s}

ensure_rust_tools
ensure_npm_packages
ensure_playwright
ensure_database
command -v wrk >/dev/null || apt_install wrk

target_dir=${CARGO_TARGET_DIR:-$ROOT/target}
if [ -n "$build" ]; then
  log "release build (app, site and simulator)"
  timed cargo leptos build --release --precompress
  timed cargo build --release --features ssr --bin bluum-sim
fi
app_bin="$target_dir/release/bluum_invest"
sim_bin="$target_dir/release/bluum-sim"
[ -x "$app_bin" ] && [ -x "$sim_bin" ] || die "no release build: run without --no-build"
hash_files=false
grep -Eq '^hash-files *= *true' Cargo.toml && hash_files=true

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
app_port=$(free_port)
sim_port=$(free_port)
base="http://127.0.0.1:$app_port"
sim_base="http://127.0.0.1:$sim_port"
db_url="${DATABASE_URL%/*}/bluum_invest_bench"
admin_url="${DATABASE_URL%/*}/postgres"
psql -q "$admin_url" -c "DROP DATABASE IF EXISTS bluum_invest_bench WITH (FORCE)" \
  && psql -q "$admin_url" -c "CREATE DATABASE bluum_invest_bench" \
  || die "could not reset the database bluum_invest_bench"

work=$(mktemp -d -t bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  psql -q "$admin_url" -c "DROP DATABASE IF EXISTS bluum_invest_bench WITH (FORCE)" || true
}
trap cleanup EXIT

wait_for() { # port pid log
  for _ in $(seq 1 120); do
    port_open 127.0.0.1 "$1" && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; die "a server stopped (log: $3)"; }
    sleep 0.5
  done
  cat "$3" >&2
  die "a server did not answer within 60 s"
}

log "starting the simulator on $sim_base"
DATABASE_URL="$db_url" RUST_LOG=warn "$sim_bin" serve --addr "127.0.0.1:$sim_port" >"$work/sim.log" 2>&1 &
pids+=($!)
wait_for "$sim_port" "${pids[-1]}" "$work/sim.log"

log "starting the release app on $base"
env DATABASE_URL="$db_url" PUBLIC_URL="$base" \
  BLUUM_API_KEY=apk_sim_demo BLUUM_API_SECRET=sk_sim_demo_secret BLUUM_BASE_URL="$sim_base/v1" \
  BLUUM_WEBHOOK_SECRET=whsec_bench \
  LEPTOS_OUTPUT_NAME=bluum_invest LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR="127.0.0.1:$app_port" LEPTOS_ENV=PROD LEPTOS_HASH_FILES=$hash_files \
  RUST_LOG=warn "$app_bin" >"$work/app.log" 2>&1 &
app_pid=$!
pids+=("$app_pid")
wait_for "$app_port" "$app_pid" "$work/app.log"

log "seeding $users users (investor, bank, \$10,000 deposit, three buys each)"
timed node end2end/scripts/bench-seed.mjs "$base" "$sim_base" "$users" "$db_url" >"$work/cookies" \
  || die "seeding failed"
curl -sf -o /dev/null -H "Cookie: $(head -1 "$work/cookies")" "$base/portfolio" || die "GET /portfolio failed"

# A first pass fills the caches (each user's first view waits on Bluum's rate limit); its
# figures are printed too, then the measured run.
warmup=${WARMUP:-10s}
log "wrk warm-up: $warmup"
BENCH_COOKIES="$work/cookies" wrk -t2 -c"$connections" -d"$warmup" --latency \
  -s end2end/scripts/bench-portfolio.lua "$base" | grep '^BENCH' | sed 's/^BENCH /warm-up: /'
log "wrk: GET /portfolio, $connections connections, 2 threads, $duration"
BENCH_COOKIES="$work/cookies" wrk -t2 -c"$connections" -d"$duration" --latency \
  -s end2end/scripts/bench-portfolio.lua "$base" | tee "$work/wrk.txt"
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$app_pid/status")
peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$app_pid/status")
grep '^BENCH' "$work/wrk.txt" | sed 's/^BENCH //'
printf 'server resident memory: %d MB now, %d MB peak\n' $((rss_kb / 1024)) $((peak_kb / 1024))

log "page weight and first paint of /portfolio (headless Chromium, cold cache, as a seeded investor)"
node end2end/scripts/page-weight.mjs "$base" "$ROOT/target/site/pkg" --cookie "$(tail -1 "$work/cookies")" /portfolio
