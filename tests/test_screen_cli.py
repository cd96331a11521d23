"""The screen and exposure commands as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import EVAL, run_cli


def test_screen_dev_set_as_json(atlas_db: Path) -> None:
    result = run_cli(
        "screen", str(EVAL / "screening_dev.csv"), "--db", str(atlas_db), "--json", "--as-of", "2026-11-25"
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["name_column"] == "supplier_name" and payload["country_column"] == "country"
    assert payload["counts"] == {"listed": 7, "affiliate": 1, "possible": 1, "clear": 8}
    sta = next(r for r in payload["rows"] if r["input_name"].startswith("STA Pharmaceutical"))
    assert {"input_name", "status", "matched_name", "list", "score", "path", "explanation"} <= set(sta)
    assert sta["path"] == "STA Pharmaceutical Co., Ltd. -> WuXi AppTec Co., Ltd. (1260H, 2026-06-08)"
    sdn = next(s for s in payload["lists"] if s["list"] == "us_ofac_sdn")
    assert sdn["snapshot"] == "2024-05-03" and sdn["age_days"] == 936 and sdn["stale"]
    assert "us_ofac_sdn data of 2024-05-03 is 936 days older than 2026-11-25" in result.stderr


def test_screen_as_of_an_earlier_edition(atlas_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "screen.html"
    result = run_cli(
        "screen",
        str(EVAL / "screening_dev.csv"),
        "--db",
        str(atlas_db),
        "--as-of",
        "2026-03-01",
        "--output",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "us_dod_1260h: edition 2025-01-07" in text
    assert "<td>WuXi AppTec Co., Ltd.</td><td>CN</td><td>clear</td>" in text


def test_screen_bad_column_and_bad_date(atlas_db: Path) -> None:
    result = run_cli(
        "screen", str(EVAL / "screening_dev.csv"), "--db", str(atlas_db), "--name-column", "vendor"
    )
    assert result.returncode == 1
    assert "no name column 'vendor'; the file has columns ['supplier_name', 'country'" in result.stderr
    result = run_cli("screen", str(EVAL / "screening_dev.csv"), "--db", str(atlas_db), "--as-of", "June 2026")
    assert result.returncode == 1 and "write it as YYYY-MM-DD" in result.stderr


def test_exposure_json(atlas_db: Path) -> None:
    result = run_cli("exposure", "--db", str(atlas_db), "--json", "--as-of", "2026-11-25")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["linked_firms"] == ["SHANGHAI SYNTHEALL PHARMACEUTICAL CO LTD"]
    exposed = {s["substance"]: s for s in report["substances"] if s["linked_sources"]}
    assert set(exposed) == {"IVACAFTOR", "TELOTRISTAT ETIPRATE"}
    # 11 qualified sources: an ivacaftor premix (a formulation) is no source
    assert exposed["IVACAFTOR"]["sources"] == 11 and exposed["IVACAFTOR"]["linked_share"] == 0.0909
    assert exposed["IVACAFTOR"]["linked"][0]["path"].endswith("-> WuXi AppTec Co., Ltd. (1260H, 2026-06-08)")
