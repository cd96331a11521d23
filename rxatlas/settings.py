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


# Limits on hostile or careless input (docs/security.md); each can be changed by its environment variable.
LIMITS = {
    "sql_seconds": ("RXATLAS_SQL_TIMEOUT", 60, "seconds one `rxatlas sql` query may run"),
    "sql_rows": ("RXATLAS_SQL_MAX_ROWS", 1_000_000, "rows one `rxatlas sql` query may return"),
    "sql_memory_mb": ("RXATLAS_SQL_MEMORY_MB", 4096, "megabytes of memory one `rxatlas sql` query may use"),
    "file_rows": ("RXATLAS_MAX_ROWS", 1_048_576, "rows of a supplier or portfolio file"),
    "file_unpacked_mb": ("RXATLAS_MAX_UNPACKED_MB", 256, "megabytes an Excel file may unpack to"),
    "cell_chars": ("RXATLAS_MAX_CELL_CHARS", 1000, "characters of one supplier name or portfolio cell"),
    "scenario_kb": ("RXATLAS_MAX_SCENARIO_KB", 256, "kilobytes of a scenario file"),
    "scenario_errors": ("RXATLAS_MAX_ERRORS", 20, "problems of a scenario file reported at once"),
    "request_seconds": ("RXATLAS_REQUEST_TIMEOUT", 120, "seconds the API works on one upload or scenario"),
}


def limit(name: str) -> int:
    """The limit called name (see LIMITS): its environment variable when set, else its default."""
    env, default, what = LIMITS[name]
    value = os.environ.get(env, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        from rxatlas.errors import InputError

        raise InputError(f"${env} is {value!r}; set it to a whole number above 0 ({what}) or unset it")
    return int(value)
