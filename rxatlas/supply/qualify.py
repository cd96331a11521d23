"""Source qualification: every DMF subject and bulk listing linked to a substance, classified by what it says the
firm makes (api, formulation, finished form, intermediate, homeopathic, device or packaging, another substance),
with the rule that decided it. Only `api` evidence makes a firm an API source (core.api_source)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal

import pyarrow as pa
from pydantic import field_validator

from rxatlas.errors import InputError
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import Step, write_table
from rxatlas.yamlfile import Strict, load_model

CATEGORIES = ("api", "formulation", "finished_form", "intermediate", "homeopathic", "device_or_packaging",
              "other_substance")
# The order rules are tried in: the first category with a matching rule wins.
PRECEDENCE = ("homeopathic", "device_or_packaging", "finished_form", "formulation", "intermediate",
              "other_substance")
Field = Literal["subject", "listing_name", "dosage_form", "strength_unit", "product_type", "ingredients", "pure"]
# A mass-per-mass unit (kg/25kg, g/g): with a strength equal to its denominator, the listing is 100% substance.
_MASS_UNIT = re.compile(r"^(KG|G|MG)/(\d*\.?\d*)(KG|G|MG)$")


class Rule(Strict):
    """One qualification rule: a regular expression on one field of the evidence, and why it decides."""

    category: Literal["homeopathic", "device_or_packaging", "finished_form", "formulation", "intermediate",
                      "other_substance"]
    field: Field
    pattern: str
    why: str
    unless_field: Field | None = None
    unless_pattern: str | None = None

    @field_validator("pattern", "unless_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        try:
            re.compile(value or "")
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from exc
        return value


class Rules(Strict):
    """The rules file."""

    rules: list[Rule]


@cache
def rules() -> tuple[tuple[Rule, re.Pattern[str], re.Pattern[str] | None], ...]:
    """The shipped qualification rules (rxatlas/supply/data/source_rules.yaml) in precedence order, compiled."""
    path = resources.files("rxatlas.supply").joinpath("data/source_rules.yaml")
    loaded = load_model(path.read_text(encoding="utf-8"), str(path), Rules)
    ordered = sorted(loaded.rules, key=lambda r: PRECEDENCE.index(r.category))
    return tuple((r, re.compile(r.pattern), re.compile(r.unless_pattern) if r.unless_pattern else None)
                 for r in ordered)


def pure_substance(name: str | None, product: str | None, strength: float | None, unit: str | None) -> bool:
    """Tell whether a listing is the named substance at 100% (1 kg/kg, 25 kg/25kg) under its own name."""
    found = _MASS_UNIT.match((unit or "").upper())
    if not found or found.group(1) != found.group(3) or strength is None:
        return False
    whole = float(found.group(2) or 1)
    return abs(strength - whole) < 1e-9 and " ".join((name or "").upper().split()) == \
        " ".join((product or "").upper().split())


def classify(fields: dict[str, str | None], mapped_kind: str = "api") -> tuple[str, str | None]:
    """The category of one piece of evidence given its fields, and the reason (None for api)."""
    for rule, pattern, unless in rules():
        value = fields.get(rule.field)
        if not value or not (found := pattern.search(value.upper())):
            continue
        if unless is not None and rule.unless_field and unless.search((fields.get(rule.unless_field) or "").upper()):
            continue
        return rule.category, f"{rule.why} ({rule.field} '{found.group(0).strip()}')"
    if mapped_kind == "intermediate":
        return "intermediate", "the substance mapping reads the subject as an intermediate or reagent"
    return "api", None


# Every active Type II DMF whose subject maps to a substance as an API or an intermediate of it, and every bulk
# listing (product type BULK INGREDIENT, marketing category BULK INGREDIENT or DRUG FOR FURTHER PROCESSING, not
# ended) of a labeler with a registered API-manufacture site; a labeler without one is usually a distributor.
EVIDENCE_SQL = """
WITH holder_firm AS (
    SELECT holder, coalesce(firm_id, 'holder:' || holder) AS firm_id, coalesce(firm_name, holder) AS firm_name,
           country
    FROM core.dmf_holder
), api_site AS (
    SELECT DISTINCT firm_id FROM core.facility WHERE api_manufacture AND firm_id IS NOT NULL
), firm_country AS (
    -- the holder country the DMF resolution found for a firm, else the firm's primary country
    SELECT f.firm_id, f.name, coalesce(h.country, f.country_iso2) AS country
    FROM core.firm AS f
    LEFT JOIN (SELECT firm_id, min(country) AS country FROM holder_firm WHERE country IS NOT NULL
               GROUP BY firm_id HAVING count(DISTINCT country) = 1) AS h ON h.firm_id = f.firm_id
), ingredients AS (
    SELECT product_id, count(DISTINCT substance_name) AS n FROM core.bulk_ingredient GROUP BY product_id
), form_name AS (
    SELECT unii, min(display_name) AS form FROM core.substance_name GROUP BY unii
), linked AS (
SELECT s.unii, s.substance, s.form_unii, hf.firm_id, hf.firm_name, hf.country AS holder_country,
       'dmf' AS evidence_kind, CAST(d.dmf AS VARCHAR) AS evidence_id, d.dmf, d.submit_date, d.holder AS firm_text,
       d.subject AS text, s.kind AS mapped_kind,
       d.subject AS subject, CAST(NULL AS VARCHAR) AS listing_name, CAST(NULL AS VARCHAR) AS dosage_form,
       CAST(NULL AS VARCHAR) AS strength_unit, CAST(NULL AS VARCHAR) AS product_type,
       CAST(NULL AS VARCHAR) AS ingredients, CAST(NULL AS VARCHAR) AS substance_name,
       CAST(NULL AS VARCHAR) AS product_name, CAST(NULL AS DOUBLE) AS strength,
       'DMF ' || CAST(d.dmf AS VARCHAR) || ' (' || d.holder || '): ' || d.subject AS evidence,
       d._source
FROM core.dmf AS d
JOIN core.dmf_substance AS s ON s.dmf = d.dmf
LEFT JOIN holder_firm AS hf ON hf.holder = d.holder
WHERE d.active AND d.type = 'II' AND s.kind IN ('api', 'intermediate') AND s.unii IS NOT NULL
UNION ALL
SELECT bs.unii, bs.substance, bs.form_unii, m.firm_id, fc.name, fc.country,
       'bulk_listing', b.product_ndc, CAST(NULL AS BIGINT), b.start_marketing_date, b.labeler_name,
       b.substance_name || coalesce(' | ' || b.nonproprietary_name, '') || coalesce(' | ' || b.dosage_form, '')
           || coalesce(' | ' || CAST(b.strength AS VARCHAR) || ' ' || b.strength_unit, ''),
       bs.kind,
       NULL, b.substance_name || coalesce(' | ' || b.nonproprietary_name, ''), b.dosage_form, b.strength_unit,
       b.product_type, CAST(i.n AS VARCHAR), b.substance_name, b.nonproprietary_name, CAST(b.strength AS DOUBLE),
       'bulk listing NDC ' || b.product_ndc || ' (' || b.labeler_name || '): ' || b.substance_name
           || ' [' || b.marketing_category || ']',
       b._source
FROM core.bulk_ingredient AS b
JOIN core.name_substance AS bs ON bs.origin = 'bulk_ingredient' AND bs.name = b.substance_name
JOIN core.firm_mention AS m ON m.role = 'bulk_labeler' AND m.record_key = b.product_id
JOIN firm_country AS fc ON fc.firm_id = m.firm_id
JOIN ingredients AS i ON i.product_id = b.product_id
WHERE bs.kind = 'api' AND bs.unii IS NOT NULL
  AND b.product_type = 'BULK INGREDIENT'
  AND b.marketing_category IN ('BULK INGREDIENT', 'DRUG FOR FURTHER PROCESSING')
  AND (b.end_marketing_date IS NULL OR b.end_marketing_date >= b._snapshot)
  AND m.firm_id IN (SELECT firm_id FROM api_site)
)
SELECT DISTINCT l.*, f.form FROM linked AS l LEFT JOIN form_name AS f ON f.unii = l.form_unii
"""
_RULE_FIELDS = ("subject", "listing_name", "dosage_form", "strength_unit", "product_type", "ingredients")
_PURE_FIELDS = ("substance_name", "product_name", "strength", "strength_unit")
OUTPUT_COLUMNS = ("unii", "substance", "form_unii", "form", "firm_id", "firm_name", "holder_country", "evidence_kind",
                  "evidence_id", "dmf", "submit_date", "firm_text", "text", "category", "reason", "evidence",
                  "_source")


def source_evidence(engine: Engine) -> pa.Table:
    """Every piece of supply evidence linked to a substance, with its category and the reason."""
    table = engine.query(EVIDENCE_SQL)
    columns = {name: table.column(name).to_pylist() for name in {*_RULE_FIELDS, *_PURE_FIELDS, "mapped_kind"}}
    decided = []
    for n in range(table.num_rows):
        fields: dict[str, str | None] = {f: columns[f][n] for f in _RULE_FIELDS}
        fields["pure"] = "YES" if pure_substance(*(columns[f][n] for f in _PURE_FIELDS)) else None
        decided.append(classify(fields, columns["mapped_kind"][n]))
    table = table.append_column("category", pa.array([c for c, _ in decided], pa.string()))
    table = table.append_column("reason", pa.array([r for _, r in decided], pa.string()))
    return table.select(list(OUTPUT_COLUMNS))


# Every active Type II DMF with what its subject is: the qualification category where it names a substance, else
# the substance mapper's kind (materials, cell lines and media are other_substance; sites and services, facility).
DMF_CLASSES_SQL = """
SELECT d.dmf, d.subject,
       coalesce(e.category, CASE s.kind WHEN 'other' THEN 'other_substance' WHEN 'multi' THEN 'combination'
                                        ELSE s.kind END) AS kind,
       s.substance, s.unii, s.form_unii, s.confidence, coalesce(e.reason, s.reason) AS reason,
       s.kind AS mapped_kind, s.evidence AS mapping_evidence, d.holder, d.submit_date, d._source, d._snapshot
FROM core.dmf AS d
JOIN core.dmf_substance AS s ON s.dmf = d.dmf
LEFT JOIN (SELECT DISTINCT evidence_id, category, reason FROM core.source_evidence WHERE evidence_kind = 'dmf')
    AS e ON e.evidence_id = CAST(d.dmf AS VARCHAR)
WHERE d.active AND d.type = 'II'
ORDER BY d.dmf
"""
# Every bulk listing linked to a substance, with its category.
BULK_CLASSES_SQL = """
SELECT evidence_id AS product_ndc, firm_text AS labeler, text AS listing, category AS kind, substance, unii,
       form_unii, reason, _source
FROM core.source_evidence WHERE evidence_kind = 'bulk_listing'
ORDER BY evidence_id, unii
"""
EVIDENCE_KINDS = {"dmf": DMF_CLASSES_SQL, "bulk": BULK_CLASSES_SQL}


def classified(engine: Engine, source: str = "dmf") -> pa.Table:
    """Every active Type II DMF (source dmf) or linked bulk listing (bulk) with its kind, substance and reason."""
    if source not in EVIDENCE_KINDS:
        raise InputError(f"unknown evidence source {source!r}; use {' or '.join(EVIDENCE_KINDS)}")
    return engine.query(EVIDENCE_KINDS[source])


def build_source_evidence(engine: Engine) -> None:
    """Write core.source_evidence."""
    write_table(engine, "core.source_evidence", source_evidence(engine),
                order_by="unii, firm_id, evidence_kind, evidence_id")


def steps() -> list[Step]:
    """The build step that qualifies every piece of supply evidence (core.source_evidence)."""
    return [Step("source_evidence",
                 frozenset({"core.dmf", "core.dmf_substance", "core.dmf_holder", "core.facility", "core.firm",
                            "core.bulk_ingredient", "core.name_substance", "core.firm_mention",
                            "core.substance_name"}),
                 frozenset({"core.source_evidence"}), build_source_evidence, kind="python")]
