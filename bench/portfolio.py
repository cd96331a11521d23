"""Benchmark portfolio risk (`rxatlas risk --portfolio`) against its floor: a plain SQL join of the same names.

The portfolio is generated from the atlas: N substance names of core.substance_metrics, every third written as
a DMF subject naming its salt or grade, so the reader and resolver do real work. Each measurement runs in a child
Python on the atlas (read-only); wall time is taken around it and peak memory is the child's maximum resident
set size (from wait4). Usage:

    .venv/bin/python bench/portfolio.py ATLAS [--substances 1000] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from pathlib import Path
from typing import Any

from child import python_child

RISK = """
import sys
from pathlib import Path
from rxatlas.supply.risk import risk
from rxatlas.warehouse.duck import DuckDBEngine
with DuckDBEngine(Path(sys.argv[1]), read_only=True) as engine:
    engine.execute("SET enable_progress_bar = false")
    answer = risk(engine, sys.argv[2])
    assert answer["portfolio"]["rows"] > 0
"""

# The floor: the names joined to the metrics table on the upper-cased string, nothing else.
PLAIN_JOIN = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute(f'''
    SELECT p.substance, m.* FROM read_csv('{sys.argv[2]}', header = true) AS p
    LEFT JOIN core.substance_metrics AS m ON upper(m.substance) = upper(p.substance)
''').fetchall()
"""


def make_portfolio(atlas: Path, path: Path, substances: int) -> int:
    """Write a portfolio of up to `substances` rows taken from the atlas; return the row count."""
    import duckdb

    con = duckdb.connect(str(atlas), read_only=True)
    rows = con.execute("""
        SELECT m.substance, (SELECT min(d.subject) FROM core.dmf_substance AS d
                             WHERE d.unii = m.unii AND d.kind = 'api') AS subject
        FROM core.substance_metrics AS m ORDER BY m.unii LIMIT ?""", [substances]).fetchall()
    con.close()
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["substance"])
        for i, (substance, subject) in enumerate(rows):
            writer.writerow([subject if i % 3 == 0 and subject else substance])
    return len(rows)


def measure(code: str, *args: str) -> dict[str, float]:
    """Run code in a child Python; return wall seconds and peak RSS in MiB."""
    run = python_child(code, *args)
    return {"wall_s": run.wall_s, "peak_rss_mib": run.peak_rss_mib}


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--substances", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "portfolio.csv"
        rows = make_portfolio(args.atlas, path, args.substances)
        result: dict[str, Any] = {"rows": rows, "risk": measure(RISK, str(args.atlas), str(path)),
                                  "plain_join": measure(PLAIN_JOIN, str(args.atlas), str(path))}
    result["time_ratio"] = round(result["risk"]["wall_s"] / result["plain_join"]["wall_s"], 1)
    result["memory_ratio"] = round(result["risk"]["peak_rss_mib"] / result["plain_join"]["peak_rss_mib"], 1)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f"{rows} rows: risk {result['risk']['wall_s']} s / {result['risk']['peak_rss_mib']} MiB; plain join "
          f"{result['plain_join']['wall_s']} s / {result['plain_join']['peak_rss_mib']} MiB; ratio time "
          f"{result['time_ratio']}x memory {result['memory_ratio']}x")


if __name__ == "__main__":
    main()
