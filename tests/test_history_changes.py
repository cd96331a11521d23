"""History across snapshots: an older DMF list beside the real one, the 1260H editions, and bad snapshots."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from rxatlas.atlas import Atlas
from rxatlas.build import build
from rxatlas.errors import InputError
from rxatlas.watch import lists

DMF = Path("fda_dmf") / "dmf_list_2025Q2.csv.gz"
Q1, Q2 = date(2025, 3, 31), date(2025, 6, 30)
# The older list: the three newest DMFs not yet filed, two inactive DMFs still active, one holder renamed.
ADDED = (42236, 42231, 42225)
CLOSED = (18122, 2078)  # inactive Type II DMFs of the real list: atorvastatin calcium, ibuprofen
RENAMED = {41221: "SUN PHARMACEUTICAL INDUSTRIES (FORMER NAME)"}


def older_dmf_list(real: Path, target: Path) -> None:
    """Write an earlier quarter's DMF list made from the real one by removing and changing rows."""
    with gzip.open(real, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        number = int(row["DMF#"])
        if number in ADDED:
            continue
        if number in CLOSED:
            assert row["STATUS"] == "I"
            row["STATUS"] = "A"
        row["HOLDER"] = RENAMED.get(number, row["HOLDER"])
        writer.writerow(row)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(text.getvalue().encode(), mtime=0))  # the same bytes every time


def mirror_with(data_dir: Path, folder: Path, *names: str, older: bool = True) -> Path:
    """A mirror folder linking the named real snapshot folders, with the made older DMF list when asked."""
    for name in names:
        (folder / name).mkdir(parents=True, exist_ok=True)
        for path in (data_dir / name).iterdir():
            (folder / name / path.name).symlink_to(path)
    if older:
        older_dmf_list(data_dir / DMF, folder / "fda_dmf" / "dmf_list_2025Q1.csv.gz")
    return folder


def rows_digest(db: Path, table: str, snapshot: date) -> str:
    """A digest of every row (all columns, load id included) of one snapshot of a raw table."""
    with Atlas(db) as atlas:
        rows = atlas.engine.query(f"SELECT * FROM {table} WHERE _snapshot = ? ORDER BY _line", [snapshot])
    return hashlib.sha256(repr(rows.to_pylist()).encode()).hexdigest()


@pytest.fixture(scope="module")
def history_db(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """An atlas first built with the older DMF list alone, then rebuilt with both quarters in the mirror."""
    folder = tmp_path_factory.mktemp("history")
    first = folder / "first"
    (first / "fda_dmf").mkdir(parents=True)
    older_dmf_list(data_dir / DMF, first / "fda_dmf" / "dmf_list_2025Q1.csv.gz")
    db = folder / "atlas.duckdb"
    build(["fda_dmf"], db=db, mirror=str(first), cache=folder / "cache")
    before = rows_digest(db, "raw.fda_dmf__dmf", Q1)
    with Atlas(db) as atlas:
        lists.add(atlas.engine, db, "morepen", "firm", "Morepen Laboratories")
    build(["fda_dmf"], db=db, mirror=str(mirror_with(data_dir, folder / "both", "fda_dmf")), cache=folder / "cache")
    return db, before


def test_rebuild_leaves_the_earlier_snapshot_byte_identical(history_db: tuple[Path, str]) -> None:
    db, before = history_db
    assert rows_digest(db, "raw.fda_dmf__dmf", Q1) == before
    with Atlas(db) as atlas:
        kept = atlas.sql("SELECT _snapshot, count(*) AS n FROM raw.fda_dmf__dmf GROUP BY 1 ORDER BY 1").to_pylist()
        latest = atlas.sql("SELECT DISTINCT _snapshot FROM latest.fda_dmf__dmf").to_pylist()
    assert kept == [{"_snapshot": Q1, "n": 39425}, {"_snapshot": Q2, "n": 39428}]
    assert latest == [{"_snapshot": Q2}]


def test_a_watch_list_survives_the_rebuild_and_alerts_on_its_firm(history_db: tuple[Path, str]) -> None:
    db = history_db[0]
    assert list(lists.load(db)) == ["morepen"]
    with Atlas(db) as atlas:
        (alert,) = atlas.watch_alerts("morepen")["morepen"]
    assert (alert["alert"], alert["key"], alert["firm"]) == ("lost API source", {"dmf": 18122},
                                                             "MOREPEN LABORATORIES LTD")


def test_two_dmf_lists_give_exactly_the_added_closed_and_changed_dmfs(history_db: tuple[Path, str]) -> None:
    with Atlas(history_db[0]) as atlas:
        found = atlas.changes("fda_dmf")
    by_kind: dict[str, set[int]] = {}
    for change in found:
        by_kind.setdefault(change["kind"], set()).add(change["key"]["dmf"])
    assert by_kind == {"added": set(ADDED), "closed": set(CLOSED), "changed": set(RENAMED)}
    assert {(c["old_snapshot"], c["new_snapshot"]) for c in found} == {(Q1, Q2)}
    (renamed,) = [c for c in found if c["kind"] == "changed"]
    assert renamed["fields"] == [{"field": "holder", "old": RENAMED[41221], "new": renamed["new"]["holder"]}]
    assert renamed["old"]["file"] == "dmf_list_2025Q1.csv.gz" and renamed["new"]["file"] == DMF.name
    assert (renamed["first_seen"], renamed["last_seen"]) == (Q1, Q2)
    added = next(c for c in found if c["key"]["dmf"] == 42236)
    assert added["old"] is None and added["first_seen"] == Q2
    closed = next(c for c in found if c["key"]["dmf"] == 18122)
    assert closed["fields"] == [{"field": "status", "old": "A", "new": "I"}]
    with Atlas(history_db[0]) as atlas:
        assert atlas.changes("fda_dmf", since=date(2025, 7, 1)) == []
        assert {c["key"]["dmf"] for c in atlas.changes("fda_dmf", substance="atorvastatin")} == {18122}


def test_an_older_snapshot_loaded_later_is_history_not_latest(history_db: tuple[Path, str], data_dir: Path,
                                                                tmp_path: Path) -> None:
    db = tmp_path / "atlas.duckdb"
    build(["fda_dmf"], db=db, mirror=str(data_dir), cache=tmp_path / "cache")
    old = tmp_path / "old"
    older_dmf_list(data_dir / DMF, old / "fda_dmf" / "dmf_list_2025Q1.csv.gz")
    build(["fda_dmf"], db=db, mirror=str(old), cache=tmp_path / "cache")
    with Atlas(db) as atlas:
        assert atlas.sql("SELECT DISTINCT _snapshot FROM latest.fda_dmf__dmf").to_pylist() == [{"_snapshot": Q2}]
        assert {c["kind"] for c in atlas.changes("fda_dmf")} == {"added", "closed", "changed"}
    # the same date claimed by other content is refused, and the atlas is left as it was
    clash = tmp_path / "clash"
    older_dmf_list(data_dir / DMF, clash / "fda_dmf" / "dmf_list_2025Q2.csv.gz")
    with pytest.raises(InputError, match=r"claims snapshot 2025-06-30.*other content"):
        build(["fda_dmf"], db=db, mirror=str(clash), cache=tmp_path / "cache")


def test_1260h_editions_give_the_real_additions_and_removals(atlas_db: Path) -> None:
    with Atlas(atlas_db) as atlas:
        found = atlas.changes("dod_1260h")

    def names(kind: str, at: date) -> set[str]:
        return {c["firm"] for c in found if c["kind"] == kind and c["new_snapshot"] == at}

    june = date(2026, 6, 8)
    assert len(names("added", june)) == 73 and "WuXi AppTec Co., Ltd." in names("added", june)
    assert len(names("removed", june)) == 7
    assert len(names("removed", date(2026, 2, 17))) == 12
    assert len(names("added", date(2025, 1, 7))) == 74 and len(names("removed", date(2025, 1, 7))) == 13
    wuxi: dict[str, Any] = next(c for c in found if c["firm"] == "WuXi AppTec Co., Ltd.")
    assert wuxi["old_snapshot"] == date(2026, 2, 17) and wuxi["new"]["source_url"]
    db = str(atlas_db)
    result = run_cli("changes", "--source", "dod_1260h", "--since", "2026-06-08", "--firm", "wuxi apptec", "--json",
                     "--db", db)
    assert result.returncode == 0, result.stderr
    assert [(c["kind"], c["firm"]) for c in json.loads(result.stdout)] == [("added", wuxi["firm"])]
    wrong = run_cli("changes", "--source", "fda_nothing", "--db", db)
    assert wrong.returncode == 1 and "no history is kept for source 'fda_nothing'" in wrong.stderr


def test_drugs_at_fda_2019_against_2025(atlas_db: Path) -> None:
    # the mirror's complete 2019 archive holds Applications.txt too: it is loaded as the older snapshot
    with Atlas(atlas_db) as atlas:
        found = atlas.changes("fda_drugsfda")
        latest = atlas.engine.rows("SELECT DISTINCT _snapshot FROM latest.fda_drugsfda__application")
    assert latest == [{"_snapshot": date(2025, 7, 1)}]
    assert {(c["old_snapshot"], c["new_snapshot"]) for c in found} == {(date(2019, 7, 2), date(2025, 7, 1))}
    kinds: dict[str, int] = {}
    for change in found:
        kinds[change["kind"]] = kinds.get(change["kind"], 0) + 1
    assert kinds == {"added": 5300, "removed": 185, "changed": 6310}
    moved = next(c for c in found if c["key"] == {"appl_no": "000552"})
    assert moved["fields"] == [{"field": "sponsor_name", "old": "ORGANON USA INC", "new": "ASPEN GLOBAL INC"}]


def test_shortage_trends_need_several_snapshots(atlas_db: Path, data_dir: Path,
                                                tmp_path: Path) -> None:
    from rxatlas.history.trends import shortage_trends

    with Atlas(atlas_db) as atlas:
        one = shortage_trends(atlas.engine)
    assert one["snapshots"] == [date(2026, 6, 19)] and one["note"].startswith("only one shortage snapshot")
    # an earlier posting made from the real file: every resolved shortage was still current, 27 not yet posted
    real = data_dir / "fda_shortages" / "openfda_drug-shortages_2026-06-19.json.gz"
    posted = json.loads(gzip.decompress(real.read_bytes()))
    for record in posted["results"]:
        record["status"] = "Current" if record["status"] == "Resolved" else record["status"]
    posted["results"] = [r for i, r in enumerate(posted["results"]) if i % 50 or r["status"] != "Current"]
    mirror = mirror_with(data_dir, tmp_path / "mirror", "fda_shortages", older=False)
    (mirror / "fda_shortages" / "openfda_drug-shortages_2026-01-15.json").write_text(json.dumps(posted))
    build(["fda_shortages"], db=tmp_path / "atlas.duckdb", mirror=str(mirror), cache=tmp_path / "cache")
    with Atlas(tmp_path / "atlas.duckdb") as atlas:
        two = shortage_trends(atlas.engine)
        kinds = {(c["fact"], c["kind"]) for c in atlas.changes("fda_shortages")}
    assert two["durations"] == {"resolved": 25, "median_days": 155.0, "longest_days": 155}
    assert [(y["year"], y["resolved"]) for y in two["by_year"]] == [(2026, 25)]
    assert kinds == {("fda_shortages.openfda", "added"), ("fda_shortages.openfda", "closed")}
