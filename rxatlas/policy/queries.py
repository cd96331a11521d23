"""Questions to the knowledge base: list measures with their state on a date, show one measure."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rxatlas.errors import InputError
from rxatlas.policy.loader import load_policies
from rxatlas.policy.schema import Policy


def get_policy(policy_id: str, folder: Path | None = None) -> Policy:
    """One measure by id; the error lists the known ids."""
    policies = load_policies(folder)
    if policy_id not in policies:
        raise InputError(f"no policy {policy_id!r}; known ids: {', '.join(sorted(policies))} "
                         "(see `rxatlas policy list`)")
    return policies[policy_id]


def policy_answer(policy: Policy) -> dict[str, Any]:
    """One measure in full as plain data (dates, scope, parameters, events, claims, sources) with its effect."""
    return {**policy.model_dump(mode="json"), "effect": policy.effect}


def policy_rows(as_of: date | None = None, folder: Path | None = None) -> list[dict[str, Any]]:
    """One summary row per measure: id, jurisdiction, status, verification, dates, effect, in force on as_of."""
    day = as_of or date.today()
    return [{"id": p.id, "title": p.title, "jurisdiction": p.jurisdiction, "instrument": p.instrument,
             "status": p.status, "verification": p.verification, "announced": p.dates.announced,
             "effective": p.dates.effective, "expiry": p.dates.expiry, "effect": p.effect,
             "in_force": p.in_force_on(day), "as_of": day, "sources": len(p.sources)}
            for p in sorted(load_policies(folder).values(), key=lambda p: p.id)]
