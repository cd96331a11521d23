"""The ownership and affiliation graph around listed firms: list parents, curated groups, OFAC links.

Affiliation means ownership or common control stated by a source: a parent named in a list notice, or
the parent/subsidiary/division/affiliate roles of rxatlas/resolve/data/groups.yaml. A sister firm (same
founders or owners, common control not shown) and an OFAC "Linked To" remark are kept as notes, never as
affiliation; the group file records no minority stakes.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rxatlas.resolve.curated import Group, load_groups
from rxatlas.resolve.names import name_key
from rxatlas.screen.lists import ListEntry, ListState

Relation = Literal["owned by", "owns", "shares control with", "sister of", "linked to"]
CONTROL: frozenset[str] = frozenset({"owned by", "owns", "shares control with"})
MAX_STEPS = 3


@dataclass(frozen=True)
class Edge:
    """One stated relation between two named firms, with the source that states it."""

    source_name: str
    target_name: str
    relation: Relation
    evidence: str


@dataclass(frozen=True)
class Path:
    """A chain of control from a matched firm to a listed entry."""

    steps: tuple[Edge, ...]
    entry: ListEntry
    label: str

    def render(self) -> str:
        """The path as text: "A -> B -> Listed (1260H, 2026-06-08)"."""
        names = [self.steps[0].source_name, *(s.target_name for s in self.steps)]
        return " -> ".join([*names[:-1], f"{names[-1]} ({self.label})"])


def list_label(list_id: str, when: date | None) -> str:
    """How a list is cited in a path: short name and edition or snapshot date."""
    short = {"us_dod_1260h": "1260H", "us_ofac_sdn": "OFAC SDN"}.get(list_id, list_id)
    return f"{short}, {when}" if when else short


class AffiliateGraph:
    """Firms joined by stated ownership, control, sister and link relations, with the listed ones marked."""

    def __init__(self, states: list[ListState], groups: list[Group] | None = None) -> None:
        self.names: dict[str, str] = {}
        self.countries: dict[str, str] = {}
        self.edges: dict[str, list[Edge]] = defaultdict(list)
        self.listed: dict[str, tuple[ListEntry, str]] = {}
        for state in states:
            label = list_label(state.list_id, state.edition or state.snapshot)
            for entry in state.entries:
                self._node(entry.name, entry.country)
                self.listed.setdefault(name_key(entry.name), (entry, label))
                for parent in entry.parents:
                    self._link(entry.name, parent, "owned by", "owns", f"parent named in the {label} notice")
                for other in entry.linked_to:
                    self._link(
                        entry.name, other, "linked to", "linked to", f"'Linked To' in the {label} entry"
                    )
        for group in load_groups() if groups is None else groups:
            self._add_group(group)

    def _node(self, name: str, country: str | None = None) -> str:
        key = name_key(name)
        self.names.setdefault(key, name)
        if country:
            self.countries.setdefault(key, country)
        return key

    def _link(self, a: str, b: str, forward: Relation, backward: Relation, evidence: str) -> None:
        ka, kb = self._node(a), self._node(b)
        self.edges[ka].append(Edge(self.names[ka], self.names[kb], forward, evidence))
        self.edges[kb].append(Edge(self.names[kb], self.names[ka], backward, evidence))

    def _add_group(self, group: Group) -> None:
        evidence = f"groups.yaml '{group.group}', sources: " + "; ".join(s.title for s in group.sources)
        for m in group.members:
            self._node(m.name, m.country)
        parents = [m for m in group.members if m.role == "parent"]
        for m in group.members:
            for p in parents:
                if m is p:
                    continue
                if m.role in ("subsidiary", "division"):
                    self._link(m.name, p.name, "owned by", "owns", evidence)
                elif m.role == "affiliate":
                    self._link(m.name, p.name, "shares control with", "shares control with", evidence)
                elif m.role == "sister":
                    self._link(m.name, p.name, "sister of", "sister of", evidence)

    def members(self) -> list[tuple[str, str | None]]:
        """Every firm of the graph that is not itself listed, with its country."""
        return [(n, self.countries.get(k)) for k, n in self.names.items() if k not in self.listed]

    def path_to_listed(self, name: str) -> Path | None:
        """The shortest chain of ownership or control from a firm to a listed entry, if any."""
        start = name_key(name)
        queue: deque[tuple[str, tuple[Edge, ...]]] = deque([(start, ())])
        seen = {start}
        while queue:
            key, steps = queue.popleft()
            if steps and key in self.listed:
                entry, label = self.listed[key]
                return Path(steps, entry, label)
            if len(steps) >= MAX_STEPS:
                continue
            for edge in self.edges.get(key, ()):
                nxt = name_key(edge.target_name)
                if edge.relation in CONTROL and nxt not in seen:
                    seen.add(nxt)
                    queue.append((nxt, (*steps, edge)))
        return None

    def notes(self, name: str) -> list[str]:
        """Relations of a firm that are not affiliation (sister firms, OFAC links), for the reader."""
        out = []
        for edge in self.edges.get(name_key(name), ()):
            if edge.relation in CONTROL:
                continue
            other = name_key(edge.target_name)
            listed = f" (listed: {self.listed[other][1]})" if other in self.listed else ""
            why = "common control not shown" if edge.relation == "sister of" else "a link, not ownership"
            out.append(
                f"{edge.source_name} is {edge.relation} {edge.target_name}{listed}; {why}: "
                f"not an affiliate [{edge.evidence.split(':')[0]}]"
            )
        return out
