"""The atlas built on Spark (local mode) equals the atlas built on DuckDB, from the same real snapshot.

Both engines build from the lean copy of the snapshot (tests/lean_mirror.py): every source file, every reader, model
and step, on fewer rows; every core table must hold rows, so that no comparison below is of empty tables. The Spark
build runs the cluster entry point (rxatlas.warehouse.spark_job) in a child process where opening a DuckDB
connection, or importing duckdb from rxatlas code, fails; its Parquet folder is then published into an atlas file.
Run on their own with `pytest -m spark`.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from rxatlas.atlas import Atlas
from rxatlas.build import build
from rxatlas.supply.headline import headline
from rxatlas.warehouse.publish import publish

pytestmark = [pytest.mark.spark, pytest.mark.slow]

# Runs a module as __main__ with DuckDB out of reach: no rxatlas module may import duckdb and no DuckDB query may run.
# Splink imports duckdb itself, and its base DatabaseAPI opens an in-memory connection even on the Spark backend
# (used only for EM training and charts); that one connection may exist but fails on any use.
GUARD = """
import builtins, runpy, sys, traceback
import duckdb

def refuse(*args, **kwargs):
    raise AssertionError("DuckDB was used on the Spark path:\\n" + "".join(traceback.format_stack(limit=8)))

class Idle:
    def __getattr__(self, name):
        refuse()

def connect(*args, **kwargs):
    if sys._getframe(1).f_code.co_filename.endswith("splink/internals/database_api.py"):
        return Idle()
    refuse()

for name in ("sql", "query", "execute", "read_parquet", "from_arrow", "table", "register"):
    setattr(duckdb, name, refuse)
duckdb.connect = connect
real_import = builtins.__import__

def guarded(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__") or ""
    if name.split(".")[0] == "duckdb" and importer.startswith("rxatlas"):
        raise AssertionError(f"{importer} imports duckdb on the Spark path")
    return real_import(name, globals, locals, fromlist, level)

builtins.__import__ = guarded
module = sys.argv.pop(1)
sys.argv[0] = module
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""

# Columns that differ between any two builds by design: load ids and load times.
PER_BUILD = {"_load_id", "load_id", "loaded_at"}
# Core tables that may be empty: analysts' resolution overrides (none in the snapshot).
MAY_BE_EMPTY = {"core.resolution_override"}
# A small local job: two shuffle partitions instead of eight (fewer tasks, while rows still meet across
# partitions, so an aggregate whose order Spark does not keep cannot pass by chance).
SMALL_SPARK = {"RXATLAS_SPARK_PARTITIONS": "2"}


def _guarded(module: str, *args: str, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a module under the guard, its output going to a log file (read by _finished)."""
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-c", GUARD, module, *args], stdout=out, stderr=out, env=env)


def _finished(child: subprocess.Popen[bytes], log: Path) -> tuple[int, str]:
    """The exit code and output of a guarded child, once it ended."""
    return child.wait(timeout=1500), log.read_text(errors="replace")


@pytest.fixture(scope="module")
def atlases(tmp_path_factory: pytest.TempPathFactory, lean_mirror: Path) -> tuple[Path, Path]:
    """The lean snapshot built by DuckDB, and by spark_job on Spark local mode (published into an atlas file);
    the DuckDB build runs while Spark builds."""
    root = tmp_path_factory.mktemp("engines")
    folder, log = root / "spark" / "atlas.parquet", root / "spark.log"
    spark_job = _guarded("rxatlas.warehouse.spark_job", "--warehouse", str(folder), "--mirror", str(lean_mirror),
                         "--cache", str(root / "spark" / "cache"), log=log, env={**os.environ, **SMALL_SPARK})
    duck = root / "duck" / "atlas.duckdb"
    try:
        build(db=duck, mirror=str(lean_mirror), cache=root / "duck" / "cache")
    finally:
        code, output = _finished(spark_job, log)
    assert code == 0, output[-3000:]
    spark = root / "spark" / "atlas.duckdb"
    publish(folder, spark)
    return duck, spark


@pytest.fixture(scope="module")
def both(atlases: tuple[Path, Path]) -> Iterator[tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]]:
    duck = duckdb.connect(str(atlases[0]), read_only=True)
    spark = duckdb.connect(str(atlases[1]), read_only=True)
    yield duck, spark
    duck.close()
    spark.close()


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute("SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns "
                       "WHERE table_catalog = current_database() ORDER BY 1, ordinal_position").fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def _rounded(value: Any) -> Any:
    """A value with every float rounded to 6 decimals, lists and structs included (maps become sorted items)."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, dict):
        return tuple(sorted((k, _rounded(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_rounded(v) for v in value)
    return value


def _rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    select = ", ".join(f'"{c}"' for c in columns)
    return sorted((_rounded(r) for r in con.execute(f"SELECT {select} FROM {table}").fetchall()), key=repr)


def test_the_guard_refuses_duckdb(tmp_path: Path) -> None:
    log = tmp_path / "guard.log"
    code, output = _finished(_guarded("rxatlas.atlas", log=log), log)  # the query layer reads atlas files with DuckDB
    assert code != 0 and "imports duckdb on the Spark path" in output


def test_same_tables_columns_and_row_counts(both: tuple[duckdb.DuckDBPyConnection, ...]) -> None:
    duck, spark = both
    duck_tables, spark_tables = _tables(duck), _tables(spark)
    assert duck_tables == spark_tables
    counts = {t: (duck.execute(f"SELECT count(*) FROM {t}").fetchone(), spark.execute(f"SELECT count(*) FROM {t}")
                  .fetchone()) for t in duck_tables}
    assert {t: c for t, c in counts.items() if c[0] != c[1]} == {}
    empty = {t for t, (n, _) in counts.items() if t.startswith("core.") and not n[0]}
    assert empty <= MAY_BE_EMPTY, f"no rows in {sorted(empty)}: name more of their data in lean_mirror.FOCUS"


def test_resolved_firm_countries_are_identical(both: tuple[duckdb.DuckDBPyConnection, ...]) -> None:
    duck, spark = both
    for table, columns in {"core.firm": ["firm_id", "country_iso2", "countries", "parent_firm_id"],
                           "core.firm_mention": ["mention_id", "firm_id", "method", "score"],
                           "core.dmf_holder": ["holder", "firm_id", "country", "confidence", "method"],
                           "core.sponsor_country": ["firm_id", "country_iso2", "method"]}.items():
        assert _rows(duck, table, columns) == _rows(spark, table, columns), table


def test_substance_metrics_agree_to_six_decimals(both: tuple[duckdb.DuckDBPyConnection, ...]) -> None:
    duck, spark = both
    columns = _tables(duck)["core.substance_metrics"]
    assert _rows(duck, "core.substance_metrics", columns) == _rows(spark, "core.substance_metrics", columns)


def test_headline_figures_agree_to_six_decimals(atlases: tuple[Path, Path]) -> None:
    with Atlas(atlases[0]) as duck, Atlas(atlases[1]) as spark:
        figures = _rounded(headline(duck.engine))
        assert figures == _rounded(headline(spark.engine))
    assert figures


def test_every_table_is_identical_apart_from_load_ids(both: tuple[duckdb.DuckDBPyConnection, ...]) -> None:
    duck, spark = both
    differing = []
    for table, columns in _tables(duck).items():
        kept = [c for c in columns if c not in PER_BUILD]
        if _rows(duck, table, kept) != _rows(spark, table, kept):
            differing.append(table)
    assert differing == []
