"""What every report kind shares: the atlas, the labels of its language and the sources it used."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from rxatlas.atlas import Atlas
from rxatlas.report.labels import labels
from rxatlas.report.model import Report, Section, Table

SHOWN_ROWS = 200  # rows per table in HTML and PDF; Excel gets them all


def pct(value: float | None) -> str:
    """A share as a whole percentage, empty when unknown."""
    return "" if value is None else f"{value:.0%}"


class Layout:
    """What every report kind needs: the atlas, the language's labels and the sources used so far."""

    def __init__(self, atlas: Atlas, lang: str) -> None:
        self.atlas = atlas
        self.lang = lang
        self.t = labels(lang)
        self._catalog = {s["source"]: s for s in atlas.sources().to_pylist()}
        self.used: set[str] = set()

    def sources(self, tables: Iterable[str]) -> list[str]:
        """The ids of the loaded sources behind warehouse tables (remembered for the report's source list)."""
        ids = [s for s in self.atlas.sources_behind(set(tables)) if s in self._catalog]
        self.used |= set(ids)
        return ids

    def table(
        self,
        name: str,
        title: str,
        columns: list[str],
        rows: list[dict[str, Any]],
        tables: Iterable[str],
        note: str | None = None,
    ) -> Table:
        """A table whose columns are label keys, with the sources behind the warehouse tables it reads."""
        return Table(name, title, [(c, self.t[c]) for c in columns], rows, self.sources(tables), note)

    def report(
        self,
        kind: str,
        title: str,
        sections: list[Section],
        notes: list[str],
        counts_not_volumes: bool = False,
    ) -> Report:
        """The finished report, with the catalogue entries of every source it used."""
        keys = ("source", "title", "publisher", "licence", "homepage", "snapshot")
        used = {s: {k: self._catalog[s][k] for k in keys} for s in sorted(self.used)}
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return Report(kind, title, self.lang, generated, sections, used, notes, counts_not_volumes)
