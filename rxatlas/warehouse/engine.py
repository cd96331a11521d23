"""The engine contract every warehouse step runs on: DuckDB by default, Spark for builds beyond one machine."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from rxatlas.errors import InputError
from rxatlas.warehouse.dialect import Dialect

SCHEMAS = ("meta", "raw", "latest", "core")
ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """What a build step may ask of the warehouse; SQL is written in DuckDB's dialect and translated per engine."""

    dialect: Dialect

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        """Run statements that return nothing."""

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""

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


def engine_name(name: str | None = None) -> str:
    """The build engine to use: the argument, else RXATLAS_ENGINE, else duckdb."""
    chosen = (name or os.environ.get("RXATLAS_ENGINE") or "duckdb").lower()
    if chosen not in ENGINES:
        raise InputError(f"unknown engine {chosen!r}; use one of {', '.join(ENGINES)} (--engine or RXATLAS_ENGINE)")
    return chosen


def open_engine(name: str, path: Path) -> Engine:
    """Open a writable warehouse at path on the named engine (a DuckDB file, or a Spark Parquet folder)."""
    if name == "spark":
        from rxatlas.warehouse.spark import SparkEngine

        return SparkEngine(path)
    from rxatlas.warehouse.duck import DuckDBEngine

    return DuckDBEngine(path)
