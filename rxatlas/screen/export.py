"""Write screening results as JSON, CSV, Excel or HTML, streamed, with formula injection neutralised."""

from __future__ import annotations

import csv
import html
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from rxatlas.errors import InputError
from rxatlas.jsontext import dumps

FORMATS = ("json", "csv", "xlsx", "html")
COLUMNS = (
    "row",
    "input_name",
    "input_country",
    "status",
    "matched_name",
    "matched_firm",
    "list",
    "edition",
    "score",
    "path",
    "explanation",
    "programs",
    "biosecure",
    "provenance",
    "notes",
)
# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text a spreadsheet shows as it is: a leading formula character is escaped with an apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def cell(value: Any) -> Any:
    """One result value as a spreadsheet cell: lists joined, text neutralised, numbers and dates kept."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def write_json(
    rows: Iterable[dict[str, Any]], meta: dict[str, Any], counts: Callable[[], dict[str, int]], out: IO[str]
) -> None:
    """Write {meta..., "rows": [...], "counts": {...}} one row at a time (JSON keeps raw values)."""
    out.write("{\n")
    for key, value in meta.items():
        out.write(f"  {dumps(key)}: {dumps(value)},\n")
    out.write('  "rows": [')
    for i, row in enumerate(rows):
        out.write(("," if i else "") + "\n    " + dumps(row))
    out.write(f'\n  ],\n  "counts": {dumps(counts())}\n}}\n')


def write_csv(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """Write one CSV line per result, formula characters neutralised."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if (v := cell(row.get(c))) is None else v for c in COLUMNS])


def write_xlsx(
    rows: Iterable[dict[str, Any]], meta: dict[str, Any], counts: Callable[[], dict[str, int]], path: Path
) -> None:
    """Write a workbook (sheets results and lists) in streaming mode, formula characters neutralised."""
    from openpyxl import Workbook  # heavy; only Excel output needs it

    wb = Workbook(write_only=True)
    results = wb.create_sheet("results")
    results.append(list(COLUMNS))
    for row in rows:
        results.append([cell(row.get(c)) for c in COLUMNS])
    lists = wb.create_sheet("lists")
    names = [
        "list",
        "title",
        "as_of",
        "edition",
        "snapshot",
        "age_days",
        "refresh_days",
        "stale",
        "entries",
        "provenance",
        "notes",
    ]
    lists.append(names)
    for state in meta["lists"]:
        lists.append([cell(state.get(n)) for n in names])
    notes = wb.create_sheet("summary")
    notes.append(["as_of", cell(str(meta["as_of"]))])
    for status, n in counts().items():
        notes.append([status, n])
    for warning in meta["warnings"]:
        notes.append(["warning", cell(warning)])
    wb.save(path)


def write_html(
    rows: Iterable[dict[str, Any]], meta: dict[str, Any], counts: Callable[[], dict[str, int]], out: IO[str]
) -> None:
    """Write a self-contained HTML table, escaped, formula characters neutralised for spreadsheets."""

    def td(value: Any) -> str:
        v = cell(value)
        return f"<td>{html.escape('' if v is None else str(v))}</td>"

    out.write(
        "<!doctype html>\n<html><head><meta charset='utf-8'><title>rxatlas screening</title>"
        "<style>td,th{border:1px solid #ccc;padding:2px 6px;font:13px sans-serif;vertical-align:top}"
        "table{border-collapse:collapse}</style></head><body>\n"
    )
    out.write(f"<h1>Screening as of {html.escape(str(meta['as_of']))}</h1>\n<ul>\n")
    for state in meta["lists"]:
        out.write(
            "<li>"
            + html.escape(
                f"{state['list']}: edition {state['edition']}, snapshot {state['snapshot']}, "
                f"{state['age_days']} days old" + (" (stale)" if state["stale"] else "")
            )
            + "</li>\n"
        )
    for warning in meta["warnings"]:
        out.write(f"<li><b>warning:</b> {html.escape(warning)}</li>\n")
    out.write("</ul>\n<table>\n<tr>" + "".join(f"<th>{c}</th>" for c in COLUMNS) + "</tr>\n")
    for row in rows:
        out.write("<tr>" + "".join(td(row.get(c)) for c in COLUMNS) + "</tr>\n")
    out.write(
        "</table>\n<p>"
        + html.escape(", ".join(f"{k}: {v}" for k, v in counts().items()))
        + "</p>\n</body></html>\n"
    )


def export(
    rows: Iterable[dict[str, Any]],
    meta: dict[str, Any],
    counts: Callable[[], dict[str, int]],
    fmt: str,
    out: Path | IO[str],
) -> None:
    """Write results in a format (json, csv, xlsx, html) to a path or an open text stream.

    meta (as_of, lists, warnings) goes before the rows; counts() is called after the last row.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "xlsx":
        if not isinstance(out, Path):
            raise InputError("Excel output needs a file: give --output PATH.xlsx")
        write_xlsx(rows, meta, counts, out)
        return
    if isinstance(out, Path):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            export(rows, meta, counts, fmt, fh)
        return
    if fmt == "json":
        write_json(rows, meta, counts, out)
    elif fmt == "csv":
        write_csv(rows, out)
    else:
        write_html(rows, meta, counts, out)
