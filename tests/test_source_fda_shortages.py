"""FDA shortages: the real openFDA JSON and FDA CSV export, the official zip form, core.shortage, bad input."""

from __future__ import annotations

import gzip
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fda_shortages import FdaShortages
from rxatlas.sources.readers import json_records
from rxatlas.warehouse.load import parse_source

SOURCE = FdaShortages()
JSON_SNAPSHOT = "fda_shortages/openfda_drug-shortages_2026-06-19.json.gz"
CSV_SNAPSHOT = "fda_shortages/fda_dsc_drugshortages_2026-05-11.csv"
CORE_COLUMNS = [
    ("shortage_source", "VARCHAR"), ("generic_name", "VARCHAR"), ("company_name", "VARCHAR"),
    ("presentation", "VARCHAR"), ("dosage_form", "VARCHAR"), ("status", "VARCHAR"), ("availability", "VARCHAR"),
    ("reason", "VARCHAR"), ("related_info", "VARCHAR"), ("update_type", "VARCHAR"),
    ("initial_posting_date", "DATE"), ("update_date", "DATE"), ("change_date", "DATE"),
    ("discontinued_date", "DATE"), ("therapeutic_categories", "VARCHAR[]"), ("package_ndc", "VARCHAR"),
    ("application_numbers", "VARCHAR[]"), ("uniis", "VARCHAR[]"), ("ndcs", "VARCHAR[]"),
    ("_source", "VARCHAR"), ("_snapshot", "DATE"), ("_file", "VARCHAR"), ("_sha256", "VARCHAR"),
    ("_line", "BIGINT"),
]


def _file(path: Path, spec: int) -> LocalFile:
    return local_file(path, source=SOURCE.id, spec=SOURCE.files[spec])


def _files(json_path: Path, csv_path: Path) -> dict[str, LocalFile]:
    return {"openfda": _file(json_path, 0), "dsc_csv": _file(csv_path, 1)}


@pytest.fixture(scope="module")
def db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas: this source's raw tables as loaded from the real snapshot, with every model."""
    return atlas_con


def test_snapshots_load_every_record(data_dir: Path) -> None:
    buffers = parse_source(SOURCE, _files(data_dir / JSON_SNAPSHOT, data_dir / CSV_SNAPSHOT))
    openfda = buffers["openfda"].to_arrow()
    dsc = buffers["dsc"].to_arrow()
    assert (openfda.num_rows, dsc.num_rows) == (1_640, 1_688)
    assert openfda.column("_line").to_pylist() == list(range(1, 1_641))
    assert openfda.column("has_openfda").to_pylist().count(False) == 163
    first = dsc.slice(0, 1).to_pylist()[0]
    assert first["_line"] == 3 and first["generic_name"] == "Acetaminophen; Oxycodone Hydrochloride Tablet"
    assert first["package_ndc"] == "60951-602-70" and first["status"] == "To Be Discontinued"


def test_official_zip_gives_the_same_rows(data_dir: Path, tmp_path: Path) -> None:
    official = tmp_path / "drug-shortages-0001-of-0001.json.zip"
    with zipfile.ZipFile(official, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("drug-shortages-0001-of-0001.json", gzip.decompress((data_dir / JSON_SNAPSHOT).read_bytes()))
    mirror = parse_source(SOURCE, _files(data_dir / JSON_SNAPSHOT, data_dir / CSV_SNAPSHOT))["openfda"]
    zipped = parse_source(SOURCE, _files(official, data_dir / CSV_SNAPSHOT))["openfda"]
    assert zipped.to_arrow().drop(["_file", "_sha256"]).equals(mirror.to_arrow().drop(["_file", "_sha256"]))


def test_shortage_with_openfda_identifiers(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute(
        "SELECT generic_name, company_name, status, reason, availability, uniis, application_numbers, ndcs, "
        "therapeutic_categories, initial_posting_date, update_date FROM core.shortage "
        "WHERE shortage_source = 'openfda' AND _line = 1").fetchone()
    assert row == ("Etomidate Injection", "Hospira, Inc., a Pfizer Company", "Current", "Other",
                   "Limited Availability", ["Z22628B598"], ["NDA018227"],
                   ["0409-6695-02", "0409-6695-11", "0409-6695-01", "0409-6695-12"], ["Anesthesia"],
                   date(2022, 10, 5), date(2026, 6, 9))


def test_csv_fields_land_in_their_columns(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute(
        "SELECT reason, related_info, availability, discontinued_date, therapeutic_categories, uniis, ndcs "
        "FROM core.shortage WHERE shortage_source = 'fda_dsc_csv' "
        "AND presentation = 'Aminosyn-PF 7%, Injection, 0.07 (NDC 0990-4178-03)'").fetchone()
    assert row is not None
    assert row[0] == "Shortage of an active ingredient" and row[1].startswith("Estimated recovery: TBD.")
    assert row[2:] == ("Unavailable", None, ["Gastroenterology"], None, ["0990-4178-03"])


def test_core_counts_and_columns(db: duckdb.DuckDBPyConnection) -> None:
    counts = db.execute(
        "SELECT shortage_source, count(*), count(uniis), count(discontinued_date), count(reason) "
        "FROM core.shortage GROUP BY 1 ORDER BY 1").fetchall()
    assert counts == [("fda_dsc_csv", 1_688, 0, 501, 425), ("openfda", 1_640, 1_477, 463, 435)]
    columns = db.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'core' AND table_name = 'shortage' ORDER BY ordinal_position").fetchall()
    assert columns == CORE_COLUMNS


def test_cut_off_json_names_the_record(data_dir: Path, tmp_path: Path) -> None:
    text = gzip.decompress((data_dir / JSON_SNAPSHOT).read_bytes())
    cut = tmp_path / "openfda_drug-shortages_cut.json"
    cut.write_bytes(text[: len(text) // 2])
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, _files(cut, data_dir / CSV_SNAPSHOT))
    problem = err.value.problems[0]
    assert problem.file == str(cut) and problem.line == 821
    assert "record 821 does not decode" in problem.message


def test_truncated_gzip_names_the_record(data_dir: Path, tmp_path: Path) -> None:
    cut = tmp_path / "openfda_drug-shortages_cut.json.gz"
    cut.write_bytes((data_dir / JSON_SNAPSHOT).read_bytes()[:200_000])
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, _files(cut, data_dir / CSV_SNAPSHOT))
    problem = err.value.problems[0]
    assert problem.file == str(cut) and problem.line is not None and 1 < problem.line < 1_640
    assert "truncated" in problem.message


def test_json_size_limit_is_a_clear_error(data_dir: Path) -> None:
    with pytest.raises(SourceError, match="over 1,000 bytes"):
        list(json_records(_file(data_dir / JSON_SNAPSHOT, 0), max_bytes=1_000))


def test_wrong_type_in_a_record_names_record_and_field(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "openfda_bad.json"
    bad.write_text('{"meta": {}, "results": [{"generic_name": "A", "status": "Current"}, '
                   '{"generic_name": "B", "openfda": {"unii": "X"}}]}', encoding="utf-8")
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, _files(bad, data_dir / CSV_SNAPSHOT))
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 2, "openfda.unii")


def test_bad_csv_date_names_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    lines = (data_dir / CSV_SNAPSHOT).read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "fda_dsc_drugshortages_bad.csv"
    bad.write_text("".join(lines[:4]) + lines[4].replace('"11/03/2025"', '"2025-11-03"', 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, _files(data_dir / JSON_SNAPSHOT, bad))
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 5, "update_date")
