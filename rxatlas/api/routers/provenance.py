"""Sources and provenance: every loaded source with snapshot, licence and files; a raw record by file line."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody
from rxatlas.api.models import Answer, Page, page
from rxatlas.api.state import AtlasState, json_response, state_of

router = APIRouter(prefix="/api", tags=["sources and provenance"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("/sources", response_model=Page, summary="Loaded sources")
def sources(state: State) -> Response:
    """Every source: title, publisher, licence, snapshot date, age, staleness, files (sha256) and row counts."""
    rows = state.sources()
    stale = [f"{s['source']} snapshot of {s['snapshot']} is {s['age_days']} days old (expected refresh every "
             f"{s['refresh_days']} days)" for s in rows if s["stale"]]
    return json_response({**page(rows, len(rows), len(rows), 0), "warnings": stale})


@router.get("/provenance", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="The raw record behind a row")
async def provenance(
    state: State,
    table: Annotated[str, Query(pattern=r"^[a-z0-9_]+__[a-z0-9_]+$",
                                description="Raw table, <source>__<table>, e.g. fda_dmf__dmf.")],
    line: Annotated[int, Query(ge=0, le=1_000_000_000, description="Line (or record number) in the file.")],
    file: Annotated[str | None, Query(max_length=300, description="File name, when the table has several.")] = None,
) -> Response:
    """The record(s) of a raw table at a file line (latest snapshot), with the file's sha256 and snapshot."""
    return await state.answer(("provenance", table, line, file), {f"latest.{table}"},
                              lambda atlas: atlas.record(table, line, file))
