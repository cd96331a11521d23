"""Atomic builds: load sources and run warehouse steps in a new file, then swap it in only on success."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rxatlas import settings
from rxatlas.errors import BuildError, InputError, RxAtlasError
from rxatlas.history.snapshots import load_history
from rxatlas.sources import get_sources
from rxatlas.sources.base import Source
from rxatlas.sources.fetch import locate
from rxatlas.warehouse.engine import ENGINES, Engine
from rxatlas.warehouse.load import ensure_meta, parse_source, store
from rxatlas.warehouse.steps import Step, StepResult, model_steps, run_steps


@dataclass
class SourceResult:
    """What a build did with one source."""

    source: str
    rows: dict[str, int]
    files: list[str]
    seconds: float


@dataclass
class BuildReport:
    """The outcome of a successful build."""

    db: Path | str
    engine: str = "duckdb"
    sources: list[SourceResult] = field(default_factory=list)
    steps: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0


class Reporter:
    """Receives build progress; the CLI shows it with Rich, the API stays silent."""

    def start(self, what: str, total: int | None = None) -> None:
        """A new phase begins."""

    def advance(self, done: int, total: int | None = None) -> None:
        """Progress inside the current phase."""

    def finish(self, what: str, detail: str = "") -> None:
        """The current phase ended."""


def all_steps() -> list[Step]:
    """Every warehouse step the build runs after loading: SQL models and Python steps."""
    from rxatlas import approvals, resolve, supply
    from rxatlas.supply import criticality
    from rxatlas.warehouse import reference

    return (model_steps() + reference.steps() + resolve.steps() + approvals.steps() + supply.steps()
            + criticality.steps())


@contextmanager
def _lock(target: Path) -> Iterator[None]:
    lock_path = target.with_name(target.name + ".lock")
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildError(f"another build of {target} is running; wait for it to finish") from exc
        yield


def _remove_stale(target: Path) -> None:
    for leftover in target.parent.glob(f".{target.name}.building-*"):
        leftover.unlink(missing_ok=True)
    folder = settings.parquet_path(target)
    for leftover in [*target.parent.glob(f".{folder.name}.building-*"), *target.parent.glob(f".{folder.name}.old-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_in(work: Path, target: Path) -> None:
    """Replace target (a file or a folder) by work, keeping target intact until the new one is complete."""
    if work.is_dir():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        if target.exists():
            os.replace(target, old)
        os.replace(work, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        _fsync(work)
        os.replace(work, target)
    _fsync(target.parent)


def fill(engine: Engine, sources: list[Source], mirror: str | None, cache_dir: Path, rep: Reporter,
         report: BuildReport) -> None:
    """Load the sources into an open warehouse and run every step after them, on whichever engine it is."""
    ensure_meta(engine)
    for source in sources:
        t0 = time.perf_counter()
        try:
            rep.start(f"fetch {source.id}")
            files = locate(source, mirror, cache_dir, rep.advance)
            rep.start(f"load {source.id}")
            buffers = parse_source(source, files, rep.advance)
            store(engine, source, files, buffers)
            history = load_history(engine, source, files, mirror)
        except RxAtlasError:
            raise
        except Exception as exc:
            raise BuildError(f"source {source.id} failed: {exc!r}; the previous atlas is unchanged") from exc
        rows = {name: len(b) for name, b in buffers.items()}
        report.sources.append(SourceResult(
            source.id, rows, [f.path.name for f in files.values()] + history, time.perf_counter() - t0))
        rep.finish(f"load {source.id}", f"{sum(rows.values()):,} rows")
    steps = all_steps()
    rep.start("warehouse models", len(steps))
    report.steps = run_steps(engine, steps, lambda name: rep.advance(0))
    rep.finish("warehouse models")


def engine_name(name: str | None = None) -> str:
    """The build engine to use: the argument, else RXATLAS_ENGINE, else duckdb."""
    chosen = (name or os.environ.get("RXATLAS_ENGINE") or "duckdb").lower()
    if chosen not in ENGINES:
        raise InputError(f"unknown engine {chosen!r}; use one of {', '.join(ENGINES)} (--engine or RXATLAS_ENGINE)")
    return chosen


def open_engine(name: str, path: Path) -> Engine:
    """Open a writable warehouse at path on the named engine (a DuckDB file, or a Spark Parquet folder)."""
    if name == "spark":
        from rxatlas.warehouse.spark import SparkEngine

        return SparkEngine(path)
    from rxatlas.warehouse.duck import DuckDBEngine

    return DuckDBEngine(path)


def build(
    source_ids: list[str] | None = None,
    *,
    db: str | Path | None = None,
    mirror: str | None = None,
    cache: str | Path | None = None,
    reporter: Reporter | None = None,
    engine: str | None = None,
) -> BuildReport:
    """Build (or update) the atlas from the named sources, all by default; the old atlas survives failure.

    On Spark the warehouse is a Parquet folder beside the atlas (settings.parquet_path), published into the atlas
    file once the Spark build succeeded.
    """
    started = time.perf_counter()
    target = settings.db_path(db)
    engine_kind = engine_name(engine)
    mirror = settings.mirror(mirror)
    cache_dir = settings.cache_dir(cache)
    rep = reporter or Reporter()
    sources = get_sources(source_ids)
    target.parent.mkdir(parents=True, exist_ok=True)
    report = BuildReport(target, engine=engine_kind)
    with _lock(target):
        _remove_stale(target)
        work = target.with_name(f".{target.name}.building-{os.getpid()}")
        folder = settings.parquet_path(target)
        work_folder = folder.with_name(f".{folder.name}.building-{os.getpid()}")
        try:
            if engine_kind == "spark":
                if folder.exists():
                    shutil.copytree(folder, work_folder)
                with open_engine("spark", work_folder) as warehouse:
                    fill(warehouse, sources, mirror, cache_dir, rep, report)
                from rxatlas.warehouse.publish import publish  # DuckDB only after Spark is done

                rep.start("publish the Parquet warehouse into the atlas")
                publish(work_folder, work)
                _swap_in(work_folder, folder)
            else:
                if target.exists():
                    shutil.copyfile(target, work)
                with open_engine("duckdb", work) as warehouse:
                    fill(warehouse, sources, mirror, cache_dir, rep, report)
            _swap_in(work, target)
        except BaseException:
            work.unlink(missing_ok=True)
            shutil.rmtree(work_folder, ignore_errors=True)
            raise
    report.seconds = time.perf_counter() - started
    return report


def publish_folder(folder: Path, db: str | Path | None = None) -> Path:
    """Publish a Parquet warehouse built elsewhere (spark_job) into the atlas file; the old atlas survives failure."""
    from rxatlas.warehouse.publish import publish

    target = settings.db_path(db)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock(target):
        _remove_stale(target)
        work = target.with_name(f".{target.name}.building-{os.getpid()}")
        try:
            publish(folder, work)
            _swap_in(work, target)
        except BaseException:
            work.unlink(missing_ok=True)
            raise
    return target
