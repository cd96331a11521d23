"""Atlas-wide exposure: US-market substances whose qualified API sources are listed firms or affiliates."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rxatlas.errors import QueryError
from rxatlas.screen.screen import STATUS_RANK, Screener
from rxatlas.warehouse.engine import Engine

# Every firm behind a qualified API source, with all the names it is known by.
FIRMS_SQL = """
SELECT a.firm_id, min(a.firm_name) AS firm_name, min(a.holder_country) AS country,
       min(f.aliases) AS aliases
FROM core.api_source AS a LEFT JOIN core.firm AS f ON f.firm_id = a.firm_id
GROUP BY a.firm_id
"""
SOURCES_SQL = "SELECT unii, substance, firm_id, country, source_kind FROM core.api_source"


def firm_status(screener: Screener, firm: dict[str, Any]) -> dict[str, Any]:
    """The strongest screening result over every name of a firm."""
    names = dict.fromkeys([firm["firm_name"], *(firm["aliases"] or [])])
    best: dict[str, Any] | None = None
    for name in names:
        if not name:
            continue
        result = screener.screen(name, firm["country"])
        rank = STATUS_RANK[result["status"]]
        if best is None or rank < best["rank"]:
            best = {"rank": rank, **result}
    return best or {"rank": 3, "status": "clear"}


def exposure(engine: Engine, screener: Screener, scope: str | None = None) -> dict[str, Any]:
    """Per substance of the market scope (us_human_rx unless said): qualified API sources, how many are listed
    firms or affiliates, that share, and who."""
    from rxatlas.supply.scope import in_scope, scope_note

    if not engine.exists("core.api_source"):
        raise QueryError("the atlas has no core.api_source table; rebuild it with a newer rxatlas")
    wanted = in_scope(engine, scope)
    sources = [r for r in engine.query(SOURCES_SQL).to_pylist() if wanted is None or r["unii"] in wanted]
    firms = {f["firm_id"]: f for f in engine.query(FIRMS_SQL).to_pylist()}
    # screen only the firms behind sources of the scope: screening is the costly part
    status = {fid: firm_status(screener, firms[fid]) for fid in {r["firm_id"] for r in sources}}
    per: dict[str, dict[str, Any]] = defaultdict(lambda: {"sources": 0, "linked": [], "possible": []})
    for row in sources:
        item = per[row["unii"]]
        item["substance"] = row["substance"]
        item["sources"] += 1
        result = status[row["firm_id"]]
        if result["status"] in ("listed", "affiliate", "possible"):
            link = {"firm": firms[row["firm_id"]]["firm_name"], "country": row["country"],
                    "source_kind": row["source_kind"], "status": result["status"],
                    "matched_name": result["matched_name"], "list": result["list"], "path": result["path"],
                    "explanation": result["explanation"]}
            item["linked" if result["status"] != "possible" else "possible"].append(link)
    substances = [
        {"unii": unii, "substance": v["substance"], "sources": v["sources"],
         "linked_sources": len(v["linked"]), "linked_share": round(len(v["linked"]) / v["sources"], 4),
         "linked": v["linked"], "possible_sources": len(v["possible"]), "possible": v["possible"]}
        for unii, v in per.items() if v["linked"] or v["possible"]
    ]
    substances.sort(key=lambda s: (-s["linked_share"], -s["linked_sources"], s["substance"] or ""))
    linked_firms = sorted({firms[f]["firm_name"] for f, r in status.items()
                           if r["status"] in ("listed", "affiliate")})
    return {
        "as_of": screener.as_of,
        **scope_note(scope),
        "substances_with_sources": len(per),
        "substances_exposed": sum(1 for s in substances if s["linked_sources"]),
        "sources": sum(v["sources"] for v in per.values()),
        "linked_sources": sum(s["linked_sources"] for s in substances),
        "linked_firms": linked_firms,
        "lists": [s.summary() for s in screener.states],
        "substances": substances,
    }
