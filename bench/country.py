"""Benchmark `rxatlas country` answers, warm and cold, against the country endpoint's SQL before issue 14.

Countries: every country with a qualified API source (Atlas.countries, scope all), most sources first.
Warm: one child process opens the atlas, answers one warm-up country, then times every country. Cold: a fresh
child process per country (the first --cold countries) times importing, opening the atlas and one answer.
The baseline is the old endpoint's three queries (country row, facility counts, substances with the share), run
on a plain DuckDB connection in the same modes. Peak memory is each child's maximum resident set size (wait4).
Usage:

    .venv/bin/python bench/country.py ATLAS [--cold 5] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from child import python_child

ANSWER = """
import json, sys, time
started = time.perf_counter()
from rxatlas.atlas import Atlas
codes = json.loads(sys.argv[2])
with Atlas(sys.argv[1]) as atlas:
    if len(codes) > 1:
        atlas.country(codes[0])
        started = time.perf_counter()
    found = sum(bool(atlas.country(c)["substances"]) for c in codes)
print(json.dumps({"seconds": time.perf_counter() - started, "found": found}))
"""

# The floor: GET /api/countries/{iso2} before issue 14 (commit f1f8778), its three queries on plain DuckDB.
BASELINE = """
import json, sys, time
started = time.perf_counter()
import duckdb
codes = json.loads(sys.argv[2])
COUNTRY = "SELECT iso2, iso3, name, common_name, eu27 FROM core.country WHERE iso2 = ?"
FACILITIES = ("SELECT count(*) AS facilities, count(*) FILTER (WHERE api_manufacture) AS api_facilities "
              "FROM core.facility WHERE country_iso2 = ?")
SUBSTANCES = '''
SELECT a.unii, a.substance, count(*) AS sources_here, m.n_sources, m.n_countries, m.hhi, m.hhi_band,
       (SELECT s.share FROM unnest(m.country_shares) AS t(s) WHERE s.country = ?) AS share,
       m.single_country, list(a.firm_name ORDER BY a.firm_name) AS firms
FROM core.api_source a JOIN core.substance_metrics m USING (unii)
WHERE a.country = ? AND (? = 'all' OR m.market_scope = ?)
GROUP BY a.unii, a.substance, m.n_sources, m.n_countries, m.hhi, m.hhi_band, m.country_shares, m.single_country
ORDER BY share DESC NULLS LAST, substance
'''
con = duckdb.connect(sys.argv[1], read_only=True)
def answer(code):
    con.execute(COUNTRY, [code]).fetchall()
    con.execute(FACILITIES, [code]).fetchall()
    return con.execute(SUBSTANCES, [code, code, "us_human_rx", "us_human_rx"]).fetchall()
if len(codes) > 1:
    answer(codes[0])
    started = time.perf_counter()
found = sum(bool(answer(c)) for c in codes)
print(json.dumps({"seconds": time.perf_counter() - started, "found": found}))
"""


def measure(code: str, db: Path, countries: list[str]) -> dict[str, Any]:
    """Run code in a child Python over the countries; return its timed seconds, answers found and peak RSS."""
    run = python_child(code, str(db), json.dumps(countries))
    result: dict[str, Any] = json.loads(run.stdout.splitlines()[-1])  # the last line: other output may precede
    return {"seconds": result["seconds"], "found": result["found"], "peak_rss_mib": run.peak_rss_mib}


def warm(code: str, db: Path, countries: list[str]) -> dict[str, Any]:
    """Every country answered in one process after a warm-up answer."""
    m = measure(code, db, countries)
    return {**m, "seconds": round(m["seconds"], 2), "ms_per_answer": round(1000 * m["seconds"] / len(countries), 1)}


def cold(code: str, db: Path, countries: list[str]) -> dict[str, Any]:
    """Each country in a fresh process: import, open and one answer; the median over the countries."""
    runs = [measure(code, db, [c]) for c in countries]
    return {"countries": len(runs), "median_s": round(statistics.median(r["seconds"] for r in runs), 3),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs)}


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("--cold", type=int, default=5, help="countries answered each in a fresh process")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    listing = python_child("import json, sys\nfrom rxatlas.atlas import Atlas\n"
                           "print(json.dumps([c['iso2'] for c in Atlas(sys.argv[1]).countries('all')]))",
                           str(args.atlas))
    countries = json.loads(listing.stdout.splitlines()[-1])
    out: dict[str, Any] = {"countries": len(countries)}
    for mode, run, chosen in (("warm", warm, countries), ("cold", cold, countries[:args.cold])):
        answer, floor = run(ANSWER, args.atlas, chosen), run(BASELINE, args.atlas, chosen)
        key = "seconds" if mode == "warm" else "median_s"
        out[mode] = {"country": answer, "baseline": floor,
                     "time_ratio": round(answer[key] / floor[key], 1),
                     "memory_ratio": round(answer["peak_rss_mib"] / floor["peak_rss_mib"], 1)}
    out["wall_s"] = round(time.perf_counter() - started, 1)
    if args.json:
        print(json.dumps(out, indent=1))
        return
    w, c = out["warm"], out["cold"]
    print(f"warm, {len(countries)} countries: country {w['country']['seconds']} s ({w['country']['ms_per_answer']} "
          f"ms each, {w['country']['peak_rss_mib']} MiB); baseline {w['baseline']['seconds']} s "
          f"({w['baseline']['ms_per_answer']} ms each, {w['baseline']['peak_rss_mib']} MiB); "
          f"ratio time {w['time_ratio']}x memory {w['memory_ratio']}x")
    print(f"cold, {c['country']['countries']} countries in fresh processes: country median "
          f"{c['country']['median_s']} s "
          f"({c['country']['peak_rss_mib']} MiB); baseline {c['baseline']['median_s']} s "
          f"({c['baseline']['peak_rss_mib']} MiB); ratio time {c['time_ratio']}x memory {c['memory_ratio']}x")


if __name__ == "__main__":
    main()
