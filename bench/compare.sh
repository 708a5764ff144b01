#!/usr/bin/env bash
# chat.get against its ceiling, in one run (BENCHMARKS.md, "chat.get against its ceiling").
#
#   bench/compare.sh                      # everything, three rounds of 8 s runs
#   ROUNDS=1 DURATION=2 SQLITE_SIZES=10k PG_SIZES= JSON_SIZES=10k bench/compare.sh
#   ROWS='ceiling|sqlite-1m/' bench/compare.sh
#
# Servers, started afresh in every round, one after the other, in this order:
#   ceiling        bench/ceiling: openlines' HTTP stack answering a fixed 10-row chat.get body
#   sqlite-<size>  `openlines serve` on SQLite, one database per size (SQLITE_SIZES: 10k 1m 10m)
#   pg-<size>      `openlines serve` on PostgreSQL, one schema per size (PG_SIZES: 1m)
#   json-<size>    json-server 0.17 (npm) serving a deal's chats (JSON_SIZES: 10k 1m)
# Workloads (each a wrk run of DURATION seconds, 64 connections; bench/compare.lua):
#   admin-N, admin-Y  chat.get of a random deal, admin webhook, ACTIVE_ONLY=N / Y
#   dept-N            the same by user 2, a non-admin who reads deals at the department level
#                     (only deals that user may read are asked for)
#   batch50           `batch` of 50 such chat.get commands (admin, N)
#   fixed             the ceiling's one answer; json-server runs N and Y (GET /deals/<id>/chats)
# A row is <server>/<workload>. Each server gets WARMUP (1) seconds of unmeasured load first.
# wrk waits up to 60 s for an answer; after every run the script waits until the server has
# answered what wrk left in flight, so that no run inherits the last one's queue.
# The server runs on core SERVER_CORE (0) under `taskset`, wrk on LOAD_CORE (1) with one
# thread; PostgreSQL is not pinned (it is the machine's shared instance) and competes for both.
#
# Printed: every run as it ends, then per row and round: req/s, p50, p99, the server's VmRSS
# after the run, non-200 answers (plus 200 answers that failed inside, and socket errors) and
# the ratio to the ceiling's req/s in the same round; then medians over the rounds, with the
# ratio of each openlines row to json-server on the same lookup and size; then the time from
# starting each server to its first good answer (the probe is a chat.get, or the deal lookup
# for json-server; the database files are in the page cache from the round before).
#
# Environment:
#   ROUNDS (3), DURATION (8), CONNECTIONS (64), WARMUP (1) seconds, ROWS (an extended regex
#   on row names; the ceiling always runs, to give the ratios), SQLITE_SIZES, PG_SIZES,
#   JSON_SIZES (of 10k 1m 10m), SERVER_CORE (0), LOAD_CORE (1).
#   OPENLINES: the binary measured (default: the release build in $CARGO_TARGET_DIR, or
#   ~/.cache/openlines-target); CEILING: the ceiling (the same target's openlines-ceiling).
#   Both are copied into the run's directory first, so a rebuild during the run changes
#   nothing. Build them with `cargo build --release --workspace`.
#   BENCH_CACHE (~/.cache/openlines-bench): datasets and run logs, never in the repository.
#   PG_ADMIN_URL (postgres://postgres@127.0.0.1:5432/test): the PostgreSQL server;
#   PG_SCHEMA_PREFIX (olbench_<hash>): its schemas' names, for a second cache of data sets.
#   JSON_SERVER_DIR (/tmp/json-server): json-server is installed here with npm when missing.
#   REIMPORT=1: import the databases again even when present.
#   IMPORT_EXPORT=1: at the end, time `openlines export` of the BULK_SIZE (1m) databases
#   (SQLite and PostgreSQL) and `openlines import` of its fixture into a scratch database and
#   schema.
#   IMPORT_CORE: pin every `openlines import` to this core (runs before 2026-12-02's `b0d320b`
#   pinned them to SERVER_CORE). Unset, an import may use every core, as a user's does: the
#   importer, its database thread (and SQLite's sort helpers) work side by side.
#
# Datasets are made on first use, under $BENCH_CACHE/data-<hash of gen_fixture.py>/: the
# fixture of bench/gen_fixture.py per size, its SQLite database (imported by OPENLINES, with
# the import's wall time and records/s kept beside it), the json-server file of
# bench/json_server_db.py, and a PostgreSQL schema olbench_<hash>_<size>. The 10m data set
# takes about 1.5 GB of fixture and a few GB of database, and tens of minutes to make.
#
# Needs: wrk (installed with `apt-get install -y wrk` when missing), taskset, python3, curl,
# psql and the pg_prewarm extension of postgresql-contrib (for the pg rows), node and npm (for the json rows).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-1}
ROWS=${ROWS:-.}
SQLITE_SIZES=${SQLITE_SIZES-10k 1m 10m}
PG_SIZES=${PG_SIZES-1m}
JSON_SIZES=${JSON_SIZES-10k 1m}
SERVER_CORE=${SERVER_CORE:-0}
LOAD_CORE=${LOAD_CORE:-1}
target=${CARGO_TARGET_DIR:-$HOME/.cache/openlines-target}
OPENLINES=${OPENLINES:-$target/release/openlines}
CEILING=${CEILING:-$target/release/openlines-ceiling}
BENCH_CACHE=${BENCH_CACHE:-$HOME/.cache/openlines-bench}
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/test}
JSON_SERVER_DIR=${JSON_SERVER_DIR:-/tmp/json-server}

ADMIN_PREFIX=/rest/1/bench0123456789ab
DEPT_PREFIX=/rest/2/benchdept0123456
# gen_fixture.py's default department count: user 2 may read every DEPARTMENTS-th deal.
DEPARTMENTS=20

log() { echo "[$(date -u +%T)] $*" >&2; }
die() { log "error: $*"; exit 1; }
chats_of() {
    case $1 in
    10k) echo 10000 ;; 1m) echo 1000000 ;; 10m) echo 10000000 ;;
    *) die "unknown size $1 (10k, 1m or 10m)" ;;
    esac
}

# ---- tools and binaries ---------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    log "wrk is missing: installing it with apt-get"
    apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi
for tool in taskset python3 curl; do command -v $tool >/dev/null || die "$tool is missing"; done
[ -x "$OPENLINES" ] || die "no openlines binary at $OPENLINES (cargo build --release --workspace)"
[ -x "$CEILING" ] || die "no ceiling binary at $CEILING (cargo build --release --workspace)"
if [ -n "$JSON_SIZES" ] && [ ! -x "$JSON_SERVER_DIR/node_modules/.bin/json-server" ]; then
    log "installing json-server 0.17.4 with npm into $JSON_SERVER_DIR"
    mkdir -p "$JSON_SERVER_DIR"
    (cd "$JSON_SERVER_DIR" && npm install --no-audit --no-fund --no-save json-server@0.17.4 >/dev/null)
fi
json_server_js=$JSON_SERVER_DIR/node_modules/json-server/lib/cli/bin.js

run_dir=$BENCH_CACHE/runs/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$run_dir"
openlines_source=$(readlink -f "$OPENLINES")
cp "$OPENLINES" "$run_dir/openlines"
cp "$CEILING" "$run_dir/openlines-ceiling"
OPENLINES=$run_dir/openlines
CEILING=$run_dir/openlines-ceiling
results=$run_dir/results.tsv
starts=$run_dir/starts.tsv
: >"$results"
: >"$starts"
data_dir=$BENCH_CACHE/data-$(sha256sum "$here/gen_fixture.py" | cut -c1-8)
mkdir -p "$data_dir"
pg_schema_prefix=${PG_SCHEMA_PREFIX:-olbench_$(basename "$data_dir" | cut -c6-)}
log "run directory $run_dir; data in $data_dir"

# ---- datasets -------------------------------------------------------------------------------
fixture() { # SIZE -> path of the fixture, made if missing
    local n file
    n=$(chats_of "$1")
    file=$data_dir/fixture-$1.jsonl
    if [ ! -s "$file" ]; then
        log "generating the $1 fixture ($n chats)"
        python3 "$here/gen_fixture.py" "$n" >"$file.tmp"
        mv "$file.tmp" "$file"
    fi
    echo "$file"
}

if [ -n "${IMPORT_CORE:-}" ]; then import_pin=(taskset -c "$IMPORT_CORE"); else import_pin=(env); fi

# timed_import FIXTURE DB NOTE_FILE: `openlines import` with its wall time and records/s noted.
timed_import() {
    local file=$1 db=$2 note=$3 lines secs rss
    lines=$(wc -l <"$file")
    # Start from a quiet disk: what the runs before wrote (a 10 M database is 2.5 GB) is still
    # being flushed for a while, and, for an import into PostgreSQL, its dirty buffers (the
    # schema just dropped) would be written by a checkpoint in the middle of the import.
    sync
    case $db in postgres*) psql -q "$PG_ADMIN_URL" -c CHECKPOINT >/dev/null ;; esac
    /usr/bin/time -f "%e %M" -o "$note.time" \
        "${import_pin[@]}" "$OPENLINES" import "$file" --db "$db" >"$note.log" 2>&1 ||
        { tail -5 "$note.log" >&2; die "import of $file failed"; }
    read -r secs rss <"$note.time"
    echo "records=$lines wall_s=$secs records_per_s=$(python3 -c "print(round($lines/$secs))") peak_rss_mib=$((rss / 1024)) cores=${IMPORT_CORE:-all} when=$(date -u +%FT%TZ) load=$(cut -d' ' -f1 /proc/loadavg)" >"$note"
    log "imported $file: $(cat "$note")"
}

sqlite_db() { # SIZE -> path of the SQLite database, imported if missing
    local db=$data_dir/sqlite-$1.db file
    if [ ! -s "$db" ] || [ "${REIMPORT:-0}" = 1 ]; then
        file=$(fixture "$1")
        rm -f "$db.tmp" "$db.tmp-wal" "$db.tmp-shm"
        log "importing the $1 fixture into SQLite"
        timed_import "$file" "$db.tmp" "$data_dir/sqlite-$1.import"
        # `openlines import` can exit with its write-ahead log still beside the file (its pages
        # already copied in): fold it in and remove it, so that the rename moves everything.
        python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA wal_checkpoint(TRUNCATE)"); c.close()' "$db.tmp"
        rm -f "$db.tmp-wal" "$db.tmp-shm"
        mv "$db.tmp" "$db"
    fi
    echo "$db"
}

pg_url_of() { echo "$PG_ADMIN_URL?options=-c%20search_path%3D$1"; }

pg_db() { # SIZE -> URL of the PostgreSQL schema, imported if missing
    local schema=${pg_schema_prefix}_$1 done_mark file
    done_mark="imported $(chats_of "$1") chats"
    if [ "$(psql -qAt "$PG_ADMIN_URL" -c "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = '$schema'")" != "$done_mark" ] ||
        [ "${REIMPORT:-0}" = 1 ]; then
        file=$(fixture "$1")
        log "importing the $1 fixture into PostgreSQL schema $schema"
        psql -q "$PG_ADMIN_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" >/dev/null 2>&1
        timed_import "$file" "$(pg_url_of "$schema")" "$data_dir/pg-$1.import"
        # What autovacuum does within a minute of a bulk load on a default server: statistics
        # for the planner and a visibility map for index-only scans. This machine's server runs
        # with autovacuum off, so without this every plan would rest on guesses (a hash join
        # and a sort where one index range suffices). Not part of the import's timing.
        log "VACUUM ANALYZE of schema $schema (autovacuum's work after a bulk load)"
        PGOPTIONS="-c search_path=$schema" psql -q "$PG_ADMIN_URL" -c "VACUUM ANALYZE" >/dev/null
        psql -q "$PG_ADMIN_URL" -c "COMMENT ON SCHEMA $schema IS '$done_mark'" >/dev/null
    fi
    pg_url_of "$schema"
}

json_db() { # SIZE -> path of the json-server database, made if missing
    local file
    file=$data_dir/json-$1-$(sha256sum "$here/json_server_db.py" | cut -c1-8).json
    if [ ! -s "$file" ]; then
        log "writing the $1 json-server database"
        python3 "$here/json_server_db.py" "$(chats_of "$1")" >"$file.tmp"
        mv "$file.tmp" "$file"
    fi
    echo "$file"
}

# ---- servers --------------------------------------------------------------------------------
server_pid=
probe=
probe_data=
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
        server_pid=
    fi
}
# The copies of the binaries are large; the run's logs and results stay.
trap 'stop_server; rm -f "$run_dir/openlines" "$run_dir/openlines-ceiling"' EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# warm KIND DB: reads a server's data into the operating system's file cache before it starts.
# The VM this was measured on pages out file pages left untouched for about a minute (a DAMON
# `pageout` scheme, the host's memory policy), so a database idle since the round before is
# mostly back on disk, and the first seconds of a run would measure the disk. A deployment that
# serves steadily has its data cached; so do these runs. (The start-to-first-answer times are
# measured after this too.)
warm() {
    case $1 in
    sqlite) cat "$2" "$2-wal" >/dev/null 2>&1 || true ;;
    pg)
        psql -q "$PG_ADMIN_URL" -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" >/dev/null 2>&1
        psql -q -At "$PG_ADMIN_URL" -c "SELECT count(pg_prewarm(c.oid::regclass, 'read'))
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = '${pg_schema_prefix}_$3' AND c.relkind IN ('r', 'i')" >/dev/null
        ;;
    esac
}

# start SERVER ROUND: starts the server pinned to SERVER_CORE; sets server_pid and port.
start() {
    local server=$1 round=$2 size kind out post=() command
    kind=${server%%-*}
    size=${server#*-}
    port=$(free_port)
    probe=http://127.0.0.1:$port$ADMIN_PREFIX/imopenlines.crm.chat.get
    post=(--post "CRM_ENTITY_TYPE=deal&CRM_ENTITY=1&ACTIVE_ONLY=N")
    case $kind in
    ceiling) command=("$CEILING" --listen "127.0.0.1:$port") ;;
    sqlite | pg)
        local db
        if [ "$kind" = sqlite ]; then db=$(sqlite_db "$size"); else db=$(pg_db "$size"); fi
        warm "$kind" "$db" "$size"
        command=("$OPENLINES" serve --listen "127.0.0.1:$port" --db "$db"
            --no-rate-limit --no-operating-limit --admin-token bench-admin-token)
        ;;
    json)
        command=(node "$json_server_js" --quiet --read-only --host 127.0.0.1 --port "$port" "$(json_db "$size")")
        probe=http://127.0.0.1:$port/deals/1/chats
        post=()
        ;;
    esac
    out=$(python3 "$here/start_server.py" --probe "$probe" "${post[@]}" --log "$run_dir/server-$server-$round.log" \
        -- taskset -c "$SERVER_CORE" "${command[@]}") || die "$server did not start"
    read -r server_pid millis <<<"$out"
    probe_data=${post[1]:-}
    printf '%s\t%s\t%s\n' "$round" "$server" "$millis" >>"$starts"
    log "$server started in $millis ms (pid $server_pid, port $port)"
    if [ "$round" = 1 ] && [ "$kind" != json ]; then same_shape_as_ceiling "$server" "$probe"; fi
}

# same_shape_as_ceiling SERVER URL: the ceiling is only a ceiling if its answer looks like a
# real one. Keeps the first answer of each kind and stops when openlines' differs from the
# ceiling's in keys, row count or (within 25 %) size.
same_shape_as_ceiling() {
    local server=$1 url=$2 body=$run_dir/answer-${1%%-*}.json
    curl -fsS -d "CRM_ENTITY_TYPE=deal&CRM_ENTITY=1&ACTIVE_ONLY=N" "$url" >"$body.tmp" || die "no answer from $server"
    mv "$body.tmp" "$body"
    [ "$server" = ceiling ] && return 0
    python3 - "$run_dir/answer-ceiling.json" "$body" <<'PY' || die "the ceiling's answer no longer looks like $server's (see $body)"
import json, os, sys
ceiling, real = (json.load(open(path)) for path in sys.argv[1:])
def shape(answer):
    rows = answer["result"]
    return list(answer), len(rows), sorted({key for row in rows for key in row}), list(answer["time"])
sizes = [os.path.getsize(path) for path in sys.argv[1:]]
if shape(ceiling) != shape(real) or abs(sizes[0] - sizes[1]) > 0.25 * sizes[1]:
    sys.exit(f"ceiling {shape(ceiling)}, {sizes[0]} bytes; openlines {shape(real)}, {sizes[1]} bytes")
PY
}

# ---- load -----------------------------------------------------------------------------------
# workloads SERVER: the workload names for a server kind.
workloads() {
    case ${1%%-*} in
    ceiling) echo fixed ;;
    sqlite | pg) echo admin-N admin-Y dept-N batch50 ;;
    json) echo N Y ;;
    esac
}

# load SERVER WORKLOAD SECONDS: one wrk run; its output on stdout.
load() {
    local server=$1 workload=$2 seconds=$3 max_deal=100000 mode=chat_get prefix=$ADMIN_PREFIX active=N stride=1
    # Deals 1..chats/10 exist; the ceiling ignores the deal.
    [ "$server" = ceiling ] || max_deal=$(($(chats_of "${server#*-}") / 10))
    case $workload in
    admin-Y | Y) active=Y ;;
    dept-N) prefix=$DEPT_PREFIX stride=$DEPARTMENTS ;;
    batch50) mode=batch ;;
    esac
    [ "${server%%-*}" = json ] && mode=json
    MODE=$mode PREFIX=$prefix ACTIVE_ONLY=$active MAX_DEAL=$max_deal STRIDE=$stride BATCH=50 \
        timeout $((seconds + 90)) taskset -c "$LOAD_CORE" wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" \
        --timeout 60s --latency -s "$here/compare.lua" "http://127.0.0.1:$port"
}

# drain: waits until the server has answered what wrk left in flight (a slow server such as
# json-server at 1m has a queue of 64 requests when wrk stops; it would be working off that
# queue during the next run). The probe is answered after them (one request at a time).
drain() {
    local data=()
    [ -n "$probe_data" ] && data=(-d "$probe_data")
    curl -sS -o /dev/null --max-time 600 "${data[@]}" "$probe" || log "warning: no answer from the drain probe"
}

rss_mib() { awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# measure SERVER WORKLOAD ROUND: one measured run, appended to results.tsv.
measure() {
    local server=$1 workload=$2 round=$3 out line rss
    out=$run_dir/wrk-$server-$workload-$round.txt
    load "$server" "$workload" "$DURATION" >"$out" 2>&1 || true
    rss=$(rss_mib "$server_pid")
    drain
    line=$(grep '^compare:' "$out") || { cat "$out" >&2; die "wrk gave no result for $server/$workload"; }
    # compare: requests=R non200=N bad=B socket_errors=S p50_us=P p99_us=Q rps=X
    python3 - "$round" "$server/$workload" "$rss" "$line" "$(cut -d' ' -f1 /proc/loadavg)" >>"$results" <<'PY'
import sys
round_, row, rss, line, loadavg = sys.argv[1:]
f = dict(kv.split("=") for kv in line.split()[1:])
print("\t".join([round_, row, f["rps"], str(int(f["p50_us"]) / 1000), str(int(f["p99_us"]) / 1000), rss,
                 f["non200"], str(int(f["bad"]) + int(f["socket_errors"])), f["requests"], loadavg]))
PY
    log "$(tail -1 "$results" | awk -F'\t' '{printf "round %s %-22s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  RSS %7.1f MiB  non-200 %s  other errors %s", $1, $2, $3, $4, $5, $6, $7, $8}')"
}

# ---- the rounds -----------------------------------------------------------------------------
servers=(ceiling)
for size in $SQLITE_SIZES; do servers+=("sqlite-$size"); done
for size in $PG_SIZES; do servers+=("pg-$size"); done
for size in $JSON_SIZES; do servers+=("json-$size"); done

wanted() { [[ $1 == ceiling/* || $1 =~ $ROWS ]]; }
selected=()
for server in "${servers[@]}"; do
    for workload in $(workloads "$server"); do
        if wanted "$server/$workload"; then selected+=("$server"); break; fi
    done
done

# Make every dataset before the first round, so that no round waits for one.
for server in "${selected[@]}"; do
    case $server in
    sqlite-*) sqlite_db "${server#*-}" >/dev/null ;;
    pg-*) pg_db "${server#*-}" >/dev/null ;;
    json-*) json_db "${server#*-}" >/dev/null ;;
    esac
done

{
    echo "date: $(date -u +%FT%TZ)"
    echo "openlines: $("$OPENLINES" --version 2>/dev/null || echo '?'), $openlines_source ($(date -u -r "$openlines_source" +%FT%TZ))"
    echo "bench scripts: commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "cpu: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); memory $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "tools: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2); node $(node --version 2>/dev/null || echo -); $(psql --version 2>/dev/null || echo 'psql -')"
    echo "settings: ROUNDS=$ROUNDS DURATION=${DURATION}s CONNECTIONS=$CONNECTIONS WARMUP=${WARMUP}s server on core $SERVER_CORE, wrk -t1 on core $LOAD_CORE"
} | tee "$run_dir/machine.txt" >&2

for round in $(seq 1 "$ROUNDS"); do
    log "=== round $round of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    for server in "${selected[@]}"; do
        start "$server" "$round"
        if [ "$WARMUP" -gt 0 ]; then
            load "$server" "$(workloads "$server" | cut -d' ' -f1)" "$WARMUP" >/dev/null 2>&1 || true
            drain
        fi
        for workload in $(workloads "$server"); do
            if wanted "$server/$workload"; then measure "$server" "$workload" "$round"; fi
        done
        stop_server
    done
done

# ---- optional bulk rates ----------------------------------------------------------------------
if [ "${IMPORT_EXPORT:-0}" = 1 ]; then
    bulk=$run_dir/bulk.txt
    export_rate() { # NAME DB
        /usr/bin/time -f "%e %M" -o "$run_dir/export-$1.time" \
            taskset -c "$SERVER_CORE" "$OPENLINES" export --db "$2" 2>"$run_dir/export-$1.log" |
            wc -l >"$run_dir/export-$1.lines"
        local secs rss lines
        read -r secs rss <"$run_dir/export-$1.time"
        lines=$(cat "$run_dir/export-$1.lines")
        echo "export $1: records=$lines wall_s=$secs records_per_s=$(python3 -c "print(round($lines/$secs))") peak_rss_mib=$((rss / 1024))" | tee -a "$bulk" >&2
    }
    size=${BULK_SIZE:-1m}
    export_rate "sqlite-$size" "$(sqlite_db "$size")"
    export_rate "pg-$size" "$(pg_db "$size")"
    scratch=$run_dir/import-scratch.db
    timed_import "$(fixture "$size")" "$scratch" "$run_dir/import-sqlite-$size"
    echo "import sqlite-$size: $(cat "$run_dir/import-sqlite-$size")" >>"$bulk"
    rm -f "$scratch" "$scratch-wal" "$scratch-shm"
    scratch_schema=${pg_schema_prefix}_scratch
    psql -q "$PG_ADMIN_URL" -c "DROP SCHEMA IF EXISTS $scratch_schema CASCADE" -c "CREATE SCHEMA $scratch_schema" >/dev/null 2>&1
    timed_import "$(fixture "$size")" "$(pg_url_of "$scratch_schema")" "$run_dir/import-pg-$size"
    echo "import pg-$size: $(cat "$run_dir/import-pg-$size")" >>"$bulk"
    psql -q "$PG_ADMIN_URL" -c "DROP SCHEMA $scratch_schema CASCADE" >/dev/null 2>&1
fi

# ---- the tables -------------------------------------------------------------------------------
echo
cat "$run_dir/machine.txt"
python3 "$here/compare_table.py" "$results" "$starts" "$data_dir" "${bulk:-}"
echo
echo "raw results: $results"
