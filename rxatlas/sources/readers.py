"""Readers shared by source modules: archives, compressed files, strict decoding, CSV and Excel rows."""

from __future__ import annotations

import csv
import fnmatch
import gzip
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import LocalFile

MAX_FIELD_BYTES = 1 << 20
MAX_MEMBER_BYTES = 4 << 30
csv.field_size_limit(MAX_FIELD_BYTES)


def _fail(file: LocalFile, message: str, line: int | None = None, field: str | None = None) -> SourceError:
    return SourceError(file.source, Problem(message, str(file.path), line, field))


def kind_of(file: LocalFile) -> str:
    """Tell a file's container from its first bytes: zip, xlsx, gzip or plain."""
    with open(file.path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK"):
        with zipfile.ZipFile(file.path) as zf:
            return "xlsx" if "[Content_Types].xml" in zf.namelist() else "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    return "plain"


def zip_members(file: LocalFile) -> list[str]:
    """List the members of a zip file, with a clear error when it is not a readable zip."""
    try:
        with zipfile.ZipFile(file.path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(file, f"not a readable zip archive ({exc}); download it again") from exc


@contextmanager
def open_binary(file: LocalFile, member: str | None = None) -> Iterator[IO[bytes]]:
    """Open a file's bytes, looking inside a zip (member glob) or gzip container as needed."""
    kind = kind_of(file) if file.path.stat().st_size else "plain"
    if kind in ("zip", "xlsx") and member is not None:
        names = zip_members(file)
        matches = [n for n in names if fnmatch.fnmatch(n.lower(), member.lower())]
        if not matches:
            raise _fail(file, f"the archive has no member matching {member!r}; it holds {names[:20]}")
        with zipfile.ZipFile(file.path) as zf:
            info = zf.getinfo(matches[0])
            if info.file_size > MAX_MEMBER_BYTES:
                raise _fail(file, f"member {info.filename} unpacks to {info.file_size} bytes, over the limit")
            with zf.open(info) as fh:
                yield fh
    elif kind == "gzip":
        with gzip.open(file.path, "rb") as fh:
            yield fh
    else:
        with open(file.path, "rb") as fh:
            yield fh


def text_lines(
    stream: IO[bytes], file: LocalFile, encoding: str = "utf-8", first_line: int = 1
) -> Iterator[str]:
    """Decode a byte stream line by line, failing with the line number on bad bytes or truncation."""
    line = first_line - 1
    try:
        for raw in stream:
            line += 1
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise _fail(
                    file,
                    f"bytes {raw[max(exc.start - 8, 0):exc.end + 8]!r} are not valid {encoding}; "
                    "save the file with that encoding",
                    line,
                ) from exc
    except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile) as exc:
        raise _fail(file, f"the file is truncated or corrupt after this line ({exc}); download it again",
                    line) from exc


def check_header(file: LocalFile, seen: Sequence[str], expected: Iterable[str], line: int) -> None:
    """Fail, listing what is missing and what was seen, when expected columns are absent."""
    missing = [c for c in expected if c not in seen]
    if missing:
        raise _fail(
            file,
            f"missing column(s) {missing}; the header has {list(seen)}",
            line,
            missing[0],
        )


def csv_records(
    file: LocalFile,
    expected: Iterable[str],
    *,
    member: str | None = None,
    encoding: str = "utf-8-sig",
    delimiter: str = ",",
    header: Sequence[str] | None = None,
    skip_lines: int = 0,
    strip_header: bool = True,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (first line of record, {column: value}) from a delimited text file, header checked.

    A record whose quoted fields hold newlines spans several lines and is located at its first one.
    When ``header`` is given the file has none. ``skip_lines`` lines before the header are ignored.
    """
    with open_binary(file, member) as stream:
        lines = text_lines(stream, file, encoding)
        for _ in range(skip_lines):
            next(lines, None)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            if header is None:
                names = next(reader, None)
                if names is None:
                    raise _fail(file, "the file is empty; expected a header row", skip_lines + 1)
                names = [n.strip() if strip_header else n for n in names]
                check_header(file, names, expected, skip_lines + reader.line_num)
            else:
                names = list(header)
            start = skip_lines + reader.line_num + 1
            for record in reader:
                if not record or (len(record) == 1 and not record[0].strip()):
                    start = skip_lines + reader.line_num + 1
                    continue
                if len(record) != len(names):
                    raise _fail(
                        file,
                        f"expected {len(names)} fields, found {len(record)}; the line may be cut "
                        "or hold a stray delimiter",
                        start,
                    )
                yield start, dict(zip(names, record, strict=True))
                start = skip_lines + reader.line_num + 1
        except csv.Error as exc:
            raise _fail(file, f"malformed CSV ({exc})", skip_lines + reader.line_num) from exc


def xlsx_records(
    file: LocalFile,
    expected: Iterable[str],
    *,
    sheet: str | None = None,
    member: str | None = None,
    header_scan: int = 20,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row number, {column: value}) from an Excel sheet whose header is found among its first rows."""
    from openpyxl import load_workbook  # heavy; only Excel variants need it

    wanted = list(expected)
    with open_binary(file, member) as stream:
        data = io.BytesIO(stream.read())
    try:
        wb = load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise _fail(file, f"not a readable Excel workbook ({exc})") from exc
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        names: list[str] | None = None
        best: list[str] = []
        for number, row in enumerate(rows, start=1):
            cells = ["" if v is None else str(v).strip() for v in row]
            if names is None:
                if all(c in cells for c in wanted):
                    names = cells
                elif number >= header_scan:
                    break
                elif sum(c in cells for c in wanted) > sum(c in best for c in wanted):
                    best = cells
                continue
            if not any(v not in (None, "") for v in row):
                continue
            yield number, {n: v for n, v in zip(names, row, strict=False) if n}
        if names is None:
            check_header(file, best, wanted, 1)
    finally:
        wb.close()


def table_records(
    file: LocalFile, expected: Iterable[str], **csv_options: Any
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield records from a file that may be the official Excel workbook or a CSV/text export."""
    member = csv_options.get("member")
    kind = kind_of(file) if file.path.stat().st_size else "plain"
    if kind == "xlsx" or (kind == "zip" and member and member.lower().endswith(("xlsx", "xlsm"))):
        return xlsx_records(file, expected, member=member if kind == "zip" else None)
    return csv_records(file, expected, **csv_options)
