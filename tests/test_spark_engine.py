"""The Spark engine answers DuckDB-dialect SQL as DuckDB does, keeps its Parquet warehouse, and builds atomically."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from rxatlas.atlas import Atlas
from rxatlas.build import build
from rxatlas.errors import QueryError, SourceError
from rxatlas.warehouse.duck import DuckDBEngine
from rxatlas.warehouse.spark import MANIFEST, SparkEngine

pytestmark = pytest.mark.spark

ROWS = pa.table({
    "g": ["a", "a", "a", "b", "b", "c"],
    "x": ["y", None, "x", "z", "z", None],
    "k": [2, 3, 1, None, 5, 1],
    "s": ["ab-ab", "ba", "abab", "b", "a", "c"],
    "tokens": [["P", "Q"], ["Q"], [], ["R", "S", "T"], ["S"], ["P"]],
})

# Each query meets a difference between the engines that the dialect translation must hide.
QUERIES = {
    "ordered list with nulls and ties": "SELECT g, list(x ORDER BY k DESC, x) AS v FROM t GROUP BY g",
    "distinct ordered list": "SELECT g, list(DISTINCT x ORDER BY x) AS v FROM t GROUP BY ALL",
    "first value by order": "SELECT g, any_value(x ORDER BY k) AS v FROM t GROUP BY g",
    "string_agg, NULL when no value": "SELECT g, string_agg(DISTINCT x, ' / ' ORDER BY x) AS v FROM t GROUP BY g",
    "filtered list, NULL when nothing passes":
        "SELECT g, array_agg(DISTINCT k ORDER BY k) FILTER (WHERE k > 1) AS v FROM t GROUP BY g",
    "arg_max skips NULL values": "SELECT g, arg_max(x, k) AS v FROM t GROUP BY g",
    "regexp_replace backreferences": r"SELECT g, regexp_replace(s, '(a)(b)', '\2\1', 'g') AS v FROM t",
    "anchored regexp_replace": "SELECT g, regexp_replace(s, 'a$', '') AS v FROM t",
    "1-based list index, NULL out of range": "SELECT g, tokens[1] AS v, tokens[5] AS w FROM t",
    "unnest in the select list": "SELECT g, unnest(tokens) AS v FROM t",
    "list intersection size": "SELECT g, array_length(list_intersect(tokens, ['P', 'S'])) AS v FROM t",
    "temporary table": "CREATE OR REPLACE TEMP TABLE tmp AS SELECT g, count(*) AS v FROM t GROUP BY ALL; "
                       "SELECT * FROM tmp",
}


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DuckDBEngine, SparkEngine]]:
    root = tmp_path_factory.mktemp("engines")
    duck, spark = DuckDBEngine(root / "atlas.duckdb"), SparkEngine(root / "atlas.parquet")
    for engine in (duck, spark):
        engine.register("t", ROWS)
    yield duck, spark
    duck.close()
    spark.close()


def _answer(engine: DuckDBEngine | SparkEngine, sql: str) -> list[Any]:
    *setup, query = [s for s in sql.split("; ") if s.strip()]
    for statement in setup:
        engine.execute(statement)
    return sorted(engine.query(query).to_pylist(), key=repr)


@pytest.mark.parametrize("sql", QUERIES.values(), ids=QUERIES.keys())
def test_spark_answers_like_duckdb(engines: tuple[DuckDBEngine, SparkEngine], sql: str) -> None:
    duck, spark = engines
    assert _answer(spark, sql) == _answer(duck, sql)


# Pairs on which Splink's own Spark jar scores Jaro-Winkler differently from DuckDB (by up to 0.017).
NAME_PAIRS = [("NOVACYL WUXI PHARMA", "NOVACYL THAILAND"), ("PORTON FINE CHEM", "PORTON PHARMA SOLUTIONS"),
              ("TTY BIOPHARM CO LTD NEIHU FACTORY", "TTY BIOPHARM CO LTD LIOUDU FACTORY"), ("MARTHA", "MARHTA"),
              ("ZHEJIANG TASLN BIOPHARMA", "ZHEJIANG XINHUA PHARMA"), ("SKY TRADE", "SYK TRADE"), (None, "X")]


def test_linkage_scores_jaro_winkler_as_duckdb_does(engines: tuple[DuckDBEngine, SparkEngine]) -> None:
    duck, spark = engines
    spark.linker_api()
    pairs = pa.table({"a": [a for a, _ in NAME_PAIRS], "b": [b for _, b in NAME_PAIRS]})
    scores = []
    for engine, function in ((duck, "jaro_winkler_similarity"), (spark, "jaro_winkler")):
        engine.register("pairs", pairs)
        scores.append({(r["a"], r["b"]): None if r["s"] is None else round(r["s"], 12)
                       for r in engine.query(f"SELECT a, b, {function}(a, b) AS s FROM pairs").to_pylist()})
    assert scores[0] == scores[1]


def test_spark_refusals_name_the_statement(engines: tuple[DuckDBEngine, SparkEngine]) -> None:
    with pytest.raises(QueryError, match=r"Spark refused SELECT no_such_column FROM t: .*UNRESOLVED_COLUMN"):
        engines[1].query("SELECT no_such_column FROM t")


def test_a_reopened_warehouse_keeps_tables_views_deletes_and_new_columns(tmp_path: Path) -> None:
    with SparkEngine(tmp_path) as spark:
        spark.execute("CREATE TABLE raw.r (id BIGINT, _snapshot DATE)")
        spark.execute("INSERT INTO raw.r VALUES (1, DATE '2025-01-01'), (2, DATE '2025-02-01'), (3, NULL)")
        spark.execute("CREATE OR REPLACE VIEW latest.r AS SELECT * FROM raw.r "
                      "WHERE _snapshot = (SELECT max(_snapshot) FROM raw.r)")
        spark.execute("CREATE TEMP TABLE scratch AS SELECT 1 AS one")
    manifest = json.loads((tmp_path / MANIFEST).read_text())
    assert manifest["tables"] == {"raw.r": ["id", "_snapshot"]} and list(manifest["views"]) == ["latest.r"]
    assert not (tmp_path / "_work").exists()

    with SparkEngine(tmp_path) as spark:
        assert spark.query("SELECT id FROM latest.r").to_pylist() == [{"id": 2}]
        spark.execute("DELETE FROM raw.r WHERE _snapshot = ?", ["2025-02-01"])
        assert spark.query("SELECT id FROM latest.r").to_pylist() == [{"id": 1}]
        spark.execute('ALTER TABLE raw.r ADD COLUMN "note" VARCHAR')
        spark.register("incoming", pa.table({"note": ["new"], "id": [4]}))
        spark.execute("INSERT INTO raw.r BY NAME SELECT * FROM incoming")
        assert spark.columns("raw.r") == ["id", "_snapshot", "note"]
        assert sorted(spark.query("SELECT id, note FROM raw.r").to_pylist(), key=repr) == [
            {"id": 1, "note": None}, {"id": 3, "note": None}, {"id": 4, "note": "new"}]
        assert not spark.exists("scratch")
        spark.execute("DELETE FROM raw.r")
        assert spark.scalar("SELECT count(*) FROM raw.r") == 0


def _state(db: Path) -> tuple[str, str]:
    folder = db.with_suffix(".parquet")
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    return hashlib.sha256(db.read_bytes()).hexdigest(), "\n".join(files) + (folder / MANIFEST).read_text()


def _tariff_figures(db: Path) -> tuple[dict[str, int], list[dict[str, Any]]]:
    with Atlas(db) as atlas:
        return atlas.facts()["us_s232"], atlas.sql("SELECT * FROM core.s232_code ORDER BY ALL").to_pylist()


def test_spark_build_publishes_an_atlas_and_a_failed_build_changes_nothing(tmp_path: Path, data_dir: Path) -> None:
    # A small source (the Section 232 code list, CSV and PDF): the build path, not the models, is tested here;
    # the parity test builds every source and model on Spark.
    db = tmp_path / "atlas.duckdb"
    report = build(["us_s232"], db=db, mirror=str(data_dir), cache=tmp_path / "cache", engine="spark")
    assert report.engine == "spark" and (tmp_path / "atlas.parquet" / MANIFEST).exists()
    duck = tmp_path / "duck" / "atlas.duckdb"
    build(["us_s232"], db=duck, mirror=str(data_dir), cache=tmp_path / "cache")
    facts, codes = _tariff_figures(db)
    assert (facts, codes) == _tariff_figures(duck)
    assert facts["csv_codes"] > 600 and len(codes) > 600
    before = _state(db)

    mirror = tmp_path / "mirror" / "fda_dmf"
    mirror.mkdir(parents=True)
    real = next((data_dir / "fda_dmf").glob("dmf_list_*.csv.gz"))
    (mirror / real.name).write_bytes(real.read_bytes()[:50_000])
    with pytest.raises(SourceError, match="the file is truncated or corrupt"):  # in this process's Spark session
        build(["fda_dmf"], db=db, mirror=str(mirror.parent), cache=tmp_path / "cache2", engine="spark")

    assert _state(db) == before
    assert [p.name for p in tmp_path.iterdir() if ".building-" in p.name or ".old-" in p.name] == []
