"""A report as an Excel workbook: one sheet per table, its sources under it, and a Sources sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from rxatlas.report.labels import labels
from rxatlas.report.model import Report
from rxatlas.screen.export import cell

MAX_SHEET_NAME = 31  # Excel's limit


def write_xlsx(report: Report, path: Path) -> None:
    """Write the report's tables, every row, to an .xlsx file."""
    t = labels(report.lang)
    book = Workbook(write_only=True)
    for table in report.tables():
        sheet = book.create_sheet(table.name[:MAX_SHEET_NAME])
        sheet.append([cell(table.title)])
        sheet.append([cell(label) for _, label in table.columns])
        for row in table.rows:
            sheet.append([cell(row.get(key)) for key, _ in table.columns])
        sheet.append([])
        if table.note:
            sheet.append([cell(table.note)])
        for source in table.sources:
            c = report.sources[source]
            sheet.append(
                [
                    cell(
                        f"{t['sources']}: {c['title']} ({t['snapshot']} {c['snapshot']}, "
                        f"{t['licence']}: {c['licence']})"
                    )
                ]
            )
    sources = book.create_sheet("Sources")
    header = ["source", "title", "publisher", "snapshot", "licence", "homepage"]
    sources.append([cell(t[k]) for k in header])
    for source, c in report.sources.items():
        sources.append([cell(source)] + [cell(c[k]) for k in header[1:]])
    if report.counts_not_volumes:
        sources.append([])
        sources.append([cell(t["counts_not_volumes"])])
    book.save(path)
