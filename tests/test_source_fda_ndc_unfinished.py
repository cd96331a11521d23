"""FDA NDC unfinished drugs: the real 2018 zip, ingredient splitting, the core model, and bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fda_ndc_unfinished import PACKAGE_HEADER, PRODUCT_HEADER, FdaNdcUnfinished, split_list
from rxatlas.warehouse.load import parse_source

SOURCE = FdaNdcUnfinished()
PRODUCT = ("0002-0485_6d8a935c-fc7b-44c6-92d1-2337b959d1ce\t0002-0485\tBULK INGREDIENT\tInsulin human\t"
           "CRYSTAL\t20150401\t\tBULK INGREDIENT\t{labeler}\t{substances}\t{strengths}\t{units}\t\t"
           "20181231\r\n")


def _zip(tmp_path: Path, members: dict[str, bytes]) -> LocalFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    path = tmp_path / "ndc_unfinished.zip"
    path.write_bytes(buffer.getvalue())
    return local_file(path, source=SOURCE.id, spec=SOURCE.files[0])


def _products(tmp_path: Path, *rows: str, encoding: str = "cp1252") -> LocalFile:
    header = "\t".join(PRODUCT_HEADER) + "\r\n"
    return _zip(tmp_path, {"unfinished_product.txt": (header + "".join(rows)).encode(encoding)})


def _product(labeler: str = "Eli Lilly and Company", substances: str = "INSULIN HUMAN", strengths: str = "1",
             units: str = "g/g") -> str:
    return PRODUCT.format(labeler=labeler, substances=substances, strengths=strengths, units=units)


def _error(file: LocalFile) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_source(SOURCE, {"ndc_unfinished": file})
    return caught.value


@pytest.fixture(scope="module")
def db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas: this source's raw tables as loaded from the real snapshot, with every model."""
    return atlas_con


def test_snapshot_row_counts(db: duckdb.DuckDBPyConnection) -> None:
    counts = [db.execute(f"SELECT count(*) FROM latest.fda_ndc_unfinished__{t}").fetchone()
              for t in ("product", "ingredient", "package")]
    assert counts == [(21_478,), (25_852,), (35_321,)]
    facts = db.execute("SELECT count(*) FILTER (WHERE product_type = 'BULK INGREDIENT'), "
                       "count(*) FILTER (WHERE substance_names IS NULL) "
                       "FROM latest.fda_ndc_unfinished__product")
    assert facts.fetchone() == (19_652, 136)


def test_core_model_columns(db: duckdb.DuckDBPyConnection) -> None:
    described = [(name, kind) for name, kind, *_ in db.execute("DESCRIBE core.bulk_ingredient").fetchall()]
    assert described == [
        ("product_id", "VARCHAR"), ("product_ndc", "VARCHAR"), ("product_type", "VARCHAR"),
        ("labeler_name", "VARCHAR"), ("ingredient_position", "BIGINT"), ("substance_name", "VARCHAR"),
        ("strength", "DOUBLE"), ("strength_unit", "VARCHAR"), ("nonproprietary_name", "VARCHAR"),
        ("dosage_form", "VARCHAR"), ("marketing_category", "VARCHAR"), ("dea_schedule", "VARCHAR"),
        ("start_marketing_date", "DATE"), ("end_marketing_date", "DATE"),
        ("listing_certified_through", "DATE"),
        ("_source", "VARCHAR"), ("_snapshot", "DATE"), ("_file", "VARCHAR"), ("_sha256", "VARCHAR"),
        ("_line", "BIGINT"),
    ]
    # one row per ingredient, and one for each of the 136 listings that name no substance
    assert db.execute("SELECT count(*), count(substance_name) FROM core.bulk_ingredient").fetchone() \
        == (25_988, 25_852)


def test_known_products_in_core(db: duckdb.DuckDBPyConnection) -> None:
    insulin = db.execute(
        "SELECT labeler_name, substance_name, strength, strength_unit, dosage_form, marketing_category, "
        "start_marketing_date::VARCHAR, _line FROM core.bulk_ingredient "
        "WHERE product_ndc = '0002-0485'").fetchall()
    assert insulin == [("Eli Lilly and Company", "INSULIN HUMAN", 1.0, "g/g", "CRYSTAL", "BULK INGREDIENT",
                        "2015-04-01", 2)]
    polymer = db.execute("SELECT substance_name, strength, strength_unit FROM core.bulk_ingredient "
                         "WHERE product_ndc = '71028-0031'").fetchall()
    assert polymer == [("POLY(METHYL METHACRYLATE; 450000 MW)", 70.0, "kg/100kg")]
    weleda = db.execute("SELECT DISTINCT labeler_name FROM core.bulk_ingredient "
                        "WHERE labeler_name LIKE 'Weleda A.G.%'")
    assert weleda.fetchall() == [("Weleda A.G. Schwäbisch Gmünd, Zweigniederlassung der Weled",)]


def test_multi_ingredient_product_keeps_list_order(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute(
        "SELECT ingredient_position, substance_name, strength, strength_unit FROM core.bulk_ingredient "
        "WHERE substance_name LIKE 'PANCRELIPASE%' AND product_id = (SELECT min(product_id) FROM "
        "core.bulk_ingredient WHERE substance_name = 'PANCRELIPASE AMYLASE' AND strength = 42000) "
        "ORDER BY ingredient_position").fetchall()
    assert rows == [(1, "PANCRELIPASE LIPASE", 10000.0, "[USP'U]/1"), (2, "PANCRELIPASE PROTEASE", 32000.0,
                     "[USP'U]/1"), (3, "PANCRELIPASE AMYLASE", 42000.0, "[USP'U]/1")]


def test_split_list_respects_parentheses() -> None:
    assert split_list("A; B (1; 2); C[x;y] ;") == ["A", "B (1; 2)", "C[x;y]"]
    assert split_list("") == []


def test_zip_without_packages_loads_products(tmp_path: Path) -> None:
    buffers = parse_source(SOURCE, {"ndc_unfinished": _products(tmp_path, _product())})
    assert {name: len(b) for name, b in buffers.items()} == {"product": 1, "ingredient": 1, "package": 0}


def test_corrupt_zip(tmp_path: Path) -> None:
    path = tmp_path / "ndc_unfinished.zip"
    path.write_bytes(b"PK\x03\x04" + b"cut short" * 20)
    problem = _error(local_file(path, source=SOURCE.id, spec=SOURCE.files[0])).problems[0]
    assert problem.file == str(path) and "not a readable zip archive" in problem.message


def test_missing_column_names_the_field(tmp_path: Path) -> None:
    header = "\t".join(k for k in PACKAGE_HEADER if k != "NDCPACKAGECODE") + "\r\n"
    header_row = "\t".join(PRODUCT_HEADER) + "\r\n"
    file = _zip(tmp_path, {"unfinished_product.txt": (header_row + _product()).encode(),
                           "unfinished_package.txt": header.encode()})
    problem = _error(file).problems[0]
    assert (problem.file, problem.line, problem.field) == (str(file.path), 1, "NDCPACKAGECODE")


def test_undecodable_bytes_name_line_and_field(tmp_path: Path) -> None:
    file = _products(tmp_path, _product(), _product(labeler="Bad\x81Labeler"), encoding="latin-1")
    problem = _error(file).problems[0]
    assert (problem.file, problem.line, problem.field) == (str(file.path), 3, "LABELERNAME")


def test_mismatched_ingredient_lists_name_line_and_field(tmp_path: Path) -> None:
    file = _products(tmp_path, _product(substances="A; B", strengths="1; 2; 3", units="g/g; g/g"))
    problem = _error(file).problems[0]
    assert (problem.file, problem.line, problem.field) == (str(file.path), 2, "ACTIVE_NUMERATOR_STRENGTH")


def test_bad_date_names_line_and_field(tmp_path: Path) -> None:
    bad_date = _product().replace("20150401", "2015-04-01")
    file = _products(tmp_path, _product(), bad_date.replace("0002-0485_", "0002-0486_"))
    assert [(p.line, p.field) for p in _error(file).problems] == [(3, "start_marketing_date")]


def test_non_numeric_strength_names_line_and_field(tmp_path: Path) -> None:
    file = _products(tmp_path, _product(substances="A; B", strengths="1; one", units="g/g; g/g"))
    assert [(p.line, p.field) for p in _error(file).problems] == [(2, "strength")]
