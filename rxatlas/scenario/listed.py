"""Which source firms are on a watch list on a date, or affiliates of a listed firm: the screening judgement.

The scenario engine asks the same screener that `rxatlas screen` uses (rxatlas.screen), over every name a
firm is known by, so that a scenario and a screening never disagree about who is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rxatlas.screen.exposure import firm_status
from rxatlas.screen.lists import watch_lists
from rxatlas.screen.screen import screener_for
from rxatlas.warehouse.engine import Engine

FIRMS_SQL = ("SELECT firm_id, name AS firm_name, country_iso2 AS country, aliases FROM core.firm "
             "WHERE firm_id IN ({ids})")
METHOD = ("rxatlas.screen: the watch lists as they stood on as_of (1260H editions, OFAC SDN) and the affiliate "
          "graph of the lists' parents and the curated groups, matched over every name of each source firm")


@dataclass(frozen=True)
class Listing:
    """Why a firm is treated as listed: the entry it matches or the group path to a listed firm."""

    firm_id: str
    status: str  # "listed" or "affiliate"
    list_id: str
    listed_name: str
    path: str


def listed_firms(engine: Engine, firm_ids: set[str], lists: list[str], as_of: date,
                 include_affiliates: bool) -> dict[str, Listing]:
    """Firms (of those given) listed on any of the lists on as_of, or affiliated with a listed firm."""
    chosen = [w for w in watch_lists(engine) if w.id in lists]
    ids = sorted(i for i in firm_ids if not i.startswith("holder:"))
    if not chosen or not ids:
        return {}
    screener = screener_for(engine, as_of, chosen)
    wanted = ("listed", "affiliate") if include_affiliates else ("listed",)
    found: dict[str, Listing] = {}
    for firm in engine.query(FIRMS_SQL.format(ids=", ".join("?" for _ in ids)), ids).to_pylist():
        result = firm_status(screener, firm)
        if result["status"] in wanted:
            found[firm["firm_id"]] = Listing(firm["firm_id"], result["status"], result["list"],
                                             result["matched_name"],
                                             result["path"] or f"{firm['firm_name']}: {result['explanation']}")
    return found
