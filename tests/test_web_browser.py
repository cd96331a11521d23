"""End-to-end tests of the web app in real headless Chromium, against the API serving the session atlas.

The tests save screenshots of the main pages into docs/screenshots/ (shown in the README).
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "docs" / "screenshots"
VENDOR = ROOT / "rxatlas" / "web" / "static" / "vendor"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
WAIT_MS = 120_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason="Debian's chromium is not installed at /usr/bin/chromium "
                                                      "(scripts/setup.sh installs it as root)"),
]


@pytest.fixture(scope="module")
def server(atlas_db: Path) -> Iterator[str]:
    """The API with the web app over the session atlas, served by uvicorn on a free loopback port."""
    import uvicorn

    from rxatlas.api.app import create_app

    if not (VENDOR / "countries-110m.json").is_file():
        pytest.fail(f"the web app's vendored map files are missing in {VENDOR}; run `bash scripts/setup.sh`")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(create_app(atlas_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:
        if not thread.is_alive():
            pytest.fail("the API server did not start; see the log above")
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}/"
    uv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright (no downloaded browsers)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh page (own storage, so the language starts in English) that fails the test on a script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=server, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(WAIT_MS)
    yield page
    context.close()
    assert errors == [], f"script errors in the page: {errors}"


def _get(server: str, path: str) -> Any:
    with urllib.request.urlopen(server + path, timeout=120) as response:
        return json.load(response)


def _open(page: Any, hash_: str) -> None:
    page.goto("/" + hash_)
    page.wait_for_selector("main[aria-busy=false]")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_search_opens_substance_with_map_and_sources(page: Any, server: str) -> None:
    answer = _get(server, "api/substances/atorvastatin")
    india = next(c["sources"] for c in answer["country_shares"] if c["country"] == "IN")
    _open(page, "")
    page.fill("#q", "atorvastatin")
    page.press("#q", "Enter")
    page.get_by_role("link", name="ATORVASTATIN", exact=True).click()
    page.wait_for_selector("#map svg path.country")
    assert page.locator("#map path[data-iso2=IN]").get_attribute("style") is not None  # India is shaded
    assert page.locator("#map path[data-iso2=BR]").get_attribute("style") is None  # no source in Brazil
    rows = page.locator("#sources tbody tr")
    assert rows.count() == len(answer["api_sources"]) == 38
    assert page.locator("#sources tbody tr", has_text="India").count() == india == 23
    assert "fda_dmf" in page.locator("#sources tbody").inner_text()
    assert page.locator("#metrics").inner_text().split("\n")[:2] == ["38", "qualified API sources"]
    assert "not volumes" in page.locator("main").inner_text()
    _shot(page, "substance")
    page.locator("#sources th[data-key=country]").click()  # sort by country code: China before India
    assert page.locator("#sources tbody tr").first.locator("td").nth(1).inner_text() == "China"
    with page.expect_download() as download:
        page.locator("button[data-export=sources]").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "firm,country,basis,dmf,source,snapshot"
    assert len(lines) == 39 and lines[1].split(",")[1] == "CN"


def test_screening_upload_flags_listed_supplier(page: Any, tmp_path: Path) -> None:
    suppliers = tmp_path / "suppliers.csv"
    # the third name would run as a formula in a spreadsheet: the export must neutralise it
    suppliers.write_text("supplier,country\nWuXi AppTec Co Ltd,CN\nPfizer Inc,US\n=HYPERLINK(1),US\n", encoding="utf-8")
    _open(page, "#/screen")
    page.set_input_files("#screen-file", str(suppliers))
    page.locator("#screen-form button[type=submit]").click()
    flagged = page.locator("#screen-table tbody tr", has=page.locator(".flag-listed"))
    flagged.first.wait_for()
    assert flagged.count() == 1
    assert "WuXi AppTec Co Ltd" in flagged.inner_text() and "us_dod_1260h" in flagged.inner_text()
    clear = page.locator("#screen-table tbody tr", has_text="Pfizer Inc")
    assert "clear" in clear.inner_text()
    _shot(page, "screening")
    with page.expect_download() as download:
        page.locator("button[data-export=screen-table]").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and ",listed," in lines[1]
    formula = next(line for line in lines if "HYPERLINK" in line)
    assert "'=HYPERLINK(1)" in formula and ",=HYPERLINK" not in formula and not formula.startswith("=")


def test_scenario_run_shows_impacts_and_compare(page: Any, server: str) -> None:
    _open(page, "#/scenario")
    page.select_option("#scenario-choice", "india-export-stop-6-months")
    assert "country_outage" in page.input_value("#scenario-yaml")
    page.click("#scenario-run")
    page.wait_for_selector("#scenario-summary")
    request = urllib.request.Request(server + "api/scenarios/run", data=page.input_value("#scenario-yaml").encode(),
                                     headers={"Content-Type": "application/yaml"})
    with urllib.request.urlopen(request, timeout=300) as response:
        expected = json.load(response)["summary"]
    summary = page.locator("#scenario-summary .metric b").all_inner_texts()
    losing = expected["substances_losing_sources"]
    assert summary[:2] == [f"{losing:,}", f"{expected['sources_lost']:,}"] and losing > 1000
    assert page.locator("#scenario-table tbody tr", has_text="RIVAROXABAN").count() == 1
    _shot(page, "scenario")
    page.click("#scenario-compare")
    page.wait_for_selector("#compare-table")
    differing = page.locator("#compare-table tbody tr").count()
    assert differing == losing  # against the baseline, exactly the substances losing sources differ


def test_korean_substance_page(page: Any) -> None:
    _open(page, "#/substance/atorvastatin")
    page.click("#lang")
    page.wait_for_selector("html[lang=ko]")
    page.wait_for_selector("main[aria-busy=false] #map svg")
    assert page.locator("#lang").inner_text() == "English"
    assert page.locator("nav").inner_text().split() == ["스크리닝", "시나리오", "사업", "기회", "미국", "허가",
                                                        "바이오의약품", "의약품", "품절", "치료군"]
    headings = page.locator("main h2").all_inner_texts()
    assert headings[:3] == ["공급원 국가", "집중도 지표", "원료의약품(API) 공급원"]
    assert page.locator("#sources thead").inner_text().split("\t")[:2] == ["기업", "국가"]
    assert "인도" in page.locator("#shares").inner_text()  # country names from Intl.DisplayNames in Korean
    assert "2025. 6. 30." in page.locator("#sources tbody").inner_text()  # dates in the Korean format
    _shot(page, "substance-ko")
    page.reload()  # the choice is remembered
    page.wait_for_selector("main[aria-busy=false] #map svg")
    assert page.locator("#lang").inner_text() == "English"


def test_approvals_show_korean_biosimilars(page: Any) -> None:
    _open(page, "#/approvals?country=KR")
    table = page.locator("#approvals-table")
    alyglo = table.locator("tbody tr", has_text="125743")
    assert "Dec 15, 2023" in alyglo.inner_text()
    text = table.inner_text()
    assert "CELLTRION" in text.upper() and "SAMSUNG BIOEPIS" in text.upper()
    lazcluze = table.locator("tbody tr", has_text="LAZCLUZE")
    assert "Aug 19, 2024" in lazcluze.inner_text()
    assert "originated in South Korea (Yuhan Corporation), held by a partner in United States" in lazcluze.inner_text()


def test_country_page_shows_what_us_supply_depends_on(page: Any, server: str) -> None:
    answer = _get(server, "api/countries/IN?limit=500")
    _open(page, "#/country/IN")
    figures = page.locator("main .metric b").all_inner_texts()
    assert figures[:2] == [f"{answer['substances_with_sources']:,}", f"{answer['substances_only_here']:,}"]
    assert answer["substances_with_sources"] > 1000  # India is a source of over a thousand US substances
    assert page.locator("#country-substances tbody tr").count() == min(500, answer["substances_with_sources"])


def test_country_page_shows_dmfs_and_quality_signals_by_how_joined(page: Any, server: str) -> None:
    answer = _get(server, "api/countries/CN?limit=500")
    signals = answer["quality_signals"]
    _open(page, "#/country/CN")
    assert page.locator("#country-substances tbody tr").first.inner_text().startswith(
        answer["substances"]["items"][0]["substance"])  # the most dependent substance first
    assert page.locator("#country-dmfs tbody tr").count() == len(answer["dmfs"]["by_year"])
    assert f"{answer['dmfs']['active_type_ii']:,}" in page.locator("main").inner_text()
    letters = next(r for r in signals["joined"] if r["event_type"] == "warning_letter")
    cells = page.locator("#country-signal-joins tbody tr", has_text="Warning letters").inner_text().split("\t")
    assert cells == ["Warning letters", "0", str(letters["firm name"]), str(letters["not joined"])]
    assert page.locator("#country-signals tbody tr").count() == len(signals["signals"])
    huahai = page.locator("#country-signals tbody tr", has_text="Zhejiang Huahai").first.inner_text()
    assert "by firm name" in huahai and "3003885745" in huahai and "3003999190" in huahai
    assert "3003885745" in page.locator("#country-sites").inner_text()  # an API site with signals
    page.click("#lang")
    page.wait_for_selector("html[lang=ko]")
    page.wait_for_selector("main[aria-busy=false] #country-signal-joins")
    headings = page.locator("main h2").all_inner_texts()
    assert "이 국가 보유자의 DMF, 제출 연도별" in headings and "이 국가 시설의 연도별 FDA 품질 신호" in headings
    assert "경고 서한" in page.locator("#country-signal-joins").inner_text()
    assert "기업명으로 연결" in page.locator("#country-signals").inner_text()


def test_firm_page_lists_substances_with_shortage_status_and_signals_by_site(page: Any, server: str) -> None:
    name = "Zhejiang%20Huahai%20Pharmaceutical%20Co.%2C%20Ltd."
    answer = _get(server, f"api/firms/{name}")
    _open(page, f"#/firm/{name}")
    assert page.locator("#firm-substances tbody tr").count() == len(answer["substances"])
    current = next(s["substance"] for s in answer["substances"] if s["shortage_status"] == "current")
    row = page.locator("#firm-substances tbody tr", has_text=current).first
    assert "current shortage" in row.inner_text()
    sites = page.locator("#firm-signal-sites").inner_text()
    assert "3003885745" in sites and "3003999190" in sites
    page.click("#lang")
    page.wait_for_selector("html[lang=ko]")
    page.wait_for_selector("main[aria-busy=false] #firm-signal-sites")
    assert "시설별 FDA 품질 신호 (FEI)" in page.locator("main h2").all_inner_texts()
    assert "현재 품절" in page.locator("#firm-substances tbody tr", has_text=current).first.inner_text()
    assert "경고 서한" in page.locator("#firm-signal-sites thead").inner_text()


def test_approvals_list_tentative_apart_and_search_the_korean_register(page: Any) -> None:
    _open(page, "#/approvals?country=KR&firm=셀트리온")
    assert "NDA 211912" not in page.locator("#approvals-table").inner_text()
    assert "NDA 211912" in page.locator("#approvals-tentative").inner_text()
    assert "interchangeable" in page.locator("#approvals-table tbody tr", has_text="761202").inner_text()
    xcopri = page.locator("#approvals-table tbody tr", has_text="212839").inner_text()
    assert "subsidiary in United States of SK Biopharmaceuticals" in xcopri
    register = page.locator("#register-table").inner_text()
    assert "셀트리온" in register and "CELLTRION, Inc." in register
    page.click("#lang")
    page.wait_for_selector("html[lang=ko]")
    page.wait_for_selector("main[aria-busy=false] #register-table")
    assert "한국 기업 등록부" in page.locator("main").inner_text()
    assert "상호교환" in page.locator("#approvals-table tbody tr", has_text="761202").inner_text()
    assert "잠정 허가" in page.locator("main").inner_text()


def test_biologics_page_shows_korean_products_sites_and_capacity(page: Any) -> None:
    _open(page, "#/biologics?country=KR")
    products = page.locator("#biologics-products").inner_text()
    assert "Inflectra" in products and "Renflexis" in products
    sites = page.locator("#biologics-sites").inner_text()
    assert "Lotte Biologics USA, LLC" in sites and "ImClone Systems LLC" in sites
    assert "784,000" in page.locator("#biologics-capacity").inner_text()
    assert "cannot tie a US product to its CDMO" in page.locator("main").inner_text()
    page.click("#lang")
    page.wait_for_selector("html[lang=ko]")
    page.wait_for_selector("main[aria-busy=false] #biologics-capacity")
    assert "삼성바이오로직스" in page.locator("#biologics-capacity").inner_text()
    assert "바이오리액터" in page.locator("main").inner_text()
    _shot(page, "biologics-ko")


def test_korean_names_find_firms_in_search_and_firm_pages(page: Any) -> None:
    _open(page, "#/search?q=유한양행")
    assert "YUHAN CORP" in page.locator("main").inner_text()
    _open(page, "#/firm/셀트리온")
    assert page.locator("main h1").first.inner_text().upper().startswith("CELLTRION")


def test_shortages_page_lists_each_presentation_once_in_english_and_korean(page: Any, server: str) -> None:
    answer = _get(server, "api/shortages?scope=us_human_rx&critical=true")
    _open(page, "#/shortages?critical=true")
    assert page.locator("#critical-input").is_checked()
    rows = page.locator("#shortage-table tbody tr").count()
    assert rows == answer["totals"]["presentations"] == answer["presentations_total"]  # a combination: one row
    figures = page.locator("#shortage-metrics .metric b").all_inner_texts()
    assert figures[:3] == [f"{answer['totals'][k]:,}" for k in ("presentations", "substances", "current")]
    penicillin = page.locator("#shortage-table tbody tr", has_text="60793-700-10").inner_text()
    assert "Dec 2027" in penicillin and "FDA database export + openFDA" in penicillin
    assert "Jun 19, 2026" in page.locator("#shortage-as-of").inner_text()
    _shot(page, "shortages")
    page.fill("#since-input", "2026-06-01")
    page.locator("#shortage-filters button[type=submit]").click()
    page.wait_for_url("**since=2026-06-01*")
    page.wait_for_selector("main[aria-busy=false] #shortage-table")
    recent = _get(server, "api/shortages?scope=us_human_rx&critical=true&since=2026-06-01")
    assert page.locator("#shortage-table tbody tr").count() == recent["totals"]["presentations"] < rows
    page.click("#lang")
    page.wait_for_selector("html[lang=ko]")
    page.wait_for_selector("main[aria-busy=false] #shortage-table")
    assert page.locator("main h1").inner_text() == "성분별 FDA 의약품 품절"
    assert page.locator("nav a[href='#/shortages']").inner_text() == "의약품 품절"
    penicillin = page.locator("#shortage-table tbody tr", has_text="60793-700-10").inner_text()
    assert "현재 품절" in penicillin and "2027년 12월" in penicillin and "openFDA 파일" in penicillin
    assert page.locator("#shortage-table thead").inner_text().split("\t")[:3] == ["성분", "상태", "제품 포장"]
    _shot(page, "shortages-ko")


def test_classes_page_rolls_substances_up_by_atc_class_in_english_and_korean(page: Any, server: str) -> None:
    level3, level1 = _get(server, "api/classes?level=3"), _get(server, "api/classes?level=1")
    cover = level3["coverage"]
    _open(page, "#/classes")
    figures = page.locator("#classes-metrics .metric b").all_inner_texts()
    assert figures == [f"{n:,}" for n in (level3["substances"], cover["atc"], cover["fda_epc"], cover["unclassified"],
                                          cover["substances_in_several_classes"])]
    assert page.locator("#classes-table tbody tr").count() == len(level3["rows"])
    penicillins = next(r for r in level3["rows"] if r["code"] == "J01C")
    cells = page.locator("#classes-table tbody tr", has_text="J01C").locator("td").all_inner_texts()
    assert cells[:3] == ["J01C", "Beta-lactam antibacterials, penicillins", str(penicillins["substances"])]
    assert "Other beta-lactam antibacterials" in page.locator("#classes-table tbody tr", has_text="J01D").inner_text()
    unclassified = page.locator("#classes-table tbody tr", has_text="No ATC code or FDA pharmacologic class")
    assert unclassified.locator("td").nth(2).inner_text() == f"{cover['unclassified']:,}"
    _shot(page, "classes")
    page.select_option("#level", "1")
    page.wait_for_url("**level=1*")
    page.wait_for_selector("main[aria-busy=false] #classes-table")
    assert page.locator("#classes-table tbody tr").count() == len(level1["rows"])
    page.click("#lang")
    page.wait_for_selector("html[lang=ko]")
    page.wait_for_selector("main[aria-busy=false] #classes-table")
    assert page.locator("nav a[href='#/classes']").inner_text() == page.locator("main h1").inner_text() == "치료군"
    assert page.locator("#classes-table thead").inner_text().split("\t")[:3] == ["분류", "이름", "성분 수"]
    assert page.locator("#classes-table tbody tr").first.locator("td").all_inner_texts()[:2] == ["A", "소화관 및 대사"]
    assert page.locator("#classes-table tbody tr", has_text="ATC 코드·FDA 약리 분류 없음").count() == 1
    assert "미분류" in page.locator("#classes-metrics").inner_text()
    _shot(page, "classes-ko")
