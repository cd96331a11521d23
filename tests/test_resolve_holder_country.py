"""DMF holder -> country on the real atlas, measured on the hand-labelled dev set."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import EVAL

from rxatlas.resolve.curated import Override
from rxatlas.resolve.evaluate import evaluate, render
from rxatlas.resolve.holder_country import SCHEMA, apply_overrides, load_resolver, resolve_holders
from rxatlas.warehouse.duck import DuckDBEngine

DEV = EVAL / "dmf_holder_country_dev.csv"


@pytest.fixture(scope="module")
def engine(atlas_db: Path):
    with DuckDBEngine(atlas_db, read_only=True) as eng:
        yield eng


@pytest.fixture(scope="module")
def holders(engine: DuckDBEngine) -> dict[str, dict]:
    return {r["holder"]: r for r in resolve_holders(engine).to_pylist()}


def test_every_distinct_holder_gets_one_row(engine: DuckDBEngine) -> None:
    table = resolve_holders(engine, use_curated=False, use_overrides=False)
    assert table.schema == SCHEMA
    assert table.num_rows == engine.scalar("SELECT count(DISTINCT holder) FROM core.dmf") == 8749
    assert pa.compute.sum(pa.compute.is_null(table.column("firm_id"))).as_py() == table.num_rows


def test_dev_set_precision_and_coverage(engine: DuckDBEngine) -> None:
    ev = evaluate(engine, DEV)
    print(render(ev))
    full, data_alone, keywords, exact = ev.scores[:4]
    for s in (full, data_alone):
        assert s.labelled == 109
        assert s.precision >= 0.97, s.wrong
        assert s.coverage >= 0.90, s.missed
    # The two baselines, measured on the same labels.
    assert (keywords.answered, keywords.correct) == (104, 75)
    assert (exact.answered, exact.correct) == (70, 69)
    assert full.coverage > exact.coverage and full.precision >= exact.precision


@pytest.mark.parametrize(
    ("holder", "country", "method"),
    [
        ("TEVA PHARMACEUTICAL INDUSTRIES LTD", "IL", None),
        ("MANKIND PHARMA LTD", "IN", "decrs_name"),
        ("MANNKIND CORP", "US", "decrs_name"),
        ("WUXI JIDA PHARMACEUTICAL CO LTD", "CN", "place_in_name"),
        ("TAPI NL BV", "NL", "place_in_name"),
        ("WUXI APPTEC INC", "US", "curated_group"),
        ("ZYDUS WORLDWIDE DMCC", "AE", "curated_group"),
        ("GLAND PHARMA LTD", "IN", "decrs_name"),
        ("MACCO ORGANIQUES SRO", "CZ", "decrs_name"),  # Macco Organiques Inc (CA) is another entity
        ("CSL BEHRING GMBH", "DE", "decrs_name"),  # CSL Behring AG (CH), L.L.C. (US) are others
        ("MEDICIS PHARMACEUTICAL CORPORATION A DIVISION OF BAUSCH HEALTH US LLC", "US", None),
    ],
)
def test_known_holders(holders: dict[str, dict], holder: str, country: str, method: str | None) -> None:
    row = holders[holder]
    assert row["country"] == country, row["evidence"]
    assert row["evidence"]
    if method:
        assert row["method"] == method


def test_conflicting_evidence_is_left_unknown(holders: dict[str, dict]) -> None:
    basf = holders["BASF AS"]
    assert basf["country"] is None and basf["method"] == "conflict"
    assert any("several countries" in e for e in basf["evidence"])
    lonza = holders["LONZA INC"]
    assert lonza["country"] is None
    assert any("another legal form" in e for e in lonza["evidence"])


@pytest.mark.parametrize(
    ("holder", "not_country"),
    [
        ("DIPHARMA SA", "US"),  # Dipharma Inc. (US) is registered; the resolver rejects it for DIPHARMA SPA too
        ("DIPHARMA SPA", "US"),
        ("PFIZER SA", "US"),  # Pfizer Inc.
        ("BIOMERIEUX SA", "US"),  # a compliance record of bioMerieux Inc.
        ("SANDOZ AG", "AT"),  # Sandoz GmbH (AT): another national form of a name registered in several countries
    ],
)
def test_a_same_name_registration_with_an_incompatible_legal_form_is_not_evidence(
    holders: dict[str, dict], holder: str, not_country: str
) -> None:
    row = holders[holder]
    assert row["country"] != not_country, row["evidence"]
    assert any("another legal form, taken for another entity" in e for e in row["evidence"])


@pytest.mark.parametrize(
    ("holder", "country"),
    [
        ("SANDOZ GMBH", "AT"),  # two Austrian registrations; Sandoz Inc (US) and Sandoz Pvt Ltd (IN) do not block
        ("MERCK KGAA", "DE"),  # Merck SL (ES), Merck SA de CV (MX), Merck & Co Inc (US) are other entities
        ("MERCK AND CO INC", "US"),  # Merck KGaA's compliance record in DE is another entity
    ],
)
def test_other_legal_entities_of_a_group_do_not_block_a_registration(
    holders: dict[str, dict], holder: str, country: str
) -> None:
    row = holders[holder]
    assert (row["country"], row["confidence"]) == (country, "high"), row["evidence"]


def test_site_countries_are_kept_apart_from_the_seat(holders: dict[str, dict]) -> None:
    row = holders["WUXI APPTEC INC"]
    assert row["country"] == "US" and "CN" in row["site_countries"]


def test_overrides_apply_and_report_what_no_longer_matches(engine: DuckDBEngine, holders: dict[str, dict]) -> None:
    resolver = load_resolver(engine)
    results = {h: resolver.resolve(h) for h in ("LONZA INC", "BASF AS", "GLAND PHARMA LTD")}
    when = date(2025, 9, 1)
    overrides = [
        Override(
            holder="LONZA INC",
            action="set_country",
            country="US",
            who="test",
            when=when,
            why="Lonza Inc. is incorporated in the United States",
        ),
        Override(
            holder="BASF AS",
            action="pin",
            firm="BASF AS",
            who="test",
            when=when,
            why="pin to the Norwegian registration of BASF AS",
        ),
        Override(
            holder="GLAND PHARMA LTD",
            action="split",
            firm="Gland Pharma Limited",
            who="test",
            when=when,
            why="example of a split decision",
        ),
        Override(
            holder="NOT A HOLDER LTD",
            action="set_country",
            country="GB",
            who="test",
            when=when,
            why="stale entry left after a rename",
        ),
        Override(
            holder="GLAND PHARMA LTD",
            action="pin",
            firm="No Such Firm Ltd",
            who="test",
            when=when,
            why="stale firm name in a pin",
        ),
    ]
    outcomes = apply_overrides(results, overrides, resolver)
    assert [o.status for o in outcomes] == [
        "applied",
        "applied",
        "applied",
        "no DMF holder with this exact name",
        "no DECRS firm with this name",
    ]
    assert (results["LONZA INC"].country, results["LONZA INC"].method) == ("US", "override")
    assert results["GLAND PHARMA LTD"].country is None
    assert any("override by test" in e for e in results["LONZA INC"].evidence)
