"""rxatlas risk and rxatlas opportunities on the real snapshot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from rxatlas.supply.vulnerability import load_config


@pytest.fixture(scope="module")
def portfolio_risk(atlas_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("portfolio") / "p.csv"
    path.write_text("substance,owner\nAtorvastatin\nCefazolin sodium\nHeparin sodium\nfoobarium\n",
                    encoding="utf-8")
    result = run_cli("risk", "--portfolio", str(path), "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_risk_gives_row_feedback_and_aggregates(portfolio_risk: dict) -> None:
    feedback = portfolio_risk["portfolio"]
    assert (feedback["rows"], feedback["resolved"]) == (4, 3)
    assert feedback["entries"][3]["status"] == "unknown"
    assert "'owner' not used" in feedback["file_messages"][0]
    aggregates = portfolio_risk["aggregates"]
    assert (aggregates["substances"], aggregates["with_known_sources"]) == (3, 3)
    assert aggregates["share_single_source"] == 0.0
    assert {r["substance"] for r in portfolio_risk["top_risks"]} == {"ATORVASTATIN", "CEFAZOLIN", "HEPARIN"}
    assert portfolio_risk["scope"] == "portfolio"


def test_vulnerability_contributions_add_up_to_the_score(portfolio_risk: dict) -> None:
    weights = load_config().weights
    for substance in portfolio_risk["substances"]:
        vulnerability = substance["vulnerability"]
        points = [c["points"] for c in vulnerability["components"]]
        assert round(sum(points), 2) == vulnerability["score"]
        assert {c["component"]: c["weight"] for c in vulnerability["components"]} == weights.model_dump()
        assert vulnerability["explanation"]
    cefazolin = next(s for s in portfolio_risk["substances"] if s["substance"] == "CEFAZOLIN")
    assert cefazolin["metrics"]["n_sources"] >= 4


def test_opportunities_for_korea_show_capability_and_white_space(atlas_db: Path) -> None:
    result = run_cli("opportunities", "--home", "KR", "--limit", "0", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    rows = answer["opportunities"]
    assert answer["with_home_capability"] + answer["white_space"] == answer["candidates"] == len(rows)
    korean = [r for r in rows if r["home_capability"] != "white_space"]
    assert korean and all(r["home_sources"] and r["evidence"] for r in korean)
    infliximab = next(r for r in korean if r["substance"] == "INFLIXIMAB")
    assert infliximab["home_sources"][0]["firm"] == "CELLTRION, Inc."
    white = [r for r in rows if r["home_capability"] == "white_space"]
    assert white and white[0]["evidence"][0].startswith("no active Type II DMF holder")
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_bad_home_country_is_a_clear_error(atlas_db: Path) -> None:
    result = run_cli("opportunities", "--home", "XX", "--db", str(atlas_db))
    assert result.returncode == 1
    assert "unknown country code 'XX'" in result.stderr


def test_weights_file_is_schema_checked(tmp_path: Path) -> None:
    from rxatlas.errors import InputError

    path = tmp_path / "w.yaml"
    path.write_text((Path(__file__).parents[1] / "rxatlas/supply/data/vulnerability.yaml").read_text()
                    .replace("quality: 0.15", "quality: 0.25"))
    with pytest.raises(InputError, match=r"weights sum to 1\.1"):
        load_config(path)


EXCLUDED_FROM_TOP = {"homeopathic", "veterinary_only", "excipient_or_inactive", "nutrient_or_food"}


def test_opportunities_and_risk_lead_with_us_prescription_apis(atlas_db: Path) -> None:
    result = run_cli("opportunities", "--home", "KR", "--limit", "20", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["scope"] == "us_human_rx" and "us_human_rx" in answer["scope_note"]
    top = answer["opportunities"]
    assert len(top) == 20 and {r["market_scope"] for r in top} == {"us_human_rx"}
    everything = json.loads(run_cli("opportunities", "--home", "KR", "--limit", "0", "--scope", "all",
                                    "--db", str(atlas_db), "--json").stdout)
    assert everything["candidates"] > answer["candidates"]
    assert {r["market_scope"] for r in everything["opportunities"]} & EXCLUDED_FROM_TOP
    risk = json.loads(run_cli("risk", "--top", "20", "--db", str(atlas_db), "--json").stdout)
    assert risk["scope"] == "us_human_rx"
    assert all(s["metrics"]["market_scope"] == "us_human_rx" for s in risk["substances"])


def test_unknown_scope_is_a_clear_error(atlas_db: Path) -> None:
    result = run_cli("risk", "--scope", "veterinary", "--db", str(atlas_db))
    assert result.returncode == 1
    assert "unknown scope 'veterinary'" in result.stderr


def test_portfolio_in_another_encoding_needs_and_takes_encoding(atlas_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("substance,note\nAtorvastatin,bien reçu\nCefazolin sodium,été\n".encode("latin-1"))
    refused = run_cli("risk", "--portfolio", str(path), "--db", str(atlas_db), "--json")
    assert refused.returncode == 1 and "--encoding" in refused.stderr and "latin1.csv" in refused.stderr
    read = run_cli("risk", "--portfolio", str(path), "--encoding", "latin-1", "--db", str(atlas_db), "--json")
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout)["portfolio"]["resolved"] == 2


def test_risk_filters_answer_single_source_essential_medicines_and_dependence(atlas_db: Path) -> None:
    result = run_cli("risk", "--single-source", "--critical", "--top", "5", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    rows = answer["substances"]
    assert rows and answer["filters"] == ["single source", "on a criticality list (EU Union list, Japan category, "
                                                            "essential medicines)"]
    assert all(r["metrics"]["single_source"] and r["metrics"]["market_scope"] == "us_human_rx" for r in rows)
    assert all(next(c for c in r["vulnerability"]["components"] if c["component"] == "criticality")["value"] > 0
               for r in rows)
    china = json.loads(run_cli("risk", "--country", "cn", "--min-share", "0.75", "--db", str(atlas_db),
                               "--json").stdout)
    assert china["substances"] and all(r["metrics"]["china_share"] >= 0.75 for r in china["substances"])
    bad = run_cli("risk", "--country", "XX", "--db", str(atlas_db))
    assert bad.returncode == 1 and "unknown country code 'XX'" in bad.stderr


@pytest.mark.parametrize("home", ["JP", "IN"])
def test_opportunities_work_for_any_home_country_with_shortage_status(atlas_db: Path, home: str) -> None:
    result = run_cli("opportunities", "--home", home, "--limit", "0", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    rows = answer["opportunities"]
    assert answer["home"] == home and answer["with_home_capability"] > 0
    held = [r for r in rows if r["home_capability"] != "white_space"]
    assert all(s["firm"] and s["firm_id"] for r in held for s in r["home_sources"])
    assert all(r["evidence"] for r in held)
    short = [r for r in rows if r["shortage_status"]]
    assert short and all(r["shortage_status"] in {x["status"] for x in r["shortages"]} for r in short)
    assert any(r["shortage_status"] == "Current" for r in short)
