"""Commands over supply risk: risk (a portfolio or the whole atlas) and opportunities (for a home country)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from rxatlas.cli.app import (
    DbOption,
    JsonOption,
    ScopeOption,
    app,
    emit_json,
    open_atlas,
    out,
    show_table,
    warn_stale,
)

if TYPE_CHECKING:
    from rxatlas.atlas import Atlas


def _quiet(atlas: Atlas) -> None:
    """Keep DuckDB's progress bar out of the output (it would break --json)."""
    atlas.engine.execute("SET enable_progress_bar = false")


@app.command("risk")
def risk_cmd(
    portfolio: Annotated[Path | None, typer.Option(
        "--portfolio", help="CSV or Excel file of substances, UNIIs, application numbers or NDCs.")] = None,
    top: Annotated[int, typer.Option("--top", help="How many top risks to list.")] = 10,
    scope: ScopeOption = "us_human_rx",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Score the supply vulnerability of a portfolio (or every substance), with row-level file feedback."""
    from rxatlas.supply.risk import RISK_TABLES, risk

    with open_atlas(db) as atlas:
        _quiet(atlas)
        answer = risk(atlas.engine, portfolio, top, scope)
        warn_stale(atlas.stale_sources(atlas.sources_behind(RISK_TABLES)))
    if as_json:
        emit_json(answer)
        return
    feedback = answer["portfolio"]
    if feedback:
        for message in feedback["file_messages"]:
            out.print(f"[yellow]file:[/yellow] {escape(message)}")
        show_table([{"line": e["line"], "value": e["value"], "kind": e["kind"], "status": e["status"],
                     "substance": ", ".join(e["substances"]), "message": "; ".join(e["messages"])}
                    for e in feedback["entries"] if e["status"] != "ok" or len(e["messages"]) > 1],
                   title=f"{feedback['resolved']} of {feedback['rows']} rows resolved; rows needing attention")
    show_table([{k: v for k, v in answer["aggregates"].items() if k != "basis"}], title="portfolio")
    out.print(f"[dim]{escape(answer['aggregates']['basis'])}[/dim]")
    show_table(answer["top_risks"], title="top risks (score 0-100; points per component add up to the score)")
    out.print(f"[dim]scope: {escape(answer['scope_note'])}[/dim]")


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

    with open_atlas(db) as atlas:
        _quiet(atlas)
        answer = opportunities(atlas.engine, home, limit, scope)
        warn_stale(atlas.stale_sources(atlas.sources_behind(RISK_TABLES)))
    if as_json:
        emit_json(answer)
        return
    out.print(f"{answer['candidates']} substances (scope {answer['scope']}) with concentrated or vulnerable US "
              f"supply; {answer['home']} "
              f"has capability in {answer['with_home_capability']}, white space in {answer['white_space']}")
    show_table([{"rank": r["rank"], "substance": r["substance"], "score": r["score"], "sources": r["n_sources"],
                 "HHI": r["hhi"], f"{answer['home']}": r["home_capability"],
                 "home firms": ", ".join(s["firm"] for s in r["home_sources"])} for r in answer["opportunities"]],
               title=f"opportunities for {answer['home']} ({answer['basis']})")
