"""rxatlas mcp: the installed command serves every question as an MCP tool over stdio, answered from the real atlas."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from conftest import RXATLAS, run_cli
from mcp import ClientSession, StdioServerParameters, stdio_client

TOOLS = {"substance", "firm", "country", "shortages", "classes", "risk", "opportunities", "screen", "scenario",
         "approvals", "policy", "sources"}
INLINE_SCENARIO = "name: india-outage\nas_of: 2026-01-01\nmeasures:\n  - type: country_outage\n    countries: [IN]\n"
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "substance": ("substance", {"name": "atorvastatin"}),
    "firm": ("firm", {"name": "ACS DOBFAR SPA"}),
    "country": ("country", {"iso2": "IN"}),
    "shortages": ("shortages", {"critical": True}),
    "classes": ("classes", {"level": 1}),
    "risk": ("risk", {"top": 5, "single_source": True}),
    "opportunities": ("opportunities", {"home": "KR", "limit": 10}),
    "screen": ("screen", {"names": ["WuXi AppTec Co., Ltd.", "Pfizer Inc"], "countries": ["CN", "US"]}),
    "scenario": ("scenario", {"scenario": "biosecure-1260h-2026"}),
    "scenario inline": ("scenario", {"scenario": INLINE_SCENARIO}),
    "approvals": ("approvals", {"country": "KR"}),
    "policy": ("policy", {}),
    "policy one": ("policy", {"policy_id": "us-biosecure-ndaa-2026"}),
    "sources": ("sources", {}),
    "unknown country": ("country", {"iso2": "XX"}),
    "unknown example": ("scenario", {"scenario": "nonesuch"}),
}


async def _session(db: Path) -> dict[str, Any]:
    """List the tools and make every call of CALLS over one stdio session with `rxatlas mcp --db db`."""
    server = StdioServerParameters(command=str(RXATLAS), args=["mcp", "--db", str(db)])
    async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        found: dict[str, Any] = {"tools": {t.name: t for t in (await session.list_tools()).tools}}
        for key, (name, arguments) in CALLS.items():
            result = await session.call_tool(name, arguments)
            text = result.content[0].text  # type: ignore[union-attr]
            found[key] = {"error": text} if result.is_error else json.loads(text)
        return found


@pytest.fixture(scope="module")
def served(atlas_db: Path) -> dict[str, Any]:
    """The tool list and every answer of one session with the server over the session atlas."""
    return anyio.run(_session, atlas_db)


def _sources(answer: dict[str, Any]) -> dict[str, str]:
    return {s["source"]: s["snapshot"] for s in answer["sources"]}


def test_every_tool_is_listed_read_only(served: dict[str, Any]) -> None:
    tools = served["tools"]
    assert set(tools) == TOOLS
    assert all(t.annotations.read_only_hint and not t.annotations.destructive_hint for t in tools.values())
    assert "name" in tools["substance"].input_schema["required"]
    assert "us_human_rx" in tools["risk"].input_schema["properties"]["scope"]["enum"]


def test_substance_answer_has_qualified_sources_countries_and_marketers(served: dict[str, Any]) -> None:
    found = served["substance"]
    answer = found["answer"]
    assert (answer["match"], answer["unii"]) == ("unique", "A0JWA85V8F")
    assert {"IN", "CN"} <= {s["country"] for s in answer["api_sources"]}
    reddy = next(h for h in answer["finished_dose_holders"] if h["appl_no"] == "091650")
    assert (reddy["appl_type"], reddy["dosage_forms"], reddy["routes"], reddy["marketed"]) == (
        "ANDA", ["TABLET"], ["ORAL"], True)
    assert _sources(found)["fda_dmf"] == "2025-06-30" and "fda_drugsfda" in _sources(found)
    assert all({"title", "age_days", "stale"} <= set(s) for s in found["sources"])


def test_firm_country_and_classes(served: dict[str, Any]) -> None:
    firm = served["firm"]["answer"]
    assert (firm["match"], firm["firm"]["country_iso2"]) == ("unique", "IT")
    country = served["country"]
    assert country["answer"]["country"]["iso2"] == "IN" and country["answer"]["substances_with_sources"] > 500
    assert {"answer.substances"} <= {c["list"] for c in country["truncated"]}  # cut to fit, and said so
    assert "fda_decrs" in _sources(country)
    classes = served["classes"]["answer"]
    assert classes["level"] == 1 and classes["rows"]


def test_shortages_and_risk(served: dict[str, Any]) -> None:
    shortages = served["shortages"]
    assert shortages["answer"]["substances"]
    assert all(s["criticality"]["critical"] for s in shortages["answer"]["substances"])
    assert "fda_shortages" in _sources(shortages)
    risk = served["risk"]["answer"]
    assert risk["filters"] == ["single source"] and len(risk["top_risks"]) == 5
    assert all(s["metrics"]["n_sources"] == 1 for s in risk["substances"])


def test_opportunities_and_approvals(served: dict[str, Any]) -> None:
    opportunities = served["opportunities"]["answer"]
    assert opportunities["home"] == "KR" and len(opportunities["opportunities"]) == 10
    approvals = served["approvals"]["answer"]
    assert approvals["country"] == "KR"
    assert {"CELLTRION, Inc.", "Samsung Bioepis Co., Ltd."} <= {a["sponsor"] for a in approvals["applications"]}


def test_screen_names_given_inline(served: dict[str, Any]) -> None:
    answer = served["screen"]["answer"]
    status = {r["input_name"]: r["status"] for r in answer["rows"]}
    assert status == {"WuXi AppTec Co., Ltd.": "listed", "Pfizer Inc": "clear"}
    assert {s["list"] for s in answer["lists"]} >= {"us_dod_1260h", "us_ofac_sdn"}
    assert answer["counts"]["listed"] == 1


def test_scenarios_by_example_name_and_inline(served: dict[str, Any]) -> None:
    example = served["scenario"]["answer"]
    assert example["scenario"]["name"] == "biosecure-1260h-2026" and example["summary"]["sources_lost"] >= 1
    inline = served["scenario inline"]["answer"]
    assert inline["scenario"]["name"] == "india-outage"
    assert inline["summary"]["substances_losing_sources"] > 500


def test_policy_and_sources(served: dict[str, Any]) -> None:
    ids = {p["id"] for p in served["policy"]["answer"]}
    assert {"us-biosecure-2024-bills", "us-biosecure-ndaa-2026"} <= ids
    biosecure = served["policy one"]["answer"]
    assert "BIOSECURE" in biosecure["title"] and biosecure["sources"]
    sources = {s["source"]: s for s in served["sources"]["answer"]}
    assert str(sources["fda_dmf"]["snapshot"]) == "2025-06-30" and sources["fda_dmf"]["files"][0]["sha256"]


def test_errors_say_what_to_do(served: dict[str, Any]) -> None:
    assert "ISO 3166 alpha-2" in served["unknown country"]["error"]
    assert "biosecure-1260h-2026" in served["unknown example"]["error"]


def test_without_an_atlas_or_the_mcp_package(tmp_path: Path, atlas_db: Path) -> None:
    missing = run_cli("mcp", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 1 and "rxatlas build" in missing.stderr
    no_sdk = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['mcp'] = None; from rxatlas.cli import main; main()",
         "mcp", "--db", str(atlas_db)], capture_output=True, text=True, timeout=60)
    assert no_sdk.returncode == 1 and "pip install 'rxatlas[mcp]'" in no_sdk.stderr
