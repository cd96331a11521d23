"""Benchmark the supply-map trust steps and the commands that read them.

1. Build steps: source qualification (core.source_evidence) and market scope (core.market_scope), each run on a
   copy of a built atlas, against its floor in the same run: the step's own SQL query alone, with no rules applied.
2. Commands: `headline`, `risk`, `opportunities --home KR`, `substance atorvastatin` and `exposure` run by the
   current code on the current atlas and by a baseline source tree (e.g. the commit before) on its own atlas, each
   in a child process; time (wall and CPU) and peak memory as ratios current / baseline.

    .venv/bin/python bench/supply_map.py ATLAS [--baseline-src DIR --baseline-atlas FILE] [--repeat 3] [--json]

Make the baseline with `git worktree add /tmp/rx-before HEAD~1` and build its atlas with
`PYTHONPATH=/tmp/rx-before .venv/bin/python -m rxatlas.cli build --db /tmp/rx-before/atlas.duckdb`.
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

from child import python_child, run_child

STEP = """
import json, sys, time
from pathlib import Path
from rxatlas.build import all_steps
from rxatlas.warehouse.duck import DuckDBEngine
from rxatlas.warehouse.steps import run_steps
name = sys.argv[2]
with DuckDBEngine(Path(sys.argv[1])) as engine:
    started = time.perf_counter()
    result = run_steps(engine, [s for s in all_steps() if s.name == name])
    print(json.dumps({"seconds": time.perf_counter() - started, "status": result[0].status}))
"""
FLOOR = """
import json, sys, time
from pathlib import Path
from rxatlas.warehouse.duck import DuckDBEngine
from rxatlas.supply import qualify, scope
sql = {"source_evidence": qualify.EVIDENCE_SQL, "market_scope": scope.SIGNALS_SQL}[sys.argv[2]]
with DuckDBEngine(Path(sys.argv[1]), read_only=True) as engine:
    started = time.perf_counter()
    rows = engine.query(sql).num_rows
    print(json.dumps({"seconds": time.perf_counter() - started, "status": f"{rows} rows"}))
"""
COMMANDS = {
    "headline": ["headline", "--json"],
    "risk": ["risk", "--top", "10", "--json"],
    "opportunities": ["opportunities", "--home", "KR", "--json"],
    "substance": ["substance", "atorvastatin", "--json"],
    "exposure": ["exposure", "--json"],
}


def _step(code: str, db: Path, name: str) -> dict[str, Any]:
    run = python_child(code, str(db), name)
    result = json.loads(run.stdout.splitlines()[-1])
    return {"seconds": round(result["seconds"], 2), "peak_rss_mib": run.peak_rss_mib, "status": result["status"]}


def steps(atlas: Path) -> dict[str, Any]:
    """Each trust step on a scratch copy of the atlas beside its SQL floor."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "atlas.duckdb"
        shutil.copyfile(atlas, copy)
        for name in ("source_evidence", "market_scope"):
            step, floor = _step(STEP, copy, name), _step(FLOOR, copy, name)
            out[name] = {"step": step, "floor": floor,
                         "time_ratio": round(step["seconds"] / max(floor["seconds"], 1e-3), 1),
                         "memory_ratio": round(step["peak_rss_mib"] / floor["peak_rss_mib"], 1)}
    return out


def _command(src: Path | None, db: Path, argv: list[str], repeat: int) -> dict[str, Any]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    code = "import sys; from rxatlas.cli import main; sys.argv = ['rxatlas', *sys.argv[1:]]; main()"
    # -P: the working directory must not shadow the tree chosen by PYTHONPATH
    runs = [run_child([sys.executable, "-P", "-c", code, *argv, "--db", str(db)], env=env) for _ in range(repeat)]
    best = min(runs, key=lambda r: r.wall_s)
    return {"wall_s": best.wall_s, "cpu_s": min(r.cpu_s for r in runs),
            "peak_rss_mib": max(r.peak_rss_mib for r in runs)}


def commands(atlas: Path, baseline_src: Path, baseline_atlas: Path, repeat: int) -> dict[str, Any]:
    """Every command by the current code and by the baseline tree; best of `repeat` runs, ratios."""
    out = {}
    for name, argv in COMMANDS.items():
        now = _command(None, atlas, argv, repeat)
        before = _command(baseline_src, baseline_atlas, argv, repeat)
        out[name] = {"current": now, "baseline": before,
                     "wall_ratio": round(now["wall_s"] / before["wall_s"], 2),
                     "cpu_ratio": round(now["cpu_s"] / before["cpu_s"], 2),
                     "memory_ratio": round(now["peak_rss_mib"] / before["peak_rss_mib"], 2)}
    return out


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--baseline-src", type=Path)
    parser.add_argument("--baseline-atlas", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {"steps": steps(args.atlas)}
    if args.baseline_src and args.baseline_atlas:
        result["commands"] = commands(args.atlas, args.baseline_src, args.baseline_atlas, args.repeat)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, row in result["steps"].items():
        print(f"{name}: step {row['step']['seconds']} s / {row['step']['peak_rss_mib']} MiB, floor "
              f"{row['floor']['seconds']} s / {row['floor']['peak_rss_mib']} MiB: x{row['time_ratio']} time, "
              f"x{row['memory_ratio']} memory")
    for name, row in result.get("commands", {}).items():
        print(f"{name}: {row['current']['wall_s']} s vs {row['baseline']['wall_s']} s (x{row['wall_ratio']} wall, "
              f"x{row['cpu_ratio']} cpu, x{row['memory_ratio']} memory)")


if __name__ == "__main__":
    main()
