#!/usr/bin/env bash
# Section 1, export: time `openlines export` of the database bench/import.sh loaded.
#
#   bench/export.sh sqlite     # $SQLITE_DB (bench/import.sh single sqlite 1000000 fills it)
#   bench/export.sh postgres   # schema $PG_SCHEMA (bench/import.sh single postgres 1000000)
#
# The export goes to $BENCH_DIR/export-BACKEND.jsonl under /usr/bin/time; the script prints
# wall time, records/s and peak RSS.
set -euo pipefail
source "$(dirname "$0")/common.sh"
backend=${1:?sqlite or postgres}
case $backend in
sqlite) db=$SQLITE_DB ;;
postgres) db=$PG_URL ;;
*) echo "backend: sqlite or postgres" >&2; exit 2 ;;
esac
out=$BENCH_DIR/export-$backend.jsonl
log=$BENCH_DIR/export-$backend.log
/usr/bin/time -f "%e %M" -o "$log.time" "$OPENLINES" export --db "$db" >"$out" 2>"$log" || { tail "$log"; exit 1; }
read -r secs rss <"$log.time"
records=$(wc -l <"$out")
echo "backend=$backend records=$records wall=${secs}s records/s=$(python3 -c "print(round($records/$secs))") peak_rss=$((rss / 1024))MiB size=$(du -m "$out" | cut -f1)MiB"
