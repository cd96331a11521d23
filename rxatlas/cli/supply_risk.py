"""Commands over supply risk: risk (a portfolio or the whole atlas) and opportunities (for a home country)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from rxatlas.cli.app import DbOption, EncodingOption, JsonOption, ScopeOption, answer, app, out, show_table


@app.command("risk")
def risk_cmd(
    portfolio: Annotated[Path | None, typer.Option(
        "--portfolio", help="CSV or Excel file of substances, UNIIs, application numbers or NDCs.")] = None,
    top: Annotated[int, typer.Option("--top", help="How many top risks to list.")] = 10,
    scope: ScopeOption = "us_human_rx",
    single_source: Annotated[bool, typer.Option("--single-source", help="Only substances with one source.")] = False,
    single_country: Annotated[bool, typer.Option(
        "--single-country", help="Only substances whose sources are all in one country.")] = False,
    critical: Annotated[bool, typer.Option(
        "--critical", help="Only substances on the EU Union list, a Japan category or an essential-medicines list."
    )] = False,
    country: Annotated[str | None, typer.Option(
        "--country", help="Only substances dependent on this country (ISO alpha-2), see --min-share.")] = None,
    min_share: Annotated[float, typer.Option(
        "--min-share", min=0.0, max=1.0, help="With --country: its least share of the sources.")] = 0.5,
    encoding: EncodingOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score the supply vulnerability of a portfolio (or every substance), with row-level file feedback."""
    from rxatlas.supply.risk import RISK_TABLES, Filters, risk

    filters = Filters(single_source, single_country, critical, country.strip().upper() if country else None,
                      min_share)
    result = answer(db, RISK_TABLES, lambda atlas: risk(atlas.engine, portfolio, top, scope, encoding, filters),
                    as_json)
    if result is None:
        return
    feedback = result["portfolio"]
    if feedback:
        for message in feedback["file_messages"]:
            out.print(f"[yellow]file:[/yellow] {escape(message)}")
        show_table([{"line": e["line"], "value": e["value"], "kind": e["kind"], "status": e["status"],
                     "substance": ", ".join(e["substances"]), "message": "; ".join(e["messages"])}
                    for e in feedback["entries"] if e["status"] != "ok" or len(e["messages"]) > 1],
                   title=f"{feedback['resolved']} of {feedback['rows']} rows resolved; rows needing attention")
    show_table([{k: v for k, v in result["aggregates"].items() if k != "basis"}], title="portfolio")
    out.print(f"[dim]{escape(result['aggregates']['basis'])}[/dim]")
    show_table(result["top_risks"], title="top risks (score 0-100; points per component add up to the score)")
    out.print(f"[dim]scope: {escape(result['scope_note'])}"
              + (f"; filters: {escape('; '.join(result['filters']))}" if result["filters"] else "") + "[/dim]")


@app.command("opportunities")
def opportunities_cmd(
    home: Annotated[str, typer.Option("--home", help="Home country, ISO 3166 alpha-2.")] = "KR",
    limit: Annotated[int, typer.Option("--limit", help="How many ranked substances to list.")] = 50,
    scope: ScopeOption = "us_human_rx",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank substances with concentrated or vulnerable US supply and say where the home country stands."""
    from rxatlas.supply.opportunities import opportunities
    from rxatlas.supply.risk import RISK_TABLES

    result = answer(db, RISK_TABLES, lambda atlas: opportunities(atlas.engine, home, limit, scope), as_json)
    if result is None:
        return
    out.print(f"{result['candidates']} substances (scope {result['scope']}) with concentrated or vulnerable US "
              f"supply; {result['home']} "
              f"has capability in {result['with_home_capability']}, white space in {result['white_space']}")
    show_table([{"rank": r["rank"], "substance": r["substance"], "score": r["score"], "sources": r["n_sources"],
                 "shortage": r["shortage_status"] or "",
                 "HHI": r["hhi"], f"{result['home']}": r["home_capability"],
                 "home firms": ", ".join(s["firm"] for s in r["home_sources"])} for r in result["opportunities"]],
               title=f"opportunities for {result['home']} ({result['basis']})")
