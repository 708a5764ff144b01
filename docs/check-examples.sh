#!/usr/bin/env bash
# Runs every shell example of README.md and docs/ against a fresh demo server on an ephemeral
# port, and the client crate's example against it too (docs/check_examples.py says what is
# compared and what is skipped). The Rust examples of the READMEs compile as doc tests of
# openlines-client (`cargo test --workspace --doc`). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --quiet -p openlines --bin openlines
cargo build --quiet -p openlines-client --example chat_get
exec python3 -u docs/check_examples.py "$CARGO_TARGET_DIR/debug/openlines" "$CARGO_TARGET_DIR/debug/examples"
