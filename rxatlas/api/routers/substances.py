"""Substances: search by name or UNII, and the full answer of where one is made."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody, not_found
from rxatlas.api.models import Answer, Limit, Offset, Page, Search, page_of
from rxatlas.api.state import AtlasState, state_of
from rxatlas.atlas import Atlas

router = APIRouter(prefix="/api/substances", tags=["substances"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("", response_model=Page, summary="Search substances by name or UNII")
async def search(state: State, q: Search, limit: Limit = 50, offset: Offset = 0) -> Response:
    """Substances whose name contains q (or whose UNII is q), most sources first."""
    return await state.answer(("substances", " ".join(q.upper().split()), limit, offset),
                              {"core.substance_metrics"},
                              lambda atlas: page_of(atlas.search_substances(q), limit, offset))


@router.get("/{name:path}", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="Where a substance is made")
async def substance(state: State, name: Annotated[str, Path(min_length=1, max_length=200)]) -> Response:
    """API sources by country with provenance, concentration, applications, shortages and quality signals.

    `match` is `unique` (the answer), or `ambiguous` with `candidates` to ask again by.
    """
    from rxatlas.supply.substance import TABLES

    def compute(atlas: Atlas) -> dict[str, Any]:
        answer = atlas.substance(name)
        if answer["match"] == "none":
            raise not_found(f"substance found for {name!r}", "try the ingredient name or a UNII, or search "
                            "/api/substances?q=")
        return answer

    return await state.answer(("substance", " ".join(name.upper().split())), TABLES, compute)
