"""One content per snapshot date: a file may not rewrite a snapshot the atlas already holds."""

from __future__ import annotations

from collections.abc import Mapping

from rxatlas.errors import InputError
from rxatlas.sources.base import LocalFile
from rxatlas.warehouse.engine import Engine


def check_claims(engine: Engine, source_id: str, files: Mapping[str, LocalFile]) -> None:
    """Refuse a file claiming a snapshot date that an atlas already holds from a file with other content."""
    for f in files.values():
        other = engine.query(
            "SELECT file, sha256 FROM meta.files WHERE source = ? AND spec = ? AND snapshot = ? AND sha256 <> ? "
            "LIMIT 1", [source_id, f.spec.name, f.snapshot, f.sha256]).to_pylist()
        if other:
            raise InputError(
                f"source {source_id}: {f.path.name} claims snapshot {f.snapshot}, but the atlas already holds that "
                f"snapshot from {other[0]['file']} with other content (sha256 {other[0]['sha256'][:12]}…, this file "
                f"{f.sha256[:12]}…); a published snapshot is never rewritten: name the file for its own date")
