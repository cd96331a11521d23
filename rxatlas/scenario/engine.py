"""Apply a scenario to the supply map: sources lost per substance, concentration after, tariff exposure, gains."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rxatlas.scenario.exits import exiting_firms
from rxatlas.scenario.listed import METHOD as LISTED_METHOD
from rxatlas.scenario.listed import listed_firms
from rxatlas.scenario.measures import Plan, TariffRule, plan
from rxatlas.scenario.schema import Scenario
from rxatlas.scenario.supply import Application, Source, load_applications, load_sources
from rxatlas.warehouse.engine import Engine

COUNTS_NOTE = ("Public data has no volumes: sources are counted (one per firm and substance), shares and HHI are "
               "over counts of sources by country, not over volumes.")
TARIFF_NOTE = ("No trade values are available offline: exposure is counted in sources and applications; "
               "import_value_usd is left empty for a trade-data join (e.g. USITC DataWeb by HTS code).")
TABLES = {"core.dmf", "core.dmf_substance", "core.dmf_holder", "core.firm", "core.watchlist_entry",
          "core.product", "core.application", "core.biologic", "core.patent", "core.substance_name"}


@dataclass
class _Change:
    """What measures did to one source: capacity left (1.0 untouched, 0 lost) and why."""

    capacity: float = 1.0
    reasons: list[dict[str, Any]] = field(default_factory=list)


def hhi(counts: dict[str, float]) -> int:
    """Herfindahl-Hirschman index (0-10,000) of shares computed from counts."""
    total = sum(counts.values())
    return round(sum((100 * v / total) ** 2 for v in counts.values())) if total else 0


def _by_country(sources: list[Source], weight: dict[int, float]) -> dict[str, float]:
    counts: dict[str, float] = defaultdict(float)
    for s in sources:
        if weight[id(s)] > 0:
            counts[s.country or "unknown"] += weight[id(s)]
    return dict(sorted(counts.items()))


def _apply(engine: Engine, scenario: Scenario, steps: Plan, sources: list[Source]) -> dict[int, _Change]:
    changes: dict[int, _Change] = {id(s): _Change() for s in sources}
    firm_ids = {s.firm_id for s in sources}
    for ref, measure in steps.exclusions:
        listed = listed_firms(engine, firm_ids, list(measure.lists), scenario.as_of, measure.include_affiliates)
        for s in sources:
            hit = listed.get(s.firm_id)
            if hit is not None and changes[id(s)].capacity > 0:
                changes[id(s)].capacity = 0.0
                changes[id(s)].reasons.append({"measure": ref, "reason": f"{hit.status}: {hit.path}"})
    for ref, exit_ in steps.exits:
        leaving = exiting_firms(engine, exit_.firms, exit_.include_affiliates, ref)
        for s in sources:
            if s.firm_id in leaving and changes[id(s)].capacity > 0:
                changes[id(s)].capacity = 0.0
                changes[id(s)].reasons.append({"measure": ref, "reason": leaving[s.firm_id]})
    for ref, outage, countries in steps.outages:
        for s in sources:
            if s.country in countries and changes[id(s)].capacity > 0:
                change = changes[id(s)]
                change.capacity = round(change.capacity * (1 - outage.share_lost), 6)
                when = f" for {outage.duration}" if outage.duration else ""
                change.reasons.append({"measure": ref, "reason": f"country outage {s.country} "
                                       f"({s.country_basis} country): {outage.share_lost:.0%} of capacity lost{when}"})
    return changes


def _source_row(s: Source, change: _Change) -> dict[str, Any]:
    return {"firm_id": s.firm_id, "firm": s.firm_name, "country": s.country, "country_basis": s.country_basis,
            "capacity_left": change.capacity, "reason": "; ".join(r["reason"] for r in change.reasons),
            "measure": "; ".join(r["measure"] for r in change.reasons), "dmfs": list(s.dmfs),
            "basis": s.basis, "evidence": list(s.evidence)}


def _substance(unii: str, sources: list[Source], changes: dict[int, _Change],
               apps: list[Application]) -> dict[str, Any]:
    api = [s for s in sources if s.kind == "api"]
    before = {id(s): 1.0 for s in api}
    after = {id(s): changes[id(s)].capacity for s in api}
    changed = [s for s in sources if changes[id(s)].reasons]
    remaining = [s for s in api if after[id(s)] > 0]
    by_class = Counter(a.product_class for a in apps)
    return {
        "unii": unii, "substance": sources[0].substance,
        "sources_before": len(api), "sources_after": len(remaining),
        "capacity_after": round(sum(after.values()), 4),
        "countries_before": _by_country(api, before), "countries_after": _by_country(api, after),
        "hhi_before": hhi(_by_country(api, before)), "hhi_after": hhi(_by_country(api, after)),
        "lost": [_source_row(s, changes[id(s)]) for s in changed if s.kind == "api" and after[id(s)] == 0],
        "reduced": [_source_row(s, changes[id(s)]) for s in changed if s.kind == "api" and after[id(s)] > 0],
        "intermediates_lost": [_source_row(s, changes[id(s)]) for s in changed if s.kind == "intermediate"],
        "remaining": [{"firm_id": s.firm_id, "firm": s.firm_name, "country": s.country,
                       "capacity_left": after[id(s)], "dmfs": list(s.dmfs)} for s in remaining],
        "applications": {"linked": len(apps), "by_class": dict(sorted(by_class.items())),
                         "appl_nos": [a.appl_no for a in apps]},
    }


def _tariffs(rules: list[TariffRule], by_unii: dict[str, list[Source]], apps: dict[str, list[Application]],
             changes: dict[int, _Change]) -> list[dict[str, Any]]:
    """Exposure per tariff rule, origin and product class: the sources still supplying from the origin (after
    the scenario's exclusions and outages) of substances used by applications of the class, and those
    applications."""
    rows = []
    for rule in rules:
        per_origin: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
        for unii, sources in by_unii.items():
            hit = [a.appl_no for a in apps.get(unii, ()) if a.product_class == rule.product_class]
            if not hit:
                continue
            for s in sources:
                if (s.kind != "api" or changes[id(s)].capacity == 0 or s.country in (None, "US")
                        or rule.rate_for(s.country) is None):
                    continue
                slot = per_origin[s.country]
                slot["sources"].add((unii, s.firm_id))
                slot["substances"].add(unii)
                slot["applications"].update(hit)
                slot["dmfs"].update(s.dmfs)
        for origin, slot in sorted(per_origin.items()):
            rate = rule.rate_for(origin)
            assert rate is not None
            rows.append({"measure": rule.ref, "origin": origin, "product_class": rule.product_class,
                         "rate": rate.rate, "rate_basis": rate.label, "verification": rate.verification,
                         "rate_sources": list(rate.sources), "sources": len(slot["sources"]),
                         "substances": len(slot["substances"]), "applications": len(slot["applications"]),
                         "dmfs": sorted(slot["dmfs"]), "import_value_usd": None})
    return rows


def _gains(affected: list[dict[str, Any]]) -> dict[str, Any]:
    """Remaining suppliers of the affected substances: by country (share before and after) and by firm."""
    countries: dict[str, dict[str, Any]] = defaultdict(lambda: {"substances": 0, "sources": 0.0, "share_gain": 0.0})
    firms: dict[str, dict[str, Any]] = {}
    for sub in affected:
        if not sub["lost"] and not sub["reduced"]:
            continue
        total_b, total_a = sum(sub["countries_before"].values()), sum(sub["countries_after"].values())
        for country, count in sub["countries_after"].items():
            row = countries[country]
            row["substances"] += 1
            row["sources"] += count
            share_b = sub["countries_before"].get(country, 0) / total_b if total_b else 0
            row["share_gain"] += count / total_a - share_b if total_a else 0
        for r in sub["remaining"]:
            firm = firms.setdefault(r["firm_id"], {"firm_id": r["firm_id"], "firm": r["firm"],
                                                   "country": r["country"], "substances": []})
            firm["substances"].append(sub["substance"])
    by_country = [{"country": c, "substances": v["substances"], "sources": round(v["sources"], 4),
                   "mean_share_gain": round(v["share_gain"] / v["substances"], 4)}
                  for c, v in countries.items()]
    by_firm = [{**f, "n_substances": len(f["substances"])} for f in firms.values()]
    return {"note": "shares are over counts of sources of the substances that lost sources",
            "by_country": sorted(by_country, key=lambda r: (-r["substances"], r["country"])),
            "by_firm": sorted(by_firm, key=lambda r: (-r["n_substances"], r["firm_id"]))}


def run(engine: Engine, scenario: Scenario, scope: str | None = None) -> dict[str, Any]:
    """Apply a scenario to the atlas's supply map (substances of the market scope, us_human_rx unless said);
    every change names its measure, reason and DMFs."""
    from rxatlas.supply.scope import in_scope, scope_note

    wanted = in_scope(engine, scope)
    eu27 = frozenset(engine.query("SELECT iso2 FROM core.country WHERE eu27").column("iso2").to_pylist())
    steps = plan(scenario, eu27)
    sources, table = load_sources(engine)
    apps = load_applications(engine, scenario.as_of)
    changes = _apply(engine, scenario, steps, sources)
    by_unii: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        by_unii[s.unii].append(s)
    subs = [_substance(u, ss, changes, apps.get(u, [])) for u, ss in sorted(by_unii.items())
            if (wanted is None or u in wanted)
            and (any(s.kind == "api" for s in ss) or any(changes[id(s)].reasons for s in ss))]
    affected = [s for s in subs if s["lost"] or s["reduced"] or s["intermediates_lost"]]
    hit = [s for s in subs if s["lost"] or s["reduced"]]
    return {
        "scenario": scenario.model_dump(mode="json"),
        **scope_note(scope),
        "data": {"sources_table": table, "listed_firms": LISTED_METHOD if steps.exclusions else None,
                 "note": COUNTS_NOTE},
        "summary": {
            "substances": sum(1 for s in subs if s["sources_before"]),
            "substances_losing_sources": len(hit),
            "sources_lost": sum(len(s["lost"]) for s in subs),
            "sources_reduced": sum(len(s["reduced"]) for s in subs),
            "intermediate_sources_lost": sum(len(s["intermediates_lost"]) for s in subs),
            "left_with_sources": {str(n): sum(1 for s in hit if s["sources_after"] == n) for n in (0, 1, 2)},
            "baseline_with_sources": {str(n): sum(1 for s in subs if s["sources_before"] == n) for n in (1, 2)},
            "applications_affected": len({a for s in hit for a in s["applications"]["appl_nos"]}),
        },
        "substances": affected,
        "tariffs": {"note": TARIFF_NOTE, "exposure": _tariffs(steps.tariffs, by_unii, apps, changes)},
        "gains": _gains(hit),
        "policies": steps.policies,
        "warnings": _as_of_notes(engine, scenario.as_of),
    }


def _as_of_notes(engine: Engine, as_of: date) -> list[str]:
    """A note when the scenario date lies outside the snapshots the atlas holds (the map is theirs)."""
    if not engine.exists("meta.files"):
        return []
    first, last = engine.query("SELECT min(snapshot) AS a, max(snapshot) AS b FROM meta.files").to_pylist()[0].values()
    if first is None or first <= as_of <= last:
        return []
    side = "before the oldest" if as_of < first else "after the newest"
    return [f"as_of {as_of} is {side} snapshot in the atlas ({first} to {last}): the supply map is that of the "
            "snapshots; the date only selects watch-list entries and approved applications"]
