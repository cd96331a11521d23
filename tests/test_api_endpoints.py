"""The REST API on the real snapshot: every endpoint's answer, pagination, uploads, scenarios, read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from rxatlas.api.models import MAX_LIMIT
from rxatlas.warehouse.duck import DuckDBEngine

ROOT = Path(__file__).resolve().parents[1]


def _scalar(atlas_db: Path, sql: str) -> Any:
    """One value straight from the atlas the API serves."""
    with DuckDBEngine(atlas_db, read_only=True) as engine:
        return engine.scalar(sql)


def test_substance_answer_has_indian_sources_with_provenance(api_client: TestClient) -> None:
    answer = api_client.get("/api/substances/atorvastatin").json()
    assert (answer["match"], answer["substance"], answer["unii"]) == ("unique", "ATORVASTATIN", "A0JWA85V8F")
    assert answer["metrics"]["n_sources"] == 38
    assert answer["country_shares"][0] == {"country": "IN", "sources": 23, "share": 23 / 36}
    assert sum(s["country"] == "IN" for s in answer["api_sources"]) == 23
    assert all(s["evidence"] for s in answer["api_sources"])
    assert {s["source"] for s in answer["sources"]} >= {"fda_dmf", "fda_decrs"}
    assert any(w.startswith("fda_drugsfda snapshot of 2019-07-02") for w in answer["warnings"])


def test_substance_search_pages(api_client: TestClient) -> None:
    found = api_client.get("/api/substances", params={"q": "atorvastatin"}).json()
    assert found["total"] == 1  # the propylene glycol solvate is a form of atorvastatin, not a substance
    assert [r["substance"] for r in found["items"]] == ["ATORVASTATIN"]
    by_unii = api_client.get("/api/substances", params={"q": "A0JWA85V8F"}).json()
    assert [r["substance"] for r in by_unii["items"]] == ["ATORVASTATIN"]


def test_metrics_pagination_and_sorting(api_client: TestClient, atlas_db: Path) -> None:
    in_scope = _scalar(atlas_db, "SELECT count(*) FROM core.substance_metrics WHERE market_scope = 'us_human_rx'")
    first = api_client.get("/api/metrics/substances", params={"limit": 10, "sort": "n_sources"}).json()
    second = api_client.get("/api/metrics/substances", params={"limit": 10, "offset": 10}).json()
    assert first["total"] == second["total"] == in_scope
    assert {r["market_scope"] for r in first["items"] + second["items"]} == {"us_human_rx"}
    everything = api_client.get("/api/metrics/substances", params={"scope": "all", "limit": 1}).json()
    assert everything["total"] == _scalar(atlas_db, "SELECT count(*) FROM core.substance_metrics") > in_scope
    assert len(first["items"]) == len(second["items"]) == 10
    assert not {r["unii"] for r in first["items"]} & {r["unii"] for r in second["items"]}
    counts = [r["n_sources"] for r in first["items"] + second["items"]]
    assert counts == sorted(counts, reverse=True)
    single = api_client.get("/api/metrics/substances", params={"single_source": True, "limit": 1}).json()
    assert single["total"] == _scalar(atlas_db, "SELECT count(*) FROM core.substance_metrics "
                                                "WHERE market_scope = 'us_human_rx' AND single_source")
    past_end = api_client.get("/api/metrics/substances", params={"offset": 5000}).json()
    assert (past_end["items"], past_end["total"]) == ([], in_scope)
    assert api_client.get("/api/metrics/substances", params={"limit": MAX_LIMIT + 1}).status_code == 422


def test_firms(api_client: TestClient) -> None:
    firm = api_client.get("/api/firms/WuXi AppTec Co., Ltd.").json()
    assert firm["match"] == "unique" and firm["firm"]["name"] == "WuXi AppTec Co., Ltd."
    found = api_client.get("/api/firms", params={"q": "wuxi apptec"}).json()
    assert found["total"] == 4 and all("WUXI APPTEC" in r["name"].upper() for r in found["items"])


def test_facility_by_fei_carries_provenance(api_client: TestClient) -> None:
    facility = api_client.get("/api/facilities/3003320065").json()["facility"]
    assert (facility["name"], facility["country_iso2"]) == ("Laboratorio Magnachem International SRL", "DO")
    assert (facility["_source"], facility["_file"], facility["_line"]) == ("fda_decrs", "drls_reg_2025-08.csv.gz",
                                                                         3589)
    korean = api_client.get("/api/facilities", params={"country": "kr", "limit": 500}).json()
    assert korean["total"] == 177 and {r["country_iso2"] for r in korean["items"]} == {"KR"}


def test_country_dependence(api_client: TestClient) -> None:
    korea = api_client.get("/api/countries/kr", params={"limit": 5, "scope": "all"}).json()
    assert korea["country"]["iso3"] == "KOR"
    assert (korea["facilities"], korea["api_facilities"]) == (177, 45)
    assert (korea["substances_with_sources"], korea["substances_only_here"]) == (52, 3)
    shares = [r["share"] for r in korea["substances"]["items"]]
    assert len(shares) == 5 and shares == sorted(shares, reverse=True) and shares[0] == 1.0
    assert api_client.get("/api/countries/kr").json()["substances_with_sources"] < 52  # us_human_rx only
    india = api_client.get("/api/countries/IN", params={"sort": "substance", "limit": 500}).json()
    atorvastatin = next(r for r in india["substances"]["items"] if r["substance"] == "ATORVASTATIN")
    assert (atorvastatin["sources_here"], atorvastatin["n_sources"]) == (23, 38)
    countries = api_client.get("/api/countries", params={"scope": "all"}).json()
    assert countries["total"] == 47 and countries["items"][0]["iso2"] == "IN"


def test_headline_opportunities_approvals(api_client: TestClient, atlas_db: Path) -> None:
    headline = api_client.get("/api/headline").json()
    assert headline["active_type_ii_by_holder_country"]["total"] == 14391
    assert headline["scope"] == "us_human_rx"
    assert headline["single_source_substances"]["single_source"] == _scalar(
        atlas_db, "SELECT count(*) FROM core.substance_metrics WHERE market_scope = 'us_human_rx' AND single_source")
    chances = api_client.get("/api/opportunities", params={"home": "kr", "limit": 3}).json()
    assert (chances["home"], chances["scope"], len(chances["opportunities"])) == ("KR", "us_human_rx", 3)
    assert chances["with_home_capability"] >= 30
    korea = api_client.get("/api/approvals", params={"country": "KR"}).json()
    assert korea["name"] == "South Korea" and len(korea["applications"]) == 34
    assert "coverage" in api_client.get("/api/approvals").json()


def test_policies_sources_provenance(api_client: TestClient) -> None:
    policies = api_client.get("/api/policies").json()
    assert policies["total"] == 15 and "us-s232-pharma-2026" in {p["id"] for p in policies["items"]}
    policy = api_client.get("/api/policies/us-s232-pharma-2026").json()
    assert policy["jurisdiction"] == "US" and policy["sources"]
    sources = api_client.get("/api/sources").json()
    assert sources["total"] == 17 and all(s["licence"] for s in sources["items"])
    record = api_client.get("/api/provenance", params={"table": "fda_dmf__dmf", "line": 5}).json()
    assert record["records"][0]["subject"] == "PENICILLIN"
    assert record["files"][0]["sha256"] == record["records"][0]["_sha256"]


def test_screen_upload_flags_wuxi_apptec(api_client: TestClient) -> None:
    suppliers = b"supplier,country\nWuXi AppTec,CN\nPfizer Inc,US\nSamsung Biologics,KR\n"
    answer = api_client.post("/api/screen", params={"as_of": "2026-07-01"},
                             files={"file": ("suppliers.csv", suppliers, "text/csv")}).json()
    assert (answer["file"], answer["name_column"], answer["as_of"]) == ("suppliers.csv", "supplier", "2026-07-01")
    assert answer["counts"] == {"listed": 1, "affiliate": 0, "possible": 0, "clear": 2}
    wuxi = answer["rows"][0]
    assert (wuxi["row"], wuxi["status"], wuxi["list"]) == (2, "listed", "us_dod_1260h")
    assert wuxi["matched_name"] == "WuXi AppTec Co., Ltd."


def test_upload_limit(api_client: TestClient) -> None:
    response = api_client.post("/api/screen", files={"file": ("big.csv", b"x" * (21 * 2**20), "text/csv")})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_scenarios_list_run_and_compare(api_client: TestClient, atlas_db: Path) -> None:
    listed = api_client.get("/api/scenarios").json()
    assert {e["name"] for e in listed["items"]} == {p.stem for p in (ROOT / "examples").glob("*.yaml")}
    text = (ROOT / "examples" / "biosecure-and-china-outage.yaml").read_bytes()
    result = api_client.post("/api/scenarios/run", content=text, headers={"content-type": "application/yaml"}).json()
    assert result["scenario"]["name"] == "biosecure-and-china-outage"
    assert result["scope"] == "us_human_rx" and result["summary"]["substances_losing_sources"] > 0
    assert result["summary"]["substances"] == _scalar(
        atlas_db, "SELECT count(*) FROM core.substance_metrics WHERE market_scope = 'us_human_rx'")
    as_json = api_client.post("/api/scenarios/run", json=listed["items"][1]["scenario"])
    assert as_json.status_code == 200
    compared = api_client.post("/api/scenarios/compare", json={"a": "india-export-stop-6-months"}).json()
    assert (compared["a"], compared["b"]) == ("india-export-stop-6-months", "baseline")
    assert compared["summary"]["a"]["sources_lost"] > 1000 and compared["summary"]["b"]["sources_lost"] == 0


def test_read_only(api_client: TestClient) -> None:
    paths = api_client.get("/openapi.json").json()["paths"]
    writes = {(p, m) for p, ops in paths.items() for m in ops if m != "get"}
    assert writes == {("/api/screen", "post"), ("/api/scenarios/run", "post"), ("/api/scenarios/compare", "post")}
    assert not any("sql" in p for p in paths)
    assert api_client.get("/api/sql", params={"q": "SELECT 1"}).status_code == 404
    assert api_client.post("/api/sql", content=b"DROP TABLE core.firm").status_code == 404
    assert api_client.delete("/api/substances/atorvastatin").status_code == 405
    assert api_client.get("/api/substances/atorvastatin").status_code == 200
