"""Benchmark a scenario over the whole atlas against its baseline: the same metrics without any measure.

Both cases run `rxatlas scenario run ... --json` as a child process on the same atlas: the baseline case reads
the same supply map and applications and computes the same per-substance metrics with no measure applied.
Wall time is taken around each child and peak memory is its maximum resident set size (from wait4). Usage:

    .venv/bin/python bench/scenario.py ATLAS [--scenario examples/biosecure-and-china-outage.yaml] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from build import RXATLAS, Run, measure  # noqa: E402

DEFAULT_SCENARIO = ROOT / "examples" / "biosecure-and-china-outage.yaml"


def _case(atlas: Path, scenario: str, runs: int) -> list[Run]:
    return [measure([str(RXATLAS), "scenario", "run", scenario, "--db", str(atlas), "--json"]) for _ in range(runs)]


def bench(atlas: Path, scenario: Path, runs: int) -> dict[str, Any]:
    """Median wall time and peak RSS of the scenario and of the baseline, with their ratios."""
    cases = {"scenario": _case(atlas, str(scenario), runs), "baseline": _case(atlas, "baseline", runs)}
    out: dict[str, Any] = {"atlas": str(atlas), "scenario_file": str(scenario.relative_to(ROOT)), "runs": runs}
    for name, measured in cases.items():
        summary = measured[0].output["summary"]
        out[name] = {"wall_s": statistics.median(r.wall_s for r in measured),
                     "peak_rss_mib": statistics.median(r.peak_rss_mib for r in measured),
                     "wall_s_runs": [r.wall_s for r in measured], "substances": summary["substances"],
                     "sources_lost": summary["sources_lost"],
                     "tariff_rows": len(measured[0].output["tariffs"]["exposure"])}
    out["ratio_wall"] = round(out["scenario"]["wall_s"] / out["baseline"]["wall_s"], 2)
    out["ratio_rss"] = round(out["scenario"]["peak_rss_mib"] / out["baseline"]["peak_rss_mib"], 2)
    return out


def main() -> None:
    """Parse arguments, run both cases and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = bench(args.atlas, args.scenario.resolve(), args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name in ("scenario", "baseline"):
        r = result[name]
        print(f"{name:9} {r['wall_s']:6.2f} s  {r['peak_rss_mib']:7.1f} MiB  substances {r['substances']}, "
              f"sources lost {r['sources_lost']}, tariff rows {r['tariff_rows']}")
    print(f"ratio     {result['ratio_wall']:.2f}x time, {result['ratio_rss']:.2f}x memory")


if __name__ == "__main__":
    main()
