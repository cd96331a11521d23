"""Warehouse transformation steps: SQL model files and Python steps, ordered by the tables they read."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from rxatlas.errors import BuildError
from rxatlas.warehouse.engine import Engine

if TYPE_CHECKING:
    import pyarrow as pa
    from sqlglot import exp

MODEL_PACKAGE = "rxatlas.warehouse.models"
WAREHOUSE_SCHEMAS = {"raw", "latest", "core", "meta"}


@dataclass
class Step:
    """A unit of the build that reads some warehouse tables and writes others."""

    name: str
    inputs: frozenset[str]
    outputs: frozenset[str]
    run: Callable[[Engine], None]
    kind: str = "sql"
    optional_inputs: frozenset[str] = field(default_factory=frozenset)


def write_table(engine: Engine, table: str, rows: pa.Table, select: str = "*", order_by: str = "") -> None:
    """Write the rows a Python step computed as a warehouse table (replacing it), selected and ordered in SQL."""
    temporary = "_" + table.replace(".", "_")
    engine.register(temporary, rows)
    try:
        engine.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {select} FROM {temporary}"
                       + (f" ORDER BY {order_by}" if order_by else ""))
    finally:
        engine.unregister(temporary)


@dataclass
class StepResult:
    """What happened to one step in a build."""

    name: str
    status: str
    seconds: float = 0.0
    detail: str = ""


def _qualified(table: exp.Table) -> str | None:
    if table.db in WAREHOUSE_SCHEMAS:
        return f"{table.db}.{table.name}"
    return None


def _reads(statement: exp.Expr) -> set[str]:
    from sqlglot import exp  # parsing is for builds and `rxatlas sql`; answering questions needs none of it

    ctes = {c.alias_or_name for c in statement.find_all(exp.CTE)}
    return {q for table in statement.find_all(exp.Table) if (q := _qualified(table)) and table.name not in ctes}


def referenced_tables(sql: str) -> set[str]:
    """Return the warehouse tables (schema.table) a SQL text reads or writes; empty if it does not parse."""
    import sqlglot

    try:
        statements = sqlglot.parse(sql, read="duckdb")
    except sqlglot.errors.ParseError:
        return set()
    return set().union(*(_reads(s) for s in statements if s is not None))


def sql_step(name: str, sql: str) -> Step:
    """Make a step from a model's SQL: its outputs are what it creates, its inputs what else it reads."""
    import sqlglot
    from sqlglot import exp

    statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    outputs: set[str] = set()
    inputs: set[str] = set()
    for statement in statements:
        if isinstance(statement, exp.Create):
            target = statement.this if isinstance(statement.this, exp.Table) else statement.this.find(exp.Table)
            if target is not None and (q := _qualified(target)):
                outputs.add(q)
        inputs |= _reads(statement)
    inputs -= outputs

    def run(engine: Engine) -> None:
        for statement in statements:
            engine.execute(statement.sql(dialect="duckdb"))

    return Step(name, frozenset(inputs), frozenset(outputs), run)


def model_steps() -> list[Step]:
    """Return one step per SQL model file shipped in the warehouse models folder."""
    folder = resources.files(MODEL_PACKAGE)
    return [
        sql_step(entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".sql")
    ]


def order(steps: list[Step]) -> list[Step]:
    """Sort steps so that each runs after the steps producing its inputs."""
    producers = {out: s.name for s in steps for out in s.outputs}
    by_name = {s.name: s for s in steps}
    done: list[Step] = []
    state: dict[str, int] = {}

    def visit(step: Step) -> None:
        if state.get(step.name) == 2:
            return
        if state.get(step.name) == 1:
            raise BuildError(f"the warehouse steps form a cycle through {step.name}")
        state[step.name] = 1
        for table in sorted(step.inputs | step.optional_inputs):
            producer = producers.get(table)
            if producer and producer != step.name:
                visit(by_name[producer])
        state[step.name] = 2
        done.append(step)

    for step in steps:
        visit(step)
    return done


def source_of(table: str) -> str | None:
    """Return the source id behind a raw or latest table name (raw.fda_dmf__dmf -> fda_dmf)."""
    schema, _, name = table.partition(".")
    if schema in ("raw", "latest") and "__" in name:
        return name.split("__", 1)[0]
    return None


def _record_lineage(engine: Engine, steps: list[Step], results: list[StepResult]) -> None:
    import pyarrow as pa  # builds only: answering questions never imports pyarrow

    built = {r.name for r in results if r.status == "ok"}
    lineage: dict[str, set[str]] = {}
    for step in steps:
        if step.name not in built:
            continue
        used: set[str] = set()
        for table in step.inputs | step.optional_inputs:
            source = source_of(table)
            used |= {source} if source else lineage.get(table, set())
        for out in step.outputs:
            lineage[out] = used
    rows = [{"table_name": t, "source": s} for t, sources in sorted(lineage.items()) for s in sorted(sources)]
    schema = pa.schema([("table_name", pa.string()), ("source", pa.string())])
    write_table(engine, "meta.lineage", pa.Table.from_pylist(rows, schema=schema))


def run_steps(engine: Engine, steps: list[Step], tick: Callable[[str], None] | None = None) -> list[StepResult]:
    """Run steps in dependency order, skipping (and dropping the outputs of) those whose inputs are absent.

    Records in meta.lineage which sources every built table derives from.
    """
    results: list[StepResult] = []
    ordered = order(steps)
    for step in ordered:
        missing = sorted(t for t in step.inputs if not engine.exists(t))
        if tick:
            tick(step.name)
        if missing:
            for out in step.outputs:
                if engine.exists(out):  # a check costs Spark far less than a DROP of nothing
                    engine.execute(f"DROP {'VIEW' if out.startswith('latest.') else 'TABLE'} {out}")
            results.append(StepResult(step.name, "skipped", detail=f"missing {', '.join(missing)}"))
            continue
        started = time.perf_counter()
        try:
            step.run(engine)
        except Exception as exc:
            raise BuildError(f"warehouse step {step.name} failed: {exc}") from exc
        results.append(StepResult(step.name, "ok", time.perf_counter() - started))
    _record_lineage(engine, ordered, results)
    return results
