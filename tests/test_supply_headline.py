"""rxatlas headline: figures add up and agree with direct SQL over the warehouse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from rxatlas.warehouse.duck import DuckDBEngine


@pytest.fixture(scope="module")
def figures(atlas_db: Path) -> dict[str, Any]:
    """The headline figures as the command prints them."""
    result = run_cli("headline", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_shares_add_up(figures: dict[str, Any]) -> None:
    for key in ("active_type_ii_by_holder_country", "type_ii_filed_2023_by_holder_country"):
        rows = figures[key]["rows"]
        assert sum(r["share"] for r in rows) == pytest.approx(1.0)
        assert sum(r["share_of_known"] or 0 for r in rows) == pytest.approx(1.0)
        assert sum(r["dmfs"] for r in rows) == figures[key]["total"]
        assert {r["group"]: r["anchor"] for r in rows}["India"] in (0.48, 0.50)


def test_figures_match_direct_sql(figures: dict[str, Any], atlas_db: Path) -> None:
    with DuckDBEngine(atlas_db, read_only=True) as engine:
        active = engine.scalar("SELECT count(*) FROM core.dmf WHERE active AND type = 'II'")
        india = engine.scalar("SELECT count(*) FROM core.dmf d JOIN core.dmf_holder h USING (holder) "
                              "WHERE d.active AND d.type = 'II' AND h.country = 'IN'")
        filed = engine.scalar("SELECT count(*) FROM core.dmf WHERE type = 'II' AND year(submit_date) = 2023")
        single = engine.scalar("SELECT count(*) FROM core.substance_metrics WHERE n_sources = 1 "
                               "AND market_scope = 'us_human_rx'")
    shares = figures["active_type_ii_by_holder_country"]
    assert shares["total"] == active
    assert {r["group"]: r["dmfs"] for r in shares["rows"]}["India"] == india
    assert figures["type_ii_filed_2023_by_holder_country"]["total"] == filed
    by_year = figures["type_ii_filings_by_year"]["rows"]
    assert sum(r["dmfs"] for r in by_year if r["year"] == 2023) == filed
    assert figures["single_source_substances"]["single_source"] == single
