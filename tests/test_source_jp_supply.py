"""MHLW supply status: the real workbook, its CSV exports (UTF-8, Shift_JIS), the core model and bad files."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import local_file
from openpyxl import load_workbook

from rxatlas.errors import SourceError
from rxatlas.sources.jp_supply import HEADER, JpSupply
from rxatlas.warehouse.load import parse_source

SOURCE = JpSupply()
SPEC = SOURCE.files[0]
WORKBOOK = Path("jp_supply") / "mhlw_supply_status_2026-08-20.xlsx"
WARFARIN = "3332001F1024"
HEADER_LINES = sum(name.count("\n") for name in HEADER) + 1  # physical lines of the CSV header record


def _parse(path: Path) -> list[dict[str, Any]]:
    buffers = parse_source(SOURCE, {SPEC.name: local_file(path, SOURCE.id, SPEC)})
    return buffers["supply_status"].to_arrow().to_pylist()


def _sheet_rows(data_dir: Path, count: int) -> list[list[Any]]:
    """The sheet's first rows as cell values: the empty row 1, the header and count-2 products."""
    wb = load_workbook(data_dir / WORKBOOK, read_only=True, data_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(max_row=count, values_only=True)]
    finally:
        wb.close()


def _csv_text(rows: list[list[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(["" if v is None else v for v in r] for r in rows)
    return out.getvalue()


@pytest.fixture(scope="module")
def jp_db(atlas_db: Path) -> Path:
    """The session atlas, built from every source of the real snapshot."""
    return atlas_db


def test_counts_by_category_and_status(jp_db: Path) -> None:
    with duckdb.connect(str(jp_db), read_only=True) as con:
        assert con.execute(
            "SELECT count(*), count(DISTINCT yj_code) FROM raw.jp_supply__supply_status"
        ).fetchone() == (16387, 16387)
        categories = dict(
            con.execute(
                "SELECT supply_secured_category, count(*) FROM core.jp_supply_status GROUP BY 1"
            ).fetchall()
        )
        assert categories == {"A": 319, "B": 149, "C": 5388, None: 10531}
        statuses = dict(
            con.execute("SELECT supply_status, count(*) FROM core.jp_supply_status GROUP BY 1").fetchall()
        )
        assert statuses == {
            "normal": 14537,
            "suspended": 880,
            "limited (own circumstances)": 478,
            "limited (knock-on from other products)": 419,
            "limited (other)": 73,
        }
        assert con.execute("SELECT count(*) FROM core.jp_supply_status WHERE NOT nhi_listed").fetchone() == (
            821,
        )


def test_known_product_warfarin_is_category_a(jp_db: Path) -> None:
    with duckdb.connect(str(jp_db), read_only=True) as con:
        row = con.execute(
            "SELECT product_name, ingredient_name, company, supply_secured_category, drug_class, "
            "product_category, supply_status, _file, _line FROM core.jp_supply_status WHERE yj_code = ?",
            [WARFARIN],
        ).fetchone()
    assert row == (
        "ワーファリン錠１ｍｇ",
        "ワルファリンカリウム",
        "沢井製薬",
        "A",
        "internal use",
        "other",
        "normal",
        "mhlw_supply_status_2026-08-20.xlsx",
        9336,
    )


def test_core_model_columns_and_english_labels(jp_db: Path) -> None:
    with duckdb.connect(str(jp_db), read_only=True) as con:
        columns = [r[0] for r in con.execute("DESCRIBE core.jp_supply_status").fetchall()]
        assert columns[:6] == [
            "yj_code",
            "product_name",
            "ingredient_name",
            "strength",
            "company",
            "supply_secured_category",
        ]
        assert columns[-5:] == ["_source", "_snapshot", "_file", "_sha256", "_line"]
        for label in (
            "drug_class",
            "product_category",
            "supply_status",
            "restriction_reason",
            "resolution_outlook",
            "shipment_volume",
            "volume_improvement_timing",
        ):
            values = [
                v for (v,) in con.execute(f"SELECT DISTINCT {label} FROM core.jp_supply_status").fetchall()
            ]
            assert all(v is None or v.isascii() for v in values), (label, values)
        dates = con.execute(
            "SELECT min(nhi_listing_date), max(other_info_updated), max(_snapshot) FROM core.jp_supply_status"
        ).fetchone()
        assert dates == (date(1949, 1, 4), date(2026, 8, 20), date(2026, 8, 20))


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_csv_export_reads_like_the_workbook(
    tmp_path: Path, data_dir: Path, jp_db: Path, encoding: str
) -> None:
    path = tmp_path / "mhlw_supply_status.csv"
    path.write_bytes(_csv_text(_sheet_rows(data_dir, 40)).encode(encoding))
    from_csv = _parse(path)
    with duckdb.connect(str(jp_db), read_only=True) as con:
        result = con.execute("SELECT * FROM raw.jp_supply__supply_status WHERE _line <= 40")
        names = [d[0] for d in result.description]
        from_xlsx = {
            row["yj_code"]: row for row in (dict(zip(names, r, strict=True)) for r in result.fetchall())
        }
    assert len(from_csv) == len(from_xlsx) == 38
    for row in from_csv:
        expected = from_xlsx[row["yj_code"]]
        assert {k: v for k, v in row.items() if not k.startswith("_")} == {
            k: v for k, v in expected.items() if not k.startswith("_")
        }
    assert from_csv[0]["_line"] == 2 + HEADER_LINES


def test_shift_jis_bytes_in_a_utf8_file_name_the_line(tmp_path: Path, data_dir: Path) -> None:
    rows = _sheet_rows(data_dir, 5)
    head = _csv_text(rows[:4]).encode("utf-8-sig")
    path = tmp_path / "mhlw_supply_status.csv"
    path.write_bytes(head + _csv_text(rows[4:]).encode("cp932"))
    bad_line = head.count(b"\n") + 1
    with pytest.raises(SourceError) as caught:
        _parse(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (str(path), bad_line)
    assert "not valid utf-8-sig" in problem.message


def test_file_named_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "mhlw_supply_status.xlsx"
    path.write_bytes("<html>メンテナンス中</html>".encode())
    with pytest.raises(SourceError) as caught:
        _parse(path)
    assert caught.value.problems[0].file == str(path)
    assert "not one" in caught.value.problems[0].message


def test_truncated_workbook(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "mhlw_supply_status.xlsx"
    path.write_bytes((data_dir / WORKBOOK).read_bytes()[:200_000])
    with pytest.raises(SourceError) as caught:
        _parse(path)
    assert caught.value.problems[0].file == str(path)


def test_unknown_category_names_line_and_field(tmp_path: Path, data_dir: Path) -> None:
    rows = _sheet_rows(data_dir, 4)
    category = list(HEADER).index("⑩（重要）供給確保医薬品")
    rows[3][category] = "D"
    path = tmp_path / "mhlw_supply_status.csv"
    path.write_bytes(_csv_text(rows).encode("utf-8"))
    with pytest.raises(SourceError) as caught:
        _parse(path)
    problem = caught.value.problems[0]
    assert problem.field == "supply_secured_category"
    assert problem.line == 2 + HEADER_LINES + 1
