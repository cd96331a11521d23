"""Commands over the warehouse itself: build, sources, sql, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from rxatlas import __version__
from rxatlas.cli.app import DbOption, JsonOption, app, emit_json, err, open_atlas, out, show_table, warn_stale


@app.command("build")
def build_cmd(
    sources: Annotated[list[str] | None, typer.Argument(help="Sources to load (default: all).")] = None,
    db: DbOption = None,
    mirror: Annotated[str | None, typer.Option(
        "--mirror", help="Folder or http(s) URL holding source snapshots (env RXATLAS_MIRROR).")] = None,
    cache: Annotated[str | None, typer.Option("--cache", help="Download folder (env RXATLAS_CACHE).")] = None,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="Build engine: duckdb (default) or spark (env RXATLAS_ENGINE); the atlas reads the same.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Build or update the atlas from public sources; the last good atlas survives any failure."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from rxatlas.build import build
    from rxatlas.cli.progress import RichReporter

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=as_json or not err.is_terminal) as progress:
        report = build(sources, db=db, mirror=mirror, cache=cache, reporter=RichReporter(progress), engine=engine)
    with open_atlas(report.db) as atlas:
        summary = atlas.summary()
        payload: dict[str, Any] = {
            "db": report.db,
            "engine": report.engine,
            "seconds": round(report.seconds, 1),
            "sources": [{"source": s.source, "rows": s.rows, "files": s.files} for s in report.sources],
            "steps": [{"step": s.name, "status": s.status, "detail": s.detail} for s in report.steps],
            **summary,
        }
        if as_json:
            emit_json(payload)
            return
        snapshots = {r["source"]: r["snapshot"] for r in atlas.sources().to_pylist()}
        show_table(
            [{"source": s.source, "snapshot": snapshots.get(s.source), "rows": f"{sum(s.rows.values()):,}",
              "files": ", ".join(dict.fromkeys(s.files))} for s in report.sources],
            title=f"rxatlas {__version__}: atlas built at {report.db} in {report.seconds:.0f} s",
        )
        skipped = [s for s in report.steps if s.status == "skipped"]
        out.print(f"{len(report.steps) - len(skipped)} warehouse steps built"
                  + (f", {len(skipped)} skipped: " + "; ".join(f"{s.name} ({s.detail})" for s in skipped)
                     if skipped else "."))
        show_summary(summary)
        warn_stale(atlas.stale_sources())


def show_summary(summary: dict[str, Any]) -> None:
    """Print the atlas headline figures as a few readable lines."""
    for source, facts in summary["facts"].items():
        out.print(f"  {source}: " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in facts.items()))
    for row in summary.get("resolution", []):
        out.print(f"  firms {row['firms']:,}; facilities {row['facilities']:,} in {row['facility_countries']} "
                  f"countries; DMF holders with a country {row['dmf_holders_with_country']:,} of "
                  f"{row['dmf_holders']:,}")
    shares = summary.get("active_type_ii_by_holder_country", [])
    if shares:
        out.print("  active Type II DMFs by holder country: " + ", ".join(
            f"{r['country'] or 'unknown'} {r['share']:.1%}" for r in shares[:8]))
    for row in summary.get("substance_mapping", []):
        share = row["mapped_to_substance"] / row["active_type_ii"] if row["active_type_ii"] else 0.0
        out.print(f"  active Type II DMFs mapped to a substance: {row['mapped_to_substance']:,} of "
                  f"{row['active_type_ii']:,} ({share:.1%}), {row['substances']:,} substances")



@app.command("publish")
def publish_cmd(
    folder: Annotated[Path, typer.Argument(help="A Parquet warehouse folder written by a Spark build.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Make the atlas file from a Parquet warehouse built on Spark (e.g. by spark_job on a cluster)."""
    from rxatlas.build import publish_folder

    target = publish_folder(folder, db)
    with open_atlas(target) as atlas:
        summary = atlas.summary()
    if as_json:
        emit_json({"db": target, "folder": folder, **summary})
        return
    out.print(f"atlas published at {target} from {folder}")
    show_summary(summary)

@app.command("sources")
def sources_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List loaded sources with snapshot date, age, rows, sha256, load time and headline counts."""
    from rxatlas.sources import all_sources

    with open_atlas(db) as atlas:
        facts = atlas.facts()
        rows = [{**r, "facts": facts.get(r["source"], {})} for r in atlas.sources().to_pylist()]
        if as_json:
            emit_json(rows)
            return
        show_table(
            [{"source": r["source"], "snapshot": r["snapshot"], "age (days)": r["age_days"],
              "stale": "STALE" if r["stale"] else "", "rows": f"{sum(t['rows'] for t in r['rows']):,}",
              "files": len(r["files"]), "sha256": r["files"][0]["sha256"][:16] + ("…" if len(r["files"]) > 1 else ""),
              "loaded at": f"{r['loaded_at']:%Y-%m-%d %H:%M}"}
             for r in rows],
            title="Sources in the atlas",
        )
        absent = sorted({s.id for s in all_sources()} - {r["source"] for r in rows})
        if absent:
            out.print(f"not loaded (optional files absent from the mirror, or not built): {', '.join(absent)}; "
                      "`rxatlas build NAME` with the file in the mirror, or with network access, loads them")
        warn_stale(atlas.stale_sources())


@app.command("sql")
def sql_cmd(
    query: Annotated[str, typer.Argument(help="One read-only SQL query.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Run read-only SQL on the atlas (no file, network or extension access)."""
    from rxatlas.atlas import sql as run_sql
    from rxatlas.warehouse.steps import referenced_tables

    rows = run_sql(query, db).to_pylist()
    if as_json:
        emit_json(rows)
    else:
        show_table(rows)
    with open_atlas(db) as atlas:
        warn_stale(atlas.stale_sources(atlas.sources_behind(referenced_tables(query))))


@app.command("export")
def export_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder to write the tables to.")],
    fmt: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    raw: Annotated[bool, typer.Option("--raw", help="Also export raw and meta tables.")] = False,
    db: DbOption = None,
) -> None:
    """Export the atlas tables as Parquet or CSV files."""
    schemas = ("core", "raw", "meta") if raw else ("core",)
    with open_atlas(db) as atlas:
        written = atlas.export(folder, fmt, schemas)
    out.print(f"wrote {len(written)} files to {folder}")


