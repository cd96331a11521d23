"""US approvals by sponsor country on the real snapshot: Korean biosimilars, Alyglo, partners, coverage."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from rxatlas.approvals import by_country, country_approvals, coverage
from rxatlas.approvals.partners import load_partners, partner_table
from rxatlas.atlas import Atlas
from rxatlas.errors import InputError


@pytest.fixture(scope="module")
def atlas(atlas_db: Path) -> Iterator[Atlas]:
    with Atlas(atlas_db) as opened:
        yield opened


@pytest.fixture(scope="module")
def korea(atlas: Atlas) -> dict[str, dict[str, Any]]:
    view = country_approvals(atlas.engine, "KR")
    return {a["application"]: a for a in view["applications"]}


def test_korean_biosimilar_sponsors_with_purple_book_dates(korea: dict[str, dict[str, Any]]) -> None:
    first = {k: (a["sponsor"], a["product"], a["type"], a["approval_date"]) for k, a in korea.items()}
    assert first["BLA 125544"] == ("CELLTRION, Inc.", "Inflectra", "BLA 351(k) biosimilar", date(2016, 4, 5))
    assert first["BLA 761054"] == ("Samsung Bioepis Co., Ltd.", "Renflexis", "BLA 351(k) biosimilar",
                                   date(2017, 4, 21))
    assert first["BLA 761202"][2:] == ("BLA 351(k) interchangeable", date(2021, 9, 17))
    biosimilars = [a for a in korea.values() if a["type"].startswith("BLA 351(k)") and a["origin"] == "sponsor"]
    assert len(biosimilars) == 19  # and Imuldosa, Dong-A's, held by a partner
    assert {a["sponsor"] for a in biosimilars} == {"CELLTRION, Inc.", "Samsung Bioepis Co., Ltd."}
    assert all(a["approval_date_source"] == "Purple Book" for a in biosimilars)


def test_alyglo_is_korean_through_its_registered_plant(korea: dict[str, dict[str, Any]]) -> None:
    alyglo = korea["BLA 125743"]
    assert (alyglo["sponsor"], alyglo["product"]) == ("GC Biopharma Corp.", "Alyglo")
    assert alyglo["type"] == "BLA 351(a)"
    assert alyglo["approval_date"] == date(2023, 12, 15)
    assert alyglo["country_method"] == "registered_sites"
    assert "GC Biopharma Corp_Ochang Plant" in alyglo["country_evidence"]
    assert alyglo["missing"] == []


def test_lazertinib_is_a_partner_case_dated_by_the_curated_link(atlas_db: Path) -> None:
    result = run_cli("approvals", "--country", "KR", "--json", "--db", str(atlas_db))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["country"] == "KR"
    lazcluze = next(a for a in payload["applications"] if a["product"] == "Lazcluze")
    assert lazcluze["application"] == "NDA 219008"
    assert lazcluze["origin"] == "partner: Yuhan Corporation"
    assert lazcluze["sponsor"] == "Janssen Biotech, Inc."
    assert lazcluze["approval_date"] == "2024-08-19"
    assert lazcluze["approval_date_source"].startswith("curated partner link")
    assert "fda.gov" in lazcluze["country_evidence"]
    year_2024 = {"BLA 351(a)": 1, "BLA 351(k) biosimilar": 5, "BLA 351(k) interchangeable": 1, "NDA": 1}
    assert {"year": 2024, "applications": 8, "by_type": year_2024} in payload["by_year"]
    assert payload["undated"] == 2  # the two Huons ANDAs; the tentative NDA 211912 is listed apart


def test_partner_dates_agree_with_the_purple_book(korea: dict[str, dict[str, Any]]) -> None:
    assert korea["BLA 761148"]["origin"] == "partner: Hanmi Pharmaceutical Co., Ltd."
    assert korea["BLA 761085"]["approval_date"] == date(2019, 2, 1)
    partners = [a for a in korea.values() if a["origin"].startswith("partner")]
    assert len(partners) == 7
    assert all(a["missing"] == [] for a in partners)  # a disagreeing Purple Book date would be listed here


def test_missing_fields_are_named_after_the_2019_drugsfda_set(korea: dict[str, dict[str, Any]]) -> None:
    huons = korea["ANDA 212821"]
    assert huons["product"] is None and huons["approval_date"] is None
    assert [m.split(":")[0] for m in huons["missing"]] == ["product", "approval_date"]
    assert "2019-07-01" in huons["missing"][1]


def test_us_applications_keep_their_sponsor_and_name_what_is_missing(atlas: Atlas) -> None:
    us = {a["application"]: a for a in country_approvals(atlas.engine, "United States")["applications"]}
    humira = us["BLA 125057"]
    assert (humira["sponsor"], humira["approval_date"]) == ("AbbVie Inc.", date(2002, 12, 31))
    assert us["BLA 761210"]["product"] == "Rybrevant"
    held = us["NDA 219008"]  # Lazcluze as the 2025 Drugs@FDA table lists it: holder known, the rest missing
    assert (held["sponsor"], held["origin"], held["product"]) == ("JANSSEN BIOTECH", "sponsor", None)
    assert held["approval_date"] is None and len(held["missing"]) == 2


def test_sponsor_country_coverage(atlas: Atlas) -> None:
    rows = {r["source"]: r for r in coverage(atlas.engine)}
    drugsfda, purple = rows["Drugs@FDA"], rows["Purple Book"]
    assert (drugsfda["applications"], drugsfda["sponsors"]) == (28382, 2225)
    assert (drugsfda["with_country"], drugsfda["sponsors_with_country"]) == (10350, 577)
    assert (purple["applications"], purple["with_country"]) == (796, 560)
    counts = {r["country"]: r for r in by_country(atlas.engine)}
    everything = sum(r["applications"] + r["tentative"] for r in counts.values())
    assert everything == 28382 + 796 - 412  # BLAs in both count once
    assert counts["KR"]["biosimilar"] == 19


def test_unknown_country_is_a_clear_error(atlas: Atlas, atlas_db: Path) -> None:
    with pytest.raises(InputError, match="unknown country 'Atlantis'"):
        country_approvals(atlas.engine, "Atlantis")
    result = run_cli("approvals", "--country", "Atlantis", "--db", str(atlas_db))
    assert result.returncode == 1
    assert "unknown country" in result.stderr and "Traceback" not in result.stderr


def test_partner_file_loads_with_line_numbers() -> None:
    rows = {r["product"]: r for r in partner_table().to_pylist()}
    assert rows["Lazcluze"]["originator_country"] == "KR" and rows["Lazcluze"]["_line"] == 14
    assert all(p.sources for p in load_partners())


def test_partner_file_errors_name_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "partners.yaml"
    bad.write_text("partners:\n  - product: Lazcluze\n    ingredient: lazertinib\n    appl_type: NDA\n"
                   "    appl_no: '21900'\n    holder: Janssen\n    holder_country: US\n"
                   "    originator: Yuhan\n    originator_country: Korea\n    relation: licence\n"
                   "    approval_date: 2024-08-19\n    sources: []\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_partners(bad)
    message = str(caught.value)
    assert "line 5, field partners.0.appl_no" in message
    assert "line 9, field partners.0.originator_country" in message
    assert "field partners.0.sources" in message

