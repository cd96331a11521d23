"""Response models, shared query parameters and paging of the API (documented in /openapi.json)."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

MAX_LIMIT = 500
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Accept dates only as YYYY-MM-DD (pydantic would also take a number of seconds since 1970)."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("write the date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Search = Annotated[str, Query(min_length=1, max_length=200, description="Text the name contains (any case).")]


class Answer(BaseModel):
    """An answer of the analytics layer (fields as in the CLI's --json), with stale-source warnings."""

    model_config = ConfigDict(extra="allow")

    warnings: list[str] = Field(description="Stale sources behind the answer and similar cautions.")


class Page(BaseModel):
    """One page of rows, with the total number of rows and stale-source warnings."""

    items: list[dict[str, Any]]
    total: int = Field(description="Rows in all pages.")
    limit: int
    offset: int
    warnings: list[str]


def page(rows: list[dict[str, Any]], total: int, limit: int, offset: int) -> dict[str, Any]:
    """A page payload."""
    return {"items": rows, "total": total, "limit": limit, "offset": offset}


def page_of(rows: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    """One page of an answer's rows, with their total count."""
    return page(rows[offset:offset + limit], len(rows), limit, offset)


ScopeName = Literal["us_human_rx", "us_human_otc", "homeopathic", "veterinary_only", "excipient_or_inactive",
                    "nutrient_or_food", "diagnostic_or_device", "not_marketed_in_us", "intermediate", "all"]
Scope = Annotated[ScopeName, Query(description="Market scope of the substances counted (core.market_scope); "
                                               "all for every substance.")]
