"""The qualified API sources of a substance, and the DMFs listed apart (intermediates, combinations)."""

from __future__ import annotations

from typing import Any

from rxatlas.warehouse.engine import Engine

_SOURCES = """
SELECT firm_name AS firm, firm_id, country, country_basis, holder_country, site_countries, source_kind,
       dmfs AS dmf, first_submit_date, evidence
FROM core.api_source WHERE unii = ?
ORDER BY country NULLS LAST, firm_name
"""
# Intermediates of the moiety, and combinations naming it: listed, not counted as sources.
_APART = """
SELECT s.kind, d.dmf, d.holder, h.firm_id, h.country AS holder_country, d.subject, d.submit_date,
       s.substance, s.evidence
FROM core.dmf AS d
JOIN core.dmf_substance AS s ON s.dmf = d.dmf
LEFT JOIN core.dmf_holder AS h ON h.holder = d.holder
WHERE d.active AND d.type = 'II'
  AND ((s.kind = 'intermediate' AND s.unii = ?)
       OR (s.kind = 'multi' AND (s.unii = ? OR list_contains(string_split(upper(s.substance), ' + '), ?))))
ORDER BY s.kind, d.dmf
"""


def api_sources(engine: Engine, unii: str) -> list[dict[str, Any]]:
    """Every qualified API source of a substance moiety (core.api_source), with its DMFs and evidence."""
    return engine.query(_SOURCES, [unii]).to_pylist()


def listed_apart(engine: Engine, unii: str, substance: str) -> dict[str, list[dict[str, Any]]]:
    """Active Type II DMFs for intermediates of the substance and for combinations that name it."""
    rows = engine.query(_APART, [unii, unii, substance.upper()]).to_pylist()
    return {kind: [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == kind]
            for kind in ("intermediate", "multi")}
