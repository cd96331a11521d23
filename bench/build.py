"""Benchmark a full `rxatlas build` against its floor: a plain DuckDB load of the same raw files.

Each run is a separate child process; wall time is measured around it and peak memory is the child's
maximum resident set size (from wait4). Usage:

    .venv/bin/python bench/build.py [--data ../shared/data] [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from child import run_child

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
RXATLAS = Path(sys.executable).with_name("rxatlas")
# Suffixes DuckDB reads without extensions; everything else (zip, xlsx, pdf, xml) is skipped by the floor.
NATIVE_READERS = {".csv": "read_csv", ".txt": "read_csv", ".json": "read_json"}


@dataclass
class Run:
    """One measured child process."""

    wall_s: float
    peak_rss_mib: float
    output: dict[str, Any] = field(default_factory=dict)


@dataclass
class Summary:
    """Median figures over the runs of one benchmark case."""

    case: str
    runs: list[Run]

    @property
    def wall_s(self) -> float:
        return statistics.median(r.wall_s for r in self.runs)

    @property
    def peak_rss_mib(self) -> float:
        return statistics.median(r.peak_rss_mib for r in self.runs)


def measure(command: list[str]) -> Run:
    """Run a command as a child process; return its wall time, peak RSS and JSON output."""
    run = run_child(command)
    return Run(run.wall_s, run.peak_rss_mib, json.loads(run.stdout) if run.stdout.strip() else {})


def _reader(path: Path) -> str | None:
    suffixes = [s for s in path.suffixes if s != ".gz"]
    return NATIVE_READERS.get(suffixes[-1].lower()) if suffixes else None


def floor_load(db: Path, data: Path) -> dict[str, Any]:
    """Load every raw file DuckDB reads natively into one table each, with auto-detection only."""
    import duckdb

    con = duckdb.connect(str(db))
    loaded: dict[str, int] = {}
    skipped: dict[str, str] = {}
    for path in sorted(p for p in data.rglob("*") if p.is_file() and p.parent != data):
        name = str(path.relative_to(data))
        reader = _reader(path)
        if reader is None:
            skipped[name] = f"{''.join(path.suffixes) or 'no suffix'} is not read natively"
            continue
        table = re.sub(r"\W+", "_", name).strip("_")
        try:
            con.execute(f'CREATE TABLE "{table}" AS SELECT * FROM {reader}(?)', [str(path)])
        except duckdb.Error as exc:
            skipped[name] = str(exc).splitlines()[0]
            continue
        loaded[name] = int(con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0])
    con.execute("CHECKPOINT")
    con.close()
    return {"rows": sum(loaded.values()), "files": loaded, "skipped": skipped}


def machine() -> dict[str, Any]:
    """The machine and software the numbers were measured on."""
    import duckdb

    meminfo = Path("/proc/meminfo").read_text().splitlines() if Path("/proc/meminfo").exists() else []
    total_kib = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal:")), 0)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "nproc": os.cpu_count(),
        "memory_gib": round(total_kib / 1024 / 1024, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


def benchmark(data: Path, runs: int) -> dict[str, Any]:
    """Measure both cases `runs` times each, alternating, in fresh temporary folders."""
    build, floor = Summary("rxatlas build (full)", []), Summary("DuckDB floor (raw files, no checks)", [])
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="rxatlas-bench-") as tmp:
            build.runs.append(measure([str(RXATLAS), "build", "--db", f"{tmp}/atlas.duckdb", "--mirror",
                                       str(data), "--cache", f"{tmp}/cache", "--json"]))
            floor.runs.append(measure([sys.executable, __file__, "--floor-load", f"{tmp}/floor.duckdb",
                                       "--data", str(data)]))
    build_rows = sum(sum(s["rows"].values()) for s in build.runs[-1].output["sources"])
    return {
        "machine": machine(),
        "data": str(data),
        "runs": runs,
        "cases": [
            {"case": s.case, "wall_s": s.wall_s, "peak_rss_mib": s.peak_rss_mib, "rows": rows,
             "all_runs": [{"wall_s": r.wall_s, "peak_rss_mib": r.peak_rss_mib} for r in s.runs]}
            for s, rows in ((build, build_rows), (floor, floor.runs[-1].output["rows"]))
        ],
        "ratio": {"wall": round(build.wall_s / floor.wall_s, 1),
                  "peak_rss": round(build.peak_rss_mib / floor.peak_rss_mib, 1)},
        "floor_skipped": floor.runs[-1].output["skipped"],
        "build_sources": len(build.runs[-1].output["sources"]),
    }


def show(result: dict[str, Any]) -> None:
    """Print the result as a plain-text table."""
    m = result["machine"]
    print(f"{m['date']}  {m['nproc']} CPUs, {m['memory_gib']} GiB, Python {m['python']}, DuckDB {m['duckdb']}; "
          f"median of {result['runs']} run(s)")
    print(f"{'case':<38} {'wall s':>8} {'peak RSS MiB':>13} {'rows':>12}")
    for c in result["cases"]:
        print(f"{c['case']:<38} {c['wall_s']:>8.2f} {c['peak_rss_mib']:>13.1f} {c['rows']:>12,}")
    print(f"{'ratio build / floor':<38} {result['ratio']['wall']:>7.1f}x {result['ratio']['peak_rss']:>12.1f}x")
    print(f"floor skipped {len(result['floor_skipped'])} files:")
    for name, reason in result["floor_skipped"].items():
        print(f"  {name}: {reason}")


def main() -> None:
    """Parse arguments and run the benchmark (or, internally, one floor load)."""
    parser = argparse.ArgumentParser(description="Benchmark a full rxatlas build against a plain DuckDB load.")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of source snapshots")
    parser.add_argument("--runs", type=int, default=1, help="runs of each case (the median is reported)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--floor-load", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_load:
        print(json.dumps(floor_load(args.floor_load, args.data)))
        return
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    result = benchmark(args.data, args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        show(result)


if __name__ == "__main__":
    main()
