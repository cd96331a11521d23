"""The supply map measured on the hand-labelled samples of tests/data (method in their README.md files): source
precision and makers kept, and us_human_rx precision and recall of the market scope. Thresholds, not perfection:
the rules were written against these rows, and a larger set labelled the same way is kept for evaluation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rxatlas.supply.evaluate import read_labels, score_scope, score_sources
from rxatlas.supply.qualify import CATEGORIES
from rxatlas.warehouse.duck import DuckDBEngine

DATA = Path(__file__).parent / "data"
SOURCE_LABELS = sorted((DATA / "supply_sample").glob("labels_*.csv"))
SCOPE_LABELS = DATA / "market_scope_sample" / "labels.csv"


@pytest.fixture(scope="module")
def engine(atlas_db: Path) -> Iterator[DuckDBEngine]:
    """The full atlas, read-only."""
    with DuckDBEngine(atlas_db, read_only=True) as opened:
        yield opened


def test_source_sample_is_as_documented() -> None:
    labels = read_labels(SOURCE_LABELS)
    assert len({r["sample_order"] for r in labels}) >= 30
    assert {r["category"] for r in labels} <= set(CATEGORIES)  # labelled in the categories the map uses


def test_listed_sources_are_real_distinct_api_makers(engine: DuckDBEngine) -> None:
    score = score_sources(engine, read_labels(SOURCE_LABELS))
    print(f"source precision {score.precision:.3f} ({score.correct} right, {len(score.wrong)} wrong, "
          f"{len(score.unlabelled)} unlabelled); makers kept {score.maker_recall:.3f} of {score.makers}")
    assert score.substances >= 30
    assert score.precision >= 0.98, score.wrong
    assert score.lost == [], score.lost


def test_market_scope_finds_us_prescription_apis(engine: DuckDBEngine) -> None:
    labels = read_labels([SCOPE_LABELS])
    score = score_scope(engine, labels)
    print(f"us_human_rx precision {score.precision:.3f}, recall {score.recall:.3f} over {score.rows} substances "
          f"({score.agree} scopes agree); missed: {score.false_negative}")
    assert score.rows >= 100
    assert score.precision >= 0.95, score.false_positive
    # below the 0.95 the issue asks: the offline snapshot has no finished-product listing (NDC directory, Orange
    # Book products) for approvals after mid-2019 or for marketed unapproved and CBER products (docs/supply-map.md)
    assert score.recall >= 0.85, score.false_negative
