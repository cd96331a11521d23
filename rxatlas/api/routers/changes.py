"""What changed: changes between snapshots and list editions, and an Atom feed per watch list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody, not_found
from rxatlas.api.models import IsoDate, Limit, Offset, Page, page
from rxatlas.api.state import AtlasState, state_of
from rxatlas.atlas import Atlas
from rxatlas.history.tracked import SOURCES, tracked

router = APIRouter(prefix="/api", tags=["changes and watch lists"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("/changes", response_model=Page, summary="What changed between snapshots")
async def changes(
    state: State,
    source: Annotated[str | None, Query(max_length=40, description=f"One of {', '.join(SOURCES)}.")] = None,
    since: Annotated[IsoDate | None, Query(description="Only changes of snapshots on or after this date.")] = None,
    substance: Annotated[str | None, Query(max_length=200, description="Words of the subject.")] = None,
    firm: Annotated[str | None, Query(max_length=200, description="Part of a firm name.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Added, removed, closed and changed facts, each with its two snapshots and the rows it compares (page)."""

    def compute(atlas: Atlas) -> dict[str, Any]:
        found = atlas.changes(source, since, substance, firm)
        return page(found[offset:offset + limit], len(found), limit, offset)

    tables = {t.raw for t in tracked(source if source in SOURCES else None)} | {"core.watchlist_entry"}
    return await state.answer(("changes", source, since, substance, firm, limit, offset), tables, compute)


@router.get("/watch/{name}/feed.atom", responses={200: {"content": {"application/atom+xml": {}}},
                                                  404: {"model": ErrorBody}},
            summary="Atom feed of a watch list's alerts")
async def feed(request: Request, state: State,
               name: Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]) -> Response:
    """Every alert of the watch list (kept beside the atlas), newest first; read by any feed reader."""
    from rxatlas.watch import deliver, lists

    def compute() -> str:
        with state.lock:
            atlas = state.atlas()
            if name not in lists.load(atlas.path):
                raise not_found(f"watch list {name!r}", "add one with `rxatlas watch add`")
            alerts = atlas.watch_alerts(name)[name]
        return deliver.atom(name, alerts, str(request.url))

    return Response(await run_in_threadpool(compute), media_type="application/atom+xml")
