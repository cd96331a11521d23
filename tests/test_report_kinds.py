"""Reports on the real atlas: each kind as self-contained HTML and as Excel, with sources, en and ko."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from openpyxl import load_workbook

from rxatlas.atlas import Atlas
from rxatlas.report import (
    Report,
    approvals_report,
    portfolio_report,
    render_html,
    scenario_report,
    screening_report,
    substance_report,
    write,
)
from rxatlas.report.labels import LABELS
from rxatlas.scenario import load_scenario, run

SCENARIO = ROOT / "examples" / "biosecure-and-china-outage.yaml"


@pytest.fixture(scope="module")
def reports(atlas_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    """One report of each kind (substance also in Korean), built once for the module."""
    folder = tmp_path_factory.mktemp("report_inputs")
    portfolio = folder / "portfolio.csv"
    portfolio.write_text("substance\natorvastatin\nmetformin\nNDA 021158\nnotathing\n", encoding="utf-8")
    suppliers = folder / "suppliers.csv"
    suppliers.write_text('name,country\n"WuXi AppTec Co., Ltd.",CN\nPfizer Inc,US\n=1+1,\n', encoding="utf-8")
    with Atlas(atlas_db) as atlas:
        return {
            "substance": substance_report(atlas, "atorvastatin"),
            "substance_ko": substance_report(atlas, "atorvastatin", "ko"),
            "portfolio": portfolio_report(atlas, portfolio),
            "scenario": scenario_report(atlas, str(SCENARIO)),
            "screening": screening_report(atlas, suppliers),
            "approvals": approvals_report(atlas, "KR"),
        }


def test_every_english_label_has_korean_text() -> None:
    assert set(LABELS["en"]) == set(LABELS["ko"])
    assert all(text.strip() for text in LABELS["ko"].values())


def test_substance_html_names_indian_firms_and_dated_licensed_sources(reports: dict[str, Report]) -> None:
    html = render_html(reports["substance"])
    assert "Where ATORVASTATIN is made" in html
    for firm in ("BIOCON LTD", "ARCH PHARMALABS LTD", "CHANGZHOU PHARMACEUTICAL FACTORY"):
        assert firm in html
    assert (
        "FDA Drug Master File list (snapshot 2025-06-30, licence: US Government work, public domain)" in html
    )
    assert "38 qualified API sources in 6 countries" in html
    assert html.count("<svg") >= 1 and "23 · 64%" in html  # India's bar: 23 of 36 sources of known country
    assert "counts of distinct sources, not volumes" in html
    # self-contained: no external scripts, styles, images or fonts
    assert "<script" not in html and "<link" not in html and "src=" not in html and "@import" not in html


def test_substance_html_in_korean(reports: dict[str, Report]) -> None:
    html = render_html(reports["substance_ko"])
    assert '<html lang="ko">' in html
    for label in ("ATORVASTATIN의 제조 국가", "원료의약품 공급원", "출처", "스냅샷 2025-06-30", "라이선스"):
        assert label in html


def test_substance_xlsx_has_a_sheet_per_table_and_sources(reports: dict[str, Report], tmp_path: Path) -> None:
    path = tmp_path / "atorvastatin.xlsx"
    write(reports["substance"], "xlsx", path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == [
        "country_shares",
        "api_sources",
        "intermediates",
        "applications",
        "shortages",
        "quality_signals",
        "Sources",
    ]
    shares = list(book["country_shares"].values)
    assert shares[1] == ("country", "sources", "share")
    assert shares[2][:2] == ("IN", 23) and shares[3][:2] == ("CN", 8)
    firms = {r[0] for r in book["api_sources"].values if r}
    assert {"BIOCON LTD", "CHANGZHOU PHARMACEUTICAL FACTORY"} <= firms
    sources = {r[0]: r for r in book["Sources"].iter_rows(min_row=2, values_only=True) if r and r[0]}
    assert sources["fda_dmf"][3] == "2025-06-30" or str(sources["fda_dmf"][3]).startswith("2025-06-30")
    assert sources["fda_dmf"][4] == "US Government work, public domain"


def test_portfolio_report_lists_rows_and_top_risks(reports: dict[str, Report], tmp_path: Path) -> None:
    html = render_html(reports["portfolio"])
    assert "3 of 4 rows resolved to 3 substances" in html
    assert "GEMIFLOXACIN" in html and "notathing" in html
    path = tmp_path / "portfolio.xlsx"
    write(reports["portfolio"], "xlsx", path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["aggregates", "top_risks", "portfolio_rows", "Sources"]
    risks = [r[0] for r in book["top_risks"].iter_rows(min_row=3, max_row=5, values_only=True)]
    assert risks == ["GEMIFLOXACIN", "ATORVASTATIN", "METFORMIN"]


def test_scenario_report_shows_impacts_tariffs_and_gains(reports: dict[str, Report], tmp_path: Path,
                                                         atlas_db: Path) -> None:
    report = reports["scenario"]
    html = render_html(report)
    assert "Scenario: biosecure-and-china-outage" in html
    with Atlas(atlas_db) as atlas:
        result = run(atlas.engine, load_scenario(SCENARIO))
    summary = result["summary"]
    assert (f"As of 2028-09-01: {summary['substances_losing_sources']} of {summary['substances']} substances lose "
            f"sources; {summary['sources_lost']} sources lost") in html
    assert "market scope is us_human_rx" in html
    # fewest sources left first: a substance whose only source, in China, is lost
    first = min(result["substances"], key=lambda r: (r["sources_after"], r["substance"]))
    assert first["sources_after"] == 0 and f"{escape(first['lost'][0]['firm'])} (CN)" in html
    path = tmp_path / "scenario.xlsx"
    write(report, "xlsx", path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["impacts", "tariffs", "gains", "policies", "Sources"]
    impacts = [
        r for r in book["impacts"].iter_rows(min_row=3, values_only=True) if len(r) > 1 and r[1] is not None
    ]
    # every substance losing sources or intermediates, not only the 200 shown
    assert len(impacts) == len(result["substances"]) > 200


def test_screening_report_flags_wuxi_and_neutralises_formulas(
    reports: dict[str, Report], tmp_path: Path
) -> None:
    report = reports["screening"]
    flagged = report.tables()[1]
    assert flagged.name == "flagged"
    assert [r["input_name"] for r in flagged.rows] == ["WuXi AppTec Co., Ltd."]
    assert flagged.rows[0]["list"] == "us_dod_1260h"
    path = tmp_path / "screening.xlsx"
    write(report, "xlsx", path)
    book = load_workbook(path)  # not read-only: formulas would show as data_type 'f'
    rows = list(book["all_rows"].iter_rows(min_row=3, max_row=5))
    assert rows[2][1].value == "'=1+1" and rows[2][1].data_type == "s"
    assert "Sources" in book.sheetnames
    assert any(r[0].value == "dod_1260h" for r in book["Sources"].iter_rows(min_row=2))


def test_approvals_report_shows_korean_biosimilars_and_partner_cases(reports: dict[str, Report]) -> None:
    report = reports["approvals"]
    html = render_html(report)
    assert "US approvals from South Korea" in html
    apps = {r["application"]: r for r in report.tables()[0].rows}
    assert str(apps["BLA 125743"]["approval_date"]) == "2023-12-15"
    assert any(
        r["origin"] == "partner: Yuhan Corporation" and str(r["approval_date"]) == "2024-08-19"
        for r in apps.values()
    )
    lazcluze = next(r for r in apps.values() if r["product"] == "Lazcluze")
    assert "fda.gov" in lazcluze["evidence"]  # the curated link names its source
    assert "CELLTRION" in html.upper() and "SAMSUNG BIOEPIS" in html.upper()
    assert "<svg" in html  # the timeline per year


def test_cli_writes_a_korean_html_report_and_refuses_unknown_formats(atlas_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "kr.html"
    done = run_cli(
        "report",
        "approvals",
        "--country",
        "KR",
        "--lang",
        "ko",
        "--output",
        str(target),
        "--db",
        str(atlas_db),
    )
    assert done.returncode == 0, done.stderr
    assert "South Korea 기업의 미국 허가" in target.read_text(encoding="utf-8")
    bad = run_cli("report", "substance", "atorvastatin", "--format", "docx", "--db", str(atlas_db))
    assert bad.returncode == 1 and "use one of html, pdf, xlsx" in bad.stderr
