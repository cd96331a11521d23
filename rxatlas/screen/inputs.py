"""Supplier files as users send them (CSV in any encoding the user names, or Excel): which columns hold what."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rxatlas import settings
from rxatlas.errors import InputError
from rxatlas.userfiles import open_table

# Header words that name the supplier and the country column (compared case- and space-insensitively).
NAME_HEADERS = (
    "supplier_name",
    "supplier",
    "company_name",
    "company",
    "vendor_name",
    "vendor",
    "firm_name",
    "firm",
    "manufacturer",
    "cdmo",
    "entity",
    "holder",
    "name",
    "legal_name",
    "공급업체",
    "업체명",
    "회사명",
    "거래처",
    "供应商",
    "公司名称",
    "企业名称",
    "名称",
    "取引先",
    "会社名",
)
COUNTRY_HEADERS = ("country", "country_iso2", "country_code", "nation", "국가", "国家", "国")


@dataclass(frozen=True)
class SupplierFile:
    """An opened supplier file: its columns, the chosen name and country columns, the text encoding."""

    path: Path
    kind: str
    encoding: str | None
    columns: tuple[str, ...]
    name_column: str
    country_column: str | None


def _pick(columns: tuple[str, ...], given: str | None, known: tuple[str, ...], what: str) -> str | None:
    def folded(text: str) -> str:
        return re.sub(r"[\s_\-./]+", "_", text.strip().lower())

    if given is not None:
        for c in columns:
            if c == given or folded(c) == folded(given):
                return c
        raise InputError(f"no {what} column {given!r}; the file has columns {list(columns)}")
    by_fold = {folded(c): c for c in columns}
    for word in known:
        if word in by_fold:
            return by_fold[word]
    for word in known:
        for f, c in by_fold.items():
            if len(word) > 3 and word in f:
                return c
    return None


def open_suppliers(
    path: Path, name_column: str | None = None, country_column: str | None = None, encoding: str | None = None
) -> tuple[SupplierFile, Iterator[tuple[int, str, str | None]]]:
    """Open a supplier file and stream (row number, name, country) for every row with a name."""
    table = open_table(path, encoding)
    header = next(table.rows, None)
    while header is not None and not any(c.strip() for c in header):
        header = next(table.rows, None)
    if header is None:
        raise InputError(
            f"{path} has no header row; expected a supplier name column and one row per supplier"
        )
    columns = tuple(c.strip() for c in header)
    name = _pick(columns, name_column, NAME_HEADERS, "name")
    if name is None:
        raise InputError(
            f"cannot find the supplier name column; the file has columns {list(columns)}; "
            "name it with --name-column"
        )
    country = _pick(columns, country_column, COUNTRY_HEADERS, "country")
    info = SupplierFile(path, table.kind, table.encoding, columns, name, country)
    return info, _records(path, table.rows, columns.index(name), columns.index(country) if country else None)


def _records(
    path: Path, rows: Iterator[list[str]], name_at: int, country_at: int | None
) -> Iterator[tuple[int, str, str | None]]:
    longest = settings.limit("cell_chars")
    for number, row in enumerate(rows, start=2):
        name = row[name_at].strip() if name_at < len(row) else ""
        if not name:
            continue
        if len(name) > longest:
            raise InputError(f"{path} row {number}: the supplier name has {len(name):,} characters, more than "
                             f"the limit of {longest:,} (RXATLAS_MAX_CELL_CHARS); check the name column")
        country = (
            row[country_at].strip() or None if country_at is not None and country_at < len(row) else None
        )
        yield number, name, country
