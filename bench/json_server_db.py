#!/usr/bin/env python3
"""Write a json-server database (one JSON object) of the deal lookup of bench/gen_fixture.py.

    python3 bench/json_server_db.py [N] [--seed S] > db.json

The same N chats as `gen_fixture.py N` (same seed, same content per chat), reduced to what
`imopenlines.crm.chat.get` for a deal answers: a `deals` list (ids 1..N/10) and a `chats`
list of `{"id", "dealId", "CHAT_ID", "CONNECTOR_ID", "CONNECTOR_TITLE", "active"}`, where
`active` is the session status rule of `ACTIVE_ONLY=Y` (10 <= status < 50). json-server 0.17
then serves a deal's chats as `GET /deals/<id>/chats` (`ACTIVE_ONLY=N`) and
`GET /deals/<id>/chats?active=true` (`ACTIVE_ONLY=Y`): what a user would otherwise stand up
as a fake of the lookup. Streamed; deterministic for a given N and seed.
"""

import argparse
import json
import sys

from gen_fixture import chat_content

# The English titles openlines seeds for the generator's connectors.
TITLES = {
    "livechat": "Live Chat",
    "telegrambot": "Telegram",
    "whatsappbyedna": "Edna.com WhatsApp",
    "vkgroup": "VK",
    "facebook": "Facebook*: Messages",
    "viber": "Viber",
}
ACTIVE_FROM, ACTIVE_UNTIL = 10, 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chats", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    n = args.chats
    records = max(1, n // 10)
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    write = sys.stdout.write
    write('{"deals":[\n')
    write(",\n".join(dumps({"id": d}) for d in range(1, records + 1)))
    write('\n],"chats":[\n')
    for i in range(1, n + 1):
        _crm, status, connector = chat_content(i, records, args.seed)
        chat = {
            "id": i,
            "dealId": (i - 1) % records + 1,
            "CHAT_ID": str(i),
            "CONNECTOR_ID": connector,
            "CONNECTOR_TITLE": TITLES[connector],
            "active": ACTIVE_FROM <= status < ACTIVE_UNTIL,
        }
        write(("" if i == 1 else ",\n") + dumps(chat))
    write("\n]}\n")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
