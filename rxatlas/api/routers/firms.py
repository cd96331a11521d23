"""Firms: search by name or alias, and the canonical firm behind a name; facilities by FEI."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody, not_found
from rxatlas.api.models import Answer, Limit, Offset, Page, Search, page_of
from rxatlas.api.state import AtlasState, state_of
from rxatlas.atlas import Atlas
from rxatlas.supply.firm import TABLES as FIRM_TABLES

router = APIRouter(tags=["firms and facilities"])
State = Annotated[AtlasState, Depends(state_of)]


@router.get("/api/firms", response_model=Page, summary="Search firms by name or alias")
async def search(state: State, q: Search, limit: Limit = 50, offset: Offset = 0) -> Response:
    """Canonical firms whose name or an alias contains q."""
    return await state.answer(("firms", " ".join(q.upper().split()), limit, offset), {"core.firm"},
                              lambda atlas: page_of(atlas.firm_search(q), limit, offset))


@router.get("/api/firms/{name:path}", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="The canonical firm behind a name")
async def firm(state: State, name: Annotated[str, Path(min_length=1, max_length=200)]) -> Response:
    """Aliases, countries, facilities, DMFs and evidence; the substances it is an API source of with their
    shortage status, its applications, and quality signals by site (FEI); `candidates` when ambiguous."""

    def compute(atlas: Atlas) -> dict[str, Any]:
        answer = atlas.firm_answer(name)
        if answer["match"] == "none":
            raise not_found(f"firm matches {name!r}", "search /api/firms?q= with part of the name")
        return answer

    return await state.answer(("firm", name), FIRM_TABLES, compute)


@router.get("/api/facilities", response_model=Page, summary="List facilities")
async def facilities(
    state: State,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2.")] = None,
    api_only: Annotated[bool, Query(description="Only sites registered for API manufacture.")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Registered facilities (FDA establishments), optionally of one country or API sites only."""
    code = country.upper() if country else None
    return await state.answer(("facilities", code, api_only, limit, offset), {"core.facility"},
                              lambda atlas: page_of(atlas.facilities(code, api_only), limit, offset))


@router.get("/api/facilities/{fei}", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="A facility by FEI")
async def facility(state: State, fei: Annotated[str, Path(pattern=r"^[0-9]{1,15}$", description="FDA FEI number.")]
             ) -> Response:
    """One registered facility with its firm, operations and provenance (source, snapshot, file, line)."""

    def compute(atlas: Atlas) -> dict[str, Any]:
        found = atlas.facility(fei)
        if found is None:
            raise not_found(f"facility with FEI {fei}", "list facilities with /api/facilities?country=")
        return {"facility": found}

    return await state.answer(("facility", fei), {"core.facility"}, compute)
