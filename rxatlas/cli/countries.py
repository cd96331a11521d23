"""Commands over countries: countries, country."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from rxatlas.cli.app import DbOption, JsonOption, ScopeOption, answer, app, out, show_table

SHOWN = 20


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _sources(part: dict[str, Any]) -> None:
    files = "; ".join(f"{f['source']} {f['file']} ({f['snapshot']})" for f in part["sources"])
    out.print(f"[dim]sources: {escape(files)}[/dim]")


def _show_country(found: dict[str, Any]) -> None:
    country, share, dmfs, signals = found["country"], found["api_share"], found["dmfs"], found["quality_signals"]
    code = country["iso2"]
    out.print(f"[bold]{escape(country['name'])}[/bold] ({code}), scope {found['scope']}")
    out.print(f"{found['api_facilities']:,} registered API sites of {found['facilities']:,} registered sites")
    _sources(found["api_sites"])
    out.print(f"{share['sources_here']:,} of {share['sources_known_country']:,} qualified API sources of known "
              f"country ({_pct(share['share'])}), for {found['substances_with_sources']:,} substances, "
              f"{found['substances_only_here']:,} of them sourced only here")
    _sources(share)
    show_table([{"substance": s["substance"] + (" (scope inferred)" if s["market_scope_confidence"] == "low" else ""),
                 "sources here": s["sources_here"], "all sources": s["n_sources"],
                 "share": _pct(s["share"]), "single country": "yes" if s["single_country"] else ""}
                for s in found["substances"][:SHOWN]],
               title=f"the {min(SHOWN, len(found['substances']))} substances most dependent on {code} "
                     "(--json lists them all)")
    out.print(f"{dmfs['active_type_ii']:,} active Type II DMFs of holders in {code}; by year submitted, 2015 on "
              "(--json has every year):")
    show_table([{"year": r["year"], "DMFs": r["dmfs"]} for r in dmfs["by_year"] if r["year"] and r["year"] >= 2015])
    _sources(dmfs)
    out.print(f"human-drug quality signals in {code}, by how each was joined to a registered site:")
    show_table([{"signal": j["event_type"], **{k: j[k] for k in ("fei", "firm name", "not joined")}}
                for j in signals["joined"]])
    show_table([{"date": s["event_date"], "signal": s["event_type"], "firm": s["firm_name"],
                 "joined by": s["joined_by"], "sites (FEI)": ", ".join(site["fei"] for site in s["sites"] or [])}
                for s in signals["signals"][:SHOWN]], title=f"the {SHOWN} latest signals (--json lists them all)")
    _sources(signals)
    for note in found["notes"] + share["limits"][1:] + dmfs["limits"] + signals["limits"]:
        out.print(f"[dim]note: {escape(note)}[/dim]")


@app.command("country")
def country_cmd(
    iso2: Annotated[str, typer.Argument(help="ISO 3166 alpha-2 code of the country, e.g. CN or IN.")],
    scope: ScopeOption = "us_human_rx",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show what US supply depends on a country for: API sites, DMFs by year, share of API sources, the most
    dependent substances, and FDA quality signals at its sites by year with how each was joined."""
    from rxatlas.supply.country import TABLES

    found = answer(db, TABLES, lambda atlas: atlas.country(iso2, scope), as_json)
    if found is not None:
        _show_country(found)


@app.command("countries")
def countries_cmd(scope: ScopeOption = "us_human_rx", db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the countries with qualified API sources of US supply: substances, sources and firms in each."""
    from rxatlas.supply.country import TABLES

    rows = answer(db, TABLES, lambda atlas: atlas.countries(scope), as_json)
    if rows is not None:
        show_table(rows, title=f"countries with API sources (scope {scope}; counts of sources, not volumes)",
                   columns=["iso2", "name", "substances", "sources", "firms"])
