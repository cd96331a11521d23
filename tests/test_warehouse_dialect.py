"""DuckDB-dialect SQL is rewritten for Spark on its parse tree, or refused with a reason when it cannot be."""

from __future__ import annotations

import pytest
import sqlglot

from rxatlas.errors import BuildError
from rxatlas.warehouse.dialect import translate
from rxatlas.warehouse.engine import DUCKDB, SPARK, Dialect


def statements(sql: str, dialect: Dialect) -> list[str]:
    """A DuckDB SQL text as the statements the dialect runs."""
    return [t.sql(dialect.name) for s in sqlglot.parse(sql, read="duckdb") if s for t in translate(s, dialect)]


def test_duckdb_sql_is_left_as_written() -> None:
    (tree,) = sqlglot.parse("CREATE OR REPLACE TABLE core.x AS SELECT list(a ORDER BY b) FROM t", read="duckdb")
    assert translate(tree, DUCKDB) == [tree]


def test_replaced_tables_are_dropped_and_created_as_parquet_without_constraints() -> None:
    assert statements("CREATE OR REPLACE TABLE core.x (id VARCHAR PRIMARY KEY, n INTEGER)", SPARK) == [
        "DROP TABLE IF EXISTS core.x", "CREATE TABLE core.x (id STRING, n INT) USING PARQUET"]


def test_temporary_tables_become_ordinary_tables_and_transactions_vanish() -> None:
    assert statements("BEGIN TRANSACTION; CREATE TEMP TABLE w AS SELECT 1 AS one; COMMIT", SPARK) == [
        "CREATE TABLE w USING PARQUET AS SELECT 1 AS one"]


def test_ordered_aggregates_keep_their_order() -> None:
    (sql,) = statements("SELECT list(x ORDER BY k DESC) FROM t", SPARK)
    assert sql.startswith("SELECT TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(k AS k0, x AS v)), (rx_l, rx_r) ->")
    (distinct,) = statements("SELECT list(DISTINCT x ORDER BY x DESC) FROM t", SPARK)
    assert distinct.startswith("SELECT TRANSFORM(ARRAY_SORT(ARRAY_DISTINCT(COLLECT_LIST(STRUCT(x AS k0, x AS v)))")


@pytest.mark.parametrize(("sql", "reason"), [
    ("SELECT regexp_replace(s, 'a', 'b') FROM t", "Spark replaces every match"),
    ("SELECT list(DISTINCT x ORDER BY k) FROM t", "DISTINCT with another order"),
    ("CREATE OR REPLACE TABLE core.x AS SELECT * FROM core.x", "replaced by a query that reads it"),
])
def test_what_cannot_be_translated_is_refused_with_the_reason(sql: str, reason: str) -> None:
    with pytest.raises(BuildError, match=reason):
        statements(sql, SPARK)
