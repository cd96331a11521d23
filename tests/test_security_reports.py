"""Reports and exports of hostile names: escaped HTML, a PDF that runs nothing, and inputs never overwritten."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import run_cli
from pypdf import PdfReader

from rxatlas.atlas import Atlas
from rxatlas.cli.app import show_table
from rxatlas.report import PdfPrinter, portfolio_report, render_html, screening_report, write
from rxatlas.report.pdf import CHROMIUM

SCRIPT = "<script>document.body.innerHTML='PWNED'</script>"
IMAGE = '<img src=x onerror="document.title=1">'


def _suppliers(path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["supplier_name"], [f"Acme {SCRIPT}"], [IMAGE], ["WuXi AppTec Co., Ltd."]])
    return path


@pytest.fixture(scope="module")
def atlas(atlas_db: Path) -> Atlas:
    with Atlas(atlas_db) as opened:
        yield opened


def test_screening_report_html_escapes_supplier_names(atlas: Atlas, tmp_path: Path) -> None:
    html = render_html(screening_report(atlas, _suppliers(tmp_path / "s.csv")))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;document.body.innerHTML=&#39;PWNED&#39;&lt;/script&gt;" in html


def test_portfolio_report_html_escapes_cells(atlas: Atlas, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(f"substance\nAtorvastatin\n{SCRIPT}\n", encoding="utf-8")
    html = render_html(portfolio_report(atlas, path))
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason="Chromium is not installed (scripts/setup.sh)")
def test_pdf_shows_the_script_as_text_and_runs_nothing(atlas: Atlas, tmp_path: Path) -> None:
    report = screening_report(atlas, _suppliers(tmp_path / "s.csv"))
    with PdfPrinter() as printer:
        write(report, "pdf", tmp_path / "r.pdf", printer)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "r.pdf").pages)
    assert "WuXi AppTec" in text and "<script>" in text  # the report, with the name as written


def test_output_equal_to_the_input_is_refused(atlas_db: Path, tmp_path: Path) -> None:
    suppliers = _suppliers(tmp_path / "s.csv")
    portfolio = tmp_path / "p.csv"
    portfolio.write_text("substance\nAtorvastatin\n", encoding="utf-8")
    before = suppliers.read_bytes(), portfolio.read_bytes()
    for args in (("screen", str(suppliers), "--output", str(suppliers)),
                 ("report", "portfolio", str(portfolio), "--output", str(tmp_path / "." / "p.csv"),
                  "--format", "html")):
        result = run_cli(*args, "--db", str(atlas_db))
        assert result.returncode == 1 and "is the input file" in result.stderr, result.stderr
    assert (suppliers.read_bytes(), portfolio.read_bytes()) == before


def test_output_in_a_missing_folder_and_unknown_encoding_are_clear_errors(atlas_db: Path, tmp_path: Path) -> None:
    suppliers = _suppliers(tmp_path / "s.csv")
    missing = run_cli("screen", str(suppliers), "--db", str(atlas_db), "--output", str(tmp_path / "no" / "x.csv"))
    assert missing.returncode == 1 and "does not exist; create it" in missing.stderr
    encoding = run_cli("screen", str(suppliers), "--db", str(atlas_db), "--encoding", "klingon")
    assert encoding.returncode == 1 and "unknown encoding 'klingon'" in encoding.stderr
    for result in (missing, encoding):
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv"]  # nothing half-written


def test_rich_markup_in_data_is_printed_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    show_table([{"[b]name": "Acme [/] [red]Ltd[/red]"}], title="[/]")
    printed = capsys.readouterr().out
    assert "Acme [/] [red]Ltd[/red]" in printed and "[b]name" in printed
