"""rxatlas shortages on the real snapshot: the openFDA file (2026-06-19) and the FDA database export (2026-05-11)
merged into one row per presentation, recovery estimates, filters, and the same rows from CLI, API and substance."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from fastapi.testclient import TestClient

from rxatlas.atlas import Atlas
from rxatlas.supply.classes import SUBSTANCES_SQL as CLASS_SUBSTANCES_SQL
from rxatlas.supply.recovery import recovery
from rxatlas.supply.vulnerability import signals


def _by_ndc(answer: dict[str, Any], ndc: str) -> list[dict[str, Any]]:
    return [r for r in answer["presentations"] if r["package_ndc"] == ndc]


@pytest.fixture(scope="module")
def every_scope(atlas_db: Path) -> dict[str, Any]:
    """The answer over every market scope, no filter."""
    with Atlas(atlas_db) as atlas:
        return atlas.shortages(scope="all")


def test_both_copies_of_a_posting_are_one_row(every_scope: dict[str, Any], atlas_db: Path) -> None:
    # Cleocin Phosphate 600 mg/4 mL: posted 2023-03-21 (in both files), posted again as to be discontinued on
    # 2026-06-01 (only in the newer openFDA file): three records, one presentation.
    with Atlas(atlas_db) as atlas:
        raw = atlas.engine.rows("SELECT shortage_source, _line FROM core.shortage WHERE package_ndc = '0009-0775-26'")
    assert sorted((r["shortage_source"], r["_line"]) for r in raw) == [
        ("fda_dsc_csv", 341), ("openfda", 69), ("openfda", 1595)]
    (row,) = _by_ndc(every_scope, "0009-0775-26")
    (substance,) = row["substances"]
    assert (substance["substance"], substance["linked_by"]) == ("CLINDAMYCIN PHOSPHATE",
                                                                ["generic name mapping", "openFDA UNII"])
    assert (row["status"], row["statuses"]) == ("Current", ["Current", "To Be Discontinued"])
    assert (row["first_posted"], row["discontinued"]) == (date(2023, 3, 21), date(2026, 6, 1))
    assert row["age_days"] == (date(2026, 6, 19) - date(2023, 3, 21)).days
    assert row["sources"] == ["fda_dsc_csv", "openfda"]
    first, second = row["postings"]
    assert {(c["source"], c["line"]) for c in first["copies"]} == {("openfda", 1595), ("fda_dsc_csv", 341)}
    assert (second["posted"], second["status"]) == (date(2026, 6, 1), "To Be Discontinued")


def test_no_presentation_is_counted_twice(every_scope: dict[str, Any]) -> None:
    merge, totals = every_scope["merge"], every_scope["totals"]
    assert (merge["records"], merge["postings"], merge["postings_in_both_files"], merge["presentations"]) == (
        3328, 1742, 1581, 1702)
    assert [s["records"] for s in every_scope["snapshots"]] == [1640, 1688]
    # each linked presentation once in the list, under every substance it links to (a combination: several)
    listed = Counter(r["presentation_key"] for r in every_scope["presentations"])
    assert listed.most_common(1)[0][1] == 1
    assert totals["presentations"] == len(listed) == merge["presentations"] - merge["unlinked_presentations"]
    under = {(s["unii"], k) for s in every_scope["substances"] for k in s["presentation_keys"]}
    assert under == {(x["unii"], r["presentation_key"]) for r in every_scope["presentations"]
                     for x in r["substances"]}
    assert len(under) > len(listed)
    assert (totals["current"] + totals["current_only_in_older_file"] + totals["to_be_discontinued"]
            + totals["resolved"]) == totals["presentations"]
    assert 0 < totals["current_only_in_older_file"] < 50  # current in the older export, absent from the newer file


def test_presentation_table_is_the_one_current_shortage_definition(atlas_db: Path,
                                                                    every_scope: dict[str, Any]) -> None:
    # core.shortage_presentation holds the answer's merged presentations, one row per (presentation, moiety);
    # the market scope, classes and the vulnerability score all read their current shortages from it.
    with Atlas(atlas_db) as atlas:
        engine = atlas.engine
        rows = engine.rows("SELECT presentation_key, unii, current FROM core.shortage_presentation")
        current = {r["unii"] for r in rows if r["current"] and r["unii"]}
        linked = sorted({r["unii"] for r in rows if r["unii"]})
        scored = {s["unii"] for s in signals(engine, linked) if any(p["current"] for p in s["shortage_presentations"])}
        classed = {r["unii"] for r in engine.rows(CLASS_SUBSTANCES_SQL.format(ndc_classes=""), ["all", "all"])
                   if r["shortage"]}
        scoped = {r["unii"] for r in engine.rows(
            "SELECT unii FROM core.market_scope WHERE scope_evidence LIKE 'FDA shortage posting (current)%'")}
    assert Counter((r["presentation_key"], r["unii"]) for r in rows).most_common(1)[0][1] == 1
    assert len({r["presentation_key"] for r in rows}) == every_scope["merge"]["presentations"]
    assert {(r["unii"], r["presentation_key"]) for r in rows if r["unii"]} == {
        (x["unii"], r["presentation_key"]) for r in every_scope["presentations"] for x in r["substances"]}
    assert current and scored == classed == current and scoped <= current
    per_substance = Counter(r["unii"] for r in rows if r["current"] and r["unii"])
    assert {s["unii"]: s["current"] for s in every_scope["substances"] if s["current"]} == per_substance


def test_recovery_estimate_of_a_current_shortage(every_scope: dict[str, Any]) -> None:
    (penicillin,) = _by_ndc(every_scope, "60793-700-10")
    assert ([s["substance"] for s in penicillin["substances"]], penicillin["status"], penicillin["company"]) == (
        ["PENICILLIN G"], "Current", "Pfizer Inc.")
    assert penicillin["related_info"].startswith("Next Delivery: October 2027; Estimated Recovery: December 2027")
    assert penicillin["recovery"] == {"kind": "estimated recovery", "from": date(2027, 12, 1),
                                      "to": date(2027, 12, 31), "undetermined": False, "passed": False,
                                      "phrase": "Estimated Recovery: December 2027"}
    assert every_scope["totals"]["recovery_dated"] > 100


@pytest.mark.parametrize(("text", "start", "end"), [
    ("Next Delivery and Estimated Recovery: June 2027; Shortage per Manufacturer: Manufacturing Delay",
     date(2027, 6, 1), date(2027, 6, 30)),
    ("Recovery expected by end of June/early July 2026", date(2026, 6, 1), date(2026, 7, 31)),
    ("Anticipated availability: Q4 2026; Delay is due to manufacturing delays", date(2026, 10, 1),
     date(2026, 12, 31)),
    ("Inventory available 2 to 6 weeks as per current demand. Next supply: week of 2/23/2026", date(2026, 2, 23),
     date(2026, 2, 23)),
    ("Additional lots will be available in the Dec. 2026 timeframe.  Product will be made available as it is "
     "released.", date(2026, 12, 1), date(2026, 12, 31)),
    ("Estimated recovery: TBD; NDC is non-exempt", None, None),
    ("Estimated recovery: 10 days", None, None),
])
def test_recovery_text_variants(text: str, start: date | None, end: date | None) -> None:
    found = recovery(text)
    assert found is not None and (found["from"], found["to"]) == (start, end)
    assert found["phrase"] in text


def test_critical_and_since_filter(atlas_db: Path, every_scope: dict[str, Any]) -> None:
    with Atlas(atlas_db) as atlas:
        rx = atlas.shortages()
        critical = atlas.shortages(critical=True)
        recent = atlas.shortages(since="2026-06-01")
    assert rx["scope"] == "us_human_rx" and every_scope["totals"]["substances"] > rx["totals"]["substances"]
    assert all(s["market_scope"] == "us_human_rx" for s in rx["substances"])
    assert all(s["criticality"]["critical"] for s in critical["substances"])
    names = {s["substance"] for s in critical["substances"]}
    assert "PENICILLIN G" in names and "AMPHETAMINE" not in names  # on no list; in shortage all the same
    assert "AMPHETAMINE" in {s["substance"] for s in rx["substances"]}
    assert critical["filters"] and critical["totals"]["presentations"] < rx["totals"]["presentations"]
    assert recent["since"] == date(2026, 6, 1)
    for row in recent["presentations"]:
        assert row["last_update"] >= date(2026, 6, 1) or any(p["posted"] >= date(2026, 6, 1)
                                                              for p in row["postings"])
    assert 0 < recent["totals"]["presentations"] < rx["totals"]["presentations"]
    assert recent["totals"]["resolved"] == 0


def test_cli_json_and_api_give_the_same_rows(atlas_db: Path, api_client: TestClient) -> None:
    result = run_cli("shortages", "--critical", "--since", "2026-06-01", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    cli = json.loads(result.stdout)
    api = api_client.get("/api/shortages", params={"critical": "true", "since": "2026-06-01", "limit": 500}).json()
    pages = api["presentations"]
    while len(pages) < api["presentations_total"]:
        pages += api_client.get("/api/shortages", params={"critical": "true", "since": "2026-06-01", "limit": 500,
                                                          "offset": len(pages)}).json()["presentations"]
    api["presentations"] = pages
    def rows(answer: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(r["presentation_key"], r["status"], r["first_posted"], [s["unii"] for s in r["substances"]])
                for r in answer["presentations"]]

    assert rows(cli) and rows(cli) == rows(api)
    assert cli["totals"] == api["totals"] and cli["as_of"] == api["as_of"] == "2026-06-19"
    assert api["warnings"] and api["limits"] == cli["limits"]
    bad = api_client.get("/api/shortages", params={"since": "June 2026"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["error"]["message"]


def test_cli_table_and_a_wrong_date(atlas_db: Path) -> None:
    result = run_cli("shortages", "--scope", "all", "--db", str(atlas_db))
    assert result.returncode == 0, result.stderr
    assert "presentations of" in result.stdout and "openfda_drug-shortages_2026-06-19" in result.stdout
    wrong = run_cli("shortages", "--since", "2026-13-01", "--db", str(atlas_db))
    assert wrong.returncode == 1 and "YYYY-MM-DD" in wrong.stderr


def test_substance_answer_lists_its_presentations(atlas_db: Path, every_scope: dict[str, Any]) -> None:
    result = run_cli("substance", "heparin sodium", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    heparin = next(s for s in every_scope["substances"] if s["unii"] == answer["unii"] == "T2410KM04A")
    assert sorted(r["presentation_key"] for r in answer["shortages"]) == sorted(heparin["presentation_keys"])
    table = run_cli("substance", "heparin sodium", "--db", str(atlas_db))
    assert "one row per presentation" in table.stdout and "0264-9872-10" in table.stdout
