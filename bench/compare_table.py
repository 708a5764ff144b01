#!/usr/bin/env python3
"""Print bench/compare.sh's tables (Markdown) from its results.

    python3 bench/compare_table.py RESULTS.tsv STARTS.tsv DATA_DIR [BULK.txt]

RESULTS.tsv has one line per measured run: round, row, req/s, p50 ms, p99 ms, RSS MiB,
non-200 answers, other errors (200 answers that failed inside, socket errors), requests,
load average. STARTS.tsv: round, server, milliseconds to the first good answer.
"""

import glob
import os
import statistics
import sys
from collections import defaultdict


def main() -> None:
    results_path, starts_path, data_dir = sys.argv[1:4]
    bulk_path = sys.argv[4] if len(sys.argv) > 4 else ""
    runs = []
    with open(results_path) as results:
        for line in results:
            r, row, rps, p50, p99, rss, non200, other, requests, load = line.rstrip("\n").split("\t")
            runs.append(dict(round=int(r), row=row, rps=float(rps), p50=float(p50), p99=float(p99),
                             rss=float(rss), non200=int(non200), other=int(other), load=load,
                             requests=int(requests)))
    if not runs:
        print("\nNo runs were measured (ROUNDS=0 only makes the data sets).")
    ceiling = {run["round"]: run["rps"] for run in runs if run["row"] == "ceiling/fixed"}
    by_key = {(run["row"], run["round"]): run for run in runs}
    rows = list(dict.fromkeys(run["row"] for run in runs))

    if runs:
        print_runs(runs, rows, ceiling, by_key)
        print_floors(runs, ceiling, starts_path)

    starts = defaultdict(dict)
    with open(starts_path) as lines:
        for line in lines:
            r, server, millis = line.split()
            starts[server][int(r)] = int(millis)
    if starts:
        rounds = sorted({r for per in starts.values() for r in per})
        print("\nStart to first answer, ms (process start to the end of the first 200 answer):\n")
        print("| server | " + " | ".join(f"round {r}" for r in rounds) + " |")
        print("|---|" + "---|" * len(rounds))
        for server, per in starts.items():
            print(f"| {server} | " + " | ".join(str(per.get(r, "–")) for r in rounds) + " |")

    notes = sorted(glob.glob(os.path.join(data_dir, "*.import")))
    if notes or bulk_path:
        print("\nImports that made the data sets (`openlines import FILE`; `cores`: the core it was "
              "pinned to, or all; the machine's load at the time is noted):\n")
        for note in notes:
            with open(note) as text:
                print(f"- {os.path.basename(note)[:-7]}: {text.read().strip()}")
        if bulk_path and os.path.exists(bulk_path):
            print("\nBulk rates of this run (IMPORT_EXPORT=1):\n")
            with open(bulk_path) as text:
                for line in text:
                    print(f"- {line.strip()}")


def print_runs(runs, rows, ceiling, by_key) -> None:
    print("\nEvery run (ratio: req/s over the ceiling's req/s in the same round):\n")
    print("| row | round | req/s | p50 ms | p99 ms | RSS after, MiB | non-200 | other errors | × ceiling | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for run in sorted(runs, key=lambda run: (run["round"], rows.index(run["row"]))):
        ratio = ratio_text(run["rps"], ceiling.get(run["round"]))
        p50, p99 = (f"{run['p50']:.2f}", f"{run['p99']:.2f}") if run["requests"] else ("no answer in time", "–")
        print(f"| {run['row']} | {run['round']} | {run['rps']:,.0f} | {p50} | {p99} | "
              f"{run['rss']:.1f} | {run['non200']} | {run['other']} | {ratio} | {run['load']} |")

    print("\nMedian over the rounds (range of req/s; × json-server: the same lookup and size, "
          "per round, median; batch50 also in chat.get commands/s):\n")
    print("| row | req/s | p50 ms | p99 ms | RSS after, MiB (max) | non-200 | other errors | × ceiling | × json-server |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        mine = [run for run in runs if run["row"] == row]
        rps = [run["rps"] for run in mine]
        spread = f" ({min(rps):,.0f}–{max(rps):,.0f})" if len(rps) > 1 else ""
        rps_text = f"{statistics.median(rps):,.0f}{spread}"
        if row.endswith("/batch50"):
            rps_text += f"; {50 * statistics.median(rps):,.0f} commands/s"
        ratios = [run["rps"] / ceiling[run["round"]] for run in mine if ceiling.get(run["round"])]
        json_ratios = []
        twin = json_twin(row)
        for run in mine:
            other = by_key.get((twin, run["round"])) if twin else None
            if other and other["rps"] > 0:
                json_ratios.append(run["rps"] / other["rps"])
        json_text = f"{statistics.median(json_ratios):,.1f}×" if json_ratios else "–"
        ceiling_text = percent(statistics.median(ratios)) if ratios else "–"
        print(f"| {row} | {rps_text} | {statistics.median(r['p50'] for r in mine):.2f} | "
              f"{statistics.median(r['p99'] for r in mine):.2f} | {max(r['rss'] for r in mine):.1f} | "
              f"{sum(r['non200'] for r in mine)} | {sum(r['other'] for r in mine)} | "
              f"{ceiling_text} | {json_text} |")


def print_floors(runs, ceiling, starts_path) -> None:
    """Issue 14's floors, each from the medians over the rounds, where this run measured it."""
    def median(row, field):
        values = [run[field] for run in runs if run["row"] == row]
        return statistics.median(values) if values else None

    def ratio(row):
        values = [run["rps"] / ceiling[run["round"]] for run in runs
                  if run["row"] == row and ceiling.get(run["round"])]
        return statistics.median(values) if values else None

    checks = []
    def check(what, value, text, met):
        if value is not None:
            checks.append((what, text, "met" if met else "NOT met"))

    r = ratio("sqlite-1m/admin-N")
    check("SQLite 1m admin N: ≥ 30 % of the ceiling", r, r is not None and percent(r), r is not None and r >= 0.30)
    p99 = median("sqlite-1m/admin-N", "p99")
    check("SQLite 1m admin N: p99 ≤ 5 ms", p99, p99 is not None and f"{p99:.2f} ms", p99 is not None and p99 <= 5)
    bad = [run["non200"] + run["other"] for run in runs if run["row"] == "sqlite-1m/admin-N"]
    check("SQLite 1m admin N: every answer 200", bad or None, f"{sum(bad)} failed", not sum(bad))
    r = ratio("sqlite-1m/dept-N")
    check("SQLite 1m non-admin: ≥ 25 % of the ceiling", r, r is not None and percent(r), r is not None and r >= 0.25)
    single, batch = median("sqlite-1m/admin-N", "rps"), median("sqlite-1m/batch50", "rps")
    if single and batch:
        factor = single / batch
        check("SQLite 1m batch of 50: ≤ 50× one call's server time (req/s ratio)", factor,
              f"{factor:.1f}×", factor <= 50)
    small, large = median("sqlite-10k/admin-N", "p50"), median("sqlite-10m/admin-N", "p50")
    if small and large:
        check("p50 at 10m ≤ 1.3× p50 at 10k (admin N)", large, f"{large / small:.2f}×", large / small <= 1.3)
    rss = [run["rss"] for run in runs if run["row"].startswith("sqlite-10m/")]
    if rss:
        check("RSS ≤ 64 MiB on the 10m database (after each run; the floor asks 30 s of load)",
              max(rss), f"{max(rss):.1f} MiB", max(rss) <= 64)
    r = ratio("pg-1m/admin-N")
    check("PostgreSQL 1m admin N: ≥ 15 % of the ceiling", r, r is not None and percent(r), r is not None and r >= 0.15)
    for row in sorted({run["row"] for run in runs}):
        twin = json_twin(row)
        values = []
        for run in runs:
            if run["row"] == row:
                other = [o for o in runs if o["row"] == twin and o["round"] == run["round"]]
                if other and other[0]["rps"] > 0:
                    values.append(run["rps"] / other[0]["rps"])
        if values:
            m = statistics.median(values)
            check(f"{row}: ≥ 40× {twin}", m, f"{m:,.1f}×", m >= 40)
    with open(starts_path) as lines:
        firsts = [int(line.split()[2]) for line in lines if line.split()[1] == "sqlite-10m"]
    if firsts:
        m = statistics.median(firsts)
        check("start to first answer on the 10m database ≤ 100 ms", m, f"{m:.0f} ms", m <= 100)
    if checks:
        print("\nIssue 14's floors (medians over the rounds):\n")
        print("| floor | measured | |")
        print("|---|---|---|")
        for what, text, verdict in checks:
            print(f"| {what} | {text} | {verdict} |")


def json_twin(row: str) -> str:
    """The json-server row with the same lookup and data size as an openlines row, if any."""
    server, workload = row.split("/")
    kind, _, size = server.partition("-")
    if kind not in ("sqlite", "pg"):
        return ""
    active = {"admin-N": "N", "dept-N": "N", "admin-Y": "Y"}.get(workload)
    return f"json-{size}/{active}" if active else ""


def ratio_text(rps: float, ceiling_rps) -> str:
    return percent(rps / ceiling_rps) if ceiling_rps else "–"


def percent(ratio: float) -> str:
    """Three significant digits, so that json-server's hundredths of a percent still show."""
    return f"{100 * ratio:.3g} %"


if __name__ == "__main__":
    main()
