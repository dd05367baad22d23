#!/usr/bin/env bash
# Make sure the browser tests have what they need: Debian's Chromium and axe-core from npm.
# Never runs `playwright install` (it downloads a browser, which this project does not do).
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Browser tests need Chromium at $CHROMIUM: run 'sudo apt-get install chromium'," >&2
    echo "or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "Installing axe-core (npm) for the accessibility checks..."
  npm ci --silent --no-audit --no-fund
fi
