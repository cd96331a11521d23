"""The Python API: open an atlas and get its tables as Arrow (``.to_pandas()``, ``polars.from_arrow``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from rxatlas import settings
from rxatlas.errors import InputError, MissingTableError, QueryError
from rxatlas.warehouse.duck import DuckDBEngine
from rxatlas.warehouse.steps import referenced_tables, source_of

# The statement kind rxatlas sql runs (also under EXPLAIN [ANALYZE]); the sandboxed connection refuses file and
# network access besides. Limits: settings.LIMITS sql_seconds, sql_rows and sql_memory_mb.
READ_ONLY_STATEMENT = "SELECT"

SOURCES_SQL = """
WITH ranked_files AS (
    SELECT f.*, l.loaded_at,
           row_number() OVER (PARTITION BY f.source, f.spec ORDER BY f.snapshot DESC, l.loaded_at DESC) AS rk
    FROM meta.files f JOIN meta.loads l USING (load_id)
), files AS (
    SELECT source, min(snapshot) AS snapshot, max(snapshot) AS newest_snapshot, max(loaded_at) AS loaded_at,
           list({'file': file, 'sha256': sha256, 'bytes': bytes, 'snapshot': snapshot, 'origin': origin}
                ORDER BY file) AS files
    FROM ranked_files WHERE rk = 1 GROUP BY source
), per_table AS (
    SELECT source, raw_table, arg_max(rows, snapshot) AS rows, count(DISTINCT snapshot) AS snapshots
    FROM meta.tables GROUP BY source, raw_table
), tables AS (
    SELECT source, list({'table': raw_table, 'rows': rows} ORDER BY raw_table) AS rows,
           max(snapshots) AS snapshots_kept
    FROM per_table GROUP BY source
)
SELECT c.source, c.title, c.publisher, c.licence, c.homepage, c.refresh_days,
       f.snapshot, f.newest_snapshot,
       (current_date - f.snapshot)::INTEGER AS age_days,
       (current_date - f.snapshot)::INTEGER > c.refresh_days AS stale,
       f.files, f.loaded_at, t.rows, t.snapshots_kept
FROM meta.source_catalog c JOIN files f USING (source) JOIN tables t USING (source)
ORDER BY c.source
"""


SUMMARY_SQL = {
    # Share of active Type II DMFs by the resolved country of their holder (NULL: unknown).
    "active_type_ii_by_holder_country": """
        SELECT h.country, count(*) AS dmfs, round(count(*) / sum(count(*)) OVER (), 4) AS share
        FROM core.dmf d LEFT JOIN core.dmf_holder h ON h.holder = d.holder
        WHERE d.active AND d.type = 'II'
        GROUP BY h.country ORDER BY dmfs DESC""",
    "resolution": """
        SELECT (SELECT count(*) FROM core.firm) AS firms,
               (SELECT count(*) FROM core.facility) AS facilities,
               (SELECT count(DISTINCT country_iso2) FROM core.facility) AS facility_countries,
               (SELECT count(*) FROM core.dmf_holder) AS dmf_holders,
               (SELECT count(*) FROM core.dmf_holder WHERE country IS NOT NULL) AS dmf_holders_with_country""",
    "substance_mapping": """
        SELECT count(*) AS active_type_ii,
               count(*) FILTER (WHERE s.kind = 'api' AND s.unii IS NOT NULL) AS mapped_to_substance,
               count(DISTINCT s.unii) FILTER (WHERE s.kind = 'api') AS substances
        FROM core.dmf d JOIN core.dmf_substance s USING (dmf)
        WHERE d.active AND d.type = 'II'""",
}


class Atlas:
    """A built atlas, opened read-only."""

    def __init__(self, db: str | Path | None = None) -> None:
        self.path = settings.db_path(db)
        self._engine: DuckDBEngine | None = None

    @property
    def engine(self) -> DuckDBEngine:
        """The read-only engine behind this atlas, opened on first use."""
        if self._engine is None:
            self._engine = DuckDBEngine(self.path, read_only=True)
        return self._engine

    def close(self) -> None:
        """Close the database file."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def __enter__(self) -> Atlas:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sources(self) -> pa.Table:
        """Every loaded source with snapshot date, age, staleness, files (sha256) and rows per raw table."""
        return self.engine.query(SOURCES_SQL)

    def facts(self) -> dict[str, dict[str, int]]:
        """Headline counts each source declares (e.g. active Type II DMFs), over its latest snapshot."""
        from rxatlas.sources import all_sources

        out: dict[str, dict[str, int]] = {}
        for source in all_sources():
            values = {}
            for fact in source.facts:
                try:
                    values[fact.name] = int(self.engine.scalar(fact.sql))
                except MissingTableError:  # the source is not loaded in this atlas
                    continue
            if values:
                out[source.id] = values
        return out

    def sources_behind(self, tables: Iterable[str]) -> list[str]:
        """Return the ids of the sources the given warehouse tables derive from."""
        tables = set(tables)
        found = {source_of(t) for t in tables} - {None}
        derived = sorted(t for t in tables if source_of(t) is None)
        if derived and self.engine.exists("meta.lineage"):
            placeholders = ", ".join("?" for _ in derived)
            found |= set(self.engine.query(
                f"SELECT DISTINCT source FROM meta.lineage WHERE table_name IN ({placeholders})", derived
            ).column("source").to_pylist())
        return sorted(s for s in found if s)

    def stale_sources(self, source_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """The sources (of those given, default all) whose snapshot is older than their refresh interval."""
        return [r for r in self.sources().to_pylist()
                if r["stale"] and (source_ids is None or r["source"] in source_ids)]

    def summary(self) -> dict[str, Any]:
        """Headline figures of the whole atlas: source facts, firms, facilities and DMF holder countries."""
        engine = self.engine
        figures: dict[str, Any] = {"facts": self.facts()}
        for name, sql in SUMMARY_SQL.items():
            tables = referenced_tables(sql)
            if all(engine.exists(t) for t in tables):
                figures[name] = engine.query(sql).to_pylist()
        return figures

    def changes(self, source: str | None = None, since: date | None = None, substance: str | None = None,
                firm: str | None = None) -> list[dict[str, Any]]:
        """What changed between snapshots (and 1260H editions), each change with the rows it compares."""
        from rxatlas.history.changes import changes

        return changes(self.engine, source, since, substance, firm)

    def watch_alerts(self, name: str | None = None, since: date | None = None) -> dict[str, list[dict[str, Any]]]:
        """The alerts of every watch list (or the one named) kept beside this atlas, by list."""
        from rxatlas.watch import alerts, lists

        watches = lists.load(self.path)
        if name is not None and name not in watches:
            raise InputError(f"no watch list {name!r}; `rxatlas watch list` shows them")
        return {w.name: alerts.check(self.engine, w, since) for w in watches.values() if name in (None, w.name)}

    def tables(self) -> list[str]:
        """Names (schema.table) of every table and view in the atlas."""
        return [f"{s}.{t}" for s, t in self.engine.tables() if s != "main"]

    def table(self, name: str) -> pa.Table:
        """Return a whole warehouse table, e.g. ``core.dmf``."""
        if name not in self.tables():
            raise InputError(f"no table {name!r} in the atlas; see Atlas.tables()")
        schema, _, table = name.partition(".")
        return self.engine.query(f'SELECT * FROM "{schema}"."{table}"')

    def firm(self, name: str) -> pa.Table:
        """Canonical firms matching a name (exact normalised key, else closest), with facilities, DMFs, evidence."""
        from rxatlas.resolve.lookup import find_firms

        return find_firms(self.engine, name)

    def firms(self, source: str = "dmf") -> pa.Table:
        """Every distinct firm name of a source with its firm, country, site countries, confidence and method."""
        from rxatlas.resolve.lookup import firms_of_source

        return firms_of_source(self.engine, source)

    def substances(self, source: str = "dmf") -> pa.Table:
        """Every active Type II DMF (or linked bulk listing) with its kind, substance, UNII, form and reason."""
        from rxatlas.supply.qualify import classified

        return classified(self.engine, source)

    def resolve_report(self) -> pa.Table:
        """Firm-link coverage, methods and score distribution per source and role."""
        from rxatlas.resolve.lookup import resolve_report

        return resolve_report(self.engine)

    def overrides(self) -> pa.Table:
        """The analyst overrides of the last build, each with whether it applied or why not."""
        return self.engine.query("SELECT * FROM core.resolution_override ORDER BY holder")

    def sql(self, query: str) -> pa.Table:
        """Run read-only SQL with file, network and extension access switched off."""
        self.close()  # the sandbox needs the file to itself; the atlas reopens on next use
        return sql(query, self.path)

    def export(self, folder: str | Path, fmt: str = "parquet", schemas: tuple[str, ...] = ("core",)) -> list[Path]:
        """Write every table of the given schemas to folder as Parquet or CSV; return the files."""
        if fmt not in ("parquet", "csv"):
            raise InputError(f"unknown export format {fmt!r}; use parquet or csv")
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in self.tables():
            if name.split(".", 1)[0] not in schemas:
                continue
            data = self.table(name)
            path = out / f"{name}.{fmt}"
            if fmt == "parquet":
                pq.write_table(data, path)
            else:
                pacsv.write_csv(_csv_safe(data), path)
            written.append(path)
        return written


def _csv_safe(data: pa.Table) -> pa.Table:
    """Turn nested columns into JSON text so that CSV can hold them."""
    import json

    columns = []
    for column in data.columns:
        if pa.types.is_nested(column.type):
            columns.append(pa.array([None if v is None else json.dumps(v, default=str)
                                     for v in column.to_pylist()], type=pa.string()))
        else:
            columns.append(column)
    return pa.Table.from_arrays(columns, names=data.column_names)


def _explained(engine: DuckDBEngine, statement: str) -> str:
    """The kind of statement an EXPLAIN [ANALYZE] statement runs (EXPLAIN ANALYZE executes it)."""
    starts = [at for at, kind in duckdb.tokenize(statement) if kind != duckdb.token_type.comment]
    skip = 2 if len(starts) > 1 and re.match(r"ANALY[SZ]E\b", statement[starts[1]:], re.IGNORECASE) else 1
    inner = engine.statement_kinds(statement[starts[skip]:]) if len(starts) > skip else []
    return inner[0] if len(inner) == 1 else "EXPLAIN"


def sql(query: str, db: str | Path | None = None) -> pa.Table:
    """Run one read-only SQL query on the atlas in a sandboxed connection, within time, row and memory limits."""
    path = settings.db_path(db)
    max_rows, seconds = settings.limit("sql_rows"), settings.limit("sql_seconds")
    engine = DuckDBEngine(path, read_only=True, safe=True, memory_mb=settings.limit("sql_memory_mb"))
    try:
        statements = engine.statements(query)
        if len(statements) != 1:
            raise QueryError(f"query refused: rxatlas sql runs one SELECT query, not {len(statements)} statements; "
                             "remove the ';' between them and run them one at a time")
        kind = statements[0].type.name
        if kind == "EXPLAIN":
            kind = _explained(engine, statements[0].query)
        if kind != READ_ONLY_STATEMENT:
            raise QueryError(f"query refused: rxatlas sql runs read-only SELECT queries (also under EXPLAIN), "
                             f"not {kind}; use `rxatlas export` to write tables to files")
        return engine.query_limited(query, max_rows, seconds)
    finally:
        engine.close()
