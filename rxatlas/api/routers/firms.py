"""Firms: search by name or alias, and the canonical firm behind a name; facilities by FEI."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody, not_found
from rxatlas.api.models import Answer, Limit, Offset, Page, Search, search_page
from rxatlas.api.state import AtlasState, state_of
from rxatlas.atlas import Atlas

router = APIRouter(tags=["firms and facilities"])
State = Annotated[AtlasState, Depends(state_of)]
FIRM_TABLES = {"core.firm", "core.firm_mention", "core.facility"}
SEARCH_SQL = """
SELECT firm_id, name, country_iso2, countries, groups
FROM core.firm
WHERE contains(upper(name), ?) OR contains(upper(array_to_string(aliases, '|')), ?)
ORDER BY name, firm_id
"""
FACILITY_SQL = "SELECT * FROM core.facility WHERE fei = ?"
FACILITIES_SQL = """
SELECT fei, name, city, country_iso2, api_manufacture, firm_id FROM core.facility
WHERE (? IS NULL OR country_iso2 = ?) AND (NOT ? OR api_manufacture)
ORDER BY country_iso2, name, fei
"""


@router.get("/api/firms", response_model=Page, summary="Search firms by name or alias")
async def search(state: State, q: Search, limit: Limit = 50, offset: Offset = 0) -> Response:
    """Canonical firms whose name or an alias contains q."""
    key = " ".join(q.upper().split())
    return await state.answer(("firms", key, limit, offset), {"core.firm"},
                        lambda atlas: search_page(atlas, SEARCH_SQL, [key, key], limit, offset))


@router.get("/api/firms/{name:path}", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="The canonical firm behind a name")
async def firm(state: State, name: Annotated[str, Path(min_length=1, max_length=200)]) -> Response:
    """Aliases, countries, facilities, DMFs, applications and evidence; `candidates` when ambiguous."""

    def compute(atlas: Atlas) -> dict[str, Any]:
        rows = atlas.firm(name).to_pylist()
        if not rows:
            raise not_found(f"firm matches {name!r}", "search /api/firms?q= with part of the name")
        candidates = [{k: r[k] for k in ("firm_id", "name", "match_score", "country_iso2", "aliases")}
                      for r in rows] if len(rows) != 1 else []
        return {"query": name, "match": "unique" if len(rows) == 1 else "ambiguous",
                "firm": rows[0] if len(rows) == 1 else None, "candidates": candidates}

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
                        lambda atlas: search_page(atlas, FACILITIES_SQL, [code, code, api_only], limit, offset))


@router.get("/api/facilities/{fei}", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="A facility by FEI")
async def facility(state: State, fei: Annotated[str, Path(pattern=r"^[0-9]{1,15}$", description="FDA FEI number.")]
             ) -> Response:
    """One registered facility with its firm, operations and provenance (source, snapshot, file, line)."""

    def compute(atlas: Atlas) -> dict[str, Any]:
        rows = atlas.engine.query(FACILITY_SQL, [fei]).to_pylist()
        if not rows:
            raise not_found(f"facility with FEI {fei}", "list facilities with /api/facilities?country=")
        return {"facility": rows[0]}

    return await state.answer(("facility", fei), {"core.facility"}, compute)
