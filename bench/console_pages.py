#!/usr/bin/env python3
"""BENCHMARKS.md §8: how long the console's data pages take on a big database.

    python3 bench/console_pages.py http://127.0.0.1:8080 ADMIN_TOKEN [ROUNDS]

Signs in like the browser does, then asks each page ROUNDS times, one request at a time,
and prints the median and the slowest latency per page. The first and the last page of the
chats (keyed by id) are both asked: equal times mean a page is an index range, not a scan
that grows with the table. Ids are those of bench/gen_fixture.py (chats 1..N, deals 1..).
"""

import json
import statistics
import sys
import time
import urllib.request


def main():
    base, token = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 200

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(
        base + "/_openlines/login", data=f"token={token}".encode(), method="POST",
        headers={"Origin": base, "Content-Type": "application/x-www-form-urlencoded"})
    try:
        opener.open(request)
        raise SystemExit("sign-in did not redirect")
    except urllib.error.HTTPError as answer:
        if answer.code != 303:
            raise SystemExit(f"sign-in failed: {answer.code}")
        cookie = answer.headers["Set-Cookie"].split(";")[0]

    def get(path):
        with opener.open(urllib.request.Request(base + path, headers={"Cookie": cookie})) as answer:
            return json.loads(answer.read())

    last_chat = get("/_openlines/console/api/chats?after=999950&limit=50")["chats"]
    deep_after = last_chat[0]["id"] - 1 if last_chat else 0
    pages = {
        "chats, first page (50)": "/_openlines/console/api/chats?limit=50",
        f"chats, page after id {deep_after}": f"/_openlines/console/api/chats?after={deep_after}&limit=50",
        "one chat with sessions": "/_openlines/console/api/chats/500000",
        "deal 288 with chat.get Y and N": "/_openlines/console/api/crm/deal/288",
        "users, first page (50)": "/_openlines/console/api/users?limit=50",
        "webhooks, first page (50)": "/_openlines/console/api/webhooks?limit=50",
        "tokens, first page (50)": "/_openlines/console/api/tokens?limit=50",
        "journal (100 newest)": "/_openlines/console/api/journal?limit=100",
    }
    print(f"{'page':40} {'median ms':>10} {'max ms':>8}  rows")
    for name, path in pages.items():
        times = []
        body = None
        for _ in range(rounds):
            started = time.perf_counter()
            body = get(path)
            times.append((time.perf_counter() - started) * 1000)
        rows = next((len(v) for v in body.values() if isinstance(v, list)), "")
        print(f"{name:40} {statistics.median(times):10.2f} {max(times):8.2f}  {rows}")


if __name__ == "__main__":
    main()
