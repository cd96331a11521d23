"""Commands over US approvals by sponsor country and the Korean firm register: approvals, korean-firms."""

from __future__ import annotations

from typing import Annotated

import typer

from rxatlas.cli.app import DbOption, JsonOption, app, emit_json, open_atlas, out, show_table, warn_stale

COLUMNS = ["application", "type", "sponsor", "product", "approval_date", "marketing_status", "origin"]


@app.command("approvals")
def approvals_cmd(
    country: Annotated[str | None, typer.Option("--country", help="ISO code or name, e.g. KR; "
                                                 "without it: counts per country and coverage.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """US approvals (NDA, ANDA, BLA, biosimilar) by sponsor country, with partner cases and a timeline."""
    from rxatlas.approvals.query import TABLES

    with open_atlas(db) as atlas:
        warn_stale(atlas.stale_sources(atlas.sources_behind(TABLES)))
        view = atlas.approvals(country)
    if country is None:
        if as_json:
            emit_json(view)
            return
        show_table(view["coverage"], title="sponsor-country coverage")
        show_table(view["countries"], title="US applications by sponsor country")
        return
    if as_json:
        emit_json(view)
        return
    rows = [{**a, "missing": "; ".join(m.split(":")[0] for m in a["missing"])} for a in view["applications"]]
    show_table(rows, title=f"US applications from {view['name']} ({view['country']})",
               columns=[*COLUMNS, "missing"])
    if view["tentative"]:
        show_table(view["tentative"], title="tentative approvals (not counted: approvable, not yet approved)",
                   columns=["application", "type", "sponsor", "product", "marketing_status"])
    show_table([{"year": y["year"] or "unknown", "applications": y["applications"],
                 "by type": ", ".join(f"{t} {n}" for t, n in y["by_type"].items())} for y in view["by_year"]],
               title="by year of first approval")
    limits = view["limits"]
    out.print("Drugs@FDA products and approval dates in this snapshot end "
              f"{limits['drugsfda_submissions_end']}; later applications show what is known and name what is "
              "missing (--json).")


@app.command("korean-firms")
def korean_firms_cmd(
    search: Annotated[str | None, typer.Argument(help="Korean or English name, e.g. 셀트리온 or Celltrion; "
                                                      "without it: every Korean firm in US filings.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Korean firms in US filings (DMFs, establishments, applications, BLAs) with Korean names and groups."""
    from rxatlas.approvals.register import TABLES, korean_firms

    with open_atlas(db) as atlas:
        warn_stale(atlas.stale_sources(atlas.sources_behind(TABLES)))
        firms = korean_firms(atlas.engine, search)
    if as_json:
        emit_json({"firms": firms})
        return
    show_table(firms, title="Korean firms in US filings (register entries first)",
               columns=["name", "name_ko", "group", "country_iso2", "dmfs", "establishments", "applications",
                        "blas"])
    for firm in firms:
        for fact in firm["facts"]:
            claim = ", claim of the firm" if fact["claim"] else ""
            out.print(f"{firm['name']}: {fact['text']} ({fact['date']}{claim})")


@app.command("biologics")
def biologics_cmd(
    country: Annotated[str | None, typer.Option("--country", help="ISO code or name, e.g. KR: its BLAs, sites, "
                                                 "biologic DMFs (and for KR capacity facts).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """US biologics by BLA holder country, biologic sites, biologic and ADC DMFs with 1260H links marked."""
    from rxatlas.approvals.biologics import TABLES, biologics

    with open_atlas(db) as atlas:
        warn_stale(atlas.stale_sources(atlas.sources_behind(TABLES)))
        view = biologics(atlas.engine, country)
    if as_json:
        emit_json(view)
        return
    show_table(view["by_holder_country"], title="US-licensed biologics (Purple Book) by BLA holder country")
    show_table([{"capability": d["capability"], "DMFs by holder country": ", ".join(f"{c} {n}" for c, n in
                                                                               d["by_country"].items())}
                for d in view["dmfs_by_capability"]], title="active biologic and ADC DMFs (Type II, V)")
    for item in view["biosecure"]["alternatives"]:
        show_table([{**o, "holders": "; ".join(o["holders"])} for o in item["other_holders"]],
                   title=f"{item['capability']}: held by 1260H-linked "
                   f"{', '.join(item['linked_holders'])}; other DMF holders")
    if country:
        show_table(view["products"], title=f"US biologics of {view['country']}",
                   columns=["application", "type", "sponsor", "product", "approval_date", "origin"])
        show_table(view["sites"], title="FDA-registered sites owned from the country",
                   columns=["fei", "name", "site_country", "owner", "owner_group"])
        show_table(view.get("capacity", []), title="bioreactor capacity stated (claims of the firms where marked)",
                   columns=["firm", "litres", "text", "date", "claim"])
    out.print(view["biosecure"]["limits"])
