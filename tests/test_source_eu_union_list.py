"""EU Union list of critical medicines: the real mirror list, the official workbook layout, and bad codes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import local_file
from openpyxl import Workbook

from rxatlas.errors import SourceError
from rxatlas.sources.eu_union_list import EuUnionList
from rxatlas.warehouse.load import parse_source

SOURCE = EuUnionList()
SPEC = SOURCE.files[0]


def _parse(path: Path) -> list[dict[str, object]]:
    buffers = parse_source(SOURCE, {SPEC.name: local_file(path, SOURCE.id, SPEC)})
    return buffers["critical_medicine"].to_arrow().to_pylist()


@pytest.fixture(scope="module")
def eu_db(atlas_db: Path) -> Path:
    """The session atlas, built from every source of the real snapshot."""
    return atlas_db


def test_mirror_list_has_299_level5_codes(data_dir: Path) -> None:
    rows = _parse(data_dir / "eu_union_list" / "union_list_critical_atc5.csv")
    assert len(rows) == 299
    assert len({r["atc_code"] for r in rows}) == 299
    amoxicillin = next(r for r in rows if r["atc_code"] == "J01CA04")
    assert amoxicillin["_line"] == 80 and amoxicillin["route"] is None
    assert sum(r["atc_code"].startswith("J") for r in rows) == 90


def test_core_model_from_single_source_build(eu_db: Path) -> None:
    with duckdb.connect(str(eu_db), read_only=True) as con:
        columns = [r[0] for r in con.execute("DESCRIBE core.eu_critical_medicine").fetchall()]
        assert columns == [
            "atc_code",
            "atc_anatomical_group",
            "description",
            "route",
            "inclusion_date",
            "_source",
            "_snapshot",
            "_file",
            "_sha256",
            "_line",
        ]
        count, snapshot = con.execute(
            "SELECT count(*), max(_snapshot) FROM core.eu_critical_medicine"
        ).fetchone()
        assert (count, snapshot) == (299, date(2024, 12, 16))
        assert con.execute(
            "SELECT atc_anatomical_group, _file, _line FROM core.eu_critical_medicine "
            "WHERE atc_code = 'N02BE01'"
        ).fetchone() == ("N", "union_list_critical_atc5.csv", 245)


def test_official_workbook_skips_group_rows_and_keeps_names(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for row in (
        ["EMA/4040/2026"],
        [datetime(2026, 1, 19)],
        ["Union list of critical medicines - version 2.1"],
        [],
        [
            "ATC code",
            "ATC description\nThe Anatomical Therapeutic Chemical code: ...",
            "Route of administration",
            "Date of inclusion",
        ],
        ["J", "J - Antiinfectives for systemic use"],
        ["J01C", "J01C - Beta-lactam antibacterials"],
        ["J01CA04", "AMOXICILLIN", "oral use", datetime(2023, 12, 1)],
        ["R05CB01", "ACETYLCYSTEINE", "oral use", datetime(2024, 12, 16)],
    ):
        ws.append(row)
    path = tmp_path / "union_list.xlsx"
    wb.save(path)
    rows = _parse(path)
    assert [(r["atc_code"], r["description"], r["route"], r["inclusion_date"], r["_line"]) for r in rows] == [
        ("J01CA04", "AMOXICILLIN", "oral use", date(2023, 12, 1), 8),
        ("R05CB01", "ACETYLCYSTEINE", "oral use", date(2024, 12, 16), 9),
    ]


def test_malformed_atc_codes_are_all_reported_with_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "union_list_critical_atc5.csv"
    path.write_text("atc5\nJ01CA04\nJ01C04\nN02BE01\nJ01CA\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        _parse(path)
    problems = caught.value.problems
    assert [(p.line, p.field) for p in problems] == [(3, "atc5"), (5, "atc5")]
    assert problems[0].file == str(path)
    assert "'J01C04' is not an ATC level-5 code" in problems[0].message


def test_missing_header_names_the_column(tmp_path: Path) -> None:
    path = tmp_path / "union_list_critical_atc5.csv"
    path.write_text("code\nJ01CA04\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        _parse(path)
    assert (caught.value.problems[0].line, caught.value.problems[0].field) == (1, "atc5")
