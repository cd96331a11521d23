"""Section 232 pharmaceuticals annexes: CSV codes cross-checked on the PDF text, core model, bad files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.us_s232 import UsS232, pdf_codes
from rxatlas.sources.validate import TableBuffer
from rxatlas.warehouse.load import parse_source

SOURCE = UsS232()
PDF_SPEC, CSV_SPEC = SOURCE.files
FOLDER = Path("us_s232_pharma")
PDF = FOLDER / "s232_pharmaceuticals_proclamation_annexes_I-IV_2026.pdf"
CSV = FOLDER / "s232_pharma_annex_htsus_codes.csv"
CSV_HEADER = "htsus,annex,meaning\n"


def _files(pdf: Path, csv: Path) -> dict[str, LocalFile]:
    return {
        PDF_SPEC.name: local_file(pdf, SOURCE.id, PDF_SPEC),
        CSV_SPEC.name: local_file(csv, SOURCE.id, CSV_SPEC),
    }


def _parse(pdf: Path, csv: Path) -> dict[str, TableBuffer]:
    return parse_source(SOURCE, _files(pdf, csv))


@pytest.fixture(scope="module")
def s232_db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas, built from every source of the real snapshot."""
    return atlas_con


def test_pdf_code_lists_by_annex_and_page(data_dir: Path) -> None:
    codes = pdf_codes(local_file(data_dir / PDF, SOURCE.id, PDF_SPEC))
    assert len(codes) == len({c.code for c in codes}) == 657
    assert Counter(c.annex for c in codes) == {"I": 131, "IV": 526}
    assert Counter(c.page for c in codes) == {1: 24, 2: 107, 10: 204, 11: 246, 12: 76}
    assert not [c for c in codes if c.code.startswith("99")]  # headings cited in prose are not list entries


def test_csv_and_pdf_agree_code_for_code(s232_db: duckdb.DuckDBPyConnection) -> None:
    assert s232_db.execute(
        "SELECT count(*), count(*) FILTER (WHERE in_pdf), "
        "count(*) FILTER (WHERE split_part(annex, '(', 1) = pdf_annex) "
        "FROM raw.us_s232__code"
    ).fetchone() == (657, 657, 657)
    assert s232_db.execute(
        "SELECT count(*), count(*) FILTER (WHERE in_csv) FROM raw.us_s232__pdf_code"
    ).fetchone() == (657, 657)
    assert dict(s232_db.execute("SELECT annex, count(*) FROM raw.us_s232__code GROUP BY 1").fetchall()) == {
        "I(c)": 131,
        "IV": 526,
    }


def test_core_model_known_codes(s232_db: duckdb.DuckDBPyConnection) -> None:
    columns = [r[0] for r in s232_db.execute("DESCRIBE core.s232_code").fetchall()]
    assert columns == [
        "annex",
        "htsus_code",
        "hs6",
        "description",
        "in_pdf",
        "in_csv",
        "pdf_annex",
        "pdf_page",
        "_source",
        "_snapshot",
        "_file",
        "_sha256",
        "_line",
    ]
    assert s232_db.execute("SELECT count(*) FROM core.s232_code").fetchone() == (657,)
    rows = s232_db.execute(
        "SELECT htsus_code, annex, hs6, in_pdf, pdf_page, _file, _line FROM core.s232_code "
        "WHERE htsus_code IN ('2918.99.3000', '3004.49.00') ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("2918.99.3000", "I(c)", "291899", True, 1, CSV.name, 2),
        ("3004.49.00", "IV", "300449", True, 10, CSV.name, 192),
    ]


def test_cross_check_reports_codes_missing_on_either_side(tmp_path: Path, data_dir: Path) -> None:
    csv = tmp_path / "codes.csv"
    csv.write_text(
        CSV_HEADER + "2918.99.3000,I(c),covered\n2918.99.9999,I(c),not in the proclamation\n",
        encoding="utf-8",
    )
    buffers = _parse(data_dir / PDF, csv)
    codes = {r["htsus_code"]: r["in_pdf"] for r in buffers["code"].to_arrow().to_pylist()}
    assert codes == {"2918.99.3000": True, "2918.99.9999": False}
    pdf = buffers["pdf_code"].to_arrow().to_pylist()
    assert Counter(r["in_csv"] for r in pdf) == {False: 656, True: 1}


def test_truncated_pdf_names_the_file(tmp_path: Path, data_dir: Path) -> None:
    pdf = tmp_path / "annexes.pdf"
    pdf.write_bytes((data_dir / PDF).read_bytes()[:100_000])
    with pytest.raises(SourceError) as caught:
        _parse(pdf, data_dir / CSV)
    problem = caught.value.problems[0]
    assert problem.file == str(pdf)
    assert "truncated" in problem.message


def test_malformed_htsus_code_names_line_and_field(tmp_path: Path, data_dir: Path) -> None:
    csv = tmp_path / "codes.csv"
    csv.write_text(CSV_HEADER + "2918.99.3000,I(c),covered\n2918.993000,I(c),covered\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        _parse(data_dir / PDF, csv)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(csv), 3, "htsus")
