"""rxatlas substance on the real snapshot: known supply maps of atorvastatin, heparin sodium and cefazolin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli


def _substance(atlas_db: Path, name: str) -> dict[str, Any]:
    result = run_cli("substance", name, "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@pytest.fixture(scope="module")
def cefazolin(atlas_db: Path) -> dict[str, Any]:
    """The answer for a salt name of cefazolin."""
    return _substance(atlas_db, "cefazolin sodium")


def test_atorvastatin_has_many_indian_sources(atlas_db: Path) -> None:
    answer = _substance(atlas_db, "ATORVASTATIN CALCIUM")
    assert (answer["substance"], answer["unii"]) == ("ATORVASTATIN", "A0JWA85V8F")
    indian = {s["firm_id"] for s in answer["api_sources"] if s["country"] == "IN"}
    assert len(indian) >= 15
    assert answer["metrics"]["n_sources"] == len(answer["api_sources"])
    assert any("not volumes" in note for note in answer["notes"])


def test_cefazolin_sources_by_country_with_dmfs(cefazolin: dict[str, Any]) -> None:
    assert (cefazolin["substance"], cefazolin["unii"]) == ("CEFAZOLIN", "IHS69L0Y4T")
    by_firm = {s["firm"]: s for s in cefazolin["api_sources"]}
    assert {s["country"] for s in cefazolin["api_sources"]} >= {"IT", "AT", "IN", "CN"}
    assert by_firm["ACS DOBFAR SPA"]["dmf"] == [13208] and by_firm["ACS DOBFAR SPA"]["country"] == "IT"
    assert by_firm["SANDOZ GMBH"]["dmf"] == [14133] and by_firm["SANDOZ GMBH"]["country"] == "AT"
    # the holder's two Austrian registrations decide its country; other Sandoz entities' records do not block them
    assert (by_firm["SANDOZ GMBH"]["holder_country"], by_firm["SANDOZ GMBH"]["country_basis"]) == ("AT", "site")
    assert by_firm["ORCHID PHARMA LTD"]["dmf"] == [15022, 16134]
    assert by_firm["QILU ANTIBIOTICS PHARMACEUTICAL CO LTD"]["dmf"] == [21982, 25716]
    # an intermediate-grade acid is listed apart, not counted
    assert [r["dmf"] for r in cefazolin["intermediates"]] == [10303]


def test_cefazolin_metrics_by_hand(cefazolin: dict[str, Any]) -> None:
    # five sources: IT 2, AT 1, CN 1, IN 1 -> HHI = 10,000 * (0.4^2 + 3 * 0.2^2) = 2,800
    metrics = cefazolin["metrics"]
    assert metrics["n_sources"] == 5 and metrics["effective_suppliers"] == 5.0
    assert metrics["hhi"] == pytest.approx(2800.0)
    assert metrics["hhi_band"] == "highly concentrated"
    assert [(c["country"], c["sources"]) for c in cefazolin["country_shares"]] == [
        ("IT", 2), ("AT", 1), ("CN", 1), ("IN", 1)]
    assert metrics["china_share"] == pytest.approx(0.2)


def test_cefazolin_linked_records(cefazolin: dict[str, Any]) -> None:
    holders = {h["appl_no"]: h for h in cefazolin["finished_dose_holders"]}
    assert holders["061773"]["sponsor"] == "ACS DOBFAR" and holders["061773"]["sponsor_country"] == "IT"
    assert cefazolin["finished_dose_coverage"]["with_products"] < cefazolin["finished_dose_coverage"]["applications"]
    assert {s["source"] for s in cefazolin["sources"]} >= {"fda_dmf", "fda_decrs", "fda_drugsfda"}


def test_heparin_sodium_is_a_form_of_heparin(atlas_db: Path) -> None:
    answer = _substance(atlas_db, "heparin sodium")
    assert (answer["substance"], answer["unii"]) == ("HEPARIN", "T2410KM04A")
    assert _substance(atlas_db, "ZZ45AB24CA")["unii"] == "T2410KM04A"
    countries = {s["country"] for s in answer["api_sources"]}
    assert {"CN", "US"} <= countries and countries & {"IT", "NL", "ES", "AT"}
    by_firm = {s["firm"]: s["dmf"] for s in answer["api_sources"]}
    assert by_firm["Shenzhen Hepalink Pharmaceutical Group Co., Ltd."] == [17845]
    assert by_firm["Scientific Protein Laboratories LLC"] == [2616]
    assert any("HEPARIN SODIUM" in s["forms"] for s in answer["api_sources"])
    assert any("openFDA UNII" in s["linked_by"] for s in answer["shortages"])


def test_brand_and_unii_lookups(atlas_db: Path) -> None:
    assert _substance(atlas_db, "Lipitor")["unii"] == "A0JWA85V8F"
    assert _substance(atlas_db, "P380M0454Z")["substance"] == "CEFAZOLIN"  # the sodium salt's UNII


def test_ambiguous_and_unknown_names(atlas_db: Path) -> None:
    ambiguous = _substance(atlas_db, "cef")
    assert ambiguous["match"] == "ambiguous" and ambiguous["unii"] is None
    assert "CEFAZOLIN" in {c["substance"] for c in ambiguous["candidates"]}
    assert _substance(atlas_db, "zzqx no such drug")["match"] == "none"
