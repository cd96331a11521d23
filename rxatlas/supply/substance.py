"""The answer to "where is this substance made": sources, concentration and everything linked to it."""

from __future__ import annotations

from typing import Any

from rxatlas.atlas import Atlas
from rxatlas.supply.linked import finished_dose_holders, product_coverage, quality_signals
from rxatlas.supply.lookup import find_substance
from rxatlas.supply.metrics import COUNT_NOTE, substance_metrics
from rxatlas.supply.shortages import substance_shortages
from rxatlas.supply.sources import BIOLOGIC_NOTE, api_sources, biologic_makers, excluded_sources, listed_apart
from rxatlas.warehouse.engine import Engine

TABLES = frozenset({
    "core.api_source", "core.substance_metrics", "core.dmf", "core.dmf_substance", "core.dmf_holder",
    "core.name_substance", "core.product", "core.application", "core.biologic", "core.shortage",
    "core.compliance_event", "core.facility", "core.firm_mention", "core.source_evidence", "core.market_scope",
})
CRITICALITY_PENDING = ("criticality flags (EU Union list, Japan supply category, essential medicines) are not "
                       "mapped yet: rxatlas.supply.criticality.flags is not available")


def criticality(engine: Engine, unii: str) -> tuple[Any, str | None]:
    """The criticality flags of a substance, or None with a note while the mapping is not built."""
    try:
        from rxatlas.supply.criticality import flags  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None, CRITICALITY_PENDING
    return flags(engine, unii), None


def _notes(metrics: dict[str, Any] | None, coverage: dict[str, Any]) -> list[str]:
    notes = [COUNT_NOTE,
             "a qualified source is a distinct firm whose evidence shows it makes the drug substance itself: an "
             "active Type II DMF mapped to the substance as an API, a bulk-ingredient listing of a firm with a "
             "registered API site, or a labelled API site; formulations, finished forms, homeopathic dilutions, "
             "devices and intermediates are listed under excluded_sources with the reason and never counted",
             f"finished-dose holders come from Drugs@FDA products of {coverage['products_snapshot']}: "
             f"{coverage['with_products']:,} of {coverage['applications']:,} applications "
             f"({coverage['share']:.0%}) have products; applications approved after mid-2019 are missing, and "
             f"dosage forms and routes are those of {coverage['products_snapshot']} (forms added since are not "
             f"shown); marketing status is the current one of {coverage['marketing_status_snapshot']} where the "
             "product is listed there ('unknown' otherwise)"]
    if metrics and metrics["unknown_country_sources"]:
        notes.append(f"{metrics['unknown_country_sources']} source(s) of unknown country are left out of the "
                     "shares and the HHI")
    return notes


def market_scope(engine: Engine, unii: str) -> dict[str, Any]:
    """The market scope of a substance (core.market_scope) with the evidence that decided it."""
    rows = engine.rows("SELECT market_scope, scope_evidence, scope_confidence FROM core.market_scope WHERE unii = ?",
                       [unii])
    return rows[0] if rows else {"market_scope": None, "scope_evidence": "not in the supply map",
                                 "scope_confidence": None}


def substance_answer(atlas: Atlas, query: str) -> dict[str, Any]:
    """Where a substance is made, how concentrated that is, and what else the atlas links to it."""
    engine = atlas.engine
    match = find_substance(engine, query)
    base = {"query": query, "match": "unique" if match.unii else "ambiguous" if match.candidates else "none"}
    if match.unii is None or match.substance is None:
        return {**base, "substance": None, "unii": None, "candidates": match.candidates}
    metrics = substance_metrics(engine, match.unii)
    apart = listed_apart(engine, match.unii, match.substance)
    sources_found = api_sources(engine, match.unii)
    scope = market_scope(engine, match.unii)
    biologic = biologic_makers(engine, match.unii)
    flags, flag_note = criticality(engine, match.unii)
    coverage = product_coverage(engine)
    sources = atlas.snapshots(TABLES)
    return {
        **base,
        "substance": match.substance,
        "unii": match.unii,
        "matched_by": match.how,
        "related": match.related,
        "market_scope": scope["market_scope"],
        "market_scope_evidence": scope["scope_evidence"],
        "market_scope_confidence": scope["scope_confidence"],
        "api_sources": sources_found,
        "excluded_sources": excluded_sources(engine, match.unii),
        "biologic_licences": biologic,
        "intermediates": apart["intermediate"],
        "combinations": apart["multi"],
        "country_shares": metrics.pop("country_shares") if metrics else [],
        "metrics": metrics,
        "finished_dose_holders": finished_dose_holders(engine, match.unii),
        "finished_dose_coverage": coverage,
        "shortages": substance_shortages(engine, match.unii),
        "quality_signals": quality_signals(engine, match.unii),
        "criticality": flags,
        "sources": sources,
        "notes": _notes(metrics, coverage) + ([flag_note] if flag_note else [])
                 + ([BIOLOGIC_NOTE] if biologic and not sources_found else []),
    }
