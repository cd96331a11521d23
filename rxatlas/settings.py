"""Where rxatlas keeps its atlas, downloads and mirror, from arguments, environment or defaults."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DB = "RXATLAS_DB"
ENV_MIRROR = "RXATLAS_MIRROR"
ENV_CACHE = "RXATLAS_CACHE"


def _data_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "rxatlas"


def db_path(explicit: str | Path | None = None) -> Path:
    """Return the atlas database path: argument, then $RXATLAS_DB, then the per-user default."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_DB):
        return Path(os.environ[ENV_DB]).expanduser()
    return _data_home() / "atlas.duckdb"


def mirror(explicit: str | None = None) -> str | None:
    """Return the mirror (a folder or an http(s) URL) to read source files from, if any."""
    value = explicit or os.environ.get(ENV_MIRROR)
    return value or None


def cache_dir(explicit: str | Path | None = None) -> Path:
    """Return the folder where downloaded source files are kept."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rxatlas" / "downloads"


def parquet_path(db: Path) -> Path:
    """The Parquet warehouse folder a Spark build keeps beside the atlas file (atlas.duckdb -> atlas.parquet)."""
    return db.with_suffix(".parquet")
