"""b24pysdk (pinned 1.3.2) against an openlines demo server.

usage: python b24pysdk_check.py http://127.0.0.1:18181/rest/1/demo0123456789ab/
Needs the demo data (`openlines serve --demo`). Exits 1 if any check FAILs.

b24pysdk always builds `https://{domain}/rest/...` (b24pysdk/api/callers/call_method.py:66,
`_MethodCaller._base_url`) and refreshes OAuth tokens only at the hard-coded
`https://oauth.bitrix24.tech/oauth/token/` (api/requesters/bitrix_oauth_requester.py:27-28).
For an http:// URL this script patches `_base_url` to keep the URL's scheme, and always
points `_OAUTH_TOKEN_URL` at the server under test. For https:// nothing else is patched
(a self-signed certificate: export REQUESTS_CA_BUNDLE=cert.pem).
"""
import importlib
import os
import sys

from b24pysdk import BitrixApp, BitrixToken, BitrixWebhook, Client, errors
from b24pysdk.api.requesters.bitrix_oauth_requester import BitrixOAuthRequester
from b24pysdk.api.responses.bitrix_time_response import BitrixTimeResponse

from _common import chat_ids, check, check_time, finish, parse_webhook

SCHEME, DOMAIN, TOKEN, REST = parse_webhook(sys.argv[1])
if SCHEME == "http":
    call_method = importlib.import_module("b24pysdk.api.callers.call_method")
    call_method._MethodCaller._base_url = property(lambda self: f"http://{self._domain}/rest")
    print("NOTE: b24pysdk is https-only; patched _MethodCaller._base_url to use http")
BitrixOAuthRequester._OAUTH_TOKEN_URL = f"{SCHEME}://{DOMAIN}/oauth/token/"

hook = BitrixWebhook(domain=DOMAIN, webhook_token=TOKEN)
c = Client(hook)
chat = c.imopenlines.crm.chat


def raises(exc_class, fn):
    try:
        fn()
    except exc_class as e:
        return f"{type(e).__name__}: {e}"
    raise AssertionError(f"expected {exc_class.__name__}")


@check("wrapped imopenlines.crm.chat.get + .time parsed")
def _():
    r = chat.get("deal", 288, active_only=False)
    assert chat_ids(r.result) == ["9852"], r.result
    assert isinstance(r.time, BitrixTimeResponse) and r.time.date_start.tzinfo, r.time
    assert r.time.operating_reset_at is not None and r.time.operating is not None, r.time


@check("chat.get lead 1205, active only (default) vs ACTIVE_ONLY=N")
def _():
    assert chat_ids(chat.get("lead", 1205).result) == ["1763"]
    assert chat_ids(chat.get("lead", 1205, active_only=False).result) == ["1763", "1800"]


@check("token.call_method (URL ends in .json) + raw time block types")
def _():
    r = hook.call_method("imopenlines.crm.chat.get", {"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 288})
    assert chat_ids(r["result"]) == ["9852"]
    check_time(r["time"])


@check("server.time / profile / scope / method.get / app.info / user.current / feature.get")
def _():
    assert c.server.time().value.tzinfo is not None
    assert c.profile().result["ID"] == "1"
    assert "imopenlines" in c.scope().result
    assert c.method.get("imopenlines.crm.chat.get").result == {"isExisting": True, "isAvailable": True}
    assert "SCOPE" in c.app.info().result
    assert c.user.current().result["ID"] == "1"
    assert c.feature.get("rest_offline_extended").result["value"] in ("Y", "N")


@check("client.call_batch (mapping): result + result_time parsed per command")
def _():
    r = c.call_batch({"a": chat.get("deal", 288, active_only=False), "b": c.server.time()}).result
    assert chat_ids(r.result["a"]) == ["9852"] and isinstance(r.result["b"], str), r.result
    assert isinstance(r.result_time["a"], BitrixTimeResponse), r.result_time
    assert r.result_error == [] and r.result_total == [] and r.result_next == [], r


@check("client.call_batch (sequence): sections come back as JSON arrays")
def _():
    r = c.call_batch([chat.get("deal", 288), c.server.time()]).result
    assert isinstance(r.result, list) and isinstance(r.result_time, list) and len(r.result_time) == 2, r


@check("client.call_batch halt=True: failing first command stops the batch")
def _():
    r = c.call_batch({"x": chat.get("", 0), "b": c.server.time()}, halt=True).result
    assert r.result_error["x"]["error"] == "ERROR_ARGUMENT" and r.result == [] and r.result_time == [], r


@check("client.call_batches: 60 commands -> 2 batches")
def _():
    r = c.call_batches({f"k{i}": chat.get("lead", 1205) for i in range(60)}).result
    assert len(r.result) == 60 and isinstance(r.result_time["k59"], BitrixTimeResponse), r


@check("errors map to SDK exception classes")
def _():
    lim = Client(BitrixWebhook(domain=DOMAIN, webhook_token="5/limited0123456789"))
    bad = Client(BitrixWebhook(domain=DOMAIN, webhook_token="1/wrongcode0000000"))
    return [
        raises(errors.BitrixAPIAccessDenied, lambda: lim.imopenlines.crm.chat.get("lead", 1205).result),
        raises(errors.BitrixAPIInvalidCredentials, lambda: bad.imopenlines.crm.chat.get("lead", 1205).result),
        raises(errors.BitrixAPIBadRequest, lambda: chat.get("", 1205).result),
        raises(errors.BitrixAPINotFound, lambda: hook.call_method("imopenlines.crm.chats.get")),
    ]


def oauth(token):  # a BitrixApp makes it an OAuth token (else b24pysdk treats it as a webhook)
    app = BitrixApp(client_id="local.demo", client_secret="secret")
    return Client(BitrixToken(domain=DOMAIN, auth_token=token, bitrix_app=app))


@check("OAuth token (auth in JSON body): chat.get + batch")
def _():
    o = oauth("demo-access-token")
    assert chat_ids(o.imopenlines.crm.chat.get("deal", 288).result) == ["9852"]
    assert chat_ids(o.call_batch({"a": o.imopenlines.crm.chat.get("deal", 288)}).result.result["a"]) == ["9852"]


@check("OAuth errors: expired_token / invalid_token")
def _():
    return [
        raises(errors.BitrixAPIExpiredToken, lambda: oauth("demo-expired-token").imopenlines.crm.chat.get("deal", 288).result),
        raises(errors.BitrixAPIInvalidToken, lambda: oauth("no-such-token").imopenlines.crm.chat.get("deal", 288).result),
    ]


# A real refresh needs an app: OL_OAUTH_APP=client_id:client_secret:refresh_token
# (from `openlines app add`; the refresh token is spent by the check).
APP = os.environ.get("OL_OAUTH_APP", "")


@check("OAuth expired -> GET /oauth/token/?grant_type=refresh_token -> retry",
       pending=None if APP else "set OL_OAUTH_APP to test the refresh")
def _():
    cid, secret, refresh = (APP or "local.demo:secret:demo-refresh-token").split(":")
    token = BitrixToken(domain=DOMAIN, auth_token="demo-expired-token", refresh_token=refresh,
                        bitrix_app=BitrixApp(client_id=cid, client_secret=secret))
    assert chat_ids(Client(token).imopenlines.crm.chat.get("deal", 288).result) == ["9852"]
    assert token.auth_token != "demo-expired-token" and token.expires is not None, token.oauth_token


finish()
