"""Hand-kept resolution files: sourced corporate groups and analyst overrides, schema-checked on load."""

from __future__ import annotations

import os
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from rxatlas.errors import InputError
from rxatlas.yamlfile import Strict, load_model

ISO2 = Field(pattern=r"^[A-Z]{2}$")
OVERRIDES_ENV = "RXATLAS_OVERRIDES"


class Source(Strict):
    """A public document that states the group facts of an entry."""

    title: str = Field(min_length=3)
    url: str = Field(pattern=r"^https?://\S+$")
    date: date
    verified: bool = True  # false: recalled without network access; the address or title may need checking


class Member(Strict):
    """One legal entity of a group, with the country of its seat."""

    name: str = Field(min_length=2)
    country: str = ISO2
    role: Literal["parent", "subsidiary", "division", "affiliate", "sister"]
    note: str | None = None


class Group(Strict):
    """A corporate group: its members and the public sources that state them."""

    group: str = Field(min_length=2)
    members: list[Member] = Field(min_length=1)
    sources: list[Source] = Field(min_length=1)
    note: str | None = None


class Override(Strict):
    """An analyst decision applied after the model: set a country, pin a DECRS firm, or split a match."""

    holder: str = Field(min_length=2)
    action: Literal["set_country", "pin", "split"]
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    firm: str | None = None
    who: str = Field(min_length=2)
    when: date
    why: str = Field(min_length=10)

    @field_validator("holder")
    @classmethod
    def _no_outer_space(cls, value: str) -> str:
        if value != value.strip():
            raise ValueError("holder must be written byte-for-byte as in the DMF list, without outer spaces")
        return value

    @model_validator(mode="after")
    def _needs(self) -> Override:
        if self.action == "set_country" and not self.country:
            raise ValueError("set_country needs a country (ISO 3166-1 alpha-2)")
        if self.action in ("pin", "split") and not self.firm:
            raise ValueError(f"{self.action} needs a firm (a DECRS firm name as registered)")
        return self


class _GroupFile(Strict):
    groups: list[Group]


class _OverrideFile(Strict):
    overrides: list[Override] = Field(default=[])


def _load(text: str, where: str, model: type[Strict]) -> Any:
    return load_model(text, where, model, hint="fix the file and rebuild")


def load_groups(path: Path | None = None) -> list[Group]:
    """The curated corporate groups (rxatlas/resolve/data/groups.yaml unless a path is given)."""
    if path is None:
        text = resources.files("rxatlas.resolve").joinpath("data/groups.yaml").read_text(encoding="utf-8")
        where = "rxatlas/resolve/data/groups.yaml"
    else:
        text, where = path.read_text(encoding="utf-8"), str(path)
    groups: list[Group] = _load(text, where, _GroupFile).groups
    return groups


def load_overrides(path: Path | None = None) -> list[Override]:
    """Analyst overrides: the shipped file, then the user file named by RXATLAS_OVERRIDES (or path)."""
    shipped = resources.files("rxatlas.resolve").joinpath("data/overrides.yaml").read_text(encoding="utf-8")
    found: list[Override] = list(
        _load(shipped, "rxatlas/resolve/data/overrides.yaml", _OverrideFile).overrides
    )
    user = path or (Path(os.environ[OVERRIDES_ENV]) if os.environ.get(OVERRIDES_ENV) else None)
    if user is not None:
        if not user.is_file():
            raise InputError(f"overrides file {user} does not exist; fix {OVERRIDES_ENV} or create the file")
        found.extend(_load(user.read_text(encoding="utf-8"), str(user), _OverrideFile).overrides)
    return found
