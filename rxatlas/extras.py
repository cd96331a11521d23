"""The optional extras of the package (pyproject.toml) and the one message for a command that needs one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rxatlas.errors import MissingExtraError

# Extra -> the top-level modules it installs that rxatlas imports.
EXTRAS = {
    "web": ("fastapi", "starlette", "uvicorn", "jinja2", "markupsafe", "multipart"),
    "reports": ("jinja2", "markupsafe", "playwright"),
    "spark": ("pyspark",),
    "mcp": ("mcp",),
}


@contextmanager
def needs(extra: str, what: str) -> Iterator[None]:
    """Turn a missing module of the given extra, imported inside the block, into an error saying what to install."""
    try:
        yield
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in EXTRAS[extra]:
            raise
        raise MissingExtraError(f"{what} needs the optional package {exc.name!r}, which is not installed; "
                                f"install it with: pip install 'rxatlas[{extra}]'") from exc
