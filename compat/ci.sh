#!/usr/bin/env bash
# CI's run of the real client libraries (compat/run.sh) against a fresh demo server: curl,
# fast-bitrix24, b24pysdk, @bitrix24/b24jssdk, and b24pysdk's parsing of openlines' event
# deliveries (outgoing webhook included). Needs python3 (venv), node and npm; the clients are
# installed into ${TMPDIR:-/tmp}/openlines-compat, never into the repository.
#
#   bash compat/ci.sh PATH/TO/openlines
set -euo pipefail
openlines=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$openlines" serve --demo --db "$work/compat.db" --data-dir "$work" --listen "127.0.0.1:$port" \
  --no-rate-limit >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null -d 'CRM_ENTITY_TYPE=deal&CRM_ENTITY=288' \
    "http://127.0.0.1:$port/rest/1/demo0123456789ab/imopenlines.crm.chat.get" 2>/dev/null && break
  sleep 0.1
done
OL_OPENLINES=$openlines OL_DB=$work/compat.db \
  bash "$here/run.sh" "http://127.0.0.1:$port/rest/1/demo0123456789ab/"
