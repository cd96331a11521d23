"""Snapshots as history: older mirror files loaded beside the latest, and one content per snapshot date."""

from __future__ import annotations

from collections.abc import Mapping

from rxatlas.history.tracked import SOURCES, tracked
from rxatlas.sources.base import LocalFile, Source
from rxatlas.sources.fetch import older_mirror_files
from rxatlas.sources.validate import TableBuffer
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.load import store


def loaded(engine: Engine, file: LocalFile) -> bool:
    """Whether this exact file (same content, same snapshot) is already in the atlas."""
    return bool(engine.scalar(
        "SELECT count(*) FROM meta.files WHERE source = ? AND spec = ? AND snapshot = ? AND sha256 = ?",
        [file.source, file.spec.name, file.snapshot, file.sha256]))


def history_buffers(source: Source, latest: Mapping[str, LocalFile], older: Mapping[str, LocalFile]
                    ) -> tuple[dict[str, TableBuffer], dict[str, LocalFile]]:
    """Parse older files in place of the latest ones of their kind, keeping the rows of tracked tables read from
    them; return those tables and the files that gave rows."""
    kept = {t.table for t in tracked(source.id)}
    buffers = {t.name: TableBuffer(source.id, t) for t in source.tables if t.name in kept}
    wanted = {id(f) for f in older.values()}
    used: dict[str, LocalFile] = {}
    for row in source.parse({**latest, **older}):
        if id(row.file) in wanted and row.table in buffers:
            buffers[row.table].add(row)
            used[row.file.spec.name] = row.file
    for buffer in buffers.values():
        buffer.check()
    return {name: b for name, b in buffers.items() if len(b)}, used


def load_history(engine: Engine, source: Source, latest: Mapping[str, LocalFile], mirror: str | None) -> list[str]:
    """Load the older files of a source's mirror that the atlas does not hold yet; return their names.

    Only tables whose history is tracked are loaded (older files of other tables may not meet today's schema).
    Files already loaded are left alone, so a rebuild never rewrites an earlier snapshot. The specs one older
    file serves (an official archive holds several tables) are read together.
    """
    by_file: dict[str, dict[str, LocalFile]] = {}
    if source.id in SOURCES:
        for older in older_mirror_files(source, mirror):
            if not loaded(engine, older):
                by_file.setdefault(str(older.path), {})[older.spec.name] = older
    done = []
    for files in by_file.values():
        buffers, used = history_buffers(source, latest, files)
        if used:
            store(engine, source, used, buffers)
            done.append(next(iter(used.values())).path.name)
    return done
