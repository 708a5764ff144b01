#!/usr/bin/env bash
# Figures 2 and 3: imopenlines.crm.chat.get under wrk (2 threads, 64 connections, 30 s by
# default) against one server configuration, then the server's VmRSS after the run.
#
#   bench/throughput.sh sqlite            # one instance on $SQLITE_DB, limits off
#   bench/throughput.sh pg                # one instance on PostgreSQL, limits off
#   bench/throughput.sh pg-two            # two instances on PostgreSQL, limits off; two wrk
#                                         # processes of 32 connections, one per port
#   bench/throughput.sh pg-two-redis      # the same, rate limit on (burst 1e12) in shared Redis
#   bench/throughput.sh pg-limit-memory   # one PG instance, rate limit on (burst 1e12), in memory
#   bench/throughput.sh pg-limit-redis    # the same with the limiter state in Redis
#
# SECONDS_PER_RUN (30) and CONNECTIONS (64) may be overridden. Raw wrk output goes to
# $BENCH_DIR/wrk-<config>*.txt; a summary line is printed.
set -euo pipefail
source "$(dirname "$0")/common.sh"
config=${1:?configuration}
seconds=${SECONDS_PER_RUN:-30}
connections=${CONNECTIONS:-64}
port=18900
no_limits=(--no-rate-limit --no-operating-limit)
# Rate limit on but never refusing: a bucket of 1e12 requests. The operating-time limit stays
# off so that only the request-intensity limiter differs between the two runs.
huge_bucket=(--rate-limit-burst 1e12 --rate-limit-per-second 1e12 --no-operating-limit)
redis_prefix="openlines-bench-$$:"

case $config in
sqlite) start_server $port --db "$SQLITE_DB" "${no_limits[@]}"; ports=($port) ;;
pg) start_server $port --db "$PG_URL" "${no_limits[@]}"; ports=($port) ;;
pg-two)
    start_server $port --db "$PG_URL" "${no_limits[@]}"
    start_server $((port + 1)) --db "$PG_URL" "${no_limits[@]}"
    ports=($port $((port + 1)))
    ;;
pg-two-redis)
    # With both limits off the limiter never touches Redis, so the shared state is measured
    # with the rate limit on (a bucket that never refuses).
    start_server $port --db "$PG_URL" "${huge_bucket[@]}" --redis "$REDIS_URL" --redis-prefix "$redis_prefix"
    start_server $((port + 1)) --db "$PG_URL" "${huge_bucket[@]}" --redis "$REDIS_URL" --redis-prefix "$redis_prefix"
    ports=($port $((port + 1)))
    ;;
pg-limit-memory) start_server $port --db "$PG_URL" "${huge_bucket[@]}"; ports=($port) ;;
pg-limit-redis)
    start_server $port --db "$PG_URL" "${huge_bucket[@]}" --redis "$REDIS_URL" --redis-prefix "$redis_prefix"
    ports=($port)
    ;;
*) echo "unknown configuration $config" >&2; exit 2 ;;
esac

for p in "${ports[@]}"; do check_answer "$p"; done
for i in "${!ports[@]}"; do echo "pid ${SERVER_PIDS[$i]} VmRSS before: $(rss_kib "${SERVER_PIDS[$i]}") KiB"; done

redis_commands() { redis-cli -u "$REDIS_URL" info stats | awk -F: '/^total_commands_processed/ {print $2+0}'; }
redis_before=$(redis_commands)

per_port=$((connections / ${#ports[@]}))
threads=$((2 / ${#ports[@]}))
wrk_pids=()
for p in "${ports[@]}"; do
    run_wrk "$p" "$per_port" "$seconds" "$threads" >"$BENCH_DIR/wrk-$config-$p.txt" &
    wrk_pids+=($!)
done
for pid in "${wrk_pids[@]}"; do wait "$pid"; done

for i in "${!ports[@]}"; do echo "pid ${SERVER_PIDS[$i]} VmRSS after: $(rss_kib "${SERVER_PIDS[$i]}") KiB"; done
for p in "${ports[@]}"; do
    echo "--- wrk against port $p"
    grep -E 'Requests/sec|Non-2xx|Socket errors|statuses:|p50_us|requests in|Latency  ' "$BENCH_DIR/wrk-$config-$p.txt"
done
python3 - "$config" "$BENCH_DIR" "${ports[@]}" <<'PY'
import re, sys
config, bench_dir, ports = sys.argv[1], sys.argv[2], sys.argv[3:]
rps = 0.0; p50 = []; p99 = []
for p in ports:
    text = open(f"{bench_dir}/wrk-{config}-{p}.txt").read()
    m = re.search(r"p50_us=(\d+) p99_us=(\d+) rps=([\d.]+)", text)
    p50.append(int(m[1]) / 1000); p99.append(int(m[2]) / 1000); rps += float(m[3])
print(f"SUMMARY config={config} requests/s={rps:.0f} p50_ms={'/'.join(f'{x:.2f}' for x in p50)} "
      f"p99_ms={'/'.join(f'{x:.2f}' for x in p99)}")
PY
redis_after=$(redis_commands)
total_requests=$(for p in "${ports[@]}"; do cat "$BENCH_DIR/wrk-$config-$p.txt"; done | awk '/requests in/ {s += $1} END {print s}')
echo "Redis commands processed during the run: $((redis_after - redis_before)) for $total_requests requests (all Redis clients of the machine)"
case $config in *redis*) redis-cli -u "$REDIS_URL" --scan --pattern "$redis_prefix*" | head -1000 | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null ;; esac
for p in "${ports[@]}"; do
    echo "warn/error lines in the log of the server on $p: $(grep -ciE ' (warn|error) ' "$BENCH_DIR/server-$p.log" || true)"
done
