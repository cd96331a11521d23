"""Benchmark the build's warehouse steps and firm resolution on DuckDB and on Spark local, at 1x, 10x, 100x records.

The inputs are the atlas's raw and meta tables enlarged at the warehouse level (bench/enlarge.py --warehouse: a
Parquet warehouse folder, firm-naming sources repeated N times with name noise and distinct record keys). Both
engines start from that folder. DuckDB: `publish` it into an atlas file (timed apart: DuckDB's import cost), then
every step of `all_steps()` by `run_steps`. Spark: `SparkEngine` on a copy of the folder, same steps. Resolution
alone (`build_firm_tables`) is then run again on each built warehouse. Every measurement is a fresh child process;
wall time is taken around it, peak memory is the peak summed RSS of its process tree (Spark's driver JVM is a child
of the Python process), polled from /proc, or the child's own maximum from wait4 when that is higher. Ratios are
Spark / DuckDB at each factor and each engine against its own 1x run of the same command. Usage:

    .venv/bin/python bench/scale.py ATLAS [--factors 1,10,100] [--timeout 1200] [--engines duckdb,spark]
        [--duckdb-memory 8GB] [--spark-memory 8g] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from child import ChildRun  # noqa: E402
from enlarge import enlarge_warehouse  # noqa: E402

# argv: engine, path, DuckDB memory limit, what ("build" or "resolve"). Prints "step NAME T" as steps start.
CHILD = """
import json, sys, time
from pathlib import Path
kind, path, memory, what = sys.argv[1:5]
start = time.perf_counter()
if kind == "spark":
    from rxatlas.warehouse.spark import SparkEngine
    engine = SparkEngine(path)
else:
    from rxatlas.warehouse.duck import DuckDBEngine
    engine = DuckDBEngine(Path(path))
    engine.execute(f"SET memory_limit = '{memory}'")
opened = time.perf_counter()
out = {"open_s": round(opened - start, 2)}
with engine:
    if what == "build":
        from rxatlas.build import all_steps
        from rxatlas.warehouse.steps import run_steps
        tick = lambda name: print("step", name, round(time.perf_counter() - start, 1), flush=True)
        results = run_steps(engine, all_steps(), tick)
        out["steps"] = {r.name: round(r.seconds, 2) for r in results if r.status == "ok"}
        out["skipped"] = [r.name for r in results if r.status != "ok"]
    else:
        from rxatlas.resolve.tables import build_firm_tables
        build_firm_tables(engine)
    out["work_s"] = round(time.perf_counter() - opened, 2)
    out["mentions"] = engine.scalar("SELECT count(*) FROM core.firm_mention")
    out["firms"] = engine.scalar("SELECT count(*) FROM core.firm")
if kind == "spark":
    engine.spark.stop()
print("RESULT", json.dumps(out), flush=True)
"""

PUBLISH = """
import sys
from pathlib import Path
from rxatlas.warehouse.publish import publish
publish(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def _tree_rss_kib(root: int) -> int:
    """The summed resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            children[int(stat.read_text().rsplit(")", 1)[1].split()[1])].append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        stack.extend(children.get(pid, []))
    return total


def run_tree(argv: list[str], timeout: float, env: dict[str, str]) -> ChildRun | None:
    """Like child.run_child, with the whole process tree's peak RSS and a timeout (None when it ran out)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, start_new_session=True)
        peak_kib, status, usage = 0, None, None
        while status is None:
            pid, code, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, usage = code, ru
                break
            peak_kib = max(peak_kib, _tree_rss_kib(proc.pid))
            if time.perf_counter() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                out.seek(0)
                steps = [line for line in out.read().decode().splitlines() if line.startswith("step ")]
                print(f"  timed out after {timeout:.0f} s; last: {steps[-1] if steps else 'no step started'}",
                      file=sys.stderr)
                return None
            time.sleep(0.5)
        wall = time.perf_counter() - started
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # a JVM left behind by the child
        out.seek(0)
        err.seek(0)
        failed = os.waitstatus_to_exitcode(status) != 0
        text = out.read().decode() + (f"ERROR {err.read().decode()[-2000:]}" if failed else "")
        return ChildRun(round(wall, 2), round(max(peak_kib, usage.ru_maxrss) / 1024, 1), text)


def measure(argv: list[str], timeout: float, env: dict[str, str]) -> dict[str, Any]:
    """One measurement: wall seconds, peak tree RSS and the child's RESULT line, or a timeout."""
    run = run_tree([sys.executable, "-c", *argv], timeout, env)
    if run is None:
        return {"timeout_s": timeout}
    if "\nERROR " in "\n" + run.stdout:
        return {"error": run.stdout.split("ERROR ", 1)[1].strip().splitlines()[-3:], "after_s": run.wall_s}
    result = next((json.loads(line[7:]) for line in run.stdout.splitlines() if line.startswith("RESULT ")), {})
    return {"wall_s": run.wall_s, "peak_rss_mib": run.peak_rss_mib, "load_1m": round(os.getloadavg()[0], 1), **result}


def factor_runs(folder: Path, work: Path, engines: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """Measure every engine on one enlarged folder; each on its own private copy."""
    env = {**os.environ, "RXATLAS_THREADS": "2", "RXATLAS_SPARK_DRIVER_MEMORY": args.spark_memory}
    runs: dict[str, Any] = {}
    for engine in engines:
        if engine == "duckdb":
            target = work / "atlas.duckdb"
            runs["duckdb_publish"] = measure([PUBLISH, str(folder), str(target)], args.timeout, env)
        else:
            target = work / "spark"
            shutil.copytree(folder, target)
        for what in ("build", "resolve"):
            key = f"{engine}_{what}"
            print(f"  {key} ...", file=sys.stderr, flush=True)
            runs[key] = measure([CHILD, engine, str(target), args.duckdb_memory, what], args.timeout, env)
            print(f"  {key}: {json.dumps(runs[key])[:300]}", file=sys.stderr, flush=True)
            if "wall_s" not in runs[key]:
                break  # resolution needs the built warehouse
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    return runs


def ratios(results: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Spark / DuckDB at each factor, and each measurement against its own run at the smallest factor."""
    base = results[min(results)]["runs"]
    out: dict[str, Any] = {}
    for factor, result in results.items():
        runs = result["runs"]
        row: dict[str, Any] = {}
        for what in ("build", "resolve"):
            spark, duck = runs.get(f"spark_{what}", {}), runs.get(f"duckdb_{what}", {})
            for metric in ("wall_s", "peak_rss_mib"):
                if metric in spark and metric in duck:
                    row[f"{what}_{metric}_spark_over_duckdb"] = round(spark[metric] / duck[metric], 2)
        for key, run in runs.items():
            if "wall_s" in run and "wall_s" in base.get(key, {}):
                row[f"{key}_time_vs_own_base"] = round(run["wall_s"] / base[key]["wall_s"], 2)
                row[f"{key}_memory_vs_own_base"] = round(run["peak_rss_mib"] / base[key]["peak_rss_mib"], 2)
        out[str(factor)] = row
    return out


def show(report: dict[str, Any]) -> None:
    """Print one line per measurement and the ratios."""
    for factor, result in report["factors"].items():
        print(f"x{factor}: {result['raw_rows']:,} raw rows")
        for key, run in result["runs"].items():
            if "wall_s" not in run:
                print(f"  {key:<16} " + (f"timed out after {run['timeout_s']:.0f} s" if "timeout_s" in run
                                         else f"failed after {run['after_s']:.0f} s: {run['error']}"))
                continue
            top = sorted(run.get("steps", {}).items(), key=lambda kv: -kv[1])[:5]
            print(f"  {key:<16} {run['wall_s']:>8.1f} s {run['peak_rss_mib']:>9.0f} MiB"
                  + (f"  top steps: {', '.join(f'{n} {s:.1f}' for n, s in top)}" if top else ""))
    for factor, row in report["ratios"].items():
        print(f"ratios x{factor}: " + ", ".join(f"{k} {v}" for k, v in row.items()))


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path, help="an atlas built from the snapshot (its raw tables are the 1x)")
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per child run")
    parser.add_argument("--duckdb-memory", default="8GB", help="DuckDB memory_limit of the build children")
    parser.add_argument("--spark-memory", default="8g", help="RXATLAS_SPARK_DRIVER_MEMORY of the Spark children")
    parser.add_argument("--work", type=Path, help="folder for the enlarged warehouses (default: beside ATLAS)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    factors = sorted(int(f) for f in args.factors.split(","))
    engines = args.engines.split(",")
    results: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(dir=args.work or args.atlas.parent) as tmp:
        for factor in factors:
            folder = Path(tmp) / f"x{factor}"
            started = time.perf_counter()
            rows = enlarge_warehouse(args.atlas, folder, factor=factor)
            print(f"x{factor}: enlarged in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
            work = Path(tmp) / "work"
            work.mkdir()
            results[factor] = {"raw_rows": sum(n for t, n in rows.items() if t.startswith("raw.")),
                               "runs": factor_runs(folder, work, engines, args)}
            shutil.rmtree(work)
            shutil.rmtree(folder)
    report = {"nproc": os.cpu_count(), "load_avg": os.getloadavg(), "duckdb_memory": args.duckdb_memory,
              "spark_memory": args.spark_memory, "factors": {str(f): r for f, r in results.items()},
              "ratios": ratios(results)}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        show(report)


if __name__ == "__main__":
    main()
