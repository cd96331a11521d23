"""Atlas-wide figures: headline shares, opportunities for a home country, US approvals by sponsor country."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.models import Answer, Scope
from rxatlas.api.state import AtlasState, state_of
from rxatlas.supply.risk import RISK_TABLES

router = APIRouter(prefix="/api", tags=["supply"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("/headline", response_model=Answer, summary="Headline figures beside published anchors")
async def headline(state: State, scope: Scope = "us_human_rx") -> Response:
    """Active Type II DMFs by holder country, 2023 filings, single-source substances, with anchors."""
    from rxatlas.supply.headline import TABLES, headline

    return await state.answer(("headline", scope), TABLES, lambda atlas: headline(atlas.engine, scope))


@router.get("/opportunities", response_model=Answer, summary="Opportunities for a home country")
async def opportunities(
    state: State,
    home: Annotated[str, Query(pattern=r"^[A-Za-z]{2}$", description="Home country, ISO 3166 alpha-2.")] = "KR",
    limit: Annotated[int, Query(ge=1, le=500, description="How many ranked substances.")] = 50,
    scope: Scope = "us_human_rx",
) -> Response:
    """Substances with concentrated or vulnerable US supply, ranked, with the home country's capability."""
    code = home.upper()
    return await state.answer(("opportunities", code, limit, scope), RISK_TABLES,
                        lambda atlas: atlas.opportunities(code, limit, scope))


@router.get("/approvals", response_model=Answer, summary="US approvals by sponsor country")
async def approvals(
    state: State,
    country: Annotated[str | None, Query(min_length=2, max_length=60,
                                         description="ISO code or name, e.g. KR; without it: counts per "
                                                     "country and coverage.")] = None,
) -> Response:
    """NDA, ANDA, BLA and biosimilar approvals of sponsors of one country, or counts of every country."""
    from rxatlas.approvals.query import TABLES

    return await state.answer(("approvals", country), TABLES, lambda atlas: atlas.approvals(country))
