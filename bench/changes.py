"""Benchmark `changes` across two DMF snapshots against its floor: a plain SQL EXCEPT of the two snapshots.

The atlas must hold two snapshots of the DMF list (an older quarter beside the real one: see
tests/test_history_changes.py). `changes` finds added, removed, closed and changed DMFs with the rows compared and
first/last seen; the floor only lists the rows of either snapshot missing from the other (both directions). Each
measurement runs in a child Python on the atlas (read-only). Usage:

    .venv/bin/python bench/changes.py ATLAS [--json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from child import python_child

CHANGES = """
import sys
from pathlib import Path
from rxatlas.history.changes import changes
from rxatlas.warehouse.duck import DuckDBEngine
with DuckDBEngine(Path(sys.argv[1]), read_only=True) as engine:
    print(len(changes(engine, "fda_dmf")))
"""

# The floor: rows of either snapshot not in the other, compared on the tracked columns, nothing else.
PLAIN_EXCEPT = """
import sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
old, new = [r[0] for r in con.execute(
    "SELECT DISTINCT _snapshot FROM raw.fda_dmf__dmf ORDER BY 1 DESC LIMIT 2").fetchall()][::-1]
cols = "dmf, status, type, holder, subject"
rows = con.execute(f'''
    (SELECT {cols} FROM raw.fda_dmf__dmf WHERE _snapshot = ? EXCEPT SELECT {cols} FROM raw.fda_dmf__dmf
     WHERE _snapshot = ?)
    UNION ALL
    (SELECT {cols} FROM raw.fda_dmf__dmf WHERE _snapshot = ? EXCEPT SELECT {cols} FROM raw.fda_dmf__dmf
     WHERE _snapshot = ?)''', [new, old, old, new]).fetchall()
print(len(rows))
"""


def measure(code: str, atlas: Path) -> dict[str, Any]:
    """Run code in a child Python; return wall seconds, peak RSS in MiB and the count it printed."""
    run = python_child(code, str(atlas))
    return {"wall_s": run.wall_s, "peak_rss_mib": run.peak_rss_mib, "rows": int(run.stdout.strip())}


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"changes": measure(CHANGES, args.atlas),
                              "plain_except": measure(PLAIN_EXCEPT, args.atlas)}
    result["time_ratio"] = round(result["changes"]["wall_s"] / result["plain_except"]["wall_s"], 1)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    c, p = result["changes"], result["plain_except"]
    print(f"changes: {c['rows']} changes in {c['wall_s']} s / {c['peak_rss_mib']} MiB; plain EXCEPT: {p['rows']} "
          f"rows in {p['wall_s']} s / {p['peak_rss_mib']} MiB; time ratio {result['time_ratio']}x")


if __name__ == "__main__":
    main()
