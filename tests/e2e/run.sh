#!/usr/bin/env bash
# End-to-end browser tests: tests/e2e/run.sh [BOARDWALK_BINARY]
# Drives Debian's /usr/bin/chromium with playwright-core (no browser download).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${1:-${BOARDWALK_BINARY:-$repo/build/server/boardwalk}}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [ ! -x "$bin" ] && [ ! -f "$bin" ]; then
  echo "run.sh: boardwalk binary not found: $bin" >&2
  exit 2
fi
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  echo "run.sh: /usr/bin/chromium is missing (apt-get install chromium)" >&2
  exit 2
fi
cd "$repo"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/ws ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
export BOARDWALK_BINARY="$bin"
# One file at a time: each starts its own server and browser, and the machine has 2 cores.
exec node --test --test-concurrency=1 --test-reporter=spec "$here"/*.test.mjs
