"""FDA DECRS: the real August 2025 file, its official zip and Excel forms, the core model, and bad input."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import local_file
from openpyxl import Workbook

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fda_decrs import HEADER, FdaDecrs
from rxatlas.sources.validate import coerce
from rxatlas.warehouse.load import parse_source

SOURCE = FdaDecrs()
SNAPSHOT = "fda_decrs/drls_reg_2025-08.csv.gz"
EXCEL_ROWS = 300
CORE_COLUMNS = [
    ("fei", "VARCHAR"), ("duns", "VARCHAR"), ("firm_name", "VARCHAR"), ("address", "VARCHAR"),
    ("city", "VARCHAR"), ("country_iso3", "VARCHAR"), ("country_iso2", "VARCHAR"),
    ("operations", "VARCHAR[]"), ("api_manufacture", "BOOLEAN"), ("registrant_name", "VARCHAR"),
    ("registrant_duns", "VARCHAR"), ("expiration_date", "DATE"), ("exclusion_flag", "BOOLEAN"),
    ("_source", "VARCHAR"), ("_snapshot", "DATE"), ("_file", "VARCHAR"), ("_sha256", "VARCHAR"),
    ("_line", "BIGINT"),
]


def _decrs(path: Path) -> LocalFile:
    return local_file(path, source=SOURCE.id, spec=SOURCE.files[0])


def _typed_rows(file: LocalFile) -> list[tuple[Any, ...]]:
    """Parsed rows with values converted to their declared types, as the warehouse would store them."""
    columns = SOURCE.table("establishment").columns
    return [tuple(coerce(c, row.values[c.name]) for c in columns) for row in SOURCE.parse({"drls_reg": file})]


def _snapshot_records(data_dir: Path) -> list[dict[str, str]]:
    with gzip.open(data_dir / SNAPSHOT, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas: this source's raw tables as loaded from the real snapshot, with every model."""
    return atlas_con


def test_snapshot_loads_every_establishment(data_dir: Path) -> None:
    buffers = parse_source(SOURCE, {"drls_reg": _decrs(data_dir / SNAPSHOT)})
    table = buffers["establishment"].to_arrow()
    assert table.num_rows == 10_439
    first = table.slice(0, 1).to_pylist()[0]
    assert first["fei_number"] == "0000000" and first["duns_number"] == "695293236"
    assert first["address"].endswith("Korea, South (KOR)") and first["_line"] == 2


def test_known_establishment_in_core(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute(
        "SELECT duns, firm_name, city, country_iso3, country_iso2, operations, api_manufacture, "
        "registrant_name, expiration_date, exclusion_flag, _line FROM core.establishment "
        "WHERE fei = '3002807097'").fetchall()
    assert row == [("341970073", "Pfizer Manufacturing Deutschland GmbH", "Freiburg im Breisgau", "DEU", "DE",
                    ["ANALYSIS", "LABEL", "MANUFACTURE", "PACK"], False, "Pfizer Inc",
                    datetime(2025, 12, 31).date(), False, 3010)]


def test_core_model_columns_and_counts(db: duckdb.DuckDBPyConnection) -> None:
    described = db.execute("DESCRIBE core.establishment").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == CORE_COLUMNS
    counts = db.execute(
        "SELECT count(*), count(*) FILTER (WHERE fei IS NULL), count(*) FILTER (WHERE api_manufacture), "
        "count(country_iso2), count(DISTINCT country_iso3) FROM core.establishment").fetchone()
    # 230 blank FEIs and 4 all-zero ones; every address yields a country known to core.country
    assert counts == (10_439, 234, 2_452, 10_439, 82)
    facts = db.execute("SELECT count(*) FROM latest.fda_decrs__establishment").fetchone()
    assert facts == (10_439,)


def test_core_model_address_quirks(db: duckdb.DuckDBPyConnection) -> None:
    by_duns = dict(db.execute(
        "SELECT duns, [fei, city, country_iso3, country_iso2] FROM core.establishment "
        "WHERE duns IN ('695293236', '495848938')").fetchall())
    # 'Korea, South' holds a comma; the Czech address has a bare country name and no (ISO3)
    assert by_duns == {"695293236": [None, "Seoul", "KOR", "KR"],
                       "495848938": ["3017847976", "Praha", "CZE", "CZ"]}
    non_ascii = db.execute(
        "SELECT count(*) FROM core.establishment WHERE regexp_matches(firm_name || address, '[^\\x00-\\x7F]')"
    ).fetchone()
    assert non_ascii == (269,)


def test_excel_workbook_and_zipped_workbook_parse_like_the_csv(tmp_path: Path, data_dir: Path) -> None:
    records = _snapshot_records(data_dir)[:EXCEL_ROWS]
    wb = Workbook()
    ws = wb.active
    ws.append(["FDA Drug Establishments Current Registration Site"])  # a title row above the header
    ws.append(list(HEADER))
    for r in records:
        cells: list[Any] = [r[k] for k in HEADER]
        cells[4] = datetime.strptime(r["EXPIRATION_DATE"], "%m/%d/%Y")  # a real Excel date cell
        cells[1] = int(r["DUNS_NUMBER"])  # a DUNS typed as a number loses its leading zeros in Excel
        ws.append(cells)
    workbook = tmp_path / "drls_reg.xlsx"
    wb.save(workbook)
    archive = tmp_path / "drls_reg.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(workbook, "drls_reg.xlsx")

    expected = _typed_rows(_decrs(data_dir / SNAPSHOT))[:EXCEL_ROWS]
    assert any(row[1].startswith("0") for row in expected)  # the DUNS padding is exercised
    for path in (workbook, archive):
        assert _typed_rows(_decrs(path)) == expected, path.name


def test_official_tab_separated_zip_parses_like_the_csv(tmp_path: Path, data_dir: Path) -> None:
    records = _snapshot_records(data_dir)
    # the first rows and every non-ASCII row that Windows-1252 can hold
    chosen = [i for i, r in enumerate(records) if i < EXCEL_ROWS or _cp1252_only(" ".join(r.values()))]
    # the official drls_reg.txt: Windows-1252, CRLF, a space before FEI_NUMBER, contact columns, trailing tab
    first, last = list(HEADER)[:6], list(HEADER)[6:]
    lines = ["\t".join([" FEI_NUMBER", *first[1:], "ESTABLISHMENT_CONTACT_NAME", *last])]
    for i in chosen:
        cells = [*(records[i][k] for k in first), "A Person", *(records[i][k] for k in last)]
        lines.append("\t".join(cells) + "\t")
    archive = tmp_path / "drls_reg.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("drls_reg.xls", b"not read")
        zf.writestr("drls_reg.txt", ("\r\n".join(lines) + "\r\n").encode("cp1252"))
    expected = _typed_rows(_decrs(data_dir / SNAPSHOT))
    assert len(chosen) > EXCEL_ROWS + 100
    assert _typed_rows(_decrs(archive)) == [expected[i] for i in chosen]


def _cp1252_only(text: str) -> bool:
    """True for text with non-ASCII letters that all exist in Windows-1252."""
    return not text.isascii() and text.encode("cp1252", errors="replace").decode("cp1252") == text


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_source(SOURCE, {"drls_reg": _decrs(path)})
    return caught.value


def test_truncated_gzip_names_file_and_line(tmp_path: Path, data_dir: Path) -> None:
    data = (data_dir / SNAPSHOT).read_bytes()
    path = tmp_path / "drls_reg_2025-08.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    problem = _error(path).problems[0]
    assert problem.file == str(path) and "truncated or corrupt" in problem.message
    assert problem.line is not None and 4_000 < problem.line < 6_000


def test_missing_column_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "drls_reg.csv"
    path.write_text("FEI_NUMBER,DUNS_NUMBER,FIRM_NAME,ADDRESS,EXPIRATION_DATE,REGISTRANT_NAME,REGISTRANT_DUNS,"
                    "EXCLUSION_FLAG\n1,123456789,A,\"x, France (FRA)\",12/31/2025,B,1,N\n", encoding="utf-8")
    problem = _error(path).problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), 1, "OPERATIONS")


def test_undecodable_bytes_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "drls_reg.csv"
    header = ",".join(HEADER) + "\n"
    good = '1,123456789,Firm,"1 Rue, Paris, France (FRA)",12/31/2025,MANUFACTURE,Agent,987654321,N\n'
    # 0x81 is neither UTF-8 nor Windows-1252
    path.write_bytes((header + good).encode() + b'2,223456789,Bad\x81Firm,"x, France (FRA)",12/31/2025,'
                     b"MANUFACTURE,Agent,1,N\n")
    problem = _error(path).problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), 3, "FIRM_NAME")


def test_bad_date_and_duplicate_duns_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "drls_reg.csv"
    row = '{fei},123456789,Firm,"1 Rue, Paris, France (FRA)",{date},MANUFACTURE,Agent,987654321,N\n'
    rows = [row.format(fei=1, date="2025-13-45"), row.format(fei=2, date="12/31/2025"),
            row.format(fei=3, date="12/31/2025")]
    path.write_text(",".join(HEADER) + "\n" + "".join(rows), encoding="utf-8")
    problems = [(p.line, p.field) for p in _error(path).problems]
    assert problems == [(2, "expiration_date"), (4, "duns_number")]


def test_zip_without_a_table_lists_its_members(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.pdf", b"%PDF")
    path = tmp_path / "drls_reg.zip"
    path.write_bytes(buffer.getvalue())
    problem = _error(path).problems[0]
    assert problem.file == str(path) and "readme.pdf" in problem.message
