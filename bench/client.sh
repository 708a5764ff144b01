#!/usr/bin/env bash
# Figure 4: the Rust client (bench/client-bench) and Python fast-bitrix24, batches of 50
# imopenlines.crm.chat.get, 30 s each, against one SQLite server with limits off.
#
#   bench/client.sh
#
# Needs: cargo (builds bench/client-bench), a venv with fast-bitrix24 at $FB24_VENV
# (default /tmp/fb24-venv; made with `python3 -m venv /tmp/fb24-venv &&
# /tmp/fb24-venv/bin/pip install fast-bitrix24`).
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${SECONDS_PER_RUN:-30}
FB24_VENV=${FB24_VENV:-/tmp/fb24-venv}
port=18900
webhook=http://127.0.0.1:$port/rest/1/$CODE/

target=${CARGO_TARGET_DIR:-$HOME/.cache/openlines-target}
(cd "$BENCH_SRC/client-bench" && CARGO_TARGET_DIR=$target cargo build --release -q)
client_bench=$target/release/openlines-client-bench

start_server $port --db "$SQLITE_DB" --no-rate-limit --no-operating-limit
check_answer $port
pid=${SERVER_PIDS[0]}

run() { echo "+ $*" >&2; timeout $((seconds + 120)) "$@"; echo "  server VmRSS: $(rss_kib "$pid") KiB"; }
run "$client_bench" "$webhook" "$seconds" 1
run "$client_bench" "$webhook" "$seconds" 50
run "$FB24_VENV/bin/python" "$BENCH_SRC/fast_bitrix24_bench.py" "$webhook" --seconds "$seconds" --unthrottled
run "$FB24_VENV/bin/python" "$BENCH_SRC/fast_bitrix24_bench.py" "$webhook" --seconds "$seconds" --chunk 500
grep -ciE ' (warn|error) ' "$BENCH_DIR/server-$port.log" | sed 's/^/warn\/error lines in server log: /' || true
