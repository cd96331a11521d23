"""Load validated source tables into raw.<source>__<table>, keeping every snapshot, and record the load."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from rxatlas import __version__
from rxatlas.history.claims import check_claims
from rxatlas.sources.base import LocalFile, Source
from rxatlas.sources.validate import ARROW_TYPES, TableBuffer
from rxatlas.warehouse.engine import Engine

META_DDL = (
    """CREATE TABLE IF NOT EXISTS meta.loads (
        load_id VARCHAR PRIMARY KEY, source VARCHAR, loaded_at TIMESTAMP, rxatlas_version VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS meta.files (
        load_id VARCHAR, source VARCHAR, spec VARCHAR, file VARCHAR, origin VARCHAR, sha256 VARCHAR,
        bytes BIGINT, snapshot DATE)""",
    """CREATE TABLE IF NOT EXISTS meta.tables (
        load_id VARCHAR, source VARCHAR, raw_table VARCHAR, snapshot DATE, rows BIGINT)""",
    """CREATE TABLE IF NOT EXISTS meta.source_catalog (
        source VARCHAR PRIMARY KEY, title VARCHAR, publisher VARCHAR, homepage VARCHAR, licence VARCHAR,
        refresh_days INTEGER, official_urls VARCHAR[])""",
)

_DUCK_TYPES = {"_source": "VARCHAR", "_snapshot": "DATE", "_file": "VARCHAR", "_sha256": "VARCHAR",
               "_line": "BIGINT", "_load_id": "VARCHAR"}


def ensure_meta(engine: Engine) -> None:
    """Create the meta tables if this atlas does not have them yet."""
    for ddl in META_DDL:
        engine.execute(ddl)


def parse_source(
    source: Source, files: Mapping[str, LocalFile], tick: Callable[[int], None] | None = None
) -> dict[str, TableBuffer]:
    """Parse and validate every file of a source; raise one error listing all problems of a table."""
    buffers = {t.name: TableBuffer(source.id, t) for t in source.tables}
    for count, row in enumerate(source.parse(files), start=1):
        buffers[row.table].add(row)
        if tick and count % 5000 == 0:
            tick(count)
    for buffer in buffers.values():
        buffer.check()
    return buffers


def _create_or_extend(engine: Engine, raw: str, arrow: pa.Table) -> bool:
    """Create the raw table, or add the columns it lacks; tell whether it was created (so it holds no rows)."""
    if not engine.exists(raw):
        engine.register("_incoming", arrow.slice(0, 0))
        engine.execute(f"CREATE TABLE {raw} AS SELECT *, NULL::VARCHAR AS _load_id FROM _incoming")
        engine.unregister("_incoming")
        return True
    have = set(engine.columns(raw))
    for field in arrow.schema:
        if field.name not in have:
            duck = _DUCK_TYPES.get(field.name) or _duck_type(field.type)
            engine.execute(f'ALTER TABLE {raw} ADD COLUMN "{field.name}" {duck}')
    return False


def _insert(engine: Engine, table: str, rows: list[list[Any]]) -> None:
    """Insert rows in one statement (on Spark one write of the table, not one per row)."""
    if rows:
        values = ", ".join("(" + ", ".join("?" for _ in row) + ")" for row in rows)
        engine.execute(f"INSERT INTO {table} VALUES {values}", [value for row in rows for value in row])


def _duck_type(kind: pa.DataType) -> str:
    for name, arrow_type in ARROW_TYPES.items():
        if arrow_type == kind:
            return name
    raise ValueError(f"no warehouse type for {kind}")


def store(engine: Engine, source: Source, files: Mapping[str, LocalFile], buffers: Mapping[str, TableBuffer]) -> str:
    """Write a parsed source into its raw tables, replacing a reload of the same snapshot; return the load id."""
    check_claims(engine, source.id, files)
    load_id = uuid.uuid4().hex
    engine.execute("BEGIN TRANSACTION")
    engine.execute("INSERT INTO meta.loads VALUES (?, ?, ?, ?)",
                   [load_id, source.id, datetime.now(UTC).replace(tzinfo=None), __version__])
    _insert(engine, "meta.files", [[load_id, source.id, f.spec.name, f.path.name, f.origin, f.sha256, f.size,
                                     f.snapshot] for f in files.values()])
    table_rows: list[list[Any]] = []
    for name, buffer in buffers.items():
        raw = f"raw.{source.raw_name(name)}"
        if not len(buffer) and not engine.exists(raw):
            continue  # e.g. an optional file was absent: no table, so models reading it are skipped
        arrow = buffer.to_arrow()
        created = _create_or_extend(engine, raw, arrow)
        counts = {c["values"]: c["counts"] for c in pc.value_counts(arrow.column("_snapshot")).to_pylist()}
        if counts and not created:  # a reload of a snapshot replaces it
            placeholders = ", ".join("?" for _ in counts)
            engine.execute(f"DELETE FROM {raw} WHERE _snapshot IN ({placeholders})", list(counts))
        engine.register("_incoming", arrow)
        engine.execute(f"INSERT INTO {raw} BY NAME SELECT *, ? AS _load_id FROM _incoming", [load_id])
        engine.unregister("_incoming")
        engine.execute(
            f"CREATE OR REPLACE VIEW latest.{source.raw_name(name)} AS SELECT * FROM {raw} "
            f"WHERE _snapshot = (SELECT max(_snapshot) FROM {raw})"
        )
        table_rows += [[load_id, source.id, source.raw_name(name), snap, rows]
                       for snap, rows in (counts or {None: 0}).items()]
    _insert(engine, "meta.tables", table_rows)
    engine.execute("DELETE FROM meta.source_catalog WHERE source = ?", [source.id])
    engine.execute(
        "INSERT INTO meta.source_catalog VALUES (?, ?, ?, ?, ?, ?, ?)",
        [source.id, source.title, source.publisher, source.homepage, source.licence, source.refresh_days,
         sorted({f.url for f in source.files})],
    )
    engine.execute("COMMIT")
    return load_id
