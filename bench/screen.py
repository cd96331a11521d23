"""Benchmark screening of 100,000 supplier names against every list, and a plain exact-match baseline.

The names: every firm name of the atlas (core.firm) and every listed name, cycled with the variations users
write (case, punctuation, legal form spelled out or cut, a city added) until there are --names of them,
written to a CSV. Each case runs in a child process that reads the CSV and writes one result row per name;
wall time is taken around the child and peak memory is the child's own high-water mark (VmHWM). Usage:

    .venv/bin/python bench/screen.py ATLAS [--names 100000] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import tempfile
from pathlib import Path
from typing import Any

import duckdb
from child import python_child

SCREEN = """
import sys
from datetime import date
from pathlib import Path
from rxatlas.screen.export import write_csv
from rxatlas.screen.screen import screen_file
from rxatlas.warehouse.duck import DuckDBEngine
with DuckDBEngine(Path(sys.argv[2]), read_only=True) as engine, open(sys.argv[3], 'w', newline='') as out:
    run = screen_file(Path(sys.argv[1]), engine, date(2026, 11, 25))
    write_csv(run.rows(), out)
print(dict(run.counts))
"""

# The floor: listed names and aliases upper-cased and trimmed in a set; a name is listed when its upper-cased,
# trimmed form is in the set. No normalisation, affiliates, dates, CJK or explanations.
EXACT = """
import csv, sys
import duckdb
con = duckdb.connect(sys.argv[2], read_only=True)
listed = {}
for list_id, name, aliases in con.execute(
        "SELECT list_id, name, aliases FROM core.watchlist_entry WHERE listed_to IS NULL").fetchall():
    for n in [name, *(aliases or [])]:
        listed[n.upper().strip()] = (list_id, name)
con.close()
counts = {}
with open(sys.argv[1], encoding='utf-8', newline='') as fh, open(sys.argv[3], 'w', newline='') as out:
    writer = csv.writer(out)
    for row in csv.DictReader(fh):
        hit = listed.get(row['supplier_name'].upper().strip())
        status = 'listed' if hit else 'clear'
        counts[status] = counts.get(status, 0) + 1
        writer.writerow([row['supplier_name'], status, hit[0] if hit else '', hit[1] if hit else ''])
print(counts)
"""

# Runs code and reports its own peak resident memory at exit (VmHWM is reset at exec).
VARIANTS = (
    lambda n, r: n,
    lambda n, r: n.upper(),
    lambda n, r: n.replace(",", "").replace(".", ""),
    lambda n, r: n.replace("Co., Ltd.", "Company Limited").replace("CO LTD", "COMPANY LIMITED"),
    lambda n, r: f"{r.choice(['Shanghai', 'Wuxi', 'Mumbai', 'Hyderabad', 'Basel'])} {n}",
    lambda n, r: n.title(),
)


def make_names(atlas: Path, count: int, path: Path, seed: int = 7) -> None:
    """Write count supplier names built from the atlas's firm and listed names."""
    con = duckdb.connect(str(atlas), read_only=True)
    base = [r[0] for r in con.execute(
        "SELECT name FROM core.firm UNION SELECT name FROM core.watchlist_entry ORDER BY 1").fetchall()]
    con.close()
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["supplier_name"])
        for i in range(count):
            writer.writerow([VARIANTS[i // len(base) % len(VARIANTS)](base[i % len(base)], rng)])


def measure(code: str, names: Path, atlas: Path, out: Path) -> dict[str, Any]:
    """Run code in a child Python; return wall seconds, peak memory (MiB) and the status counts printed."""
    run = python_child(code, str(names), str(atlas), str(out))
    return {"wall_s": run.wall_s, "peak_rss_mib": run.peak_rss_mib, "counts": run.stdout.strip()}


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"names": args.names, "runs": args.runs}
    with tempfile.TemporaryDirectory() as tmp:
        names = Path(tmp) / "names.csv"
        make_names(args.atlas, args.names, names)
        for label, code in (("rxatlas_screen", SCREEN), ("exact_match", EXACT)):
            runs = [measure(code, names, args.atlas, Path(tmp) / f"{label}.csv") for _ in range(args.runs)]
            result[label] = {"wall_s": statistics.median(r["wall_s"] for r in runs),
                             "peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in runs),
                             "runs": runs}
    result["time_ratio"] = round(result["rxatlas_screen"]["wall_s"] / result["exact_match"]["wall_s"], 1)
    result["memory_ratio"] = round(
        result["rxatlas_screen"]["peak_rss_mib"] / result["exact_match"]["peak_rss_mib"], 1)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for label in ("rxatlas_screen", "exact_match"):
        r = result[label]
        print(f"{label}: {r['wall_s']} s, {r['peak_rss_mib']} MiB (median of {args.runs}); "
              f"{r['runs'][0]['counts']}")
    print(f"ratio: time {result['time_ratio']}x, memory {result['memory_ratio']}x")


if __name__ == "__main__":
    main()
