"""Commands for screening against watch lists: screen (a supplier file) and exposure (the atlas)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from rxatlas.cli.app import (
    DbOption,
    EncodingOption,
    JsonOption,
    ScopeOption,
    answer,
    app,
    open_atlas,
    out,
    show_table,
    warn,
)
from rxatlas.errors import InputError
from rxatlas.userfiles import output_path, replaced_on_success

if TYPE_CHECKING:
    from rxatlas.atlas import Atlas
    from rxatlas.screen.screen import ScreenRun

SHOWN_ROWS = 200


def _as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--as-of {value!r} is not a date; write it as YYYY-MM-DD") from exc


def _run(
    atlas: Atlas,
    file: Path,
    as_of: date,
    name_column: str | None,
    country_column: str | None,
    encoding: str | None,
) -> ScreenRun:
    from rxatlas.screen.screen import screen_file

    if not atlas.path.is_file():
        warn(
            [
                f"no atlas at {atlas.path}: screening against rxatlas's own 1260H transcription only "
                "(biotech entities); OFAC SDN and the full 1260H list need `rxatlas build`"
            ]
        )
        return screen_file(
            file, None, as_of, name_column=name_column, country_column=country_column, encoding=encoding
        )
    return screen_file(
        file, atlas.engine, as_of, name_column=name_column, country_column=country_column, encoding=encoding
    )


@app.command("screen")
def screen_cmd(
    file: Annotated[Path, typer.Argument(help="Supplier list: CSV (UTF-8; other encodings with --encoding) or Excel.")],
    name_column: Annotated[
        str | None, typer.Option("--name-column", help="Column with supplier names.")
    ] = None,
    country_column: Annotated[
        str | None, typer.Option("--country-column", help="Column with countries.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Screen against the lists as of YYYY-MM-DD.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="json, csv, xlsx or html (default: a table).")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write results to this file.")] = None,
    encoding: EncodingOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Screen suppliers against DoD 1260H and OFAC SDN, following parents and subsidiaries."""
    from rxatlas.screen.export import FORMATS, export

    fmt = "json" if as_json and fmt is None else fmt
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
    if output is not None:
        output_path(output, file)
    with open_atlas(db) as atlas:
        run = _run(atlas, file, _as_of(as_of), name_column, country_column, encoding)
        warn(run.warnings())
        if fmt is None and output is None:
            rows: list[dict[str, Any]] = []
            for row in run.rows():
                if row["status"] != "clear" and len(rows) < SHOWN_ROWS:
                    rows.append(row)
            show_table(
                rows,
                title=f"suppliers not clear as of {run.screener.as_of} (first {SHOWN_ROWS})",
                columns=["row", "input_name", "status", "matched_name", "list", "score", "path"],
            )
            out.print(", ".join(f"{k}: {v}" for k, v in run.status_counts().items()))
            for state in run.lists():
                out.print(
                    f"{state['list']}: edition {state['edition']}, snapshot {state['snapshot']}, "
                    f"{state['age_days']} days old on {state['as_of']}"
                )
            return
        fmt = fmt or (output.suffix.lstrip(".").lower() if output else "json")
        if output is None:
            export(run.rows(), run.meta(), run.status_counts, fmt, sys.stdout)
        else:
            with replaced_on_success(output) as partial:  # a failure leaves no half-written file
                export(run.rows(), run.meta(), run.status_counts, fmt, partial)
    if output is not None:
        out.print(f"wrote {output}: " + ", ".join(f"{k}: {v}" for k, v in run.status_counts().items()))


@app.command("exposure")
def exposure_cmd(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Screen against the lists as of YYYY-MM-DD.")
    ] = None,
    scope: ScopeOption = "us_human_rx",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which US-market substances have qualified API sources at listed firms or affiliates, and what share."""
    from rxatlas.screen.exposure import exposure
    from rxatlas.screen.screen import screener_for

    report = answer(db, {"core.api_source", "core.watchlist_entry", "core.market_scope"},
                    lambda atlas: exposure(atlas.engine, screener_for(atlas.engine, _as_of(as_of)), scope), as_json)
    if report is None:
        return
    rows = [
        {k: s[k] for k in ("substance", "sources", "linked_sources", "linked_share", "possible_sources")}
        | {
            "firms": "; ".join(
                f"{x['firm']} ({x['status']}: {x['path'] or x['matched_name']})" for x in s["linked"]
            )
        }
        for s in report["substances"]
        if s["linked_sources"]
    ]
    show_table(
        rows,
        title=f"substances with qualified API sources at listed firms or affiliates, as of {report['as_of']}",
    )
    out.print(
        f"{report['substances_exposed']} of {report['substances_with_sources']} substances; "
        f"{report['linked_sources']} of {report['sources']} sources; firms: "
        + "; ".join(report["linked_firms"])
    )
