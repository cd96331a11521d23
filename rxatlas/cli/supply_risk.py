"""Commands over supply risk: risk (a portfolio or the whole atlas) and opportunities (for a home country)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from rxatlas.cli.app import DbOption, EncodingOption, JsonOption, ScopeOption, answer, app, out, show_table

INFERRED = ("(scope inferred): in the scope by inference from recent DMFs, not by a US product record "
            "(market_scope_confidence low)")


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
    from rxatlas.supply.risk import RISK_TABLES, Filters

    filters = Filters(single_source, single_country, critical, country.strip().upper() if country else None,
                      min_share)
    result = answer(db, RISK_TABLES, lambda atlas: atlas.risk(portfolio, top, scope, encoding, filters), as_json)
    if result is None:
        return
    feedback = result["portfolio"]
    if feedback:
        for message in feedback["file_messages"]:
            out.print(f"[yellow]file:[/yellow] {escape(message)}")
        attention = [{"line": e["line"], "value": e["value"], "kind": e["kind"], "status": e["status"],
                      "substance": ", ".join(e["substances"]), "message": "; ".join(e["messages"])}
                     for e in feedback["entries"] if e["status"] != "ok" or len(e["messages"]) > 1]
        if attention:
            show_table(attention, title=f"{feedback['resolved']} of {feedback['rows']} rows resolved; rows needing "
                                        "attention")
        else:
            out.print(f"all {feedback['rows']} rows of the portfolio resolved")
    agg = result["aggregates"]
    kept = f" ({'; '.join(result['filters'])})" if result["filters"] else ""
    out.print(f"{agg['substances']:,} substances{escape(kept)}: {_pct(agg['share_single_source'])} single-source, "
              f"{_pct(agg['share_single_country'])} single-country, {_pct(agg['share_china_dependent'])} "
              f"China-dependent, {_pct(agg['share_india_dependent'])} India-dependent (of the "
              f"{agg['with_known_sources']:,} with known sources); mean vulnerability {agg['mean_vulnerability']}")
    by_unii = {s["unii"]: s for s in result["substances"]}
    show_table([_risk_row(r, by_unii[r["unii"]]) for r in result["top_risks"]],
               title=f"top {len(result['top_risks'])} by vulnerability (0-100; --json gives every component and "
                     "the explanation)")
    out.print(f"[dim]{escape(agg['basis'])}; scope: {escape(result['scope_note'])}; {INFERRED}[/dim]")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _countries(shares: list[dict[str, Any]], most: int = 4) -> str:
    text = ", ".join(f"{c['country'] or '?'} {c['share']:.0%}" for c in shares[:most])
    return text + (f" (+{len(shares) - most} more)" if len(shares) > most else "")


def _risk_row(top: dict[str, Any], substance: dict[str, Any]) -> dict[str, Any]:
    """One line of the top-risks table: the score, the sources and their countries, and the top components."""
    metrics = substance["metrics"] or {}
    parts = sorted(substance["vulnerability"]["components"], key=lambda c: -c["points"])
    inferred = metrics.get("market_scope_confidence") == "low"
    return {"substance": top["substance"] + (" (scope inferred)" if inferred else ""), "score": top["score"],
            "sources": metrics.get("n_sources", 0),
            "countries": _countries(metrics.get("country_shares") or []),
            "main components": "; ".join(f"{c['component']} {c['points']:g}" for c in parts[:3] if c["points"])}


@app.command("opportunities")
def opportunities_cmd(
    home: Annotated[str, typer.Option("--home", help="Home country, ISO 3166 alpha-2.")] = "KR",
    limit: Annotated[int, typer.Option("--limit", help="How many ranked substances to list.")] = 50,
    scope: ScopeOption = "us_human_rx",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank substances with concentrated or vulnerable US supply and say where the home country stands."""
    from rxatlas.supply.risk import RISK_TABLES

    result = answer(db, RISK_TABLES, lambda atlas: atlas.opportunities(home, limit, scope), as_json)
    if result is None:
        return
    out.print(f"{result['candidates']} substances (scope {result['scope']}) with concentrated or vulnerable US "
              f"supply; {result['home']} "
              f"has capability in {result['with_home_capability']}, white space in {result['white_space']}")
    show_table([{"rank": r["rank"], "substance": r["substance"] + (" (scope inferred)" if
                                                                  r["market_scope_confidence"] == "low" else ""),
                 "score": r["score"], "sources": r["n_sources"],
                 "shortage": r["shortage_status"] or "",
                 "HHI": "" if r["hhi"] is None else f"{r['hhi']:,.0f}", f"{result['home']}": r["home_capability"],
                 "home firms": ", ".join(s["firm"] for s in r["home_sources"])} for r in result["opportunities"]],
               title=f"opportunities for {result['home']} ({result['basis']})")
    out.print(f"[dim]{INFERRED}[/dim]")
