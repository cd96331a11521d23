"""Korea's position on the real snapshot: exact approvals, the Korean firm register, biologics and CDMO capacity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from fastapi.testclient import TestClient

from rxatlas.approvals import by_country, country_approvals
from rxatlas.approvals.biologics import capability
from rxatlas.approvals.register import english_names, load_register
from rxatlas.atlas import Atlas
from rxatlas.errors import InputError
from rxatlas.resolve.curated import load_groups
from rxatlas.resolve.lookup import find_firms


@pytest.fixture(scope="module")
def atlas(atlas_db: Path) -> Iterator[Atlas]:
    with Atlas(atlas_db) as opened:
        yield opened


@pytest.fixture(scope="module")
def korea_view(atlas: Atlas) -> dict[str, Any]:
    return country_approvals(atlas.engine, "KR")


@pytest.fixture(scope="module")
def korea(korea_view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["application"]: a for a in korea_view["applications"]}


@pytest.fixture(scope="module")
def biologics_kr(atlas_db: Path) -> dict[str, Any]:
    result = run_cli("biologics", "--country", "KR", "--json", "--db", str(atlas_db))
    assert result.returncode == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_a_tentative_approval_is_listed_apart(korea_view: dict[str, Any], korea: dict[str, dict[str, Any]],
                                             atlas: Atlas) -> None:
    assert "NDA 211912" not in korea
    [tentative] = korea_view["tentative"]
    assert (tentative["application"], tentative["sponsor"]) == ("NDA 211912", "CELLTRION INC")
    assert tentative["marketing_status"] == "None (Tentative Approval)"
    assert tentative["approval_status"] == "tentative"
    counts = {r["country"]: r for r in by_country(atlas.engine)}
    assert (counts["KR"]["applications"], counts["KR"]["tentative"]) == (26, 1)


def test_daewoong_pharm_co_is_korean_by_the_short_co_rule(korea: dict[str, dict[str, Any]]) -> None:
    anda = korea["ANDA 204854"]
    assert (anda["sponsor"], anda["sponsor_country"], anda["origin"]) == ("DAEWOONG PHARM CO", "KR", "sponsor")
    assert anda["country_method"] == "short_co_form"
    assert "Daewoong Pharmaceutical Co., Ltd." in anda["country_evidence"]
    assert anda["product"] == "MEROPENEM"


def test_cenobamate_is_korean_through_sk_biopharmaceuticals(korea: dict[str, dict[str, Any]]) -> None:
    xcopri = korea["NDA 212839"]
    assert xcopri["origin"] == "subsidiary of SK Biopharmaceuticals Co., Ltd."
    assert (xcopri["sponsor"], xcopri["sponsor_country"]) == ("SK Life Science, Inc.", "US")
    assert xcopri["country_method"] == "curated subsidiary"
    assert "dart.fss.or.kr" in xcopri["country_evidence"]  # the ownership source
    assert str(xcopri["approval_date"]) == "2019-11-21"


@pytest.mark.parametrize(("home", "application", "parent"), [
    ("IN", "ANDA 060783", "Aurobindo Pharma Ltd."),  # held by Aurobindo Pharma USA
    ("IL", None, "Teva Pharmaceutical Industries Ltd."),
])
def test_subsidiaries_in_curated_groups_count_for_the_parents_country(atlas: Atlas, home: str,
                                                                      application: str | None, parent: str) -> None:
    view = {a["application"]: a for a in country_approvals(atlas.engine, home)["applications"]}
    held = [a for a in view.values() if a["origin"] == f"subsidiary of {parent}"]
    assert held and all(a["sponsor_country"] != home and a["country_method"] == "curated group" for a in held)
    assert all("groups.yaml" in a["country_evidence"] and "<http" in a["country_evidence"] for a in held)
    if application:
        assert view[application]["sponsor"] == "AUROBINDO PHARMA USA"


def test_licensed_out_products_are_kept_apart_from_subsidiaries(korea: dict[str, dict[str, Any]]) -> None:
    partner = {k: a["origin"] for k, a in korea.items() if a["origin"] != "sponsor"}
    assert partner == {
        "NDA 205435": "partner: Dong-A ST Co., Ltd.", "NDA 205436": "partner: Dong-A ST Co., Ltd.",
        "BLA 761364": "partner: Dong-A ST Co., Ltd.", "NDA 211230": "partner: SK Biopharmaceuticals Co., Ltd.",
        "BLA 761085": "partner: Daewoong Pharmaceutical Co., Ltd.",
        "BLA 761148": "partner: Hanmi Pharmaceutical Co., Ltd.",
        "NDA 219008": "partner: Yuhan Corporation", "NDA 212839": "subsidiary of SK Biopharmaceuticals Co., Ltd.",
    }
    assert all(korea[k]["missing"] == [] and korea[k]["country_evidence"] for k in partner)
    assert korea["NDA 211230"]["sponsor_country"] == "MT"  # Sunosi: held by Axsome's Maltese company


def test_interchangeable_biosimilars_are_marked(korea: dict[str, dict[str, Any]], atlas: Atlas) -> None:
    marked = sorted((k, korea[k]["product"]) for k, a in korea.items() if a["type"] == "BLA 351(k) interchangeable")
    assert marked == [("BLA 761202", "Byooviz"), ("BLA 761350", "Opuviz"), ("BLA 761399", "Omlyclo")]
    assert {r["country"]: r for r in by_country(atlas.engine)}["KR"]["interchangeable"] == 3


def test_samsung_bioepis_sits_under_samsung_epis_holdings() -> None:
    groups = {g.group: g for g in load_groups()}
    epis = groups["Samsung Epis Holdings"]
    assert {(m.name, m.role) for m in epis.members} >= {("Samsung Bioepis Co., Ltd.", "subsidiary")}
    assert min(s.date for s in epis.sources).year == 2025
    assert "Samsung Bioepis Co., Ltd." not in {m.name for m in groups["Samsung Biologics"].members}


@pytest.mark.parametrize(("korean", "english"), [("셀트리온", "CELLTRION, Inc."),
                                                  ("삼성바이오에피스", "Samsung Bioepis Co., Ltd."),
                                                  ("유한양행", "YUHAN CORP")])
def test_korean_names_find_the_firm(atlas: Atlas, korean: str, english: str) -> None:
    assert english_names(korean)
    found = find_firms(atlas.engine, korean).to_pylist()
    assert found[0]["name"] == english and found[0]["match_score"] == 1.0


def test_register_search_by_korean_or_english_name_in_cli_and_api(atlas_db: Path, api_client: TestClient) -> None:
    result = run_cli("korean-firms", "셀트리온", "--json", "--db", str(atlas_db))
    assert result.returncode == 0, result.stderr
    firms = json.loads(result.stdout)["firms"]
    celltrion = firms[0]
    assert (celltrion["name"], celltrion["name_ko"], celltrion["group"]) == ("CELLTRION, Inc.", "셀트리온", "Celltrion")
    assert celltrion["blas"] == 10 and celltrion["sources"]
    where, _, line = celltrion["register_line"].rpartition(" line ")
    lines = (Path(__file__).parents[1] / where).read_text(encoding="utf-8").splitlines()
    assert lines[int(line) - 1].endswith("name: Celltrion, Inc.")
    answer = api_client.get("/api/firm-register", params={"search": "Samsung Bioepis"}).json()
    assert [f["name_ko"] for f in answer["firms"]] == ["삼성바이오에피스"]
    yuhan = api_client.get("/api/firm-register", params={"search": "유한"}).json()["firms"]
    assert {f["name_ko"] for f in yuhan} == {"유한양행", "유한화학"}
    lookup = api_client.get("/api/firms/삼성바이오에피스")
    assert lookup.status_code == 200 and "Samsung Bioepis" in lookup.text


def test_register_lists_korean_firms_in_us_filings(atlas: Atlas) -> None:
    from rxatlas.approvals.register import korean_firms

    firms = korean_firms(atlas.engine)
    registered = [f for f in firms if f["register_line"]]
    assert {"Celltrion", "Samsung", "SK", "Lotte", "LG", "Hanmi", "Yuhan", "Daewoong", "GC", "Chong Kun Dang",
            "Dong-A Socio"} <= {f["group"] for f in registered}
    assert all(f["sources"] for f in registered)
    others = [f for f in firms if not f["register_line"]]
    assert others and all(f["country_iso2"] == "KR" for f in others)  # found in the data, not yet curated


def test_register_errors_name_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "korean_firms.yaml"
    bad.write_text("firms:\n  - name: Celltrion, Inc.\n    name_ko: 셀\n    group: Celltrion\n"
                   "    group_ko: 셀트리온그룹\n    sources: []\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_register(bad)
    assert "line 3, field firms.0.name_ko" in str(caught.value)
    assert "field firms.0.sources" in str(caught.value)


def test_biologics_of_korea_list_products_sites_and_capacity(biologics_kr: dict[str, Any]) -> None:
    sponsors = {p["sponsor"] for p in biologics_kr["products"] if p["origin"] == "sponsor"}
    assert {"CELLTRION, Inc.", "Samsung Bioepis Co., Ltd."} <= sponsors
    assert {p["product"] for p in biologics_kr["products"]} >= {"Inflectra", "Renflexis", "Alyglo", "Imuldosa"}
    us_sites = {s["fei"]: s for s in biologics_kr["sites"] if s["site_country"] == "US"}
    lotte, branchburg = us_sites["1317757"], us_sites["3002889358"]
    assert (lotte["name"], lotte["owner_group"]) == ("Lotte Biologics USA, LLC", "Lotte")
    assert "East Syracuse" in lotte["address"] and "Syracuse" in lotte["evidence"][0]
    assert lotte["evidence"][0].endswith("(claim of the firm)") and "cen.acs.org" in lotte["evidence"][1]
    hugel = next(s for s in biologics_kr["sites"] if s["owner_group"] == "Hugel")
    assert "korean_firms.yaml" in hugel["evidence"][0]  # a register firm's own registration
    assert (branchburg["owner_group"], branchburg["name"]) == ("Celltrion", "ImClone Systems LLC")
    assert "claim of the firm" in branchburg["evidence"][0] and "koreaherald.com" in branchburg["evidence"][1]
    capacity = {(c["firm"], c["litres"]) for c in biologics_kr["capacity"]}
    assert ("Samsung Biologics Co., Ltd.", 784000) in capacity and all(c["sources"] for c in biologics_kr["capacity"])
    kr = next(r for r in biologics_kr["by_holder_country"] if r["country"] == "KR")
    assert (kr["biosimilar"], kr["interchangeable"]) == (16, 3)


def test_biosecure_view_names_alternatives_korea_first_and_its_limits(biologics_kr: dict[str, Any]) -> None:
    alternatives = {a["capability"]: a for a in biologics_kr["biosecure"]["alternatives"]}
    mmae = alternatives["ADC payload-linker (auristatin, MMAE/MMAF)"]
    assert "SHANGHAI SYNTHEALL PHARMACEUTICAL CO LTD" in mmae["linked_holders"]
    others = {h for group in mmae["other_holders"] for h in group["holders"]}
    assert others and not others & set(mmae["linked_holders"])
    assert "cannot tie a US product to its CDMO" in biologics_kr["biosecure"]["limits"]
    samsung = [d for d in biologics_kr["dmfs"] if d["holder"] == "SAMSUNG BIOLOGICS CO LTD"]
    assert samsung and samsung[0]["watchlist"] is None


@pytest.mark.parametrize("home", ["JP", "IN"])
def test_biologics_work_for_any_country(api_client: TestClient, home: str) -> None:
    answer = api_client.get("/api/biologics", params={"country": home}).json()
    assert answer["country"] == home and "capacity" not in answer
    assert all(p["sponsor_country"] == home or p["origin"] != "sponsor" for p in answer["products"])


def test_capability_reads_dmf_subjects() -> None:
    assert capability("MC-VC-PAB-MMAE") == "ADC payload-linker (auristatin, MMAE/MMAF)"
    assert capability("EXATECAN MESYLATE") == "ADC payload (camptothecin: exatecan, deruxtecan, SN-38)"
    assert capability("HOST CELL LINES CHO-K1") == "host cell line or cell bank"
    assert capability("CONJUGATED ESTROGENS") is None and capability("MICROBIOLOGICAL RAPID METHOD") is None
