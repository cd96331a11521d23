"""BIOSECURE status (Sec. 851, FY2026 NDAA): law in force apart from the 2024 bill's names (informational)."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import Field

from rxatlas.yamlfile import Strict, load_model


class Cited(Strict):
    """A dated public document."""

    title: str = Field(min_length=3)
    date: date
    url: str = Field(pattern=r"^https?://\S+$")


class Designation(Strict):
    """One way a firm becomes a biotechnology company of concern, and whether its list exists yet."""

    basis: str
    rule: str
    status: Literal["in_force", "not_published"]
    due: date | None = None
    entities: list[str]


class Law(Strict):
    """The enacted law."""

    title: str
    citation: str
    signed: date
    sources: list[Cited] = Field(min_length=1)
    designations: list[Designation] = Field(min_length=1)
    restricts: str
    unverified: str


class Informational(Strict):
    """A list of names with no legal force (a bill that did not become law)."""

    id: str
    title: str
    status: str
    source: Cited
    names: list[str] = Field(min_length=1)


class Biosecure(Strict):
    """The BIOSECURE file."""

    law: Law
    informational: list[Informational]

    def status(self, list_id: str, as_of: date, affiliate: bool = False) -> str | None:
        """What a hit on a list means under the law in force on as_of (None: nothing)."""
        if as_of < self.law.signed:
            return None
        for d in self.law.designations:
            if d.basis == list_id and d.status == "in_force":
                who = "affiliate of a" if affiliate else "a"
                return f"{who} biotechnology company of concern ({self.law.citation}: {d.rule.split(':')[0]})"
        return None

    def pending(self, as_of: date) -> list[str]:
        """Designations whose list is not published yet (said in every report)."""
        return [
            f"{d.basis}: not published as of {as_of}" + (f" (due {d.due})" if d.due else "")
            for d in self.law.designations
            if d.status == "not_published"
        ]


@cache
def load_biosecure() -> Biosecure:
    """The BIOSECURE status file, schema-checked (rxatlas/screen/data/us_biosecure.yaml)."""
    text = resources.files("rxatlas.screen").joinpath("data/us_biosecure.yaml").read_text(encoding="utf-8")
    return load_model(text, "rxatlas/screen/data/us_biosecure.yaml", Biosecure)
