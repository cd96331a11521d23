"""The canonical firm tables of the warehouse: firm mentions with their links, firms, and facilities."""

from __future__ import annotations

from rxatlas.resolve.firms import link
from rxatlas.resolve.mentions import MENTIONS_TABLE, extract_mentions
from rxatlas.warehouse.engine import Engine

FIRM_MENTION_SQL = f"""
CREATE OR REPLACE TABLE core.firm_mention AS
SELECT m.mention_id, m.source, m.source_table, m.role, m.record_key, m._file, m._line,
       m.mention_name, m.name_key, m.legal_form, m.fei, m.duns, m.country_iso2,
       l.firm_id, l.score, l.method, l.evidence
FROM {MENTIONS_TABLE} m JOIN resolve_mention_link l USING (mention_id)
ORDER BY m.mention_id
"""

# A firm's primary country is the country of most of its mentions (ties: alphabetical); registrant relations give
# data-derived parents only when the registrant shares a distinctive name token with the firm (a US agent shares none).
FIRM_SQL = """
CREATE OR REPLACE TABLE core.firm AS
WITH names AS (
    SELECT firm_id, mention_name, count(*) AS uses FROM core.firm_mention
    WHERE firm_id IS NOT NULL GROUP BY ALL
), per_source AS (
    SELECT firm_id, role, count(*) AS n FROM core.firm_mention WHERE firm_id IS NOT NULL GROUP BY ALL
), countries AS (
    SELECT firm_id, country_iso2, list(DISTINCT role ORDER BY role) AS roles, count(*) AS n
    FROM core.firm_mention WHERE firm_id IS NOT NULL AND country_iso2 IS NOT NULL
    GROUP BY ALL
), registrants AS (
    SELECT f.firm_id, r.firm_id AS registrant_firm_id, count(*) AS n
    FROM core.firm_mention f JOIN core.firm_mention r
      ON r.role = 'establishment_registrant' AND f.role = 'establishment_firm'
     AND r.source_table = f.source_table AND r._line = f._line AND r._file IS NOT DISTINCT FROM f._file
    JOIN resolve_mention_base fb ON fb.mention_id = f.mention_id
    JOIN resolve_mention_base rb ON rb.mention_id = r.mention_id
    WHERE r.firm_id <> f.firm_id AND array_length(list_intersect(fb.distinctive, rb.distinctive)) > 0
    GROUP BY ALL
), firm_names AS (
    SELECT firm_id, list(mention_name ORDER BY uses DESC, length(mention_name), mention_name)[1] AS name,
           list(DISTINCT mention_name ORDER BY mention_name) AS aliases
    FROM names GROUP BY firm_id
), firm_countries AS (
    SELECT firm_id, list(country_iso2 ORDER BY n DESC, country_iso2) AS countries,
           'named with this country by '
               || array_to_string(list(roles ORDER BY n DESC, country_iso2)[1], ', ') AS country_method
    FROM countries GROUP BY firm_id
), parents AS (
    SELECT firm_id, list(registrant_firm_id ORDER BY n DESC, registrant_firm_id)[1] AS parent_firm_id
    FROM registrants GROUP BY firm_id
), firm_groups AS (
    SELECT firm_id, list(DISTINCT record_key ORDER BY record_key) AS groups FROM core.firm_mention
    WHERE firm_id IS NOT NULL AND role = 'group_member' GROUP BY firm_id
), firm_roles AS (
    SELECT firm_id, map_from_entries(list((role, n) ORDER BY role)) AS n_mentions FROM per_source GROUP BY firm_id
)
SELECT f.firm_id, f.name, f.aliases, c.countries[1] AS country_iso2, c.country_method,
       coalesce(c.countries, []) AS countries, p.parent_firm_id,
       CASE WHEN p.parent_firm_id IS NOT NULL
            THEN 'data: registrant of its establishments sharing a name token' END AS parent_method,
       coalesce(g.groups, []) AS groups, r.n_mentions
FROM firm_names f
LEFT JOIN firm_countries c ON c.firm_id = f.firm_id
LEFT JOIN parents p ON p.firm_id = f.firm_id
LEFT JOIN firm_groups g ON g.firm_id = f.firm_id
LEFT JOIN firm_roles r ON r.firm_id = f.firm_id
ORDER BY f.firm_id
"""

FACILITY_SQL = """
CREATE OR REPLACE TABLE core.facility AS
WITH seen AS (
    SELECT fei, list(DISTINCT source ORDER BY source) AS sources FROM core.firm_mention
    WHERE fei IS NOT NULL GROUP BY fei
)
SELECT e.fei, e.duns, e.firm_name AS name, e.address, e.city, e.country_iso2, e.operations,
       e.api_manufacture, m.firm_id, e.registrant_name, e.registrant_duns,
       coalesce(s.sources, [e._source]) AS sources,
       e._source, e._snapshot, e._file, e._sha256, e._line
FROM core.establishment e
LEFT JOIN core.firm_mention m
  ON m.role = 'establishment_firm' AND m._line = e._line AND m._file IS NOT DISTINCT FROM e._file
LEFT JOIN seen s ON s.fei = ltrim(e.fei, '0')
"""


def build_firm_tables(engine: Engine) -> None:
    """Extract mentions, link them, and write core.firm_mention, core.firm and core.facility."""
    extract_mentions(engine)
    link(engine)
    engine.execute(FIRM_MENTION_SQL)
    engine.execute(FIRM_SQL)
    if engine.exists("core.establishment"):
        engine.execute(FACILITY_SQL)
    else:
        engine.execute("DROP TABLE IF EXISTS core.facility")
    engine.execute(f"DROP TABLE IF EXISTS {MENTIONS_TABLE}")
    engine.execute("DROP TABLE IF EXISTS resolve_mention_link")
