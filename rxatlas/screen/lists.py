"""Watch lists as versioned data: the list contract, rxatlas's 1260H transcription and the atlas's lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Literal, Protocol

from pydantic import Field

from rxatlas.errors import InputError
from rxatlas.resolve.names import name_key
from rxatlas.warehouse.engine import Engine
from rxatlas.yamlfile import Strict, load_model

TRANSCRIPTION = "rxatlas transcription of the DoD notices (rxatlas/screen/data/us_dod_1260h.yaml)"
ATLAS_1260H = "atlas core.watchlist_entry (OpenSanctions transcription, CC BY-NC 4.0)"
ATLAS_SDN = "atlas core.watchlist_entry (OFAC legacy SDN file)"


@dataclass(frozen=True)
class ListEntry:
    """One listed party as it stood on the screening date, with where each fact comes from."""

    list_id: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    parents: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    linked_to: tuple[str, ...] = ()
    entity_type: str = "entity"
    listed_since: date | None = None
    source_url: str | None = None
    provenance: tuple[str, ...] = ()
    verified: bool | None = None


@dataclass(frozen=True)
class ListState:
    """What a list looked like on the screening date: its edition or snapshot, age and staleness."""

    list_id: str
    title: str
    as_of: date
    edition: date | None
    snapshot: date | None
    refresh_days: int
    entries: tuple[ListEntry, ...]
    provenance: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def age_days(self) -> int | None:
        """Days between the list's edition in force (else its snapshot) and the screening date."""
        newest = self.edition or self.snapshot
        return (self.as_of - newest).days if newest else None

    @property
    def stale(self) -> bool:
        """Whether the list data is older than its expected refresh interval on the screening date."""
        return self.age_days is not None and self.age_days > self.refresh_days

    def summary(self) -> dict[str, object]:
        """The list state as a plain dict for reports (entries left out)."""
        return {
            "list": self.list_id,
            "title": self.title,
            "as_of": self.as_of,
            "edition": self.edition,
            "snapshot": self.snapshot,
            "age_days": self.age_days,
            "refresh_days": self.refresh_days,
            "stale": self.stale,
            "entries": len(self.entries),
            "provenance": list(self.provenance),
            "notes": list(self.notes),
        }


class WatchList(Protocol):
    """The contract every list meets: an id, a title, a refresh interval, its entries as they stood on a date.

    1260H and OFAC SDN today; the BIS Entity List, FDA import alerts and the trade.gov Consolidated Screening
    List fit the same contract, each read from its official file.
    """

    id: str
    title: str
    refresh_days: int

    def state(self, as_of: date) -> ListState:
        """The list as it stood on as_of."""
        ...


# --- rxatlas's own transcription ---


class DocSource(Strict):
    """A public document that states a fact."""

    title: str = Field(min_length=3)
    url: str = Field(pattern=r"^https?://\S+$")


class NativeName(Strict):
    """A name in the company's own script, with the filing that gives it."""

    name: str = Field(min_length=2)
    source: DocSource


class Edition(Strict):
    """One edition of the list: its date, whether it was in force, the official notice address."""

    date: date
    status: Literal["published", "withdrawn"]
    notice_url: str | None = Field(default=None, pattern=r"^https://\S+$")
    verified: bool
    note: str | None = None


class Entity(Strict):
    """One entity as named in the notices, with every edition that lists it."""

    name: str = Field(min_length=2)
    aliases: list[str]
    native_names: list[NativeName]
    parents: list[str]
    country: str | None = Field(pattern=r"^[A-Z]{2}$")
    editions: list[date] = Field(min_length=1)
    verified: bool


class Transcription(Strict):
    """The transcription file: list metadata, editions and entities."""

    list_id: str
    title: str
    publisher: str
    legal_basis: str
    homepage: str
    refresh_days: int
    transcribed: date
    scope: str
    editions: list[Edition] = Field(min_length=1)
    entities: list[Entity]

    def edition_in_force(self, as_of: date) -> Edition | None:
        """The newest published (not withdrawn) edition on or before as_of."""
        published = [e for e in self.editions if e.status == "published" and e.date <= as_of]
        return max(published, key=lambda e: e.date, default=None)


@cache
def load_transcription() -> Transcription:
    """rxatlas's own 1260H transcription, schema-checked (rxatlas/screen/data/us_dod_1260h.yaml)."""
    where = "rxatlas/screen/data/us_dod_1260h.yaml"
    text = resources.files("rxatlas.screen").joinpath("data/us_dod_1260h.yaml").read_text(encoding="utf-8")
    data = load_model(text, where, Transcription)
    known = {e.date for e in data.editions}
    for entity in data.entities:
        if unknown := set(entity.editions) - known:
            raise InputError(
                f"{where}: {entity.name} names editions {sorted(unknown)} missing from `editions`"
            )
    return data


# --- lists ---


class Dod1260h:
    """DoD 1260H: rxatlas's transcription merged with the atlas snapshot rows, both provenances kept."""

    id = "us_dod_1260h"
    title = "DoD Section 1260H list of Chinese military companies"

    def __init__(self, engine: Engine | None) -> None:
        self.engine = engine
        self.refresh_days = load_transcription().refresh_days

    def state(self, as_of: date) -> ListState:
        """The entities listed by the edition in force on as_of, from both sources."""
        own = load_transcription()
        edition = own.edition_in_force(as_of)
        merged: dict[str, ListEntry] = {}
        if edition is not None:
            for e in own.entities:
                if edition.date in e.editions:
                    merged[name_key(e.name)] = ListEntry(
                        self.id,
                        e.name,
                        tuple(e.aliases) + tuple(n.name for n in e.native_names),
                        e.country,
                        tuple(e.parents),
                        ("1260H",),
                        listed_since=min(e.editions),
                        source_url=edition.notice_url,
                        provenance=(TRANSCRIPTION,),
                        verified=e.verified,
                    )
        notes = [f"edition in force: {edition.date if edition else 'none (before the first edition)'}"]
        snapshot = None
        if self.engine is not None and self.engine.exists("core.watchlist_entry"):
            rows = self.engine.query(
                "SELECT name, aliases, parents, listed_from, source_url, _snapshot FROM core.watchlist_entry "
                "WHERE list_id = 'us_dod_1260h' AND listed_from <= ? "
                "AND (listed_to IS NULL OR listed_to > ?)",
                [as_of, as_of],
            ).to_pylist()
            snapshot = self.engine.scalar(
                "SELECT max(_snapshot) FROM core.watchlist_entry WHERE list_id = 'us_dod_1260h'"
            )
            for r in rows:
                key = name_key(r["name"])
                if key in merged:
                    old = merged[key]
                    merged[key] = ListEntry(
                        old.list_id,
                        old.name,
                        tuple(dict.fromkeys(old.aliases + tuple(r["aliases"]))),
                        old.country,
                        tuple(dict.fromkeys(old.parents + tuple(r["parents"]))),
                        old.programs,
                        listed_since=old.listed_since,
                        source_url=old.source_url or r["source_url"],
                        provenance=(*old.provenance, ATLAS_1260H),
                        verified=old.verified,
                    )
                else:
                    merged[key] = ListEntry(
                        self.id,
                        r["name"],
                        tuple(r["aliases"]),
                        None,
                        tuple(r["parents"]),
                        ("1260H",),
                        listed_since=r["listed_from"],
                        source_url=r["source_url"],
                        provenance=(ATLAS_1260H,),
                    )
        else:
            notes.append("no atlas: only the biotech entities of rxatlas's transcription are screened")
        return ListState(
            self.id,
            self.title,
            as_of,
            edition.date if edition else None,
            snapshot,
            self.refresh_days,
            tuple(merged.values()),
            (TRANSCRIPTION, ATLAS_1260H) if snapshot else (TRANSCRIPTION,),
            tuple(notes),
        )


class OfacSdn:
    """OFAC SDN from the atlas: entries with their aliases, links, identifiers and countries as parsed at load."""

    id = "us_ofac_sdn"
    title = "OFAC Specially Designated Nationals and Blocked Persons list"
    refresh_days = 7

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def state(self, as_of: date) -> ListState:
        """The SDN entries of the atlas snapshot (the legacy file has no listing dates)."""
        rows = self.engine.query(
            "SELECT w.name, w.aliases, w.entity_type, w.programs, w._snapshot, r.identifiers, r.country, "
            "l.linked_to FROM core.watchlist_entry w "
            "LEFT JOIN (SELECT entry_id, list(identifier ORDER BY seq) FILTER (WHERE identifier IS NOT NULL) "
            "  AS identifiers, CASE WHEN count(DISTINCT country_iso2) = 1 THEN min(country_iso2) END AS country "
            "  FROM core.watchlist_remark GROUP BY entry_id) r ON r.entry_id = w.entry_id "
            "LEFT JOIN (SELECT entry_id, list(linked_name ORDER BY seq) AS linked_to FROM core.watchlist_link "
            "  GROUP BY entry_id) l ON l.entry_id = w.entry_id "
            "WHERE w.list_id = 'us_ofac_sdn' ORDER BY w._line"
        ).to_pylist()
        snapshot = max((r["_snapshot"] for r in rows), default=None)
        entries = tuple(
            ListEntry(
                self.id,
                r["name"],
                tuple(r["aliases"]),
                r["country"],
                programs=tuple(r["programs"] or ()),
                identifiers=tuple(r["identifiers"] or ()),
                linked_to=tuple(r["linked_to"] or ()),
                entity_type=r["entity_type"],
                source_url="https://www.treasury.gov/ofac/downloads/sdn.csv",
                provenance=(ATLAS_SDN,),
            )
            for r in rows
        )
        notes = []
        if snapshot and as_of < snapshot:
            notes.append(f"the SDN file has no listing dates: the {snapshot} snapshot stands for {as_of}")
        return ListState(
            self.id,
            self.title,
            as_of,
            None,
            snapshot,
            self.refresh_days,
            entries,
            (ATLAS_SDN,),
            tuple(notes),
        )


def watch_lists(engine: Engine | None) -> list[WatchList]:
    """Every list rxatlas screens against (the atlas's lists only when an atlas is given)."""
    lists: list[WatchList] = [Dod1260h(engine)]
    if engine is not None and engine.exists("core.watchlist_entry"):
        lists.append(OfacSdn(engine))
    return lists
