"""GEM essential medicines lists: long raw tables from the wide file, ISO2 country mapping, bad values."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.emls_gem import EmlsGem
from rxatlas.warehouse.load import parse_source

SOURCE = EmlsGem()
SPEC = SOURCE.files[0]
HEADER = "medicine,ATC code primary,ATC code secondary,India,Kenya\n"


def _parse(path: Path) -> None:
    parse_source(SOURCE, {SPEC.name: local_file(path, SOURCE.id, SPEC)})


@pytest.fixture(scope="module")
def gem_db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas, built from every source of the real snapshot."""
    return atlas_con


def test_raw_tables_hold_every_medicine_and_country(gem_db: duckdb.DuckDBPyConnection) -> None:
    assert gem_db.execute("SELECT count(*) FROM raw.emls_gem__medicine").fetchone() == (2068,)
    assert gem_db.execute(
        "SELECT count(*), count(DISTINCT country), count(*) FILTER (WHERE listed) FROM raw.emls_gem__listing"
    ).fetchone() == (2068 * 137, 137, 50286)
    assert gem_db.execute(
        "SELECT count(*) FROM raw.emls_gem__medicine WHERE atc_primary IS NULL"
    ).fetchone() == (77,)
    assert gem_db.execute(
        "SELECT atc_primary, atc_secondary, _line FROM raw.emls_gem__medicine "
        "WHERE medicine = 'Lidocaine (Lignocaine, Xylocaine)'"
    ).fetchone() == ("C05AD01", ["C01BB01", "D04AB01", "S02DA01"], 1064)


def test_every_country_maps_to_iso2(gem_db: duckdb.DuckDBPyConnection) -> None:
    assert gem_db.execute(
        "SELECT count(*) FROM core.essential_medicine WHERE country_iso2 IS NULL"
    ).fetchone() == (0,)
    assert gem_db.execute("SELECT count(DISTINCT country_iso2) FROM core.essential_medicine").fetchone() == (
        137,
    )
    mapped = dict(
        gem_db.execute("SELECT DISTINCT country, country_iso2 FROM core.essential_medicine").fetchall()
    )
    assert mapped["Democratic Peoples Republic of Korea"] == "KP"
    assert mapped["The former Yugoslav Republic of Macedonia"] == "MK"
    assert mapped["Congo"] == "CG" and mapped["Democratic Republic of Congo"] == "CD"
    assert "KR" not in mapped.values()


def test_core_model_one_row_per_listed_medicine_and_country(gem_db: duckdb.DuckDBPyConnection) -> None:
    columns = [r[0] for r in gem_db.execute("DESCRIBE core.essential_medicine").fetchall()]
    assert columns == [
        "medicine",
        "atc_code",
        "atc_level",
        "atc_codes_secondary",
        "country",
        "country_iso2",
        "_source",
        "_snapshot",
        "_file",
        "_sha256",
        "_line",
    ]
    assert gem_db.execute("SELECT count(*) FROM core.essential_medicine").fetchone() == (50286,)
    assert gem_db.execute(
        "SELECT count(*) FROM core.essential_medicine WHERE country_iso2 = 'IN'"
    ).fetchone() == (368,)
    assert gem_db.execute(
        "SELECT atc_code, atc_level, _file, _line FROM core.essential_medicine "
        "WHERE medicine = 'Amoxicillin' AND country_iso2 = 'IN'"
    ).fetchone() == ("J01CA04", 5, "gem_national_emls_137_countries.csv", 84)


def test_mistyped_atc_code_is_kept_but_has_no_level(gem_db: duckdb.DuckDBPyConnection) -> None:
    rows = gem_db.execute(
        "SELECT DISTINCT atc_code, atc_level FROM core.essential_medicine WHERE medicine = 'Isosorbide'"
    ).fetchall()
    assert rows == [("CO1DA", None)]


def test_value_other_than_0_or_1_names_line_and_country(tmp_path: Path) -> None:
    path = tmp_path / "gem.csv"
    path.write_text(HEADER + "Abacavir,J05AF06,,1,0\nAcarbose,A10BF01,,yes,1\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        _parse(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), 3, "India")


def test_duplicate_medicine_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "gem.csv"
    path.write_text(HEADER + "Abacavir,J05AF06,,1,0\nAbacavir,J05AF06,,1,1\n", encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        _parse(path)
    assert {(p.line, p.field) for p in caught.value.problems} == {(3, "medicine")}
