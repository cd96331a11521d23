"""Commands over the supply map: substance, headline."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from rxatlas.cli.app import DbOption, JsonOption, ScopeOption, answer, app, out, show_table
from rxatlas.cli.shortages import show_shortages


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _show_marketers(holders: list[dict[str, Any]]) -> None:
    marketed = [h for h in holders if h["marketed"]]
    if not marketed:
        if holders:
            out.print(f"none of its {len(holders)} finished-dose applications has a product on the market now")
        return
    show_table([{"holder": h["sponsor"], "country": h["sponsor_country"], "type": f"{h['appl_type']} {h['appl_no']}",
                 "product": ", ".join(h["drug_names"]),
                 "forms;routes": f"{' / '.join(h['dosage_forms'])};{' / '.join(h['routes'])}",
                 "status": ", ".join(h["marketing_status"])} for h in marketed],
               title=f"who markets it: {len(marketed)} of {len(holders)} finished-dose applications with a product "
                     "on the market (prescription or OTC); --json lists them all")


def _show_substance(answer: dict[str, Any]) -> None:
    m = answer["metrics"]
    out.print(f"[bold]{escape(answer['substance'])}[/bold] (UNII {answer['unii']}; matched by "
              f"{escape(answer['matched_by'])})")
    if m:
        out.print(f"{m['n_sources']} qualified API sources in {m['n_countries']} countries; HHI by country "
                  f"{m['hhi']:,.0f} ({m['hhi_band']}); China {_pct(m['china_share'])}, India "
                  f"{_pct(m['india_share'])}" if m["hhi"] is not None else
                  f"{m['n_sources']} qualified API sources, none of known country")
    else:
        out.print("no qualified API source in the atlas")
    out.print(f"market scope: {answer['market_scope']}, confidence {answer['market_scope_confidence']} "
              f"({escape(answer['market_scope_evidence'])})")
    show_table([{"firm": s["firm"], "country": s["country"], "basis": s["country_basis"],
                 "kind": s["source_kind"], "DMFs": ", ".join(map(str, s["dmf"])), "forms": ", ".join(s["forms"])}
                for s in answer["api_sources"]],
               title="API sources (counts of distinct sources, not volumes)")
    if answer["excluded_sources"]:
        show_table([{k: e[k] for k in ("firm", "category", "evidence_id", "text")} for e in answer["excluded_sources"]],
                   title="evidence not counted as API sources (--json gives each reason)")
    if answer["biologic_licences"] and not answer["api_sources"]:
        show_table([{"BLA": b["bla_no"], "holder": b["applicant"], "type": b["bla_type"],
                     "registered sites": len(b["registered_sites"] or [])} for b in answer["biologic_licences"]],
                   title="licences of the biologic (Purple Book) and the holders' registered sites (DECRS)")
    show_table([{**c, "share": _pct(c["share"])} for c in answer["country_shares"]], title="share by country")
    if answer["intermediates"] or answer["combinations"]:
        show_table([{"dmf": r["dmf"], "holder": r["holder"], "subject": r["subject"]}
                    for r in answer["intermediates"] + answer["combinations"]],
                   title="intermediates and combinations (listed apart, not counted)")
    holders = answer["finished_dose_holders"]
    _show_marketers(holders)
    if answer["shortages"]:
        show_shortages(answer["shortages"], "FDA shortages, one row per presentation (rxatlas shortages)")
    out.print(f"{len(holders)} finished-dose applications; {len(answer['shortages'])} presentations in FDA shortage "
              f"files; {len(answer['quality_signals'])} quality signals")
    for note in answer["notes"]:
        out.print(f"[dim]note: {escape(note)}[/dim]")


@app.command("substance")
def substance_cmd(
    name: Annotated[str, typer.Argument(help="A substance name, salt, brand-like name or UNII.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show where a substance is made: API sources by country, concentration, applications, shortages, signals."""
    from rxatlas.supply.substance import TABLES

    found = answer(db, TABLES, lambda atlas: atlas.substance(name), as_json)
    if found is None:
        return
    if found["match"] == "unique":
        _show_substance(found)
    elif found["candidates"]:
        show_table(found["candidates"], title=f"{len(found['candidates'])} substances match {name!r}; "
                                              "ask again by one of these names or its UNII")
    else:
        out.print(f"no substance found for {name!r}; try the ingredient name or a UNII")


@app.command("substances")
def substances_cmd(
    source: Annotated[str, typer.Option("--source", help="dmf (every active Type II DMF) or bulk (bulk listings).")]
    = "dmf",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every DMF subject (or bulk listing) with its kind (api, formulation, finished_form, ...), substance
    and the reason."""
    rows = answer(db, {"core.source_evidence", "core.dmf_substance"},
                  lambda atlas: atlas.substances(source).to_pylist(), as_json)
    if rows is None:
        return
    columns = ["dmf", "subject", "kind", "substance", "unii", "reason"] if source == "dmf" else \
        ["product_ndc", "labeler", "kind", "substance", "unii", "reason"]
    show_table(rows, title=f"{len(rows):,} {source} rows by kind", columns=columns)


@app.command("headline")
def headline_cmd(scope: ScopeOption = "us_human_rx", db: DbOption = None, as_json: JsonOption = False) -> None:
    """Print atlas-wide figures (DMFs by holder country, single-source substances) beside published anchors."""
    from rxatlas.supply.headline import TABLES, headline

    figures = answer(db, TABLES, lambda atlas: headline(atlas.engine, scope), as_json)
    if figures is None:
        return
    titles = {"active_type_ii_by_holder_country": "active Type II DMFs by holder country",
              "type_ii_filed_2023_by_holder_country": "Type II DMFs submitted in 2023 by holder country"}
    for key, title in titles.items():
        fig = figures[key]
        show_table([{"group": r["group"], "DMFs": r["dmfs"], "share": _pct(r["share"]),
                     "share of known": _pct(r["share_of_known"]), "anchor": _pct(r["anchor"])}
                    for r in fig["rows"]], title=f"{title} (anchor: {fig['anchor_source']})")
    single = figures["single_source_substances"]
    out.print(f"{single['single_source']:,} of {single['substances']:,} substances (scope {single['scope']}) "
              f"({_pct(single['single_source_share'])}) have a single qualified source; "
              f"{_pct(single['single_country_share'])} a single country. Anchor: {single['anchor']['value']} "
              f"({single['anchor']['source']})")
    if single["scope_inferred"]:
        out.print(f"[dim]{single['scope_inferred']:,} of these substances ({single['single_source_scope_inferred']:,}"
                  " of the single-source ones) are in the scope by inference from recent DMFs, not by a US product "
                  "record (market_scope_confidence low)[/dim]")
    for note in figures["notes"]:
        out.print(f"[dim]note: {escape(note)}[/dim]")
