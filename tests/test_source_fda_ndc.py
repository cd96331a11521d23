"""FDA NDC directory of finished drugs (optional; not in the shared mirror): parsing the official layout, the
core model's market of each listing, and what the market scope makes of it. The zip is hand-made in the official
layout (ndctext.zip's product.txt), since no real copy is in the offline snapshot."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import local_file

from rxatlas.build import all_steps
from rxatlas.errors import SourceError
from rxatlas.sources.fda_ndc import FdaNdc
from rxatlas.supply.scope import decide
from rxatlas.warehouse.duck import DuckDBEngine
from rxatlas.warehouse.load import ensure_meta, parse_source, store
from rxatlas.warehouse.steps import run_steps

SOURCE = FdaNdc()
HEADER = ("PRODUCTID\tPRODUCTNDC\tPRODUCTTYPENAME\tPROPRIETARYNAME\tPROPRIETARYNAMESUFFIX\tNONPROPRIETARYNAME\t"
          "DOSAGEFORMNAME\tROUTENAME\tSTARTMARKETINGDATE\tENDMARKETINGDATE\tMARKETINGCATEGORYNAME\t"
          "APPLICATIONNUMBER\tLABELERNAME\tSUBSTANCENAME\tACTIVE_NUMERATOR_STRENGTH\tACTIVE_INGRED_UNIT\t"
          "PHARM_CLASSES\tDEASCHEDULE\tNDC_EXCLUDE_FLAG\tLISTING_RECORD_CERTIFIED_THROUGH\r\n")
ROWS = (
    # an unapproved prescription spray of three local anaesthetics
    "10223-0201_a1\t10223-0201\tHUMAN PRESCRIPTION DRUG\tCetacaine\t\tBenzocaine, Butamben, Tetracaine "
    "Hydrochloride\tSPRAY\tTOPICAL\t19600101\t\tUNAPPROVED DRUG OTHER\t\tCetylite Industries, Inc.\t"
    "BENZOCAINE; BUTAMBEN; TETRACAINE HYDROCHLORIDE\t14; 2; 2\tg/100g; g/100g; g/100g\t"
    "Amide Local Anesthetic [EPC]\t\tN\t20271231\r\n",
    # an OTC monograph product, and one whose marketing ended
    "0067-8120_b2\t0067-8120\tHUMAN OTC DRUG\tOrajel\t\tBenzocaine\tGEL\tORAL\t20100101\t\t"
    "OTC MONOGRAPH DRUG\tM022\tHaleon US Holdings LLC\tBENZOCAINE\t20\tg/100g\t\t\tN\t20271231\r\n",
    "0067-8121_c3\t0067-8121\tHUMAN OTC DRUG\tOrajel Old\t\tBenzocaine\tGEL\tORAL\t20100101\t20200101\t"
    "OTC MONOGRAPH DRUG\tM022\tHaleon US Holdings LLC\tBENZOCAINE\t10\tg/100g\t\t\tN\t20271231\r\n",
    # a CBER allergenic extract, and a homeopathic listing of the same plant
    "36987-1001_d4\t36987-1001\tNON-STANDARDIZED ALLERGENIC\tTobacco Leaf\t\tTobacco Leaf\tINJECTION, SOLUTION\t"
    "INTRADERMAL; SUBCUTANEOUS\t19720101\t\tBLA\tBLA102192\tNelco Laboratories, Inc.\tTOBACCO LEAF\t0.05\t"
    "g/mL\tStandardized Plant Allergenic Extract [EPC]\t\tN\t20271231\r\n",
    "57955-4062_e5\t57955-4062\tHUMAN OTC DRUG\tCalm\t\tTabacum\tLIQUID\tORAL\t20150911\t\t"
    "UNAPPROVED HOMEOPATHIC\t\tKing Bio Inc.\tTOBACCO LEAF\t6\t[hp_C]/L\t\t\tN\t20271231\r\n",
)


def _zip(tmp_path: Path, product_txt: str) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("product.txt", product_txt.encode("utf-8"))
        zf.writestr("package.txt", "PRODUCTID\tPRODUCTNDC\tNDCPACKAGECODE\tPACKAGEDESCRIPTION\r\n")
    path = tmp_path / "ndctext_2026-11-30.zip"
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture()
def engine(tmp_path: Path) -> DuckDBEngine:
    """An atlas holding only the hand-made directory, with every model that can run on it built."""
    file = local_file(_zip(tmp_path, HEADER + "".join(ROWS)), source=SOURCE.id, spec=SOURCE.files[0])
    engine = DuckDBEngine(tmp_path / "atlas.duckdb")
    ensure_meta(engine)
    store(engine, SOURCE, {"ndc": file}, parse_source(SOURCE, {"ndc": file}))
    run_steps(engine, all_steps())
    return engine


def test_listings_are_split_per_ingredient_with_their_market(engine: DuckDBEngine) -> None:
    rows = engine.rows("SELECT product_ndc, substance_name, market, current, marketing_category, route "
                       "FROM core.ndc_product ORDER BY product_ndc, ingredient_position")
    assert [(r["product_ndc"], r["substance_name"], r["market"], r["current"]) for r in rows] == [
        ("0067-8120", "BENZOCAINE", "otc", True),
        ("0067-8121", "BENZOCAINE", "otc", False),   # marketing ended in 2020
        ("10223-0201", "BENZOCAINE", "rx", True),
        ("10223-0201", "BUTAMBEN", "rx", True),
        ("10223-0201", "TETRACAINE HYDROCHLORIDE", "rx", True),
        ("36987-1001", "TOBACCO LEAF", "rx", True),   # a CBER allergenic is a prescription product
        ("57955-4062", "TOBACCO LEAF", "homeopathic", True),
    ]
    assert rows[2]["route"] == "TOPICAL"


def test_no_file_loads_nothing_and_builds_no_table(tmp_path: Path) -> None:
    engine = DuckDBEngine(tmp_path / "atlas.duckdb")
    ensure_meta(engine)
    store(engine, SOURCE, {}, parse_source(SOURCE, {}))
    run_steps(engine, all_steps())
    assert not engine.exists("core.ndc_product")


def test_a_missing_column_names_the_file(tmp_path: Path) -> None:
    bad = local_file(_zip(tmp_path, HEADER.replace("\tPHARM_CLASSES", "") + ROWS[1]), source=SOURCE.id,
                     spec=SOURCE.files[0])
    with pytest.raises(SourceError, match="PHARM_CLASSES"):
        parse_source(SOURCE, {"ndc": bad})


BASE = {"tags": ["INN", "USP MONOGRAPH", "VANDF"], "rx_products": 0, "otc_products": 0, "products": 0,
        "rx_example": None, "otc_example": None, "any_example": None, "rx_biologics": 0, "otc_biologics": 0,
        "biologic_example": None, "current_shortages": 0, "shortage_example": None, "homeopathic_evidence": 0,
        "evidence": 2, "animal_only_listings": 0, "last_dmf_year": 2010, "newest_dmf_year": 2025,
        "related_rx": None, "ndc_rx": 0, "ndc_otc": 0, "ndc_rx_example": None, "ndc_otc_example": None}


def test_a_prescription_listing_makes_the_substance_us_human_rx() -> None:
    assert decide(BASE).scope == "not_marketed_in_us"   # a medicine name, no product known
    listed = decide({**BASE, "ndc_rx": 1, "ndc_otc": 1,
                     "ndc_rx_example": "Cetacaine (NDC 10223-0201, UNAPPROVED DRUG OTHER)"})
    assert (listed.scope, listed.confidence) == ("us_human_rx", "high") and "Cetacaine" in listed.evidence
    assert decide({**BASE, "ndc_otc": 1, "ndc_otc_example": "Orajel (NDC 0067-8120, OTC MONOGRAPH DRUG)"}) \
        == ("us_human_otc", "NDC directory over-the-counter listing Orajel (NDC 0067-8120, OTC MONOGRAPH DRUG)",
            "high")


def test_the_recent_dmf_inference_is_marked_low_confidence() -> None:
    inferred = decide({**BASE, "tags": ["INN", "USAN"], "last_dmf_year": 2024})
    assert (inferred.scope, inferred.confidence) == ("us_human_rx", "low")
