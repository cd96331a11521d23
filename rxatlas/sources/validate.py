"""Check parsed rows against a table's declared schema and turn them into typed Arrow columns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pyarrow as pa

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Row, Table

MAX_PROBLEMS = 50
PROVENANCE = (
    ("_source", pa.string()),
    ("_snapshot", pa.date32()),
    ("_file", pa.string()),
    ("_sha256", pa.string()),
    ("_line", pa.int64()),
)
ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "DATE": pa.date32(),
    "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()),
}
_TRUE = {"Y", "YES", "TRUE", "T", "1"}
_FALSE = {"N", "NO", "FALSE", "F", "0"}


def _text(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    text = str(value).strip()
    return text or None


def coerce(column: Column, value: Any) -> Any:
    """Convert one raw value to the column's type; raise ValueError with a reason when it cannot."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = column.type
    if kind == "VARCHAR":
        return _text(value)
    if kind == "BIGINT":
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a whole number")
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"{value!r} is not a whole number")
            return int(value)
        return int(str(value).strip())
    if kind == "DOUBLE":
        return float(str(value).strip().replace(",", ""))
    if kind == "DATE":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for fmt in column.formats or ("%Y-%m-%d",):
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"{text!r} is not a date in format {' or '.join(column.formats or ('%Y-%m-%d',))}")
    if kind == "BOOLEAN":
        if isinstance(value, bool):
            return value
        text = str(value).strip().upper()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{value!r} is not yes/no")
    if kind == "VARCHAR[]":
        if isinstance(value, str):
            raise ValueError("expected a list of strings")
        items = [_text(v) for v in value]
        return [v for v in items if v]
    raise ValueError(f"unknown type {kind}")


class TableBuffer:
    """Collects validated rows of one raw table, with every problem found, and returns Arrow."""

    def __init__(self, source: str, table: Table) -> None:
        self.source = source
        self.table = table
        self.columns: dict[str, list[Any]] = {c.name: [] for c in table.columns}
        self.provenance: dict[str, list[Any]] = {name: [] for name, _ in PROVENANCE}
        self.problems: list[Problem] = []
        self._keys: dict[tuple[Any, ...], tuple[str, int]] = {}

    def __len__(self) -> int:
        return len(self.provenance["_line"])

    def _problem(self, message: str, row: Row, field: str | None = None) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, str(row.file.path), row.line, field))

    def add(self, row: Row) -> None:
        """Validate one row and keep it, or record why it is wrong."""
        unknown = set(row.values) - set(self.columns)
        if unknown:
            raise ValueError(f"{self.source}: parser produced undeclared columns {sorted(unknown)}")
        typed: dict[str, Any] = {}
        ok = True
        for column in self.table.columns:
            try:
                value = coerce(column, row.values.get(column.name))
            except ValueError as exc:
                self._problem(str(exc), row, column.name)
                ok = False
                continue
            if value is None and column.required:
                self._problem("required value is empty", row, column.name)
                ok = False
            typed[column.name] = value
        if not ok:
            return
        if self.table.key:
            key = tuple(typed[k] for k in self.table.key)
            seen = self._keys.get(key)
            if seen is not None:
                self._problem(
                    f"duplicate key {dict(zip(self.table.key, key, strict=True))}, first seen at "
                    f"{seen[0]} line {seen[1]}",
                    row,
                    self.table.key[0],
                )
                return
            self._keys[key] = (row.file.path.name, row.line)
        for name, value in typed.items():
            self.columns[name].append(value)
        prov = self.provenance
        prov["_source"].append(self.source)
        prov["_snapshot"].append(row.file.snapshot)
        prov["_file"].append(row.file.path.name)
        prov["_sha256"].append(row.file.sha256)
        prov["_line"].append(row.line)

    def check(self) -> None:
        """Raise one SourceError listing every problem found in this table."""
        if self.problems:
            raise SourceError(
                self.source,
                self.problems,
                hint=f"Nothing was loaded from {self.source}; the previous atlas is unchanged.",
            )

    def to_arrow(self) -> pa.Table:
        """Return the rows as an Arrow table with declared types and provenance columns."""
        arrays = [pa.array(self.columns[c.name], type=ARROW_TYPES[c.type]) for c in self.table.columns]
        names = list(self.table.column_names)
        for name, kind in PROVENANCE:
            arrays.append(pa.array(self.provenance[name], type=kind))
            names.append(name)
        return pa.Table.from_arrays(arrays, names=names)
