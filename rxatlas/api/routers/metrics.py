"""Supply metrics per substance: sources, countries, concentration, China and India shares; sortable."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.models import Limit, Offset, Page, Scope, search_page
from rxatlas.api.state import AtlasState, state_of

router = APIRouter(prefix="/api/metrics", tags=["metrics"])
State = Annotated[AtlasState, Depends(state_of)]
SortKey = Literal["substance", "n_sources", "n_countries", "hhi", "effective_suppliers", "effective_countries",
                  "china_share", "india_share"]
METRICS_SQL = """
SELECT unii, substance, market_scope, n_sources, n_countries, effective_suppliers, effective_countries, hhi, hhi_band,
       single_source, single_country, china_share, india_share, unknown_country_sources, country_shares
FROM core.substance_metrics
WHERE (NOT ? OR single_source) AND (? IS NULL OR hhi_band = ?) AND (? = 'all' OR market_scope = ?)
"""


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
    sql = f"{METRICS_SQL} ORDER BY {sort} {order} NULLS LAST, substance, unii"  # sort, order: checked literals
    return await state.answer(("metrics", sort, order, single_source, hhi_band, scope, limit, offset),
                        {"core.substance_metrics"},
                        lambda atlas: search_page(atlas, sql, [single_source, hhi_band, hhi_band, scope, scope],
                                                  limit, offset))
