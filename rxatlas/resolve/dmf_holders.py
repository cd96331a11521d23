"""core.dmf_holder: the country of every DMF holder (rxatlas.resolve.holder_country) with its canonical firm."""

from __future__ import annotations

import pyarrow as pa

from rxatlas.warehouse.engine import Engine

DMF_HOLDER_SQL = """
CREATE OR REPLACE TABLE core.dmf_holder AS
WITH holder_firm AS (
    SELECT mention_name AS holder, list(firm_id ORDER BY n DESC, firm_id)[1] AS firm_id
    FROM (SELECT mention_name, firm_id, count(*) AS n FROM core.firm_mention
          WHERE role = 'dmf_holder' GROUP BY ALL) AS counted
    GROUP BY mention_name
)
SELECT h.holder, coalesce(hf.firm_id, h.firm_id) AS firm_id, f.name AS firm_name,
       h.country, h.site_countries, h.confidence, h.method, h.evidence
FROM resolve_holders_out h
LEFT JOIN holder_firm hf USING (holder)
LEFT JOIN core.firm f ON f.firm_id = coalesce(hf.firm_id, h.firm_id)
ORDER BY h.holder
"""


OVERRIDE_SCHEMA = pa.schema([
    ("holder", pa.string()), ("action", pa.string()), ("country", pa.string()), ("firm", pa.string()),
    ("who", pa.string()), ("decided_on", pa.date32()), ("why", pa.string()), ("status", pa.string()),
])


def build_dmf_holder(engine: Engine) -> None:
    """Write core.dmf_holder (holder countries joined with each holder's firm) and core.resolution_override."""
    from rxatlas.resolve.holder_country import resolve_holders_with_report

    holders, outcomes = resolve_holders_with_report(engine)
    overrides = pa.Table.from_pylist(
        [{"holder": o.override.holder, "action": o.override.action, "country": o.override.country,
          "firm": o.override.firm, "who": o.override.who, "decided_on": o.override.when, "why": o.override.why,
          "status": o.status} for o in outcomes],
        schema=OVERRIDE_SCHEMA,
    )
    engine.register("resolve_holders_out", holders)
    engine.register("override_outcomes", overrides)
    try:
        engine.execute(DMF_HOLDER_SQL)
        engine.execute("CREATE OR REPLACE TABLE core.resolution_override AS SELECT * FROM override_outcomes")
    finally:
        engine.unregister("resolve_holders_out")
        engine.unregister("override_outcomes")
