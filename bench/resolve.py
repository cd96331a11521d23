"""Benchmark firm resolution against its floor: a plain exact-match join of the same mentions.

Cases: the atlas as built from the snapshot, and its synthetic enlargement (bench/enlarge.py, 100x mentions with
name noise). Each measurement runs in a child process on a private copy of the database; wall time is taken
around it and peak memory is the child's maximum resident set size (from wait4). Usage:

    .venv/bin/python bench/resolve.py ATLAS [--factor 100] [--threads 2] [--memory 4GB] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from child import python_child  # noqa: E402
from enlarge import enlarge  # noqa: E402

RESOLVE = """
import sys
from pathlib import Path
from rxatlas.resolve.tables import build_firm_tables
from rxatlas.warehouse.duck import DuckDBEngine
with DuckDBEngine(Path(sys.argv[1])) as engine:
    engine.execute(f"SET memory_limit = '{sys.argv[2]}'")
    build_firm_tables(engine)
"""

# The floor: every mention name joined to DECRS firm names on the upper-cased, trimmed string.
EXACT_JOIN = """
import sys
import duckdb
from rxatlas.resolve.mentions import SPECS
con = duckdb.connect(sys.argv[1])
con.execute(f"SET memory_limit = '{sys.argv[2]}'")
tables = {f"{s}.{t}" for s, t in con.execute(
    "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
parts = [f"SELECT {s.name} AS name FROM {s.table}" for s in SPECS if s.table in tables]
con.execute(f'''
    CREATE OR REPLACE TEMP TABLE exact_link AS
    WITH m AS ({" UNION ALL ".join(parts)}),
         firms AS (SELECT DISTINCT upper(trim(firm_name)) AS k, country_iso2 FROM core.establishment)
    SELECT m.name, f.country_iso2 FROM m LEFT JOIN firms f ON upper(trim(m.name)) = f.k
''')
"""


def measure(code: str, db: Path, threads: int, memory: str) -> dict[str, float]:
    """Run code in a child Python on db; return wall seconds and peak RSS in MiB."""
    run = python_child(code, str(db), memory, env={**os.environ, "RXATLAS_THREADS": str(threads)})
    return {"wall_s": run.wall_s, "peak_rss_mib": run.peak_rss_mib}


def case(name: str, db: Path, work: Path, threads: int, memory: str) -> dict[str, Any]:
    """Time resolution and the exact-match floor on private copies of db."""
    results = {}
    for label, code in (("resolve", RESOLVE), ("exact_join", EXACT_JOIN)):
        copy = work / f"{name}-{label}.duckdb"
        shutil.copyfile(db, copy)
        results[label] = measure(code, copy, threads, memory)
        if label == "resolve":
            import duckdb

            con = duckdb.connect(str(copy), read_only=True)
            results["mentions"] = con.execute("SELECT count(*) FROM core.firm_mention").fetchall()[0][0]
            results["distinct_names"] = con.execute(
                "SELECT count(DISTINCT mention_name) FROM core.firm_mention").fetchall()[0][0]
            con.close()
        copy.unlink()
    results["time_ratio"] = round(results["resolve"]["wall_s"] / results["exact_join"]["wall_s"], 1)
    results["memory_ratio"] = round(results["resolve"]["peak_rss_mib"] / results["exact_join"]["peak_rss_mib"], 1)
    return {"case": name, **results}


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory", default="4GB", help="DuckDB memory_limit of both children")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.atlas.parent) as tmp:
        work = Path(tmp)
        out = [case("snapshot", args.atlas, work, args.threads, args.memory)]
        enlarged = work / "enlarged.duckdb"
        enlarge(args.atlas, enlarged, factor=args.factor)
        out.append(case(f"enlarged x{args.factor}", enlarged, work, args.threads, args.memory))
    if args.json:
        print(json.dumps(out, indent=1))
        return
    for row in out:
        print(f"{row['case']}: {row['mentions']:,} mentions, {row['distinct_names']:,} names; resolve "
              f"{row['resolve']['wall_s']} s / {row['resolve']['peak_rss_mib']} MiB; exact join "
              f"{row['exact_join']['wall_s']} s / {row['exact_join']['peak_rss_mib']} MiB; ratio "
              f"time {row['time_ratio']}x memory {row['memory_ratio']}x")


if __name__ == "__main__":
    main()
