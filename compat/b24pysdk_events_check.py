"""b24pysdk (pinned 1.3.2) parses openlines' event deliveries unchanged.

usage: python b24pysdk_events_check.py http://127.0.0.1:18181/rest/1/demo0123456789ab/
Needs the demo data (`openlines serve --demo`): the demo application's token
`demo-access-token` binds the handler. Exits 1 if any check FAILs.

The script starts its own event handler on a loopback port, binds it with `event.bind`, makes
a write through the webhook, and waits for openlines' delivery task to POST the event (the
server polls every 250 ms; no admin token is needed). The body is handed, as a web framework
would hand it (`parse_qsl`, flat `auth[domain]` keys), to b24pysdk's own event parser
`b24pysdk.credentials.OAuthEventData.from_dict`, which is what an application built on the
SDK calls in its handler.

Outgoing webhooks deliver without an access token (a "system" event in b24pysdk's words). That
check needs the command line on the server's database, so it runs only when
OL_OPENLINES (the binary) and OL_DB (its --db) are set; otherwise it is PENDING.
"""
import http.server
import os
import queue
import subprocess
import sys
import threading
from urllib.parse import parse_qsl

import requests
from b24pysdk.credentials import OAuthEventData

from _common import check, finish, parse_webhook

SCHEME, DOMAIN, _TOKEN, REST = parse_webhook(sys.argv[1])
HOOK = sys.argv[1].rstrip("/") + "/"
APP_TOKEN = "demo-access-token"
WAIT = 30  # seconds for a delivery to arrive: a guard against a hang, not a measurement
VERIFY = os.environ.get("REQUESTS_CA_BUNDLE", True)

received = queue.Queue()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the stdlib's name
        length = int(self.headers.get("Content-Length", 0))
        received.put((self.headers.get("Content-Type"), self.rfile.read(length).decode()))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
HANDLER = f"http://127.0.0.1:{server.server_address[1]}/events"


def call(method, params, token=None):
    url = f"{REST}{method}" if token else f"{HOOK}{method}"
    body = dict(params, auth=token) if token else params
    answer = requests.post(url, json=body, timeout=10, verify=VERIFY).json()
    if "error" in answer:
        raise AssertionError(f"{method}: {answer}")
    return answer["result"]


def next_delivery(event):
    """The next delivery of `event` (earlier ones of other events are skipped)."""
    while True:
        content_type, body = received.get(timeout=WAIT)
        fields = dict(parse_qsl(body, keep_blank_values=True))
        if fields.get("event") == event:
            return content_type, fields


def bind(event):
    try:
        call("event.bind", {"event": event, "handler": HANDLER}, APP_TOKEN)
    except AssertionError as error:
        if "already binded" not in str(error):
            raise


bind("ONCRMDEALADD")


@check("OAuthEventData.from_dict: an application's ONCRMDEALADD, token usable")
def application_event():
    deal = call("crm.deal.add", {"fields": {"TITLE": "b24pysdk event"}})
    content_type, fields = next_delivery("ONCRMDEALADD")
    assert content_type == "application/x-www-form-urlencoded", content_type
    event = OAuthEventData.from_dict(fields)
    assert event.event == "ONCRMDEALADD", event.event
    assert event.data == {"FIELDS": {"ID": str(deal)}}, event.data
    assert event.event_handler_id > 0 and event.ts.timestamp() > 0
    auth = event.auth
    assert not event.is_system, "an application's delivery carries a token"
    assert auth.domain == DOMAIN, auth.domain
    assert auth.client_endpoint == REST, auth.client_endpoint
    assert auth.scope == ["crm"] and auth.status.value == "L", (auth.scope, auth.status)
    assert auth.application_token and auth.user_id == 1, auth
    assert auth.oauth_token.expires_in == 3600, auth.oauth_token
    # The SDK's token is a real one: call back with it.
    profile = call("profile", {}, auth.oauth_token.access_token)
    assert profile["ID"] == "1", profile
    return f"deal {deal}, expires {auth.oauth_token.expires.isoformat()}"


OPENLINES, DB = os.environ.get("OL_OPENLINES"), os.environ.get("OL_DB")


@check("OAuthEventData.from_dict: an outgoing webhook's ONCRMDEALUPDATE (no token)",
       pending=None if OPENLINES and DB else "set OL_OPENLINES and OL_DB")
def outgoing_webhook_event():
    if not (OPENLINES and DB):
        raise RuntimeError("OL_OPENLINES / OL_DB not set")
    made = subprocess.run(
        [OPENLINES, "webhook", "outgoing", "add", "--handler", HANDLER,
         "--event", "ONCRMDEALUPDATE", "--db", DB],
        capture_output=True, text=True, check=True)
    token = made.stdout.strip()
    webhook_id = made.stderr.split()[2]
    try:
        call("crm.deal.update", {"id": 288, "fields": {"TITLE": "seen by a webhook"}})
        _, fields = next_delivery("ONCRMDEALUPDATE")
        event = OAuthEventData.from_dict(fields)
        assert event.is_system and event.auth.oauth_token is None, event.auth
        assert event.auth.application_token == token, "the token printed at add"
        assert event.data == {"FIELDS": {"ID": "288"}}, event.data
        return f"webhook {webhook_id}"
    finally:
        subprocess.run([OPENLINES, "webhook", "outgoing", "delete", webhook_id, "--db", DB],
                       capture_output=True, check=False)


call("event.unbind", {"event": "ONCRMDEALADD", "handler": HANDLER}, APP_TOKEN)
server.shutdown()
finish()
