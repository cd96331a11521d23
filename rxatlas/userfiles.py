"""Tables users bring (supplier lists, portfolios): one reader for CSV and Excel, streamed, within limits.

Limits (settings.LIMITS): rows of a file, megabytes an Excel file unpacks to, characters of one line, and the
time a request may spend reading (set by the API with ``time_limit``). A file past one is refused with a
sentence naming the file and what to do; nothing is read in part silently.
"""

from __future__ import annotations

import contextlib
import csv
import time
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rxatlas import settings
from rxatlas.errors import InputError
from rxatlas.textfiles import ASK, detect_encoding

# Candidate delimiters; the one found most often in the first non-blank line wins (ties: the earlier one);
# a line with none of them is one column.
DELIMITERS = (",", "\t", ";", "|")
MAX_LINE_CHARS = 1 << 20
CHECK_EVERY = 256  # rows between two looks at the clock
_deadline: ContextVar[tuple[float, int] | None] = ContextVar("rxatlas_deadline", default=None)


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Within this block, reading a user file stops with an InputError once `seconds` have passed."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def check_time(path: Path, row: int) -> None:
    """Raise InputError when the time limit of the current block (if any) has passed."""
    limit = _deadline.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise InputError(f"{path}: stopped at row {row:,} after {limit[1]} s (the time limit, "
                         "RXATLAS_REQUEST_TIMEOUT); send a smaller file, or use the command line")


@dataclass
class UserTable:
    """An opened user file: its kind, encoding and delimiter, and its rows of cell texts, streamed once.

    ``formulas`` fills while rows are read (when asked for): (row, column) of formulas without a cached value.
    """

    path: Path
    kind: str
    encoding: str | None
    delimiter: str | None
    rows: Iterator[list[str]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)


def open_table(path: Path, encoding: str | None = None, *, ask: str = ASK, formulas: bool = False) -> UserTable:
    """Open a CSV (any delimiter of DELIMITERS) or Excel file; rows stream within the limits of settings."""
    if not path.is_file():
        raise InputError(f"{path} does not exist; give the path of a CSV or Excel (.xlsx) file")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty; expected a header row and one row per entry")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):
        table = UserTable(path, "xlsx", None, None, iter(()))
        table.rows = _limited(path, _xlsx_rows(path, table.formulas if formulas else None))
        return table
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{path} is an old Excel (.xls) workbook; save it as .xlsx or as CSV UTF-8")
    used = detect_encoding(path, encoding, ask)
    delimiter = _delimiter(path, used)
    return UserTable(path, "csv", used, delimiter, _limited(path, _csv_rows(path, used, delimiter)))


def _limited(path: Path, rows: Iterator[list[str]]) -> Iterator[list[str]]:
    max_rows = settings.limit("file_rows")
    for number, row in enumerate(rows, start=1):
        if number > max_rows:
            raise InputError(f"{path} has more than {max_rows:,} rows (the limit, RXATLAS_MAX_ROWS); split it "
                             "into smaller files")
        if number % CHECK_EVERY == 0:
            check_time(path, number)
        yield row


def _lines(fh: IO[str], path: Path) -> Iterator[str]:
    """Lines of a text file, refusing a line longer than MAX_LINE_CHARS instead of holding it whole."""
    number = 0
    while line := fh.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            raise InputError(f"{path} line {number}: longer than {MAX_LINE_CHARS:,} characters; this is not a "
                             "list of names: check the file, or save it again as CSV or Excel")
        yield line


def _delimiter(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, newline="") as fh:
        for line in _lines(fh, path):
            if line.strip():
                counts = [line.count(d) for d in DELIMITERS]
                return DELIMITERS[counts.index(max(counts))] if max(counts) else ","
    return ","


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(_lines(fh, path), delimiter=delimiter)
        try:
            yield from reader
        except csv.Error as exc:
            raise InputError(f"{path} line {reader.line_num}: malformed CSV ({exc}); check the quoting, or save "
                             "it as Excel") from exc


def _check_zip(path: Path) -> None:
    """Refuse a workbook that is not a readable zip, or that unpacks past the limit (a zip bomb)."""
    limit = settings.limit("file_unpacked_mb")
    try:
        with zipfile.ZipFile(path) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{path} is not a readable Excel workbook (a damaged zip: {exc}); save it again as "
                         ".xlsx or as CSV UTF-8") from exc
    if "xl/workbook.xml" not in names:
        raise InputError(f"{path} is a zip archive but not an Excel workbook; give a .xlsx or CSV file")
    if unpacked > limit * 2**20:
        raise InputError(f"{path} unpacks to {unpacked / 2**20:,.0f} MB, more than the limit of {limit} MB "
                         "(RXATLAS_MAX_UNPACKED_MB); save it as CSV, or split it")


def _xlsx_rows(path: Path, formulas: dict[tuple[int, int], str] | None) -> Iterator[list[str]]:
    """Cell texts of the first sheet (cached values); formulas without one are recorded when asked."""
    from openpyxl import load_workbook  # heavy; only Excel input needs it

    _check_zip(path)
    books: list[Any] = []
    try:
        try:
            books.append(load_workbook(path, read_only=True, data_only=True))
            if formulas is not None:
                books.append(load_workbook(path, read_only=True, data_only=False))
            sheets = [book.worksheets[0] for book in books]
        except Exception as exc:  # openpyxl raises many kinds on a broken workbook
            raise InputError(f"{path} is not a readable Excel workbook ({type(exc).__name__}: {exc}); save it "
                             "again as .xlsx or as CSV UTF-8") from exc
        values = sheets[0].iter_rows(values_only=True)
        written = sheets[1].iter_rows(values_only=True) if formulas is not None else None
        number = 0
        while True:
            try:
                row = next(values, None)
                given = next(written, ()) if written is not None else ()
            except InputError:
                raise
            except Exception as exc:  # a damaged sheet shows only while it is read
                raise InputError(f"{path} row {number + 1}: the workbook is damaged ({type(exc).__name__}: "
                                 f"{exc}); save it again as .xlsx or as CSV UTF-8") from exc
            if row is None:
                return
            number += 1
            if formulas is not None:
                for c, value in enumerate(row):
                    text = given[c] if c < len(given) else None
                    if value is None and isinstance(text, str) and text.startswith("="):
                        formulas[(number, c)] = text
            yield ["" if v is None else str(v) for v in row]
    finally:
        for book in books:
            book.close()


def output_path(output: Path, *inputs: Path) -> Path:
    """Check a file to write: not one of the input files, in a folder that exists; return it."""
    for given in inputs:
        if output.resolve() == given.resolve() or (output.exists() and given.exists() and output.samefile(given)):
            raise InputError(f"--output {output} is the input file; writing there would destroy it: give "
                             "another file name")
    if not output.parent.is_dir():
        raise InputError(f"--output {output}: the folder {output.parent} does not exist; create it or give "
                         "another path")
    if output.is_dir():
        raise InputError(f"--output {output} is a folder; give a file name in it")
    return output


@contextlib.contextmanager
def replaced_on_success(path: Path) -> Iterator[Path]:
    """A temporary file beside path that replaces it when the block succeeds and is removed when it fails."""
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        yield partial
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
