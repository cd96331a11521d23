"""Watch lists over two DMF quarters and the 1260H editions: alerts on watched items only, and their delivery."""

from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from conftest import run_cli
from test_history_changes import mirror_with

from rxatlas.atlas import Atlas
from rxatlas.build import build
from rxatlas.watch import lists


@pytest.fixture(scope="module")
def watch_db(data_dir: Path, lean_mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An atlas of the older and the real DMF list, UNII names and the 1260H list, with a portfolio watch list.

    The UNII names are the lean snapshot's (every name of the focus substances, atorvastatin and metformin among
    them): the alerts compare DMF quarters, and the whole UNII file only costs time here."""
    folder = tmp_path_factory.mktemp("watch")
    mirror = mirror_with(data_dir, folder / "mirror", "fda_dmf", "dod_1260h", "ofac_sdn")
    (mirror / "fda_unii").symlink_to(lean_mirror / "fda_unii", target_is_directory=True)
    db = folder / "atlas.duckdb"
    build(["fda_dmf", "fda_unii", "dod_1260h", "ofac_sdn"], db=db, mirror=str(mirror), cache=folder / "cache")
    portfolio = folder / "portfolio.csv"
    portfolio.write_text("substance\natorvastatin\nmetformin hydrochloride\nNOTADRUGXYZ\n", encoding="utf-8")
    result = run_cli("watch", "add", "generics", "--portfolio", str(portfolio), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "line 4: 'NOTADRUGXYZ'" in result.stderr  # the unknown name, by row
    return db


def test_a_portfolio_alerts_on_its_lost_source_and_nothing_else(watch_db: Path) -> None:
    # The made older quarter also closes an ibuprofen DMF, renames a metformin holder and lacks three new DMFs.
    with Atlas(watch_db) as atlas:
        (alert,) = atlas.watch_alerts("generics")["generics"]
    assert (alert["alert"], alert["item"], alert["key"]) == ("lost API source", "ATORVASTATIN", {"dmf": 18122})
    change = alert["change"]
    assert (change["old"]["status"], change["new"]["status"]) == ("A", "I")
    assert (change["old"]["file"], change["new"]["file"]) == ("dmf_list_2025Q1.csv.gz", "dmf_list_2025Q2.csv.gz")


def test_check_tells_each_alert_once_then_only_a_summary(watch_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    db.symlink_to(watch_db)
    lists.store_path(db).write_text(lists.store_path(watch_db).read_text())
    first = run_cli("watch", "check", "--json", "--db", str(db))
    assert first.returncode == 0, first.stderr
    payload = json.loads(first.stdout)
    assert payload["summary"] == "1 alert(s): generics 1"
    again = run_cli("watch", "check", "--db", str(db))
    assert (again.returncode, again.stdout) == (0, "nothing new on 1 watch list(s)\n")
    markdown = run_cli("watch", "check", "generics", "--since", "2025-01-01", "--markdown", "--db", str(db))
    assert "- lost API source: ATORVASTATIN (fda_dmf dmf 18122" in markdown.stdout
    listed = json.loads(run_cli("watch", "list", "--json", "--db", str(db)).stdout)
    assert [(w["name"], w["kind"], w["items"]) for w in listed] == [("generics", "portfolio", 2)]


def test_webhook_receives_the_alerts_as_json(watch_db: Path, tmp_path: Path) -> None:
    received: list[dict[str, Any]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    server.timeout = 10
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    db = tmp_path / "atlas.duckdb"
    db.symlink_to(watch_db)
    lists.store_path(db).write_text(lists.store_path(watch_db).read_text())
    url = f"http://127.0.0.1:{server.server_port}/hook"
    result = run_cli("watch", "check", "--since", "2025-06-01", "--webhook", url, "--db", str(db), timeout=120)
    thread.join(15)
    server.server_close()
    assert result.returncode == 0, result.stderr
    (body,) = received
    assert body["summary"] == "1 alert(s): generics 1"
    assert body["alerts"]["generics"][0]["change"]["key"] == {"dmf": 18122}


def test_supplier_lists_alert_on_new_list_matches_and_feed_them(watch_db: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from rxatlas.api import create_app

    db = tmp_path / "atlas.duckdb"
    db.symlink_to(watch_db)
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text('supplier,country\n"WuXi AppTec Co., Ltd.",CN\nQwzxv Nonexistent Holdings,US\n'
                         '"STA Pharmaceutical Co., Ltd.",CN\n')
    with Atlas(db) as atlas:
        watch = lists.add(atlas.engine, db, "cdmos", "suppliers", str(suppliers))
        assert watch.feedback == ["line 3: 'Qwzxv Nonexistent Holdings': no firm of that name in the atlas; only "
                                  "list screening and firm-name changes can alert on it"]
        found = atlas.watch_alerts("cdmos", since=date(2026, 1, 1))["cdmos"]
        assert atlas.watch_alerts("cdmos", since=date(2026, 7, 1))["cdmos"] == []
    # both became matches with the 2026-06-08 edition: WuXi AppTec listed, STA Pharmaceutical as its affiliate
    assert [(a["alert"], a["item"], a["date"], a["change"]["new"]["status"]) for a in found] == [
        ("newly matched on a watch list", "WuXi AppTec Co., Ltd.", date(2026, 6, 8), "listed"),
        ("newly matched on a watch list", "STA Pharmaceutical Co., Ltd.", date(2026, 6, 8), "affiliate")]
    assert found[1]["evidence"] == "STA Pharmaceutical Co., Ltd. -> WuXi AppTec Co., Ltd. (1260H, 2026-06-08)"
    with TestClient(create_app(db, web=False)) as client:
        feed = client.get("/api/watch/cdmos/feed.atom")
        missing = client.get("/api/watch/nothing/feed.atom")
        changes = client.get("/api/changes", params={"source": "fda_dmf", "since": "2025-06-01"}).json()
    assert feed.headers["content-type"].startswith("application/atom+xml")
    entries = ET.fromstring(feed.text).findall("{http://www.w3.org/2005/Atom}entry")
    assert sorted(e.findtext("{http://www.w3.org/2005/Atom}title") or "" for e in entries) == [
        "matched on a watch list: STA Pharmaceutical Co., Ltd.", "matched on a watch list: WuXi AppTec Co., Ltd."]
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert (changes["total"], [c["key"]["dmf"] for c in changes["items"]][:2]) == (6, [2078, 18122])
