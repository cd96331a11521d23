"""The scenario file schema: a name, a date and measures applied in order to the supply map."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from rxatlas.errors import InputError
from rxatlas.policy.schema import ListId
from rxatlas.yamlfile import line_of, load_model

# ISO 3166-1 alpha-2, or EU for the 27 member states.
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
TariffClass = Literal["patented", "branded", "generic", "biosimilar"]
HINT = "fix the scenario file (docs/scenarios.md describes every field)"


class _Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None = Field(default=None, description="a short name shown with every change it causes")


class ExcludeListed(_Measure):
    """Drop the sources of firms on watch lists as of the scenario date (and of their affiliates)."""

    type: Literal["exclude_listed"]
    lists: list[ListId] = Field(min_length=1)
    include_affiliates: bool = True


class CountryOutage(_Measure):
    """A country's capacity is lost (share_lost 1.0) or reduced for a while."""

    type: Literal["country_outage"]
    countries: list[Country] = Field(min_length=1)
    share_lost: float = Field(default=1.0, gt=0, le=1)
    duration: str | None = Field(default=None, pattern=r"^\d+ (days|weeks|months|years)$",
                                 description="e.g. '6 months'; reported, not modelled (no stock data)")


class Tariff(_Measure):
    """A tariff on imports of one product class from some origins."""

    type: Literal["tariff"]
    origins: list[Country | Literal["ALL"]] = Field(min_length=1)
    product_class: TariffClass
    rate: float = Field(ge=0, le=10, description="ad valorem, 1.0 = 100%")


class PolicyMeasure(_Measure):
    """Apply measures of the policy knowledge base by id, with their own parameters."""

    type: Literal["policy"]
    ids: list[str] = Field(min_length=1)


Measure = Annotated[ExcludeListed | CountryOutage | Tariff | PolicyMeasure, Field(discriminator="type")]


class Scenario(BaseModel):
    """A what-if: measures applied in order to the supply map as it stands in the atlas."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$")
    as_of: date
    description: str | None = None
    measures: list[Measure] = []


BASELINE = "baseline"


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; `baseline` is the empty scenario (no measures, as of today)."""
    if str(path) == BASELINE:
        return Scenario(name=BASELINE, as_of=date.today())
    file = Path(path)
    if not file.is_file():
        raise InputError(f"scenario file {file} does not exist; give a YAML file (see examples/) or `baseline`")
    return parse_scenario(file.read_text(encoding="utf-8"), str(file))


def parse_scenario(text: str, where: str) -> Scenario:
    """Check scenario text (YAML or JSON); errors name `where` and the line of each problem."""
    scenario = load_model(text, where, Scenario, HINT)
    _check_policy_ids(scenario, text, where)
    return scenario


def _check_policy_ids(scenario: Scenario, text: str, where: str) -> None:
    from rxatlas.policy import load_policies

    known = load_policies()
    for i, measure in enumerate(scenario.measures):
        if not isinstance(measure, PolicyMeasure):
            continue
        for j, policy_id in enumerate(measure.ids):
            if policy_id not in known:
                line = line_of(text, ("measures", i, "ids", j))
                raise InputError(f"{where} line {line}, field measures.{i}.ids.{j}: unknown policy {policy_id!r}; "
                                 f"allowed values: {', '.join(sorted(known))}; {HINT}")
