"""Entity resolution of firms, facilities and substances, shared by everything that matches names."""

from __future__ import annotations

from rxatlas.warehouse.steps import Step


def steps() -> list[Step]:
    """The resolution steps the build runs after the core models."""
    from rxatlas.resolve import substances
    from rxatlas.resolve.dmf_holders import build_dmf_holder
    from rxatlas.resolve.mentions import SPEC_TABLES
    from rxatlas.resolve.tables import build_firm_tables

    return [
        Step("firms", frozenset(),
             frozenset({"core.firm_mention", "core.firm", "core.facility"}), build_firm_tables,
             kind="python", optional_inputs=SPEC_TABLES),
        Step("dmf_holder", frozenset({"core.dmf", "core.firm_mention"}),
             frozenset({"core.dmf_holder", "core.resolution_override"}), build_dmf_holder, kind="python",
             optional_inputs=frozenset({"core.establishment", "core.compliance_event"})),
        *substances.steps(),
    ]
