"""rxatlas country and firm on the real snapshot: China's sites, DMFs, share and quality signals with how each was
joined to a site; a large API maker's substances with their shortage status; CLI and API agree."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from fastapi.testclient import TestClient

from rxatlas.atlas import Atlas
from rxatlas.supply.shortages import substance_shortages

HUAHAI = "Zhejiang Huahai Pharmaceutical Co., Ltd."
HUAHAI_SITES = {"3003885745", "3003999190"}  # its two registered API plants (DECRS)


def _cli(*args: str) -> dict[str, Any]:
    result = run_cli(*args, "--json")
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@pytest.fixture(scope="module")
def atlas(atlas_db: Path) -> Iterator[Atlas]:
    """The session atlas, opened read-only."""
    with Atlas(atlas_db) as opened:
        yield opened


@pytest.fixture(scope="module")
def china(atlas_db: Path) -> dict[str, Any]:
    """`rxatlas country CN --json`."""
    return _cli("country", "CN", "--db", str(atlas_db))


def _sites(atlas: Atlas, feis: set[str]) -> dict[str, str]:
    """Country of each registered site (FEI as the answer writes it: no leading zeros)."""
    return {f["fei"].lstrip("0"): f["country_iso2"] for f in atlas.facilities()
            if f["fei"] and f["fei"].lstrip("0") in feis}


def test_china_warning_letters_join_to_chinese_sites_by_firm_name(china: dict[str, Any], atlas: Atlas) -> None:
    signals = china["quality_signals"]["signals"]
    letters = [s for s in signals if s["event_type"] == "warning_letter"]
    assert {s["joined_by"] for s in letters} == {"firm name", "not joined"}  # a letter has no FEI to join by
    joined = [s for s in letters if s["joined_by"] == "firm name"]
    assert len(joined) >= 20
    feis = {site["fei"] for s in joined for site in s["sites"]}
    assert set(_sites(atlas, feis).values()) == {"CN"} and len(_sites(atlas, feis)) == len(feis)
    assert all(s["sites"] and s["country_from"] == "site" for s in joined)
    # Huahai's 2025 letter names no plant: it joins to both of the firm's registered Chinese API sites
    huahai = next(s for s in joined if s["firm_name"] == HUAHAI and s["event_date"] == "2025-06-06")
    assert {site["fei"] for site in huahai["sites"]} == HUAHAI_SITES
    # letters not joined to a site are placed in China by their resolved firm's country, with no site
    assert all(not s["sites"] and s["country_from"] == "firm" for s in letters if s["joined_by"] == "not joined")


def test_china_483s_and_compliance_actions_join_by_fei(china: dict[str, Any], atlas: Atlas) -> None:
    signals = china["quality_signals"]["signals"]
    by_fei = [s for s in signals if s["joined_by"] == "fei"]
    assert {s["event_type"] for s in by_fei} == {"form_483", "compliance_action"}
    assert all([site["fei"] for site in s["sites"]] == [s["fei"].lstrip("0")] for s in by_fei)
    assert set(_sites(atlas, {s["fei"].lstrip("0") for s in by_fei}).values()) == {"CN"}
    # a compliance action gives its own country: one not joined to a site stays in China by the record
    actions = [s for s in signals if s["event_type"] == "compliance_action" and s["joined_by"] == "not joined"]
    assert actions and {s["country_from"] for s in actions} == {"record"}
    joined = {r["event_type"]: r for r in china["quality_signals"]["joined"]}
    assert joined["warning_letter"]["fei"] == 0 and joined["form_483"]["fei"] >= 5
    by_year = china["quality_signals"]["by_year"]
    assert sum(r["signals"] for r in by_year) == len(signals)
    assert {r["joined_by"] for r in by_year} == {"fei", "firm name", "not joined"}


def test_join_rates_cover_every_signal(china: dict[str, Any]) -> None:
    for rate in china["quality_signals"]["join_rates"]:
        placed = rate["fei"] + rate["firm_name"] + rate["not_joined_with_country"] + rate["no_country"]
        assert placed == rate["signals"]
    letters = next(r for r in china["quality_signals"]["join_rates"] if r["event_type"] == "warning_letter")
    assert letters["fei"] == 0 and letters["firm_name"] > 200 and letters["signals"] > 1000


def test_china_dmfs_by_year_sum_to_its_active_type_ii(china: dict[str, Any], atlas: Atlas) -> None:
    dmfs = china["dmfs"]
    by_country = {r["country"]: r["dmfs"] for r in atlas.summary()["active_type_ii_by_holder_country"]}
    assert dmfs["active_type_ii"] == sum(r["dmfs"] for r in dmfs["by_year"]) == by_country["CN"]
    assert by_country["CN"] > 2000
    years = [r["year"] for r in dmfs["by_year"]]
    assert years == sorted(years) and max(years) == 2025
    assert dmfs["sources"] == [{"source": "fda_dmf", "file": "dmf_list_2025Q2.csv.gz", "snapshot": "2025-06-30"}]


def test_china_most_dependent_substances(china: dict[str, Any], atlas: Atlas) -> None:
    substances = china["substances"]
    assert len(substances) == china["substances_with_sources"] > 500
    shares = [s["share"] for s in substances]
    assert shares == sorted(shares, reverse=True) and shares[0] == 1.0
    assert china["substances_only_here"] == shares.count(1.0)
    top = substances[0]  # every source of known country in China, the most sources first among those
    assert top["sources_here"] == max(s["sources_here"] for s in substances if s["share"] == 1.0)
    rows = atlas.engine.rows("SELECT country FROM core.api_source WHERE unii = ?", [top["unii"]])
    assert len(rows) == top["n_sources"] and {r["country"] for r in rows} - {None} == {"CN"}
    share = china["api_share"]
    listed = next(c for c in atlas.countries() if c["iso2"] == "CN")
    assert (share["sources_here"], share["substances_here"]) == (listed["sources"], listed["substances"])
    assert share["share"] == pytest.approx(share["sources_here"] / share["sources_known_country"])
    assert 0.1 < share["share"] < 0.3


def test_every_part_names_its_sources_and_limits(china: dict[str, Any]) -> None:
    for part in ("api_share", "api_sites", "dmfs", "quality_signals"):
        assert china[part]["sources"] and china[part]["limits"], part
        assert all(f["snapshot"] for f in china[part]["sources"])
    files = {f["file"] for f in china["quality_signals"]["sources"]}
    assert {"warning_letters_2026-03.csv", "published_483s_2024-12.csv", "compliance_actions_2024-12.csv"} <= files
    assert len(china["api_sites"]["sites"]) <= china["api_facilities"]


def test_cli_and_api_agree(china: dict[str, Any], api_client: TestClient) -> None:
    answer = api_client.get("/api/countries/cn", params={"limit": 500}).json()
    page = answer.pop("substances")
    assert page["total"] == len(china["substances"]) and page["items"] == china["substances"][:500]
    assert answer.pop("warnings") and {k: v for k, v in china.items() if k != "substances"} == answer
    assert api_client.get("/api/countries/XX").status_code == 404


def test_unknown_country_is_one_sentence(atlas_db: Path) -> None:
    result = run_cli("country", "XX", "--db", str(atlas_db))
    assert result.returncode == 1 and "no country 'XX'" in result.stderr and "Traceback" not in result.stderr


def test_large_firm_lists_its_substances_with_shortage_status(atlas_db: Path, atlas: Atlas) -> None:
    answer = _cli("firm", "Dr. Reddy's Laboratories Ltd", "--db", str(atlas_db))
    assert answer["match"] == "unique" and answer["firm"]["name"] == "DR REDDYS LABORATORIES LTD"
    substances = {s["substance"]: s for s in answer["substances"]}
    assert len(substances) > 150 and substances["ATORVASTATIN"]["source_country"] == "IN"
    current = [s for s in answer["substances"] if s["shortage_status"] == "current"]
    assert current and answer["substances"][:len(current)] == current  # current shortages first
    for s in current:  # the substance's own shortage answer agrees
        assert "Current" in {r["status"] for r in substance_shortages(atlas.engine, s["unii"])}
    quiet = next(s for s in answer["substances"] if s["shortage_status"] == "none")
    assert substance_shortages(atlas.engine, quiet["unii"]) == []
    assert any(a["appl_type"] == "ANDA" for a in answer["applications"])


def test_firm_quality_signals_by_site(atlas_db: Path, api_client: TestClient) -> None:
    cli = _cli("firm", HUAHAI, "--db", str(atlas_db))
    api = api_client.get(f"/api/firms/{HUAHAI}").json()
    assert api.pop("warnings") is not None and api == cli
    by_site = {s["fei"]: s for s in cli["quality_signals"]["by_site"]}
    assert set(by_site) == HUAHAI_SITES
    assert all(s["warning_letter"] == 1 for s in by_site.values())  # the 2025 letter, joined by firm name
    assert by_site["3003885745"]["compliance_action"] >= 1 and by_site["3003885745"]["form_483"] >= 1
    assert {s["source_country"] for s in cli["substances"]} == {"CN"}
