"""rxatlas: the open atlas of where medicines are made and what policy does to that supply.

    import rxatlas
    rxatlas.build(mirror="../shared/data")          # build or update the atlas
    atlas = rxatlas.Atlas()                          # open it read-only
    atlas.sources().to_pandas()                      # every answer is an Arrow table
    rxatlas.sql("SELECT * FROM core.dmf LIMIT 5")    # sandboxed read-only SQL
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Atlas", "BuildReport", "RxAtlasError", "__version__", "build", "sql"]

if TYPE_CHECKING:
    from rxatlas.atlas import Atlas, sql
    from rxatlas.build import BuildReport, build
    from rxatlas.errors import RxAtlasError

_LAZY = {
    "Atlas": "rxatlas.atlas",
    "sql": "rxatlas.atlas",
    "build": "rxatlas.build",
    "BuildReport": "rxatlas.build",
    "RxAtlasError": "rxatlas.errors",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rxatlas' has no attribute {name!r}")
