"""The shortages command: FDA shortages per substance, one row per presentation, and the table the substance
command shows them in."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from rxatlas.cli.app import DbOption, JsonOption, ScopeOption, answer, app, out, show_table


def recovery_text(estimate: dict[str, Any] | None) -> str:
    """A recovery estimate in a few words: its month(s) or day, TBD, or the phrase when it names no date."""
    if not estimate:
        return ""
    start, end = estimate["from"], estimate["to"]
    if start is None:
        return "TBD" if estimate["undetermined"] else estimate["phrase"]
    if start == end:
        text = start.isoformat()
    elif (start.year, start.month) == (end.year, end.month):
        text = f"{start:%b %Y}"
    else:
        text = f"{start:%b %Y}-{end:%b %Y}"
    return f"{text} (passed)" if estimate["passed"] else text


def show_shortages(rows: list[dict[str, Any]], title: str, substance: bool = False) -> None:
    """Print shortage presentations as a table (with their substance's name when substance is true)."""
    show_table([{**({"substance": r["substance"]} if substance else {}),
                 "status": r["status"], "presentation": r["presentation"], "company": r["company"],
                 "posted": r["first_posted"], "age (d)": r["age_days"], "availability": r["availability"],
                 "recovery": recovery_text(r["recovery"]), "reason": r["reason"],
                 "files": " + ".join(r["sources"])} for r in rows], title=title)


@app.command("shortages")
def shortages_cmd(
    critical: Annotated[bool, typer.Option(
        "--critical", help="Only substances on the EU Union list, a Japan category or an essential-medicines list."
    )] = False,
    scope: ScopeOption = "us_human_rx",
    since: Annotated[str | None, typer.Option(
        "--since", help="Only presentations posted or updated on or after this date (YYYY-MM-DD).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """FDA drug shortages per substance: one row per presentation (the openFDA and FDA database copies merged),
    with age, recovery estimate, criticality, API sources and market scope."""
    from rxatlas.supply.shortages import TABLES

    found = answer(db, TABLES, lambda atlas: atlas.shortages(critical, scope, since), as_json)
    if found is None:
        return
    totals = found["totals"]
    out.print(f"{totals['presentations']:,} presentations of {totals['substances']:,} substances in FDA shortage "
              f"files as of {found['as_of']}: {totals['current']:,} current (and "
              f"{totals['current_only_in_older_file']:,} current only in the older file), "
              f"{totals['to_be_discontinued']:,} to be "
              f"discontinued, {totals['resolved']:,} resolved; {totals['recovery_dated']:,} with a dated recovery "
              "estimate")
    show_table([{"substance": s["substance"], "presentations": s["presentations"], "current": s["current"],
                 "EU list": "yes" if s["criticality"]["eu_union_list"] else "",
                 "JP cat.": s["criticality"]["jp_category"] or "",
                 "EML countries": s["criticality"]["essential_medicine_countries"] or "",
                 "API sources": s["n_sources"],
                 "main countries": ", ".join(f"{c['country']} {c['sources']}" for c in s["main_countries"]),
                 "scope": s["market_scope"]} for s in found["substances"]],
               title="substances with shortages (API sources: counts of qualified sources, not volumes)")
    show_shortages([{**r, "substance": ", ".join(s["substance"] for s in r["substances"])}
                    for r in found["presentations"]],
                   "presentations, each once (--json gives every posting, its file copies and the recovery phrase)",
                   substance=True)
    out.print("[dim]files: " + escape("; ".join(f"{f['file']} ({f['source']}, {f['snapshot']}, {f['records']:,} "
                                                 "records)" for f in found["snapshots"])) + "[/dim]")
    out.print(f"[dim]scope: {escape(found['scope_note'])}"
              + (f"; filters: {escape('; '.join(found['filters']))}" if found["filters"] else "") + "[/dim]")
    for limit in found["limits"]:
        out.print(f"[dim]limit: {escape(limit)}[/dim]")
