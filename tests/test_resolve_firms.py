"""Firm resolution on the real snapshot: canonical firms, groups, identifier links, false friends, CLI answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from rxatlas.atlas import Atlas
from rxatlas.resolve.firms import firm_id
from rxatlas.resolve.mentions import extract_mentions
from rxatlas.resolve.names import entity_name, normalize
from rxatlas.warehouse.duck import DuckDBEngine

DMF_KEYS = ["holder", "firm_id", "firm_name", "country", "site_countries", "confidence", "method"]
METHODS = ["identifier", "exact_key", "splink", "override", "unresolved"]


@pytest.fixture(scope="module")
def atlas(atlas_db: Path) -> Atlas:
    with Atlas(atlas_db) as opened:
        yield opened


def _firms_of(atlas: Atlas, name: str, role: str | None = None) -> set[str]:
    rows = atlas.engine.query(
        "SELECT DISTINCT firm_id FROM core.firm_mention WHERE mention_name = '" + name.replace("'", "''") + "'"
        + (f" AND role = '{role}'" if role else ""))
    return set(rows.column("firm_id").to_pylist())


def _firm(atlas: Atlas, fid: str) -> dict:
    (row,) = atlas.engine.query(f"SELECT * FROM core.firm WHERE firm_id = '{fid}'").to_pylist()
    return row


def test_dr_reddys_variants_are_one_indian_firm(atlas: Atlas) -> None:
    holder = _firms_of(atlas, "DR REDDYS LABORATORIES LTD", "dmf_holder")
    decrs = _firms_of(atlas, "Dr. Reddy's Laboratories Limited", "establishment_registrant")
    assert holder == decrs == {firm_id("DR REDDYS LAB", "IN")}
    firm = _firm(atlas, holder.pop())
    assert firm["country_iso2"] == "IN"
    assert firm["countries"] == ["IN"]
    assert "Dr. Reddy's" in firm["groups"]
    assert dict(firm["n_mentions"])["dmf_holder"] == 352


def test_dr_reddys_inc_is_a_separate_us_firm_of_the_group(atlas: Atlas) -> None:
    (inc,) = _firms_of(atlas, "Dr. Reddy's Laboratories, Inc.", "shortage_company")
    assert inc != firm_id("DR REDDYS LAB", "IN")
    firm = _firm(atlas, inc)
    assert firm["country_iso2"] == "US"
    assert firm["groups"] == ["Dr. Reddy's"]


def test_wuxi_apptec_entities_are_separate_firms_in_one_group(atlas: Atlas) -> None:
    (inc,) = _firms_of(atlas, "WuXi AppTec Inc.", "establishment_firm")
    (parent,) = _firms_of(atlas, "WuXi AppTec Co., Ltd.")
    assert inc != parent
    assert (_firm(atlas, inc)["country_iso2"], _firm(atlas, parent)["country_iso2"]) == ("US", "CN")
    assert "WuXi AppTec" in _firm(atlas, inc)["groups"]
    assert "WuXi AppTec" in _firm(atlas, parent)["groups"]
    (jida,) = _firms_of(atlas, "WUXI JIDA PHARMACEUTICAL CO LTD", "dmf_holder")
    assert jida not in {inc, parent}
    assert "WuXi AppTec" not in _firm(atlas, jida)["groups"]


def test_fei_linked_mentions_join_the_establishment_firm(atlas: Atlas) -> None:
    (row,) = atlas.engine.query(
        "SELECT firm_id, method, evidence FROM core.firm_mention WHERE role = 'compliance_firm' "
        "AND fei = '3002949085' AND mention_name = 'Dr. Reddy''s Laboratories Limited CTO VI' "
        "AND record_key IS NOT NULL LIMIT 1").to_pylist()
    assert row["firm_id"] == firm_id("DR REDDYS LAB", "IN")
    assert row["method"] == "identifier"
    assert row["evidence"] == ["FEI 3002949085 registered to DR REDDYS LAB (IN)"]
    # Every FEI link lands on the firm of an establishment registered under that FEI.
    stray = atlas.engine.query(
        "SELECT count(*) AS n FROM core.firm_mention m WHERE m.method = 'identifier' AND m.fei IS NOT NULL "
        "AND m.role = 'compliance_firm' AND NOT EXISTS (SELECT 1 FROM core.facility f "
        "WHERE ltrim(f.fei, '0') = m.fei AND f.firm_id = m.firm_id)").column("n")[0].as_py()
    assert stray == 0


@pytest.mark.parametrize(("plant_or_variant", "company"), [
    ("Zhejiang Medicine Co., Ltd. Xinchang Pharmaceutical Factory", "ZHEJIANG MEDICINE CO LTD"),
    ("ZHEJIANG MEDICINE CO LTD XINCHANG PHARMACEUTICAL FACTORY", "ZHEJIANG MEDICINE CO LTD"),
    ("Shenzhen Salubris Pharmaceutical Co., Ltd. Pingshan Pharmaceutical Factory",
     "SHENZHEN SALUBRIS PHARMACEUTICALS CO LTD"),
    ("Everlight Chemical Industrial Corporation Kuanyin II Plant", "EVERLIGHT CHEMICAL INDUSTRIAL CORP"),
    ("QILU PHARMACEUTICAL CO LTD (LAOLING SITE)", "QILU PHARMACEUTICAL CO LTD"),
    ("Atabay Kimya Sanayi ve Ticaret Anonim Sirketi", "Atabay Kimya Sanayi ve Ticaret A.S."),
    ("B. Braun Melsungen Aktiengesellschaft", "B BRAUN MELSUNGEN AG"),
])
def test_plants_and_written_out_legal_forms_join_their_company(
    atlas: Atlas, plant_or_variant: str, company: str
) -> None:
    (plant,) = _firms_of(atlas, plant_or_variant)
    assert _firms_of(atlas, company) == {plant}
    if plant_or_variant.upper() != company.upper():
        evidence = atlas.engine.query(
            "SELECT DISTINCT unnest(evidence) AS e FROM core.firm_mention WHERE mention_name = '"
            + plant_or_variant.replace("'", "''") + "'").column("e").to_pylist()
        assert evidence


def test_one_firm_once_per_substance(atlas: Atlas) -> None:
    """No substance lists two firms whose mentions name one legal entity (same key and country)."""
    twins = atlas.engine.query(
        "WITH k AS (SELECT DISTINCT m.firm_id, m.name_key, f.country_iso2 FROM core.firm_mention m "
        "JOIN core.firm f USING (firm_id) WHERE f.country_iso2 IS NOT NULL) "
        "SELECT s.unii, k.name_key, k.country_iso2 FROM core.api_source s JOIN k USING (firm_id) "
        "GROUP BY ALL HAVING count(DISTINCT s.firm_id) > 1")
    assert twins.num_rows == 0, twins.to_pylist()[:5]
    vancomycin = atlas.engine.query(
        "SELECT firm_name FROM core.api_source WHERE substance = 'VANCOMYCIN' AND firm_name ILIKE 'zhejiang%'")
    assert vancomycin.num_rows == 1


def test_every_api_source_name_finds_its_firm(atlas: Atlas) -> None:
    """A lookup keys a name as mentions are keyed: a plant or branch name finds the firm it was counted under."""
    names = atlas.engine.query("SELECT DISTINCT firm_name, firm_id FROM core.api_source").to_pylist()
    tails = [r for r in names if entity_name(r["firm_name"]).key != normalize(r["firm_name"]).key]
    missed = [r["firm_name"] for r in tails if r["firm_id"] not in atlas.firm(r["firm_name"]).column("firm_id")
              .to_pylist()]
    assert len(tails) >= 10 and not missed, missed
    def found(name: str) -> set[str]:
        return set(atlas.firm(name).column("firm_id").to_pylist())

    assert found("Lunan Better Pharmaceutical Co., Ltd. Tancheng Branch") == found("Lunan Better Pharmaceutical "
                                                                                   "Co., Ltd.")


def test_a_national_legal_form_picks_the_firm_of_its_country(atlas: Atlas) -> None:
    (row,) = atlas.engine.query(
        "SELECT DISTINCT firm_id, evidence FROM core.firm_mention "
        "WHERE role = 'dmf_holder' AND mention_name = 'JANSSEN PHARMACEUTICA NV'").to_pylist()
    assert row["firm_id"] == firm_id("JANSSEN PHARMA", "BE")
    assert "legal form NV is not used in US" in row["evidence"][0]


def test_no_firm_spans_two_countries(atlas: Atlas) -> None:
    spanning = atlas.engine.query(
        "SELECT firm_id FROM core.firm_mention WHERE country_iso2 IS NOT NULL "
        "GROUP BY firm_id HAVING count(DISTINCT country_iso2) > 1")
    assert spanning.num_rows == 0


@pytest.mark.parametrize(("left", "right"), [
    ("MANKIND PHARMA LTD", "MANNKIND CORP"),
    ("GLAND PHARMA LTD", "GLAND CHEMICALS PRIVATE LTD"),
    ("CORTEVA AGRISCIENCE LLC", "TEVA PHARMACEUTICAL INDUSTRIES LTD"),
    ("WUXI JIDA PHARMACEUTICAL CO LTD", "WUXI APPTEC INC"),
])
def test_false_friends_stay_apart(atlas: Atlas, left: str, right: str) -> None:
    a, b = _firms_of(atlas, left, "dmf_holder"), _firms_of(atlas, right, "dmf_holder")
    assert a and b
    assert not a & b


def test_firms_dmf_json_has_one_row_per_holder(atlas: Atlas, atlas_db: Path) -> None:
    result = run_cli("firms", "--source", "dmf", "--json", "--db", str(atlas_db))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    holders = atlas.engine.query("SELECT count(DISTINCT holder) AS n FROM core.dmf").column("n")[0].as_py()
    assert len(rows) == len({r["holder"] for r in rows}) == holders == 8749
    assert all(list(r) == DMF_KEYS for r in rows)
    assert all(r["country"] is None or (len(r["country"]) == 2 and r["country"].isupper()) for r in rows)
    by_holder = {r["holder"]: r for r in rows}
    assert by_holder["DR REDDYS LABORATORIES LTD"]["firm_id"] == firm_id("DR REDDYS LAB", "IN")
    assert by_holder["DR REDDYS LABORATORIES LTD"]["country"] == "IN"


def test_resolve_report_adds_up(atlas: Atlas, atlas_db: Path) -> None:
    result = run_cli("resolve", "--report", "--json", "--db", str(atlas_db))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["overrides"] == []  # the shipped overrides file holds none
    rows = report["roles"]
    for row in rows:
        assert sum(row[m] for m in METHODS) == row["mentions"]
        assert row["coverage"] == pytest.approx(1 - row["unresolved"] / row["mentions"], abs=1e-4)
    total = atlas.engine.query("SELECT count(*) AS n FROM core.firm_mention").column("n")[0].as_py()
    assert sum(r["mentions"] for r in rows) == total
    dmf = next(r for r in rows if r["role"] == "dmf_holder")
    assert dmf["mentions"] == 39428
    assert dmf["identifier"] == 0  # the DMF list carries no FEI or DUNS


def test_firm_command_answers_one_firm_or_lists_candidates(atlas_db: Path) -> None:
    result = run_cli("firm", "Dr. Reddy's Laboratories Limited", "--json", "--db", str(atlas_db))
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["match"] == "unique"
    firm = answer["firm"]
    assert firm["firm_id"] == firm_id("DR REDDYS LAB", "IN")
    assert "3002806851" in {f["fei"] for f in firm["facilities"]}
    assert {s["role"] for s in firm["sources"]} >= {"dmf_holder", "establishment_firm", "application_sponsor"}
    assert len(firm["dmfs"]) == 352
    ambiguous = json.loads(run_cli("firm", "WuXi AppTec", "--json", "--db", str(atlas_db)).stdout)
    assert ambiguous["match"] == "ambiguous"
    assert {"WuXi AppTec Co., Ltd.", "WUXI APPTEC INC"} <= {c["name"] for c in ambiguous["candidates"]}


def test_a_missing_source_table_contributes_no_mentions(tmp_path: Path) -> None:
    with DuckDBEngine(tmp_path / "small.duckdb") as engine:
        engine.execute("CREATE TABLE core.dmf AS SELECT * FROM (VALUES ('001', 'GLAND PHARMA LTD', 'fda_dmf', "
                       "'x.csv', 2), ('002', '  ', 'fda_dmf', 'x.csv', 3)) t(dmf, holder, _source, _file, _line)")
        extract_mentions(engine)
        (row,) = engine.query("SELECT role, record_key, name_key, legal_form FROM resolve_mention_base "
                              "WHERE role <> 'group_member'").to_pylist()
    assert row == {"role": "dmf_holder", "record_key": "001", "name_key": "GLAND PHARMA", "legal_form": "LTD"}
