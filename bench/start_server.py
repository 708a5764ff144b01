#!/usr/bin/env python3
"""Start a server in the background and wait for its first good answer (bench/compare.sh).

    python3 bench/start_server.py --probe URL [--post BODY] --log FILE -- COMMAND...

Runs COMMAND with its output in FILE, then asks PROBE (GET, or POST of the form BODY) every
millisecond or two until it answers 200. Prints `PID MILLISECONDS` (the server's pid, and the
time from starting the process to the end of that first 200 answer) and exits, leaving the
server running. If the server exits first, or nothing answers within --timeout seconds, it
prints the end of the log, stops the server and exits 1.
"""

import argparse
import subprocess
import sys
import time
import urllib.error
import urllib.request


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probe", required=True)
    parser.add_argument("--post")
    parser.add_argument("--log", required=True)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    data = args.post.encode() if args.post is not None else None
    with open(args.log, "wb") as log:
        started = time.monotonic()
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = started + args.timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return failed(args.log, f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(urllib.request.Request(args.probe, data=data), timeout=5) as answer:
                answer.read()
                if answer.status == 200:
                    print(server.pid, round((time.monotonic() - started) * 1000))
                    return 0
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.001)
    server.terminate()
    return failed(args.log, f"no 200 answer from {args.probe} within {args.timeout:.0f} s")


def failed(log: str, why: str) -> int:
    with open(log, errors="replace") as text:
        sys.stderr.write("".join(text.readlines()[-20:]))
    sys.stderr.write(f"start_server: {why}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
