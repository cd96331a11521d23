"""Orange Book on the real snapshot: counts, known records, the official zip with products, and bad input."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import local_file

from rxatlas.build import build
from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fda_orange_book import FdaOrangeBook
from rxatlas.sources.fetch import locate
from rxatlas.sources.validate import TableBuffer
from rxatlas.warehouse.load import parse_source

SOURCE = FdaOrangeBook()
# Three products.txt rows in the official layout, hand-made (the shared mirror has no products.txt).
PRODUCTS = (
    "Ingredient~DF;Route~Trade_Name~Applicant~Strength~Appl_Type~Appl_No~Product_No~TE_Code~Approval_Date~RLD~RS"
    "~Type~Applicant_Full_Name\r\n"
    "BUDESONIDE~AEROSOL, FOAM;RECTAL~UCERIS~SALIX~2MG/ACTUATION~N~205613~001~~Oct 7, 2014~Yes~Yes~RX"
    "~SALIX PHARMACEUTICALS INC\r\n"
    "MINOCYCLINE HYDROCHLORIDE~AEROSOL, FOAM;TOPICAL~AMZEEQ~JOURNEY~EQ 4% BASE~N~212379~001~~Oct 18, 2019~Yes"
    "~Yes~RX~JOURNEY MEDICAL CORP\r\n"
    "HYDROXYAMPHETAMINE HYDROBROMIDE~SOLUTION/DROPS;OPHTHALMIC~PAREDRINE~PHARMICS~1%~N~000004~004~"
    "~Approved Prior to Jan 1, 1982~No~No~DISCN~PHARMICS INC\r\n"
)


@pytest.fixture(scope="module")
def mirror_files(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, LocalFile]:
    return locate(SOURCE, str(data_dir), tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def buffers(mirror_files: dict[str, LocalFile]) -> dict[str, TableBuffer]:
    return parse_source(SOURCE, mirror_files)


def _rows(buffer: TableBuffer, **where: Any) -> list[dict[str, Any]]:
    return [r for r in buffer.to_arrow().to_pylist() if all(r[k] == v for k, v in where.items())]


def test_counts_match_the_snapshot(mirror_files: dict[str, LocalFile], buffers: dict[str, TableBuffer]) -> None:
    # The data README says 21,111 / 2,109 (a line count): the last record has no line break and is real.
    assert "product" not in mirror_files
    assert {name: len(b) for name, b in buffers.items()} == {"patent": 21_112, "exclusivity": 2_110, "product": 0}


def test_known_patents_and_exclusivities(buffers: dict[str, TableBuffer]) -> None:
    [first] = _rows(buffers["patent"], _line=2)
    assert (first["appl_type"], first["appl_no"], first["product_no"], first["patent_no"]) == (
        "N", "020610", "001", "7625884")
    assert (first["patent_expire_date"], first["patent_use_code"]) == (date(2026, 8, 24), "U-141")
    assert first["drug_substance_flag"] is None and first["delist_flag"] is None
    [flagged] = _rows(buffers["patent"], appl_no="018613", patent_no="7560445")
    assert (flagged["drug_substance_flag"], flagged["drug_product_flag"]) == (True, True)
    [last] = _rows(buffers["patent"], _line=21_113)
    assert (last["appl_no"], last["product_no"], last["patent_no"], last["patent_expire_date"]) == (
        "218490", "002", "10946015*PED", date(2027, 3, 11))  # the last line, without a line break
    [rto] = _rows(buffers["exclusivity"], _line=2)
    assert (rto["exclusivity_code"], rto["exclusivity_date"]) == ("RTO", date(2026, 7, 13))
    assert len(_rows(buffers["exclusivity"], appl_no="204026", product_no="001", exclusivity_code="PED")) == 2


def _official_zip(tmp_path: Path, data_dir: Path) -> Path:
    path = tmp_path / "EOBZIP_2026_05.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(data_dir / "fda_orange_book" / "patent_2026-05.txt", "patent.txt")
        zf.write(data_dir / "fda_orange_book" / "exclusivity_2026-05.txt", "exclusivity.txt")
        zf.writestr("products.txt", PRODUCTS)
    return path


def test_official_zip_parses_the_same_and_adds_products(
    tmp_path: Path, data_dir: Path, buffers: dict[str, TableBuffer]
) -> None:
    archive = _official_zip(tmp_path, data_dir)
    official = parse_source(SOURCE, {spec.name: local_file(archive, SOURCE.id, spec) for spec in SOURCE.files})
    for name in ("patent", "exclusivity"):
        columns = [*SOURCE.table(name).column_names, "_line"]
        assert official[name].to_arrow().select(columns) == buffers[name].to_arrow().select(columns)
    products = official["product"].to_arrow().to_pylist()
    assert [(p["appl_no"], p["trade_name"], p["approval_date"], p["approved_prior"], p["rld"]) for p in products] == [
        ("205613", "UCERIS", date(2014, 10, 7), False, True),
        ("212379", "AMZEEQ", date(2019, 10, 18), False, True),
        ("000004", "PAREDRINE", date(1982, 1, 1), True, False),
    ]


def test_ob_product_model_runs_only_when_products_are_present(
    tmp_path: Path, data_dir: Path, atlas_db: Path
) -> None:
    with duckdb.connect(str(atlas_db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.patent").fetchone() == (21_112,)
        assert con.execute("SELECT count(*) FROM core.exclusivity").fetchone() == (2_110,)
        assert con.execute(
            "SELECT appl_type, drug_substance, pediatric_extension FROM core.patent WHERE patent_no = '10946015*PED' "
            "AND product_no = '002'").fetchone() == ("NDA", False, True)
        assert con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'ob_product'"
                       ).fetchone() == (0,)
    mirror = tmp_path / "mirror" / "fda_orange_book"
    mirror.mkdir(parents=True)
    for name in ("patent_2026-05.txt", "exclusivity_2026-05.txt"):
        (mirror / name).symlink_to(data_dir / "fda_orange_book" / name)
    (mirror / "products_2026-05.txt").write_text(PRODUCTS)
    db = tmp_path / "ob.duckdb"
    build([SOURCE.id], db=db, mirror=str(mirror.parent), cache=tmp_path / "cache")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT appl_type, approved_before_1982, marketing_category FROM core.ob_product "
                       "WHERE appl_no = '000004'").fetchone() == ("NDA", True, "DISCN")


def _error(tmp_path: Path, table: str, text: bytes) -> SourceError:
    path = tmp_path / f"{table}.txt"
    path.write_bytes(text)
    spec = next(s for s in SOURCE.files if s.name == table)
    with pytest.raises(SourceError) as caught:
        list(SOURCE.parse_table(table, local_file(path, SOURCE.id, spec)))
    [problem] = caught.value.problems
    assert problem.file == str(path)
    return caught.value


HEADER = b"Appl_Type~Appl_No~Product_No~Exclusivity_Code~Exclusivity_Date\r\n"


def test_missing_column(tmp_path: Path) -> None:
    problem = _error(tmp_path, "exclusivity", HEADER.replace(b"~Exclusivity_Date", b"")).problems[0]
    assert (problem.line, problem.field) == (1, "Exclusivity_Date")


def test_truncated_file(tmp_path: Path) -> None:
    problem = _error(tmp_path, "exclusivity", HEADER + b"N~017031~001~RTO~Jul 13, 2026\r\nN~018680~0").problems[0]
    assert (problem.line, problem.field) == (3, "Exclusivity_Code")


def test_wrong_encoding(tmp_path: Path) -> None:
    text = HEADER + b"N~017031~001~RT\x81O~Jul 13, 2026\r\n"  # 0x81 is neither UTF-8 nor cp1252
    problem = _error(tmp_path, "exclusivity", text).problems[0]
    assert (problem.line, problem.field) == (2, "Exclusivity_Code")
