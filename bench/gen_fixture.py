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

Staff, for a non-admin workload (`--departments D`, default 20; `--users U`, default 100):
a tree of D departments (department 1 at the root, department d > 1 under
((d - 2) // 4) + 1), and U non-admin users 2..U+1, user u in department ((u - 2) % D) + 1.
Every non-admin user reads deals at the `department` level, leads at `subdepartments`,
contacts at `own` and companies at `open`. User 2 (department 1) has the webhook
`benchdept0123456`. CRM record i of each type is assigned to user ((i - 1) % U) + 2, so when
D divides U, the deals that user 2 may read are exactly those with (i - 1) % D == 0 (the
owner sits in department 1): the non-admin benchmark asks for deal 1 + D * k. `--users 0`
writes no departments and no other users and assigns every record to the admin, as before.

Python 3 standard library only; output is deterministic for a given N, seed and staff
options, and streamed (memory does not grow with N).

Options for loading in pieces (see bench/import.sh): `--part head` writes only the users,
departments, permissions, webhooks and CRM records; `--part chats --from A --to B` only chats
A..B (inclusive); `--form sessions` writes each chat as a canonical `chat` line plus a
`session` line (session id = chat id) carrying the status and bindings, instead of the
shorthand. Each chat's content depends only on the seed and its id, so any split gives the
same data.
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
OTHER_TYPES = ["lead", "contact", "company"]
ADMIN_WEBHOOK = "bench0123456789ab"
# The webhook of user 2, a non-admin in department 1.
DEPARTMENT_WEBHOOK = "benchdept0123456"
# What every non-admin user may read, per CRM type.
STAFF_READ_LEVELS = {"deal": "department", "lead": "subdepartments", "contact": "own", "company": "open"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chats", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--part", choices=["all", "head", "chats"], default="all")
    parser.add_argument("--from", dest="first", type=int, default=1)
    parser.add_argument("--to", dest="last", type=int, default=None)
    parser.add_argument("--form", choices=["shorthand", "sessions"], default="shorthand")
    parser.add_argument("--departments", type=int, default=20, help="departments (with --users > 0)")
    parser.add_argument("--users", type=int, default=100, help="non-admin users; 0 for none")
    args = parser.parse_args()
    if args.users > 0 and args.departments < 1:
        parser.error("--users needs at least one department")
    n = args.chats
    records = max(1, n // 10)
    out = sys.stdout
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    write = out.write

    if args.part in ("all", "head"):
        write_head(write, dumps, records, args.departments if args.users > 0 else 0, args.users)
    if args.part in ("all", "chats"):
        last = n if args.last is None else min(args.last, n)
        write_chats(write, dumps, records, args.seed, args.first, last, args.form)


def write_head(write, dumps, records: int, departments: int, users: int) -> None:
    line = lambda record: write(dumps(record) + "\n")
    for d in range(1, departments + 1):
        department = {"type": "department", "id": d, "name": f"Department {d}"}
        if d > 1:
            department["parent_id"] = department_parent(d)
        line(department)
    admin = {"type": "user", "id": 1, "name": "Bench Admin", "admin": True}
    if departments:
        admin["department_id"] = 1
    line(admin)
    for u in range(2, users + 2):
        line({"type": "user", "id": u, "name": f"User {u}", "department_id": (u - 2) % departments + 1})
        for entity_type, level in STAFF_READ_LEVELS.items():
            line({"type": "permission", "user_id": u, "entity_type": entity_type, "read": level})
    line({"type": "webhook", "user_id": 1, "code": ADMIN_WEBHOOK, "scopes": ["imopenlines", "crm"]})
    if users:
        line({"type": "webhook", "user_id": 2, "code": DEPARTMENT_WEBHOOK, "scopes": ["imopenlines", "crm"]})
    for i in range(1, records + 1):
        owner = (i - 1) % users + 2 if users else 1
        line({"type": "deal", "id": i, "title": f"Deal {i}", "assigned_by_id": owner})
        line({"type": "lead", "id": i, "title": f"Lead {i}", "assigned_by_id": owner})
        line({"type": "contact", "id": i, "name": f"Contact {i}", "assigned_by_id": owner})
        line({"type": "company", "id": i, "title": f"Company {i}", "assigned_by_id": owner})


def department_parent(d: int) -> int:
    """Four children per department: 2..5 under 1, 6..9 under 2, and so on."""
    return (d - 2) // 4 + 1


def chat_content(i: int, records: int, seed: int):
    """Chat i's CRM bindings, session status and connector; depends only on seed and i."""
    rng = random.Random(seed * 10_000_019 + i)
    crm = [{"entity_type": "deal", "entity_id": (i - 1) % records + 1}]
    r = rng.random()
    if r < 0.2:
        crm.append({"entity_type": rng.choice(OTHER_TYPES), "entity_id": rng.randint(1, records)})
    elif r < 0.25:
        # Hot records: the first HOT_LEADS leads gather ~n/2000 chats each.
        crm.append({"entity_type": "lead", "entity_id": rng.randint(1, min(HOT_LEADS, records))})
    status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
    connector = rng.choice(CONNECTORS)
    return crm, status, connector


def write_chats(write, dumps, records: int, seed: int, first: int, last: int, form: str) -> None:
    for i in range(first, last + 1):
        crm, status, connector = chat_content(i, records, seed)
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
