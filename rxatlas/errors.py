"""One exception hierarchy for rxatlas; every message says what went wrong and what to do."""

from __future__ import annotations

from dataclasses import dataclass


class RxAtlasError(Exception):
    """Base of every error rxatlas raises on purpose; the CLI prints it as one sentence."""

    transient = False


@dataclass(frozen=True)
class Problem:
    """One problem found in a source file, located as precisely as the format allows."""

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"line {self.line}" if self.line is not None else None,
                f"field {self.field!r}" if self.field else None,
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class SourceError(RxAtlasError):
    """A source file could not be read, parsed or validated; names the source, file, line and field."""

    def __init__(self, source: str, problems: list[Problem] | Problem, hint: str = "") -> None:
        self.source = source
        self.problems = problems if isinstance(problems, list) else [problems]
        self.hint = hint
        shown = "; ".join(str(p) for p in self.problems[:10])
        more = f" (and {len(self.problems) - 10} more problems)" if len(self.problems) > 10 else ""
        tail = f" {hint}" if hint else ""
        super().__init__(f"source {source}: {shown}{more}.{tail}")


class FetchError(RxAtlasError):
    """A file could not be downloaded or found in the mirror."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class BuildError(RxAtlasError):
    """A build step failed; the previous atlas was left untouched."""


class AtlasMissingError(RxAtlasError):
    """No atlas database exists yet at the configured path."""


class QueryError(RxAtlasError):
    """A query was refused or failed."""


class InputError(RxAtlasError):
    """A user-supplied argument or file is not usable."""


class NotFoundError(InputError):
    """Nothing of what was asked for is in the atlas (the API answers 404); says where to look instead."""


class MissingExtraError(RxAtlasError):
    """A command needs an optional dependency that is not installed; names the extra that installs it."""


class MissingTableError(QueryError):
    """A query needs a table or view the atlas does not hold (a source not loaded, or an atlas built before it)."""
