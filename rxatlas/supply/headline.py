"""Atlas-wide figures beside the published anchors they should reproduce or explain (docs/supply-map.md)."""

from __future__ import annotations

from typing import Any

from rxatlas.supply.metrics import COUNT_NOTE
from rxatlas.supply.scope import ALL, check_scope, scope_note
from rxatlas.warehouse.engine import Engine

GROUPS = ("India", "EU-27", "China", "US", "other", "unknown")
USP = "USP Medicine Supply Map, Nov 2024"
ANCHOR_ACTIVE = {"source": USP, "shares": {"India": 0.48, "EU-27": 0.17, "China": 0.16, "US": 0.09}}
ANCHOR_2023 = {"source": USP, "shares": {"India": 0.50, "China": 0.32, "EU-27": 0.10, "US": 0.04}}
ANCHOR_SINGLE = {"source": "Health Affairs 2023;42(3):407",
                 "value": "about one third of 1,379 generic APIs come from a single facility", "share": 1 / 3}
FIRST_YEAR, LAST_YEAR = 2010, 2025
TABLES = frozenset({"core.dmf", "core.dmf_holder", "core.country", "core.substance_metrics", "core.market_scope"})
DEFINITION_DIFFERENCE = (
    "Health Affairs counts manufacturing facilities of generic APIs with marketed US products; the atlas counts "
    "distinct firms (a firm with several plants is one source) with qualified evidence (an active Type II DMF, or a "
    "2018 bulk listing with a registered API site) for the APIs of US human prescription medicines (market scope "
    "us_human_rx, branded and generic). Counting firms gives fewer sources than counting plants, but active DMFs "
    "include dormant ones and old listings add more: the atlas's share is a floor on concentration, not an "
    "estimate of the published figure")

# The country group of a DMF's holder (core.dmf_holder.country, the legal entity's seat).
_GROUPED = """
SELECT d.dmf, d.active, d.submit_date,
       CASE WHEN h.country IS NULL THEN 'unknown'
            WHEN h.country = 'IN' THEN 'India'
            WHEN h.country = 'CN' THEN 'China'
            WHEN h.country = 'US' THEN 'US'
            WHEN c.eu27 THEN 'EU-27'
            ELSE 'other' END AS grp
FROM core.dmf AS d
LEFT JOIN core.dmf_holder AS h ON h.holder = d.holder
LEFT JOIN core.country AS c ON c.iso2 = h.country
WHERE d.type = 'II'
"""
_SHARES = f"WITH g AS ({_GROUPED}) SELECT grp, count(*) AS dmfs FROM g WHERE {{where}} GROUP BY grp"
_BY_YEAR = f"""
WITH g AS ({_GROUPED})
SELECT CAST(year(submit_date) AS BIGINT) AS year, grp, count(*) AS dmfs FROM g
WHERE year(submit_date) BETWEEN ? AND ? GROUP BY ALL ORDER BY year, grp
"""
_SINGLE = """
SELECT coalesce(market_scope, 'unknown') AS market_scope, count(*) AS substances,
       count(*) FILTER (WHERE single_source) AS single_source,
       count(*) FILTER (WHERE single_country) AS single_country,
       count(*) FILTER (WHERE single_country IS NULL) AS country_unknown,
       count(*) FILTER (WHERE n_sources >= 2) AS multi_source,
       count(*) FILTER (WHERE market_scope_confidence = 'low') AS scope_inferred,
       count(*) FILTER (WHERE single_source AND market_scope_confidence = 'low') AS single_source_scope_inferred
FROM core.substance_metrics GROUP BY 1 ORDER BY 2 DESC
"""
_COUNTS = ("substances", "single_source", "single_country", "country_unknown", "multi_source", "scope_inferred",
           "single_source_scope_inferred")


def _single_shares(row: dict[str, Any]) -> dict[str, Any]:
    n = row["substances"]
    return {**row, "single_source_share": row["single_source"] / n if n else None,
            "single_country_share": row["single_country"] / n if n else None}


def _shares(engine: Engine, where: str, params: list[Any], anchor: dict[str, Any]) -> dict[str, Any]:
    counts = {r["grp"]: r["dmfs"] for r in engine.query(_SHARES.format(where=where), params).to_pylist()}
    total = sum(counts.values())
    known = total - counts.get("unknown", 0)
    rows = [{"group": g, "dmfs": counts.get(g, 0),
             "share": counts.get(g, 0) / total if total else None,
             "share_of_known": counts.get(g, 0) / known if known and g != "unknown" else None,
             "anchor": anchor["shares"].get(g)} for g in GROUPS]
    return {"total": total, "known_country": known, "rows": rows, "anchor_source": anchor["source"]}


def active_by_country(engine: Engine) -> dict[str, Any]:
    """Share of active Type II DMFs by holder country group, beside USP's figures."""
    return {"definition": "active Type II DMFs of the FDA DMF list by the country of the holder's legal entity "
                          "(core.dmf_holder.country); EU-27 per core.country.eu27; share_of_known leaves out "
                          "holders of unknown country",
            **_shares(engine, "active", [], ANCHOR_ACTIVE)}


def filed_in(engine: Engine, year: int = 2023) -> dict[str, Any]:
    """Share of Type II DMFs submitted in a year (SUBMIT DATE, any status) by holder country group."""
    return {"definition": f"Type II DMFs with SUBMIT DATE in {year} (any status) by holder country",
            "year": year, **_shares(engine, "year(submit_date) = ?", [year], ANCHOR_2023)}


def filings_by_year(engine: Engine, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> dict[str, Any]:
    """Type II DMF filings per submission year and holder country group."""
    return {"definition": f"Type II DMFs by year of SUBMIT DATE ({first}-{last}, any status) and holder country",
            "rows": engine.query(_BY_YEAR, [first, last]).to_pylist()}


def single_source(engine: Engine, scope: str | None = None) -> dict[str, Any]:
    """Share of substances of a market scope (us_human_rx unless said) with a single qualified source, or all
    sources in one country, beside Health Affairs 2023; the same per scope in by_scope."""
    chosen = check_scope(scope)
    by_scope = [_single_shares(r) for r in engine.query(_SINGLE).to_pylist()]
    picked = [r for r in by_scope if chosen == ALL or r["market_scope"] == chosen]
    row = _single_shares({k: sum(r[k] for r in picked) for k in _COUNTS})
    return {"definition": "substances with at least one qualified API source (core.substance_metrics) in the "
                          "market scope: share with exactly one source firm, and share whose sources (all of "
                          "known country) are in one country",
            **scope_note(chosen), **row, "anchor": ANCHOR_SINGLE, "definition_difference": DEFINITION_DIFFERENCE,
            "by_scope": by_scope}


def headline(engine: Engine, scope: str | None = None) -> dict[str, Any]:
    """Every headline figure of the atlas with its definition and the published anchor beside it; substance
    figures over the market scope (us_human_rx unless said)."""
    return {
        **scope_note(scope),
        "active_type_ii_by_holder_country": active_by_country(engine),
        "type_ii_filed_2023_by_holder_country": filed_in(engine, 2023),
        "type_ii_filings_by_year": filings_by_year(engine),
        "single_source_substances": single_source(engine, scope),
        "notes": [f"substance figures: {COUNT_NOTE}",
                  "DMF shares count DMFs, not firms or sites; the holder is the legal entity named on the DMF, "
                  "which is not always where the plant is (see docs/supply-map.md)"],
    }
