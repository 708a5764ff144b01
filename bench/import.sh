#!/usr/bin/env bash
# Figure 1 (and the PostgreSQL import of figure 3): time `openlines import`.
#
#   bench/import.sh single sqlite 20000          # one file, chat shorthand, N chats
#   bench/import.sh chunked sqlite 1000000 2000  # head file, then N chats in files of CHUNK
#   bench/import.sh chunked postgres 1000000 2000
#
# `single` is the plain `openlines import bench.jsonl` of the whole fixture, under
# /usr/bin/time -v. `chunked` was the workaround while single-file import was quadratic (fixed
# since; see BENCHMARKS.md), kept for comparison: it imports the user/webhook/CRM records as one file,
# then the chats in canonical form (chat + session lines, --form sessions) CHUNK at a time,
# each chunk one `openlines import -` process (each chunk is its own all-or-nothing
# transaction), and reports the summed wall time and the largest peak RSS of any import.
#
# SQLite goes to $BENCH_DIR/bench-N.db (bench.db for 1M); PostgreSQL to schema $PG_SCHEMA of
# $PG_ADMIN_URL, dropped and re-created first.
set -euo pipefail
source "$(dirname "$0")/common.sh"
mode=${1:?single or chunked}
backend=${2:?sqlite or postgres}
n=${3:-1000000}
chunk=${4:-2000}
gen=(python3 "$BENCH_SRC/gen_fixture.py" "$n")

case $backend in
sqlite)
    if [ "$n" = 1000000 ]; then db=$SQLITE_DB; else db=$BENCH_DIR/bench-$n.db; fi
    rm -f "$db" "$db-wal" "$db-shm"
    ;;
postgres)
    psql -q "$PG_ADMIN_URL" -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" -c "CREATE SCHEMA $PG_SCHEMA"
    db=$PG_URL
    ;;
*) echo "backend: sqlite or postgres" >&2; exit 2 ;;
esac

db_size() {
    case $backend in
    sqlite) echo "db size: $(du -m "$db" | cut -f1) MiB (file after the last import closed)" ;;
    postgres) psql -qAt "$PG_ADMIN_URL" -c "SELECT 'db size: ' || pg_size_pretty(sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)))) FROM pg_tables WHERE schemaname = '$PG_SCHEMA'" ;;
    esac
}

log=$BENCH_DIR/import-$mode-$backend-$n.log
: >"$log"
if [ "$mode" = single ]; then
    fixture=$BENCH_DIR/bench-$n.jsonl
    [ -s "$fixture" ] || { "${gen[@]}" >"$fixture.tmp" && mv "$fixture.tmp" "$fixture"; }
    lines=$(wc -l <"$fixture")
    /usr/bin/time -v "$OPENLINES" import "$fixture" --db "$db" 2>"$log" || { tail "$log"; exit 1; }
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    secs=$(python3 -c 'import sys; p=sys.argv[1].split(":"); print(sum(float(x)*60**i for i,x in enumerate(reversed(p))))' "$wall")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    grep -E '^imported' "$log"
    echo "mode=single backend=$backend chats=$n lines=$lines wall=${secs}s lines/s=$(python3 -c "print(round($lines/$secs))") peak_rss=$((rss / 1024))MiB"
    db_size
    exit 0
fi

# chunked: each import prints "wall_s max_rss_kib lines" on its own line of $log.
timed_import() { /usr/bin/time -f "%e %M" -a -o "$log" "$OPENLINES" import - --db "$db" 2>>"$log.stderr"; }
started=$(date +%s.%N)
"${gen[@]}" --part head | timed_import
for ((first = 1; first <= n; first += chunk)); do
    "${gen[@]}" --part chats --from "$first" --to $((first + chunk - 1)) --form sessions | timed_import
done
ended=$(date +%s.%N)
grep -c '^imported' "$log.stderr" >/dev/null
lines=$(awk '/^imported/ {s += $2} END {print s}' "$log.stderr")
python3 - "$log" "$started" "$ended" "$lines" "$n" "$chunk" "$backend" <<'PY'
import sys
log, started, ended, lines, n, chunk, backend = sys.argv[1:]
rows = [tuple(map(float, l.split())) for l in open(log) if l.strip()]
head, chats = rows[0], rows[1:]
walls = [r[0] for r in rows]
total = float(ended) - float(started)
print(f"mode=chunked backend={backend} chats={n} chunk={chunk} imports={len(rows)} lines={lines}")
print(f"  head (users, webhook, CRM records): {head[0]:.1f} s, peak RSS {head[1]/1024:.0f} MiB")
print(f"  chat chunks: first {chats[0][0]:.2f} s, last {chats[-1][0]:.2f} s, sum {sum(r[0] for r in chats):.1f} s")
print(f"  sum of import wall times {sum(walls):.1f} s ({int(lines)/sum(walls):.0f} lines/s); "
      f"script wall {total:.1f} s; largest peak RSS {max(r[1] for r in rows)/1024:.0f} MiB")
PY
echo "  slow-statement warnings in the imports' logs: $(grep -c 'slow statement' "$log.stderr" || true)"
db_size
