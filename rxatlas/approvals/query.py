"""Questions over core.approval: one country's applications and timeline, per-country counts, coverage."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rxatlas.approvals.partners import PARTNERS_FILE
from rxatlas.errors import InputError
from rxatlas.warehouse.engine import Engine

TABLES = {"core.approval", "core.approval_partner", "core.sponsor_country"}

SPONSORED_SQL = """
SELECT application, appl_type, appl_no, type, sponsor, sponsor_country, country_method, country_evidence,
       product, ingredient, approval_date, approval_date_source, marketing_status, approval_status, in_purple_book,
       in_drugsfda
FROM core.approval WHERE sponsor_country = ? ORDER BY approval_date NULLS LAST, application
"""

# Applications of a curated subsidiary (groups.yaml) of a parent seated in the country, the holder elsewhere.
PARENT_SQL = """
SELECT application, appl_type, appl_no, type, sponsor, sponsor_country, sponsor_parent, parent_evidence,
       product, ingredient, approval_date, approval_date_source, marketing_status, approval_status, in_purple_book,
       in_drugsfda
FROM core.approval WHERE parent_country = ? AND sponsor_country IS DISTINCT FROM parent_country
ORDER BY approval_date NULLS LAST, application
"""

PARTNER_SQL = """
SELECT p.application, p.appl_type, p.appl_no, coalesce(a.type, p.appl_type) AS type, p.holder AS sponsor,
       p.holder_country AS sponsor_country, p.originator, p.relation, p.product, p.ingredient,
       p.approval_date, a.approval_date AS data_approval_date, a.marketing_status, p.sources, p._line,
       a.application IS NOT NULL AS in_snapshot
FROM core.approval_partner p
LEFT JOIN core.approval a ON a.appl_no = p.appl_no AND a.appl_type = p.appl_type
WHERE p.originator_country = ? ORDER BY p.approval_date, p.application
"""

LIMITS_SQL = """
SELECT (SELECT max(submission_status_date) FROM core.submission) AS submissions_end,
       (SELECT max(_snapshot) FROM core.product) AS products_snapshot
"""

BY_COUNTRY_SQL = """
SELECT coalesce(a.sponsor_country, '(unknown)') AS country, c.common_name AS name,
       count(*) FILTER (WHERE final) AS applications,
       count(*) FILTER (WHERE final AND a.type = 'NDA') AS nda,
       count(*) FILTER (WHERE final AND a.type = 'ANDA') AS anda,
       count(*) FILTER (WHERE final AND a.type IN ('BLA', 'BLA 351(a)')) AS bla,
       count(*) FILTER (WHERE final AND a.type LIKE 'BLA 351(k)%') AS biosimilar,
       count(*) FILTER (WHERE a.type = 'BLA 351(k) interchangeable') AS interchangeable,
       count(*) FILTER (WHERE NOT final) AS tentative,
       count(a.approval_date) FILTER (WHERE final) AS dated, min(a.approval_date) FILTER (WHERE final) AS first,
       max(a.approval_date) FILTER (WHERE final) AS latest
FROM (SELECT *, approval_status = 'final' AS final FROM core.approval) a
LEFT JOIN core.country c ON c.iso2 = a.sponsor_country
GROUP BY ALL ORDER BY applications DESC, country
"""

# Coverage per source: the share of applications, and of distinct sponsor names, whose firm has a country.
COVERAGE_SQL = """
WITH named AS (
    SELECT 'Drugs@FDA' AS source, m.record_key, m.mention_name, sc.country_iso2, sc.method
    FROM core.firm_mention m LEFT JOIN core.sponsor_country sc USING (firm_id)
    WHERE m.role = 'application_sponsor'
    UNION ALL
    SELECT DISTINCT 'Purple Book', m.record_key, m.mention_name, sc.country_iso2, sc.method
    FROM core.firm_mention m LEFT JOIN core.sponsor_country sc USING (firm_id)
    WHERE m.role = 'biologic_applicant'
), sponsors AS (
    SELECT source, mention_name, bool_or(country_iso2 IS NOT NULL) AS known FROM named GROUP BY ALL
)
SELECT n.source,
       count(DISTINCT n.record_key) AS applications,
       count(DISTINCT n.record_key) FILTER (WHERE n.country_iso2 IS NOT NULL) AS with_country,
       count(DISTINCT n.record_key) FILTER (WHERE n.method = 'registered_sites') AS by_registered_sites,
       (SELECT count(*) FROM sponsors s WHERE s.source = n.source) AS sponsors,
       (SELECT count(*) FROM sponsors s WHERE s.source = n.source AND s.known) AS sponsors_with_country
FROM named n GROUP BY n.source ORDER BY n.source
"""


def country_code(engine: Engine, text: str) -> tuple[str, str]:
    """The ISO alpha-2 code and common name of a country given by code or name."""
    row = engine.query(
        "SELECT iso2, common_name FROM core.country "
        "WHERE upper(?) IN (iso2, iso3, upper(name), upper(common_name))",
        [text.strip()]).to_pylist()
    if not row:
        raise InputError(f"unknown country {text!r}; give an ISO 3166 code such as KR or a name")
    return row[0]["iso2"], row[0]["common_name"]


def _missing(app: dict[str, Any], limits: dict[str, Any]) -> list[str]:
    """What the snapshot does not say about an application, and why."""
    gaps = []
    if app.get("product") is None:
        gaps.append("product: not in the snapshot (Drugs@FDA products end with the "
                    f"{limits['products_snapshot']} set; the newer tables carry none)")
    if app.get("approval_date") is None:
        gaps.append("approval_date: not in the snapshot (Drugs@FDA submissions end "
                    f"{limits['submissions_end']})")
    if app.get("marketing_status") is None:
        gaps.append("marketing_status: not listed in the snapshot")
    return gaps


def _partner_entry(row: dict[str, Any], limits: dict[str, Any]) -> dict[str, Any]:
    entry = {k: row[k] for k in ("application", "appl_type", "appl_no", "type", "sponsor", "sponsor_country",
                                 "product", "ingredient", "approval_date", "marketing_status")}
    entry["approval_date_source"] = f"curated partner link ({PARTNERS_FILE} line {row['_line']})"
    entry["approval_status"] = "final"
    # A subsidiary's application counts for its parent's country; a licence partner's stays the partner's.
    entry["origin"] = (f"subsidiary of {row['originator']}" if row["relation"] == "subsidiary"
                       else f"partner: {row['originator']}")
    entry["country_method"] = f"curated {row['relation']}"
    entry["country_evidence"] = "; ".join(row["sources"])
    entry["missing"] = _missing(entry, limits)
    if row["appl_no"] is None:
        entry["missing"].append("application number: unknown (recorded by product name)")
    elif not row["in_snapshot"]:
        entry["missing"].append("application: not in this snapshot's Drugs@FDA or Purple Book tables")
    if row["data_approval_date"] not in (None, row["approval_date"]):
        entry["missing"].append(f"approval_date: the snapshot says {row['data_approval_date']}, the curated "
                                f"link {row['approval_date']}; check the sources")
    return entry


def country_approvals(engine: Engine, country: str) -> dict[str, Any]:
    """US applications whose sponsor is from a country, plus partner cases it originated, with a timeline."""
    iso2, name = country_code(engine, country)
    limits = engine.query(LIMITS_SQL).to_pylist()[0]
    apps = []
    for row in engine.query(SPONSORED_SQL, [iso2]).to_pylist():
        row["origin"] = "sponsor"
        row["missing"] = _missing(row, limits)
        apps.append(row)
    for row in engine.query(PARENT_SQL, [iso2]).to_pylist():
        parent, evidence = row.pop("sponsor_parent"), row.pop("parent_evidence")
        row.update(origin=f"subsidiary of {parent}", country_method="curated group", country_evidence=evidence,
                   missing=_missing(row, limits))
        apps.append(row)
    held = {a["application"] for a in apps}
    apps += [_partner_entry(r, limits) for r in engine.query(PARTNER_SQL, [iso2]).to_pylist()
             if r["application"] not in held]
    tentative = [a for a in apps if a["approval_status"] == "tentative"]
    apps = [a for a in apps if a["approval_status"] == "final"]
    years: dict[int | None, Counter[str]] = {}
    for app in apps:
        year = app["approval_date"].year if app["approval_date"] else None
        years.setdefault(year, Counter())[app["type"]] += 1
    by_year = [{"year": y, "applications": sum(c.values()), "by_type": dict(sorted(c.items()))}
               for y, c in sorted(years.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]
    return {
        "country": iso2, "name": name, "applications": apps, "by_year": by_year,
        "by_type": dict(sorted(Counter(a["type"] for a in apps).items())),
        "by_origin": dict(sorted(Counter(a["origin"] for a in apps).items())),
        "undated": sum(1 for a in apps if a["approval_date"] is None),
        "tentative": tentative,
        "limits": {"drugsfda_submissions_end": limits["submissions_end"],
                   "drugsfda_products_snapshot": limits["products_snapshot"]},
    }


def by_country(engine: Engine) -> list[dict[str, Any]]:
    """Application counts per sponsor country (and unknown), by type, with first and latest approval dates."""
    return engine.query(BY_COUNTRY_SQL).to_pylist()


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def coverage(engine: Engine) -> list[dict[str, Any]]:
    """How many Drugs@FDA and Purple Book applications and sponsors have a sponsor country."""
    rows = engine.query(COVERAGE_SQL).to_pylist()
    for row in rows:
        row["application_share"] = _share(row["with_country"], row["applications"])
        row["sponsor_share"] = _share(row["sponsors_with_country"], row["sponsors"])
    return rows
