#!/usr/bin/env python3
"""Write a benchmark fixture (JSON Lines, docs/FIXTURES.md) to standard output.

    python3 bench/gen_fixture.py [N] [--seed S] > /tmp/bench.jsonl

N chats (default 1,000,000), an admin user 1 with webhook code `bench0123456789ab`, N/10
deals, leads, contacts and companies each, and N chats in the `chat` shorthand (one session
per chat, with its status and CRM bindings).

Chat i is bound to deal ((i - 1) % (N/10)) + 1, so every deal 1..N/10 has exactly 10 chats
(the benchmark's `CRM_ENTITY` is a random deal in that range). One chat in five is also bound
to a lead, a contact or a company chosen at random, and a few records (the first 100 leads)
collect hundreds of extra chats each, so the data has both typical and "hot" records.

Python 3 standard library only; output is deterministic for a given N and seed, and streamed
(memory does not grow with N).

Options for loading in pieces (see bench/import.sh): `--part head` writes only the user,
webhook and CRM records; `--part chats --from A --to B` only chats A..B (inclusive);
`--form sessions` writes each chat as a canonical `chat` line plus a `session` line
(session id = chat id) carrying the status and bindings, instead of the shorthand. Each chat's
content depends only on the seed and its id, so any split gives the same data.
"""

import argparse
import json
import random
import sys

CONNECTORS = ["livechat", "telegrambot", "whatsappbyedna", "vkgroup", "facebook", "viber"]
# Bitrix24 session statuses (spec §8.1): queued, active, closing, closed, spam...
STATUSES = [0, 5, 10, 20, 25, 40, 50, 60, 65]
STATUS_WEIGHTS = [2, 2, 5, 15, 5, 5, 6, 50, 10]
HOT_LEADS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chats", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--part", choices=["all", "head", "chats"], default="all")
    parser.add_argument("--from", dest="first", type=int, default=1)
    parser.add_argument("--to", dest="last", type=int, default=None)
    parser.add_argument("--form", choices=["shorthand", "sessions"], default="shorthand")
    args = parser.parse_args()
    n = args.chats
    records = max(1, n // 10)
    out = sys.stdout
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    write = out.write

    if args.part in ("all", "head"):
        write_head(write, dumps, records)
    if args.part in ("all", "chats"):
        last = n if args.last is None else min(args.last, n)
        write_chats(write, dumps, records, args.seed, args.first, last, args.form)


def write_head(write, dumps, records: int) -> None:
    write(dumps({"type": "user", "id": 1, "name": "Bench Admin", "admin": True}) + "\n")
    write(
        dumps(
            {
                "type": "webhook",
                "user_id": 1,
                "code": "bench0123456789ab",
                "scopes": ["imopenlines", "crm"],
            }
        )
        + "\n"
    )
    for i in range(1, records + 1):
        write(dumps({"type": "deal", "id": i, "title": f"Deal {i}", "assigned_by_id": 1}) + "\n")
        write(dumps({"type": "lead", "id": i, "title": f"Lead {i}", "assigned_by_id": 1}) + "\n")
        write(dumps({"type": "contact", "id": i, "name": f"Contact {i}", "assigned_by_id": 1}) + "\n")
        write(dumps({"type": "company", "id": i, "title": f"Company {i}", "assigned_by_id": 1}) + "\n")


def write_chats(write, dumps, records: int, seed: int, first: int, last: int, form: str) -> None:
    other_types = ["lead", "contact", "company"]
    for i in range(first, last + 1):
        rng = random.Random(seed * 10_000_019 + i)
        crm = [{"entity_type": "deal", "entity_id": (i - 1) % records + 1}]
        r = rng.random()
        if r < 0.2:
            crm.append({"entity_type": rng.choice(other_types), "entity_id": rng.randint(1, records)})
        elif r < 0.25:
            # Hot records: the first HOT_LEADS leads gather ~n/2000 chats each.
            crm.append({"entity_type": "lead", "entity_id": rng.randint(1, min(HOT_LEADS, records))})
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        connector = rng.choice(CONNECTORS)
        if form == "shorthand":
            chat = {"type": "chat", "id": i, "connector_id": connector, "status": status, "crm": crm}
            write(dumps(chat) + "\n")
        else:
            write(dumps({"type": "chat", "id": i, "connector_id": connector}) + "\n")
            session = {"type": "session", "id": i, "chat_id": i, "status": status, "crm": crm}
            write(dumps(session) + "\n")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
