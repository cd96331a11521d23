"""Publish a Parquet warehouse (what a Spark build writes) into an atlas file every command reads."""

from __future__ import annotations

import json
from pathlib import Path

from rxatlas.errors import BuildError
from rxatlas.warehouse.duck import DuckDBEngine
from rxatlas.warehouse.spark import MANIFEST


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def publish(folder: Path, atlas: Path) -> None:
    """Write a new atlas file at atlas with every table and view listed in the folder's manifest."""
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise BuildError(f"{folder} has no {MANIFEST}; it is not a finished rxatlas Parquet warehouse")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    atlas.unlink(missing_ok=True)
    with DuckDBEngine(atlas) as engine:
        for name, columns in manifest["tables"].items():
            schema, table = name.split(".")
            files = str(folder / schema / table / "*.parquet").replace("'", "''")
            select = ", ".join(_quoted(c) for c in columns)
            engine.execute(f"CREATE TABLE {name} AS SELECT {select} "
                           f"FROM read_parquet('{files}', union_by_name = true)")
        for sql in manifest["views"].values():
            engine.execute(sql)
