"""The policy knowledge base: every measure with its state on a date, and one measure in full."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody, not_found
from rxatlas.api.models import Answer, IsoDate, Page, page
from rxatlas.api.state import json_response

router = APIRouter(prefix="/api/policies", tags=["policies"])


@router.get("", response_model=Page, summary="Measures of the policy knowledge base")
def policies(as_of: Annotated[IsoDate | None, Query(description="Date for in_force (default today).")] = None
             ) -> Response:
    """Every measure: jurisdiction, status, verification, dates, effect and whether it is in force on as_of."""
    from rxatlas.policy import policy_rows

    rows = policy_rows(as_of)
    return json_response({**page(rows, len(rows), len(rows), 0), "warnings": []})


@router.get("/{policy_id}", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="One measure in full")
def policy(policy_id: Annotated[str, Path(min_length=1, max_length=100)]) -> Response:
    """Dates, scope, parameters, events, unverified claims and sources of one measure."""
    from rxatlas.policy import load_policies, policy_answer

    policy = load_policies().get(policy_id)
    if policy is None:
        raise not_found(f"policy {policy_id!r}", "list the ids with /api/policies")
    return json_response({**policy_answer(policy), "warnings": []})
