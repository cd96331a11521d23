"""DoD 1260H: the real editions file (OpenSanctions transcription), entry ids, editions to rows, bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.dod_1260h import Dod1260h
from rxatlas.warehouse.load import parse_source

SOURCE = Dod1260h()
SNAPSHOT = "dod_1260h/dod_1260h_editions_2021-2026-06-08.csv"
LATEST = date(2026, 6, 8)


def _file(path: Path) -> LocalFile:
    return local_file(path, source=SOURCE.id, spec=SOURCE.files[0])


@pytest.fixture(scope="module")
def db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas: this source's raw tables as loaded from the real snapshot, with every model."""
    return atlas_con


def test_snapshot_loads_every_listing_row(data_dir: Path) -> None:
    table = parse_source(SOURCE, {"editions": _file(data_dir / SNAPSHOT)})["listing"].to_arrow()
    assert table.num_rows == 397
    assert len(set(table.column("entry_id").to_pylist())) == 221
    starts = table.column("start_date").to_pylist()
    assert {d: starts.count(d) for d in set(starts)} == {
        date(2021, 6, 3): 47, date(2022, 10, 5): 13, date(2024, 1, 31): 16, date(2025, 1, 7): 133, LATEST: 188}


def test_licence_is_declared() -> None:
    assert "CC BY-NC 4.0" in SOURCE.licence
    assert any("must not redistribute" in q for q in SOURCE.quirks)


def test_pharma_companies_in_latest_edition(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        "SELECT entry_id, name, aliases, parents, listed_from, listed_to, source_url IS NOT NULL "
        "FROM core.watchlist_entry WHERE list_id = 'us_dod_1260h' AND listed_from = ? "
        "AND entry_id IN ('wuxiappteccoltd', 'bgigenomicscoltd', 'mgitechcoltd', 'bgigroup') ORDER BY 1",
        [LATEST]).fetchall()
    assert rows == [
        ("bgigenomicscoltd", "BGI Genomics Co., Ltd.", ["BGI"], ["BGI Group"], LATEST, None, True),
        ("bgigroup", "BGI Group", [], [], LATEST, None, True),
        ("mgitechcoltd", "MGI Tech Co., Ltd.", ["MGI"], [], LATEST, None, True),
        ("wuxiappteccoltd", "WuXi AppTec Co., Ltd.", ["WuXi AppTec"], [], LATEST, None, True),
    ]


def test_editions_chain_into_ranges(db: duckdb.DuckDBPyConnection) -> None:
    bgi = db.execute("SELECT listed_from, listed_to FROM core.watchlist_entry "
                     "WHERE entry_id = 'bgigenomicscoltd' ORDER BY listed_from").fetchall()
    assert bgi == [(date(2022, 10, 5), date(2025, 1, 7)), (date(2025, 1, 7), LATEST), (LATEST, None)]
    renamed = db.execute("SELECT name, aliases, listed_from FROM core.watchlist_entry WHERE entry_id = "
                         "'zhonghangelectronicmeasuringinstrumentscompanylimited' ORDER BY listed_from").fetchall()
    assert renamed[-1] == ("AVIC Chengdu Aircraft Co., Ltd.",
                           ["Zhonghang Electronic Measuring Instruments Company Limited", "ZEMIC"], LATEST)
    ranges = db.execute("SELECT listed_from, listed_to, count(*) FROM core.watchlist_entry "
                        "WHERE list_id = 'us_dod_1260h' GROUP BY ALL ORDER BY ALL").fetchall()
    assert ranges == [
        (date(2021, 6, 3), date(2024, 1, 31), 2), (date(2021, 6, 3), date(2025, 1, 7), 44),
        (date(2021, 6, 3), LATEST, 1), (date(2022, 10, 5), date(2024, 1, 31), 1),
        (date(2022, 10, 5), date(2025, 1, 7), 12), (date(2024, 1, 31), date(2025, 1, 7), 16),
        (date(2025, 1, 7), date(2026, 2, 17), 12), (date(2025, 1, 7), LATEST, 121), (LATEST, None, 188),
    ]


def test_missing_column_names_file_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "dod_1260h_editions_bad.csv"
    bad.write_text((data_dir / SNAPSHOT).read_text(encoding="utf-8").replace("Start date", "Start", 1),
                   encoding="utf-8")
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, {"editions": _file(bad)})
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 1, "Start date")


def test_bad_date_names_file_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    lines = (data_dir / SNAPSHOT).read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "dod_1260h_editions_bad.csv"
    bad.write_text("".join(lines[:2]) + lines[2].replace("2024-01-31", "31/01/2024", 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, {"editions": _file(bad)})
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 3, "start_date")


def test_wrong_encoding_names_file_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    lines = (data_dir / SNAPSHOT).read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "dod_1260h_editions_cp1252.csv"
    bad.write_bytes("".join(lines[:9]).encode() + lines[9].encode("cp1252"))
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, {"editions": _file(bad)})
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 10, "Name")
