"""Source qualification and substance grouping on the real snapshot: every example of issue 13 is excluded with its
reason, grouped or linked, by a rule that also covers cases nobody named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import run_cli

from rxatlas.atlas import Atlas
from rxatlas.supply.lookup import find_substance
from rxatlas.supply.qualify import classify
from rxatlas.supply.substance import substance_answer


@pytest.fixture(scope="module")
def con(atlas_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The full atlas, read-only."""
    with duckdb.connect(str(atlas_db), read_only=True) as opened:
        yield opened


@pytest.fixture(scope="module")
def atlas(atlas_db: Path) -> Iterator[Atlas]:
    """The full atlas through the Python API."""
    with Atlas(atlas_db) as opened:
        yield opened


def _category(con: duckdb.DuckDBPyConnection, kind: str, evidence_id: str | int) -> set[tuple[str, str]]:
    rows = con.execute("SELECT category, reason FROM core.source_evidence WHERE evidence_kind = ? "
                       "AND evidence_id = ?", [kind, str(evidence_id)]).fetchall()
    return {(c, r or "") for c, r in rows}


def _sources(atlas: Atlas, name: str) -> dict[str, Any]:
    answer: dict[str, Any] = substance_answer(atlas, name)
    assert answer["match"] == "unique", answer.get("candidates")
    return answer


@pytest.mark.parametrize(("dmf", "category"), [
    (18994, "finished_form"),         # METFORMIN AQ 1000 MG EXTENDED RELEASE TABLETS
    (33557, "finished_form"),         # GLUCOPHAGE 850 MG, FILM-COATED TABLETS (not named in the issue)
    (21580, "finished_form"),         # RIVAROXABAN COATED TABLETS, 10 MG (not named)
    (41087, "device_or_packaging"),   # SHAILYPEN NEO FOR SEMAGLUTIDE INJECTION
    (17441, "formulation"),           # ACETAMINOPHEN GRANULES DC 90% (KRISOPAP 90F)
    (18887, "formulation"),           # METFORMIN HYDROCHLORIDE DC GRADE - 90% (not named)
    (33721, "formulation"),           # APAP MICROCAPS
    (27411, "formulation"),           # OMEPRAZOLE PELLETS 8.5 % W/W (not named)
    (41510, "intermediate"),          # SEMAGLUTIDE TETRAPEPTIDE FRAGMENT
    (34819, "intermediate"),          # ERIBULIN FRAGMENT A (not named)
    (37895, "intermediate"),          # ATP TRISODIUM SALT (100mM): an mRNA reagent solution (not named)
])
def test_dmf_evidence_is_classified_with_a_reason(con: duckdb.DuckDBPyConnection, dmf: int, category: str) -> None:
    found = _category(con, "dmf", dmf)
    assert {c for c, _ in found} == {category}
    assert all(reason for _, reason in found)


def test_finished_forms_are_excluded_with_their_reason_and_real_makers_stay(atlas: Atlas) -> None:
    answer = _sources(atlas, "metformin")
    excluded = {e["evidence_id"]: e for e in answer["excluded_sources"]}
    assert excluded["18994"]["category"] == "finished_form" and "dosage form" in excluded["18994"]["reason"]
    assert all(18994 not in s["dmf"] for s in answer["api_sources"])
    assert answer["metrics"]["n_sources"] >= 20  # Granules, Wanbury, USV, Merck Sante... remain
    semaglutide = _sources(atlas, "semaglutide")
    assert {e["category"] for e in semaglutide["excluded_sources"] if e["evidence_id"] == "41087"} == \
        {"device_or_packaging"}


def test_homeopathic_listings_never_make_a_source(atlas: Atlas, con: duckdb.DuckDBPyConnection) -> None:
    answer = _sources(atlas, "levothyroxine")
    assert {e["category"] for e in answer["excluded_sources"] if e["firm"] == "Apotheca Company"} == {"homeopathic"}
    assert "Apotheca Company" not in {s["firm"] for s in answer["api_sources"]}
    # the rule is the potency unit: hundreds of homeopathic listings, none counted
    counted = con.execute("SELECT count(*) FROM core.source_evidence e JOIN core.api_source a "
                          "ON a.unii = e.unii AND a.firm_id = e.firm_id WHERE e.category = 'homeopathic' "
                          "AND a.source_kind = 'bulk_listing' AND NOT EXISTS (SELECT 1 FROM core.source_evidence x "
                          "WHERE x.unii = e.unii AND x.firm_id = e.firm_id AND x.category = 'api')").fetchall()
    assert counted == [(0,)]
    assert con.execute("SELECT count(*) FROM core.source_evidence WHERE category = 'homeopathic'"
                       ).fetchall()[0][0] > 300


def test_crude_heparin_is_an_intermediate(atlas: Atlas) -> None:
    answer = _sources(atlas, "heparin sodium")
    crude = {e["firm"] for e in answer["excluded_sources"] if e["category"] == "intermediate"}
    crude_only = {"Maple Leaf Foods Inc", "Sanimax LOM Inc"}  # firms whose only heparin evidence is crude
    assert crude_only <= crude and not crude_only & {s["firm"] for s in answer["api_sources"]}
    assert answer["substance"] == "HEPARIN" and answer["metrics"]["n_sources"] >= 15


def test_bulk_listing_dosage_forms_and_mixtures() -> None:
    assert classify({"dosage_form": "TABLET, FILM COATED", "strength_unit": "mg/1"})[0] == "finished_form"
    assert classify({"dosage_form": "POWDER", "strength_unit": "kg/kg"}) == ("api", None)
    assert classify({"dosage_form": "POWDER", "ingredients": "3"})[0] == "formulation"
    assert classify({"dosage_form": "LIQUID", "strength_unit": "[hp_X]/mL"})[0] == "homeopathic"
    # the substance at 100% under its own name is bulk substance whatever dosage form the listing states
    assert classify({"dosage_form": "OINTMENT", "strength_unit": "kg/kg", "pure": "YES"}) == ("api", None)
    assert classify({"dosage_form": "GRANULE", "strength_unit": "mg/kg"})[0] == "formulation"
    assert classify({"dosage_form": "GRANULE", "strength_unit": "kg/100kg", "pure": "YES"}) == ("api", None)


def test_wrong_substance_links_are_fixed_by_rules(con: duckdb.DuckDBPyConnection) -> None:
    def mapped(dmf: int) -> tuple[str, str | None]:
        kind, substance = con.execute("SELECT kind, substance FROM core.dmf_substance WHERE dmf = ?",
                                      [dmf]).fetchall()[0]
        return kind, substance

    assert mapped(38048) == ("api", "VOXELOTOR")           # a co-crystal: the drug, not adipic acid
    assert mapped(14960)[1] != "BETADEX"                   # a clathrate: the drug, not its cyclodextrin host
    assert mapped(31147)[0] != "api"                       # BETA 1,3/1,6 GLUCAN is no receptor
    assert mapped(37317)[1] == "SULFUR HEXAFLUORIDE"       # a molecule, not sulfur's salt
    assert mapped(27763)[0] == "intermediate"              # DUTASTERIDE ACID: a derivative of no medicine


@pytest.mark.parametrize(("dmf", "moiety"), [
    (21574, "A0JWA85V8F"),    # ATORVASTATIN CALCIUM PROPYLENE GLYCOL SOLVATE USP -> atorvastatin
])
def test_forms_group_under_their_moiety(con: duckdb.DuckDBPyConnection, dmf: int, moiety: str) -> None:
    assert con.execute("SELECT unii FROM core.dmf_substance WHERE dmf = ?", [dmf]).fetchall() == [(moiety,)]
    firms = con.execute("SELECT count(*) FROM core.api_source WHERE unii = ? AND list_contains(dmfs, ?)",
                        [moiety, dmf]).fetchall()
    assert firms == [(1,)]


def test_salts_solvates_and_unspecified_forms_reach_the_moiety(atlas: Atlas) -> None:
    engine = atlas.engine
    for query, moiety in [("YRZ789OWMI", "ATORVASTATIN"),           # the solvate's UNII
                          ("atorvastatin calcium propylene glycol solvate", "ATORVASTATIN"),
                          ("heparin sodium", "HEPARIN"), ("leuprolide acetate", "LEUPROLIDE"),
                          ("lamivudine methanol solvate", "LAMIVUDINE"), ("nilotinib d-tartrate", "NILOTINIB"),
                          ("azithromycin, unspecified form", "AZITHROMYCIN ANHYDROUS"),
                          ("magnesium sulfate, unspecified form", "MAGNESIUM SULFATE ANHYDROUS")]:
        assert find_substance(engine, query).substance == moiety, query
    # no substance of the map is left named as a solvate or an unspecified form of another substance
    names = {r["substance"] for r in engine.query("SELECT substance FROM core.substance_metrics").to_pylist()}
    assert not {n for n in names if n.endswith(" SOLVATE")}
    # a salt of two cations is a drug of its own, not the salt of one
    assert find_substance(engine, "edetate calcium disodium").substance != "EDETATE SODIUM"


def test_plain_names_do_not_take_an_isomer(atlas: Atlas) -> None:
    answer = _sources(atlas, "menthol")
    assert "(+)" not in answer["substance"] and answer["metrics"]["n_sources"] >= 5


def test_biologic_answers_with_its_licences(atlas: Atlas) -> None:
    answer = _sources(atlas, "adalimumab")
    assert answer["api_sources"] == [] and answer["market_scope"] == "us_human_rx"
    holders = {b["applicant"] for b in answer["biologic_licences"]}
    assert len(holders) >= 5 and any("Samsung" in h or "Celltrion" in h for h in holders)
    assert any(b["registered_sites"] for b in answer["biologic_licences"])
    assert any("DMF-based API maps do not cover" in note for note in answer["notes"])


def test_substances_command_lists_every_active_dmf(atlas_db: Path, con: duckdb.DuckDBPyConnection) -> None:
    result = run_cli("substances", "--source", "dmf", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    active = con.execute("SELECT count(*) FROM core.dmf WHERE active AND type = 'II'").fetchall()[0][0]
    assert len(rows) == active
    assert {"dmf", "subject", "kind", "substance", "unii", "form_unii", "confidence", "reason"} <= set(rows[0])
    by_dmf = {r["dmf"]: r for r in rows}
    assert by_dmf[18994]["kind"] == "finished_form" and by_dmf[21574]["form_unii"] == "YRZ789OWMI"
    media = [r for r in rows if "CELL LINE" in r["subject"].upper() or "MEDIA" in r["subject"].upper().split()]
    assert media and all(r["kind"] != "api" for r in media)


def test_criticality_links_through_the_moiety_and_reports_doubtful_names(con: duckdb.DuckDBPyConnection,
                                                                        atlas: Atlas) -> None:
    def flags(name: str) -> tuple[bool, int]:
        unii = find_substance(atlas.engine, name).unii
        rows = con.execute("SELECT eu_union_list, essential_medicine_countries FROM core.substance_criticality "
                           "WHERE unii = ?", [unii]).fetchall()
        return rows[0] if rows else (False, 0)

    assert flags("heparin sodium")[0] and flags("heparin sodium")[1] >= 100   # the sodium salt reaches heparin
    assert flags("sodium bicarbonate")[1] >= 50
    # INSULIN is no misspelt INULIN (inulin's one link is Japan's own inulin, イヌリン), nor a salt an element
    by_name = {r[0]: r[1] for r in con.execute("SELECT substance, gem_medicines FROM core.substance_criticality"
                                               ).fetchall()}
    assert by_name.get("INULIN", []) == [] and "HYDROGEN" not in by_name
    gaps = con.execute("SELECT name, reason FROM core.criticality_gap WHERE list = 'essential_medicines'"
                       ).fetchall()
    assert any(name.lower().startswith("insulin") for name, _ in gaps)
    assert any("only through a" in reason for _, reason in gaps)


def test_one_maker_written_as_several_firms_is_one_source(con: duckdb.DuckDBPyConnection) -> None:
    def sources(substance: str, pattern: str) -> list[tuple[str, list[str]]]:
        return [(r[0], r[1]) for r in con.execute(
            "SELECT firm_name, evidence FROM core.api_source WHERE substance = ? AND upper(array_to_string("
            "evidence, ' ')) LIKE ?", [substance, pattern]).fetchall()]

    # the same name with another legal form in one country (SIEGFRIED LTD and SIEGFRIED AG; Pharmacia and Upjohn
    # Company and Company LLC), and firms registered at the same API plant (not named in the issue)
    for substance, pattern in [("PRIMIDONE", "%SIEGFRIED%"), ("NEOMYCIN", "%PHARMACIA%UPJOHN%")]:
        found = sources(substance, pattern)
        assert len(found) == 1 and any(e.startswith("one maker with another source firm") for e in found[0][1])
    plants = con.execute("SELECT count(*) FROM core.api_source WHERE len(list_filter(evidence, "
                         "lambda e: e LIKE 'one maker%same registered API plant%')) > 0").fetchall()[0][0]
    assert plants >= 2
