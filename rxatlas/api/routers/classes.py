"""Therapeutic classes: substances rolled up by ATC class (`rxatlas classes`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.models import Answer, Scope
from rxatlas.api.state import AtlasState, state_of

router = APIRouter(prefix="/api", tags=["classes"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("/classes", response_model=Answer, summary="Substances by ATC therapeutic class")
async def classes(
    state: State,
    level: Annotated[int, Query(ge=1, le=4, description="ATC level: 1 (anatomical main group) to 4.")] = 3,
    scope: Scope = "us_human_rx",
) -> Response:
    """Per ATC class of the level: substances, qualified API sources, single-source share, median HHI, top
    countries and current shortages; FDA pharmacologic classes and an unclassified row count the rest, with the
    coverage by route, limits and source snapshots."""
    from rxatlas.supply.classes import TABLES

    return await state.answer(("classes", level, scope), TABLES, lambda atlas: atlas.classes(level, scope))
