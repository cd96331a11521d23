"""Where each medicine is made: qualified API sources per substance, concentration metrics and answers."""

from __future__ import annotations

from rxatlas.warehouse.steps import Step


def steps() -> list[Step]:
    """The Python build steps of the supply map (the set logic lives in SQL models)."""
    from rxatlas.supply import qualify, scope, shortages
    from rxatlas.supply.links import NAME_TABLES, build_dmf_subject_place, build_name_substance

    return [*qualify.steps(), *scope.steps(), *shortages.steps(),
        Step("name_substance", frozenset({"core.substance_name"}), frozenset({"core.name_substance"}),
             build_name_substance, kind="python", optional_inputs=NAME_TABLES),
        Step("dmf_subject_place", frozenset({"core.dmf"}), frozenset({"core.dmf_subject_place"}),
             build_dmf_subject_place, kind="python"),
    ]
