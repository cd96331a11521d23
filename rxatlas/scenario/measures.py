"""Scenario measures made concrete: policy ids expanded to their parameters, country groups to countries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rxatlas.policy import Policy, load_policies
from rxatlas.policy.schema import TariffParameters
from rxatlas.scenario.schema import CountryOutage, ExcludeListed, FirmExit, PolicyMeasure, Scenario, Tariff


@dataclass(frozen=True)
class Rate:
    """The rate a tariff rule puts on one set of origins, and why."""

    countries: frozenset[str] | None  # None: every origin not named by another rate
    rate: float
    label: str
    verification: str = "as given in the scenario"
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class TariffRule:
    """A tariff on one product class: rates by origin (caps and exemptions before the base rate)."""

    ref: str
    product_class: str
    rates: tuple[Rate, ...]

    def rate_for(self, country: str) -> Rate | None:
        """The rate an origin pays, or None when the rule does not cover it."""
        named = next((r for r in self.rates if r.countries is not None and country in r.countries), None)
        return named or next((r for r in self.rates if r.countries is None), None)


@dataclass
class Plan:
    """What a scenario does, measure by measure, in the order given."""

    exclusions: list[tuple[str, ExcludeListed]] = field(default_factory=list)
    outages: list[tuple[str, CountryOutage, frozenset[str]]] = field(default_factory=list)
    exits: list[tuple[str, FirmExit]] = field(default_factory=list)
    tariffs: list[TariffRule] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)


def _countries(codes: list[str], eu27: frozenset[str]) -> frozenset[str]:
    return frozenset(c for code in codes for c in (eu27 if code == "EU" else {code}))


def _policy_rules(ref: str, policy: Policy, tariff: TariffParameters, eu27: frozenset[str]) -> list[TariffRule]:
    cited = {s.id: f"{s.title} ({s.date})" for s in policy.sources}
    caps = tuple(Rate(_countries(cap.countries, eu27), cap.rate, cap.label, cap.verification,
                      tuple(cited[s] for s in cap.sources)) for cap in tariff.caps)
    base = Rate(None, tariff.base_rate, f"{policy.id} base rate", policy.verification,
                tuple(cited[s] for s in tariff.sources))
    excluded = [TariffRule(ref, c, (Rate(None, 0.0, f"excluded by {policy.id}", policy.verification),))
                for c in policy.scope.excluded_classes if c in ("generic", "biosimilar")]
    return [TariffRule(ref, c, (*caps, base)) for c in tariff.product_classes if c != "api"] + excluded


def plan(scenario: Scenario, eu27: frozenset[str]) -> Plan:
    """Expand a scenario into exclusions, outages and tariff rules, each with its reference in the file."""
    result = Plan()
    policies = load_policies() if any(isinstance(m, PolicyMeasure) for m in scenario.measures) else {}
    for i, measure in enumerate(scenario.measures):
        ref = f"measures[{i}] {measure.type}" + (f" ({measure.label})" if measure.label else "")
        if isinstance(measure, ExcludeListed):
            result.exclusions.append((ref, measure))
        elif isinstance(measure, CountryOutage):
            result.outages.append((ref, measure, _countries(measure.countries, eu27)))
        elif isinstance(measure, FirmExit):
            result.exits.append((ref, measure))
        elif isinstance(measure, Tariff):
            origins = None if "ALL" in measure.origins else _countries(measure.origins, eu27)
            product_class = "patented" if measure.product_class == "branded" else measure.product_class
            result.tariffs.append(TariffRule(ref, product_class, (Rate(origins, measure.rate, ref),)))
        elif isinstance(measure, PolicyMeasure):
            for policy_id in measure.ids:
                result.policies.append(_apply_policy(f"{ref} {policy_id}", policies[policy_id], scenario.as_of,
                                                     result, eu27))
    return result


def _apply_policy(ref: str, policy: Policy, as_of: date, result: Plan, eu27: frozenset[str]) -> dict[str, Any]:
    note = {"id": policy.id, "measure": ref, "title": policy.title, "status": policy.status,
            "verification": policy.verification, "in_force_on_as_of": policy.in_force_on(as_of),
            "effect": policy.effect, "unverified": policy.unverified}
    if policy.listing is not None:
        result.exclusions.append((ref, ExcludeListed(type="exclude_listed", lists=policy.listing.lists,
                                                     include_affiliates=policy.listing.include_affiliates)))
    elif policy.tariff is not None:
        result.tariffs.extend(_policy_rules(ref, policy, policy.tariff, eu27))
    else:
        note["note"] = "context only: the engine models no supply effect for this measure"
    return note
