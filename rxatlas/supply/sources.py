"""The qualified API sources of a substance, the evidence excluded from them (with the reason), the DMFs listed
apart (intermediates, combinations), and for a biologic its licence holders and their registered sites."""

from __future__ import annotations

from typing import Any

from rxatlas.warehouse.engine import Engine

_SOURCES = """
SELECT firm_name AS firm, firm_id, country, country_basis, holder_country, site_countries, source_kind,
       dmfs AS dmf, forms, first_submit_date, evidence
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


# Evidence linked to the substance that does not show a maker of the drug substance itself: never counted.
_EXCLUDED = """
SELECT firm_name AS firm, firm_id, category, reason, evidence_kind, evidence_id, text, form
FROM core.source_evidence WHERE unii = ? AND category <> 'api'
ORDER BY category, firm_name, evidence_kind, evidence_id
"""
# A biologic's licence holders (Purple Book) and the registered establishments of those firms (DECRS).
_BIOLOGIC = """
WITH proper AS (
    SELECT DISTINCT name FROM core.name_substance WHERE origin = 'biologic' AND kind = 'api' AND unii = ?
), holders AS (
    SELECT DISTINCT b.bla_no, b.applicant, b.bla_type, b.marketing_status_label AS marketing_status,
           b.license_no, m.firm_id
    FROM core.biologic AS b
    JOIN proper AS p ON p.name = b.proper_name
    LEFT JOIN core.firm_mention AS m ON m.role = 'biologic_applicant' AND m.record_key = b.bla_no
)
SELECT h.bla_no, h.applicant, h.bla_type, h.license_no, h.firm_id,
       array_agg(DISTINCT h.marketing_status ORDER BY h.marketing_status) AS marketing_status,
       array_agg(DISTINCT {'fei': f.fei, 'name': f.name, 'country': f.country_iso2, 'operations': f.operations}
                 ORDER BY {'fei': f.fei, 'name': f.name, 'country': f.country_iso2, 'operations': f.operations})
           FILTER (WHERE f.fei IS NOT NULL) AS registered_sites
FROM holders AS h
LEFT JOIN core.facility AS f ON f.firm_id = h.firm_id
GROUP BY h.bla_no, h.applicant, h.bla_type, h.license_no, h.firm_id
ORDER BY h.bla_no, h.bla_type, h.applicant, h.license_no, h.firm_id
"""
BIOLOGIC_NOTE = ("a biologic: its drug substance is licensed with the product (BLA), not filed as a Drug Master "
                 "File, so DMF-based API maps do not cover it; its licence holders and their registered sites are "
                 "listed instead")


def excluded_sources(engine: Engine, unii: str) -> list[dict[str, Any]]:
    """Evidence linked to the substance that is not a maker of the drug substance, with the reason."""
    return engine.rows(_EXCLUDED, [unii])


def biologic_makers(engine: Engine, unii: str) -> list[dict[str, Any]]:
    """The BLAs of a biologic (Purple Book) with their holders and the holders' registered sites (DECRS)."""
    return engine.rows(_BIOLOGIC, [unii])


def api_sources(engine: Engine, unii: str) -> list[dict[str, Any]]:
    """Every qualified API source of a substance moiety (core.api_source), with its DMFs and evidence."""
    return engine.rows(_SOURCES, [unii])


def listed_apart(engine: Engine, unii: str, substance: str) -> dict[str, list[dict[str, Any]]]:
    """Active Type II DMFs for intermediates of the substance and for combinations that name it."""
    rows = engine.rows(_APART, [unii, unii, substance.upper()])
    return {kind: [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == kind]
            for kind in ("intermediate", "multi")}
