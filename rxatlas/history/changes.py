"""What changed: facts added, removed, closed or changed between consecutive snapshots, and list editions."""

from __future__ import annotations

from datetime import date
from itertools import pairwise
from typing import Any

from rxatlas.history.tracked import LIST_SOURCE, Tracked, tracked
from rxatlas.resolve.names import name_key
from rxatlas.warehouse.engine import Engine

_PAIR_SQL = """
WITH facts AS (
    SELECT {columns}, _snapshot, _file, _line FROM {raw}
    WHERE {where} AND _snapshot IN (?, ?)
    QUALIFY row_number() OVER (PARTITION BY _snapshot, {key} ORDER BY _line) = 1
), o AS (SELECT * FROM facts WHERE _snapshot = ?), n AS (SELECT * FROM facts WHERE _snapshot = ?)
SELECT o AS old, n AS new FROM o FULL JOIN n ON {join}
WHERE o.{first} IS NULL OR n.{first} IS NULL OR {differ}
ORDER BY {order}
"""
_SEEN_SQL = ("SELECT {key}, min(_snapshot) AS first_seen, max(_snapshot) AS last_seen FROM {raw} WHERE {where} "
             "GROUP BY ALL")
# 1260H: an entry is added at the start of a listing range that does not continue an earlier range of the same
# entry, and removed at the end of a range no later range continues (core.watchlist_entry holds the ranges).
_EDITIONS_SQL = """
WITH d AS (SELECT * FROM core.watchlist_entry WHERE list_id = 'us_dod_1260h')
SELECT 'added' AS kind, listed_from AS happened, * FROM d
WHERE NOT EXISTS (SELECT 1 FROM d AS p WHERE p.entry_id = d.entry_id AND p.listed_to = d.listed_from)
UNION ALL
SELECT 'removed' AS kind, listed_to AS happened, * FROM d
WHERE listed_to IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM d AS n WHERE n.entry_id = d.entry_id AND n.listed_from = d.listed_to)
ORDER BY happened, kind, name
"""


def snapshots(engine: Engine, fact: Tracked) -> list[date]:
    """The snapshot dates an atlas holds for a tracked table, oldest first."""
    if not engine.exists(fact.raw):
        return []
    rows = engine.query(f"SELECT DISTINCT _snapshot FROM {fact.raw} ORDER BY 1").column(0).to_pylist()
    return [r for r in rows if r is not None]


def _row(record: dict[str, Any] | None, fact: Tracked) -> dict[str, Any] | None:
    if record is None or record[fact.key[0]] is None:
        return None
    return {"snapshot": record["_snapshot"], "file": record["_file"], "line": record["_line"],
            **{c: record[c] for c in (*fact.key, *fact.fields)}}


def _kind(fact: Tracked, old: dict[str, Any] | None, new: dict[str, Any] | None) -> str:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    if fact.closing and old[fact.closing[0]] != new[fact.closing[0]] == fact.closing[1]:
        return "closed"
    return "changed"


def pair_changes(engine: Engine, fact: Tracked, old: date, new: date) -> list[dict[str, Any]]:
    """The changes of one tracked table from one snapshot to another, each with the rows it compares."""
    key = ", ".join(fact.key)
    sql = _PAIR_SQL.format(
        columns=", ".join(dict.fromkeys((*fact.key, *fact.fields))), raw=fact.raw, where=fact.where, key=key,
        join=" AND ".join(f"o.{k} = n.{k}" for k in fact.key), first=fact.key[0],
        differ=" OR ".join(f"o.{f} IS DISTINCT FROM n.{f}" for f in fact.fields),
        order=", ".join(f"coalesce(o.{k}, n.{k})" for k in fact.key))
    seen = {tuple(r[k] for k in fact.key): r for r in engine.query(
        _SEEN_SQL.format(key=key, raw=fact.raw, where=fact.where)).to_pylist()}
    found = []
    for pair in engine.query(sql, [old, new, old, new]).to_pylist():
        before, after = _row(pair["old"], fact), _row(pair["new"], fact)
        either = after or before
        assert either is not None
        ident = tuple(either[k] for k in fact.key)
        found.append({
            "source": fact.source, "fact": fact.name, "kind": _kind(fact, before, after),
            "key": dict(zip(fact.key, ident, strict=True)), "old_snapshot": old, "new_snapshot": new,
            "firm": either[fact.firm], "subject": either[fact.subject],
            "firms": _names([before, after], fact.firm), "subjects": _names([before, after], fact.subject),
            "fields": [{"field": f, "old": before[f], "new": after[f]} for f in fact.fields
                       if before and after and before[f] != after[f]],
            "first_seen": seen[ident]["first_seen"], "last_seen": seen[ident]["last_seen"],
            "old": before, "new": after,
        })
    return found


def edition_changes(engine: Engine) -> list[dict[str, Any]]:
    """Who was added to and removed from the 1260H list, edition by edition."""
    if not engine.exists("core.watchlist_entry"):
        return []
    rows = engine.query(_EDITIONS_SQL).to_pylist()
    editions = sorted({r["happened"] for r in rows})
    found = []
    for r in rows:
        earlier = [e for e in editions if e < r["happened"]]
        entry = {"entry_id": r["entry_id"], "name": r["name"], "listed_from": r["listed_from"],
                 "listed_to": r["listed_to"], "source_url": r["source_url"], "snapshot": r["_snapshot"],
                 "file": r["_file"], "line": r["_line"]}
        found.append({
            "source": LIST_SOURCE, "fact": f"{LIST_SOURCE}.listing", "kind": r["kind"],
            "key": {"entry_id": r["entry_id"]}, "old_snapshot": earlier[-1] if earlier else None,
            "new_snapshot": r["happened"], "firm": r["name"], "subject": None, "fields": [],
            "firms": [r["name"]], "subjects": [],
            "first_seen": r["listed_from"], "last_seen": r["listed_to"],
            "old": entry if r["kind"] == "removed" else None, "new": entry if r["kind"] == "added" else None,
        })
    return found


def _matches(change: dict[str, Any], substance: str | None, firm: str | None) -> bool:
    if firm and not any(name_key(firm) in name_key(name) for name in change["firms"]):
        return False
    return not substance or any(substance.upper() in text.upper() for text in change["subjects"])


def _names(rows: list[dict[str, Any] | None], column: str) -> list[str]:
    """The distinct values of a column in the compared rows (a renamed holder has two)."""
    return list(dict.fromkeys(str(r[column]) for r in rows if r and r[column]))


def changes(engine: Engine, source: str | None = None, since: date | None = None, substance: str | None = None,
            firm: str | None = None) -> list[dict[str, Any]]:
    """Every change the atlas's history holds, filtered by source, date (new snapshot on or after), text."""
    found = []
    for fact in tracked(source):
        dates = snapshots(engine, fact)
        for old, new in pairwise(dates):
            if since is None or new >= since:
                found += pair_changes(engine, fact, old, new)
    if source in (None, LIST_SOURCE):
        found += [c for c in edition_changes(engine) if since is None or c["new_snapshot"] >= since]
    return [c for c in found if _matches(c, substance, firm)]
