#!/usr/bin/env python3
"""Soak test: measure the server's capacity briefly, then hold 80 % of it for a long time.

    python3 bench/soak.py [--binary PATH] [--db URL] [--duration 3600] [--out DIR]

Starts `openlines serve --demo --no-rate-limit --no-operating-limit` (the release build by
default) on a free port over a fresh SQLite file in DIR (or on --db, which must be empty), then:

1. capacity: CONNECTIONS closed-loop connections send the mix below as fast as the server
   answers, for --probe-seconds; capacity = answers per second;
2. soak: the same mix, open-loop at --load (0.8) x capacity for --duration seconds. Each
   request has a planned send time; its latency counts from that time, so a stalled server
   shows in the percentiles instead of silently slowing the generator down.

Every --interval seconds (60) a line goes to DIR/soak.csv: requests sent, answered per second, errors
(anything but 200, or no answer), p50/p99/max latency in ms, and the server's RSS (VmRSS) in
KiB. At the end DIR/soak.md holds the same as a Markdown table with the first and last minute
compared, and the script exits 1 if there was any error or the server died.

The mix (weights): imopenlines.crm.chat.get 45, imopenlines.dialog.get 15, crm.lead.get 10,
crm.lead.add 10, imopenlines.session.open 10, imopenlines.crm.message.add 10: reads and
writes a contact-centre integration makes. The generator is Python (stdlib only, several
processes of asyncio connections); on a small machine it competes with the server for CPU,
so the capacity is that of server and generator together on this machine.
"""

import argparse
import asyncio
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HOOK = "/rest/1/demo0123456789ab"
MIX = [
    (45, "imopenlines.crm.chat.get", lambda r, n: {"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": r.choice(["1205", "1300", "1400"])}),
    (15, "imopenlines.dialog.get", lambda r, n: {"CHAT_ID": r.choice(["1763", "9852", "1800", "2001"])}),
    (10, "crm.lead.get", lambda r, n: {"id": "1205"}),
    (10, "crm.lead.add", lambda r, n: {"fields[TITLE]": f"soak {n}", "fields[ASSIGNED_BY_ID]": "2"}),
    (10, "imopenlines.session.open", lambda r, n: {"USER_CODE": f"livechat|1|soak-{n}|client-{n}"}),
    (10, "imopenlines.crm.message.add", lambda r, n: {"CRM_ENTITY_TYPE": "lead", "CRM_ENTITY": "1205", "USER_ID": "2", "CHAT_ID": "1763", "MESSAGE": f"soak message {n}"}),
]
WEIGHTS = [weight for weight, _, _ in MIX]


def request_bytes(rng: random.Random, n: int, host: str) -> bytes:
    _, method, params = rng.choices(MIX, weights=WEIGHTS)[0]
    body = urllib.parse.urlencode(params(rng, n)).encode()
    head = (
        f"POST {HOOK}/{method} HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def exchange(reader, writer, request: bytes) -> int:
    """Sends one request on a kept-alive connection and returns the status (bodies are read by
    Content-Length; the server always sends it for these methods)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def connection(host, port, jobs, results, rng, ident):
    """One connection: takes planned send times from `jobs` (None = stop) and records
    (planned time, latency from it, ok)."""
    reader = writer = None
    n = 0
    while True:
        planned = await jobs.get()
        if planned is None:
            break
        delay = planned - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        n += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            status = await asyncio.wait_for(
                exchange(reader, writer, request_bytes(rng, f"{ident}-{n}", f"{host}:{port}")), 30
            )
            ok = status == 200
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
            ok = False
            if writer is not None:
                writer.close()
            reader = writer = None
        results.append((planned, time.monotonic() - planned, ok))
    if writer is not None:
        writer.close()


async def run_phase(host, port, connections, rate, seconds, seed, report):
    """Closed loop when rate is None, else `rate` requests a second spread over `connections`.
    Calls report(list of (planned, latency, ok)) about once a second."""
    rng = random.Random(seed)
    jobs: asyncio.Queue = asyncio.Queue()
    results = []
    tasks = [
        asyncio.create_task(connection(host, port, jobs, results, random.Random(rng.random()), f"{seed}-{c}"))
        for c in range(connections)
    ]
    start = time.monotonic()
    end = start + seconds
    planned = start
    next_report = start + 1
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if rate is None:
            # Closed loop: keep every connection busy.
            while jobs.qsize() < connections:
                jobs.put_nowait(now)
            await asyncio.sleep(0.005)
        else:
            while planned <= now + 0.05 and planned < end:
                jobs.put_nowait(planned)
                planned += 1.0 / rate
            await asyncio.sleep(0.01)
        if now >= next_report:
            batch, results[:] = results[:], []
            report(batch)
            next_report += 1
    while not jobs.empty():
        jobs.get_nowait()
    for _ in tasks:
        jobs.put_nowait(None)
    await asyncio.gather(*tasks)
    report(results[:])


def worker(host, port, connections, rate, seconds, seed, queue):
    """One generator process; sends its results to `queue` every second, then None."""
    asyncio.run(run_phase(host, port, connections, rate, seconds, seed, queue.put))
    queue.put(None)


def run(host, port, processes, connections, rate, seconds, seed, on_second):
    """Runs a phase in `processes` processes; on_second(list) gets every result batch."""
    queue = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(
            target=worker,
            args=(host, port, connections, None if rate is None else rate / processes, seconds, seed + p, queue),
        )
        for p in range(processes)
    ]
    for proc in procs:
        proc.start()
    running = processes
    while running:
        batch = queue.get()
        if batch is None:
            running -= 1
        else:
            on_second(batch)
    for proc in procs:
        proc.join()


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(binary, db, out, port):
    log = open(os.path.join(out, "server.log"), "wb")
    command = [binary, "serve", "--demo", "--no-rate-limit", "--no-operating-limit",
               "--listen", f"127.0.0.1:{port}", "--db", db]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"soak: the server exited with {server.returncode}; see {out}/server.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.05)
    server.kill()
    sys.exit("soak: the server did not get ready in 120 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "openlines"))
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file in --out)")
    parser.add_argument("--duration", type=float, default=3600, help="soak seconds (default 3600)")
    parser.add_argument("--probe-seconds", type=float, default=20)
    parser.add_argument("--load", type=float, default=0.8, help="fraction of capacity held")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16, help="per process")
    parser.add_argument("--interval", type=float, default=60, help="seconds per CSV line")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="directory for soak.csv, soak.md, server.log")
    args = parser.parse_args()

    out = args.out or tempfile.mkdtemp(prefix="openlines-soak-")
    os.makedirs(out, exist_ok=True)
    binary = shutil.which(args.binary) or args.binary
    db = args.db or os.path.join(out, "soak.db")
    port = free_port()
    server = start_server(binary, db, out, port)
    host = "127.0.0.1"
    print(f"soak: server pid {server.pid} on port {port}, output in {out}", flush=True)

    # 1. Capacity.
    counted = {"ok": 0, "all": 0}

    def count(batch):
        counted["all"] += len(batch)
        counted["ok"] += sum(1 for _, _, ok in batch if ok)

    run(host, port, args.processes, args.connections, None, args.probe_seconds, args.seed, count)
    capacity = counted["ok"] / args.probe_seconds
    rate = capacity * args.load
    print(f"soak: capacity {capacity:.0f} answers/s ({counted['all'] - counted['ok']} errors); "
          f"holding {rate:.0f}/s for {args.duration:.0f} s", flush=True)

    # 2. Soak at `rate`, one CSV line per interval.
    csv_path = os.path.join(out, "soak.csv")
    rows = []
    soak_start = time.monotonic()
    window = {"latencies": [], "errors": 0, "start": time.monotonic()}
    with open(csv_path, "w") as csv:
        csv.write("interval,t_s,sent,answered_per_s,errors,p50_ms,p99_ms,max_ms,rss_kib\n")

        def flush():
            latencies = sorted(window["latencies"])
            elapsed = max(time.monotonic() - window["start"], 1e-9)
            row = {
                "interval": len(rows) + 1,
                "t_s": round(time.monotonic() - soak_start),
                "sent": len(latencies),
                "answered_per_s": round((len(latencies) - window["errors"]) / elapsed, 1),
                "errors": window["errors"],
                "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
                "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
                "max_ms": round((latencies[-1] if latencies else 0) * 1000, 2),
                "rss_kib": rss_kib(server.pid),
            }
            rows.append(row)
            csv.write(",".join(str(value) for value in row.values()) + "\n")
            csv.flush()
            print("soak: " + ", ".join(f"{k} {v}" for k, v in row.items()), flush=True)
            window.update(latencies=[], errors=0, start=time.monotonic())

        def record(batch):
            for _, latency, ok in batch:
                window["latencies"].append(latency)
                window["errors"] += 0 if ok else 1
            if time.monotonic() - window["start"] >= args.interval:
                flush()

        run(host, port, args.processes, args.connections, rate, args.duration, args.seed + 100, record)
        if window["latencies"]:
            flush()

    alive = server.poll() is None
    server.kill()
    server.wait()
    errors = sum(row["errors"] for row in rows)
    md_path = os.path.join(out, "soak.md")
    with open(md_path, "w") as md:
        md.write(f"Capacity {capacity:.0f} answers/s; held {rate:.0f}/s ({args.load:.0%}) for "
                 f"{args.duration:.0f} s; {errors} errors; server {'alive' if alive else 'DIED'} at the end.\n\n")
        md.write("| interval | t (s) | sent | answered/s | errors | p50 ms | p99 ms | max ms | RSS MiB |\n")
        md.write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for row in rows:
            md.write(f"| {row['interval']} | {row['t_s']} | {row['sent']} | {row['answered_per_s']} | {row['errors']} | "
                     f"{row['p50_ms']} | {row['p99_ms']} | {row['max_ms']} | {row['rss_kib'] / 1024:.1f} |\n")
        if len(rows) >= 2:
            first, last = rows[0], rows[-1]
            md.write(f"\nFirst to last {args.interval:.0f} s: p99 {first['p99_ms']} -> {last['p99_ms']} ms, "
                     f"RSS {first['rss_kib'] / 1024:.1f} -> {last['rss_kib'] / 1024:.1f} MiB.\n")
    with open(md_path) as md:
        print(md.read())
    return 0 if alive and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
