"""Shared fixtures: the real data snapshots in ../shared/data and one atlas built from them per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pytest

from rxatlas.build import build
from rxatlas.sources.base import FileSpec, LocalFile
from rxatlas.sources.fetch import sha256_of

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("RXATLAS_TEST_DATA", ROOT.parent / "shared" / "data"))
EVAL = DATA.parent / "eval"
BAD = Path(__file__).parent / "bad"
RXATLAS = Path(sys.executable).with_name("rxatlas")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of real source snapshots."""
    if not DATA.is_dir():
        pytest.fail(f"the shared data snapshots are missing at {DATA}; set RXATLAS_TEST_DATA")
    return DATA


@pytest.fixture(scope="session")
def atlas_db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """An atlas built once from every source in the real snapshot (read-only for tests)."""
    db = tmp_path_factory.mktemp("atlas") / "atlas.duckdb"
    build(db=db, mirror=str(data_dir), cache=tmp_path_factory.mktemp("cache"))
    return db


@pytest.fixture(scope="session")
def source_db(source_atlas: Callable[..., Path]) -> Iterator[Callable[..., duckdb.DuckDBPyConnection]]:
    """Open (once, read-only) an atlas of only the named sources; connections close at the end of the session."""
    opened: dict[Path, duckdb.DuckDBPyConnection] = {}

    def connect(*sources: str) -> duckdb.DuckDBPyConnection:
        path = source_atlas(*sources)
        if path not in opened:
            opened[path] = duckdb.connect(str(path), read_only=True)
        return opened[path]

    yield connect
    for con in opened.values():
        con.close()


@pytest.fixture(scope="session")
def dmf_atlas(source_atlas: Callable[..., Path]) -> Path:
    """A small atlas built from the FDA DMF list only, for tests of the shared machinery (read-only)."""
    return source_atlas("fda_dmf")


@pytest.fixture(scope="session")
def source_atlas(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Callable[..., Path]:
    """Build an atlas of only the named sources from the real snapshot, once per set of names, and return it."""
    built: dict[tuple[str, ...], Path] = {}

    def make(*sources: str) -> Path:
        key = tuple(sorted(sources))
        if key not in built:
            db = tmp_path_factory.mktemp("_".join(key)) / "atlas.duckdb"
            build(list(key), db=db, mirror=str(data_dir), cache=tmp_path_factory.mktemp("cache"))
            built[key] = db
        return built[key]

    return make


@pytest.fixture
def atlas_copy(atlas_db: Path, tmp_path: Path) -> Path:
    """A private copy of the session atlas that a test may change."""
    target = tmp_path / "atlas.duckdb"
    shutil.copyfile(atlas_db, target)
    return target


def local_file(path: Path, source: str = "test", spec: FileSpec | None = None) -> LocalFile:
    """Wrap any file (real snapshot or hand-made broken one) as a located source file."""
    from datetime import date

    digest, size = sha256_of(path)
    spec = spec or FileSpec(name=path.name, url="file://" + str(path), mirror_glob=path.name, format="test")
    return LocalFile(source, spec, path, str(path), digest, size, date(2025, 1, 1))


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the installed rxatlas command as a user would, capturing its exit code and output."""
    return subprocess.run([str(RXATLAS), *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def api_client(atlas_db: Path) -> Iterator[TestClient]:
    """A test client of the REST API over the session atlas (server errors come back as 500 responses)."""
    from fastapi.testclient import TestClient

    from rxatlas.api import create_app

    with TestClient(create_app(atlas_db, web=False), raise_server_exceptions=False) as client:
        yield client
