"""FDA drug shortages per substance, one row per presentation (`rxatlas shortages`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.models import Answer, IsoDate, Scope
from rxatlas.api.state import AtlasState, state_of
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
) -> Response:
    """Substances with FDA shortages, each presentation once (the openFDA and FDA database copies merged), with
    status, age, recovery estimate, criticality, API sources, market scope, file snapshots and limits."""
    return await state.answer(("shortages", critical, scope, since), TABLES,
                              lambda atlas: atlas.shortages(critical, scope, since))
