"""Place names that tell a country inside firm names, holder strings and DMF subjects (whole words only)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rxatlas.resolve.names import words


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    name: str
    country: str
    kind: str
    ambiguous: bool


@dataclass(frozen=True)
class PlaceHit:
    """A place name found in a text, with the country it points to."""

    name: str
    country: str
    kind: str
    ambiguous: bool
    start: int


@cache
def gazetteer() -> dict[tuple[str, ...], tuple[Place, ...]]:
    """The places of rxatlas/resolve/data/places.csv keyed by their word sequence."""
    text = resources.files("rxatlas.resolve").joinpath("data/places.csv").read_text(encoding="utf-8")
    table: dict[tuple[str, ...], list[Place]] = {}
    for row in csv.DictReader(line for line in text.splitlines() if not line.startswith("#")):
        place = Place(row["name"], row["country_iso2"], row["kind"], row["ambiguous"] == "1")
        table.setdefault(tuple(place.name.split()), []).append(place)
    return {key: tuple(places) for key, places in table.items()}


@cache
def _longest() -> int:
    return max(len(k) for k in gazetteer())


def find_places(text: str) -> list[PlaceHit]:
    """Every place name in a text, longest match first ("NEW MEXICO" is not MEXICO), left to right."""
    tokens = words(text)
    table = gazetteer()
    hits: list[PlaceHit] = []
    i = 0
    while i < len(tokens):
        for n in range(min(_longest(), len(tokens) - i), 0, -1):
            places = table.get(tuple(tokens[i : i + n]))
            if places:
                countries = {p.country for p in places}
                for p in places:
                    hits.append(PlaceHit(p.name, p.country, p.kind, p.ambiguous or len(countries) > 1, i))
                i += n
                break
        else:
            i += 1
    return hits


def place_countries(
    text: str, *, corroborating: set[str] | frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """Countries named by places in a text, each with the names that point to it.

    An ambiguous name counts only when another signal (`corroborating` countries) points to its country.
    """
    found: dict[str, list[str]] = {}
    for hit in find_places(text):
        if hit.ambiguous and hit.country not in corroborating:
            continue
        found.setdefault(hit.country, []).append(hit.name)
    return found
