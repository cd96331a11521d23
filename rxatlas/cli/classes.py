"""The classes command: substances rolled up by ATC therapeutic class, with sources, concentration and shortages."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from rxatlas.cli.app import DbOption, JsonOption, ScopeOption, answer, app, out, show_table

SYSTEM_LABELS = {"fda_epc": "FDA EPC", "unclassified": "none"}


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


@app.command("classes")
def classes_cmd(
    level: Annotated[int, typer.Option("--level", min=1, max=4, help="ATC level: 1 (anatomical main group), 2, 3 "
                                                                      "(default) or 4.")] = 3,
    scope: ScopeOption = "us_human_rx",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Roll substances up by ATC therapeutic class: per class the substances, qualified API sources, single-source
    share, median HHI, top countries and current shortages; unclassified substances are counted, never dropped."""
    from rxatlas.supply.classes import TABLES

    found = answer(db, TABLES, lambda atlas: atlas.classes(level, scope), as_json)
    if found is None:
        return
    cover = found["coverage"]
    out.print(f"{found['substances']:,} substances (scope {found['scope']}): {cover['atc']:,} with an ATC code, "
              f"{cover['fda_epc']:,} with an FDA pharmacologic class only, {cover['unclassified']:,} unclassified; "
              f"{cover['substances_in_several_classes']:,} count in several classes")
    show_table([{"class": SYSTEM_LABELS.get(r["system"], r["code"]), "name": r["name_en"] or "",
                 "substances": r["substances"],
                 "with sources": r["with_sources"], "API sources": r["api_sources"],
                 "single source": _pct(r["single_source_share"]),
                 "median HHI": "" if r["median_hhi"] is None else f"{r['median_hhi']:,.0f}",
                 "top countries": ", ".join(f"{c['country']} {_pct(c['share'])}" for c in r["top_countries"]),
                 "current shortages": r["current_shortages"]} for r in found["rows"]],
               title=f"ATC level {found['level']} classes (API sources: distinct firms, counts not volumes)")
    for note in found["limits"] + found["notes"]:
        out.print(f"[dim]note: {escape(note)}[/dim]")
