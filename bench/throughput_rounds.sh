#!/usr/bin/env bash
# Figures 2 and 3 together: ROUNDS (3) interleaved rounds of every configuration of
# bench/throughput.sh, so that the shared machine's background load spreads over all of them;
# prints every SUMMARY line (take the median per configuration).
#
#   bench/throughput_rounds.sh [config ...]
set -uo pipefail
here=$(dirname "$0")
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(sqlite pg pg-two pg-two-redis pg-limit-memory pg-limit-redis)
for round in $(seq 1 "${ROUNDS:-3}"); do
    for config in "${configs[@]}"; do
        echo "=== round $round $config $(date -u +%FT%TZ) load:$(cut -d' ' -f1-3 /proc/loadavg)"
        "$here/throughput.sh" "$config" 2>&1 | grep -E 'SUMMARY|VmRSS after|statuses|Non-2xx|Socket errors|Redis commands|warn/error'
    done
done
