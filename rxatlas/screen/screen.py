"""Screen supplier names against the watch lists as they stood on a date: listed/affiliate/possible/clear."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry

from rxatlas import settings
from rxatlas.errors import InputError
from rxatlas.resolve.names import name_key, parse_holder
from rxatlas.screen.affiliates import AffiliateGraph, list_label
from rxatlas.screen.biosecure import load_biosecure
from rxatlas.screen.inputs import SupplierFile, open_suppliers
from rxatlas.screen.lists import TRANSCRIPTION, ListEntry, ListState, WatchList, watch_lists
from rxatlas.screen.matcher import Hit, Matcher, Target
from rxatlas.warehouse.engine import Engine

STATUSES = ("listed", "affiliate", "possible", "clear")
# Listed parties that cannot be a supplier (OFAC lists ships and aircraft by name).
NOT_SUPPLIERS = frozenset({"vessel", "aircraft"})
_RANK = {s: i for i, s in enumerate(STATUSES)}


_PARENTHESES = re.compile(r"\s*\([^()]*\)")
STATUS_RANK = {"listed": 0, "affiliate": 1, "possible": 2, "clear": 3}


@lru_cache(maxsize=1024)
def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 code of a country written as a code or a name (None when unknown)."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha():
        return text.upper()
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


@dataclass
class Screener:
    """The lists, affiliate graph and matcher for one screening date; `screen` judges one name."""

    as_of: date
    states: list[ListState]
    background: list[str] = field(default_factory=list)
    graph: AffiliateGraph = field(init=False)
    matcher: Matcher = field(init=False)

    def __post_init__(self) -> None:
        self.graph = AffiliateGraph(self.states)
        self.entries: dict[str, tuple[ListEntry, ListState]] = {}
        targets: list[Target] = []
        for state in self.states:
            for entry in state.entries:
                if entry.entity_type in NOT_SUPPLIERS:
                    continue
                ref = f"{state.list_id}|{name_key(entry.name)}"
                self.entries[ref] = (entry, state)
                person = entry.entity_type == "individual"
                targets.append(Target(entry.name, ref, "listed", "listed name", entry.country, person))
                targets.extend(
                    Target(a, ref, "listed", "listed alias", entry.country, person) for a in entry.aliases
                )
        targets.extend(Target(n, n, "graph", "group member", c) for n, c in self.graph.members())
        for info in load_biosecure().informational:
            targets.extend(Target(n, info.id, "informational", f"name in {info.id}") for n in info.names)
        self.matcher = Matcher(targets, self.background)
        self.biosecure = load_biosecure()

    def screen(self, name: str, country: str | None = None) -> dict[str, Any]:
        """The screening result of one supplier name: status, match, list, score, path and explanation."""
        code = country_code(country)
        result = self._judge(name, code, self.matcher.match(name, code))
        bare = " ".join(_PARENTHESES.sub(" ", name).split())
        if bare and bare != name and result["status"] in ("possible", "clear"):
            # Parentheses hold short names, former names or places ("SHANGHAI SYNTHEALL (STA) ... CO LTD"):
            # the name without them is the same firm, so it may match where the whole string only came close.
            plain = self._judge(bare, code, self.matcher.match(bare, code))
            if STATUS_RANK[plain["status"]] < STATUS_RANK[result["status"]]:
                plain["explanation"] = f"read without its parenthesised part as {bare!r}; " + plain["explanation"]
                result = plain
        parts = parse_holder(name)
        stated = parts.parent or (parts.entity if parts.division else None)
        if stated and stated != name and result["status"] in ("possible", "clear"):
            via_parent = self._judge(stated, code, self.matcher.match(stated, code))
            if via_parent["status"] in ("listed", "affiliate"):
                label = list_label(via_parent["list"], via_parent["edition"])
                target = via_parent["path"] or f"{via_parent['matched_name']} ({label})"
                via_parent.update(
                    status="affiliate",
                    path=f"{name} -> {target}",
                    explanation=f"the name states its parent or owner {stated!r}; "
                    + via_parent["explanation"],
                )
                result = via_parent
        return {"input_name": name, "input_country": country, **result}

    def lists(self) -> list[dict[str, Any]]:
        """Each list's edition or snapshot, age on the screening date and staleness."""
        return [s.summary() for s in self.states]

    def warnings(self) -> list[str]:
        """Stale lists and pending designations, said with every result."""
        out = [
            f"{s.list_id} data of {s.edition or s.snapshot} is {s.age_days} days older than {s.as_of} "
            f"(expected refresh every {s.refresh_days} days); screen against newer lists for current answers"
            for s in self.states
            if s.stale
        ]
        return out + [f"BIOSECURE {p}" for p in self.biosecure.pending(self.as_of)]

    def _judge(self, name: str, country: str | None, hits: list[Hit]) -> dict[str, Any]:
        best: dict[str, Any] = {
            "status": "clear",
            "matched_name": None,
            "matched_firm": None,
            "list": None,
            "score": None,
            "path": None,
            "explanation": "no list name matches",
            "programs": [],
            "edition": None,
            "biosecure": None,
            "provenance": [],
            "notes": [],
        }
        notes: list[str] = []
        for hit in hits:
            candidate = self._candidate(hit, notes)
            if candidate and (_RANK[candidate["status"]], -candidate["score"]) < (
                _RANK[best["status"]],
                -(best["score"] or 0),
            ):
                best = candidate
        best["notes"] = list(dict.fromkeys(notes))
        return best

    def _candidate(self, hit: Hit, notes: list[str]) -> dict[str, Any] | None:
        target = hit.target
        why = "; ".join(hit.reasons)
        if target.kind == "informational":
            if hit.grade == "strong":
                info = next(i for i in self.biosecure.informational if i.id == target.ref)
                notes.append(f"named in {info.title} ({info.status}); informational, not law in force")
            return None
        if target.kind == "graph":
            notes.extend(self.graph.notes(target.name))
            path = self.graph.path_to_listed(target.name)
            if path is None:
                return None
            entry = path.entry
            state = next(s for s in self.states if s.list_id == entry.list_id)
            status = "affiliate" if hit.grade == "strong" else "possible"
            return self._row(
                status,
                entry,
                state,
                hit,
                target.name,
                path.render(),
                f"{why}; {target.name} {path.steps[0].relation} {path.steps[0].target_name} "
                f"[{path.steps[0].evidence}]",
            )
        entry, state = self.entries[target.ref]
        notes.extend(self.graph.notes(entry.name))
        return self._row(
            "listed" if hit.grade == "strong" else "possible", entry, state, hit, entry.name, None, why
        )

    def _row(
        self, status: str, entry: ListEntry, state: ListState, hit: Hit, firm: str, path: str | None, why: str
    ) -> dict[str, Any]:
        extra = [f"identifiers: {', '.join(entry.identifiers)}"] if entry.identifiers else []
        return {
            "status": status,
            "matched_name": entry.name,
            "matched_firm": firm,
            "list": entry.list_id,
            "score": hit.score,
            "path": path,
            "explanation": "; ".join([why, *extra]),
            "programs": list(entry.programs),
            "edition": state.edition or state.snapshot,
            "biosecure": self.biosecure.status(entry.list_id, self.as_of, status == "affiliate")
            if status in ("listed", "affiliate")
            else None,
            "provenance": [
                p
                + (
                    " (not verified against the notice text)"
                    if p == TRANSCRIPTION and not entry.verified
                    else ""
                )
                for p in entry.provenance
            ],
            "notes": [],
        }


@dataclass
class ScreenRun:
    """A screening run over a file: the lists used, the rows (streamed) and the counts seen so far."""

    supplier_file: SupplierFile
    screener: Screener
    records: Iterable[tuple[int, str, str | None]]
    counts: Counter[str] = field(default_factory=Counter)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Screen every record, in file order, counting statuses as they go."""
        cache: dict[tuple[str, str | None], dict[str, Any]] = {}
        for number, name, country in self.records:
            key = (name, country)
            if key not in cache:
                if len(cache) >= 50_000:  # bounded memory on million-row files
                    cache.clear()
                cache[key] = self.screener.screen(name, country)
            row = {"row": number, **cache[key]}
            self.counts[row["status"]] += 1
            yield row

    def lists(self) -> list[dict[str, Any]]:
        """Each list's edition or snapshot, age on the screening date and staleness."""
        return self.screener.lists()

    def meta(self) -> dict[str, Any]:
        """What goes before the rows in every export: date, file, columns used, lists and warnings."""
        f = self.supplier_file
        return {
            "as_of": self.screener.as_of,
            "file": str(f.path),
            "encoding": f.encoding,
            "name_column": f.name_column,
            "country_column": f.country_column,
            "lists": self.lists(),
            "warnings": self.warnings(),
        }

    def status_counts(self) -> dict[str, int]:
        """Rows per status so far (every status named, zeros included)."""
        return {s: self.counts[s] for s in STATUSES}

    def warnings(self) -> list[str]:
        """Stale lists and pending designations, said with every result."""
        return self.screener.warnings()


def screener_for(engine: Engine | None, as_of: date, lists: list[WatchList] | None = None) -> Screener:
    """A screener over the lists (default: every list the atlas holds) as they stood on as_of.

    The atlas's firm names, when there is an atlas, tell which name tokens are common among firms.
    """
    states = [w.state(as_of) for w in (lists if lists is not None else watch_lists(engine))]
    background = []
    if engine is not None and engine.exists("core.firm"):
        background = engine.query("SELECT name FROM core.firm").column("name").to_pylist()
    return Screener(as_of, states, background)


def screen_file(
    path: Path,
    engine: Engine | None,
    as_of: date,
    *,
    name_column: str | None = None,
    country_column: str | None = None,
    encoding: str | None = None,
) -> ScreenRun:
    """Open a supplier file and prepare its screening run (rows are screened as they are read)."""
    supplier_file, records = open_suppliers(path, name_column, country_column, encoding)
    return ScreenRun(supplier_file, screener_for(engine, as_of), records)


def screen_names(
    engine: Engine | None, names: list[str], as_of: date, countries: list[str | None] | None = None
) -> dict[str, Any]:
    """Screen supplier names given inline, not in a file: each name's result, the lists used, warnings, counts."""
    longest, most = settings.limit("cell_chars"), settings.limit("file_rows")
    if not names:
        raise InputError("give at least one supplier name to screen")
    if len(names) > most:
        raise InputError(f"{len(names):,} names are more than the {most:,} one screening may hold "
                         "(RXATLAS_MAX_ROWS); screen them in parts or as a file with `rxatlas screen`")
    if countries is not None and len(countries) != len(names):
        raise InputError(f"give one country per name, or none: {len(names)} names, {len(countries)} countries")
    for number, name in enumerate(names, start=1):
        if not name.strip() or len(name) > longest:
            raise InputError(f"name {number} is empty or longer than {longest:,} characters "
                             "(RXATLAS_MAX_CELL_CHARS); give one supplier name each")
    screener = screener_for(engine, as_of)
    given = countries or [None] * len(names)
    rows = [{"row": number, **screener.screen(name.strip(), country)}
            for number, (name, country) in enumerate(zip(names, given, strict=True), start=1)]
    counts = Counter(r["status"] for r in rows)
    return {"as_of": as_of, "lists": screener.lists(), "warnings": screener.warnings(), "rows": rows,
            "counts": {s: counts[s] for s in STATUSES}}
