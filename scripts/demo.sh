#!/usr/bin/env bash
# Demo mode: Bluum Invest on http://127.0.0.1:3000 with a seeded demo investor (an approved,
# funded account with a year of trades and a diversified portfolio), its sign-in shown on the
# sign-in page. Built-in simulator only (no BLUUM_API_KEY).
#   scripts/demo.sh            install what is missing, seed the demo if needed, start the app
#   scripts/demo.sh reset      put the running demo back as it started (a few seconds)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
URL="${PUBLIC_URL:-http://${LEPTOS_SITE_ADDR:-127.0.0.1:3000}}"
if [ "${1:-}" = "reset" ]; then
  # The same request as the "Reset the demo" button (a form post from the app's own origin).
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Origin: $URL" -H 'Accept: application/json' \
    "$URL/api/demo/reset") || die "the app does not answer at $URL: start it with scripts/demo.sh"
  case "$code" in
    200|302) log "the demo is back as it started" ;;
    404) die "the app at $URL is not in demo mode (start it with scripts/demo.sh)" ;;
    *) die "reset failed (HTTP $code); see the app's log" ;;
  esac
  exit 0
fi
[ -z "${BLUUM_API_KEY:-}" ] || die "demo mode runs on the built-in simulator only: unset BLUUM_API_KEY and BLUUM_API_SECRET"
export DEMO_MODE=true
exec "$ROOT/scripts/run.sh" "$@"
