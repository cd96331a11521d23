"""Find the substance a user means: by UNII, by moiety name, by any name a source maps, else by the mapper."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rxatlas.warehouse.engine import Engine

_UNII = re.compile(r"[0-9A-Z]{10}")
MAX_CANDIDATES = 20

# A UNII given directly: the moiety itself, or a form some source mapped to its moiety (in that order of
# preference, so that the first row of each UNII says how it was best reached).
_BY_UNII = """
SELECT DISTINCT unii, substance, 'moiety UNII' AS how FROM core.dmf_substance WHERE unii = ?
UNION SELECT DISTINCT unii, substance, 'form UNII ' || form_unii || ' of the moiety' FROM core.dmf_substance
WHERE form_unii = ? AND kind = 'api' AND unii IS NOT NULL
UNION SELECT DISTINCT unii, substance, 'UNII mapped from its name' FROM core.name_substance
WHERE origin = 'unii' AND name = ? AND kind = 'api' AND unii IS NOT NULL
ORDER BY how <> 'moiety UNII', NOT starts_with(how, 'form UNII'), how, unii, substance
"""
# A name some source already holds: a moiety name, a DMF subject, or another source's ingredient name (in that
# order of preference).
_BY_NAME = """
SELECT DISTINCT unii, substance, 'moiety name' AS how FROM core.dmf_substance
WHERE upper(substance) = ? AND kind = 'api'
UNION SELECT DISTINCT unii, substance, 'DMF subject mapped as ' || method FROM core.dmf_substance
WHERE upper(subject) = ? AND kind = 'api' AND unii IS NOT NULL
UNION SELECT DISTINCT unii, substance, origin || ' name mapped as ' || method FROM core.name_substance
WHERE upper(component) = ? AND kind = 'api' AND unii IS NOT NULL
ORDER BY how <> 'moiety name', NOT starts_with(how, 'DMF subject'), how, unii, substance
"""
_CANDIDATES = """
SELECT unii, substance, n_sources FROM core.substance_metrics
WHERE upper(substance) LIKE '%' || ? || '%' ORDER BY n_sources DESC, substance LIMIT ?
"""
_RELATED = """
SELECT unii, substance, n_sources FROM core.substance_metrics
WHERE unii <> ? AND (upper(substance) LIKE ? || ' %' OR ? LIKE upper(substance) || ' %')
ORDER BY n_sources DESC, substance
"""


@dataclass
class Match:
    """What a query names: one substance (unii set), several candidates, or nothing."""

    query: str
    unii: str | None = None
    substance: str | None = None
    how: str = ""
    candidates: list[dict[str, Any]] = field(default_factory=list)
    related: list[dict[str, Any]] = field(default_factory=list)


def _unique(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_unii: dict[str, dict[str, Any]] = {}
    for row in rows:
        by_unii.setdefault(row["unii"], row)
    return list(by_unii.values())


def _mapped(engine: Engine, key: str) -> list[dict[str, Any]]:
    """Map a name no source holds, as the DMF subject mapper would (slow: loads the UNII name index)."""
    import pyarrow as pa

    from rxatlas.resolve.substances import map_subjects

    row = map_subjects(engine, pa.table({"subject": [key]})).to_pylist()[0]
    if row["kind"] == "api" and row["unii"]:
        return [{"unii": row["unii"], "substance": row["substance"], "how": f"mapped as {row['method']}: "
                 f"{row['evidence']}"}]
    if row["kind"] == "multi" and row["substance"]:
        names = [n.upper() for n in row["substance"].split(" + ")]
        return _unique([r for n in names for r in engine.rows(_BY_NAME, [n, n, n])])
    return []


def find_substance(engine: Engine, query: str) -> Match:
    """The substance moiety a query names (UNII, moiety, salt, brand or any mapped name), or candidates."""
    key = " ".join(query.upper().split())
    rows: list[dict[str, Any]] = []
    if _UNII.fullmatch(key):
        rows = _unique(engine.rows(_BY_UNII, [key, key, key]))
    if not rows:
        rows = _unique(engine.rows(_BY_NAME, [key, key, key]))
    if not rows and key:
        rows = _mapped(engine, key)
    if not rows and key:
        rows = [dict(r, how="name contains the query")
                for r in engine.rows(_CANDIDATES, [key, MAX_CANDIDATES])]
    match = Match(query)
    if len(rows) == 1:
        match.unii, match.substance, match.how = rows[0]["unii"], rows[0]["substance"], rows[0]["how"]
        moiety = match.substance.upper()
        match.related = engine.rows(_RELATED, [match.unii, moiety, moiety])
    else:
        match.candidates = rows
    return match


_SEARCH = """
SELECT unii, substance, n_sources, n_countries, hhi, hhi_band, china_share, india_share
FROM core.substance_metrics
WHERE contains(upper(substance), ?) OR unii = ?
ORDER BY n_sources DESC, substance
"""


def search_substances(engine: Engine, text: str) -> list[dict[str, Any]]:
    """Substances with a qualified source whose name contains the text (any case) or whose UNII it is."""
    key = " ".join(text.upper().split())
    return engine.rows(_SEARCH, [key, key])
