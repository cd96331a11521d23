"""The default warehouse engine: one DuckDB file, which is also the atlas every command reads."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from rxatlas.errors import AtlasMissingError, MissingTableError, QueryError
from rxatlas.warehouse.engine import DUCKDB, SCHEMAS

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger("rxatlas.sql")
ROWS_PER_BATCH = 65_536

# A read-only connection for user SQL: no files, no network, no extensions, settings locked. The local file
# system is switched off once the atlas is open (else read_blob and glob could still read the atlas file itself).
SAFE_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}
SAFE_SETTINGS = ("SET disabled_filesystems = 'LocalFileSystem'", "SET lock_configuration = true")


class DuckDBEngine:
    """A DuckDB database file and the operations every warehouse step needs (the Engine contract)."""

    dialect = DUCKDB

    def __init__(self, path: Path, *, read_only: bool = False, safe: bool = False, memory_mb: int | None = None
                 ) -> None:
        if read_only and not path.exists():
            raise AtlasMissingError(f"no atlas at {path}; run `rxatlas build` first (or pass --db)")
        self.path = path
        self.read_only = read_only
        self.safe = safe
        # DuckDB shares one database per file and process, so every ordinary connection keeps the default settings;
        # only the sandbox differs, and it cannot open while another connection to the file is open.
        config: dict[str, Any] = dict(SAFE_CONFIG) if safe else {}
        if memory_mb:
            config["memory_limit"] = f"{memory_mb}MB"
        try:
            self.con = duckdb.connect(str(path), read_only=read_only, config=config)
            for setting in SAFE_SETTINGS if safe else ():
                self.con.execute(setting)
        except duckdb.ConnectionException as exc:
            raise QueryError(f"the atlas at {path} is already open in this process with other settings; close "
                             "that connection (e.g. Atlas.close()) before running sandboxed SQL") from exc
        except duckdb.Error as exc:
            raise QueryError(f"cannot open the atlas at {path}: {exc}") from exc
        if not read_only:
            for schema in SCHEMAS:
                self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """DuckDB's errors as rxatlas's own, each saying what to do (user SQL of the sandbox is told apart)."""
        try:
            yield
        except duckdb.PermissionException as exc:
            raise QueryError(f"query refused: {exc}; rxatlas sql reads only the atlas's own tables") from exc
        except duckdb.Error as exc:
            kind = MissingTableError if isinstance(exc, duckdb.CatalogException) else QueryError
            hint = "" if self.safe else (f"; if the atlas at {self.path} was built by an older rxatlas or from "
                                         "fewer sources, rebuild it with `rxatlas build`")
            raise kind(f"query failed: {exc}{hint}") from exc

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        """Run a statement that returns nothing."""
        log.debug("%s", sql)
        with self._translated():
            self.con.execute(sql, params or []).fetchall()

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""
        log.debug("%s", sql)
        with self._translated():
            return self.con.sql(sql, params=params or None).to_arrow_table()

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts (fetched as Python values: no Arrow, no pyarrow import)."""
        log.debug("%s", sql)
        with self._translated():
            cursor = self.con.execute(sql, params or [])
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def query_limited(self, sql: str, max_rows: int, seconds: float) -> pa.Table:
        """Run a query, interrupted after `seconds`; raise QueryError past max_rows rows (streamed, not held)."""
        import pyarrow as pa

        log.debug("%s", sql)
        with self._translated():  # the limits' own errors first, then any other failure
            timer = threading.Timer(seconds, self.con.interrupt)
            timer.start()
            try:
                reader = self.con.sql(sql).to_arrow_reader(ROWS_PER_BATCH)
                batches, rows = [], 0
                for batch in reader:
                    rows += batch.num_rows
                    if rows > max_rows:
                        raise QueryError(f"query refused: the result has more than {max_rows:,} rows (the limit, "
                                         "RXATLAS_SQL_MAX_ROWS); aggregate, add LIMIT, or use `rxatlas export`")
                    batches.append(batch)
                return pa.Table.from_batches(batches, schema=reader.schema)
            except duckdb.InterruptException as exc:
                raise QueryError(f"query stopped after {seconds:g} s (the limit, RXATLAS_SQL_TIMEOUT); narrow it "
                                 "with WHERE or LIMIT, or raise the limit") from exc
            except duckdb.OutOfMemoryException as exc:
                raise QueryError(f"query stopped: it needs more memory than the sandbox allows "
                                 f"(RXATLAS_SQL_MEMORY_MB); aggregate or add LIMIT ({exc})") from exc
            finally:
                timer.cancel()

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """Run a query and return the first value of its first row (None when empty)."""
        log.debug("%s", sql)
        with self._translated():
            rows = self.con.execute(sql, params or []).fetchall()  # fetchone would leave the result open
        return rows[0][0] if rows else None

    def statements(self, sql: str) -> list[duckdb.Statement]:
        """Split a SQL text into its parsed statements without running them."""
        with self._translated():
            return self.con.extract_statements(sql)

    def statement_kinds(self, sql: str) -> list[str]:
        """Name the kind of each statement in a SQL text (SELECT, COPY, CREATE, ...) without running it."""
        return [statement.type.name for statement in self.statements(sql)]

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under a temporary name."""
        self.con.register(name, table)

    def unregister(self, name: str) -> None:
        """Drop a temporary name made by register."""
        self.con.unregister(name)

    def tables(self, schema: str | None = None) -> list[tuple[str, str]]:
        """List (schema, table) of every table and view, optionally in one schema."""
        rows = self.con.sql(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND (? IS NULL OR table_schema = ?) "
            "ORDER BY 1, 2",
            params=[schema, schema],
        ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def columns(self, qualified: str) -> list[str]:
        """The column names of a schema-qualified table or view, in order."""
        schema, _, name = qualified.rpartition(".")
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = current_database() "
            "AND table_schema = ? AND table_name = ? ORDER BY ordinal_position", [schema or "main", name]).fetchall()
        return [r[0] for r in rows]

    def linker_api(self) -> Any:
        """Splink's DuckDB backend on a private in-memory database, so Splink's tables stay out of the atlas."""
        from splink import DuckDBAPI

        con = duckdb.connect(":memory:")
        con.execute("SET enable_progress_bar = false")
        threads = int(os.environ.get("RXATLAS_THREADS", "0"))
        if threads:
            con.execute(f"SET threads = {threads}")
        return DuckDBAPI(connection=con)

    def close_linker_api(self, api: Any) -> None:
        """Close the private database of linker_api."""
        api.duckdb_con.close()

    def exists(self, qualified: str) -> bool:
        """Tell whether a schema-qualified table or view exists."""
        schema, _, name = qualified.rpartition(".")
        return (schema or "main", name) in set(self.tables(schema or "main"))

    def close(self) -> None:
        """Write everything to the file and close it."""
        if not self.read_only:
            self.con.execute("CHECKPOINT")
        self.con.close()

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
