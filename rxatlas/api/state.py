"""The atlas one API worker holds: opened read-only, reopened when rebuilt, with a small answer cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from rxatlas import settings
from rxatlas.api.errors import ApiError, error_body
from rxatlas.atlas import Atlas
from rxatlas.errors import AtlasMissingError, InputError, RxAtlasError
from rxatlas.jsontext import dumps

CACHE_ENTRIES = 2048


def to_json(payload: Any) -> bytes:
    """Encode an answer as JSON bytes (rxatlas.jsontext: dates as ISO text, NaN and infinity as null)."""
    return dumps(payload).encode("utf-8")


def json_response(payload: Any, status: int = 200) -> Response:
    """A JSON response of an answer."""
    return Response(to_json(payload), status_code=status, media_type="application/json")


class AtlasState:
    """One read-only atlas per worker, serialised behind a lock (a DuckDB connection is not thread-safe)."""

    def __init__(self, db: str | Path | None) -> None:
        self.path = settings.db_path(db)
        self.lock = threading.RLock()
        self._atlas: Atlas | None = None
        self._stamp: tuple[int, date] | None = None
        self._cache: OrderedDict[Hashable, tuple[int, bytes]] = OrderedDict()
        self._sources: list[dict[str, Any]] = []

    def _check(self) -> tuple[int, date]:
        """Reopen the atlas when its file changed (a rebuild) and drop the cache when the file or day changed."""
        stamp = self._peek()
        if stamp is None:
            raise AtlasMissingError(f"no atlas at {self.path}; build one with `rxatlas build` or start "
                                    "`rxatlas serve --db` with an atlas file")
        if stamp != self._stamp:
            if self._atlas is None or self._stamp is None or stamp[0] != self._stamp[0]:
                self.close()
                self._atlas = Atlas(self.path)
                try:
                    self._atlas.engine.execute("SET enable_progress_bar = false")
                except RxAtlasError as exc:
                    self._atlas = None
                    raise AtlasMissingError(f"{exc}; rebuild the atlas with `rxatlas build`") from exc
            self._sources = self._atlas.sources().to_pylist()
            self._cache.clear()
            self._stamp = stamp
        return stamp

    def _peek(self) -> tuple[int, date] | None:
        """The atlas file's modification time and today, or None when there is no file."""
        try:
            return self.path.stat().st_mtime_ns, date.today()
        except FileNotFoundError:
            return None

    def atlas(self) -> Atlas:
        """The open atlas; call it (and use it) while holding ``lock``."""
        self._check()
        assert self._atlas is not None
        return self._atlas

    def sources(self) -> list[dict[str, Any]]:
        """Every loaded source with its snapshot, age and staleness (read once per atlas and day)."""
        with self.lock:
            self._check()
            return self._sources

    def warnings(self, tables: Iterable[str]) -> list[str]:
        """One warning per stale source behind the given warehouse tables."""
        with self.lock:
            atlas = self.atlas()
            behind = set(atlas.sources_behind({t for t in tables if atlas.engine.exists(t)}))
            return [f"{s['source']} snapshot of {s['snapshot']} is {s['age_days']} days old (expected refresh every "
                    f"{s['refresh_days']} days); rebuild with newer data for current answers"
                    for s in self._sources if s["stale"] and s["source"] in behind]

    async def answer(self, key: Hashable, tables: Iterable[str], compute: Callable[[Atlas], dict[str, Any]]
                     ) -> Response:
        """The answer computed over the atlas, with stale-source warnings; cached until the atlas changes.

        A hit is served on the event loop, with no lock and no thread; a miss is computed in a worker thread.
        A 404 (nothing found, or an analytics InputError on validated parameters: a value naming nothing the
        atlas knows) is cached too: finding out that nothing matches can be the slowest answer.
        """
        hit = self._cache.get((self._stamp, key)) if self._stamp == self._peek() else None
        if hit is None:
            hit = await run_in_threadpool(self._answer, key, tables, compute)
        status, body = hit
        return Response(body, status_code=status, media_type="application/json")

    def _answer(self, key: Hashable, tables: Iterable[str], compute: Callable[[Atlas], dict[str, Any]]
                ) -> tuple[int, bytes]:
        with self.lock:
            full_key = (self._check(), key)
            hit = self._cache.get(full_key) or self._compute(tables, compute)
            self._cache[full_key] = hit
            if len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
            return hit

    def _compute(self, tables: Iterable[str], compute: Callable[[Atlas], dict[str, Any]]) -> tuple[int, bytes]:
        try:
            payload = compute(self.atlas())
        except InputError as exc:  # the parameters passed validation, so the value names nothing known
            return 404, to_json(error_body(404, str(exc)))
        except ApiError as exc:
            if exc.status != 404:
                raise
            return 404, to_json(error_body(404, exc.message, exc.detail))
        payload["warnings"] = [*payload.get("warnings", []), *self.warnings(tables)]
        return 200, to_json(payload)

    def close(self) -> None:
        """Close the atlas."""
        if self._atlas is not None:
            self._atlas.close()
            self._atlas = None


async def state_of(request: Request) -> AtlasState:
    """The atlas state of the app serving a request (a FastAPI dependency)."""
    state: AtlasState = request.app.state.atlas
    return state
