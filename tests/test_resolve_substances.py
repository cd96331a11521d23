"""Substance mapping on the real snapshot: DMF subjects classified and mapped to moiety UNIIs, measured on the
hand-labelled dev set, with known salts, hydrates, esters, false salts, typos and non-substances."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import EVAL

from rxatlas.resolve.substances import KINDS, MAPPING_COLUMNS, map_subjects
from rxatlas.warehouse.duck import DuckDBEngine


@pytest.fixture(scope="module")
def engine(atlas_db: Path) -> Iterator[DuckDBEngine]:
    """The full atlas (read-only): its dmf_substance step mapped every DMF; map_subjects maps more in temp tables."""
    with DuckDBEngine(atlas_db, read_only=True) as opened:
        yield opened


@pytest.fixture(scope="module")
def dev(engine: DuckDBEngine) -> list[tuple[dict[str, str], dict[str, str | None]]]:
    """The dev set rows beside what map_subjects says about their subjects."""
    with (EVAL / "dmf_subject_substance_dev.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    mapped = map_subjects(engine, pa.table({"dmf": [r["dmf"] for r in rows] + ["none"],
                                            "subject": [r["subject"] for r in rows] + [None]}))
    return list(zip([*rows, {"kind": "none"}], mapped.to_pylist(), strict=True))


def test_dev_set_api_subjects_map_to_an_acceptable_moiety(dev: list) -> None:
    api = [(r, m) for r, m in dev if r["kind"] == "api"]
    right = sum(m["unii"] in set(r["acceptable_uniis"].split(";")) for r, m in api)
    wrong = [(r["subject"], m["unii"]) for r, m in api
             if m["unii"] and m["unii"] not in set(r["acceptable_uniis"].split(";"))]
    print(f"dev api subjects: {right} of {len(api)} mapped to an acceptable UNII, {len(wrong)} to a wrong one")
    assert len(api) == 65
    assert right / len(api) >= 0.95
    assert len(wrong) / len(api) <= 0.02, wrong


def test_dev_set_kinds_are_recognised_per_class(dev: list) -> None:
    by_kind: dict[str, list[bool]] = {}
    for r, m in dev:
        by_kind.setdefault(r["kind"], []).append(m["kind"] == r["kind"])
    accuracy = {k: sum(v) / len(v) for k, v in by_kind.items()}
    print(f"dev kind accuracy: {accuracy}")
    assert min(accuracy[k] for k in ("other", "intermediate", "multi")) >= 0.9
    assert accuracy["api"] >= 0.95


def test_every_dmf_gets_a_kind_and_unmapped_rows_say_why(engine: DuckDBEngine) -> None:
    counts = dict(engine.con.sql("SELECT kind, count(*) FROM core.dmf_substance GROUP BY kind").fetchall())
    assert sum(counts.values()) == 39_428 and set(counts) <= set(KINDS)
    assert engine.scalar("SELECT count(*) FROM core.dmf_substance WHERE unii IS NULL AND reason IS NULL") == 0
    assert engine.scalar("SELECT count(*) FROM core.dmf_substance WHERE kind = 'api' AND unii IS NULL") == 0
    assert engine.scalar(
        "SELECT count(*) FROM core.dmf_substance WHERE _source <> 'fda_dmf' OR _line IS NULL") == 0


def test_coverage_of_active_type_ii_dmfs(engine: DuckDBEngine) -> None:
    share = engine.scalar(
        "SELECT avg(CASE WHEN s.kind = 'api' AND s.unii IS NOT NULL THEN 1.0 ELSE 0 END) "
        "FROM core.dmf_substance s JOIN core.dmf d USING (dmf) WHERE d.active AND d.type = 'II'")
    assert share > 0.88


MOIETIES = [
    ("ATORVASTATIN CALCIUM (FORM P) USP, SEMICRYSTALLINE", "A0JWA85V8F", "48A5M73Z4Q"),
    ("TIMOLOL MALEATE", "5JKY92S7BR", "P8Y54F701R"),          # hydrate trap: TIMOLOL is the hemihydrate
    ("SODIUM PHENYLBUTYRATE USP", "7WY7YBI87E", "NT6K61736T"),  # cation first, acid as moiety
    ("DABIGATRAN ETEXILATE MESYLATE", "2E18WX195X", "SC7NUW5IIT"),  # prodrug ester kept
    ("TESTOSTERONE CYPIONATE USP", "M0XW1UBI14", None),
    ("DIMETHYL FUMARATE", "FO2303MNI2", None),                  # salt words that are not a salt
    ("POTASSIUM IODIDE USP", "1C4QK22F9J", None),
    ("ISOSORBIDE MONONITRATE, DILUTED", "LX1OH63030", None),
    ("SODIUM TETRADECYL SULFATE", "Q1SUG5KBD6", None),
    ("DOUTEGRAVIR SODIUM DRUG SUBSTANCE (MON-STERILE)", "DKO1W9H7M1", "1Q1V9V5WYQ"),
    ("GABEPENTIN USP", "6CW7F3G59X", None),
    ("METFORMIN HCI", "9100L32L2N", "786Z46389E"),
    # solvates named by their solvent without the word SOLVATE, and counter-ions too rare to be learnt
    ("DAPAGLIFLOZIN PROPANEDIOL MONOHYDRATE USP", "1ULL0QJ8UC", "887K2391VH"),
    ("TRAMETINIB DIMETHYL SULFOXIDE", "33E86K87QN", "BSB9VJ5TUT"),
    ("TUCATINIB HEMIETHANOLATE", "234248D0HH", "CDZ29KT2FT"),
    ("VILANTEROL TRIFENATATE", "028LZY775B", "40AHO2C6DG"),
    ("CABOZANTINIB (S)-MALATE", "1C39JW444G", "DR7ST46X58"),
    ("DICLOFENAC EPOLAMINE", "144O8QL0L1", "X5F8EKL9ZG"),
]
KINDS_OF = [
    ("DCI", "other"),                               # a UNII name by accident (dichloroisoproterenol)
    ("LAPS CARRIER", "other"),
    ("NMAB PRO PROTEIN A AFFINITY RESIN", "other"),  # PROTEIN A is also a drug's synonym
    ("T7 RNA POLYMERASE GMP-GRADRE (LOW DSDNA)", "other"),
    ("NICOTINE POLACRILEX RESIN", "api"),           # a drug resin stays a drug
    ("HEPARIN SODIUM CRUDE", "intermediate"),
    ("(S)-TERT-BUTYL 3-(4-(7-CARBAMOYL-2H-INDAZOL-2-YL) PHENYL)PIPERIDINE-1-CARBOXYLATE", "intermediate"),
    ("STERILE FILLING FACILITY IN PUERTO RICO", "facility"),
    ("SACUBITRIL/VALSARTAN", "multi"),
    ("ZINC OXIDE USP/EP", "api"),                   # two grades, not two substances
]
MULTI = ["AMPICILLIN SODIUM/SULBACTAM SODIUM", "SACUBITRIL AND VALSARTAN"]


@pytest.fixture(scope="module")
def known(engine: DuckDBEngine) -> dict[str, dict[str, str | None]]:
    """The hand-picked subjects of these tests, mapped in one call."""
    subjects = [m[0] for m in MOIETIES] + [k[0] for k in KINDS_OF] + MULTI
    mapped = map_subjects(engine, pa.table({"subject": subjects}))
    return {row["subject"]: row for row in mapped.to_pylist()}


@pytest.mark.parametrize(("subject", "unii", "form_unii"), MOIETIES)
def test_known_subjects_map_to_their_moiety(known: dict, subject: str, unii: str,
                                            form_unii: str | None) -> None:
    row = known[subject]
    assert (row["kind"], row["unii"], row["form_unii"]) == ("api", unii, form_unii), row["evidence"]


def test_typos_are_marked_low_confidence_with_the_correction(known: dict) -> None:
    row = known["GABEPENTIN USP"]
    assert (row["method"], row["confidence"]) == ("fuzzy", "low")
    assert "GABEPENTIN->GABAPENTIN" in row["evidence"]


@pytest.mark.parametrize(("subject", "kind"), KINDS_OF)
def test_subject_kinds(known: dict, subject: str, kind: str) -> None:
    row = known[subject]
    assert row["kind"] == kind, row
    if kind == "other":
        assert row["unii"] is None and row["reason"]


def test_multi_keeps_components_and_the_combination_unii(known: dict) -> None:
    row = known["AMPICILLIN SODIUM/SULBACTAM SODIUM"]
    assert row["kind"] == "multi" and row["unii"] is None and row["substance"] == "AMPICILLIN + SULBACTAM"
    assert "7C782967RD" in row["evidence"] and "S4TF6I2330" in row["evidence"]
    assert known["SACUBITRIL AND VALSARTAN"]["unii"] == "688RNR55GH"


def test_input_columns_come_back_with_the_mapping(dev: list) -> None:
    assert list(dev[0][1]) == ["dmf", "subject", *MAPPING_COLUMNS]
    empty = dev[-1][1]
    assert (empty["subject"], empty["kind"], empty["reason"]) == (None, "other", "the subject is empty")
