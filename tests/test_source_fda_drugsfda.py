"""Drugs@FDA on the real snapshot: counts, known records, its quirks, the official zip, and bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fda_drugsfda import LAYOUTS, FdaDrugsFda
from rxatlas.sources.fetch import locate
from rxatlas.sources.validate import TableBuffer
from rxatlas.warehouse.load import parse_source

SOURCE = FdaDrugsFda()
COUNTS = {
    "application": 28_382, "product": 39_473, "submission": 156_942, "marketing_status": 50_286,
    "marketing_status_lookup": 5, "te": 24_752, "submission_class_lookup": 28,
}


@pytest.fixture(scope="module")
def mirror_files(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, LocalFile]:
    return locate(SOURCE, str(data_dir), tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def buffers(mirror_files: dict[str, LocalFile]) -> dict[str, TableBuffer]:
    return parse_source(SOURCE, mirror_files)


@pytest.fixture(scope="module")
def tables(buffers: dict[str, TableBuffer]) -> dict[str, list[dict[str, Any]]]:
    return {name: buffer.to_arrow().to_pylist() for name, buffer in buffers.items()}


def _rows(rows: list[dict[str, Any]], **where: Any) -> list[dict[str, Any]]:
    """The rows matching every column=value given."""
    return [r for r in rows if all(r[k] == v for k, v in where.items())]


def test_counts_match_the_snapshot(buffers: dict[str, TableBuffer]) -> None:
    assert {name: len(b) for name, b in buffers.items()} == COUNTS


def test_products_and_submissions_come_from_the_2019_set(mirror_files: dict[str, LocalFile]) -> None:
    assert mirror_files["products"].path.name == "drugsatfda_2019-07-02.zip"
    assert mirror_files["applications"].path.name == "2025-07_Applications.txt"
    assert str(mirror_files["products"].snapshot) == "2019-07-02"


def test_known_applications_keep_leading_zeros(tables: dict[str, list[dict[str, Any]]]) -> None:
    [first] = _rows(tables["application"], appl_no="000004")
    assert (first["appl_type"], first["sponsor_name"], first["_line"]) == ("NDA", "PHARMICS", 2)
    [droxia] = _rows(tables["application"], appl_no="016295")
    assert droxia["appl_public_notes"] == "Medication Guide is for DROXIA."
    assert droxia["sponsor_name"] == "CHEPLAPHARM"


def test_extra_tab_products_parse_to_eight_fields(tables: dict[str, list[dict[str, Any]]]) -> None:
    rows = _rows(tables["product"], appl_no="206029")
    assert [(r["product_no"], r["strength"], r["_line"]) for r in rows] == [
        ("001", "EQ 1MG BASE", 34951), ("002", "EQ 2MG BASE", 34952), ("003", "EQ 4MG BASE", 34953)]
    for r in rows:
        assert (r["form"], r["reference_drug"], r["drug_name"], r["active_ingredient"]) == (
            "TABLET;ORAL", 0, "PITAVASTATIN CALCIUM", "PITAVASTATIN CALCIUM")
        assert r["reference_standard"] is None


def test_windows_1252_submission_notes_are_decoded(tables: dict[str, list[dict[str, Any]]]) -> None:
    [rogaine] = _rows(tables["submission"], appl_no="021812", submission_type="SUPPL", submission_no=10)
    assert rogaine["submissions_public_notes"] == "Label for Men\u2019s Rogaine"
    assert str(rogaine["submission_status_date"]) == "2013-12-13"
    [dea] = _rows(tables["submission"], appl_no="205525", submission_type="ORIG", submission_no=1)
    assert dea["submissions_public_notes"].endswith("Date of Approval \u2013 March 23, 2017")


def test_doubled_quotes_of_the_export_are_undone(tables: dict[str, list[dict[str, Any]]]) -> None:
    [row] = _rows(tables["product"], appl_no="017412", product_no="002")
    assert row["drug_name"] == 'GERMA-MEDICA "MG"'


def _official_zip(tmp_path: Path, data_dir: Path) -> Path:
    """An official-style drugsatfda.zip holding every table, built from the mirror files."""
    folder = data_dir / "fda_drugsfda"
    path = tmp_path / "drugsatfda.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out, \
            zipfile.ZipFile(folder / "drugsatfda_2019-07-02.zip") as old:
        for layout in LAYOUTS.values():
            mirror = folder / f"2025-07_{layout.member}"
            data = mirror.read_bytes() if mirror.exists() else old.read(layout.member)
            out.writestr(layout.member, data)
    return path


def test_official_zip_parses_the_same(
    tmp_path: Path, data_dir: Path, buffers: dict[str, TableBuffer]
) -> None:
    archive = _official_zip(tmp_path, data_dir)
    files = {spec.name: local_file(archive, SOURCE.id, spec) for spec in SOURCE.files}
    official = parse_source(SOURCE, files)
    for name, buffer in buffers.items():
        columns = [*SOURCE.table(name).column_names, "_line"]
        assert official[name].to_arrow().select(columns) == buffer.to_arrow().select(columns), name


def _error(path: Path, table: str) -> SourceError:
    spec = next(s for s in SOURCE.files if s.name == LAYOUTS[table].spec)
    with pytest.raises(SourceError) as caught:
        list(SOURCE.parse_table(table, local_file(path, SOURCE.id, spec)))
    [problem] = caught.value.problems
    assert problem.file == str(path)
    return caught.value


APPLICATIONS = "ApplNo\tApplType\tApplPublicNotes\tSponsorName\r\n000004\tNDA\t\tPHARMICS\r\n"


def test_missing_column_names_header_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "Applications.txt"
    path.write_text(APPLICATIONS.replace("\tSponsorName", ""))
    problem = _error(path, "application").problems[0]
    assert (problem.line, problem.field) == (1, "SponsorName")


def test_truncated_file_names_the_cut_line_and_first_missing_field(tmp_path: Path) -> None:
    path = tmp_path / "Applications.txt"
    path.write_text(APPLICATIONS + "000159\tNDA")
    problem = _error(path, "application").problems[0]
    assert (problem.line, problem.field) == (3, "ApplPublicNotes")
    assert "expected 4 fields, found 2" in problem.message


def test_undecodable_bytes_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "Submissions.txt"
    header = "\t".join(LAYOUTS["submission"].header) + "\r\n"
    good = "000004\t19\tORIG\t1\tAP\t1969-07-16 00:00:00\t\tUNKNOWN\r\n"
    bad = "000004\t3\tSUPPL\t10\tAP\t1980-05-08 00:00:00\tLabel \x81 text\t\r\n"  # 0x81: neither UTF-8 nor cp1252
    path.write_bytes((header + good).encode() + bad.encode("latin-1"))
    problem = _error(path, "submission").problems[0]
    assert (problem.line, problem.field) == (3, "SubmissionsPublicNotes")
    assert "not valid" in problem.message


def test_bad_date_is_reported_by_validation(tmp_path: Path) -> None:
    path = tmp_path / "Submissions.txt"
    header = "\t".join(LAYOUTS["submission"].header) + "\r\n"
    path.write_text(header + "000004\t19\tORIG\t1\tAP\t16/07/1969\t\tUNKNOWN\r\n")
    spec = next(s for s in SOURCE.files if s.name == "submissions")
    buffer = TableBuffer(SOURCE.id, SOURCE.table("submission"))
    for row in SOURCE.parse_table("submission", local_file(path, SOURCE.id, spec)):
        buffer.add(row)
    with pytest.raises(SourceError) as caught:
        buffer.check()
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 2, "submission_status_date")


def test_core_models(atlas_db: Path) -> None:
    with duckdb.connect(str(atlas_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.application").fetchone() == (28_382,)
        assert con.execute("SELECT appl_type, sponsor_name FROM core.application WHERE appl_no = '000159'"
                       ).fetchone() == ("NDA", "LILLY")
        assert con.execute("SELECT count(*), count(marketing_status) FROM core.product").fetchone() == (39_473, 39_215)
        assert con.execute(
            "SELECT marketing_status, te_code, reference_standard, CAST(_snapshot AS VARCHAR), "
            "CAST(marketing_status_snapshot AS VARCHAR) FROM core.product "
            "WHERE appl_no = '206029' AND product_no = '001'"
        ).fetchone() == ("Prescription", "AB", None, "2019-07-02", "2025-07-01")
        assert con.execute("SELECT te_code FROM core.product WHERE appl_no = '021116' AND product_no = '001'"
                       ).fetchone() == ("AB1;AB2;AB3;AB4",)
        assert con.execute(
            "SELECT submission_class, submission_class_description, public_notes FROM core.submission "
            "WHERE appl_no = '021812' AND submission_type = 'SUPPL' AND submission_no = 10"
        ).fetchone() == ("LABELING", "Labeling", "Label for Men\u2019s Rogaine")
