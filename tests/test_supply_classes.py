"""Therapeutic classes on the real snapshot: the ATC roll-up, its coverage of every substance of the scope, the
curated class names, and the same rows from the Python API, the CLI and the REST API."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pytest
from conftest import run_cli

from rxatlas.atlas import Atlas
from rxatlas.errors import InputError
from rxatlas.supply.classes import atc_groups, class_names, clean_code, parent_name

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

NAMES = Path(__file__).resolve().parents[1] / "rxatlas" / "supply" / "data" / "atc_classes.csv"


@pytest.fixture(scope="module")
def atlas(atlas_db: Path) -> Iterator[Atlas]:
    with Atlas(atlas_db) as opened:
        yield opened


def _row(answer: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in answer["rows"] if r["code"] == code)


def test_level_3_has_both_beta_lactam_classes_with_real_sources(atlas: Atlas) -> None:
    answer = atlas.classes(level=3)
    penicillins, others = _row(answer, "J01C"), _row(answer, "J01D")
    assert penicillins["name_en"] == "Beta-lactam antibacterials, penicillins"
    assert others["name_en"] == "Other beta-lactam antibacterials"
    assert penicillins["name_ko"] == "베타락탐계 항균제, 페니실린계"
    for row in (penicillins, others):
        assert row["level"] == 3 and row["system"] == "atc"
        assert row["substances"] >= row["with_sources"] > 0
        assert row["api_sources"] > 0 and row["source_links"] >= row["api_sources"]
        assert row["median_hhi"] is not None and 0 < row["median_hhi"] <= 10000
        assert 0 <= row["single_source_share"] <= 1
        assert row["top_countries"] and abs(sum(c["share"] for c in row["top_countries"])) <= 1.0001
    assert "AMPICILLIN" in penicillins["examples"]
    assert any(name.startswith("CEF") for name in others["examples"])  # cephalosporins are J01D
    levels = {r["level"] for r in answer["rows"] if r["system"] == "atc"}
    assert 3 in levels and levels <= {1, 2, 3}  # a code given only to a coarser level keeps its own row
    assert answer["sources"] and {"fda_dmf", "emls_gem", "fda_shortages"} <= {s["source"] for s in answer["sources"]}


def test_level_1_counts_every_substance_of_the_scope_once_or_in_each_of_its_classes(atlas: Atlas,
                                                                                    atlas_db: Path) -> None:
    answer = atlas.classes(level=1, scope="us_human_rx")
    with duckdb.connect(str(atlas_db), read_only=True) as con:
        (scope_size,), = con.execute(
            "SELECT count(*) FROM core.market_scope WHERE market_scope = 'us_human_rx'").fetchall()
    cover = answer["coverage"]
    assert answer["substances"] == scope_size > 1000
    assert cover["atc"] + cover["fda_epc"] + cover["unclassified"] == scope_size
    assert sum(cover["routes"].values()) == scope_size
    assert cover["atc"] > scope_size // 3 and cover["unclassified"] > 0  # the lists cover about half
    # several ATC codes: the substance counts in each of its classes, and the rows say how often
    assert cover["substances_in_several_classes"] > 0
    assert sum(r["substances"] for r in answer["rows"]) == scope_size + cover["extra_memberships"]
    atc = [r for r in answer["rows"] if r["system"] == "atc"]
    assert {r["code"] for r in atc} <= set("ABCDGHJLMNPRSV") and all(r["name_en"] for r in atc)
    unclassified = _row(answer, "unclassified")
    assert unclassified["substances"] == cover["unclassified"] and unclassified["level"] is None


def test_substances_without_atc_code_get_an_fda_pharmacologic_class(atlas: Atlas) -> None:
    answer = atlas.classes(level=2)
    glp1 = _row(answer, "GLP-1 Receptor Agonist [EPC]")
    assert glp1["system"] == "fda_epc" and glp1["name_en"] == "GLP-1 Receptor Agonist"
    assert glp1["examples"] == ["SEMAGLUTIDE"] and glp1["api_sources"] > 10
    assert answer["coverage"]["fda_epc"] == answer["coverage"]["routes"]["fda_epc"] > 0


def test_a_salt_or_ester_takes_the_codes_of_its_parent_medicine(atlas: Atlas) -> None:
    assert parent_name("MOMETASONE FUROATE") == "MOMETASONE"
    assert parent_name("AMPICILLIN") is None
    assert atlas.classes(level=1)["coverage"]["routes"]["parent_medicine_name"] > 0
    corticosteroids = _row(atlas.classes(level=3), "D07A")
    assert "MOMETASONE FUROATE" in corticosteroids["examples"]


def test_codes_roll_up_to_the_level_asked() -> None:
    assert atc_groups(["J01CA04", "J01CR02"], 3) == ["J01C"]
    assert atc_groups(["J01CA04", "N02BE01"], 1) == ["J", "N"]
    assert atc_groups(["J05A", "J05AB01"], 4) == ["J05AB"]  # the coarse code adds nothing finer codes cover
    assert atc_groups(["J05A"], 4) == ["J05A"]  # a code coarser than the level stands for itself
    assert clean_code("CO1DA") == "C01DA"  # a letter O typed for a zero in the essential-medicines lists


def test_class_names_cover_every_level_1_and_2_group_and_state_their_source() -> None:
    text = NAMES.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "https://atcddd.fhi.no/atc_ddd_index/" in header and "2021" in header
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert len({r["code"] for r in rows}) == len(rows)
    assert all(int(r["level"]) == {1: 1, 3: 2, 4: 3, 5: 4}[len(r["code"])] for r in rows)
    level1 = [r for r in rows if r["level"] == "1"]
    assert len(level1) == 14 and all(r["name_en"] and r["name_ko"] for r in level1)
    assert len([r for r in rows if r["level"] == "2"]) == 95
    assert class_names()["J01D"]["name_en"] == "Other beta-lactam antibacterials"


def test_unknown_level_is_refused_everywhere(atlas: Atlas, atlas_db: Path, api_client: TestClient) -> None:
    with pytest.raises(InputError, match="use 1"):
        atlas.classes(level=5)
    assert api_client.get("/api/classes?level=5").status_code == 422
    result = run_cli("classes", "--level", "0", "--db", str(atlas_db))
    assert result.returncode == 2 and "--level" in result.stderr


def test_cli_json_and_api_give_the_same_rows(atlas_db: Path, api_client: TestClient) -> None:
    result = run_cli("classes", "--level", "3", "--scope", "us_human_rx", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    cli = json.loads(result.stdout)
    response = api_client.get("/api/classes", params={"level": 3, "scope": "us_human_rx"})
    assert response.status_code == 200
    api = response.json()
    assert cli["rows"] == api["rows"] and cli["coverage"] == api["coverage"]
    assert cli["substances"] == api["substances"] and len(api["rows"]) > 100
    text = run_cli("classes", "--level", "1", "--db", str(atlas_db)).stdout
    assert "Cardiovascular system" in text and "FDA EPC" in text
