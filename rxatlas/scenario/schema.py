"""The scenario file schema: a name, a date and measures applied in order to the supply map."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from rxatlas import settings
from rxatlas.errors import InputError
from rxatlas.policy.schema import ListId
from rxatlas.yamlfile import Strict, line_of, load_model


def _known_country(code: str) -> str:
    """An ISO 3166-1 alpha-2 code that exists (XX does not), EU, or ALL where allowed by the pattern."""
    from rxatlas.warehouse.reference import country_codes

    if code not in ("EU", "ALL") and code not in country_codes():
        raise ValueError(f"unknown country code {code!r}; use an ISO 3166-1 alpha-2 code (CN, IN, NO) or EU")
    return code


# ISO 3166-1 alpha-2, or EU for the 27 member states; a tariff's origin may also be ALL.
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_known_country)]
Origin = Annotated[str, Field(pattern=r"^([A-Z]{2}|ALL)$"), AfterValidator(_known_country)]
TariffClass = Literal["patented", "branded", "generic", "biosimilar"]
HINT = "fix the scenario file (docs/scenarios.md describes every field)"


class _Measure(Strict):
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


class FirmExit(_Measure):
    """A firm (named as a source writes it), with its affiliates unless said, stops supplying."""

    type: Literal["firm_exit"]
    firms: list[str] = Field(min_length=1)
    include_affiliates: bool = True


class Tariff(_Measure):
    """A tariff on imports of one product class from some origins."""

    type: Literal["tariff"]
    origins: list[Origin] = Field(min_length=1)
    product_class: TariffClass
    rate: float = Field(ge=0, le=10, description="ad valorem, 1.0 = 100%")


class PolicyMeasure(_Measure):
    """Apply measures of the policy knowledge base by id, with their own parameters."""

    type: Literal["policy"]
    ids: list[str] = Field(min_length=1)


Measure = Annotated[ExcludeListed | CountryOutage | FirmExit | Tariff | PolicyMeasure, Field(discriminator="type")]


class Scenario(Strict):
    """A what-if: measures applied in order to the supply map as it stands in the atlas."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 _.-]*$")
    as_of: date
    description: str | None = None
    measures: list[Measure] = Field(default=[])


BASELINE = "baseline"


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; `baseline` is the empty scenario (no measures, as of today)."""
    if str(path) == BASELINE:
        return Scenario(name=BASELINE, as_of=date.today())
    file = Path(path)
    if not file.is_file():
        raise InputError(f"scenario file {file} does not exist; give a YAML file (see examples/) or `baseline`")
    _check_size(file.stat().st_size, str(file))
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{file} line {line}: the scenario file is not UTF-8; save it as UTF-8 text") from exc
    return parse_scenario(text, str(file))


def _check_size(size: int, where: str) -> None:
    limit = settings.limit("scenario_kb")
    if size > limit * 1024:
        raise InputError(f"{where} has {size / 1024:,.0f} KB, more than the {limit} KB a scenario may have "
                         "(RXATLAS_MAX_SCENARIO_KB); a scenario is a few lines (see examples/)")


def parse_scenario(text: str, where: str) -> Scenario:
    """Check scenario text (YAML or JSON); errors name `where` and the line of each problem (the first few)."""
    _check_size(len(text.encode("utf-8")), where)
    scenario = load_model(text, where, Scenario, HINT, max_errors=settings.limit("scenario_errors"))
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
