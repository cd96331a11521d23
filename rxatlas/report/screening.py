"""The screening report: a supplier file screened against the watch lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rxatlas.atlas import Atlas
from rxatlas.report.charts import bar_chart
from rxatlas.report.labels import labels
from rxatlas.report.layout import Layout
from rxatlas.report.model import Chart, Report, Section


def screening_report(
    atlas: Atlas, file: Path, as_of: date | None = None, lang: str = "en", encoding: str | None = None
) -> Report:
    """A supplier file screened against the watch lists: counts, flagged rows, all rows, lists used."""
    from rxatlas.screen.screen import screen_file

    run = screen_file(file, atlas.engine, as_of or date.today(), encoding=encoding)
    rows = list(run.rows())
    counts = run.status_counts()
    lay, t = Layout(atlas, lang), labels(lang)
    list_tables = {"core.watchlist_entry", "core.firm"}
    columns = ["row", "input_name", "input_country", "status", "matched_name", "list", "score", "path"]
    shown = [{k: r.get(k) for k in columns} for r in rows]
    summary = t["screening_summary"].format(
        rows=len(rows), as_of=run.screener.as_of, counts=", ".join(f"{k} {v}" for k, v in counts.items())
    )
    chart = Chart(
        t["status_counts"],
        bar_chart([(k, v / max(1, len(rows)), str(v)) for k, v in counts.items()]),
        lay.sources(list_tables),
    )
    sections = [
        Section(
            t["summary"],
            [summary, *run.warnings()],
            [chart],
            [
                lay.table(
                    "status_counts",
                    t["status_counts"],
                    ["status", "rows"],
                    [{"status": k, "rows": v} for k, v in counts.items()],
                    list_tables,
                )
            ],
        ),
        Section(
            t["flagged"],
            tables=[
                lay.table(
                    "flagged",
                    t["flagged"],
                    columns,
                    [r for r in shown if r["status"] != "clear"],
                    list_tables,
                ),
                lay.table("all_rows", t["all_rows"], columns, shown, list_tables),
                lay.table(
                    "lists",
                    t["lists"],
                    ["list", "edition", "snapshot", "age_days"],
                    [{k: x.get(k) for k in ("list", "edition", "snapshot", "age_days")} for x in run.lists()],
                    list_tables,
                ),
            ],
        ),
    ]
    return lay.report("screening", t["report_screening"], sections, run.warnings())
