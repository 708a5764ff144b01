#!/usr/bin/env bash
# Instructions per chat.get call, counted by callgrind: a figure that does not move with the
# machine's load, so a change can be measured while other work shares the cores (req/s cannot).
# BENCHMARKS.md §10 has the figures this gave.
#
#   bench/instructions.sh BINARY DB                 # admin webhook, any deal
#   bench/instructions.sh BINARY DB dept            # user 2, department-level rights
#   bench/instructions.sh CEILING -                 # bench/ceiling's fixed answer
#
# BINARY is `openlines` (or `openlines-ceiling` when DB is `-`), DB a database made by
# bench/compare.sh (e.g. ~/.cache/openlines-bench/data-*/sqlite-1m.db). The server runs under
# valgrind; CALLS (2000) chat.get calls are sent on one kept-alive connection after 300 unmeasured
# ones, and the count covers only them: parsing, auth, the reads, the answer, the journal,
# hyper and Tokio. Kernel time (socket reads and writes, SQLite's file locks) is not counted.
# Needs valgrind (callgrind_control, callgrind_annotate), curl and python3.
set -euo pipefail
bin=$1
db=$2
workload=${3:-admin}
calls=${CALLS:-2000}
case $workload in
admin) prefix=/rest/1/bench0123456789ab stride=1 ;;
dept) prefix=/rest/2/benchdept0123456 stride=20 ;; # gen_fixture.py's department count
*) echo "workload: admin or dept" >&2; exit 2 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
if [ "$db" = - ]; then
    args=(--listen "127.0.0.1:$port")
else
    args=(serve --db "$db" --listen "127.0.0.1:$port" --no-rate-limit --no-operating-limit)
fi
valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" "$bin" "${args[@]}" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 200); do curl -s -o /dev/null "127.0.0.1:$port/healthz" && break; sleep 0.5; done

# The deals that exist (gen_fixture.py writes deals 1..chats/10), so that a smaller database is
# asked for its own deals and not mostly for missing ones; the ceiling ignores the deal.
max_deal=100000
if [ "$db" != - ]; then
    max_deal=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute(
    "SELECT MAX(id) FROM crm_records WHERE entity_type = '"'"'deal'"'"'").fetchone()[0] or 1)' "$db")
fi

send() { # COUNT: chat.get calls of random deals on one connection; fails on any non-200
    python3 - "$port" "$1" "$prefix" "$stride" "$max_deal" <<'PY'
import http.client, random, sys
port, count, prefix, stride, max_deal = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                                         int(sys.argv[4]), int(sys.argv[5]))
random.seed(7)
connection = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(count):
    deal = 1 + stride * random.randint(0, (max_deal - 1) // stride)
    connection.request("POST", prefix + "/imopenlines.crm.chat.get",
                       f"CRM_ENTITY_TYPE=deal&CRM_ENTITY={deal}&ACTIVE_ONLY=N",
                       {"Content-Type": "application/x-www-form-urlencoded"})
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        sys.exit(f"status {answer.status} for deal {deal}")
PY
}
send 300
callgrind_control -z "$pid" >/dev/null
send "$calls"
callgrind_control -d "$pid" >/dev/null
kill "$pid"
wait "$pid" 2>/dev/null || true
total=$(callgrind_annotate "$work/cg.$pid.1" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')
echo "instructions per call: $((total / calls)) ($workload, $calls calls, $(basename "$bin"))"
if [ -n "${KEEP:-}" ]; then cp "$work/cg.$pid.1" "$KEEP" && echo "profile: $KEEP"; fi
