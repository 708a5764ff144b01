#!/usr/bin/env bash
# Section 5: how long `POST /_openlines/admin/reset` takes (what a test suite pays before
# every test), for the demo and for a fixture of N chats, on SQLite or PostgreSQL.
#
#   bench/reset.sh sqlite   [CHATS] [ROUNDS]     # default 10000 chats, 20 resets each
#   bench/reset.sh postgres [CHATS] [ROUNDS]     # schema $PG_SCHEMA, dropped and made anew
#
# Each data set is served with `--fixture` (the demo with `--demo`), then reset ROUNDS times
# in a row with curl; the script prints the median, 90th percentile and largest time of one
# reset as curl measured it (request sent to answer read, loopback). Between resets nothing
# writes, so each reset empties and refills every table with the start data.
set -euo pipefail
source "$(dirname "$0")/common.sh"
backend=${1:?sqlite or postgres}
chats=${2:-10000}
rounds=${3:-20}
port=18190
fixture=$BENCH_DIR/reset-$chats.jsonl
[ -s "$fixture" ] || python3 "$BENCH_SRC/gen_fixture.py" "$chats" >"$fixture"

# fresh_db: the --db value of an empty database on $backend.
fresh_db() {
    case $backend in
    sqlite)
        rm -f "$BENCH_DIR/reset.db" "$BENCH_DIR/reset.db-wal" "$BENCH_DIR/reset.db-shm"
        echo "$BENCH_DIR/reset.db"
        ;;
    postgres)
        PGOPTIONS="-c client_min_messages=warning" psql -q "$PG_ADMIN_URL" -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" -c "CREATE SCHEMA $PG_SCHEMA"
        echo "$PG_URL"
        ;;
    *) echo "backend: sqlite or postgres" >&2; exit 2 ;;
    esac
}

# measure LABEL SERVE_ARGS...: serves, resets $rounds times, prints the figures.
measure() {
    local label=$1
    shift
    start_server $port --db "$(fresh_db)" --no-rate-limit "$@"
    local times=$BENCH_DIR/reset-times.txt
    : >"$times"
    for _ in $(seq 1 "$rounds"); do
        curl -fsS -o /dev/null -w '%{time_total}\n' -X POST \
            -H 'Authorization: Bearer bench-admin-token' \
            "http://127.0.0.1:$port/_openlines/admin/reset" >>"$times"
    done
    stop_servers
    python3 - "$label" "$times" <<'PY'
import statistics, sys
label, path = sys.argv[1], sys.argv[2]
ms = sorted(float(line) * 1000 for line in open(path) if line.strip())
p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
print(f"{label}: resets={len(ms)} median={statistics.median(ms):.1f} ms p90={p90:.1f} ms max={ms[-1]:.1f} ms")
PY
}

echo "backend=$backend binary=$OPENLINES"
measure "demo" --demo
measure "fixture $chats chats" --fixture "$fixture"
