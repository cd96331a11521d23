"""Entity resolution of firms, facilities and substances, shared by everything that matches names."""

from __future__ import annotations

from rxatlas.warehouse.steps import Step


def steps() -> list[Step]:
    """The resolution steps the build runs after the core models."""
    return []
