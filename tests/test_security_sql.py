"""`rxatlas sql` is bounded: a time limit, a row cap, and data shown as text (never as Rich markup)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from rxatlas.atlas import sql
from rxatlas.errors import QueryError

ENDLESS = "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t"


def test_endless_query_is_stopped_at_the_time_limit(dmf_atlas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RXATLAS_SQL_TIMEOUT", "1")
    with pytest.raises(QueryError, match=r"stopped after 1 s .*RXATLAS_SQL_TIMEOUT"):
        sql(ENDLESS, dmf_atlas)


def test_result_past_the_row_cap_is_refused(dmf_atlas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RXATLAS_SQL_MAX_ROWS", "1000")
    assert sql("SELECT * FROM range(1000)", dmf_atlas).num_rows == 1000
    with pytest.raises(QueryError, match=r"more than 1,000 rows .*RXATLAS_SQL_MAX_ROWS"):
        sql("SELECT * FROM range(20000000)", dmf_atlas)


def test_bad_limit_setting_is_a_clear_error(dmf_atlas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RXATLAS_SQL_TIMEOUT", "soon")
    with pytest.raises(Exception, match=r"\$RXATLAS_SQL_TIMEOUT is 'soon'; set it to a whole number"):
        sql("SELECT 1", dmf_atlas)


def test_explain_analyze_of_a_select_still_works(dmf_atlas: Path) -> None:
    assert sql("EXPLAIN ANALYZE SELECT count(*) FROM core.dmf", dmf_atlas).num_rows >= 1


def test_markup_in_a_result_is_printed_as_text(dmf_atlas: Path) -> None:
    result = run_cli("sql", "--db", str(dmf_atlas), "SELECT '[/]' AS \"[bold]x\", '[red]y[/red]' AS b")
    assert result.returncode == 0, result.stderr
    assert "[/]" in result.stdout and "[red]y[/red]" in result.stdout and "[bold]x" in result.stdout
    as_json = run_cli("sql", "--db", str(dmf_atlas), "--json", "SELECT '[/]' AS a")
    assert json.loads(as_json.stdout) == [{"a": "[/]"}]
