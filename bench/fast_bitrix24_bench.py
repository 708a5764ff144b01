#!/usr/bin/env python3
"""fast-bitrix24 against openlines: imopenlines.crm.chat.get commands per second.

    python bench/fast_bitrix24_bench.py WEBHOOK_URL [--seconds 30] [--chunk 2500]
        [--unthrottled] [--max-deal 100000]

Calls `Bitrix(webhook).call('imopenlines.crm.chat.get', items)` repeatedly with `--chunk`
parameter dicts per call (the library splits them into batches of 50 and sends up to 50
batch requests at once) until `--seconds` have passed, then prints commands/s.

fast-bitrix24's client-side throttling defaults (1.8.x): a leaky bucket of
request_pool_size=50 requests refilled at requests_per_second=2.0, at most 50 concurrent
requests, and respect_velocity_policy=True (a per-method sliding window of 480 s of request
time per 10 min). `--unthrottled` sets request_pool_size and requests_per_second to 1e9 and
operating_time_limit to 1e9 s; the 50-concurrent-request cap stays (it is not a constructor
parameter). respect_velocity_policy=False is not used: in 1.8.14 it makes every batch fail
with KeyError('batch') in ServerRequestHandler.add_throttler_records.
"""

import argparse
import random
import time

from fast_bitrix24 import Bitrix


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("webhook")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--chunk", type=int, default=2500)
    parser.add_argument("--max-deal", type=int, default=100_000)
    parser.add_argument("--unthrottled", action="store_true")
    args = parser.parse_args()

    options = {"verbose": False}
    if args.unthrottled:
        options.update(
            request_pool_size=10**9, requests_per_second=1e9, operating_time_limit=10**9
        )
    b = Bitrix(args.webhook, **options)
    rng = random.Random(1)

    commands = 0
    chats = 0
    started = time.monotonic()
    deadline = started + args.seconds
    while time.monotonic() < deadline:
        items = [
            {"CRM_ENTITY_TYPE": "deal", "CRM_ENTITY": rng.randint(1, args.max_deal), "ACTIVE_ONLY": "N"}
            for _ in range(args.chunk)
        ]
        results = b.call("imopenlines.crm.chat.get", items)
        # call() flattens list results: it returns the chats of all commands in one tuple
        # (about 10 per command here), so commands are counted from the request side.
        commands += len(items)
        chats += len(results)
    elapsed = time.monotonic() - started
    print(
        f"fast-bitrix24: unthrottled={args.unthrottled} chunk={args.chunk} seconds={elapsed:.1f} "
        f"commands={commands} chats_returned={chats} commands/s={commands / elapsed:.0f}"
    )


if __name__ == "__main__":
    main()
