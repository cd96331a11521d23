"""Builds are atomic: a failed or killed build leaves the previous atlas byte-identical; snapshots accumulate."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import zlib
from datetime import date
from pathlib import Path

import pytest
from conftest import RXATLAS, run_cli

from rxatlas.atlas import Atlas
from rxatlas.sources.fda_dmf import FdaDmf
from rxatlas.sources.fetch import locate, sha256_of
from rxatlas.warehouse.duck import DuckDBEngine
from rxatlas.warehouse.load import parse_source, store

DMF = Path("fda_dmf") / "dmf_list_2025Q2.csv.gz"


def _leftovers(folder: Path) -> list[str]:
    """Names of build temporaries (work copies, their WAL, partial downloads) in a folder."""
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name or p.name.endswith((".part", ".wal")))


@pytest.fixture
def dmf_db(tmp_path: Path, dmf_atlas: Path) -> Path:
    """A private copy of the atlas holding the real DMF list."""
    db = tmp_path / "atlas.duckdb"
    shutil.copyfile(dmf_atlas, db)
    return db


def test_failed_build_keeps_the_previous_atlas(dmf_db: Path, data_dir: Path, tmp_path: Path) -> None:
    before = sha256_of(dmf_db)
    mirror = tmp_path / "mirror"
    for real in data_dir.rglob("*"):
        if real.is_file() and real.parent != data_dir:
            link = mirror / real.relative_to(data_dir)
            link.parent.mkdir(parents=True, exist_ok=True)
            if link != mirror / DMF:
                link.symlink_to(real)
    packed = (data_dir / DMF).read_bytes()
    (mirror / DMF).write_bytes(packed[: len(packed) // 2])
    last_good_line = zlib.decompressobj(wbits=31).decompress(packed[: len(packed) // 2]).count(b"\n")

    result = run_cli("build", "fda_dmf", "--db", str(dmf_db), "--mirror", str(mirror))

    assert result.returncode == 1
    assert result.stderr.startswith(
        f"error: source fda_dmf: {mirror / DMF}, line {last_good_line}: the file is truncated or corrupt "
        "after this line"
    )
    assert "Traceback" not in result.stderr
    assert sha256_of(dmf_db) == before
    assert _leftovers(tmp_path) == []


def test_killed_build_keeps_the_previous_atlas(dmf_db: Path, data_dir: Path, tmp_path: Path) -> None:
    before = sha256_of(dmf_db)
    building = tmp_path / f".{dmf_db.name}.building-*"
    proc = subprocess.Popen([str(RXATLAS), "build", "--db", str(dmf_db), "--mirror", str(data_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(6000):  # up to a minute
            if list(tmp_path.glob(building.name)) or proc.poll() is not None:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the build ended before its work file appeared"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert list(tmp_path.glob(building.name))
    assert sha256_of(dmf_db) == before

    result = run_cli("build", "fda_dmf", "--db", str(dmf_db), "--mirror", str(data_dir))

    assert result.returncode == 0, result.stderr
    assert _leftovers(tmp_path) == []
    with Atlas(dmf_db) as atlas:
        assert atlas.facts()["fda_dmf"] == {"dmfs": 39428, "active_type_ii": 14391}


def _load(db: Path, mirror: Path) -> None:
    """Load the DMF list found in a mirror into the raw tables, as the build does before its models."""
    source = FdaDmf()
    files = locate(source, str(mirror), db.parent / "cache")
    with DuckDBEngine(db) as engine:
        store(engine, source, files, parse_source(source, files))


def _snapshots(db: Path, table: str) -> dict[date, int]:
    with Atlas(db) as atlas:
        rows = atlas.sql(f"SELECT _snapshot, count(*) AS n FROM {table} GROUP BY 1 ORDER BY 1").to_pylist()
    return {r["_snapshot"]: r["n"] for r in rows}


def test_snapshots_accumulate_and_latest_shows_the_newest(dmf_db: Path, data_dir: Path, tmp_path: Path) -> None:
    q2, q3 = date(2025, 6, 30), date(2025, 9, 30)
    newer = tmp_path / "newer"
    (newer / "fda_dmf").mkdir(parents=True)
    (newer / "fda_dmf" / "dmf_list_2025Q3.csv.gz").symlink_to(data_dir / DMF)

    _load(dmf_db, newer)
    assert _snapshots(dmf_db, "raw.fda_dmf__dmf") == {q2: 39428, q3: 39428}
    assert _snapshots(dmf_db, "latest.fda_dmf__dmf") == {q3: 39428}
    with Atlas(dmf_db) as atlas:
        (source,) = atlas.sources().to_pylist()
    assert (source["snapshot"], source["snapshots_kept"]) == (q3, 2)
    assert [f["file"] for f in source["files"]] == ["dmf_list_2025Q3.csv.gz"]

    _load(dmf_db, newer)  # the same snapshot again replaces, not duplicates
    _load(dmf_db, data_dir)  # an older snapshot is kept but is not the latest
    assert _snapshots(dmf_db, "raw.fda_dmf__dmf") == {q2: 39428, q3: 39428}
    assert _snapshots(dmf_db, "latest.fda_dmf__dmf") == {q3: 39428}
    with Atlas(dmf_db) as atlas:
        loads = atlas.sql("SELECT count(DISTINCT _load_id) AS n FROM raw.fda_dmf__dmf").to_pylist()
        assert atlas.facts()["fda_dmf"] == {"dmfs": 39428, "active_type_ii": 14391}
    assert loads == [{"n": 2}]
