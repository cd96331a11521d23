"""Commands over US approvals by sponsor country: approvals."""

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
    from rxatlas.approvals import by_country, country_approvals, coverage
    from rxatlas.approvals.query import TABLES

    with open_atlas(db) as atlas:
        warn_stale(atlas.stale_sources(atlas.sources_behind(TABLES)))
        if country is None:
            payload = {"countries": by_country(atlas.engine), "coverage": coverage(atlas.engine)}
        else:
            view = country_approvals(atlas.engine, country)
    if country is None:
        if as_json:
            emit_json(payload)
            return
        show_table(payload["coverage"], title="sponsor-country coverage")
        show_table(payload["countries"], title="US applications by sponsor country")
        return
    if as_json:
        emit_json(view)
        return
    rows = [{**a, "missing": "; ".join(m.split(":")[0] for m in a["missing"])} for a in view["applications"]]
    show_table(rows, title=f"US applications from {view['name']} ({view['country']})",
               columns=[*COLUMNS, "missing"])
    show_table([{"year": y["year"] or "unknown", "applications": y["applications"],
                 "by type": ", ".join(f"{t} {n}" for t, n in y["by_type"].items())} for y in view["by_year"]],
               title="by year of first approval")
    limits = view["limits"]
    out.print("Drugs@FDA products and approval dates in this snapshot end "
              f"{limits['drugsfda_submissions_end']}; later applications show what is known and name what is "
              "missing (--json).")
