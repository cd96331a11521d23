"""Public data sources, one module each, all on the contract in ``rxatlas.sources.base``."""

from __future__ import annotations

from importlib import import_module

from rxatlas.errors import InputError
from rxatlas.sources.base import Source

# module name -> class name; order is the build order
_REGISTRY: dict[str, str] = {
    "fda_dmf": "FdaDmf",
}


def all_sources() -> list[Source]:
    """Return an instance of every registered source, in build order."""
    return [getattr(import_module(f"rxatlas.sources.{mod}"), cls)() for mod, cls in _REGISTRY.items()]


def get_sources(ids: list[str] | None = None) -> list[Source]:
    """Return the named sources (all when none are named); unknown names are a clear error."""
    sources = all_sources()
    if not ids:
        return sources
    known = {s.id: s for s in sources}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise InputError(f"unknown source(s) {unknown}; choose from {sorted(known)}")
    return [known[i] for i in ids]


__all__ = ["Source", "all_sources", "get_sources"]
