"""Purple Book on the real snapshot: counts, two-digit years, the official layout with a preamble, bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fda_purple_book import HEADER, FdaPurpleBook, expiry_date, past_date
from rxatlas.sources.fetch import locate
from rxatlas.warehouse.load import parse_source

SOURCE = FdaPurpleBook()
SNAPSHOT = date(2025, 3, 31)


@pytest.fixture(scope="module")
def mirror_file(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> LocalFile:
    # the file name carries only a year, so fix the snapshot rather than rely on the file's date
    return replace(locate(SOURCE, str(data_dir), tmp_path_factory.mktemp("cache"))["purplebook"], snapshot=SNAPSHOT)


@pytest.fixture(scope="module")
def rows(mirror_file: LocalFile) -> list[dict[str, Any]]:
    return parse_source(SOURCE, {"purplebook": mirror_file})["product"].to_arrow().to_pylist()


def test_counts_and_repeating_blas(rows: list[dict[str, Any]]) -> None:
    assert len(rows) == 6_279
    assert len({r["bla_no"] for r in rows}) == 796
    assert {r["bla_type"] for r in rows} == {"351(a)", "351(k) Biosimilar", "351(k) Interchangeable"}


def test_alyglo_approval_date(rows: list[dict[str, Any]]) -> None:
    alyglo = [r for r in rows if r["bla_no"] == "125743"]
    assert [r["_line"] for r in alyglo] == [995, 4152, 6255]  # the file repeats the row exactly
    for r in alyglo:
        assert (r["applicant"], r["proprietary_name"], r["approval_date"]) == (
            "GC Biopharma Corp.", "Alyglo", date(2023, 12, 15))


def test_no_date_after_the_snapshot_and_old_years_in_1900s(rows: list[dict[str, Any]]) -> None:
    approvals = [r["approval_date"] for r in rows if r["approval_date"]]
    assert len(approvals) == 6_234  # 45 rows have no approval date (e.g. BLA 103132, revoked)
    assert max(approvals) == date(2025, 3, 14)
    assert min(approvals) == date(1930, 6, 14)
    [prolastin] = [r for r in rows if r["_line"] == 2]
    assert (prolastin["bla_no"], prolastin["approval_date"]) == ("103174", date(1987, 12, 2))
    assert prolastin["orphan_exclusivity_exp"] == date(1994, 12, 2)
    assert sum(r["first_interchangeable_exclusivity_tbd"] for r in rows) == 39


def test_two_digit_year_rules() -> None:
    assert past_date("14-Feb-25", SNAPSHOT) == date(2025, 2, 14)
    assert past_date("1-Apr-25", SNAPSHOT) == date(1925, 4, 1)
    assert past_date("29-Feb-00", SNAPSHOT) == date(2000, 2, 29)
    assert past_date("2025-02-14", SNAPSHOT) == "2025-02-14"
    assert expiry_date("15-Jun-33") == date(2033, 6, 15)
    assert expiry_date("21-Nov-95") == date(1995, 11, 21)


def test_official_layout_with_changes_section_parses_the_same(
    tmp_path: Path, mirror_file: LocalFile, rows: list[dict[str, Any]]
) -> None:
    text = mirror_file.path.read_bytes().decode("utf-8-sig")
    header, first, *_ = text.split("\r\n", 2)
    preamble = ("Purple Book Data Download\r\n\r\nProducts changed this month\r\n"
                f"{header}\r\n{first}\r\n\r\nAll products\r\n")
    path = tmp_path / "purplebook-search-march-data-download.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (preamble + text).encode())
    official = replace(local_file(path, SOURCE.id, SOURCE.files[0]), snapshot=SNAPSHOT)
    got = parse_source(SOURCE, {"purplebook": official})["product"].to_arrow().to_pylist()
    shift = preamble.count("\r\n")
    assert [{**r, "_line": r["_line"] - shift, "_file": None, "_sha256": None} for r in got] == [
        {**r, "_file": None, "_sha256": None} for r in rows]


def _problem(tmp_path: Path, data: bytes) -> Any:
    path = tmp_path / "purplebook_bad.csv"
    path.write_bytes(data)
    with pytest.raises(SourceError) as caught:
        parse_source(SOURCE, {"purplebook": local_file(path, SOURCE.id, SOURCE.files[0])})
    [problem] = caught.value.problems
    assert problem.file == str(path)
    return problem


HEAD = ",".join(HEADER).encode()
ROW = (b',GC Biopharma Corp. ,125743,Alyglo,"immune globulin intravenous, human-stwk",351(a),10% 100MG/ML,'
       b"Injection ,Intravenous,Single-Dose Vial,Rx,Licensed,15-Dec-23,,,0,Original,2033,1,CBER,,,,,")


def test_missing_column(tmp_path: Path) -> None:
    problem = _problem(tmp_path, HEAD.replace(b",BLA Type", b"") + b"\r\n")
    assert (problem.line, problem.field) == (1, "BLA Type")


def test_truncated_file(tmp_path: Path) -> None:
    problem = _problem(tmp_path, HEAD + b"\r\n" + ROW + b"\r\n" + ROW[:60])  # cut inside a quoted name
    assert (problem.line, problem.field) == (3, "BLA Type")


def test_wrong_encoding(tmp_path: Path) -> None:
    problem = _problem(tmp_path, HEAD + b"\r\n" + ROW.replace(b"Alyglo", b"Alygl\xf3") + b"\r\n")
    assert (problem.line, problem.field) == (2, "Proprietary Name")


def test_bad_date(tmp_path: Path) -> None:
    problem = _problem(tmp_path, HEAD + b"\r\n" + ROW.replace(b"15-Dec-23", b"2023-12-15") + b"\r\n")
    assert (problem.line, problem.field) == (2, "approval_date")


def test_core_biologic(atlas_db: Path) -> None:
    with duckdb.connect(str(atlas_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.biologic").fetchone() == (6_279,)
        assert con.execute(
            "SELECT DISTINCT bla_no, applicant, proprietary_name, proper_name, bla_type, approval_date, "
            "marketing_status_label FROM core.biologic WHERE bla_no = '125743'"
        ).fetchall() == [("125743", "GC Biopharma Corp.", "Alyglo", "immune globulin intravenous, human-stwk",
                          "351(a)", date(2023, 12, 15), "Prescription")]
        assert con.execute("SELECT DISTINCT bla_no FROM core.biologic WHERE proprietary_name = 'Genotropin'"
                       ).fetchall() == [("020280",)]
