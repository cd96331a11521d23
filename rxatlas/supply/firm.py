"""What a firm makes for US supply: the substances it is a qualified API source of, each with its current
shortage status; its finished-dose applications; and the FDA quality signals at its sites."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rxatlas.resolve.lookup import find_firms
from rxatlas.supply import site_signals
from rxatlas.supply.country import files_of
from rxatlas.supply.scope import ALL
from rxatlas.supply.shortages import STATUS_ORDER, shortages
from rxatlas.supply.shortages import TABLES as SHORTAGE_TABLES
from rxatlas.warehouse.engine import Engine

TABLES = frozenset({"core.firm", "core.firm_mention", "core.facility", "core.api_source", "core.source_evidence",
                    "core.substance_metrics", "core.application", "core.product", "core.biologic",
                    *SHORTAGE_TABLES, *site_signals.TABLES})
SOURCES = ("fda_dmf", "fda_ndc_unfinished", "fda_decrs", "fda_shortages", "fda_drugsfda", "fda_purple_book",
           "fda_compliance")
CANDIDATE_KEYS = ("firm_id", "name", "match_score", "country_iso2", "aliases")
# The substances the firm has API evidence for: its own, or counted under another firm of the same maker.
SUBSTANCES_SQL = """
WITH evidence AS (
    SELECT unii, list(DISTINCT dmf ORDER BY dmf) FILTER (WHERE dmf IS NOT NULL) AS dmfs
    FROM core.source_evidence WHERE firm_id = ? AND category = 'api' GROUP BY unii
), mine AS (
    SELECT unii FROM evidence UNION SELECT unii FROM core.api_source WHERE firm_id = ?
)
SELECT m.unii, coalesce(sm.substance, a.substance) AS substance, sm.market_scope,
       a.country AS source_country, a.country_basis, a.source_kind, coalesce(a.dmfs, e.dmfs, []) AS dmfs,
       a.firm_id IS NOT NULL AS counted_under_this_firm,
       sm.n_sources, sm.n_countries, sm.single_source, sm.single_country, sm.hhi_band
FROM mine AS m
LEFT JOIN core.api_source AS a ON a.unii = m.unii AND a.firm_id = ?
LEFT JOIN evidence AS e ON e.unii = m.unii
LEFT JOIN core.substance_metrics AS sm ON sm.unii = m.unii
ORDER BY substance
"""
APPLICATIONS_SQL = """
SELECT a.appl_no, a.appl_type, list(DISTINCT p.drug_name ORDER BY p.drug_name) AS drug_names,
       list(DISTINCT p.active_ingredient ORDER BY p.active_ingredient) AS active_ingredients,
       list(DISTINCT p.marketing_status ORDER BY p.marketing_status) AS marketing_status,
       'Drugs@FDA' AS source
FROM core.firm_mention AS m
JOIN core.application AS a ON a.appl_no = m.record_key
LEFT JOIN core.product AS p ON p.appl_no = a.appl_no
WHERE m.role = 'application_sponsor' AND m.firm_id = ?
GROUP BY a.appl_no, a.appl_type
UNION ALL
SELECT b.bla_no, 'BLA', list(DISTINCT b.proprietary_name ORDER BY b.proprietary_name),
       list(DISTINCT b.proper_name ORDER BY b.proper_name),
       list(DISTINCT b.marketing_status_label ORDER BY b.marketing_status_label), 'Purple Book'
FROM (SELECT DISTINCT record_key FROM core.firm_mention WHERE role = 'biologic_applicant' AND firm_id = ?) AS m
JOIN core.biologic AS b ON b.bla_no = m.record_key
GROUP BY b.bla_no
ORDER BY 2, 1
"""
LIMITS = [
    "substances: every substance the firm has API evidence for (an active Type II DMF mapped to it as an API, a "
    "bulk listing with a registered API site, or a label naming it as API maker); counted_under_this_firm is "
    "false where the map counts the firm together with another firm of the same maker",
    "shortage_status: the most pressing status among the substance's FDA shortage presentations (rxatlas "
    "shortages: both shortage files merged per package NDC, linked by openFDA UNII or generic name), whoever the "
    "shortage names as maker; 'none' means no linked presentation",
    "applications: Drugs@FDA applications the firm sponsors (drug names from the 2019 products table, so later "
    "approvals have none) and Purple Book BLAs it holds",
]


def shortage_status(engine: Engine) -> dict[str, dict[str, Any]]:
    """Per substance (UNII) with FDA shortage presentations: the most pressing status, counts and last update."""
    if not engine.exists("core.shortage"):
        return {}
    by_unii: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for presentation in shortages(engine, scope=ALL)["presentations"]:
        for substance in presentation["substances"]:
            by_unii[substance["unii"]].append(presentation)
    out = {}
    for unii, rows in by_unii.items():
        statuses = {r["status"] for r in rows}
        status = next((st for st in STATUS_ORDER if st in statuses), None)
        out[unii] = {"shortage_status": status.lower() if status else "none", "shortage_presentations": len(rows),
                     "current_presentations": sum(r["status"] == "Current" for r in rows),
                     "shortage_updated": max((r["last_update"] for r in rows if r["last_update"]), default=None)}
    return out


def firm_substances(engine: Engine, firm_id: str) -> list[dict[str, Any]]:
    """The substances a firm is an API source of, with concentration and each one's shortage status; those in
    current shortage first."""
    rows = engine.rows(SUBSTANCES_SQL, [firm_id, firm_id, firm_id])
    status = shortage_status(engine) if rows else {}
    none = {"shortage_status": "none", "shortage_presentations": 0, "current_presentations": 0,
            "shortage_updated": None}
    found = [{**r, **status.get(r["unii"], none)} for r in rows]
    rank = {"current": 0, "to be discontinued": 1}
    return sorted(found, key=lambda r: rank.get(r["shortage_status"], 2))


def firm_applications(engine: Engine, firm_id: str) -> list[dict[str, Any]]:
    """The finished-dose applications a firm sponsors (Drugs@FDA) and the BLAs it holds (Purple Book)."""
    return engine.rows(APPLICATIONS_SQL, [firm_id, firm_id])


def firm_quality_signals(engine: Engine, firm_id: str) -> dict[str, Any]:
    """The human-drug quality signals of a firm, each with the site it joined to, and counts per site (FEI)."""
    signals = site_signals.firm_signals(engine, firm_id)
    per_site = site_signals.by_site(signals)
    return {"signals": signals, "joined": site_signals.joined(signals),
            "by_site": [{"fei": fei, **counts} for fei, counts in sorted(per_site.items())],
            "limits": site_signals.LIMITS}


def firm_answer(engine: Engine, name: str) -> dict[str, Any]:
    """The canonical firm behind a name with its substances, applications and quality signals; candidates when
    the name matches several firms."""
    rows = find_firms(engine, name).to_pylist()
    match = "none" if not rows else "unique" if len(rows) == 1 else "ambiguous"
    answer: dict[str, Any] = {"query": name, "match": match, "firm": rows[0] if match == "unique" else None,
                              "candidates": [{k: r[k] for k in CANDIDATE_KEYS} for r in rows] if len(rows) > 1
                              else []}
    if match != "unique":
        return answer
    firm_id = rows[0]["firm_id"]
    return {**answer, "substances": firm_substances(engine, firm_id),
            "applications": firm_applications(engine, firm_id),
            "quality_signals": firm_quality_signals(engine, firm_id),
            "sources": files_of(engine, SOURCES), "limits": LIMITS}
