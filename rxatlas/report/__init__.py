"""Reports for people: substance, portfolio, scenario, screening and approvals, as HTML, PDF or Excel."""

from __future__ import annotations

from pathlib import Path

from rxatlas.errors import InputError
from rxatlas.report.approvals import approvals_report
from rxatlas.report.html import render_html
from rxatlas.report.labels import LANGS
from rxatlas.report.model import Report
from rxatlas.report.pdf import PdfPrinter, write_pdf
from rxatlas.report.scenario import scenario_report
from rxatlas.report.screening import screening_report
from rxatlas.report.supply import portfolio_report, substance_report
from rxatlas.report.xlsx import write_xlsx

FORMATS = ("html", "pdf", "xlsx")
KINDS = ("substance", "portfolio", "scenario", "screening", "approvals")

__all__ = [
    "FORMATS",
    "KINDS",
    "LANGS",
    "PdfPrinter",
    "Report",
    "approvals_report",
    "portfolio_report",
    "render_html",
    "scenario_report",
    "screening_report",
    "substance_report",
    "write",
    "write_xlsx",
]


def write(report: Report, fmt: str, path: Path, printer: PdfPrinter | None = None) -> None:
    """Write a report to a file as html, pdf or xlsx."""
    if fmt == "html":
        path.write_text(render_html(report), encoding="utf-8")
    elif fmt == "pdf":
        write_pdf(render_html(report), path, printer)
    elif fmt == "xlsx":
        write_xlsx(report, path)
    else:
        raise InputError(f"unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
