"""Public data sources, one module each, all on the contract in ``rxatlas.sources.base``.

A module in this package that defines a ``Source`` subclass with an ``id`` is registered by being here.
"""

from __future__ import annotations

import inspect
import pkgutil
from functools import cache
from importlib import import_module

from rxatlas.errors import InputError
from rxatlas.sources.base import Source

_INFRASTRUCTURE = {"base", "readers", "validate", "fetch"}


@cache
def _classes() -> tuple[type[Source], ...]:
    found: list[type[Source]] = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in _INFRASTRUCTURE or info.name.startswith("_"):
            continue
        module = import_module(f"{__name__}.{info.name}")
        found.extend(
            obj for obj in vars(module).values()
            if inspect.isclass(obj) and issubclass(obj, Source) and not inspect.isabstract(obj)
            and obj.__module__ == module.__name__
        )
    return tuple(sorted(found, key=lambda c: c.id))


def all_sources() -> list[Source]:
    """Return an instance of every source module in this package, sorted by id."""
    return [cls() for cls in _classes()]


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
