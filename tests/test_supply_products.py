"""Who markets a substance now and in what forms: finished-dose holders with forms, routes and status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from rxatlas.atlas import Atlas
from rxatlas.supply.substance import substance_answer


@pytest.fixture(scope="module")
def atorvastatin(atlas_db: Path) -> dict[str, Any]:
    """The substance answer for atorvastatin."""
    with Atlas(atlas_db) as atlas:
        return substance_answer(atlas, "atorvastatin")


def _holders(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["appl_no"]: h for h in answer["finished_dose_holders"]}


def test_atorvastatin_generics_are_oral_tablets_on_the_market(atorvastatin: dict[str, Any]) -> None:
    holders = _holders(atorvastatin)
    reddy = holders["091650"]
    assert (reddy["appl_type"], reddy["sponsor"], reddy["sponsor_country"]) == ("ANDA", "DR REDDYS LABS LTD", "IN")
    assert (reddy["dosage_forms"], reddy["routes"]) == (["TABLET"], ["ORAL"])
    assert reddy["marketing_status"] == ["Prescription"] and reddy["marketed"]
    assert str(reddy["marketing_status_snapshot"]) == "2025-07-01"
    assert holders["020702"]["appl_type"] == "NDA" and holders["020702"]["drug_names"] == ["LIPITOR"]
    marketed_andas = [h for h in holders.values() if h["appl_type"] == "ANDA" and h["marketed"]]
    assert len(marketed_andas) >= 10
    assert all(h["routes"] == ["ORAL"] for h in holders.values())


def test_a_discontinued_application_is_not_marketed(atorvastatin: dict[str, Any]) -> None:
    sun = _holders(atorvastatin)["076477"]
    assert sun["marketing_status"] == ["Discontinued"] and not sun["marketed"]


def test_the_note_says_forms_are_of_2019_and_status_current(atorvastatin: dict[str, Any]) -> None:
    coverage = atorvastatin["finished_dose_coverage"]
    assert (str(coverage["products_snapshot"]), str(coverage["marketing_status_snapshot"])) == (
        "2019-07-02", "2025-07-01")
    note = next(n for n in atorvastatin["notes"] if "finished-dose holders" in n)
    assert "dosage forms and routes are those of 2019-07-02" in note and "2025-07-01" in note


def test_biologic_forms_and_routes_come_from_the_purple_book(atlas_db: Path) -> None:
    with Atlas(atlas_db) as atlas:
        answer = substance_answer(atlas, "adalimumab")
    humira = next(h for h in answer["finished_dose_holders"]
                  if h["appl_no"] == "125057" and h["evidence"].startswith("Purple Book"))
    assert (humira["appl_type"], humira["sponsor_country"]) == ("BLA", "US")
    assert (humira["dosage_forms"], humira["routes"]) == (["INJECTION"], ["SUBCUTANEOUS"])
    assert humira["marketed"] and "Prescription" in humira["marketing_status"]
    # one count per Purple Book presentation row, not multiplied by the applicant's repeated mentions
    with Atlas(atlas_db) as atlas:
        rows = atlas.engine.scalar("SELECT count(*) FROM core.biologic WHERE bla_no = '125057'")
    assert humira["products"] == rows


def test_the_cli_shows_who_markets_it(atlas_db: Path) -> None:
    result = run_cli("substance", "atorvastatin", "--db", str(atlas_db))
    assert result.returncode == 0, result.stderr
    assert "who markets it" in result.stdout
    line = next(row for row in result.stdout.splitlines() if "ANDA 091650" in row)
    assert "DR REDDYS LABS LTD" in line and "TABLET;ORAL" in line and "Prescription" in line
    assert "ANDA 076477" not in result.stdout  # discontinued: in --json, not in the table
