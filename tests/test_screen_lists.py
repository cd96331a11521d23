"""Watch lists as versioned data: rxatlas's 1260H transcription, the atlas's lists, as-of dates, BIOSECURE."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from rxatlas.resolve.names import name_key
from rxatlas.screen.biosecure import load_biosecure
from rxatlas.screen.lists import (
    ATLAS_1260H,
    TRANSCRIPTION,
    Dod1260h,
    OfacSdn,
    load_transcription,
)
from rxatlas.warehouse.duck import DuckDBEngine

REFERENCE = "dod_1260h/dod_1260h_editions_2021-2026-06-08.csv"


@pytest.fixture(scope="module")
def engine(atlas_db: Path):
    with DuckDBEngine(atlas_db, read_only=True) as e:
        yield e


def test_transcription_agrees_with_the_reference_for_biotech_entities(data_dir: Path) -> None:
    """Every transcribed entity is in the reference file in the same published editions, with its parents."""
    with open(data_dir / REFERENCE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    own = load_transcription()
    # The reference marks a cumulative block without a notice URL that stands for the 2024-01-31 edition.
    for entity in own.entities:
        ref = [r for r in rows if name_key(r["Clean Name"]) == name_key(entity.name)]
        assert ref, entity.name
        ref_starts = {date.fromisoformat(r["Start date"]) for r in ref}
        published = {d for d in entity.editions if d != date(2026, 2, 13)}
        assert min(published) == min(ref_starts), entity.name
        assert max(published) == max(ref_starts), entity.name
        ref_parents = {r["Parent Name"] for r in ref if r["Parent Name"]}
        assert ref_parents <= set(entity.parents), entity.name
    names = {e.name for e in own.entities if date(2026, 6, 8) in e.editions}
    assert {
        "WuXi AppTec Co., Ltd.",
        "Complete Genomics, Inc.",
        "BGI Group",
        "BGI Genomics Co., Ltd.",
        "MGI Tech Co., Ltd.",
        "BGI Americas Corporation",
    } <= names
    assert all(not e.verified for e in own.entities)  # not checked against the PDF text here


def test_transcription_editions_and_notice_addresses() -> None:
    own = load_transcription()
    by_date = {e.date: e for e in own.editions}
    assert by_date[date(2026, 2, 13)].status == "withdrawn"
    assert str(by_date[date(2026, 6, 8)].notice_url).startswith("https://media.defense.gov/2026/Jun/08/")
    in_force = own.edition_in_force(date(2026, 3, 1))
    assert in_force is not None and in_force.date == date(2025, 1, 7)
    assert own.edition_in_force(date(2021, 1, 1)) is None


def test_as_of_follows_the_editions_in_force() -> None:
    """WuXi AppTec is listed from 2026-06-08 only (the 2026-02-13 posting was withdrawn)."""
    lists = Dod1260h(None)

    def names(day: date) -> set[str]:
        return {e.name for e in lists.state(day).entries}

    assert "WuXi AppTec Co., Ltd." in names(date(2026, 6, 8))
    assert "WuXi AppTec Co., Ltd." not in names(date(2026, 3, 1))
    assert "MGI Tech Co., Ltd." in names(date(2025, 6, 1))
    assert names(date(2024, 6, 1)) == {"BGI Genomics Co., Ltd."}
    assert names(date(2020, 1, 1)) == set()


def test_1260h_merges_both_sources_with_provenance(engine: DuckDBEngine) -> None:
    state = Dod1260h(engine).state(date(2026, 11, 25))
    by_name = {e.name: e for e in state.entries}
    # 188 listing rows in the 2026-06-08 edition of the snapshot, one entry per company
    assert len(state.entries) == 188
    assert by_name["WuXi AppTec Co., Ltd."].provenance == (TRANSCRIPTION, ATLAS_1260H)
    assert by_name["WuXi AppTec Co., Ltd."].country == "CN"
    assert "药明康德" in by_name["WuXi AppTec Co., Ltd."].aliases
    assert by_name["Aviation Industry Corporation of China Ltd."].provenance == (ATLAS_1260H,)
    assert state.edition == date(2026, 6, 8) and state.age_days == 170 and not state.stale


def test_ofac_sdn_entries_with_programs_and_remarks(engine: DuckDBEngine) -> None:
    state = OfacSdn(engine).state(date(2026, 11, 25))
    assert len(state.entries) == 14965
    assert state.snapshot == date(2024, 5, 3) and state.stale
    jinhu = next(e for e in state.entries if e.name.startswith("JINHU MINSHENG"))
    assert jinhu.programs == ("ILLICIT-DRUGS-EO14059",)
    assert jinhu.aliases == ("MINGSHENG PM",)
    assert jinhu.country == "CN"
    assert "Unified Social Credit Code (USCC) 913208310676114392" in jinhu.identifiers


def test_biosecure_law_and_informational_names_kept_apart() -> None:
    bio = load_biosecure()
    assert bio.law.citation == "P.L. 119-60, Sec. 851"
    assert str(bio.status("us_dod_1260h", date(2026, 7, 1))).startswith("a biotechnology company of concern")
    assert bio.status("us_dod_1260h", date(2025, 6, 1)) is None  # before the law was signed
    assert bio.status("us_ofac_sdn", date(2026, 7, 1)) is None
    omb = next(d for d in bio.law.designations if d.basis == "us_omb_biosecure")
    assert omb.status == "not_published" and omb.entities == []
    assert bio.informational[0].id == "us_hr8333_2024"
    assert "WuXi Biologics" in bio.informational[0].names
