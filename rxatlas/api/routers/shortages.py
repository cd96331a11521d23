"""FDA drug shortages per substance, one row per presentation (`rxatlas shortages`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.models import MAX_LIMIT, Answer, IsoDate, Offset, Scope
from rxatlas.api.state import AtlasState, state_of
from rxatlas.atlas import Atlas
from rxatlas.supply.shortages import TABLES

router = APIRouter(prefix="/api", tags=["shortages"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("/shortages", response_model=Answer, summary="FDA shortages per substance and presentation")
async def shortages(
    state: State,
    critical: Annotated[bool, Query(description="Only substances on the EU Union list, a Japan supply category "
                                                "or an essential-medicines list.")] = False,
    scope: Scope = "us_human_rx",
    since: Annotated[IsoDate | None, Query(description="Only presentations posted or updated on or after this "
                                                       "date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Presentations per page.")] = 100,
    offset: Offset = 0,
) -> Response:
    """Substances with FDA shortages (all of them), and one page of the presentations, each once (the openFDA and
    FDA database copies merged), with status, age, recovery estimate, criticality, API sources, market scope, file
    snapshots and limits; `presentations_total` counts every presentation."""

    def compute(atlas: Atlas) -> dict[str, Any]:
        answer = atlas.shortages(critical, scope, since)
        rows = answer.pop("presentations")
        return {**answer, "presentations": rows[offset:offset + limit], "presentations_total": len(rows),
                "limit": limit, "offset": offset}

    return await state.answer(("shortages", critical, scope, since, limit, offset), TABLES, compute)
