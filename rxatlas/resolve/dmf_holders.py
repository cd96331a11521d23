"""core.dmf_holder: the country of every DMF holder (rxatlas.resolve.holder_country) with its canonical firm."""

from __future__ import annotations

from rxatlas.warehouse.engine import Engine

DMF_HOLDER_SQL = """
CREATE OR REPLACE TABLE core.dmf_holder AS
WITH holder_firm AS (
    SELECT mention_name AS holder, arg_max(firm_id, n) AS firm_id
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


def build_dmf_holder(engine: Engine) -> None:
    """Write core.dmf_holder: the holder-country answers joined with the firm each holder resolved to."""
    from rxatlas.resolve.holder_country import resolve_holders

    engine.register("resolve_holders_out", resolve_holders(engine))
    try:
        engine.execute(DMF_HOLDER_SQL)
    finally:
        engine.unregister("resolve_holders_out")
