"""Korea's position: the Korean firm register, and the biologics and CDMO landscape of any country."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.models import Answer
from rxatlas.api.state import AtlasState, state_of

router = APIRouter(prefix="/api", tags=["approvals"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("/firm-register", response_model=Answer, summary="Korean firms in US filings")
async def firm_register(
    state: State,
    search: Annotated[str | None, Query(min_length=1, max_length=100,
                                        description="Korean or English name, e.g. 셀트리온 or Celltrion.")] = None,
) -> Response:
    """Korean firms holding DMFs, registering sites, or sponsoring applications, with Korean names and groups."""
    from rxatlas.approvals.register import TABLES, korean_firms

    return await state.answer(("firm-register", search), TABLES,
                              lambda atlas: {"firms": korean_firms(atlas.engine, search)})


@router.get("/biologics", response_model=Answer, summary="Biologics and CDMO landscape")
async def biologics(
    state: State,
    country: Annotated[str | None, Query(min_length=2, max_length=60,
                                         description="ISO code or name, e.g. KR.")] = None,
) -> Response:
    """US biologics by BLA holder country, biologic sites, biologic and ADC DMFs with 1260H links marked."""
    from rxatlas.approvals.biologics import TABLES, biologics

    return await state.answer(("biologics", country), TABLES, lambda atlas: biologics(atlas.engine, country))
