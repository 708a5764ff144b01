#!/usr/bin/env bash
# Does the server's memory keep growing under load? One server, RUNS (4) back-to-back wrk runs
# of 20 s (64 connections), VmRSS after each.
#
#   bench/memory.sh sqlite [DB_MAX_CONNECTIONS]   # or: bench/memory.sh pg
set -euo pipefail
source "$(dirname "$0")/common.sh"
backend=${1:-sqlite}
max_connections=${2:-16}
port=18900
case $backend in
sqlite) db=$SQLITE_DB ;;
pg) db=$PG_URL ;;
esac
start_server $port --db "$db" --db-max-connections "$max_connections" --no-rate-limit --no-operating-limit
check_answer $port
pid=${SERVER_PIDS[0]}
echo "backend=$backend db-max-connections=$max_connections VmRSS at start: $(rss_kib "$pid") KiB"
for run in $(seq 1 "${RUNS:-4}"); do
    rps=$(run_wrk $port 64 20 | awk '/Requests\/sec/ {print $2}')
    echo "after run $run (${rps} requests/s): VmRSS $(rss_kib "$pid") KiB"
done
