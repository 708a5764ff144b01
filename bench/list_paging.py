#!/usr/bin/env python3
"""Time crm.deal.list paging against a running server (standard library only).

    python3 bench/list_paging.py http://127.0.0.1:18080/rest/1/bench0123456789ab/ [--offsets N,N,...]

1. The fast pattern (filter >ID, order ID ASC, start=-1) walks every deal in pages of 50,
   over one keep-alive connection, and reports the time per page over the first and the last
   1,000 pages (median, p90) plus the whole walk; it checks each id comes once.
2. The same fast-pattern page at the start and at the end of the table, alternately (so a
   busy machine slows both alike): `--pairs` pairs, median and p90 of each side.
3. `start` paging: one page (with its `total` count) at each offset, the median of 5 calls.
"""
import argparse
import http.client
import json
import statistics
import time
from urllib.parse import urlsplit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("webhook")
    parser.add_argument("--offsets", default="0,10000,100000,500000,999950")
    parser.add_argument("--window", type=int, default=1000, help="pages at each end")
    parser.add_argument("--pairs", type=int, default=500, help="interleaved start/end pages")
    args = parser.parse_args()
    url = urlsplit(args.webhook)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    base = url.path.rstrip("/")

    def call(params):
        body = json.dumps(params)
        started = time.perf_counter()
        conn.request("POST", f"{base}/crm.deal.list", body, {"Content-Type": "application/json"})
        answer = json.loads(conn.getresponse().read())
        return time.perf_counter() - started, answer

    # 1. the fast walk
    last, pages, seen, count = 0, [], set(), 0
    walk_started = time.perf_counter()
    while True:
        elapsed, answer = call({"order": {"ID": "ASC"}, "filter": {">ID": last},
                                "select": ["ID"], "start": -1})
        rows = answer["result"]
        pages.append(elapsed)
        for row in rows:
            seen.add(int(row["ID"]))
        count += len(rows)
        if len(rows) < 50:
            break
        last = int(rows[-1]["ID"])
    walk = time.perf_counter() - walk_started
    assert count == len(seen), f"{count - len(seen)} ids came twice"

    def summary(times):
        ms = sorted(t * 1000 for t in times)
        return f"median {statistics.median(ms):.2f} ms, p90 {ms[int(len(ms) * 0.9)]:.2f} ms"

    w = min(args.window, len(pages) // 2)
    print(f"fast walk: {count} deals in {len(pages)} pages, {walk:.1f} s total "
          f"({walk / len(pages) * 1000:.2f} ms per page on average)")
    print(f"  first {w} pages: {summary(pages[:w])}")
    print(f"  last  {w} pages: {summary(pages[-w:])}")

    # 2. interleaved: page i from the start, then page i from the end
    top = max(seen)
    start_side, end_side = [], []
    for i in range(args.pairs):
        for cursor, side in ((i * 50, start_side), (top - (args.pairs - i + 1) * 50, end_side)):
            elapsed, answer = call({"order": {"ID": "ASC"}, "filter": {">ID": cursor},
                                    "select": ["ID"], "start": -1})
            assert len(answer["result"]) == 50, answer
            side.append(elapsed)
    print(f"interleaved, {args.pairs} pairs: start of table {summary(start_side)}; "
          f"end of table {summary(end_side)}")

    # 3. start-offset pages, with the count
    for offset in [int(o) for o in args.offsets.split(",") if o]:
        times = []
        for _ in range(5):
            elapsed, answer = call({"order": {"ID": "ASC"}, "select": ["ID"], "start": offset})
            times.append(elapsed)
        first = answer["result"][0]["ID"] if answer["result"] else None
        print(f"start={offset}: {summary(times)} (total {answer.get('total')}, first ID {first})")


if __name__ == "__main__":
    main()
