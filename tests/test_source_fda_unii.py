"""FDA UNII names: the real June 2025 names file, the official zip form, the core model, and bad input."""

from __future__ import annotations

import gzip
import io
import zipfile
from itertools import islice
from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fda_unii import FdaUnii
from rxatlas.warehouse.load import parse_source

SOURCE = FdaUnii()
SNAPSHOT = "fda_unii/UNII_Names_2025-06.txt.gz"
HEADER = "Name\tTYPE\tUNII\tDisplay Name\r\n"


def _unii(path: Path) -> LocalFile:
    return local_file(path, source=SOURCE.id, spec=SOURCE.files[0])


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_source(SOURCE, {"unii_names": _unii(path)})
    return caught.value


@pytest.fixture(scope="module")
def db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas: this source's raw tables as loaded from the real snapshot, with every model."""
    return atlas_con


def test_snapshot_loads_every_name(db: duckdb.DuckDBPyConnection) -> None:
    counts = db.execute(
        "SELECT count(*), count(DISTINCT unii), count(DISTINCT name) FROM latest.fda_unii__name").fetchone()
    # names are unique as written; 'MERQUAT 100 POLYMER ' (trailing space) is another UNII
    assert counts == (995_390, 161_712, 995_389)
    merquat = db.execute("SELECT unii, _line FROM latest.fda_unii__name WHERE name = 'MERQUAT 100 POLYMER' "
                         "ORDER BY _line").fetchall()
    assert merquat == [("163BBM0B4X", 48_171), ("YFL33X52PX", 964_704)]
    by_type = dict(db.execute("SELECT name_type, count(*) FROM latest.fda_unii__name GROUP BY 1").fetchall())
    assert by_type == {"cn": 493_197, "sys": 378_641, "cd": 74_349, "of": 25_559, "bn": 23_644}


def test_core_model_columns_and_known_names(db: duckdb.DuckDBPyConnection) -> None:
    described = [(name, kind) for name, kind, *_ in db.execute("DESCRIBE core.substance_name").fetchall()]
    assert described == [("name", "VARCHAR"), ("name_type", "VARCHAR"), ("unii", "VARCHAR"),
                         ("display_name", "VARCHAR"), ("_source", "VARCHAR"), ("_snapshot", "DATE"),
                         ("_file", "VARCHAR"), ("_sha256", "VARCHAR"), ("_line", "BIGINT")]
    rows = db.execute(
        "SELECT name, name_type, unii, display_name, _line FROM core.substance_name "
        "WHERE name IN ('LIPITOR', 'ATORVASTATIN CALCIUM', 'ATORVASTATIN', 'CEROUS SALICYLATE') ORDER BY name"
    ).fetchall()
    assert [r[:4] for r in rows] == [
        ("ATORVASTATIN", "of", "A0JWA85V8F", "ATORVASTATIN"),
        ("ATORVASTATIN CALCIUM", "cn", "48A5M73Z4Q", "ATORVASTATIN CALCIUM TRIHYDRATE"),
        ("CEROUS SALICYLATE", "cn", "0001H6R5H1", "CEROUS SALICYLATE"),
        ("LIPITOR", "bn", "48A5M73Z4Q", "ATORVASTATIN CALCIUM TRIHYDRATE"),
    ]
    assert rows[2][4] == 5  # line 1 is the header


def test_official_zip_reads_its_names_member(tmp_path: Path, data_dir: Path) -> None:
    with gzip.open(data_dir / SNAPSHOT, "rb") as fh:
        head = b"".join(islice(fh, 1_001))
    archive = tmp_path / "UNIIs.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", b"UNII archive")
        zf.writestr("UNII_Names_20Jun2025.txt", head)
    rows = list(SOURCE.parse({"unii_names": _unii(archive)}))
    assert len(rows) == 1_000
    assert rows[0].line == 2 and rows[0].values["display_name"] == "CEROUS SALICYLATE"


def test_names_with_quotes_and_windows_1252_text(tmp_path: Path) -> None:
    path = tmp_path / "UNII_Names.txt"
    path.write_bytes((HEADER + '"ALPHA" BRAND\tbn\tAAAAAAAAAA\tALPHA\r\nBETA\u00ae\tbn\tBBBBBBBBBB\tBETA\r\n')
                     .encode("cp1252"))
    values = [row.values for row in SOURCE.parse({"unii_names": _unii(path)})]
    assert [v["name"] for v in values] == ['"ALPHA" BRAND', "BETA\u00ae"]


def test_truncated_gzip_names_file_and_line(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "UNII_Names_2025-06.txt.gz"
    path.write_bytes((data_dir / SNAPSHOT).read_bytes()[:200_000])
    problem = _error(path).problems[0]
    assert problem.file == str(path) and "truncated or corrupt" in problem.message
    assert problem.line is not None and problem.line > 1_000


def test_missing_column_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "UNII_Names.txt"
    path.write_text("Name\tTYPE\tUNII\r\nASPIRIN\tcn\tR16CO5Y76E\r\n", encoding="utf-8")
    problem = _error(path).problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), 1, "Display Name")


def test_undecodable_bytes_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "UNII_Names.txt"
    path.write_bytes(HEADER.encode() + b"ASPIRIN\tcn\tR16CO5Y76E\tASPIRIN\r\n"
                     b"BAD\tcn\tR16CO5Y76E\tAS\x81PIRIN\r\n")
    problem = _error(path).problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), 3, "Display Name")


def test_empty_value_and_duplicate_name_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "UNII_Names.txt"
    rows = "ASPIRIN\tcn\t\tASPIRIN\r\nX\tcn\tR16CO5Y76E\tASPIRIN\r\nX\tbn\tR16CO5Y76E\tASPIRIN\r\n"
    path.write_text(HEADER + rows, encoding="utf-8")
    assert [(p.line, p.field) for p in _error(path).problems] == [(2, "unii"), (4, "name")]


def test_zip_without_names_member_lists_its_members(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("UNII_Records_20Jun2025.txt", b"UNII\tPT\r\n")
    path = tmp_path / "UNIIs.zip"
    path.write_bytes(buffer.getvalue())
    problem = _error(path).problems[0]
    assert problem.file == str(path) and "UNII_Records_20Jun2025.txt" in problem.message
