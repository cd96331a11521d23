"""What else the atlas knows about a substance: finished-dose applications and quality signals (its shortages
are in rxatlas.supply.shortages)."""

from __future__ import annotations

from typing import Any

from rxatlas.warehouse.engine import Engine

_APPLICATIONS = """
WITH ingredient AS (
    SELECT DISTINCT name FROM core.name_substance WHERE origin = 'product' AND kind = 'api' AND unii = ?
)
SELECT a.appl_no, a.appl_type, a.sponsor_name AS sponsor, f.firm_id AS sponsor_firm_id,
       f.country_iso2 AS sponsor_country,
       array_agg(DISTINCT p.drug_name ORDER BY p.drug_name) AS drug_names,
       array_agg(DISTINCT p.active_ingredient ORDER BY p.active_ingredient) AS active_ingredients,
       coalesce(array_agg(DISTINCT p.dosage_form ORDER BY p.dosage_form) FILTER (WHERE p.dosage_form <> ''), [])
           AS dosage_forms,
       coalesce(array_agg(DISTINCT p.route ORDER BY p.route) FILTER (WHERE p.route <> ''), []) AS routes,
       array_agg(DISTINCT coalesce(p.marketing_status, 'unknown') ORDER BY coalesce(p.marketing_status, 'unknown'))
           AS marketing_status,
       coalesce(bool_or(p.marketing_status IN ('Prescription', 'Over-the-counter')), false) AS marketed,
       max(p.marketing_status_snapshot) AS marketing_status_snapshot,
       count(*) AS products,
       'Drugs@FDA products ' || CAST(min(p._snapshot) AS VARCHAR) AS evidence
FROM (
    -- Drugs@FDA writes "dosage form;route" in one field, sometimes with a space after the ';'.
    SELECT *, upper(trim(split_part(form, ';', 1))) AS dosage_form,
           CASE WHEN contains(form, ';') THEN upper(trim(regexp_extract(form, '[^;]*$'))) END AS route
    FROM core.product
) AS p
JOIN ingredient AS i ON i.name = p.active_ingredient
JOIN core.application AS a ON a.appl_no = p.appl_no
LEFT JOIN core.firm_mention AS m ON m.role = 'application_sponsor' AND m.record_key = a.appl_no
LEFT JOIN core.firm AS f ON f.firm_id = m.firm_id
GROUP BY ALL
"""
_BIOLOGICS = """
WITH proper AS (
    SELECT DISTINCT name FROM core.name_substance WHERE origin = 'biologic' AND kind = 'api' AND unii = ?
)
SELECT b.bla_no AS appl_no, 'BLA' AS appl_type, b.applicant AS sponsor, f.firm_id AS sponsor_firm_id,
       f.country_iso2 AS sponsor_country,
       array_agg(DISTINCT b.proprietary_name ORDER BY b.proprietary_name) AS drug_names,
       array_agg(DISTINCT b.proper_name ORDER BY b.proper_name) AS active_ingredients,
       coalesce(array_agg(DISTINCT upper(b.dosage_form) ORDER BY upper(b.dosage_form))
                FILTER (WHERE b.dosage_form <> ''), []) AS dosage_forms,
       coalesce(array_agg(DISTINCT upper(b.route) ORDER BY upper(b.route)) FILTER (WHERE b.route <> ''), [])
           AS routes,
       array_agg(DISTINCT coalesce(b.marketing_status_label, b.marketing_status, 'unknown')
                 ORDER BY coalesce(b.marketing_status_label, b.marketing_status, 'unknown')) AS marketing_status,
       coalesce(bool_or(b.marketing_status IN ('Rx', 'OTC')), false) AS marketed,
       max(b._snapshot) AS marketing_status_snapshot,
       count(*) AS products,
       'Purple Book ' || CAST(min(b._snapshot) AS VARCHAR) AS evidence
FROM core.biologic AS b
JOIN proper AS p ON p.name = b.proper_name
-- The Purple Book repeats a BLA once per presentation, and so does its applicant mention: one mention per BLA.
LEFT JOIN (SELECT DISTINCT record_key, firm_id FROM core.firm_mention WHERE role = 'biologic_applicant') AS m
    ON m.record_key = b.bla_no
LEFT JOIN core.firm AS f ON f.firm_id = m.firm_id
GROUP BY ALL
"""
PRODUCT_COVERAGE_SQL = """
SELECT count(*) AS applications,
       count(*) FILTER (WHERE appl_no IN (SELECT appl_no FROM core.product)) AS with_products,
       (SELECT max(_snapshot) FROM core.product) AS products_snapshot,
       (SELECT max(marketing_status_snapshot) FROM core.product) AS marketing_status_snapshot
FROM core.application
"""
# Compliance actions, 483s and warning letters of the source firms, or at the registered sites of those firms.
_QUALITY = """
WITH source_firm AS (
    SELECT DISTINCT firm_id, firm_name FROM core.api_source WHERE unii = ?
), by_firm AS (
    SELECT DISTINCT m.record_key AS event_id, s.firm_name AS source_firm, 'firm' AS linked_by
    FROM core.firm_mention AS m JOIN source_firm AS s ON s.firm_id = m.firm_id
    WHERE m.role IN ('compliance_firm', 'warning_letter_company')
), by_site AS (
    SELECT DISTINCT e.event_id, s.firm_name AS source_firm, 'facility FEI ' || e.fei AS linked_by
    FROM core.compliance_event AS e
    JOIN core.facility AS f ON ltrim(f.fei, '0') = ltrim(e.fei, '0')
    JOIN source_firm AS s ON s.firm_id = f.firm_id
), links AS (
    SELECT * FROM by_firm UNION SELECT * FROM by_site
)
SELECT e.event_type, e.event_date, e.action, e.firm_name, e.fei, e.country_iso2 AS country, e.product_type,
       l.source_firm, array_agg(DISTINCT l.linked_by ORDER BY l.linked_by) AS linked_by, e.event_id
FROM links AS l JOIN core.compliance_event AS e ON e.event_id = l.event_id
GROUP BY ALL
ORDER BY e.event_date DESC NULLS LAST, e.event_id
"""


def finished_dose_holders(engine: Engine, unii: str) -> list[dict[str, Any]]:
    """NDA/ANDA applications (Drugs@FDA products) and BLAs (Purple Book) of the substance: forms, routes, status."""
    rows = engine.rows(_APPLICATIONS, [unii]) + engine.rows(_BIOLOGICS, [unii])
    return sorted(rows, key=lambda r: (r["appl_type"], r["appl_no"]))


def product_coverage(engine: Engine) -> dict[str, Any]:
    """How many applications have product rows (the 2025 Drugs@FDA tables lack products after mid-2019)."""
    row = engine.rows(PRODUCT_COVERAGE_SQL)[0]
    row["share"] = row["with_products"] / row["applications"] if row["applications"] else None
    return row


def quality_signals(engine: Engine, unii: str) -> list[dict[str, Any]]:
    """Compliance events of the substance's source firms or of their registered facilities (by FEI)."""
    return engine.rows(_QUALITY, [unii])
