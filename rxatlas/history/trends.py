"""Shortage trends where history exists: how long shortages lasted and how many were current each year."""

from __future__ import annotations

from typing import Any

from rxatlas.history.tracked import SHORTAGE_KEY
from rxatlas.warehouse.engine import Engine

TABLE = "raw.fda_shortages__openfda"
_KEY = ", ".join(SHORTAGE_KEY)
# Per shortage (name, company, presentation): the first snapshot showing it current and the first showing it
# resolved; a shortage still current at the last snapshot has no end yet.
_SPANS = f"""
WITH spans AS (
    SELECT {_KEY},
           min(_snapshot) FILTER (WHERE status <> 'Resolved') AS first_current,
           min(_snapshot) FILTER (WHERE status = 'Resolved') AS first_resolved
    FROM {TABLE} GROUP BY ALL
)
"""
_BY_YEAR = _SPANS + f"""
SELECT year(_snapshot) AS year, count(DISTINCT ({_KEY})) FILTER (WHERE status <> 'Resolved') AS current,
       (SELECT count(*) FROM spans WHERE year(first_current) = year(r._snapshot)) AS newly_seen,
       (SELECT count(*) FROM spans WHERE year(first_resolved) = year(r._snapshot)
                                     AND first_current < first_resolved) AS resolved
FROM {TABLE} AS r GROUP BY ALL ORDER BY year
"""
_DURATIONS = _SPANS + """
SELECT count(*) AS resolved, median(first_resolved - first_current) AS median_days,
       max(first_resolved - first_current) AS longest_days
FROM spans WHERE first_current < first_resolved
"""


def shortage_trends(engine: Engine) -> dict[str, Any]:
    """Shortage durations and counts by year across the atlas's shortage snapshots, or why there are none."""
    if not engine.exists(TABLE):
        return {"snapshots": [], "note": "no shortage snapshot is loaded; build the fda_shortages source"}
    snapshots = engine.query(f"SELECT DISTINCT _snapshot FROM {TABLE} ORDER BY 1").column(0).to_pylist()
    if len(snapshots) < 2:
        return {"snapshots": snapshots,
                "note": f"only one shortage snapshot ({snapshots[0]}): durations and yearly counts need several; "
                        "put older openFDA shortage files in the mirror under their dated names and rebuild"}
    return {"snapshots": snapshots, "by_year": engine.query(_BY_YEAR).to_pylist(),
            "durations": engine.query(_DURATIONS).to_pylist()[0]}
