"""fast-bitrix24 (pinned 1.8.14) against an openlines demo server.

usage: python fast_bitrix24_check.py http://127.0.0.1:18181/rest/1/demo0123456789ab/
Needs the demo data (`openlines serve --demo`). Exits 1 if any check FAILs.
fast-bitrix24 sends even single `call()`s through `batch` (cmd key `order0000000000`,
extra `__order` param, trailing `&`); `raw=True` posts JSON straight to the method.
"""
import asyncio
import sys

import aiohttp
from fast_bitrix24 import Bitrix, BitrixAsync
from fast_bitrix24.server_response import ErrorInServerResponseException

from _common import chat_ids, check, check_time, finish, parse_webhook

WEBHOOK = sys.argv[1]
_, _, _, REST = parse_webhook(WEBHOOK)
LIMITED = REST + "5/limited0123456789/"
DEAL = {"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": 288, "ACTIVE_ONLY": "N"}
LEAD_ALL = {"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1205, "ACTIVE_ONLY": "N"}
M = "imopenlines.crm.chat.get"

b = Bitrix(WEBHOOK, verbose=False)


@check("sync call(dict) -> batch with __order")
def _():
    r = b.call(M, DEAL)
    assert r == {"CHAT_ID": "9852", "CONNECTOR_ID": "livechat", "CONNECTOR_TITLE": "Live Chat"}, r


@check("sync call(list of 2) -> one batch")
def _():
    r = b.call(M, [DEAL, LEAD_ALL])  # fast-bitrix24 flattens list results
    assert chat_ids(r) == ["1763", "1800", "9852"], r


@check("sync call(list of 51) -> two batches")
def _():
    r = b.call(M, [DEAL] * 51)
    assert len(r) == 51 and {x["CHAT_ID"] for x in r} == {"9852"}, r


@check("sync call(raw=True) -> plain POST JSON, time block types")
def _():
    r = b.call(M, DEAL, raw=True)
    assert chat_ids(r["result"]) == ["9852"], r
    check_time(r["time"])


@check("get_all (adds order[ID]=ASC)")
def _():
    assert chat_ids(b.get_all(M, LEAD_ALL)) == ["1763", "1800"]


@check("get_by_ID over CRM_ENTITY (cmd keys are the ids)")
def _():
    r = b.get_by_ID(M, [1205, 1300], ID_field_name="CRM_ENTITY",
                    params={"CRM_ENTITY_TYPE": "lead", "ACTIVE_ONLY": "N"})
    assert chat_ids(r["1205"]) == ["1763", "1800"] and r["1300"] == [], r


@check("call_batch with server.time")
def _():
    r = b.call_batch({"halt": 0, "cmd": {
        "a": f"{M}?CRM_ENTITY_TYPE=lead&CRM_ENTITY=1205", "b": "server.time"}})
    assert chat_ids(r["a"]) == ["1763"] and isinstance(r["b"], str), r


@check("call_batch halt=1 with an error -> ErrorInServerResponseException")
def _():
    try:
        b.call_batch({"halt": 1, "cmd": {"a": M, "b": "server.time"}})
    except ErrorInServerResponseException as e:
        assert e.args[0]["a"]["error"] == "ERROR_ARGUMENT", e.args
        return str(e.args[0])[:120]
    raise AssertionError("no exception")


@check("limited webhook: batched call -> ACCESS_DENIED in result_error")
def _():
    try:
        Bitrix(LIMITED, verbose=False).call(M, {"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1205})
    except ErrorInServerResponseException as e:
        assert e.args[0]["order0000000000"]["error"] == "ACCESS_DENIED", e.args
        return None
    raise AssertionError("no exception")


@check("limited webhook: raw call -> HTTP 403")
def _():
    try:
        Bitrix(LIMITED, verbose=False).call(M, {"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": 1205}, raw=True)
    except aiohttp.ClientResponseError as e:
        assert e.status == 403, e
        return None
    raise AssertionError("no exception")


@check("BitrixAsync call + get_all")
def _():
    async def go():
        a = BitrixAsync(WEBHOOK, verbose=False)
        return await a.call(M, DEAL), await a.get_all(M, LEAD_ALL)
    one, all_ = asyncio.run(go())
    assert one["CHAT_ID"] == "9852" and chat_ids(all_) == ["1763", "1800"], (one, all_)


@check("OAuth (token_func): 401 expired_token -> new token -> retry")
def _():
    issued = []

    async def token_func():  # first hands out the expired demo token, then the good one
        issued.append("demo-expired-token" if not issued else "demo-access-token")
        return issued[-1]

    async def go():
        return await BitrixAsync(REST, token_func=token_func, verbose=False).call(M, DEAL)
    r = asyncio.run(go())
    assert r["CHAT_ID"] == "9852" and issued == ["demo-expired-token", "demo-access-token"], (r, issued)


finish()
