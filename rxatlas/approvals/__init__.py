"""Market-entry evidence: US approvals (Drugs@FDA, Purple Book) by sponsor country, with partner cases."""

from __future__ import annotations

from importlib import resources

from rxatlas.approvals.query import by_country, country_approvals, coverage
from rxatlas.warehouse.steps import Step, sql_step

__all__ = ["by_country", "country_approvals", "coverage", "steps"]


def steps() -> list[Step]:
    """The build steps: sponsor countries, the approval table and the curated partner cases."""
    from rxatlas.approvals.partners import build_approval_partner
    from rxatlas.approvals.sponsor_country import build_sponsor_country

    approval_sql = resources.files("rxatlas.approvals").joinpath("approval.sql").read_text(encoding="utf-8")
    return [
        Step("sponsor_country", frozenset({"core.firm", "core.firm_mention"}),
             frozenset({"core.sponsor_country"}), build_sponsor_country, kind="python"),
        sql_step("approval", approval_sql),
        Step("approval_partner", frozenset(), frozenset({"core.approval_partner"}), build_approval_partner,
             kind="python"),
    ]
