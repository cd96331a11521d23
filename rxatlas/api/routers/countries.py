"""Countries: where US supply's API sources are, and what it depends on one country for."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody, not_found
from rxatlas.api.models import Answer, Limit, Offset, Page, Scope, page, search_page
from rxatlas.api.state import AtlasState, state_of
from rxatlas.atlas import Atlas

router = APIRouter(prefix="/api/countries", tags=["countries"])
State = Annotated[AtlasState, Depends(state_of)]
TABLES = {"core.api_source", "core.substance_metrics", "core.country", "core.facility", "core.market_scope"}
COUNTRIES_SQL = """
SELECT c.iso2, c.name, c.common_name, count(DISTINCT a.unii) AS substances, count(*) AS sources,
       count(DISTINCT a.firm_id) AS firms
FROM core.api_source a JOIN core.country c ON c.iso2 = a.country JOIN core.substance_metrics m USING (unii)
WHERE ? = 'all' OR m.market_scope = ?
GROUP BY c.iso2, c.name, c.common_name
ORDER BY sources DESC, c.iso2
"""
COUNTRY_SQL = "SELECT iso2, iso3, name, common_name, eu27 FROM core.country WHERE iso2 = ?"
FACILITIES_SQL = """
SELECT count(*) AS facilities, count(*) FILTER (WHERE api_manufacture) AS api_facilities
FROM core.facility WHERE country_iso2 = ?
"""
# Substances with a qualified source in the country: sources there, all sources, the country's share.
SUBSTANCES_SQL = """
SELECT a.unii, a.substance, count(*) AS sources_here, m.n_sources, m.n_countries, m.hhi, m.hhi_band,
       (SELECT s.share FROM unnest(m.country_shares) AS t(s) WHERE s.country = ?) AS share,
       m.single_country, list(a.firm_name ORDER BY a.firm_name) AS firms
FROM core.api_source a JOIN core.substance_metrics m USING (unii)
WHERE a.country = ? AND (? = 'all' OR m.market_scope = ?)
GROUP BY a.unii, a.substance, m.n_sources, m.n_countries, m.hhi, m.hhi_band, m.country_shares, m.single_country
"""
ORDERS = {"share": "share DESC NULLS LAST, substance", "sources": "sources_here DESC, substance",
          "substance": "substance"}


@router.get("", response_model=Page, summary="Countries with API sources of US supply")
async def countries(state: State, scope: Scope = "us_human_rx", limit: Limit = 300, offset: Offset = 0) -> Response:
    """Per country: substances (of the market scope) with a qualified API source there, sources and firms."""
    return await state.answer(("countries", scope, limit, offset), TABLES,
                        lambda atlas: {**search_page(atlas, COUNTRIES_SQL, [scope, scope], limit, offset),
                                       "scope": scope})


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
    """The country, its registered facilities, and the substances with sources there with its share of them."""
    code = iso2.upper()

    def compute(atlas: Atlas) -> dict[str, Any]:
        rows = atlas.engine.query(COUNTRY_SQL, [code]).to_pylist()
        if not rows:
            raise not_found(f"country {code}", "give an ISO 3166 alpha-2 code such as IN, CN or KR")
        params = [code, code, scope, scope]
        substances = search_page(atlas, f"{SUBSTANCES_SQL} ORDER BY {ORDERS[sort]}", params, limit, offset)
        only = int(atlas.engine.scalar(f"SELECT count(*) FROM ({SUBSTANCES_SQL}) WHERE share = 1", params))
        return {"country": rows[0], **atlas.engine.query(FACILITIES_SQL, [code]).to_pylist()[0],
                "substances_with_sources": substances["total"], "substances_only_here": only,
                "substances": page(substances["items"], substances["total"], limit, offset), "scope": scope,
                "notes": ["counts of distinct qualified API sources, not volumes; share is the country's share "
                          "of a substance's sources of known country"]}

    return await state.answer(("country", code, sort, scope, limit, offset), TABLES, compute)
