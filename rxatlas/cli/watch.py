"""Commands over history: changes (what changed between snapshots) and watch (lists, alerts, delivery)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import typer

from rxatlas.cli.app import DbOption, JsonOption, answer, app, emit_json, open_atlas, out, show_table, warn
from rxatlas.errors import InputError

watch_app = typer.Typer(help="Watch lists of substances or firms, and alerts on what changed for them.",
                        no_args_is_help=True)
app.add_typer(watch_app, name="watch")
SinceOption = Annotated[str | None, typer.Option("--since", help="Only changes of snapshots on or after this date "
                                                                 "(YYYY-MM-DD).")]


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--since {value!r} is not a date; write it as YYYY-MM-DD") from exc


def _line(change: dict[str, Any]) -> dict[str, Any]:
    fields = "; ".join(f"{f['field']}: {f['old']} -> {f['new']}" for f in change["fields"])
    return {"kind": change["kind"], "fact": change["fact"], "key": ", ".join(map(str, change["key"].values())),
            "firm": change["firm"], "subject": change["subject"], "from": change["old_snapshot"],
            "to": change["new_snapshot"], "fields": fields}


@app.command("changes")
def changes_cmd(
    source: Annotated[str | None, typer.Option("--source", help="fda_dmf, fda_decrs, fda_drugsfda, "
                                               "fda_ndc_unfinished, fda_shortages or dod_1260h.")] = None,
    since: SinceOption = None,
    substance: Annotated[str | None, typer.Option("--substance", help="Words of the subject, e.g. atorvastatin.")]
    = None,
    firm: Annotated[str | None, typer.Option("--firm", help="Part of a firm name (holder, sponsor, listed name).")]
    = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What changed between snapshots of a source (and 1260H editions): added, removed, closed, changed."""
    from rxatlas.history.tracked import tracked

    tables = {t.raw for t in tracked(source)} | {"core.watchlist_entry"}
    found = answer(db, tables, lambda atlas: atlas.changes(source, _date(since), substance, firm), as_json)
    if found is not None:
        show_table([_line(c) for c in found], title=f"{len(found)} change(s)")


@watch_app.command("add")
def add_cmd(
    name: Annotated[str, typer.Argument(help="Name of the watch list (letters, digits, '.', '_', '-').")],
    portfolio: Annotated[str | None, typer.Option("--portfolio", help="Portfolio file (CSV or Excel).")] = None,
    suppliers: Annotated[str | None, typer.Option("--suppliers", help="Supplier file (CSV or Excel).")] = None,
    substance: Annotated[str | None, typer.Option("--substance", help="One substance name or UNII.")] = None,
    firm: Annotated[str | None, typer.Option("--firm", help="One firm name.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Replace a list of the same name.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Keep a watch list beside the atlas (it survives rebuilds); rows that name nothing known are reported."""
    from rxatlas.watch.lists import add

    given = {k: v for k, v in (("portfolio", portfolio), ("suppliers", suppliers), ("substance", substance),
                                ("firm", firm)) if v}
    if len(given) != 1:
        raise InputError("give exactly one of --portfolio FILE, --suppliers FILE, --substance X or --firm Y")
    ((kind, value),) = given.items()
    with open_atlas(db) as atlas:
        watch = add(atlas.engine, atlas.path, name, kind, value, replace)
    if as_json:
        emit_json(asdict(watch))
        return
    out.print(f"watch list {watch.name}: {len(watch.items)} {kind} item(s) from {value}")
    warn(watch.feedback)


@watch_app.command("list")
def list_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the watch lists kept beside the atlas."""
    from rxatlas import settings
    from rxatlas.watch.lists import load

    watches = load(settings.db_path(db))
    rows = [{"name": w.name, "kind": w.kind, "items": len(w.items), "origin": w.origin, "created": w.created,
             "last_checked": w.last_checked} for w in watches.values()]
    if as_json:
        emit_json(rows)
        return
    show_table(rows, title=f"{len(rows)} watch list(s)")


@watch_app.command("check")
def check_cmd(
    name: Annotated[str | None, typer.Argument(help="One watch list (default: all).")] = None,
    since: SinceOption = None,
    as_json: JsonOption = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print the alerts as Markdown.")] = False,
    webhook: Annotated[str | None, typer.Option("--webhook", help="POST the alerts as JSON to this URL.")] = None,
    db: DbOption = None,
) -> None:
    """Alerts on the watched items only: without --since, what no earlier check told; a summary line, exit 0."""
    from rxatlas.watch import deliver, lists

    with open_atlas(db) as atlas:
        found = atlas.watch_alerts(name, _date(since))
        path = atlas.path
    new = found if since else lists.unseen(path, found)
    if webhook and any(new.values()):
        deliver.post(webhook, new)
    lists.remember(path, new)
    if as_json:
        emit_json({"summary": deliver.summary(new), "alerts": new})
    elif as_markdown:
        sys.stdout.write(deliver.markdown(new))
    else:
        for alerts in new.values():
            for alert in alerts:
                out.print(f"{alert['watch']}: {deliver.describe(alert)}", soft_wrap=True, markup=False)
        out.print(deliver.summary(new), markup=False)


@app.command("shortage-trends")
def shortage_trends_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Shortage durations and counts by year across shortage snapshots (says so when there is only one)."""
    from rxatlas.history.trends import TABLE, shortage_trends

    found = answer(db, {TABLE}, lambda atlas: shortage_trends(atlas.engine), as_json)
    if found is None:
        return
    if "note" in found:
        out.print(found["note"], markup=False)
        return
    show_table(found["by_year"], title=f"shortages by year over {len(found['snapshots'])} snapshots")
    show_table([found["durations"]], title="resolved shortages: days from first seen current to first seen resolved")
