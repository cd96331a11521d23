"""Commands over resolved firms: firm, firms, resolve."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from rxatlas.cli.app import DbOption, JsonOption, answer, app, emit_json, open_atlas, out, show_table, warn_stale


def _show_firm(found: dict[str, Any]) -> None:
    firm = found["firm"]
    out.print(f"[bold]{escape(firm['name'])}[/bold] ({firm['firm_id']}) country {firm['country_iso2'] or 'unknown'}")
    out.print("aliases: " + escape("; ".join(firm["aliases"])))
    show_table([{k: v for k, v in f.items() if k != "address"} for f in firm["facilities"] or []],
               title="facilities")
    show_table([{k: s[k] for k in ("source", "role", "mentions", "method")} for s in firm["sources"] or []],
               title="sources")
    substances = found["substances"]
    out.print(f"{len(substances)} substances it is a qualified API source of, "
              f"{sum(s['shortage_status'] == 'current' for s in substances)} in current shortage:")
    if substances:
        show_table([{"substance": s["substance"], "scope": s["market_scope"], "from": s["source_country"],
                     "DMFs": ", ".join(map(str, s["dmfs"])), "sources": s["n_sources"],
                     "shortage": s["shortage_status"], "updated": s["shortage_updated"]} for s in substances])
    out.print(f"{len(found['applications'])} finished-dose applications (--json lists them)")
    signals = found["quality_signals"]
    unsited = sum(not s["sites"] for s in signals["signals"])
    out.print(f"{len(signals['signals'])} human-drug quality signals, {unsited} of them tied to no registered site; "
              "by site (FEI):")
    if signals["by_site"]:
        show_table(signals["by_site"])
    for note in found["limits"] + signals["limits"]:
        out.print(f"[dim]note: {escape(note)}[/dim]")


@app.command("firm")
def firm_cmd(
    name: Annotated[str, typer.Argument(help="A firm name as written anywhere (legal form and case do not matter).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the canonical firm behind a name: aliases, countries, facilities, evidence, the substances it is an API
    source of with their shortage status, its applications, and quality signals by site."""
    from rxatlas.supply.firm import TABLES

    found = answer(db, TABLES, lambda atlas: atlas.firm_answer(name), as_json)
    if found is None:
        return
    if found["match"] == "none":
        out.print(f"no firm found for {name!r}")
    elif found["match"] == "ambiguous":
        show_table(found["candidates"], title=f"{len(found['candidates'])} firms match {name!r}; ask again by a "
                                              "fuller name")
    else:
        _show_firm(found)


@app.command("firms")
def firms_cmd(
    source: Annotated[str, typer.Option("--source", help="dmf, decrs, drugsfda, shortages, compliance, ...")] = "dmf",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every firm name of a source with its canonical firm, country, site countries and method."""
    rows = answer(db, {"core.firm_mention", "core.dmf_holder"}, lambda atlas: atlas.firms(source).to_pylist(),
                  as_json)
    if rows is not None:
        show_table(rows, title=f"firms of {source}")


@app.command("resolve")
def resolve_cmd(
    report: Annotated[bool, typer.Option("--report", help="Report link coverage per source and role.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Report how firm mentions were resolved: coverage, methods and scores per source and role."""
    if not report:
        raise typer.BadParameter("resolution runs during `rxatlas build`; use --report to see its outcome")
    with open_atlas(db) as atlas:
        payload = {"roles": atlas.resolve_report().to_pylist(), "overrides": atlas.overrides().to_pylist()}
        stale = atlas.stale_sources(atlas.sources_behind({"core.firm_mention", "core.dmf_holder"}))
    if as_json:
        emit_json(payload)
    else:
        show_table(payload["roles"], title="firm resolution by source and role",
                   columns=["source", "role", "mentions", "identifier", "exact_key", "splink", "override",
                            "unresolved", "coverage"])
        show_table(payload["overrides"], title="analyst overrides of DMF holders (RXATLAS_OVERRIDES)",
                   columns=["holder", "action", "country", "firm", "who", "decided_on", "status"])
    warn_stale(stale)
