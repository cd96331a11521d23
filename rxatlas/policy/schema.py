"""The policy knowledge base schema: one measure per entry, with status, verification, scope and sources."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from rxatlas.yamlfile import Strict

Status = Literal["proposed", "enacted", "in_force", "paused", "struck_down", "superseded", "expired"]
Verification = Literal["verified", "partly_verified", "unverified"]
ProductClass = Literal["patented", "generic", "biosimilar", "api", "key_starting_material"]
# ISO 3166-1 alpha-2, or EU for the 27 member states, or ALL for every origin.
Country = Annotated[str, Field(pattern=r"^([A-Z]{2}|ALL)$")]
SourceTag = Literal["primary", "secondary", "weak"]
ListId = Literal["us_dod_1260h", "us_omb_biosecure", "us_ofac_sdn"]


class PolicySource(Strict):
    """A public document behind facts of a measure: title, address, date and how strong it is."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="short key that facts cite")
    title: str = Field(min_length=3)
    url: str = Field(pattern=r"^https?://\S+$")
    date: date
    date_basis: Literal["published", "month", "event"] = Field(
        default="published", description="published: the document's date; month: published that month; "
        "event: publication date unknown, the date of the event it reports")
    kind: SourceTag


class Dates(Strict):
    """Key dates of a measure; each one cites the sources that state it."""

    announced: date | None = None
    enacted: date | None = None
    effective: date | None = None
    expiry: date | None = None
    sources: list[str] = Field(min_length=1)


class Scope(Strict):
    """What the measure covers: countries (ISO2, or ALL), lists of firms, named firms and product classes."""

    countries: list[Country] = Field(default=[])
    lists: list[str] = Field(default=[])
    firms: list[str] = Field(default=[])
    product_classes: list[ProductClass] = Field(default=[])
    excluded_classes: list[ProductClass] = Field(default=[])


class RateCap(Strict):
    """A tariff rate or cap for imports from some countries (a deal country's cap, an exemption at 0)."""

    countries: list[Country] = Field(min_length=1)
    rate: float = Field(ge=0, le=10)
    label: str = Field(min_length=2)
    since: date | None = None
    verification: Verification
    sources: list[str] = Field(min_length=1)


class TariffParameters(Strict):
    """A tariff: base rate on the covered product classes from every origin, lowered by country caps."""

    base_rate: float = Field(ge=0, le=10)
    product_classes: list[ProductClass] = Field(min_length=1)
    caps: list[RateCap] = Field(default=[])
    sources: list[str] = Field(min_length=1)


class ListParameters(Strict):
    """A measure that bars firms on watch lists (and, where the law says so, their affiliates)."""

    lists: list[ListId] = Field(min_length=1)
    include_affiliates: bool
    sources: list[str] = Field(min_length=1)


class Event(Strict):
    """A dated step in the life of a measure (introduced, passed, signed, paused, struck down...)."""

    date: date
    what: str = Field(min_length=3)
    verification: Verification = "verified"
    sources: list[str] = Field(min_length=1)


class Policy(Strict):
    """One measure of the knowledge base."""

    id: str = Field(pattern=r"^[a-z]{2,3}-[a-z0-9-]+$",
                    description="jurisdiction-prefixed id, e.g. us-s232-pharma-2026")
    title: str = Field(min_length=5)
    jurisdiction: Literal["US", "EU", "JP", "KR", "CN", "IN", "GB", "CH"]
    instrument: str = Field(min_length=3)
    status: Status
    verification: Verification
    summary: str = Field(min_length=10)
    dates: Dates
    scope: Scope = Scope()
    tariff: TariffParameters | None = None
    listing: ListParameters | None = None
    events: list[Event] = Field(default=[])
    unverified: list[str] = Field(default=[], description="claims carried but not yet verified")
    related: list[str] = Field(default=[])
    sources: list[PolicySource] = Field(min_length=1)

    @model_validator(mode="after")
    def _cited_sources_exist(self) -> Policy:
        known = {s.id for s in self.sources}
        cited = list(self.dates.sources)
        for block in (self.tariff, self.listing):
            if block is not None:
                cited += block.sources
        cited += [s for cap in (self.tariff.caps if self.tariff else []) for s in cap.sources]
        cited += [s for event in self.events for s in event.sources]
        missing = sorted(set(cited) - known)
        if missing:
            raise ValueError(f"cites unknown source ids {missing}; known ids: {sorted(known)}")
        if len(known) != len(self.sources):
            raise ValueError("source ids must be unique within a policy")
        return self

    @property
    def effect(self) -> str:
        """What the scenario engine does with the measure: tariff, exclude_listed or none (context only)."""
        return "tariff" if self.tariff else "exclude_listed" if self.listing else "none"

    def in_force_on(self, day: date) -> bool:
        """Whether the measure has legal effect on a day (in force or enacted, effective and not expired)."""
        if self.status not in ("in_force", "enacted"):
            return False
        start = self.dates.effective if self.status == "enacted" else self.dates.effective or self.dates.announced
        if self.status == "enacted" and start is None:
            return False  # enacted, but the date it takes effect is not known
        return (start is None or start <= day) and (self.dates.expiry is None or day < self.dates.expiry)


class PolicyFile(Strict):
    """A file of the knowledge base: a schema version and its measures."""

    schema_version: Literal[1]
    policies: list[Policy] = Field(min_length=1)
