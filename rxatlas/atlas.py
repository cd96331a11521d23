"""The Python API: open an atlas and get its tables as Arrow (``.to_pandas()``, ``polars.from_arrow``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from rxatlas import settings
from rxatlas.errors import InputError, MissingTableError, NotFoundError, QueryError
from rxatlas.warehouse.duck import DuckDBEngine
from rxatlas.warehouse.steps import referenced_tables, source_of

if TYPE_CHECKING:  # answers read rows without Arrow; pyarrow loads with the first Arrow result
    import pyarrow as pa

    from rxatlas.scenario import Scenario
    from rxatlas.supply.risk import Filters

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


FILE_SQL = "SELECT file, sha256, bytes, snapshot, spec FROM meta.files WHERE source = ? AND file = ? LIMIT 1"
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
        self._source_rows: tuple[date, list[dict[str, Any]]] | None = None  # SOURCES_SQL, read once a day

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
        self._source_rows = None

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
            found |= {r["source"] for r in self.engine.rows(
                f"SELECT DISTINCT source FROM meta.lineage WHERE table_name IN ({placeholders})", derived)}
        return sorted(s for s in found if s)

    def _sources(self) -> list[dict[str, Any]]:
        """The rows of SOURCES_SQL, copied; read once a day while the atlas is open (an answer and its
        staleness warning both need them; ages count from today)."""
        today = date.today()
        if self._source_rows is None or self._source_rows[0] != today:
            self._source_rows = (today, self.engine.rows(SOURCES_SQL))
        return [dict(r) for r in self._source_rows[1]]

    def stale_sources(self, source_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """The sources (of those given, default all) whose snapshot is older than their refresh interval."""
        return [r for r in self._sources() if r["stale"] and (source_ids is None or r["source"] in source_ids)]

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

    def snapshots(self, tables: Iterable[str]) -> list[dict[str, Any]]:
        """The sources behind the given tables, each with its title, oldest and newest snapshot dates in use, age in
        days (of the oldest) and staleness."""
        behind = set(self.sources_behind(tables))
        return [{k: s[k] for k in ("source", "title", "snapshot", "newest_snapshot", "age_days", "stale")}
                for s in self._sources() if s["source"] in behind]

    def substance(self, name: str) -> dict[str, Any]:
        """Where a substance is made: API sources by country, concentration, who markets it, shortages, signals."""
        from rxatlas.supply.substance import substance_answer

        return substance_answer(self, name)

    def firm_answer(self, name: str) -> dict[str, Any]:
        """The canonical firm behind a name (match `unique`) with the substances it is an API source of and their
        shortage status, its applications and quality signals by site; else the candidates to ask again by."""
        from rxatlas.supply.firm import firm_answer

        return firm_answer(self.engine, name)

    def firm_search(self, text: str) -> list[dict[str, Any]]:
        """Canonical firms whose name or an alias contains the text."""
        from rxatlas.resolve.lookup import search_firms

        return search_firms(self.engine, text)

    def facilities(self, country: str | None = None, api_only: bool = False) -> list[dict[str, Any]]:
        """Registered facilities (DECRS), optionally of one country or API-manufacture sites only."""
        from rxatlas.resolve.lookup import facilities

        return facilities(self.engine, country, api_only)

    def facility(self, fei: str) -> dict[str, Any] | None:
        """One registered facility by FEI with its firm, operations and provenance (None when unknown)."""
        from rxatlas.resolve.lookup import facility

        return facility(self.engine, fei)

    def countries(self, scope: str = "us_human_rx") -> list[dict[str, Any]]:
        """Countries with qualified API sources of the scope's substances: substances, sources and firms there."""
        from rxatlas.supply.country import countries

        return countries(self.engine, scope)

    def country(self, iso2: str, scope: str = "us_human_rx", order: str = "share") -> dict[str, Any]:
        """What US supply depends on a country for: API sites, DMFs by year, share of API sources, the most
        dependent substances (in `order`), and quality signals at its sites by year with how each was joined."""
        from rxatlas.supply.country import country_answer

        return country_answer(self.engine, iso2, scope, order)

    def risk(self, portfolio: str | Path | None = None, top: int = 10, scope: str | None = None,
             encoding: str | None = None, filters: Filters | None = None) -> dict[str, Any]:
        """Supply risk of a portfolio file (or every substance of the scope): metrics, vulnerability, top risks."""
        from rxatlas.supply.risk import risk

        return risk(self.engine, portfolio, top, scope, encoding, filters)

    def opportunities(self, home: str = "KR", limit: int | None = 50, scope: str | None = None) -> dict[str, Any]:
        """Substances with concentrated or vulnerable US supply, ranked, with where the home country stands."""
        from rxatlas.supply.opportunities import opportunities

        return opportunities(self.engine, home, limit, scope)

    def shortages(self, critical: bool = False, scope: str | None = "us_human_rx",
                  since: date | str | None = None) -> dict[str, Any]:
        """FDA shortages per substance, one row per presentation (openFDA and FDA database copies merged), with
        age, recovery estimate, criticality, API sources and market scope; since: postings or updates from then."""
        from rxatlas.supply.shortages import shortages

        return shortages(self.engine, critical, scope, since)

    def classes(self, level: int = 3, scope: str | None = "us_human_rx") -> dict[str, Any]:
        """ATC therapeutic classes of a level (1-4) with their substances' sources, single-source share, median HHI,
        top countries and current shortages; FDA pharmacologic classes and unclassified rows count the rest."""
        from rxatlas.supply.classes import TABLES, classes

        return {**classes(self.engine, level, scope), "sources": self.snapshots(TABLES)}

    def approvals(self, country: str | None = None) -> dict[str, Any]:
        """US approvals (NDA, ANDA, BLA) of one sponsor country, or the counts of every country with coverage."""
        from rxatlas.approvals import by_country, country_approvals, coverage

        if country is None:
            return {"countries": by_country(self.engine), "coverage": coverage(self.engine)}
        return country_approvals(self.engine, country)

    def scenario(self, scenario: Scenario, scope: str | None = None) -> dict[str, Any]:
        """Apply a scenario to the supply map: sources lost, HHI before and after, tariff exposure, who gains."""
        from rxatlas.scenario import run

        return run(self.engine, scenario, scope)

    def screen(self, names: list[str], as_of: date | None = None,
               countries: list[str | None] | None = None) -> dict[str, Any]:
        """Screen supplier names (no file) against 1260H and OFAC SDN as of a date, following affiliates."""
        from rxatlas.screen.screen import screen_names

        return screen_names(self.engine, names, as_of or date.today(), countries)

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

    def metrics(self, scope: str = "us_human_rx", single_source: bool = False, band: str | None = None,
                sort: str = "n_sources", descending: bool = True) -> list[dict[str, Any]]:
        """Supply metrics of every substance in a market scope (counts of qualified sources, not volumes)."""
        from rxatlas.supply.metrics import metrics_table

        return metrics_table(self.engine, scope, single_source, band, sort, descending)

    def search_substances(self, text: str) -> list[dict[str, Any]]:
        """Substances with a qualified source whose name contains the text, or whose UNII it is."""
        from rxatlas.supply.lookup import search_substances

        return search_substances(self.engine, text)

    def record(self, table: str, line: int, file: str | None = None) -> dict[str, Any]:
        """The raw record(s) of a latest.* table at a file line, with each file's sha256 and snapshot."""
        known = {t for schema, t in self.engine.tables("latest") if schema == "latest"}
        if table not in known:
            raise NotFoundError(f"no raw table {table!r}; name one of the latest.* tables, e.g. fda_dmf__dmf "
                                "(the _source of a row and its table)")
        # table is one of the atlas's own view names (checked above), never user text in SQL.
        records = self.engine.rows(f"SELECT * FROM latest.{table} WHERE _line = ? AND (? IS NULL OR _file = ?)",
                                   [line, file, file])
        if not records:
            raise NotFoundError(f"no record at line {line} of {table}" + (f" in {file}" if file else "")
                                + "; use the _line and _file of a row's provenance")
        source = table.split("__")[0]
        files = [self.engine.rows(FILE_SQL, [source, f]) for f in sorted({r["_file"] for r in records})]
        return {"table": f"latest.{table}", "line": line, "records": records, "files": [f[0] for f in files if f]}

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

    import pyarrow as pa

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
