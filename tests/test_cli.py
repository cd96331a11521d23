"""The rxatlas command as a user runs it: sources, export, --json, one-sentence errors, stale warnings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import run_cli

from rxatlas.atlas import Atlas
from rxatlas.sources import all_sources
from rxatlas.sources.fetch import sha256_of

DMF = Path("fda_dmf") / "dmf_list_2025Q2.csv.gz"
SNAPSHOT = date(2025, 6, 30)


def test_sources_json_fields(dmf_atlas: Path, data_dir: Path) -> None:
    result = run_cli("sources", "--db", str(dmf_atlas), "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    age = (date.today() - SNAPSHOT).days
    sha, size = sha256_of(data_dir / DMF)
    assert row["source"] == "fda_dmf"
    assert row["snapshot"] == row["newest_snapshot"] == SNAPSHOT.isoformat()
    assert row["age_days"] == age
    assert row["stale"] is (age > 100)
    assert row["refresh_days"] == 100
    assert row["files"] == [{"file": DMF.name, "sha256": sha, "bytes": size, "snapshot": SNAPSHOT.isoformat(),
                             "origin": str(data_dir / DMF)}]
    assert row["rows"] == [{"table": "fda_dmf__dmf", "rows": 39428}]
    assert row["snapshots_kept"] == 1
    assert row["licence"] == "US Government work, public domain"
    assert row["loaded_at"] >= "2025"


def test_stale_snapshot_warning_on_stderr(dmf_atlas: Path) -> None:
    result = run_cli("sources", "--db", str(dmf_atlas))
    assert result.returncode == 0, result.stderr
    assert "fda_dmf" in result.stdout
    age = (date.today() - SNAPSHOT).days
    assert result.stderr == (
        f"warning: fda_dmf snapshot of 2025-06-30 is {age} days old (expected refresh every 100 days); "
        "rebuild with newer data for current answers\n"
    )


def test_sql_json_parses(dmf_atlas: Path) -> None:
    result = run_cli("sql", "--db", str(dmf_atlas), "--json",
                     "SELECT type, count(*) AS n, min(submit_date) AS first FROM core.dmf GROUP BY type ORDER BY type")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert sum(r["n"] for r in rows) == 39428
    assert [r["type"] for r in rows][:2] == ["I", "II"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_readable_files(dmf_atlas: Path, tmp_path: Path, fmt: str) -> None:
    result = run_cli("export", str(tmp_path / "out"), "--format", fmt, "--raw", "--db", str(dmf_atlas))
    assert result.returncode == 0, result.stderr
    with Atlas(dmf_atlas) as atlas:
        expected = sorted(f"{name}.{fmt}" for name in atlas.tables() if name.split(".")[0] in ("core", "raw", "meta"))
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == expected
    assert {f"core.dmf.{fmt}", f"raw.fda_dmf__dmf.{fmt}", f"meta.files.{fmt}"} <= set(names)
    read = pq.read_table if fmt == "parquet" else pacsv.read_csv
    dmf = read(tmp_path / "out" / f"core.dmf.{fmt}")
    assert dmf.num_rows == 39428
    assert {"dmf", "holder", "_source", "_snapshot", "_file", "_sha256", "_line"} <= set(dmf.column_names)
    catalog = read(tmp_path / "out" / f"meta.source_catalog.{fmt}").to_pylist()
    assert catalog[0]["source"] == "fda_dmf"
    assert "https://www.fda.gov/media/76300/download" in str(catalog[0]["official_urls"])


@pytest.mark.parametrize(("args", "message"), [
    (["sources", "--db", "{tmp}/missing.duckdb"],
     "no atlas at {tmp}/missing.duckdb; run `rxatlas build` first (or pass --db)"),
    (["export", "{tmp}/out", "--format", "xml", "--db", "{db}"], "unknown export format 'xml'; use parquet or csv"),
    (["build", "no_such_source", "--db", "{tmp}/new.duckdb"], "unknown source(s) ['no_such_source']; choose from "),
    (["build", "fda_dmf", "--db", "{tmp}/new.duckdb", "--mirror", "{tmp}/nowhere"],
     "mirror folder {tmp}/nowhere does not exist; pass --mirror with a folder of snapshots"),
    (["build", "fda_dmf", "--engine", "hadoop", "--db", "{tmp}/new.duckdb"],
     "unknown engine 'hadoop'; use one of duckdb, spark (--engine or RXATLAS_ENGINE)"),
    (["sql", "--db", "{db}", "SELECT no_such_column FROM core.dmf"], "query failed: Binder Error: "),
], ids=["missing atlas", "unknown format", "unknown source", "missing mirror", "unknown engine", "bad query"])
def test_errors_exit_1_with_one_sentence(dmf_atlas: Path, tmp_path: Path, args: list[str], message: str) -> None:
    values = {"tmp": str(tmp_path), "db": str(dmf_atlas)}
    result = run_cli(*(a.format(**values) for a in args))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: " + message.format(**values))
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "new.duckdb").exists()


def test_usage_error_is_one_sentence() -> None:
    result = run_cli("sql")
    assert result.returncode == 2
    assert result.stderr == "error: Missing argument 'query'; see --help\n"


def test_full_atlas_lists_every_source(atlas_db: Path) -> None:
    result = run_cli("sources", "--db", str(atlas_db), "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["source"]: r for r in json.loads(result.stdout)}
    # every source with a file in the shared mirror; the finished NDC directory is optional and not there
    assert sorted(rows) == sorted(s.id for s in all_sources() if s.id != "fda_ndc")
    table = run_cli("sources", "--db", str(atlas_db))
    assert "not loaded (optional files absent from the mirror, or not built): fda_ndc" in table.stdout
    assert [s for s, r in rows.items() if sum(t["rows"] for t in r["rows"]) <= 0] == []
    assert rows["fda_dmf"]["rows"] == [{"table": "fda_dmf__dmf", "rows": 39428}]
    assert rows["fda_dmf"]["facts"] == {"dmfs": 39428, "active_type_ii": 14391}
    assert rows["fda_decrs"]["rows"] == [{"table": "fda_decrs__establishment", "rows": 10439}]
    assert rows["fda_decrs"]["facts"]["establishments"] == 10439
    with Atlas(atlas_db) as atlas:
        assert atlas.facts()["fda_dmf"]["active_type_ii"] == 14391
