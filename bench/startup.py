"""Benchmark the start-up of the rxatlas command: CPU time of `rxatlas --help` and of `rxatlas substance
atorvastatin --json` against the floor `python -c "import duckdb"`, measured in the same run.

Each command runs in a child process RUNS times, interleaved so that load from other jobs falls on all three alike;
the figure kept is the median CPU time (user + system, from wait4). Targets: --help within 3x the floor, substance
within 5x. Usage:

    .venv/bin/python bench/startup.py ATLAS [--runs 9] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

from child import run_child

TARGETS = {"rxatlas --help": 3.0, "rxatlas substance atorvastatin --json": 5.0}


def commands(db: Path) -> dict[str, list[str]]:
    """The floor and the two measured commands, as argument lists."""
    rxatlas = str(Path(sys.executable).with_name("rxatlas"))
    return {"python -c 'import duckdb'": [sys.executable, "-c", "import duckdb"],
            "rxatlas --help": [rxatlas, "--help"],
            "rxatlas substance atorvastatin --json": [rxatlas, "substance", "atorvastatin", "--json", "--db",
                                                      str(db)]}


def measure(db: Path, runs: int) -> list[dict[str, object]]:
    """Median CPU and wall seconds of each command over runs, with its ratio to the floor and its target."""
    cases = commands(db)
    cpu: dict[str, list[float]] = {name: [] for name in cases}
    wall: dict[str, list[float]] = {name: [] for name in cases}
    env = {**os.environ, "COLUMNS": "100"}
    for _ in range(runs):
        for name, argv in cases.items():
            run = run_child(argv, env)
            cpu[name].append(run.cpu_s)
            wall[name].append(run.wall_s)
    floor = statistics.median(cpu["python -c 'import duckdb'"])
    rows: list[dict[str, object]] = []
    for name in cases:
        median = statistics.median(cpu[name])
        rows.append({"command": name, "cpu_s": round(median, 3), "wall_s": round(statistics.median(wall[name]), 3),
                     "ratio": round(median / floor, 2), "target": TARGETS.get(name),
                     "within": median / floor <= TARGETS[name] if name in TARGETS else None})
    return rows


def main() -> None:
    """Parse arguments, measure and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure(args.atlas, args.runs)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| command | CPU (s) | wall (s) | × floor | target |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        target = f"{r['target']}× ({'met' if r['within'] else 'missed'})" if r["target"] else "floor"
        print(f"| `{r['command']}` | {r['cpu_s']} | {r['wall_s']} | {r['ratio']}× | {target} |")


if __name__ == "__main__":
    main()
