"""Criticality lists mapped to substances on the real snapshot: EU Union list, MHLW categories, national EMLs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rxatlas.supply.criticality import flags
from rxatlas.supply.kana import english_sounds, japanese_moieties, katakana_sound, latin_sound, sound_key
from rxatlas.warehouse.duck import DuckDBEngine


@pytest.fixture(scope="module")
def engine(atlas_db: Path) -> Iterator[DuckDBEngine]:
    with DuckDBEngine(atlas_db, read_only=True) as opened:
        yield opened


def test_eu_union_list_substance_maps_to_its_unii(engine: DuckDBEngine) -> None:
    found = flags(engine, "362O9ITL9D")  # paracetamol, ATC N02BE01 on the Union list
    assert found["eu_union_list"] and found["eu_atc_codes"] == ["N02BE01"]
    assert found["jp_category"] == "A"
    assert found["essential_medicine_countries"] == 133
    assert any(e.startswith("EU Union list ATC N02BE01") for e in found["evidence"])


def test_japanese_general_names_reach_english_moieties(engine: DuckDBEngine) -> None:
    cefazolin = flags(engine, "IHS69L0Y4T")
    assert cefazolin["jp_category"] == "A"
    assert "セファゾリンナトリウム" in cefazolin["jp_ingredients"]
    atorvastatin = flags(engine, "A0JWA85V8F")
    assert atorvastatin["jp_category"] is None and atorvastatin["jp_products"] > 0
    assert any("JAN ATORVASTATIN CALCIUM HYDRATE" in e for e in atorvastatin["evidence"])


def test_every_list_item_is_mapped_or_reported_as_a_gap(engine: DuckDBEngine) -> None:
    eu_total = engine.scalar("SELECT count(*) FROM core.eu_critical_medicine")
    eu_mapped = engine.scalar("SELECT count(DISTINCT code) FROM core.substance_criticality, "
                              "UNNEST(eu_atc_codes) AS t(code)")
    eu_gaps = engine.scalar("SELECT count(*) FROM core.criticality_gap WHERE list = 'eu_union_list'")
    assert (eu_total, eu_mapped + eu_gaps) == (299, 299)
    assert eu_mapped >= 200
    unmapped_jp = engine.scalar("SELECT count(*) FROM core.criticality_gap WHERE list = 'jp_supply' "
                                "AND name = '乾燥濃縮人血液凝固第Ⅷ因子'")
    assert unmapped_jp == 1  # a blood product written in kanji: reported, not guessed


def test_unlisted_substance_has_empty_flags(engine: DuckDBEngine) -> None:
    assert flags(engine, "0000000000") == {
        "available": True, "unii": "0000000000", "eu_union_list": False, "eu_atc_codes": [], "jp_category": None,
        "jp_products": 0, "jp_ingredients": [], "essential_medicine_countries": 0, "gem_medicines": [],
        "atc_codes": [], "methods": [], "evidence": []}


@pytest.mark.parametrize(("japanese", "english"), [
    ("アトルバスタチンカルシウム水和物", "ATORVASTATIN CALCIUM HYDRATE"),
    ("エリブリンメシル酸塩", "ERIBULIN MESILATE"),
    ("バルプロ酸ナトリウム", "SODIUM VALPROATE"),
    ("ベンジルペニシリンカリウム", "BENZYLPENICILLIN POTASSIUM"),
])
def test_katakana_and_english_share_a_sound_key(japanese: str, english: str) -> None:
    (moiety,) = japanese_moieties(japanese)
    keys = {sound_key(s) for s in english_sounds(english, frozenset({"SODIUM", "POTASSIUM", "CALCIUM", "HYDRATE"}))}
    assert sound_key(katakana_sound(moiety)) in keys


def test_combinations_give_one_moiety_per_component() -> None:
    assert japanese_moieties("タゾバクタム・ピペラシリン水和物") == ["タゾバクタム", "ピペラシリン"]
    assert japanese_moieties("乾燥組織培養不活化Ａ型肝炎ワクチン") == ["ワクチン"]
    assert latin_sound("QUETIAPINE") != latin_sound("OCTOPAMINE")
