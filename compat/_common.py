"""Shared helpers for the Python client checks (not a client itself)."""
import sys
import traceback
from datetime import datetime
from urllib.parse import urlsplit

RESULTS = []  # (name, status) with status PASS / FAIL / PENDING / PASS*


def check(name, pending=None):
    """Decorator: run the check now, record PASS/FAIL. `pending` = reason the
    server is known not to support it yet (a failure is then PENDING, not FAIL)."""
    def run(fn):
        try:
            info = fn()
            status = "PASS*" if pending else "PASS"
            print(f"{status:7} {name}" + (f"  -> {info}" if info is not None else ""))
        except Exception as e:  # noqa: BLE001 - we report everything
            status = "PENDING" if pending else "FAIL"
            print(f"{status:7} {name}: {type(e).__name__}: {str(e)[:300]}"
                  + (f"  [pending: {pending}]" if pending else ""))
            if not pending:
                traceback.print_exc(limit=-4)
        RESULTS.append((name, status))
        return fn
    return run


def check_time(t):
    """The `time` block as the spec (§2.2) and the clients expect it."""
    assert isinstance(t["start"], int), f"start not int: {t['start']!r}"
    assert isinstance(t["finish"], float), f"finish not float: {t['finish']!r}"
    assert isinstance(t["duration"], (int, float)) and isinstance(t["processing"], (int, float))
    for k in ("date_start", "date_finish"):
        assert datetime.fromisoformat(t[k]).tzinfo is not None, f"{k} without offset: {t[k]!r}"
    assert isinstance(t["operating_reset_at"], int), f"operating_reset_at: {t['operating_reset_at']!r}"
    assert isinstance(t["operating"], (int, float)), f"operating: {t['operating']!r}"
    return t


def chat_ids(rows):
    return sorted(r["CHAT_ID"] for r in rows)


def parse_webhook(url):
    """http://h:p/rest/1/code/ -> (scheme, netloc, 'user/code', 'http://h:p/rest/')"""
    u = urlsplit(url)
    parts = u.path.strip("/").split("/")
    assert parts[0] == "rest" and len(parts) == 3, f"not a webhook URL: {url}"
    return u.scheme, u.netloc, f"{parts[1]}/{parts[2]}", f"{u.scheme}://{u.netloc}/rest/"


def finish():
    failed = [n for n, s in RESULTS if s == "FAIL"]
    pending = [n for n, s in RESULTS if s == "PENDING"]
    print(f"\n{len(RESULTS) - len(failed) - len(pending)} passed, {len(failed)} failed, {len(pending)} pending")
    sys.exit(1 if failed else 0)
