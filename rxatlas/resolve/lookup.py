"""Questions about resolved firms: find a firm by name, list the firms of a source, and report link coverage."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from rxatlas.approvals.register import english_names
from rxatlas.errors import InputError
from rxatlas.resolve.firms import legal_compatible
from rxatlas.resolve.names import entity_name
from rxatlas.warehouse.engine import Engine

# Short source names users type, and the mention roles they cover (a role name is accepted as well).
SOURCE_ROLES: dict[str, tuple[str, ...]] = {
    "dmf": ("dmf_holder",),
    "decrs": ("establishment_firm", "establishment_registrant"),
    "drugsfda": ("application_sponsor",),
    "purplebook": ("biologic_applicant",),
    "shortages": ("shortage_company",),
    "compliance": ("compliance_firm", "warning_letter_company"),
    "spl": ("spl_establishment", "spl_labeler"),
    "watchlist": ("watchlist_entry",),
    "labels": ("label_labeler", "bulk_labeler"),
    "curated": ("group_member",),
}
FUZZY_MIN = 0.9
FUZZY_LIMIT = 10

_FIRM_SQL = """
WITH wanted AS (SELECT unnest(?::VARCHAR[]) AS firm_id, unnest(?::DOUBLE[]) AS match_score)
SELECT f.firm_id, f.name, w.match_score, f.aliases, f.country_iso2, f.country_method, f.countries,
       f.parent_firm_id, p.name AS parent_name, f.parent_method, f.groups,
       (SELECT list({{'fei': x.fei, 'duns': x.duns, 'name': x.name, 'address': x.address,
                     'country_iso2': x.country_iso2, 'operations': x.operations}} ORDER BY x.fei)
        FROM {facility} x WHERE x.firm_id = f.firm_id) AS facilities,
       (SELECT list({{'dmf': d.dmf, 'status': d.status, 'type': d.type, 'subject': d.subject,
                     'holder': d.holder}} ORDER BY d.dmf)
        FROM core.firm_mention m JOIN core.dmf d ON m.role = 'dmf_holder' AND d.dmf = m.record_key
        WHERE m.firm_id = f.firm_id) AS dmfs,
       (SELECT list(DISTINCT m.record_key ORDER BY m.record_key) FROM core.firm_mention m
        WHERE m.firm_id = f.firm_id AND m.role = 'application_sponsor') AS applications,
       (SELECT list({{'source': s.source, 'role': s.role, 'mentions': s.n, 'names': s.names, 'method': s.method,
                     'evidence': s.evidence}} ORDER BY s.source, s.role)
        FROM (SELECT source, role, count(*) AS n, list(DISTINCT mention_name ORDER BY mention_name) AS names,
                     arg_max(method, score) AS method, arg_max(evidence, score) AS evidence
              FROM core.firm_mention m WHERE m.firm_id = f.firm_id GROUP BY source, role) s) AS sources
FROM core.firm f JOIN wanted w USING (firm_id)
LEFT JOIN core.firm p ON p.firm_id = f.parent_firm_id
ORDER BY w.match_score DESC, len(f.aliases) DESC, f.firm_id
"""


def find_firms(engine: Engine, name: str) -> pa.Table:
    """Firms whose normalised name equals the query's (score 1.0), else the closest by Jaro-Winkler.

    A Korean name in the Korean firm register is looked up by its English name (셀트리온: Celltrion, Inc.).
    """
    normal = entity_name(next(iter(english_names(name)), name))
    key, legal = normal.key, " ".join(normal.legal_forms) or None
    if not key:
        raise InputError(f"{name!r} has no letters or digits to match; give a firm name")
    exact = engine.query("SELECT firm_id, list(DISTINCT legal_form) FILTER (WHERE legal_form IS NOT NULL) AS forms "
                         "FROM core.firm_mention WHERE name_key = ? GROUP BY firm_id ORDER BY firm_id", [key])
    # A query with a legal form prefers the firms named with that form; a firm never named with one comes next.
    same_form = [r["firm_id"] for r in exact.to_pylist()
                 if legal and r["forms"] and any(legal_compatible(legal, f) for f in r["forms"])]
    ids = same_form or [r["firm_id"] for r in exact.to_pylist()
                        if not r["forms"] or any(legal_compatible(legal, f) for f in r["forms"])]
    if ids:
        scores = [1.0] * len(ids)
    else:
        fuzzy = engine.query(
            "SELECT firm_id, max(jaro_winkler_similarity(name_key, ?)) AS s FROM core.firm_mention "
            "WHERE jaro_winkler_similarity(name_key, ?) >= ? GROUP BY firm_id ORDER BY s DESC, firm_id LIMIT ?",
            [key, key, FUZZY_MIN, FUZZY_LIMIT])
        ids, scores = fuzzy.column(0).to_pylist(), [round(s, 4) for s in fuzzy.column(1).to_pylist()]
    facility = "core.facility" if engine.exists("core.facility") else \
        "(SELECT NULL::VARCHAR AS fei, NULL AS duns, NULL AS name, NULL AS address, NULL AS country_iso2, " \
        "NULL::VARCHAR[] AS operations, NULL AS firm_id WHERE FALSE)"
    return engine.query(_FIRM_SQL.format(facility=facility), [ids, scores])


_SEARCH_SQL = """
SELECT firm_id, name, country_iso2, countries, groups
FROM core.firm
WHERE contains(upper(name), ?) OR contains(upper(array_to_string(aliases, '|')), ?)
ORDER BY name, firm_id
"""
_FACILITIES_SQL = """
SELECT fei, name, city, country_iso2, api_manufacture, firm_id FROM core.facility
WHERE (? IS NULL OR country_iso2 = ?) AND (NOT ? OR api_manufacture)
ORDER BY country_iso2, name, fei
"""


def search_firms(engine: Engine, text: str) -> list[dict[str, Any]]:
    """Canonical firms whose name or an alias contains the text (any case, runs of spaces as one)."""
    key = " ".join(text.upper().split())
    return engine.rows(_SEARCH_SQL, [key, key])


def facilities(engine: Engine, country: str | None = None, api_only: bool = False) -> list[dict[str, Any]]:
    """Registered facilities (DECRS), optionally of one country (ISO alpha-2) or API-manufacture sites only."""
    code = country.upper() if country else None
    return engine.rows(_FACILITIES_SQL, [code, code, api_only])


def facility(engine: Engine, fei: str) -> dict[str, Any] | None:
    """One registered facility by FEI with its firm, operations and provenance; None when no site has it."""
    rows = engine.rows("SELECT * FROM core.facility WHERE fei = ?", [fei])
    return rows[0] if rows else None


def roles_of(source: str) -> tuple[str, ...]:
    """The mention roles a source name stands for."""
    if source in SOURCE_ROLES:
        return SOURCE_ROLES[source]
    if any(source in roles for roles in SOURCE_ROLES.values()):
        return (source,)
    raise InputError(f"unknown source {source!r}; use one of {', '.join(SOURCE_ROLES)} or a mention role")


_LINKED_FIRMS_SQL = """
SELECT m.mention_name AS {name_col}, arg_max(m.firm_id, m.mention_id) AS firm_id,
       arg_max(f.name, m.mention_id) AS firm_name,
       arg_max(CASE WHEN m.method <> 'unresolved' THEN f.country_iso2 END, m.mention_id) AS country,
       coalesce(arg_max((SELECT list(DISTINCT x.country_iso2 ORDER BY x.country_iso2) FROM {facility} x
                         WHERE x.firm_id = m.firm_id AND x.api_manufacture), m.mention_id), [])
           AS site_countries,
       arg_max(CASE m.method WHEN 'identifier' THEN 'high' WHEN 'override' THEN 'high'
                             WHEN 'exact_key' THEN 'high' WHEN 'splink' THEN 'medium' END, m.mention_id)
           AS confidence,
       arg_max(m.method, m.mention_id) AS method
FROM core.firm_mention m LEFT JOIN core.firm f USING (firm_id)
WHERE list_contains(?::VARCHAR[], m.role)
GROUP BY m.mention_name ORDER BY m.mention_name
"""


def firms_of_source(engine: Engine, source: str) -> pa.Table:
    """One row per distinct firm name in a source with its firm and country (DMF: core.dmf_holder when built)."""
    roles = roles_of(source)
    if roles == ("dmf_holder",) and engine.exists("core.dmf_holder"):
        return engine.query("SELECT holder, firm_id, firm_name, country, site_countries, confidence, method "
                            "FROM core.dmf_holder ORDER BY holder")
    facility = "core.facility" if engine.exists("core.facility") else \
        "(SELECT NULL AS country_iso2, NULL AS firm_id, NULL::BOOLEAN AS api_manufacture WHERE FALSE)"
    name_col = "holder" if roles == ("dmf_holder",) else "name"
    return engine.query(_LINKED_FIRMS_SQL.format(name_col=name_col, facility=facility), [list(roles)])


REPORT_SQL = """
SELECT source, role, count(*) AS mentions, count(DISTINCT mention_name) AS distinct_names,
       count(DISTINCT firm_id) AS firms,
       count(*) FILTER (WHERE method = 'identifier') AS identifier,
       count(*) FILTER (WHERE method = 'exact_key') AS exact_key,
       count(*) FILTER (WHERE method = 'splink') AS splink,
       count(*) FILTER (WHERE method = 'override') AS override,
       count(*) FILTER (WHERE method = 'unresolved') AS unresolved,
       round(count(*) FILTER (WHERE method <> 'unresolved') / count(*), 4) AS coverage,
       round(count(DISTINCT mention_name) FILTER (WHERE method <> 'unresolved')
             / count(DISTINCT mention_name), 4) AS name_coverage,
       round(min(score) FILTER (WHERE method = 'splink'), 4) AS splink_score_min,
       round(median(score) FILTER (WHERE method = 'splink'), 4) AS splink_score_median
FROM core.firm_mention GROUP BY source, role ORDER BY source, role
"""


def resolve_report(engine: Engine) -> pa.Table:
    """Coverage, method counts and Splink score distribution per source and role (methods sum to mentions)."""
    if not engine.exists("core.firm_mention"):
        raise InputError("this atlas has no core.firm_mention; rebuild it with `rxatlas build`")
    return engine.query(REPORT_SQL)
