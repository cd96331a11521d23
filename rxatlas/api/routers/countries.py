"""Countries: where US supply's API sources are, and what it depends on one country for."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody
from rxatlas.api.models import Answer, Limit, Offset, Page, Scope, page_of
from rxatlas.api.state import AtlasState, state_of
from rxatlas.atlas import Atlas
from rxatlas.supply.country import TABLES

router = APIRouter(prefix="/api/countries", tags=["countries"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("", response_model=Page, summary="Countries with API sources of US supply")
async def countries(state: State, scope: Scope = "us_human_rx", limit: Limit = 300, offset: Offset = 0) -> Response:
    """Per country: substances (of the market scope) with a qualified API source there, sources and firms."""
    return await state.answer(("countries", scope, limit, offset), TABLES,
                              lambda atlas: {**page_of(atlas.countries(scope), limit, offset), "scope": scope})


@router.get("/{iso2}", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="What US supply depends on a country for")
async def country(
    state: State,
    iso2: Annotated[str, Path(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2, e.g. IN.")],
    sort: Annotated[Literal["share", "sources", "substance"], Query(description="Order of substances.")] = "share",
    scope: Scope = "us_human_rx",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Registered API sites, active Type II DMFs by year, the country's share of US API sources, the substances
    with sources there (one page, `sort`ed) and FDA quality signals at its sites by year, with how each signal
    was joined to a site (fei, firm name, not joined); every part with its source files and limits."""
    code = iso2.upper()

    def compute(atlas: Atlas) -> dict[str, Any]:
        answer = atlas.country(code, scope, sort)
        return {**answer, "substances": page_of(answer["substances"], limit, offset)}

    return await state.answer(("country", code, sort, scope, limit, offset), TABLES, compute)
