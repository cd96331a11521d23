"""The contract every source module fulfils: declared files, schema and a parser yielding located rows."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

TYPES = ("VARCHAR", "BIGINT", "DOUBLE", "DATE", "BOOLEAN", "VARCHAR[]")


@dataclass(frozen=True)
class Column:
    """A raw-table column: name, DuckDB type, whether it may be empty, its meaning and date formats."""

    name: str
    type: str = "VARCHAR"
    required: bool = False
    doc: str = ""
    formats: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"column {self.name}: type {self.type} is not one of {TYPES}")


@dataclass(frozen=True)
class Table:
    """A raw table a source loads: its columns and the key that must be unique within one snapshot."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    doc: str = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")
_QUARTER_IN_NAME = re.compile(r"(?<!\d)(\d{4})Q([1-4])")
_QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
_YEAR_IN_NAME = re.compile(r"(?<![\dA-Za-z])((?:19|20)\d{2})(?![\d-])")


def snapshot_from_name(name: str) -> date | None:
    """Read a snapshot date from a file name (2025-08, 2026-06-19, 2025Q2, 2025); the last date wins.

    A bare year means "at the latest the end of that year" (and never later than today).
    """
    quarter = _QUARTER_IN_NAME.findall(name)
    if quarter:
        year, q = quarter[-1]
        month, day = _QUARTER_END[int(q)]
        return date(int(year), month, day)
    found = _DATE_IN_NAME.findall(name)
    if not found:
        years = _YEAR_IN_NAME.findall(name)
        return min(date(int(years[-1]), 12, 31), date.today()) if years else None
    year, month, day = found[-1]
    return date(int(year), int(month), int(day or 1))


@dataclass(frozen=True)
class FileSpec:
    """A file a source needs: where the official copy lives and how to find it in a mirror folder."""

    name: str
    url: str
    mirror_glob: str
    format: str
    snapshot: date | None = None
    required: bool = True
    doc: str = ""


@dataclass(frozen=True)
class LocalFile:
    """A located, verified file ready to parse."""

    source: str
    spec: FileSpec
    path: Path
    origin: str
    sha256: str
    size: int
    snapshot: date

    @property
    def label(self) -> str:
        return self.path.name


class Row(NamedTuple):
    """One parsed record with its location: target table, file and line (or record number)."""

    table: str
    file: LocalFile
    line: int
    values: dict[str, Any]


@dataclass(frozen=True)
class Fact:
    """A headline count a source reports after loading, as SQL over its latest raw tables."""

    name: str
    sql: str


class Source(ABC):
    """A public data source: declared files and tables, and a parser from files to located rows."""

    id: ClassVar[str]
    title: ClassVar[str]
    publisher: ClassVar[str]
    homepage: ClassVar[str]
    licence: ClassVar[str]
    refresh_days: ClassVar[int]
    files: ClassVar[tuple[FileSpec, ...]]
    tables: ClassVar[tuple[Table, ...]]
    facts: ClassVar[tuple[Fact, ...]] = ()
    quirks: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield every record of the given files as located rows."""

    def table(self, name: str) -> Table:
        """Return the declared table of that name."""
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"{self.id} declares no table {name!r}")

    @classmethod
    def raw_name(cls, table: str) -> str:
        """Return the warehouse name of one of this source's raw tables."""
        return f"{cls.id}__{table}"
