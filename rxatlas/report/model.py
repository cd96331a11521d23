"""What a report holds, independent of its format: sections of text, charts and tables, and their sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """A table of a report: one sheet in Excel; its columns are (key, label) pairs."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]
    sources: list[str]
    note: str | None = None


@dataclass
class Chart:
    """An inline SVG figure with the sources it was drawn from."""

    title: str
    svg: str
    sources: list[str]
    note: str | None = None


@dataclass
class Section:
    """A heading with paragraphs, figures and tables."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Report:
    """A whole report: title, language, sections, the sources behind it (by id) and notes."""

    kind: str
    title: str
    lang: str
    generated: str
    sections: list[Section]
    sources: dict[str, dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    counts_not_volumes: bool = False

    def tables(self) -> list[Table]:
        """Every table of every section, in order."""
        return [t for s in self.sections for t in s.tables]
