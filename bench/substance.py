"""Benchmark `rxatlas substance` lookups (warm, in-process) against a plain SQL lookup of the same names.

Names: moiety names of mapped substances and salt names of Drugs@FDA ingredients, taken in a fixed order from
the atlas. Each side runs in a child process: it opens the atlas, answers one warm-up name, then times every
name; peak memory is the child's maximum resident set size (from wait4). Usage:

    .venv/bin/python bench/substance.py ATLAS [--names 300] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import duckdb
from child import python_child

# Half moiety names, half salt names another source holds (both answered without the slow subject mapper).
NAMES_SQL = """
(SELECT substance AS name FROM core.substance_metrics ORDER BY hash(unii) LIMIT ?)
UNION ALL
(SELECT DISTINCT component FROM core.name_substance WHERE origin = 'product' AND kind = 'api'
   AND upper(component) <> upper(substance) ORDER BY component LIMIT ?)
"""

SUBSTANCE = """
import json, sys, time
from rxatlas.atlas import Atlas
from rxatlas.supply.substance import substance_answer
names = json.loads(sys.argv[2])
with Atlas(sys.argv[1]) as atlas:
    substance_answer(atlas, names[0])
    started = time.perf_counter()
    found = sum(substance_answer(atlas, n)["match"] == "unique" for n in names)
    print(json.dumps({"seconds": time.perf_counter() - started, "found": found}))
"""

# The floor: the sources of each name by a plain indexed-free SQL lookup of one table.
PLAIN_SQL = """
import json, sys, time
import duckdb
names = json.loads(sys.argv[2])
con = duckdb.connect(sys.argv[1], read_only=True)
query = "SELECT * FROM core.api_source WHERE upper(substance) = upper(?)"
con.execute(query, [names[0]]).fetchall()
started = time.perf_counter()
found = sum(bool(con.execute(query, [n]).fetchall()) for n in names)
print(json.dumps({"seconds": time.perf_counter() - started, "found": found}))
"""


def measure(code: str, db: Path, names: list[str]) -> dict[str, Any]:
    """Run code in a child Python; return its timed seconds, names found and peak RSS in MiB."""
    run = python_child(code, str(db), json.dumps(names))
    result: dict[str, Any] = json.loads(run.stdout.splitlines()[-1])  # the last line: other output may precede
    return {"seconds": round(result["seconds"], 2), "found": result["found"],
            "ms_per_lookup": round(1000 * result["seconds"] / len(names), 2),
            "peak_rss_mib": run.peak_rss_mib}


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--names", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    con = duckdb.connect(str(args.atlas), read_only=True)
    half = args.names // 2
    names = [r[0] for r in con.execute(NAMES_SQL, [half, args.names - half]).fetchall()]
    con.close()
    started = time.perf_counter()
    out: dict[str, Any] = {"names": len(names), "substance": measure(SUBSTANCE, args.atlas, names),
           "plain_sql": measure(PLAIN_SQL, args.atlas, names)}
    out["time_ratio"] = round(out["substance"]["seconds"] / out["plain_sql"]["seconds"], 1)
    out["memory_ratio"] = round(out["substance"]["peak_rss_mib"] / out["plain_sql"]["peak_rss_mib"], 1)
    out["wall_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(out, indent=1))
        return
    s, p = out["substance"], out["plain_sql"]
    print(f"{len(names)} names: substance {s['seconds']} s ({s['ms_per_lookup']} ms each, {s['found']} found, "
          f"{s['peak_rss_mib']} MiB); plain SQL {p['seconds']} s ({p['ms_per_lookup']} ms each, {p['found']} "
          f"found, {p['peak_rss_mib']} MiB); ratio time {out['time_ratio']}x memory {out['memory_ratio']}x")


if __name__ == "__main__":
    main()
