# Shared settings and helpers for the bench/*.sh scripts (source it; bash only).
#
# Everything large lives under $BENCH_DIR (default /tmp/olbench), never in the repository.
# OPENLINES is the binary measured (default: a copy of the release build in $BENCH_DIR, so a
# concurrent rebuild cannot swap it mid-run).

BENCH_DIR=${BENCH_DIR:-/tmp/olbench}
OPENLINES=${OPENLINES:-$BENCH_DIR/openlines}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}
PG_SCHEMA=${PG_SCHEMA:-bench}
# sqlx passes `options` to the server as startup options: the bench schema comes first.
PG_URL=${PG_URL:-"$PG_ADMIN_URL?options=-c%20search_path%3D$PG_SCHEMA"}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
SQLITE_DB=${SQLITE_DB:-$BENCH_DIR/bench.db}
CODE=bench0123456789ab
METHOD_PATH=/rest/1/$CODE/imopenlines.crm.chat.get
BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$BENCH_DIR"

SERVER_PIDS=()

# start_server PORT EXTRA_ARGS... : starts `openlines serve` on 127.0.0.1:PORT in the
# background, waits for /readyz; its pid is appended to SERVER_PIDS.
start_server() {
    local port=$1
    shift
    "$OPENLINES" serve --listen "127.0.0.1:$port" --https-listen "127.0.0.1:$((port + 1000))" \
        --admin-token bench-admin-token "$@" >"$BENCH_DIR/server-$port.log" 2>&1 &
    local pid=$!
    SERVER_PIDS+=("$pid")
    for _ in $(seq 1 300); do
        if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
            echo "server pid $pid on 127.0.0.1:$port: $*" >&2
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$BENCH_DIR/server-$port.log" >&2; return 1; }
        sleep 0.2
    done
    echo "server on port $port did not become ready" >&2
    return 1
}

# stop_servers: SIGTERM to every server this script started, then wait for them.
stop_servers() {
    local pid
    for pid in "${SERVER_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${SERVER_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    SERVER_PIDS=()
}
trap stop_servers EXIT

# rss_kib PID: the process's resident set (VmRSS) in KiB.
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# check_answer PORT: one curl call, which must answer 200 with a non-empty list.
check_answer() {
    local port=$1 answer
    answer=$(curl -sS -X POST -d 'CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&ACTIVE_ONLY=N' \
        "http://127.0.0.1:$port$METHOD_PATH")
    echo "check on port $port: ${answer:0:300}" >&2
    python3 -c 'import json,sys; r=json.loads(sys.argv[1])["result"]; assert isinstance(r,list) and r, r' \
        "$answer"
}

# run_wrk PORT CONNECTIONS SECONDS [THREADS]: the chat.get load; output to stdout.
run_wrk() {
    local port=$1 connections=$2 seconds=$3 threads=${4:-2}
    timeout $((seconds + 30)) wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s \
        --latency -s "$BENCH_SRC/chat_get.lua" "http://127.0.0.1:$port$METHOD_PATH"
}
