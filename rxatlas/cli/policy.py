"""Commands over the policy knowledge base and scenarios: policy list|show, scenario run|compare."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rxatlas.cli.app import (
    DbOption,
    JsonOption,
    ScopeOption,
    app,
    emit_json,
    open_atlas,
    out,
    show_table,
    warn,
    warn_stale,
)

if TYPE_CHECKING:
    from rxatlas.atlas import Atlas

policy_app = typer.Typer(help="The sourced policy knowledge base (tariffs, bans, lists, pricing).",
                         no_args_is_help=True)
scenario_app = typer.Typer(help="What-if scenarios applied to the supply map.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
app.add_typer(scenario_app, name="scenario")
ScenarioArg = Annotated[str, typer.Argument(help="A scenario YAML file (see examples/), or `baseline`.")]


@policy_app.command("list")
def policy_list_cmd(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date for the in_force column (default today).")] = None,
    as_json: JsonOption = False,
) -> None:
    """List every measure of the knowledge base with status, verification, dates and effect."""
    from rxatlas.errors import InputError
    from rxatlas.policy import policy_rows

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise InputError(f"--as-of {as_of!r} is not a date; write it as YYYY-MM-DD") from exc
    rows = policy_rows(day)
    if as_json:
        emit_json(rows)
        return
    show_table(rows, title="policy knowledge base",
               columns=["id", "jurisdiction", "status", "verification", "announced", "effective", "effect",
                        "in_force"])


@policy_app.command("show")
def policy_show_cmd(policy_id: Annotated[str, typer.Argument(help="A policy id (see `rxatlas policy list`).")],
                    as_json: JsonOption = False) -> None:
    """Show one measure: dates, scope, parameters, events, unverified claims and sources."""
    from rxatlas.policy import get_policy, policy_answer

    policy = get_policy(policy_id)
    payload = policy_answer(policy)
    if as_json:
        emit_json(payload)
        return
    out.print(f"[bold]{policy.title}[/bold] ({policy.id}) {policy.jurisdiction}, {policy.instrument}")
    out.print(f"status {policy.status}; verification {policy.verification}; effect {policy.effect}")
    out.print(policy.summary)
    if policy.tariff:
        show_table([{"countries": ", ".join(c.countries), "rate": c.rate, "label": c.label,
                     "verification": c.verification} for c in policy.tariff.caps]
                   + [{"countries": "all others", "rate": policy.tariff.base_rate, "label": "base rate",
                       "verification": policy.verification}], title="tariff rates")
    show_table([e.model_dump(mode="json") for e in policy.events], title="events")
    for claim in policy.unverified:
        out.print(f"[yellow]unverified:[/yellow] {claim}")
    show_table([s.model_dump(mode="json") for s in policy.sources], title="sources")


def _run(atlas: Atlas, file: str, scope: str | None = None) -> dict[str, Any]:
    from rxatlas.scenario import load_scenario

    return atlas.scenario(load_scenario(file), scope)


def _warn(atlas: Atlas) -> None:
    from rxatlas.scenario.engine import TABLES

    tables = {t for t in TABLES | {"core.api_source"} if atlas.engine.exists(t)}
    warn_stale(atlas.stale_sources(atlas.sources_behind(tables)))


@scenario_app.command("run")
def scenario_run_cmd(file: ScenarioArg, scope: ScopeOption = "us_human_rx", db: DbOption = None,
                     as_json: JsonOption = False) -> None:
    """Apply a scenario: sources lost per substance, HHI before and after, tariff exposure, who gains."""
    with open_atlas(db) as atlas:
        result = _run(atlas, file, scope)
        _warn(atlas)
    warn(result["warnings"])
    if as_json:
        emit_json(result)
        return
    summary = result["summary"]
    out.print(f"[bold]{result['scenario']['name']}[/bold] as of {result['scenario']['as_of']}: "
              f"{summary['substances_losing_sources']} of {summary['substances']} substances (scope "
              f"{result['scope']}) lose sources; "
              f"left with 0/1/2 sources: {summary['left_with_sources']}")
    show_table([{k: s[k] for k in ("substance", "sources_before", "sources_after", "hhi_before", "hhi_after")}
                | {"lost": len(s["lost"]), "intermediates_lost": len(s["intermediates_lost"])}
                for s in sorted(result["substances"], key=lambda s: (s["sources_after"], s["substance"]))[:40]],
               title="substances losing sources (fewest left first, 40 shown; --json for all)")
    show_table([{k: t[k] for k in ("measure", "origin", "product_class", "rate", "sources", "applications")}
                for t in result["tariffs"]["exposure"][:40]], title="tariff exposure (counts, no trade values)")
    show_table(result["gains"]["by_country"][:15], title="remaining suppliers of affected substances by country")
    out.print(result["data"]["note"])


@scenario_app.command("compare")
def scenario_compare_cmd(a: ScenarioArg, b: ScenarioArg, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Compare two scenarios (B may be `baseline`) substance by substance."""
    from rxatlas.scenario import compare

    with open_atlas(db) as atlas:
        result = compare(_run(atlas, a), _run(atlas, b))
        _warn(atlas)
    if as_json:
        emit_json(result)
        return
    out.print(f"{result['a']} vs {result['b']}: {result['summary']['substances_differing']} substances differ")
    show_table([{k: r[k] for k in ("substance", "sources_before", "sources_after_a", "sources_after_b",
                                   "hhi_after_a", "hhi_after_b")} for r in result["substances"][:50]],
               title="per-substance differences (largest first, 50 shown; --json for all)")
