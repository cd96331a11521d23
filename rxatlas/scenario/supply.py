"""The supply map as the scenario engine reads it: sources per substance, and applications per substance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from rxatlas.warehouse.engine import Engine

API_SOURCE = "core.api_source"

# One row per active Type II DMF mapped to one substance as an API or an intermediate, with its holder's firm.
DMF_ROWS_SQL = """
SELECT s.kind, s.unii, s.substance, d.dmf, d.holder, h.firm_id, h.firm_name, h.country AS holder_country,
       h.site_countries
FROM core.dmf d
JOIN core.dmf_substance s ON s.dmf = d.dmf
LEFT JOIN core.dmf_holder h ON h.holder = d.holder
WHERE d.active AND d.type = 'II' AND s.kind IN ({kinds}) AND s.unii IS NOT NULL
ORDER BY s.unii, d.dmf
"""

API_SOURCE_SQL = """
SELECT unii, substance, firm_id, firm_name, holder_country, country, country_basis, source_kind, dmfs, evidence
FROM core.api_source ORDER BY unii, firm_id
"""

# Marketed applications (Drugs@FDA products and Purple Book biologics) per ingredient UNII, with product class.
APPLICATIONS_SQL = """
WITH ingredient AS (
    SELECT DISTINCT p.appl_no, upper(trim(unnest(string_split(p.active_ingredient, ';')))) AS name
    FROM core.product p
    WHERE p.marketing_status IN ('Prescription', 'Over-the-counter')
), drug AS (
    SELECT i.appl_no, a.appl_type, a.sponsor_name AS sponsor, n.unii
    FROM ingredient i
    JOIN core.application a ON a.appl_no = i.appl_no
    JOIN core.substance_name n ON n.name = i.name
    WHERE a.appl_type <> 'BLA'
), bio AS (
    SELECT DISTINCT b.bla_no AS appl_no, 'BLA' AS appl_type, b.applicant AS sponsor, b.bla_type,
           upper(regexp_replace(b.proper_name, '-[a-z]{4}$', '')) AS name
    FROM core.biologic b
    WHERE b.licensure = 'Licensed' AND b.marketing_status IN ('Rx', 'OTC')
), patented AS (
    SELECT DISTINCT appl_no FROM core.patent WHERE patent_expire_date > ?
)
SELECT d.appl_no, d.appl_type, d.sponsor, d.unii,
       CASE WHEN d.appl_type = 'ANDA' THEN 'generic' ELSE 'patented' END AS product_class,
       pt.appl_no IS NOT NULL AS patent_in_force
FROM drug d LEFT JOIN patented pt ON pt.appl_no = d.appl_no
UNION
SELECT b.appl_no, b.appl_type, b.sponsor, n.unii,
       CASE WHEN b.bla_type LIKE '351(k)%' THEN 'biosimilar' ELSE 'patented' END AS product_class,
       false AS patent_in_force
FROM bio b JOIN core.substance_name n ON n.name = b.name
"""

# Every UNII a substance's DMFs name (the moiety and its salt or hydrate forms), to link products to it.
FORMS_SQL = """
SELECT DISTINCT unii, unii AS form FROM core.dmf_substance WHERE unii IS NOT NULL
UNION
SELECT DISTINCT unii, form_unii AS form FROM core.dmf_substance WHERE unii IS NOT NULL AND form_unii IS NOT NULL
"""


@dataclass(frozen=True)
class Source:
    """One source of a substance: a firm, the country it supplies from, and the DMFs behind it."""

    unii: str
    substance: str
    firm_id: str
    firm_name: str
    country: str | None
    country_basis: str
    holder_country: str | None
    kind: str  # "api" (a qualified API source) or "intermediate" (listed apart, not counted)
    dmfs: tuple[int, ...]
    basis: str = "dmf"  # what qualifies it: dmf, bulk_listing or decrs_site (core.api_source.source_kind)
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Application:
    """A marketed application linked to a substance, with its product class for tariffs."""

    appl_no: str
    appl_type: str
    sponsor: str | None
    product_class: str  # patented (NDA, BLA 351(a)), generic (ANDA) or biosimilar (BLA 351(k))
    patent_in_force: bool


def _country(holder_country: str | None, sites: set[str]) -> tuple[str | None, str]:
    if len(sites) == 1:
        return next(iter(sites)), "site"
    return (holder_country, "holder") if holder_country else (None, "unknown")


def _sources_from_dmfs(engine: Engine, kinds: tuple[str, ...]) -> list[Source]:
    """Sources grouped from DMF rows: one per substance, kind and firm (the holder name when unresolved)."""
    placeholders = ", ".join("?" for _ in kinds)
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in engine.query(DMF_ROWS_SQL.format(kinds=placeholders), list(kinds)).to_pylist():
        firm = row["firm_id"] or f"holder:{row['holder']}"
        grouped[(row["kind"], row["unii"], firm)].append(row)
    sources = []
    for (kind, unii, firm), rows in grouped.items():
        holder_country = next((r["holder_country"] for r in rows if r["holder_country"]), None)
        sites = {c for r in rows for c in (r["site_countries"] or [])}
        country, basis = _country(holder_country, sites)
        first = rows[0]
        sources.append(Source(unii, first["substance"], firm, first["firm_name"] or first["holder"], country, basis,
                              holder_country, kind, tuple(sorted(int(r["dmf"]) for r in rows))))
    return sorted(sources, key=lambda s: (s.unii, s.kind, s.firm_id))


def load_sources(engine: Engine) -> tuple[list[Source], str]:
    """Qualified API sources and intermediate sources of every substance, and which table they came from."""
    intermediates = _sources_from_dmfs(engine, ("intermediate",))
    if not engine.exists(API_SOURCE):
        return _sources_from_dmfs(engine, ("api", "intermediate")), "core.dmf + core.dmf_substance + core.dmf_holder"
    api = [Source(r["unii"], r["substance"], r["firm_id"], r["firm_name"], r["country"], r["country_basis"],
                  r["holder_country"], "api", tuple(sorted(r["dmfs"] or ())), r["source_kind"],
                  tuple(r["evidence"] or ()))
           for r in engine.query(API_SOURCE_SQL).to_pylist()]
    return api + intermediates, API_SOURCE


def load_applications(engine: Engine, as_of: date) -> dict[str, list[Application]]:
    """Marketed applications per substance UNII (linked through the ingredient's UNII or its salt forms)."""
    moiety_of: dict[str, set[str]] = defaultdict(set)
    for row in engine.query(FORMS_SQL).to_pylist():
        moiety_of[row["form"]].add(row["unii"])
    linked: dict[str, dict[str, Application]] = defaultdict(dict)
    for row in engine.query(APPLICATIONS_SQL, [as_of]).to_pylist():
        app = Application(row["appl_no"], row["appl_type"], row["sponsor"], row["product_class"],
                          bool(row["patent_in_force"]))
        for unii in moiety_of.get(row["unii"], ()):
            linked[unii].setdefault(app.appl_no, app)
    return {unii: sorted(apps.values(), key=lambda a: a.appl_no) for unii, apps in linked.items()}
