"""Which source firms a firm_exit measure takes out: each named firm, and with its affiliates every firm of the
same curated group (rxatlas/resolve/data/groups.yaml) or with the same registering parent."""

from __future__ import annotations

from rxatlas.errors import InputError
from rxatlas.resolve.names import normalize
from rxatlas.warehouse.engine import Engine

# Every canonical firm whose mentions carry the name key (the firm resolution's own key of the name).
_NAMED_SQL = "SELECT DISTINCT firm_id FROM core.firm_mention WHERE name_key = ? ORDER BY firm_id"
# The firms sharing a curated group or a parent with the given ones.
_AFFILIATES_SQL = """
WITH named AS (SELECT firm_id, groups, parent_firm_id FROM core.firm WHERE list_contains(?, firm_id))
SELECT DISTINCT f.firm_id, f.name,
       coalesce(list_extract(list_intersect(f.groups, n.groups), 1), 'parent ' || f.parent_firm_id) AS via
FROM core.firm AS f JOIN named AS n
  ON len(list_intersect(f.groups, n.groups)) > 0
  OR f.parent_firm_id = n.firm_id OR f.firm_id = n.parent_firm_id
  OR (f.parent_firm_id IS NOT NULL AND f.parent_firm_id = n.parent_firm_id)
"""


def exiting_firms(engine: Engine, names: list[str], include_affiliates: bool, ref: str) -> dict[str, str]:
    """The canonical firms that stop supplying, each with why: the firm named, or its affiliate and through what."""
    out: dict[str, str] = {}
    for name in names:
        key = normalize(name).key
        ids = engine.query(_NAMED_SQL, [key]).column("firm_id").to_pylist() if key else []
        if not ids:
            raise InputError(f"{ref}: no firm is named {name!r} in the atlas; give the name as a source writes it "
                             "(`rxatlas firm NAME` shows the names a firm is known by)")
        out.update({firm_id: f"firm exit: {name}" for firm_id in ids})
        if include_affiliates:
            for row in engine.query(_AFFILIATES_SQL, [ids]).to_pylist():
                out.setdefault(row["firm_id"], f"firm exit: {name}, affiliate {row['name']} ({row['via']})")
    return out
