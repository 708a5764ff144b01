"""Writes 1,000 deals (ids 20001-21000) as fixture lines, for the list checks:

    python3 compat/deals_1000.py > /tmp/compat-run/deals.jsonl
    openlines import --db /tmp/compat-run/openlines.db /tmp/compat-run/deals.jsonl
"""
import json

for n in range(1, 1001):
    print(json.dumps({"type": "deal", "id": 20000 + n, "title": f"Compat deal {n}",
                      "assigned_by_id": 1, "opened": n % 2 == 0}))
