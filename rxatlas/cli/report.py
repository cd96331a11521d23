"""Commands that write reports for people: report substance|portfolio|scenario|screening|approvals."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from rxatlas.cli.app import DbOption, EncodingOption, app, open_atlas, out, warn_stale
from rxatlas.errors import InputError
from rxatlas.extras import needs
from rxatlas.userfiles import output_path, replaced_on_success

if TYPE_CHECKING:
    from rxatlas.atlas import Atlas
    from rxatlas.report import Report

report_app = typer.Typer(
    help="Reports for people: self-contained HTML, PDF or Excel, in English or Korean.", no_args_is_help=True
)
app.add_typer(report_app, name="report")


@report_app.callback()
def _reports_installed() -> None:
    with needs("reports", "rxatlas report"):
        import rxatlas.report  # noqa: F401


FormatOption = Annotated[
    str | None,
    typer.Option("--format", help="html, pdf or xlsx (default: from the --output suffix, else html)."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", help="File to write (default: rxatlas-<kind>-<subject>.<format> in the current folder)."
    ),
]
LangOption = Annotated[str, typer.Option("--lang", help="Report language: en or ko.")]


def _write(
    kind: str,
    subject: str,
    fmt: str | None,
    output: Path | None,
    lang: str,
    db: str | None,
    make: Callable[[Atlas], Report],
    *inputs: Path,
) -> None:
    from rxatlas.report import FORMATS, LANGS, write

    fmt = (fmt or (output.suffix.lstrip(".").lower() if output and output.suffix else "html")).lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
    if lang not in LANGS:
        raise InputError(f"unknown --lang {lang!r}; use one of {', '.join(LANGS)}")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", subject).strip("-").lower() or kind
    path = output_path(output or Path(f"rxatlas-{kind}-{slug}.{fmt}"), *inputs)
    with open_atlas(db) as atlas:
        atlas.engine.execute("SET enable_progress_bar = false")
        report = make(atlas)
        warn_stale(atlas.stale_sources(list(report.sources)))
    with needs("reports", f"a {fmt} report"), replaced_on_success(path) as partial:  # no half-written file
        write(report, fmt, partial)
    out.print(f"wrote {path} ({report.title}; {len(report.tables())} tables, {len(report.sources)} sources)")


@report_app.command("substance")
def report_substance_cmd(
    name: Annotated[str, typer.Argument(help="A substance name, salt or UNII.")],
    fmt: FormatOption = None,
    output: OutputOption = None,
    lang: LangOption = "en",
    db: DbOption = None,
) -> None:
    """Where a substance is made: country shares, API sources, applications, shortages and signals."""
    from rxatlas.report import substance_report

    _write("substance", name, fmt, output, lang, db, lambda atlas: substance_report(atlas, name, lang))


@report_app.command("portfolio")
def report_portfolio_cmd(
    file: Annotated[
        Path, typer.Argument(help="CSV or Excel file of substances, UNIIs, applications or NDCs.")
    ],
    fmt: FormatOption = None,
    output: OutputOption = None,
    lang: LangOption = "en",
    encoding: EncodingOption = None,
    db: DbOption = None,
) -> None:
    """Supply risk of a portfolio: row feedback, dependence on countries and the top risks."""
    from rxatlas.report import portfolio_report

    _write("portfolio", file.stem, fmt, output, lang, db,
           lambda atlas: portfolio_report(atlas, file, lang, encoding), file)


@report_app.command("scenario")
def report_scenario_cmd(
    file: Annotated[str, typer.Argument(help="A scenario YAML file (see examples/).")],
    fmt: FormatOption = None,
    output: OutputOption = None,
    lang: LangOption = "en",
    db: DbOption = None,
) -> None:
    """A scenario's impacts: substances losing sources, tariff exposure and who gains."""
    from rxatlas.report import scenario_report

    _write(
        "scenario", Path(file).stem, fmt, output, lang, db, lambda atlas: scenario_report(atlas, file, lang),
        Path(file),
    )


@report_app.command("screening")
def report_screening_cmd(
    file: Annotated[Path, typer.Argument(help="Supplier list: CSV or Excel.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Screen against the lists as of YYYY-MM-DD.")
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    lang: LangOption = "en",
    encoding: EncodingOption = None,
    db: DbOption = None,
) -> None:
    """A supplier file screened against DoD 1260H and OFAC SDN, flagged rows first."""
    from rxatlas.report import screening_report

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise InputError(f"--as-of {as_of!r} is not a date; write it as YYYY-MM-DD") from exc
    _write(
        "screening", file.stem, fmt, output, lang, db, lambda atlas: screening_report(atlas, file, day, lang, encoding),
        file,
    )


@report_app.command("approvals")
def report_approvals_cmd(
    country: Annotated[str, typer.Option("--country", help="ISO code or name, e.g. KR.")],
    fmt: FormatOption = None,
    output: OutputOption = None,
    lang: LangOption = "en",
    db: DbOption = None,
) -> None:
    """US approvals by sponsor country, with partner cases and a timeline per year."""
    from rxatlas.report import approvals_report

    _write("approvals", country, fmt, output, lang, db, lambda atlas: approvals_report(atlas, country, lang))
