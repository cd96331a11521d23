"""Analyst overrides in a user file survive rebuilds, change the answer and are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from rxatlas.atlas import Atlas
from rxatlas.build import build
from rxatlas.resolve.curated import OVERRIDES_ENV

HOLDER = "TEVA PHARMACEUTICAL INDUSTRIES LTD"
OVERRIDES = f"""overrides:
  - holder: "{HOLDER}"
    action: set_country
    country: NL
    who: "Test Analyst"
    when: 2026-11-25
    why: "test: the analyst decides the holder is the Dutch entity"
  - holder: "NO SUCH HOLDER LTD"
    action: set_country
    country: GB
    who: "Test Analyst"
    when: 2026-11-25
    why: "test: an override that matches nothing must be reported"
"""


def test_user_overrides_apply_on_every_build_and_are_reported(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_file = tmp_path / "overrides.yaml"
    user_file.write_text(OVERRIDES, encoding="utf-8")
    monkeypatch.setenv(OVERRIDES_ENV, str(user_file))
    db = tmp_path / "atlas.duckdb"
    for _ in range(2):  # a rebuild keeps the decision: it lives in the file, not in the atlas
        build(["fda_dmf"], db=db, mirror=str(data_dir), cache=tmp_path / "cache")
        with Atlas(db) as atlas:
            (row,) = atlas.sql(f"SELECT * FROM core.dmf_holder WHERE holder = '{HOLDER}'").to_pylist()
            assert (row["country"], row["method"], row["confidence"]) == ("NL", "override", "high")
            assert any("Test Analyst" in line for line in row["evidence"])
    result = run_cli("resolve", "--report", "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    statuses = {o["holder"]: o["status"] for o in json.loads(result.stdout)["overrides"]}
    assert statuses == {HOLDER: "applied", "NO SUCH HOLDER LTD": "no DMF holder with this exact name"}
