"""Watched firms newly matched on a screening list (1260H, OFAC SDN): the screener as of now and as of before."""

from __future__ import annotations

from datetime import date
from typing import Any

from rxatlas.warehouse.engine import Engine
from rxatlas.watch.lists import Watch

MATCHED = ("listed", "affiliate")


def list_changes(engine: Engine, watch: Watch, since: date | None) -> list[dict[str, Any]]:
    """One change per watched firm that a list names now (directly or as an affiliate) and did not at since.

    Without a date every current match counts. Shaped like the changes of rxatlas.history, kind 'matched'.
    """
    from rxatlas.screen.screen import screener_for

    today = date.today()
    now = screener_for(engine, today)
    before = screener_for(engine, since) if since else None
    found = []
    for item in watch.items:
        result = now.screen(item["name"], item.get("country"))
        if result["status"] not in MATCHED:
            continue
        earlier = before.screen(item["name"], item.get("country"))["status"] if before else None
        if earlier in MATCHED:
            continue
        row = {"path": result["path"] or result["explanation"], "explanation": result["explanation"],
               "provenance": result["provenance"], "status": result["status"]}
        found.append({
            "source": result["list"], "fact": "screening", "kind": "matched", "key": {"supplier": item["name"]},
            "old_snapshot": since, "new_snapshot": result["edition"] or today, "firm": result["matched_name"],
            "firms": [item["name"]], "subjects": [], "fields": [{"field": "status", "old": earlier,
                                                                 "new": result["status"]}],
            "first_seen": result["edition"], "last_seen": None, "old": None, "new": row,
        })
    return found
