"""Supply metrics per substance: sources, countries, concentration, China and India shares; sortable."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.models import Limit, Offset, Page, Scope, page_of
from rxatlas.api.state import AtlasState, state_of

router = APIRouter(prefix="/api/metrics", tags=["metrics"])
State = Annotated[AtlasState, Depends(state_of)]
SortKey = Literal["substance", "n_sources", "n_countries", "hhi", "effective_suppliers", "effective_countries",
                  "china_share", "india_share"]


@router.get("/substances", response_model=Page, summary="Supply metrics of every substance")
async def substances(
    state: State,
    sort: Annotated[SortKey, Query(description="Column to sort by.")] = "n_sources",
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    single_source: Annotated[bool, Query(description="Only substances with one qualified source.")] = False,
    hhi_band: Annotated[Literal["unconcentrated", "moderately concentrated", "highly concentrated"] | None,
                        Query(description="Concentration band (2023 US Merger Guidelines).")] = None,
    scope: Scope = "us_human_rx",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Substance metrics (counts of distinct qualified API sources, not volumes), one page, sorted."""
    return await state.answer(("metrics", sort, order, single_source, hhi_band, scope, limit, offset),
                              {"core.substance_metrics"},
                              lambda atlas: page_of(atlas.metrics(scope, single_source, hhi_band, sort,
                                                                  order == "desc"), limit, offset))
