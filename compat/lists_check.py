"""The Python libraries' list helpers and b24pysdk's OAuth-host calls, unchanged.

usage: python lists_check.py https://127.0.0.1:18443/rest/1/demo0123456789ab/ [OAUTH_PORT]

Needs the demo data plus the 1,000 deals of `compat/deals_1000.py` (ids 20001-21000), and a
server started with `--tls-self-signed --oauth-host oauth.bitrix24.tech` (REQUESTS_CA_BUNDLE
and SSL_CERT_FILE pointing at its CA). Neither library is patched:
- the list helpers (b24pysdk `as_list`, `as_list_fast`, `call_list`, `call_list_fast`;
  fast-bitrix24 `get_all`) must each return the 1,000 deals, each exactly once;
- b24pysdk refreshes at https://oauth.bitrix24.tech/oauth/token/ and reads
  https://oauth.bitrix24.tech/rest/app.info/, fixed in the library. The "resolver entry" is
  this process's: `socket.getaddrinfo` maps that one name to 127.0.0.1:OAUTH_PORT (the server's
  HTTPS port unless given), as an /etc/hosts line would (plus the port, so no root is needed).
"""
import os
import socket
import sys

from _common import check, finish, parse_webhook

SCHEME, DOMAIN, TOKEN, REST = parse_webhook(sys.argv[1])
OAUTH_HOST = "oauth.bitrix24.tech"
OAUTH_PORT = int(sys.argv[2]) if len(sys.argv) > 2 else int(DOMAIN.rsplit(":", 1)[1])
EXPECTED = list(range(20001, 21001))
MINE = {">=ID": 20001}

_real_getaddrinfo = socket.getaddrinfo


def _resolve(host, port, *args, **kwargs):
    if host == OAUTH_HOST:
        return _real_getaddrinfo("127.0.0.1", OAUTH_PORT, *args, **kwargs)
    return _real_getaddrinfo(host, port, *args, **kwargs)


socket.getaddrinfo = _resolve

from b24pysdk import BitrixApp, BitrixToken, BitrixWebhook, Client  # noqa: E402
from fast_bitrix24 import Bitrix  # noqa: E402

hook = BitrixWebhook(domain=DOMAIN, webhook_token=TOKEN)
client = Client(hook)


def each_once(rows, key="ID"):
    ids = [int(row[key]) for row in rows]
    assert len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} duplicates"
    assert sorted(ids) == EXPECTED, f"{len(ids)} ids, first {sorted(ids)[:3]}, last {sorted(ids)[-3:]}"
    return f"{len(ids)} deals, each once"


@check("b24pysdk crm.deal.list(...).as_list()")
def _():
    return each_once(client.crm.deal.list(filter=MINE, select=["ID", "TITLE"]).as_list().result)


@check("b24pysdk crm.deal.list(...).as_list_fast()")
def _():
    return each_once(list(client.crm.deal.list(filter=MINE, select=["ID"]).as_list_fast().result))


@check("b24pysdk crm.deal.list(...).as_list_fast(descending=True)")
def _():
    return each_once(list(client.crm.deal.list(filter=MINE, select=["ID"]).as_list_fast(descending=True).result))


@check("b24pysdk token.call_list('crm.deal.list')")
def _():
    return each_once(hook.call_list("crm.deal.list", {"filter": MINE, "select": ["ID"]})["result"])


@check("b24pysdk token.call_list_fast('crm.deal.list')")
def _():
    return each_once(list(hook.call_list_fast("crm.deal.list", {"filter": MINE, "select": ["ID"]})["result"]))


@check("b24pysdk crm.item.list(entity_type_id=2).as_list_fast()")
def _():
    rows = list(client.crm.item.list(entity_type_id=2, filter={">=id": 20001}, select=["id"]).as_list_fast().result)
    return each_once(rows, key="id")


@check("fast-bitrix24 get_all('crm.deal.list')")
def _():
    return each_once(Bitrix(sys.argv[1], verbose=False).get_all("crm.deal.list", {"filter": MINE, "select": ["ID"]}))


# The demo app and its refresh token (printed by `serve --demo`); spent by the first check.
APP = BitrixApp(client_id="local.demo0000000000.00000000",
                client_secret="demoClientSecret0123456789abcdefghijklmnopqrstuv")
token = BitrixToken(domain=DOMAIN, auth_token="demo-expired-token",
                    refresh_token=os.environ.get("OL_REFRESH_TOKEN", "demo-refresh-token"), bitrix_app=APP)


@check("b24pysdk refresh at https://oauth.bitrix24.tech/oauth/token/ (expired token, then retry)")
def _():
    deals = Client(token).crm.deal.list(filter={"ID": 288}, select=["ID"]).result
    assert [d["ID"] for d in deals] == ["288"], deals
    assert token.auth_token != "demo-expired-token"
    return "refreshed"


@check("b24pysdk token.get_app_info() at https://oauth.bitrix24.tech/rest/app.info/")
def _():
    info = token.get_app_info().result
    assert info.client_id == APP.client_id and info.user_id == 1, info
    assert "crm" in info.scope and info.install.installed, info
    return f"client_id {info.client_id}, scope {','.join(info.scope)}, expires {info.expires.isoformat()}"


finish()
