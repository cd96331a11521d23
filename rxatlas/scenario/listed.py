"""Which source firms are on a watch list on a date, or affiliates of a listed firm, with the path why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from rxatlas.resolve.curated import Group, load_groups
from rxatlas.resolve.names import distinctive_tokens, normalize
from rxatlas.resolve.places import gazetteer
from rxatlas.warehouse.engine import Engine

ENTRIES_SQL = """
SELECT list_id, name, aliases, listed_from, source_url
FROM core.watchlist_entry
WHERE list_id IN ({lists}) AND (listed_from IS NULL OR listed_from <= ?) AND (listed_to IS NULL OR listed_to > ?)
ORDER BY list_id, name
"""
FIRMS_SQL = "SELECT firm_id, name, aliases, groups FROM core.firm WHERE firm_id IN ({ids}) ORDER BY firm_id"
METHOD = ("core.watchlist_entry (editions by listed_from/listed_to) matched to firms with rxatlas.resolve.names; "
          "affiliates from the curated groups (rxatlas/resolve/data/groups.yaml)")


@dataclass(frozen=True)
class Listing:
    """Why a firm is treated as listed: the entry it matches or the group path to a listed firm."""

    firm_id: str
    status: str  # "listed" or "affiliate"
    list_id: str
    listed_name: str
    listed_from: date | None
    path: str


class _FirmIndex:
    """Source firms by name key and by distinctive word, built once per run."""

    def __init__(self, firms: list[dict[str, Any]]) -> None:
        self.names: dict[str, str] = {f["firm_id"]: f["name"] for f in firms}
        self.groups: dict[str, list[str]] = {f["firm_id"]: f["groups"] or [] for f in firms}
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.words: dict[str, list[set[str]]] = defaultdict(list)
        for firm in firms:
            for own in {firm["name"], *(firm["aliases"] or [])}:
                norm = normalize(own)
                self.by_key[norm.key].add(firm["firm_id"])
                self.words[firm["firm_id"]].append(set(distinctive_tokens(norm)))

    def exact(self, name: str) -> set[str]:
        """Firms with a name or alias whose key equals the name's key."""
        return set(self.by_key.get(normalize(name).key, ()))

    def containing(self, name: str) -> set[str]:
        """Firms named by the name's key, or whose name holds all its distinctive words (at least two, one of
        them not a place name: "Shanghai SynTheAll" finds "SHANGHAI SYNTHEALL (STA)", "STA Pharma" finds nothing
        by that rule alone)."""
        found = self.exact(name)
        wanted = set(distinctive_tokens(name))
        if len(wanted) >= 2 and any((t,) not in gazetteer() for t in wanted):
            found |= {f for f, sets in self.words.items() if any(wanted <= own for own in sets)}
        return found


def _affiliated_groups(entry: dict[str, Any], groups: list[Group]) -> list[tuple[Group, str]]:
    """Groups under common control with a listed entry: it is their parent, or a subsidiary of their parent."""
    keys = {normalize(n).key for n in [entry["name"], *(entry["aliases"] or [])]}
    found = []
    for group in groups:
        member = next((m for m in group.members if normalize(m.name).key in keys), None)
        if member is not None and member.role in ("parent", "subsidiary", "division"):
            found.append((group, member.name))
    return found


def listed_firms(engine: Engine, firm_ids: set[str], lists: list[str], as_of: date,
                 include_affiliates: bool) -> dict[str, Listing]:
    """Firms (of those given) listed on any of the lists on as_of, or affiliated with a listed firm."""
    if not firm_ids or not lists:
        return {}
    entries = engine.query(ENTRIES_SQL.format(lists=", ".join("?" for _ in lists)),
                           [*lists, as_of, as_of]).to_pylist()
    ids = sorted(i for i in firm_ids if not i.startswith("holder:"))
    firms = engine.query(FIRMS_SQL.format(ids=", ".join("?" for _ in ids)), ids).to_pylist() if ids else []
    groups = load_groups() if include_affiliates else []
    index = _FirmIndex(firms)
    found: dict[str, Listing] = {}
    for entry in entries:
        since = entry["listed_from"]
        label = f"{entry['name']} ({entry['list_id']}, listed {since or 'date unknown'})"
        for name in [entry["name"], *(entry["aliases"] or [])]:
            for firm_id in sorted(index.exact(name) - found.keys()):
                found[firm_id] = Listing(firm_id, "listed", entry["list_id"], entry["name"], since,
                                         f"{index.names[firm_id]} is {label}, matched as {name!r}")
        for group, member in _affiliated_groups(entry, groups):
            source = group.sources[0]
            in_group = {f for f, names in index.groups.items() if group.group in names}
            for m in group.members:
                if m.role != "sister":
                    in_group |= index.containing(m.name)
            for firm_id in sorted(in_group - found.keys()):
                found[firm_id] = Listing(
                    firm_id, "affiliate", entry["list_id"], entry["name"], since,
                    f"{index.names[firm_id]} -> group {group.group} -> {member} = {label}; "
                    f"group source: {source.title} ({source.date})")
    return found
