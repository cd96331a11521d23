"""The scenario engine on the real snapshot: listed firms and affiliates, a China outage, Section 232 tariffs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from rxatlas.errors import InputError
from rxatlas.scenario import Scenario, compare, load_scenario, run
from rxatlas.warehouse.duck import DuckDBEngine

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# WuXi AppTec's small-molecule CDMO (STA / Shanghai SynTheAll): ADC payload-linker DMFs, all intermediates.
STA_PAYLOAD_LINKERS = {34821, 36104, 36725, 37610, 38725, 40431}


@pytest.fixture(scope="module")
def engine(atlas_db: Path) -> Any:
    with DuckDBEngine(atlas_db, read_only=True) as opened:
        yield opened


def _scenario(**measures: Any) -> Scenario:
    return Scenario.model_validate({"name": "test", "as_of": "2028-09-01", "measures": list(measures.values())})


def _lost(result: dict[str, Any], key: str = "lost") -> list[dict[str, Any]]:
    return [row | {"substance": s["substance"]} for s in result["substances"] for row in s[key]]


def test_exclude_1260h_with_affiliates_removes_wuxi_apptec_subsidiaries_only(engine: DuckDBEngine) -> None:
    result = run(engine, _scenario(m={"type": "exclude_listed", "lists": ["us_dod_1260h"],
                                      "include_affiliates": True}), scope="all")
    lost, intermediates = _lost(result), _lost(result, "intermediates_lost")
    everything = lost + intermediates
    assert everything and all("SYNTHEALL" in r["firm"].upper() for r in everything)
    assert all(r["reason"].startswith("affiliate: ")
               and r["reason"].endswith("-> WuXi AppTec Co., Ltd. (1260H, 2026-06-08)") for r in everything)
    assert all(r["measure"] == "measures[0] exclude_listed" for r in everything)
    # the payload-linker DMFs are intermediates: reported apart, not counted as qualified API sources
    assert {d for r in intermediates for d in r["dmfs"]} == STA_PAYLOAD_LINKERS
    assert {r["substance"] for r in intermediates} >= {"MONOMETHYL AURISTATIN E", "EXATECAN", "MAFODOTIN"}
    assert result["summary"]["sources_lost"] == len(lost)
    # one source per firm and substance: SGD-1006 holds two of the DMFs
    assert result["summary"]["intermediate_sources_lost"] == len(intermediates) == 5
    # firms from the city of Wuxi and WuXi Biologics (not listed, not owned by WuXi AppTec) keep their sources
    assert not [r for r in everything if r["firm"].upper().startswith("WUXI")]


def test_without_affiliates_no_source_is_lost(engine: DuckDBEngine) -> None:
    result = run(engine, _scenario(m={"type": "exclude_listed", "lists": ["us_dod_1260h"],
                                      "include_affiliates": False}))
    assert result["summary"]["sources_lost"] == 0 and result["summary"]["intermediate_sources_lost"] == 0


def test_before_the_2026_edition_wuxi_is_not_listed(engine: DuckDBEngine) -> None:
    scenario = _scenario(m={"type": "exclude_listed", "lists": ["us_dod_1260h"], "include_affiliates": True})
    result = run(engine, scenario.model_copy(update={"as_of": scenario.as_of.replace(year=2026, month=1)}))
    assert result["summary"]["sources_lost"] == 0


def test_china_outage_leaves_heparin_with_its_non_chinese_sources(engine: DuckDBEngine) -> None:
    result = run(engine, _scenario(m={"type": "country_outage", "countries": ["CN"], "share_lost": 1.0}))
    heparin = next(s for s in result["substances"] if s["substance"] == "HEPARIN")
    table = result["data"]["sources_table"]
    countries = engine.query("SELECT country FROM core.api_source WHERE unii = ?", [heparin["unii"]]).column(
        "country").to_pylist() if table == "core.api_source" else None
    assert heparin["countries_before"]["CN"] >= 5
    assert "CN" not in heparin["countries_after"]
    assert all(r["country"] != "CN" for r in heparin["remaining"])
    assert {r["country"] for r in heparin["lost"]} == {"CN"}
    assert heparin["sources_after"] == heparin["sources_before"] - heparin["countries_before"]["CN"]
    if countries is not None:
        assert heparin["sources_after"] == sum(1 for c in countries if c != "CN")
    assert heparin["hhi_after"] < heparin["hhi_before"]
    assert all(r["measure"] == "measures[0] country_outage" and (r["dmfs"] or r["evidence"]) for r in heparin["lost"])


def test_section_232_example_caps_deal_countries_and_spares_generics(engine: DuckDBEngine) -> None:
    result = run(engine, load_scenario(EXAMPLES / "s232-pharma-2026.yaml"))
    assert result["summary"]["sources_lost"] == 0
    exposure = result["tariffs"]["exposure"]
    rate = {(r["origin"], r["product_class"]): r["rate"] for r in exposure}
    for origin in ("DE", "IT", "FR", "JP", "KR"):
        assert rate[(origin, "patented")] == 0.15, origin
    assert rate[("GB", "patented")] == 0.0
    assert rate[("CN", "patented")] == rate[("IN", "patented")] == 1.0
    untouched = [r for r in exposure if r["product_class"] in ("generic", "biosimilar")]
    assert {r["product_class"] for r in untouched} == {"generic", "biosimilar"}
    assert all(r["rate"] == 0.0 and r["rate_basis"] == "excluded by us-s232-pharma-2026" for r in untouched)
    assert all(r["import_value_usd"] is None and r["sources"] > 0 for r in exposure)
    kr = next(r for r in exposure if r["origin"] == "KR" and r["product_class"] == "patented")
    assert kr["verification"] == "verified" and any("Korea-US Joint Fact Sheet" in s for s in kr["rate_sources"])


def test_policy_and_direct_measures_agree(engine: DuckDBEngine) -> None:
    via_policy = run(engine, load_scenario(EXAMPLES / "biosecure-1260h-2026.yaml"))
    direct = run(engine, _scenario(m={"type": "exclude_listed", "lists": ["us_dod_1260h", "us_omb_biosecure"],
                                      "include_affiliates": True}))
    assert via_policy["summary"] == direct["summary"]
    assert via_policy["policies"][0]["id"] == "us-biosecure-ndaa-2026"


def test_compare_against_baseline(engine: DuckDBEngine) -> None:
    india = run(engine, load_scenario(EXAMPLES / "india-export-stop-6-months.yaml"))
    result = compare(india, run(engine, load_scenario("baseline")))
    assert result["summary"]["substances_differing"] == india["summary"]["substances_losing_sources"]
    assert all(r["sources_after_a"] < r["sources_after_b"] == r["sources_before"] for r in result["substances"])
    assert all("for 6 months" in lost["reason"] for r in result["substances"] for lost in r["lost_only_in_a"])


def test_cli_scenario_run_json(atlas_db: Path) -> None:
    proc = run_cli("scenario", "run", str(EXAMPLES / "biosecure-and-china-outage.yaml"), "--db", str(atlas_db),
                   "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert {"scenario", "summary", "substances", "tariffs", "gains"} <= result.keys()
    assert set(result["summary"]["left_with_sources"]) == {"0", "1", "2"}
    first = result["substances"][0]
    assert {"substance", "sources_before", "sources_after", "lost"} <= first.keys()
    assert all({"firm", "country", "reason", "measure", "dmfs"} <= r.keys() for s in result["substances"]
               for r in s["lost"])
    assert "CN" not in {g["country"] for g in result["gains"]["by_country"]}
    compared = run_cli("scenario", "compare", str(EXAMPLES / "s232-pharma-2026.yaml"), "baseline",
                       "--db", str(atlas_db), "--json")
    assert compared.returncode == 0, compared.stderr
    assert json.loads(compared.stdout)["summary"]["substances_differing"] == 0


def test_invalid_scenarios_get_precise_errors(tmp_path: Path, atlas_db: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nas_of: 2028-09-01\nmeasures:\n  - type: exclude_listed\n    lists: [us_dod_1260h, "
                   "eu_list]\n  - type: tarif\n    rate: 1\n  - type: country_outage\n    countries: [CN]\n"
                   "    share_lost: 1\n    duraton: 6 months\n", encoding="utf-8")
    proc = run_cli("scenario", "run", str(bad), "--db", str(atlas_db))
    assert proc.returncode == 1
    message = " ".join(proc.stderr.split())
    assert f"{bad} line 5, field measures.0.exclude_listed.lists.1: Input should be 'us_dod_1260h'" in message
    assert "line 6, field measures.1: Input tag 'tarif' found using 'type' does not match any of the expected " \
           "tags: 'exclude_listed', 'country_outage', 'firm_exit', 'tariff', 'policy'" in message
    assert "line 11, field measures.2.country_outage.duraton: unknown field; allowed fields here: countries, " \
           "duration, label, share_lost, type" in message
    bad.write_text("name: bad\nas_of: 2028-09-01\nmeasures:\n  - type: policy\n    ids: [us-s232-pharma-2026, "
                   "us-s232]\n", encoding="utf-8")
    proc = run_cli("scenario", "run", str(bad), "--db", str(atlas_db))
    assert proc.returncode == 1
    assert "line 5, field measures.0.ids.1: unknown policy 'us-s232'; allowed values: eu-critical-medicines-act" \
        in " ".join(proc.stderr.split())


def test_scenarios_default_to_us_prescription_apis(engine: DuckDBEngine) -> None:
    scenario = _scenario(m={"type": "country_outage", "countries": ["CN"], "share_lost": 1.0})
    default, everything = run(engine, scenario), run(engine, scenario, scope="all")
    assert default["scope"] == "us_human_rx" and everything["scope"] == "all"
    assert default["summary"]["substances"] < everything["summary"]["substances"]
    scopes = {r["unii"]: r["market_scope"]
              for r in engine.query("SELECT unii, market_scope FROM core.market_scope").to_pylist()}
    assert {scopes[s["unii"]] for s in default["substances"]} == {"us_human_rx"}


def test_firm_exit_of_a_large_sterile_injectable_maker_leaves_substances_without_a_source(
        engine: DuckDBEngine) -> None:
    """Lonza (drug substance of sterile injectables, biologics above all) leaving with its affiliates."""
    result = run(engine, _scenario(m={"type": "firm_exit", "firms": ["Lonza AG"], "include_affiliates": True}))
    orphaned = {s["substance"] for s in result["substances"] if s["sources_before"] and s["sources_after"] == 0}
    assert {"IMIGLUCERASE", "BELIMUMAB", "ASFOTASE ALFA", "TRASTUZUMAB"} <= orphaned
    assert result["summary"]["left_with_sources"]["0"] == len(orphaned) >= 10
    assert result["summary"]["applications_affected"] > 0
    assert all(not s["remaining"] for s in result["substances"] if s["substance"] in orphaned)


def test_firm_exit_takes_out_a_supplier_and_says_who_remains(engine: DuckDBEngine) -> None:
    result = run(engine, load_scenario(EXAMPLES / "firm-exit-zhejiang-medicine.yaml"))
    lost = _lost(result)
    assert lost and all(r["reason"].startswith("firm exit: Zhejiang Medicine Co., Ltd.") for r in lost)
    assert all("ZHEJIANG MEDICINE" in r["firm"].upper() for r in lost)
    vancomycin = next(s for s in result["substances"] if s["substance"] == "VANCOMYCIN")
    assert vancomycin["sources_after"] == vancomycin["sources_before"] - 1 and vancomycin["remaining"]
    assert sum(result["summary"]["left_with_sources"].values()) <= result["summary"]["substances_losing_sources"]
    unknown = Scenario.model_validate({"name": "x", "as_of": "2026-12-01",
                                       "measures": [{"type": "firm_exit", "firms": ["No Such Firm Zzq"]}]})
    with pytest.raises(InputError, match=r"measures\[0\] firm_exit: no firm is named 'No Such Firm Zzq'"):
        run(engine, unknown)
