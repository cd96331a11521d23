"""The engine contract every warehouse step runs on: DuckDB by default, Spark for builds beyond one machine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

SCHEMAS = ("meta", "raw", "latest", "core")
ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Dialect:
    """What an engine's SQL can do; models are written for DuckDB and translated to the others."""

    name: str
    replace_table: bool = True  # CREATE OR REPLACE TABLE
    temp_tables: bool = True  # CREATE TEMP TABLE (else an ordinary table in the engine's work schema)
    transactions: bool = True  # BEGIN / COMMIT
    table_format: str | None = None  # CREATE TABLE ... USING <format>
    ordered_aggregates: bool = True  # list(x ORDER BY y), any_value(x ORDER BY y)
    constraints: bool = True  # PRIMARY KEY and other column constraints


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark", replace_table=False, temp_tables=False, transactions=False, table_format="parquet",
                ordered_aggregates=False, constraints=False)



class Engine(Protocol):
    """What a build step may ask of the warehouse; SQL is written in DuckDB's dialect and translated per engine."""

    dialect: Dialect

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        """Run statements that return nothing."""

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """Run a query and return its rows as dicts, for answers (DuckDB skips Arrow, and so importing pyarrow)."""

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        """Run a query and return the first value of its first row (None when empty)."""

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable under a temporary name."""

    def unregister(self, name: str) -> None:
        """Drop a temporary name made by register."""

    def tables(self, schema: str | None = None) -> list[tuple[str, str]]:
        """List (schema, table) of every table and view, optionally in one schema."""

    def exists(self, qualified: str) -> bool:
        """Tell whether a schema-qualified table or view exists."""

    def columns(self, qualified: str) -> list[str]:
        """The column names of a schema-qualified table or view, in order."""

    def linker_api(self) -> Any:
        """A Splink database API on this engine, for probabilistic linkage; close it with close_linker_api."""

    def close_linker_api(self, api: Any) -> None:
        """Release what linker_api made."""

    def close(self) -> None:
        """Write everything out and release the engine."""

    def __enter__(self) -> Engine: ...

    def __exit__(self, *exc: object) -> None: ...
