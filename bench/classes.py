"""Benchmark `rxatlas classes` (the ATC roll-up) against a plain SQL count of substances per ATC class.

Both sides run the same work in child processes: cold, one level-3 answer in a fresh interpreter (start-up,
imports, opening the atlas, the first query) timed around the child; warm, the atlas opened once, one warm-up
answer, then every ATC level 1-4 answered --rounds times, timed in the child. Peak memory is each child's maximum
resident set size (wait4).
The floor counts the substances of us_human_rx per ATC class of the level in one SQL query: no sources, HHI,
countries, shortages, pharmacologic classes or names. Usage:

    .venv/bin/python bench/classes.py ATLAS [--rounds 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from child import ChildRun, python_child

LEVELS = (1, 2, 3, 4)

CLASSES = """
import json, sys, time
started = time.perf_counter()
from rxatlas.atlas import Atlas
rounds = int(sys.argv[2])
with Atlas(sys.argv[1]) as atlas:
    rows = len(atlas.classes(3)["rows"])
    first = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(rounds):
        for level in (1, 2, 3, 4):
            atlas.classes(level)
    print(json.dumps({"first_s": first, "seconds": time.perf_counter() - started, "rows": rows}))
"""

# The floor: substances of the scope per ATC class of a level, straight from the mapped codes.
PLAIN_SQL = """
import json, sys, time
started = time.perf_counter()
import duckdb
rounds = int(sys.argv[2])
query = '''
SELECT substr(code, 1, ?) AS class, count(DISTINCT s.unii) AS substances
FROM core.market_scope AS s JOIN core.substance_criticality AS c ON c.unii = s.unii, UNNEST(c.atc_codes) AS u(code)
WHERE s.market_scope = 'us_human_rx' GROUP BY 1 ORDER BY 1
'''
length = {1: 1, 2: 3, 3: 4, 4: 5}
con = duckdb.connect(sys.argv[1], read_only=True)
rows = len(con.execute(query, [length[3]]).fetchall())
first = time.perf_counter() - started
started = time.perf_counter()
for _ in range(rounds):
    for level in (1, 2, 3, 4):
        con.execute(query, [length[level]]).fetchall()
print(json.dumps({"first_s": first, "seconds": time.perf_counter() - started, "rows": rows}))
"""


def _last_line(run: ChildRun) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(run.stdout.splitlines()[-1])  # the last line: other output may precede
    return result


def measure(code: str, db: Path, rounds: int) -> dict[str, Any]:
    """Run one side in two child Pythons: cold (one answer: wall time and peak RSS) and warm (time per answer over
    every level, rounds times, and peak RSS)."""
    cold, warm = python_child(code, str(db), "0"), python_child(code, str(db), str(rounds))
    first, timed = _last_line(cold), _last_line(warm)
    answers = rounds * len(LEVELS)
    return {"cold_wall_s": cold.wall_s, "cold_first_answer_s": round(first["first_s"], 3),
            "cold_peak_rss_mib": cold.peak_rss_mib,
            "warm_ms_per_answer": round(1000 * timed["seconds"] / answers, 2), "answers": answers,
            "warm_peak_rss_mib": warm.peak_rss_mib, "level_3_rows": timed["rows"]}


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    out: dict[str, Any] = {"classes": measure(CLASSES, args.atlas, args.rounds),
                           "plain_sql": measure(PLAIN_SQL, args.atlas, args.rounds)}
    c, p = out["classes"], out["plain_sql"]
    out["cold_time_ratio"] = round(c["cold_wall_s"] / p["cold_wall_s"], 1)
    out["cold_memory_ratio"] = round(c["cold_peak_rss_mib"] / p["cold_peak_rss_mib"], 1)
    out["warm_time_ratio"] = round(c["warm_ms_per_answer"] / p["warm_ms_per_answer"], 1)
    out["warm_memory_ratio"] = round(c["warm_peak_rss_mib"] / p["warm_peak_rss_mib"], 1)
    out["wall_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(out, indent=1))
        return
    for name, side in (("classes", c), ("plain SQL", p)):
        print(f"{name}: cold {side['cold_wall_s']} s, {side['cold_peak_rss_mib']} MiB; warm "
              f"{side['warm_ms_per_answer']} ms per answer over {side['answers']}, {side['warm_peak_rss_mib']} MiB; "
              f"{side['level_3_rows']} level-3 rows")
    print(f"ratio cold {out['cold_time_ratio']}x time, {out['cold_memory_ratio']}x memory; warm "
          f"{out['warm_time_ratio']}x time, {out['warm_memory_ratio']}x memory")


if __name__ == "__main__":
    main()
