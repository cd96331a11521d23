"""The country of every firm holding an FDA application, from firm resolution, with method and evidence."""

from __future__ import annotations

import pyarrow as pa

from rxatlas.approvals.parents import group_parents
from rxatlas.resolve.names import legal_form_countries, normalize, weak_legal_form
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import write_table

SPONSOR_ROLES = ("application_sponsor", "biologic_applicant")
SCHEMA = pa.schema([("firm_id", pa.string()), ("country_iso2", pa.string()), ("method", pa.string()),
                    ("evidence", pa.string()), ("parent", pa.string()), ("parent_country", pa.string()),
                    ("parent_evidence", pa.string())])

# Sponsor firms with their resolved country, and for those without one the countries of the firms whose
# establishments they register under a name sharing a distinctive token (core.firm.parent_firm_id).
SPONSORS_SQL = """
WITH sponsor AS (
    SELECT DISTINCT firm_id FROM core.firm_mention WHERE role IN ('application_sponsor', 'biologic_applicant')
)
SELECT f.firm_id, f.name, f.country_iso2, f.country_method,
       list(DISTINCT c.country_iso2 ORDER BY c.country_iso2)
           FILTER (WHERE c.country_iso2 IS NOT NULL) AS site_countries,
       list(DISTINCT c.name ORDER BY c.name) FILTER (WHERE c.country_iso2 IS NOT NULL) AS site_firms
FROM sponsor s
JOIN core.firm f USING (firm_id)
LEFT JOIN core.firm c ON c.parent_firm_id = f.firm_id AND f.country_iso2 IS NULL
GROUP BY f.firm_id, f.name, f.country_iso2, f.country_method
"""


# Drugs@FDA writes "Co., Ltd." short as CO ("DAEWOONG PHARM CO"); firm resolution keeps CO and LTD apart. For a
# sponsor named with CO and no country: firms of the same name key whose forms are of the Co., Ltd. family.
SHORT_CO_SQL = """
SELECT m.name_key, list(DISTINCT f.country_iso2 ORDER BY f.country_iso2) AS countries,
       list(DISTINCT f.name ORDER BY f.name) AS names
FROM core.firm_mention m JOIN core.firm f USING (firm_id)
WHERE f.country_iso2 IS NOT NULL AND m.legal_form IN ('LTD', 'CO', 'CO LTD', 'CO INC')
  AND m.name_key IN (SELECT name_key FROM core.firm_mention
                     WHERE role IN ('application_sponsor', 'biologic_applicant') AND legal_form = 'CO')
GROUP BY m.name_key
"""


def registered_country(name: str, site_countries: list[str]) -> str | None:
    """The one country of the sites a firm registers itself, unless its own legal form names another."""
    if len(site_countries) != 1:
        return None
    country = site_countries[0]
    normal = normalize(name)
    if normal.legal_forms and not weak_legal_form(normal) and country not in legal_form_countries(normal):
        return None
    return country


def sponsor_countries(engine: Engine) -> pa.Table:
    """One row per sponsor firm: its country (NULL when unknown), how it was found and the evidence, and the
    parent firm and country when it is a curated subsidiary of a group seated elsewhere."""
    rows = []
    short_co = {r["name_key"]: r for r in engine.query(SHORT_CO_SQL).to_pylist() if len(r["countries"]) == 1}
    for firm in engine.query(SPONSORS_SQL).to_pylist():
        if firm["country_iso2"]:
            rows.append({"firm_id": firm["firm_id"], "country_iso2": firm["country_iso2"],
                         "method": "resolved", "evidence": f"resolution layer: {firm['country_method']}"})
            continue
        sites = firm["site_countries"] or []
        country = registered_country(firm["name"], sites)
        normal = normalize(firm["name"])
        same = short_co.get(normal.key) if normal.legal_forms == ("CO",) else None
        if country:
            names = "; ".join(firm["site_firms"][:3])
            rows.append({"firm_id": firm["firm_id"], "country_iso2": country, "method": "registered_sites",
                         "evidence": f"registers its own establishments in {country} ({names}) and has no "
                                     "country of its own in the resolution layer"})
        elif same:
            rows.append({"firm_id": firm["firm_id"], "country_iso2": same["countries"][0], "method": "short_co_form",
                         "evidence": "named with CO, the short form of Co., Ltd., and the same name as "
                                     f"{'; '.join(same['names'][:3])} ({same['countries'][0]})"})
        else:
            why = f"its sites span {', '.join(sites)}" if sites else "no country from firm resolution"
            rows.append({"firm_id": firm["firm_id"], "country_iso2": None, "method": "unknown",
                         "evidence": why})
    parents = group_parents(engine)
    for row in rows:
        row.update(parents.get(row["firm_id"], {}))
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def build_sponsor_country(engine: Engine) -> None:
    """Write core.sponsor_country."""
    write_table(engine, "core.sponsor_country", sponsor_countries(engine), order_by="firm_id")
