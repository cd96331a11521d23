"""Opportunities for a home country: substances whose US supply is concentrated or vulnerable, ranked, with the
home country's qualified capability (DMFs, registered API sites) or white space, and the evidence."""

from __future__ import annotations

from typing import Any

from rxatlas.errors import InputError
from rxatlas.supply.scope import scope_note
from rxatlas.supply.vulnerability import load_config, scores
from rxatlas.warehouse.engine import Engine

# A substance is an opening when its sources sit in few countries (highly concentrated, 2023 US Merger
# Guidelines band) or are few, or when its vulnerability score is high on other grounds.
MAX_SOURCES = 3
MIN_SCORE = 40.0
# A home country holding this share of the sources already leads the supply (a position to keep, not to win).
DOMINANT_SHARE = 0.5
# The most pressing FDA shortage status first.
SHORTAGE_ORDER = ("Current", "To Be Discontinued", "Resolved")

HOME_SQL = """
SELECT unii, firm_id, firm_name, country, country_basis, source_kind, dmfs, evidence
FROM core.api_source
WHERE country = ? OR holder_country = ? OR list_contains(site_countries, ?)
ORDER BY unii, firm_name
"""
CANDIDATES_SQL = """
SELECT unii, substance, n_sources, n_countries, hhi, hhi_band, country_shares
FROM core.substance_metrics
WHERE hhi_band = 'highly concentrated' OR n_sources <= ?
"""


def _home_sources(engine: Engine, home: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for row in engine.query(HOME_SQL, [home, home, home]).to_pylist():
        found.setdefault(row.pop("unii"), []).append(row)
    return found


def opportunities(engine: Engine, home: str = "KR", limit: int | None = 50,
                  scope: str | None = None) -> dict[str, Any]:
    """Ranked substances of the market scope (us_human_rx unless said) where US supply is concentrated or
    vulnerable, each with the home country's position."""
    home = home.strip().upper()
    if not engine.query("SELECT 1 FROM core.country WHERE iso2 = ?", [home]).num_rows:
        raise InputError(f"unknown country code {home!r}; give an ISO 3166 alpha-2 code such as KR, JP or DE")
    candidates = {r["unii"]: r for r in engine.query(CANDIDATES_SQL, [MAX_SOURCES]).to_pylist()}
    config = load_config()
    scored = [s for s in scores(engine, None, config, scope) if s["unii"] in candidates or s["score"] >= MIN_SCORE]
    metrics = {r["unii"]: r for r in engine.query(
        "SELECT unii, market_scope, market_scope_confidence, n_sources, n_countries, hhi, hhi_band, country_shares "
        "FROM core.substance_metrics"
    ).to_pylist()}
    home_sources = _home_sources(engine, home)
    rows = []
    for rank, score in enumerate(scored, start=1):
        mine = home_sources.get(score["unii"], [])
        metric = metrics[score["unii"]]
        home_share = next((c["share"] for c in metric["country_shares"] if c["country"] == home), 0.0)
        reasons = [r for r, hit in (("highly concentrated by country", metric["hhi_band"] == "highly concentrated"),
                                    (f"{metric['n_sources']} source(s) only", metric["n_sources"] <= MAX_SOURCES),
                                    (f"vulnerability {score['score']:g} >= {MIN_SCORE:g}",
                                     score["score"] >= MIN_SCORE)) if hit]
        rows.append({
            "rank": rank, "unii": score["unii"], "substance": score["substance"],
            "market_scope": metric["market_scope"], "market_scope_confidence": metric["market_scope_confidence"],
            "score": score["score"],
            "shortage_status": next((s for s in SHORTAGE_ORDER if s in {x["status"] for x in score["shortages"]}),
                                    None),
            "shortages": score["shortages"],
            "why_listed": reasons, "explanation": score["explanation"],
            "n_sources": metric["n_sources"], "hhi": metric["hhi"], "hhi_band": metric["hhi_band"],
            "country_shares": metric["country_shares"],
            "home_capability": ("white_space" if not mine else "dominant" if home_share >= DOMINANT_SHARE
                                else "qualified"),
            "home_share": home_share,
            "home_sources": [{"firm": s["firm_name"], "firm_id": s["firm_id"], "country": s["country"],
                              "country_basis": s["country_basis"], "source_kind": s["source_kind"],
                              "dmfs": s["dmfs"] or []} for s in mine],
            "evidence": [e for s in mine for e in s["evidence"]] if mine else [
                f"no active Type II DMF holder, bulk listing or registered API site of {home} is linked to "
                f"{score['substance']}"],
        })
    qualified = sum(1 for r in rows if r["home_capability"] != "white_space")
    return {"home": home, **scope_note(scope),
            "basis": "counts of distinct qualified API sources; public data has no volumes",
            "criteria": {"hhi_band": "highly concentrated", "max_sources": MAX_SOURCES, "min_score": MIN_SCORE},
            "candidates": len(rows), "with_home_capability": qualified, "white_space": len(rows) - qualified,
            "opportunities": rows[:limit] if limit else rows}
