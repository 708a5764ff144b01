#!/usr/bin/env bash
# The web console's browser tests: Debian's Chromium and chromedriver drive the real binary
# (`serve --demo`) through selenium (in a venv under ~/.cache, made on first use).
#
#   tests/console/run.sh            # builds the debug binary first
#   OPENLINES_BIN=path tests/console/run.sh
#
# Screenshots of each page go to $CONSOLE_ARTIFACTS (default: console-artifacts in the cargo
# target dir; not committed). Nothing is skipped: a missing browser is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver || true)}"
if [[ -z "$CHROMIUM" || -z "$CHROMEDRIVER" ]]; then
  echo "FAILED: the console tests need chromium and chromedriver (apt-get install -y chromium chromium-driver)" >&2
  exit 1
fi
export CHROMIUM CHROMEDRIVER

VENV="${OPENLINES_CONSOLE_VENV:-$HOME/.cache/openlines-console-venv}"
if ! "$VENV/bin/python" -c 'import selenium' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet 'selenium>=4.10,<5'
fi

TARGET="${CARGO_TARGET_DIR:-target}"
if [[ -z "${OPENLINES_BIN:-}" ]]; then
  cargo build --quiet -p openlines
  OPENLINES_BIN="$TARGET/debug/openlines"
fi
export OPENLINES_BIN
export CONSOLE_ARTIFACTS="${CONSOLE_ARTIFACTS:-$TARGET/console-artifacts}"
# Selenium must use the given driver, never download one.
export SE_OFFLINE=true
exec "$VENV/bin/python" tests/console/test_console.py
