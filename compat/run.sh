#!/usr/bin/env bash
# Runs the real Bitrix24 client libraries against an openlines server that is ALREADY running
# with the demo data (`openlines serve --demo ...`). Starts nothing; installs the pinned
# clients into scratch dirs under ${TMPDIR:-/tmp}/openlines-compat (reused on later runs).
#
#   bash compat/run.sh [WEBHOOK_URL]      default http://127.0.0.1:18181/rest/1/demo0123456789ab/
#
# Optional environment:
#   COMPAT_CA_FILE=cert.pem        trust a self-signed server certificate (https:// URLs)
#   COMPAT_LISTS=1                 also run the list helpers over 1,000 deals and b24pysdk's
#                                  OAuth-host refresh/app.info (README: "List helpers")
#   OL_OAUTH_APP_PY / OL_OAUTH_APP_JS = client_id:client_secret:refresh_token
#                                  two apps from `openlines app add` (a refresh token is spent
#                                  per run); without them the token-refresh checks are PENDING
#   OL_OPENLINES=path/to/openlines OL_DB=the server's --db
#                                  lets b24pysdk_events_check.py make an outgoing webhook
#                                  (otherwise that one check is PENDING)
set -u
export PYTHONDONTWRITEBYTECODE=1
URL=${1:-http://127.0.0.1:18181/rest/1/demo0123456789ab/}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${TMPDIR:-/tmp}/openlines-compat
FAST_BITRIX24=1.8.14 B24PYSDK=1.3.2 B24JSSDK=2.2.0
mkdir -p "$WORK/node"

if [ ! -x "$WORK/venv/bin/python" ]; then python3 -m venv "$WORK/venv" || exit 2; fi
"$WORK/venv/bin/pip" install -q "fast-bitrix24==$FAST_BITRIX24" "b24pysdk==$B24PYSDK" || exit 2
(cd "$WORK/node" && { [ -f package.json ] || npm init -y >/dev/null; } &&
  npm install --silent --no-audit --no-fund "@bitrix24/b24jssdk@$B24JSSDK") || exit 2
cp "$HERE/b24jssdk_check.mjs" "$HERE/b24jssdk_lists_check.mjs" "$WORK/node/"   # ESM resolves packages next to the script

if [ -n "${COMPAT_CA_FILE:-}" ]; then
  export SSL_CERT_FILE=$COMPAT_CA_FILE REQUESTS_CA_BUNDLE=$COMPAT_CA_FILE NODE_EXTRA_CA_CERTS=$COMPAT_CA_FILE
fi

declare -A RC
echo "=== curl: the method page's three calls"
ORIGIN=${URL%%/rest/*}
curl_ok() { curl -sS --max-time 10 ${COMPAT_CA_FILE:+--cacert "$COMPAT_CA_FILE"} "$@" | grep -q '"CHAT_ID":"9852"'; }
RC[curl]=0
curl_ok -H 'Content-Type: application/json' -H 'Accept: application/json' \
  -d '{"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288,"ACTIVE_ONLY":"N"}' "${URL%/}/imopenlines.crm.chat.get" || RC[curl]=1
curl_ok -H 'Content-Type: application/json' -H 'Accept: application/json' \
  -d '{"CRM_ENTITY_TYPE":"deal","CRM_ENTITY":288,"ACTIVE_ONLY":"N","auth":"demo-access-token"}' \
  "$ORIGIN/rest/imopenlines.crm.chat.get" || RC[curl]=1
curl_ok -d 'CRM_ENTITY_TYPE=deal&CRM_ENTITY=288&ACTIVE_ONLY=N' "${URL%/}/imopenlines.crm.chat.get.json" || RC[curl]=1
[ "${RC[curl]}" = 0 ] && echo "PASS    JSON webhook, JSON+auth (OAuth), form-encoded" || echo "FAIL    one of the curl calls"

echo; echo "=== fast-bitrix24 $FAST_BITRIX24"
(cd "$HERE" && "$WORK/venv/bin/python" fast_bitrix24_check.py "$URL"); RC[fast_bitrix24]=$?
echo; echo "=== b24pysdk $B24PYSDK"
(cd "$HERE" && OL_OAUTH_APP=${OL_OAUTH_APP_PY:-} "$WORK/venv/bin/python" b24pysdk_check.py "$URL"); RC[b24pysdk]=$?
echo; echo "=== @bitrix24/b24jssdk $B24JSSDK (node $(node --version))"
(cd "$WORK/node" && OL_OAUTH_APP=${OL_OAUTH_APP_JS:-} node b24jssdk_check.mjs "$URL"); RC[b24jssdk]=$?

echo; echo "=== b24pysdk $B24PYSDK: parsing openlines' event deliveries"
(cd "$HERE" && "$WORK/venv/bin/python" b24pysdk_events_check.py "$URL"); RC[b24pysdk_events]=$?

KEYS="curl fast_bitrix24 b24pysdk b24jssdk b24pysdk_events"
if [ "${COMPAT_LISTS:-0}" = 1 ]; then
  echo; echo "=== list helpers (1,000 deals) and b24pysdk through --oauth-host"
  (cd "$HERE" && "$WORK/venv/bin/python" lists_check.py "$URL"); RC[lists_py]=$?
  (cd "$WORK/node" && node b24jssdk_lists_check.mjs "$URL"); RC[lists_js]=$?
  KEYS="$KEYS lists_py lists_js"
fi

echo; status=0
for k in $KEYS; do
  [ "${RC[$k]}" = 0 ] && echo "ok      $k" || { echo "FAILED  $k (exit ${RC[$k]})"; status=1; }
done
exit $status
