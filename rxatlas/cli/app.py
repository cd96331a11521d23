"""The Typer application, its shared options and the output helpers every command uses."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

if TYPE_CHECKING:
    from rxatlas.atlas import Atlas

app = typer.Typer(help="rxatlas: where medicines are made and what policy does to that supply.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
# Piped output is read by people too: do not squeeze tables to 80 columns when there is no terminal.
out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

DbOption = Annotated[str | None, typer.Option("--db", help="Atlas database file (env RXATLAS_DB).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
EncodingOption = Annotated[str | None, typer.Option(
    "--encoding", help="Text encoding of a CSV that is not UTF-8 (e.g. cp949, gb18030).")]
ScopeOption = Annotated[str, typer.Option(
    "--scope", help="Market scope of the substances counted: us_human_rx (default), us_human_otc, homeopathic, "
                    "veterinary_only, excipient_or_inactive, nutrient_or_food, diagnostic_or_device, "
                    "not_marketed_in_us, intermediate, or all.")]
MAX_WARNINGS = 3


def open_atlas(db: str | Path | None) -> Atlas:
    """Open the atlas read-only; imported on use, so that --help and commands without an atlas skip DuckDB."""
    from rxatlas.atlas import Atlas

    return Atlas(db)


def emit_json(payload: Any) -> None:
    """Print a payload as JSON on standard output."""
    from rxatlas.jsontext import dumps

    sys.stdout.write(dumps(payload, indent=2) + "\n")


def warn(messages: list[str]) -> None:
    """Print warnings (stale snapshots and the like) on standard error."""
    for message in messages:
        err.print(f"[yellow]warning:[/yellow] {escape(message)}", soft_wrap=True)


def warn_stale(stale: list[dict[str, Any]]) -> None:
    """Warn about sources older than their refresh interval: one line each, or one line for many."""
    if len(stale) <= MAX_WARNINGS:
        warn([f"{s['source']} snapshot of {s['snapshot']} is {s['age_days']} days old (expected refresh every "
              f"{s['refresh_days']} days); rebuild with newer data for current answers" for s in stale])
        return
    names = ", ".join(f"{s['source']} ({s['age_days']} d)" for s in stale)
    warn([f"{len(stale)} sources are older than their expected refresh interval: {names}; "
          "rebuild with newer data for current answers (`rxatlas sources` shows the ages)"])


T = TypeVar("T")


def answer(db: str | Path | None, tables: Iterable[str], compute: Callable[[Atlas], T], as_json: bool) -> T | None:
    """The pattern of every question command: open the atlas, compute the answer, warn about stale sources behind
    the tables it reads; print JSON and return None when asked for JSON, else return the answer to show."""
    with open_atlas(db) as atlas:
        atlas.engine.execute("SET enable_progress_bar = false")  # DuckDB's progress bar would break --json
        result = compute(atlas)
        warn_stale(atlas.stale_sources(atlas.sources_behind(set(tables))))
    if as_json:
        emit_json(result)
        return None
    return result


def show_table(rows: list[dict[str, Any]], title: str | None = None, columns: list[str] | None = None) -> None:
    """Print rows as a Rich table."""
    if not rows:
        out.print("(no rows)")
        return
    names = columns or list(rows[0])
    table = RichTable(title=escape(title) if title else None)
    for name in names:
        table.add_column(escape(name), overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(n) is None else escape(str(row.get(n))) for n in names))  # data, not markup
    out.print(table)


