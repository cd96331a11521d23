"""Benchmark `rxatlas shortages` (the merged answer) and the per-substance shortage rows of `rxatlas substance`
against plain SQL over the same table, cold and warm.

Cold: a child process imports, opens the atlas and gives one answer; its wall time and peak memory are measured.
Warm: a child opens the atlas, gives one warm-up answer, then times --runs answers (the filter variants in
turn: default, --critical, --since, --scope all) and --substances per-substance lookups. The baseline does the
same in plain DuckDB SQL: every shortage record with the substance its generic name maps to, unmerged, and the
records of one substance by generic name. Peak memory is the child's maximum resident set size (wait4). Usage:

    .venv/bin/python bench/shortages.py ATLAS [--runs 20] [--substances 100] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import duckdb
from child import python_child

# Substances with shortage records, in a fixed order.
UNIIS_SQL = """
SELECT DISTINCT unii FROM core.name_substance
WHERE origin IN ('shortage', 'unii') AND kind = 'api' AND unii IS NOT NULL
ORDER BY hash(unii) LIMIT ?
"""

ANSWER = """
import json, sys, time
from rxatlas.atlas import Atlas
from rxatlas.supply.shortages import substance_shortages
runs, uniis = int(sys.argv[2]), json.loads(sys.argv[3])
variants = [{}, {"critical": True}, {"since": "2026-06-01"}, {"scope": "all"}]
with Atlas(sys.argv[1]) as atlas:
    rows = len(atlas.shortages()["presentations"])
    if runs:
        started = time.perf_counter()
        for n in range(runs):
            atlas.shortages(**variants[n % len(variants)])
        answers = time.perf_counter() - started
        started = time.perf_counter()
        found = sum(bool(substance_shortages(atlas.engine, u)) for u in uniis)
        lookups = time.perf_counter() - started
        print(json.dumps({"rows": rows, "answers_s": answers, "lookups_s": lookups, "found": found}))
    else:
        print(json.dumps({"rows": rows}))
"""

# The floor: the records as stored (both files, unmerged), each with the substance its generic name maps to.
PLAIN_SQL = """
import json, sys, time
import duckdb
runs, uniis = int(sys.argv[2]), json.loads(sys.argv[3])
con = duckdb.connect(sys.argv[1], read_only=True)
every = ("SELECT s.*, n.unii FROM core.shortage AS s LEFT JOIN core.name_substance AS n "
         "ON n.origin = 'shortage' AND n.kind = 'api' AND n.name = s.generic_name")
one = every + " WHERE n.unii = ?"
rows = len(con.execute(every).fetchall())
if runs:
    started = time.perf_counter()
    for _ in range(runs):
        con.execute(every).fetchall()
    answers = time.perf_counter() - started
    started = time.perf_counter()
    found = sum(bool(con.execute(one, [u]).fetchall()) for u in uniis)
    lookups = time.perf_counter() - started
    print(json.dumps({"rows": rows, "answers_s": answers, "lookups_s": lookups, "found": found}))
else:
    print(json.dumps({"rows": rows}))
"""


def measure(code: str, db: Path, runs: int, uniis: list[str]) -> dict[str, Any]:
    """Run code in a child Python; return its wall seconds, peak RSS in MiB and what it printed."""
    run = python_child(code, str(db), str(runs), json.dumps(uniis))
    printed: dict[str, Any] = json.loads(run.stdout.splitlines()[-1])  # the last line: other output may precede
    return {**printed, "wall_s": run.wall_s, "peak_rss_mib": run.peak_rss_mib}


def _ratio(a: float, b: float) -> float:
    return round(a / b, 1) if b else float("inf")


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--substances", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    con = duckdb.connect(str(args.atlas), read_only=True)
    uniis = [r[0] for r in con.execute(UNIIS_SQL, [args.substances]).fetchall()]
    con.close()
    started = time.perf_counter()
    cold = {"shortages": measure(ANSWER, args.atlas, 0, []), "plain_sql": measure(PLAIN_SQL, args.atlas, 0, [])}
    warm = {"shortages": measure(ANSWER, args.atlas, args.runs, uniis),
            "plain_sql": measure(PLAIN_SQL, args.atlas, args.runs, uniis)}
    s, p = warm["shortages"], warm["plain_sql"]
    out: dict[str, Any] = {
        "runs": args.runs, "substances": len(uniis), "cold": cold, "warm": warm,
        "ratios": {
            "cold_time": _ratio(cold["shortages"]["wall_s"], cold["plain_sql"]["wall_s"]),
            "cold_memory": _ratio(cold["shortages"]["peak_rss_mib"], cold["plain_sql"]["peak_rss_mib"]),
            "warm_answer_time": _ratio(s["answers_s"], p["answers_s"]),
            "warm_lookup_time": _ratio(s["lookups_s"], p["lookups_s"]),
            "warm_memory": _ratio(s["peak_rss_mib"], p["peak_rss_mib"]),
        },
        "wall_s": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print(json.dumps(out, indent=1))
        return
    r = out["ratios"]
    print(f"cold: shortages {cold['shortages']['wall_s']} s, {cold['shortages']['peak_rss_mib']} MiB "
          f"({cold['shortages']['rows']} presentations); plain SQL {cold['plain_sql']['wall_s']} s, "
          f"{cold['plain_sql']['peak_rss_mib']} MiB ({cold['plain_sql']['rows']} records); ratio time "
          f"{r['cold_time']}x memory {r['cold_memory']}x")
    print(f"warm: {args.runs} answers {s['answers_s']:.2f} s ({1000 * s['answers_s'] / args.runs:.0f} ms each) "
          f"vs plain SQL {p['answers_s']:.2f} s, ratio {r['warm_answer_time']}x; {len(uniis)} substance lookups "
          f"{s['lookups_s']:.2f} s ({s['found']} with rows) vs {p['lookups_s']:.2f} s ({p['found']}), ratio "
          f"{r['warm_lookup_time']}x; peak memory {s['peak_rss_mib']} vs {p['peak_rss_mib']} MiB "
          f"({r['warm_memory']}x)")


if __name__ == "__main__":
    main()
