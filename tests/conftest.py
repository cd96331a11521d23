"""Shared fixtures: the real data snapshots in ../shared/data and one atlas built from them per session."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
FULL_BUILD = ("import sys; from rxatlas.build import build; "
              "build(db=sys.argv[1], mirror=sys.argv[2], cache=sys.argv[3])")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of real source snapshots."""
    if not DATA.is_dir():
        pytest.fail(f"the shared data snapshots are missing at {DATA}; set RXATLAS_TEST_DATA")
    return DATA


def _shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this test session shared by all its xdist workers (the session's own folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path (a file beside what it guards) across processes."""
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session", autouse=True)
def _full_atlas_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Start building the full atlas in the background as the session starts, if any test needs it.

    Tests that need it run last (pytest_collection_modifyitems), so both workers run the other tests meanwhile and
    the atlas is built once per session, not once per worker.
    """
    started = None
    folder = _shared(tmp_path_factory) / "atlas"
    if any("atlas_db" in item.fixturenames for item in request.session.items):
        folder.mkdir(exist_ok=True)
        with _locked(folder / "lock"):
            if not (folder / "log").exists():
                with (folder / "log").open("w") as log:
                    started = subprocess.Popen(
                        ["sh", "-c", f'"$0" -c "{FULL_BUILD}" "$@"; echo $? > "$1.rc"', sys.executable,
                         str(folder / "atlas.duckdb"), str(DATA), str(folder / "cache")],
                        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    yield
    if started:
        started.wait()  # another worker may still be waiting for it


@pytest.fixture(scope="session")
def atlas_db(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """An atlas built once per session from every source in the real snapshot (read-only for tests)."""
    folder = _shared(tmp_path_factory) / "atlas"
    db, rc = folder / "atlas.duckdb", folder / "atlas.duckdb.rc"
    while not rc.exists():
        time.sleep(0.5)
    if rc.read_text().strip() != "0":
        pytest.fail(f"the session atlas failed to build:\n{(folder / 'log').read_text()[-3000:]}")
    return db


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order test files for the workers: the slowest groups first (Spark, the wheel), then the files that need
    no full atlas, then those that do (largest first), so both workers keep busy while the session atlas builds.

    `.ci/run` passes --no-loadscope-reorder so that xdist hands out files in this order (by default it sorts them
    by their number of tests, which started the Spark parity last)."""
    files: dict[Path, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.path, []).append(item)

    def rank(tests: list[pytest.Item]) -> tuple[int, int]:
        if any(t.get_closest_marker("spark") or t.get_closest_marker("slow") for t in tests) \
                and not any("atlas_db" in t.fixturenames for t in tests):
            return 0, 0
        return (2, -len(tests)) if any("atlas_db" in t.fixturenames for t in tests) else (1, 0)

    items[:] = [item for tests in sorted(files.values(), key=rank) for item in tests]


@pytest.fixture(scope="session")
def atlas_con(atlas_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the session atlas (each source's raw tables there are as that source loads them)."""
    with duckdb.connect(str(atlas_db), read_only=True) as con:
        yield con


@pytest.fixture(scope="session")
def dmf_atlas(source_atlas: Callable[..., Path]) -> Path:
    """A small atlas built from the FDA DMF list only, for tests of the shared machinery (read-only)."""
    return source_atlas("fda_dmf")


@pytest.fixture(scope="session")
def source_atlas(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Callable[..., Path]:
    """Build an atlas of only the named sources from the real snapshot, once per set of names and session."""
    def make(*sources: str) -> Path:
        folder = _shared(tmp_path_factory) / "_".join(sorted(sources))
        folder.mkdir(exist_ok=True)
        db = folder / "atlas.duckdb"
        with _locked(folder / "lock"):  # one build per session, whichever worker asks first
            if not (folder / "done").exists():
                build(sorted(sources), db=db, mirror=str(data_dir), cache=folder / "cache")
                (folder / "done").touch()
        return db

    return make


@pytest.fixture(scope="session")
def lean_mirror(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A lean copy of the snapshot (every source file, fewer rows: tests/lean_mirror.py), once per session."""
    from lean_mirror import write_lean_mirror

    folder = _shared(tmp_path_factory) / "lean"
    folder.mkdir(exist_ok=True)
    with _locked(folder / "lock"):
        if not (folder / "done").exists():
            write_lean_mirror(data_dir, folder / "mirror")
            (folder / "done").touch()
    return folder / "mirror"


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
