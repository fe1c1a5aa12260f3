# Shared set-up steps for scripts/run.sh and scripts/test.sh. Sourced, not run.
# Every step checks first and installs only what is missing, so re-runs are quick.
# Needs only the package registries (crates.io, npm, Debian) and rustup: nothing from
# GitHub releases (cargo-leptos is built with `no_downloads` and finds its tools on PATH).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CARGO_LEPTOS_VERSION=0.3.11
# cargo-leptos 0.3.11's lock file needs rustc >= 1.96; the app builds with the default stable.
TOOLS_TOOLCHAIN=1.99.1
PG_PRIVATE_PORT=${PG_PRIVATE_PORT:-5433}

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Keep cargo-leptos from asking GitHub for newer tool versions.
export LEPTOS_TAILWIND_VERSION=v4.3.5 LEPTOS_WASM_OPT_VERSION=version_132

log() { printf '\033[1;36m==> [%s] %s\033[0m\n' "$(date +%T)" "$*" >&2; }
die() { printf '\033[1;31merror: %s\033[0m\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi; }
timed() { local s rc=0; s=$(date +%s); "$@" || rc=$?; log "took $(( $(date +%s) - s ))s: $*"; return $rc; }

apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found: install $* with your system's package manager"
  log "installing Debian packages: $*"
  [ -n "${APT_UPDATED:-}" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_rust_tools() {
  command -v rustup >/dev/null || die "rustup not found: install Rust from https://rustup.rs first"
  command -v cc >/dev/null || apt_install build-essential
  command -v pkg-config >/dev/null || apt_install pkg-config
  rustup target list --installed | grep -qx wasm32-unknown-unknown || {
    log "adding the wasm32 target"; rustup target add wasm32-unknown-unknown; }
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt
  if ! cargo leptos --version 2>/dev/null | grep -qx "cargo-leptos $CARGO_LEPTOS_VERSION"; then
    rustup run "$TOOLS_TOOLCHAIN" rustc --version >/dev/null 2>&1 \
      || timed rustup toolchain install "$TOOLS_TOOLCHAIN" --profile minimal
    log "building cargo-leptos $CARGO_LEPTOS_VERSION (first time only, ~10 min on 2 cores)"
    timed cargo "+$TOOLS_TOOLCHAIN" install --locked --force cargo-leptos \
      --version "$CARGO_LEPTOS_VERSION" --features no_downloads
  fi
  # The wasm-bindgen CLI must equal the wasm-bindgen crate in Cargo.lock.
  local wb
  wb=$(awk '$0=="name = \"wasm-bindgen\"" {getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")
  [ -n "$wb" ] || die "wasm-bindgen not found in Cargo.lock"
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $wb"; then
    log "building wasm-bindgen-cli $wb (first time only, ~2 min)"
    # --locked can fail when the CLI's lock file pins a crate the registry no longer serves.
    timed cargo install --locked --force wasm-bindgen-cli --version "$wb" \
      || { log "its lock file pins a crate version crates.io no longer serves: building with current compatible versions"
           timed cargo install --force wasm-bindgen-cli --version "$wb"; }
  fi
}

ensure_npm_packages() {
  command -v npm >/dev/null || apt_install nodejs npm
  # Tailwind (and wasm-opt for release builds) from npm; cargo-leptos finds node_modules/.bin.
  if [ ! -x "$ROOT/node_modules/.bin/tailwindcss" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "npm ci (Tailwind, binaryen)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_playwright() {
  [ -x /usr/bin/chromium ] || apt_install chromium
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ] || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    log "npm ci (Playwright, without its browser download: Debian's chromium is used)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Sets DATABASE_URL: the caller's, else the local server on 127.0.0.1:5432, else a private
# cluster under .data/postgres (Debian's postgresql package), created and started here.
ensure_database() {
  command -v psql >/dev/null || apt_install postgresql-client
  if [ -n "${DATABASE_URL:-}" ]; then
    log "using DATABASE_URL from the environment"
    return
  fi
  if port_open 127.0.0.1 5432; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/bluum_invest"
    log "using the Postgres server at 127.0.0.1:5432"
    return
  fi
  start_private_postgres
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PRIVATE_PORT/bluum_invest"
}

start_private_postgres() {
  local data="$ROOT/.data/postgres" bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    apt_install postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
  # Postgres refuses to run as root: use the postgres system user then.
  local run=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
    run=(runuser -u postgres --)
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    log "no Postgres answers on 127.0.0.1:5432: creating a private cluster in .data/postgres"
    mkdir -p "$data"
    [ "$(id -u)" -ne 0 ] || chown -R postgres: "$ROOT/.data"
    "${run[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! port_open 127.0.0.1 "$PG_PRIVATE_PORT"; then
    log "starting the private Postgres on 127.0.0.1:$PG_PRIVATE_PORT"
    "${run[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $PG_PRIVATE_PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null \
      || die "Postgres did not start; see .data/postgres/server.log"
  fi
}
