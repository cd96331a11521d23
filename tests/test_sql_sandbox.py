"""`rxatlas sql` and the Python sql() run read-only SELECTs only: no files, network, extensions or settings."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_cli

from rxatlas.atlas import sql
from rxatlas.errors import QueryError
from rxatlas.sources.fetch import sha256_of

# Each refused query, with a fragment of the error it must produce. {tmp} is a test folder, {csv} and
# {parquet} real readable files in it: the sandbox must refuse them even though they exist.
REFUSED = {
    "copy to a file": ("COPY (SELECT * FROM core.dmf) TO '{tmp}/out.csv'", "not COPY"),
    "export database": ("EXPORT DATABASE '{tmp}/dump'", "not EXPORT"),
    "attach another database": ("ATTACH '{tmp}/other.duckdb' AS other", "not ATTACH"),
    "install an extension": ("INSTALL httpfs", "not LOAD"),
    "load an extension": ("LOAD httpfs", "not LOAD"),
    "read_csv of a local file": ("SELECT * FROM read_csv('{csv}')", "disabled"),
    "read_parquet of a local file": ("SELECT * FROM read_parquet('{parquet}')",
                                     "disabled"),
    "read_text of a local file": ("SELECT * FROM read_text('/etc/hostname')",
                                  "disabled"),
    "glob of a folder": ("SELECT * FROM glob('{tmp}/*')", "disabled"),
    "http read": ("SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')", "disabled"),
    "create table": ("CREATE TABLE core.mine AS SELECT 1 AS x", "not CREATE"),
    "create temporary table": ("CREATE TEMP TABLE mine AS SELECT 1 AS x", "not CREATE"),
    "insert": ("INSERT INTO core.dmf SELECT * FROM core.dmf LIMIT 1", "not INSERT"),
    "delete": ("DELETE FROM core.dmf", "not DELETE"),
    "update": ("UPDATE core.dmf SET holder = 'x'", "not UPDATE"),
    "drop after a select": ("SELECT 1; DROP TABLE core.dmf", "not 2 statements"),
    "two selects": ("SELECT 1; SELECT 2", "not 2 statements"),
    "explain analyze copy": ("EXPLAIN ANALYZE COPY (SELECT 42) TO '{tmp}/out.csv'", "not COPY"),
    "explain analyze create": ("EXPLAIN ANALYZE CREATE TEMP TABLE mine AS SELECT 1 AS x", "not CREATE"),
    "explain, comment, analyze copy": ("EXPLAIN /* x */ analyse COPY (SELECT 42) TO '{tmp}/out.csv'", "not COPY"),
    "explain copy": ("EXPLAIN COPY (SELECT 42) TO '{tmp}/out.csv'", "not COPY"),
    "read_blob of the atlas itself": ("SELECT * FROM read_blob('{atlas}')", "disabled"),
    "glob of the atlas itself": ("SELECT * FROM glob('{atlas}')", "disabled"),
    "set external access": ("SET enable_external_access = true", "not SET"),
    "set threads": ("SET threads = 1", "not SET"),
    "reset the lock": ("RESET lock_configuration", "not SET"),
    "pragma": ("PRAGMA enable_profiling", "not PRAGMA"),
    "checkpoint": ("CHECKPOINT", "not CALL"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A folder with a readable CSV and Parquet file the sandbox must not open."""
    tmp = tmp_path_factory.mktemp("sandbox")
    (tmp / "secret.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    pq.write_table(pa.table({"a": [1]}), tmp / "secret.parquet")
    return {"tmp": str(tmp), "csv": str(tmp / "secret.csv"), "parquet": str(tmp / "secret.parquet")}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_python_sql_refuses(case: str, dmf_atlas: Path, files: dict[str, str]) -> None:
    query, message = REFUSED[case]
    before = sha256_of(dmf_atlas)
    with pytest.raises(QueryError, match=r"^query refused: ") as caught:
        sql(query.format(**files, atlas=dmf_atlas), dmf_atlas)
    assert message in str(caught.value)
    assert sha256_of(dmf_atlas) == before
    assert sorted(p.name for p in Path(files["tmp"]).iterdir()) == ["secret.csv", "secret.parquet"]


@pytest.mark.parametrize("case", ["copy to a file", "read_csv of a local file", "install an extension",
                                  "delete", "set external access"])
def test_cli_sql_refuses_with_one_sentence(case: str, dmf_atlas: Path, files: dict[str, str]) -> None:
    query, message = REFUSED[case]
    result = run_cli("sql", "--db", str(dmf_atlas), query.format(**files))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: query refused: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1  # one line, not wrapped


def test_allowed_queries_work(dmf_atlas: Path) -> None:
    count = sql("SELECT count(*) AS n FROM core.dmf WHERE active AND type = 'II'", dmf_atlas)
    assert count.to_pylist() == [{"n": 14391}]
    cte = sql("WITH t AS (SELECT type, count(*) AS n FROM latest.fda_dmf__dmf GROUP BY type) "
              "SELECT n FROM t WHERE type = 'V'", dmf_atlas)
    assert cte.num_rows == 1
    assert sql("DESCRIBE core.dmf", dmf_atlas).num_rows > 10
    assert sql("EXPLAIN SELECT * FROM core.country", dmf_atlas).num_rows >= 1
    assert sql("FROM core.country SELECT iso3 WHERE iso2 = 'IN'", dmf_atlas).to_pylist() == [{"iso3": "IND"}]


def test_failed_query_is_a_query_error(dmf_atlas: Path) -> None:
    with pytest.raises(QueryError, match=r"^query failed: .*no_such_column"):
        sql("SELECT no_such_column FROM core.dmf", dmf_atlas)


def test_cli_sql_json(dmf_atlas: Path) -> None:
    result = run_cli("sql", "--db", str(dmf_atlas), "--json",
                     "SELECT dmf, holder, submit_date FROM core.dmf WHERE dmf = 5")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {"dmf": 5, "holder": "NATIONAL RESEARCH COUNCIL", "submit_date": "1940-01-01"}
    ]
