"""FDA compliance: the real dashboard and warning-letter exports, core.compliance_event, and bad input."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fda_compliance import FdaCompliance
from rxatlas.warehouse.load import parse_source

SOURCE = FdaCompliance()
FOLDER = "fda_compliance"
NAMES = {"compliance_actions": "compliance_actions_2024-12.csv", "published_483s": "published_483s_2024-12.csv",
         "warning_letters": "warning_letters_2026-03.csv"}
CORE_COLUMNS = [
    ("event_id", "VARCHAR"), ("event_type", "VARCHAR"), ("fei", "VARCHAR"), ("firm_name", "VARCHAR"),
    ("country_iso2", "VARCHAR"), ("event_date", "DATE"), ("action", "VARCHAR"), ("product_type", "VARCHAR"),
    ("center_or_office", "VARCHAR"), ("is_drug", "BOOLEAN"), ("_source", "VARCHAR"), ("_snapshot", "DATE"),
    ("_file", "VARCHAR"), ("_sha256", "VARCHAR"), ("_line", "BIGINT"),
]


def _files(data_dir: Path, **replaced: Path) -> dict[str, LocalFile]:
    specs = {s.name: s for s in SOURCE.files}
    return {name: local_file(replaced.get(name, data_dir / FOLDER / file), source=SOURCE.id, spec=specs[name])
            for name, file in NAMES.items()}


@pytest.fixture(scope="module")
def db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas: this source's raw tables as loaded from the real snapshot, with every model."""
    return atlas_con


def test_snapshots_load_every_row(data_dir: Path) -> None:
    buffers = parse_source(SOURCE, _files(data_dir))
    counts = {name: len(buffer) for name, buffer in buffers.items()}
    assert counts == {"compliance_actions": 4_233, "published_483s": 1_723, "warning_letters": 3_374}
    first = buffers["compliance_actions"].to_arrow().slice(2, 1).to_pylist()[0]
    assert first["legal_name"] == "Laboratorio Magnachem International, S.A."
    assert first["state"] is None and first["country_area"] is None and first["_line"] == 4


def test_compliance_action_with_fei_and_country(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute(
        "SELECT event_type, fei, firm_name, country_iso2, event_date, action, product_type, center_or_office, "
        "is_drug, _line FROM core.compliance_event WHERE event_id = 'compliance_action:684435:3030805935'"
    ).fetchone()
    assert row == ("compliance_action", "3030805935", "Ozempen.com", "US", date(2024, 6, 27), "Warning Letter",
                   "Drugs", None, True, 3)


def test_country_names_map_to_iso2(db: duckdb.DuckDBPyConnection) -> None:
    unmapped = db.execute(
        "SELECT count(*) FROM latest.fda_compliance__compliance_actions a JOIN core.compliance_event e "
        "ON e.event_id = 'compliance_action:' || a.case_id || ':' || a.fei "
        "WHERE a.country_area IS NOT NULL AND e.country_iso2 IS NULL").fetchone()
    assert unmapped == (0,)
    by_name = dict(db.execute(
        "SELECT DISTINCT a.country_area, e.country_iso2 FROM latest.fda_compliance__compliance_actions a "
        "JOIN core.compliance_event e ON e.event_id = 'compliance_action:' || a.case_id || ':' || a.fei "
        "WHERE a.country_area IN ('Taiwan', 'Turkey', 'Russia', 'Czech Republic', 'India')").fetchall())
    assert by_name == {"Taiwan": "TW", "Turkey": "TR", "Russia": "RU", "Czech Republic": "CZ", "India": "IN"}
    aliases = dict(db.execute(
        "SELECT alias, iso2 FROM core.country_alias WHERE alias IN "
        "('korea (the republic of)', 'taiwan', 'south korea', 'viet nam')").fetchall())
    assert aliases == {"korea (the republic of)": "KR", "taiwan": "TW", "south korea": "KR", "viet nam": "VN"}
    assert db.execute("SELECT count(*) FROM (SELECT alias FROM core.country_alias GROUP BY alias "
                      "HAVING count(*) > 1)").fetchone() == (0,)


def test_events_by_type(db: duckdb.DuckDBPyConnection) -> None:
    counts = db.execute(
        "SELECT event_type, count(*), count(DISTINCT event_id), count(fei), count(country_iso2), "
        "count(*) FILTER (WHERE is_drug), count(*) FILTER (WHERE NOT is_drug) "
        "FROM core.compliance_event GROUP BY 1 ORDER BY 1").fetchall()
    assert counts == [
        ("compliance_action", 4_233, 4_233, 4_233, 4_141, 2_341, 1_892),
        ("form_483", 1_723, 1_723, 1_699, 0, 832, 41),
        ("warning_letter", 3_374, 3_374, 0, 0, 1_040, 2_334),
    ]


def test_warning_letter_drug_rule(db: duckdb.DuckDBPyConnection) -> None:
    rows = dict(db.execute(
        "SELECT event_id, is_drug FROM core.compliance_event WHERE event_id IN ("
        "'warning_letter:patcos-cosmetics-pvt-ltd-718220-03122026', "
        "'warning_letter:apothecary-pharma-llc-717972-12012025')").fetchall())
    assert rows == {"warning_letter:patcos-cosmetics-pvt-ltd-718220-03122026": True,
                    "warning_letter:apothecary-pharma-llc-717972-12012025": True}
    tobacco = db.execute("SELECT bool_or(is_drug), count(*) FROM core.compliance_event "
                         "WHERE center_or_office = 'Center for Tobacco Products'").fetchone()
    assert tobacco == (False, 1_175)
    imports = db.execute("SELECT DISTINCT is_drug FROM core.compliance_event "
                         "WHERE center_or_office LIKE '%Imports'").fetchall()
    assert imports == [(False,)]
    no_office = db.execute(
        "SELECT action, is_drug FROM core.compliance_event WHERE event_type = 'warning_letter' "
        "AND center_or_office IS NULL GROUP BY ALL ORDER BY 1").fetchall()
    assert no_office == [("Finished Pharmaceuticals/Unapproved New Drug/Misbranded", True),
                         ("Unlawful Sale of Unapproved and Misbranded Drugs to United States Consumers Over the "
                          "Internet", True)]


def test_core_columns_are_exactly_the_contract(db: duckdb.DuckDBPyConnection) -> None:
    columns = db.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'core' AND table_name = 'compliance_event' ORDER BY ordinal_position").fetchall()
    assert columns == CORE_COLUMNS


def test_missing_column_names_file_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    text = (data_dir / FOLDER / NAMES["published_483s"]).read_text(encoding="utf-8")
    bad = tmp_path / "published_483s_bad.csv"
    bad.write_text(text.replace("Record ID", "Record", 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, _files(data_dir, published_483s=bad))
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 1, "Record ID")


def test_wrong_encoding_names_file_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    lines = (data_dir / FOLDER / NAMES["warning_letters"]).read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "warning_letters_latin1.csv"
    latin1 = lines[6].replace(",Trangs Group", ",Trangs Groupé", 1).encode("latin-1")
    bad.write_bytes("".join(lines[:6]).encode() + latin1)
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, _files(data_dir, warning_letters=bad))
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 7, "company")
    assert "not valid utf-8" in problem.message


def test_truncated_gzip_names_the_line(data_dir: Path, tmp_path: Path) -> None:
    data = gzip.compress((data_dir / FOLDER / NAMES["compliance_actions"]).read_bytes())
    bad = tmp_path / "compliance_actions_cut.csv.gz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, _files(data_dir, compliance_actions=bad))
    problem = err.value.problems[0]
    assert problem.file == str(bad) and problem.line is not None and problem.line > 1
    assert "truncated" in problem.message


def test_bad_date_names_file_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    lines = (data_dir / FOLDER / NAMES["compliance_actions"]).read_text(encoding="utf-8").splitlines(keepends=True)
    bad = tmp_path / "compliance_actions_bad.csv"
    bad.write_text("".join(lines[:2]) + lines[2].replace("2024-06-27", "27/06/2024", 1), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, _files(data_dir, compliance_actions=bad))
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 3, "action_taken_date")
