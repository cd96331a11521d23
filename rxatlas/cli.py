"""The rxatlas command: thin Typer commands over the Python API, with Rich output and --json."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable

from rxatlas import __version__
from rxatlas.atlas import Atlas
from rxatlas.atlas import sql as run_sql
from rxatlas.build import Reporter, build
from rxatlas.errors import RxAtlasError
from rxatlas.warehouse.steps import referenced_tables

app = typer.Typer(help="rxatlas: where medicines are made and what policy does to that supply.",
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[str | None, typer.Option("--db", help="Atlas database file (env RXATLAS_DB).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (Path, time, timedelta, UUID)):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(payload: Any) -> None:
    """Print a payload as JSON on standard output."""
    sys.stdout.write(json.dumps(payload, default=_default, ensure_ascii=False, indent=2) + "\n")


def warn(messages: list[str]) -> None:
    """Print warnings (stale snapshots and the like) on standard error."""
    for message in messages:
        err.print(f"[yellow]warning:[/yellow] {escape(message)}", soft_wrap=True)


def show_table(rows: list[dict[str, Any]], title: str | None = None, columns: list[str] | None = None) -> None:
    """Print rows as a Rich table."""
    if not rows:
        out.print("(no rows)")
        return
    names = columns or list(rows[0])
    table = RichTable(title=title)
    for name in names:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*("" if row.get(n) is None else str(row.get(n)) for n in names))
    out.print(table)


class RichReporter(Reporter):
    """Shows build phases as Rich progress bars on standard error."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, what: str, total: int | None = None) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(what, total=total)

    def advance(self, done: int, total: int | None = None) -> None:
        if self.task is not None:
            if done:
                self.progress.update(self.task, completed=done, total=total)
            else:
                self.progress.advance(self.task)

    def finish(self, what: str, detail: str = "") -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
            self.task = None
        self.progress.console.print(f"[green]✓[/green] {what} {detail}")


@app.command("build")
def build_cmd(
    sources: Annotated[list[str] | None, typer.Argument(help="Sources to load (default: all).")] = None,
    db: DbOption = None,
    mirror: Annotated[str | None, typer.Option(
        "--mirror", help="Folder or http(s) URL holding source snapshots (env RXATLAS_MIRROR).")] = None,
    cache: Annotated[str | None, typer.Option("--cache", help="Download folder (env RXATLAS_CACHE).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Build or update the atlas from public sources; the last good atlas survives any failure."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=as_json or not err.is_terminal) as progress:
        report = build(sources, db=db, mirror=mirror, cache=cache, reporter=RichReporter(progress))
    atlas = Atlas(report.db)
    try:
        summary: dict[str, Any] = {
            "db": report.db,
            "seconds": round(report.seconds, 1),
            "sources": [{"source": s.source, "rows": s.rows, "files": s.files} for s in report.sources],
            "steps": [{"step": s.name, "status": s.status, "detail": s.detail} for s in report.steps],
            "facts": atlas.facts(),
        }
        if as_json:
            emit_json(summary)
            return
        rows = [{"source": s.source, "rows": f"{sum(s.rows.values()):,}", "files": ", ".join(s.files)}
                for s in report.sources]
        show_table(rows, title=f"rxatlas {__version__}: atlas built at {report.db} in {report.seconds:.0f} s")
        skipped = [s for s in report.steps if s.status == "skipped"]
        out.print(f"{len(report.steps) - len(skipped)} warehouse models built, {len(skipped)} skipped.")
        for source, facts in summary["facts"].items():
            out.print(f"  {source}: " + ", ".join(f"{k} {v:,}" for k, v in facts.items()))
        warn(atlas.stale_warnings())
    finally:
        atlas.close()


@app.command("sources")
def sources_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List loaded sources with snapshot date, age, rows, sha256 and load time."""
    with Atlas(db) as atlas:
        rows = atlas.sources().to_pylist()
        if as_json:
            emit_json(rows)
            return
        show_table(
            [{"source": r["source"], "snapshot": r["snapshot"], "age (days)": r["age_days"],
              "stale": "STALE" if r["stale"] else "", "rows": f"{sum(t['rows'] for t in r['rows']):,}",
              "sha256": ", ".join(f["sha256"][:12] for f in r["files"]), "loaded at": r["loaded_at"]}
             for r in rows],
            title="Sources in the atlas",
        )
        warn(atlas.stale_warnings())


@app.command("sql")
def sql_cmd(
    query: Annotated[str, typer.Argument(help="One read-only SQL query.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run read-only SQL on the atlas (no file, network or extension access)."""
    rows = run_sql(query, db).to_pylist()
    if as_json:
        emit_json(rows)
    else:
        show_table(rows)
    with Atlas(db) as atlas:
        warn(atlas.stale_warnings(atlas.sources_behind(referenced_tables(query))))


@app.command("export")
def export_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder to write the tables to.")],
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    raw: Annotated[bool, typer.Option("--raw", help="Also export raw and meta tables.")] = False,
    db: DbOption = None,
) -> None:
    """Export the atlas tables as Parquet or CSV files."""
    schemas = ("core", "raw", "meta") if raw else ("core",)
    with Atlas(db) as atlas:
        written = atlas.export(folder, fmt, schemas)
    out.print(f"wrote {len(written)} files to {folder}")


@app.command("firm")
def firm_cmd(
    name: Annotated[str, typer.Argument(help="A firm name as written anywhere (legal form and case do not matter).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the canonical firm behind a name: aliases, countries, facilities, DMFs, applications, evidence."""
    with Atlas(db) as atlas:
        rows = atlas.firm(name).to_pylist()
    candidates = [{k: r[k] for k in ("firm_id", "name", "match_score", "country_iso2", "aliases")}
                  for r in rows] if len(rows) != 1 else []
    payload = {"query": name, "match": "none" if not rows else "unique" if len(rows) == 1 else "ambiguous",
               "firm": rows[0] if len(rows) == 1 else None, "candidates": candidates}
    if as_json:
        emit_json(payload)
        return
    if not rows:
        out.print(f"no firm found for {name!r}")
        return
    if len(rows) > 1:
        show_table(candidates, title=f"{len(rows)} firms match {name!r}; ask again by a fuller name")
        return
    firm = rows[0]
    out.print(f"[bold]{firm['name']}[/bold] ({firm['firm_id']}) country {firm['country_iso2'] or 'unknown'}")
    out.print("aliases: " + "; ".join(firm["aliases"]))
    show_table([{k: v for k, v in f.items() if k != "address"} for f in firm["facilities"] or []],
               title="facilities")
    show_table([{k: s[k] for k in ("source", "role", "mentions", "method")} for s in firm["sources"] or []],
               title="sources")


@app.command("firms")
def firms_cmd(
    source: Annotated[str, typer.Option("--source", help="dmf, decrs, drugsfda, shortages, compliance, ...")] = "dmf",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List every firm name of a source with its canonical firm, country, site countries and method."""
    with Atlas(db) as atlas:
        rows = atlas.firms(source).to_pylist()
    if as_json:
        emit_json(rows)
    else:
        show_table(rows, title=f"firms of {source}")


@app.command("resolve")
def resolve_cmd(
    report: Annotated[bool, typer.Option("--report", help="Report link coverage per source and role.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Report how firm mentions were resolved: coverage, methods and scores per source and role."""
    if not report:
        raise typer.BadParameter("resolution runs during `rxatlas build`; use --report to see its outcome")
    with Atlas(db) as atlas:
        rows = atlas.resolve_report().to_pylist()
    if as_json:
        emit_json(rows)
    else:
        show_table(rows, title="firm resolution by source and role",
                   columns=["source", "role", "mentions", "identifier", "exact_key", "splink", "override",
                            "unresolved", "coverage"])


def _guard(command: Callable[[], Any]) -> int:
    try:
        command()
    except RxAtlasError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        return 1
    except typer.TyperException as exc:  # a usage error: missing argument, unknown option
        err.print(f"[red]error:[/red] {escape(exc.format_message().rstrip('.'))}; see --help",
                  highlight=False, soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("[red]interrupted[/red]; the previous atlas is unchanged")
        return 130
    return 0


def main() -> None:
    """Entry point of the rxatlas command."""
    raise SystemExit(_guard(lambda: app(standalone_mode=False)) or 0)
