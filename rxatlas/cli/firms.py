"""Commands over resolved firms: firm, firms, resolve."""

from __future__ import annotations

from typing import Annotated

import typer

from rxatlas.cli.app import DbOption, JsonOption, answer, app, emit_json, open_atlas, out, show_table, warn_stale


@app.command("firm")
def firm_cmd(
    name: Annotated[str, typer.Argument(help="A firm name as written anywhere (legal form and case do not matter).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the canonical firm behind a name: aliases, countries, facilities, DMFs, applications, evidence."""
    with open_atlas(db) as atlas:
        rows = atlas.firm(name).to_pylist()
        warn_stale(atlas.stale_sources(atlas.sources_behind({"core.firm_mention", "core.facility"})))
    candidates = [{k: r[k] for k in ("firm_id", "name", "match_score", "country_iso2", "aliases")}
                  for r in rows] if len(rows) != 1 else []
    payload = {"query": name, "match": "none" if not rows else "unique" if len(rows) == 1 else "ambiguous",
               "firm": rows[0] if len(rows) == 1 else None, "candidates": candidates}
    if as_json:
        emit_json(payload)
        return
    if not rows:
        out.print(f"no firm found for {name!r}")
        return
    if len(rows) > 1:
        show_table(candidates, title=f"{len(rows)} firms match {name!r}; ask again by a fuller name")
        return
    firm = rows[0]
    out.print(f"[bold]{firm['name']}[/bold] ({firm['firm_id']}) country {firm['country_iso2'] or 'unknown'}")
    out.print("aliases: " + "; ".join(firm["aliases"]))
    show_table([{k: v for k, v in f.items() if k != "address"} for f in firm["facilities"] or []],
               title="facilities")
    show_table([{k: s[k] for k in ("source", "role", "mentions", "method")} for s in firm["sources"] or []],
               title="sources")


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
