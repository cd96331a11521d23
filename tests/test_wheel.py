"""The package as a user gets it: sdist and wheel built, the wheel installed in a fresh virtual environment with
the locked versions of the dependencies it declares (and nothing else), then the installed command builds the atlas
and answers questions from it. It builds from the lean copy of the snapshot (tests/lean_mirror.py): every source
file, so every reader, model and step (and the dependency each needs) runs, on fewer rows; the full build is the
session atlas's.

The fresh environment shares nothing with the development one: uv (pip would take 20 s more) installs the wheel and
exactly the distributions its Requires-Dist reach, walked through the installed metadata, at the versions of
requirements.lock, with --no-deps, so a dependency missing from pyproject.toml fails here. After the first run the
wheels come from uv's cache. The core is installed first, so `report` must name the `reports` extra it needs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from conftest import ROOT
from packaging.requirements import Requirement

from rxatlas.sources import all_sources

pytestmark = pytest.mark.slow

# Files of the source package that are for building the web app's vendor files, not for running rxatlas.
NOT_SHIPPED = ("rxatlas/web/package.json", "rxatlas/web/package-lock.json", "rxatlas/web/copy-vendor.mjs")


def _name(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def _locked() -> dict[str, str]:
    """Distribution name -> pinned version, from requirements.lock."""
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", (ROOT / "requirements.lock").read_text(), re.MULTILINE)
    return {_name(name): version for name, version in pins}


def _closure(requires: list[str], extras: set[str]) -> set[str]:
    """The distributions a list of Requires-Dist lines reaches (with the given extras of the first level)."""
    found: set[str] = set()
    todo = [(Requirement(line), extras) for line in requires]
    while todo:
        req, chosen = todo.pop()
        if req.marker and not any(req.marker.evaluate({"extra": e}) for e in (chosen or {""})):
            continue
        name = _name(req.name)
        if name == "rxatlas" or name in found:
            continue
        found.add(name)
        todo += [(Requirement(line), req.extras) for line in metadata.requires(name) or []]
    return found


def _install(python: Path, *args: str) -> None:
    result = subprocess.run([str(Path(sys.executable).with_name("uv")), "pip", "install", "--quiet", "--python",
                             str(python), "--no-deps", *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist and the wheel built from it (as `python -m build` does), from a copy of the source tree."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".*", "__pycache__", "node_modules", "build", "dist", "*.egg-info", "*.duckdb*", "out"))
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp / "dist"),
                             str(src)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return next((tmp / "dist").glob("*.tar.gz")), next((tmp / "dist").glob("*.whl"))


def test_sdist_and_wheel_hold_every_file_the_package_reads(built: tuple[Path, Path]) -> None:
    sdist, wheel = built
    package = ROOT / "rxatlas"
    wanted = {p.relative_to(ROOT).as_posix() for p in package.rglob("*")
              if p.is_file() and "node_modules" not in p.parts and "__pycache__" not in p.parts
              and not p.name.startswith(".")} - set(NOT_SHIPPED)
    assert {"rxatlas/policy/data/kr.yaml", "rxatlas/resolve/holder_country.sql"} <= wanted
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert wanted - in_wheel == set()
    import tarfile

    with tarfile.open(sdist) as tar:
        in_sdist = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert wanted - in_sdist == set()


def test_installed_wheel_builds_the_atlas_and_answers(built: tuple[Path, Path], tmp_path: Path,
                                                     lean_mirror: Path) -> None:
    _, wheel = built
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python, rxatlas = venv / "bin" / "python", venv / "bin" / "rxatlas"
    pins = _locked()
    with zipfile.ZipFile(wheel) as whl:
        meta = whl.read(next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = re.findall(r"^Requires-Dist: (.+)$", meta, re.MULTILINE)
    core = _closure(requires, set())
    assert not core & {"fastapi", "uvicorn", "jinja2", "playwright", "pyspark", "mcp", "polars"}
    _install(python, str(wheel), *(f"{name}=={pins[name]}" for name in sorted(core)))

    db = tmp_path / "atlas.duckdb"
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "RXATLAS_DB": str(db),
           "RXATLAS_CACHE": str(tmp_path / "cache"), "RXATLAS_MIRROR": str(lean_mirror)}

    def run(*args: str) -> str:
        result = subprocess.run([str(rxatlas), *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                                timeout=600)
        assert result.returncode == 0, result.stderr
        return result.stdout

    report = json.loads(run("build", "--json"))
    in_mirror = {s.id for s in all_sources() if any(any(lean_mirror.glob(f.mirror_glob)) for f in s.files)}
    assert {s["source"] for s in report["sources"] if any(s["rows"].values())} == in_mirror
    assert {s["status"] for s in report["steps"]} <= {"ok", "skipped"}
    substance = json.loads(run("substance", "atorvastatin", "--json"))
    assert substance["match"] == "unique" and substance["api_sources"]
    assert "us-biosecure-ndaa-2026" in {p["id"] for p in json.loads(run("policy", "list", "--json"))}
    (tmp_path / "suppliers.csv").write_text("supplier,country\nWuXi AppTec,CN\nPfizer,US\n")
    screened = json.loads(run("screen", "suppliers.csv", "--json"))
    assert [r["status"] for r in screened["rows"]] == ["listed", "clear"]

    missing = subprocess.run([str(rxatlas), "report", "substance", "atorvastatin"], capture_output=True,
                             text=True, env=env, cwd=tmp_path)
    assert missing.returncode == 1 and "pip install 'rxatlas[reports]'" in missing.stderr
    reports = _closure(requires, {"reports"}) - core
    _install(python, *(f"{name}=={pins[name]}" for name in sorted(reports)))
    run("report", "substance", "atorvastatin", "--output", "atorvastatin.html")
    assert "atorvastatin" in (tmp_path / "atorvastatin.html").read_text(encoding="utf-8").lower()
