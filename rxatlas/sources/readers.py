"""Readers shared by source modules: archives, compressed files, strict decoding, CSV and Excel rows."""

from __future__ import annotations

import codecs
import csv
import fnmatch
import gzip
import io
import json
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import LocalFile

MAX_FIELD_BYTES = 1 << 20
MAX_MEMBER_BYTES = 4 << 30
MAX_JSON_BYTES = 512 << 20
csv.field_size_limit(MAX_FIELD_BYTES)


def _fail(file: LocalFile, message: str, line: int | None = None, field: str | None = None) -> SourceError:
    return SourceError(file.source, Problem(message, str(file.path), line, field))


def kind_of(file: LocalFile) -> str:
    """Tell a file's container from its first bytes: zip, xlsx, gzip or plain."""
    with open(file.path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK"):
        return "xlsx" if "[Content_Types].xml" in zip_members(file) else "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    return "plain"


_CHECKED: set[tuple[str, str]] = set()  # (path, sha256) of archives whose every member passed its CRC check


def zip_members(file: LocalFile) -> list[str]:
    """List the members of a zip file after checking every member's CRC (once per file), with a clear error
    when it is not a readable zip or a member is corrupt (even one no table reads: the file is damaged)."""
    try:
        with zipfile.ZipFile(file.path) as zf:
            names = zf.namelist()
            if (str(file.path), file.sha256) not in _CHECKED:
                bad = zf.testzip()
                if bad is not None:
                    raise _fail(file, f"archive member {bad} is corrupt (its CRC-32 check fails); download the "
                                      "file again")
                _CHECKED.add((str(file.path), file.sha256))
            return names
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
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
        with gzip.open(file.path, "rb") as gz:
            yield gz  # type: ignore[misc]  # GzipFile is a binary stream
    else:
        with open(file.path, "rb") as fh:
            yield fh


def detect_encoding(file: LocalFile, member: str | None = None,
                    candidates: Sequence[str] = ("utf-8", "cp1252")) -> str:
    """Return the first candidate encoding that decodes the whole file (or zip member), else the first one."""
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open_binary(file, member) as stream:
                while block := stream.read(1 << 20):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        except (EOFError, zlib.error, zipfile.BadZipFile):
            break  # text_lines reports the truncation with its line
        return encoding
    return candidates[0]


def text_lines(
    stream: IO[bytes],
    file: LocalFile,
    encoding: str = "utf-8",
    first_line: int = 1,
    field_at: Callable[[bytes, int], str | None] | None = None,
) -> Iterator[str]:
    """Decode a byte stream line by line, failing with the line number on bad bytes or truncation.

    ``field_at(raw_line, offset)`` may name the field holding an undecodable byte.
    """
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
                    field_at(raw, exc.start) if field_at else None,
                ) from exc
    except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile) as exc:
        read_any = line >= first_line
        where = "after this line" if read_any else "before its first line"
        raise _fail(file, f"the file is truncated or corrupt {where} ({exc}); download it again",
                    line if read_any else None) from exc


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
    quotes: bool = True,
    stray_delimiters: bool = False,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (first line of record, {column: value}) from a delimited text file, header checked.

    A record whose quoted fields hold newlines spans several lines and is located at its first one.
    When ``header`` is given the file has none. ``skip_lines`` lines before the header are ignored.
    ``quotes=False`` reads quote characters as plain text (unquoted tab or tilde exports).
    ``stray_delimiters`` accepts a record with more fields than the header when every extra one is empty.
    """
    names: list[str] = list(header or ())

    def field_at(raw: bytes, offset: int) -> str | None:
        index = raw[:offset].count(delimiter.encode())
        return names[index] if index < len(names) else None

    with open_binary(file, member) as stream:
        lines = text_lines(stream, file, encoding, field_at=field_at)
        for _ in range(skip_lines):
            next(lines, None)
        reader = csv.reader(lines, delimiter=delimiter,
                            quoting=csv.QUOTE_MINIMAL if quotes else csv.QUOTE_NONE)
        start = skip_lines + 1
        try:
            if header is None:
                first = next(reader, None)
                if first is None:
                    raise _fail(file, "the file is empty; expected a header row", skip_lines + 1)
                names = [n.strip() if strip_header else n for n in first]
                check_header(file, names, expected, skip_lines + reader.line_num)
            start = skip_lines + reader.line_num + 1
            for record in reader:
                # a lone Ctrl-Z (DOS end-of-file mark, e.g. OFAC's legacy CSV) is not a record
                if not record or (len(record) == 1 and not record[0].strip().rstrip("\x1a")):
                    start = skip_lines + reader.line_num + 1
                    continue
                if stray_delimiters and len(record) > len(names) and \
                        not any(v.strip() for v in record[len(names):]):
                    record = record[:len(names)]
                if len(record) != len(names):
                    raise _fail(
                        file,
                        f"expected {len(names)} fields, found {len(record)}; the line may be cut "
                        "or hold a stray delimiter",
                        start,
                        names[min(len(record), len(names) - 1)],
                    )
                yield start, dict(zip(names, record, strict=True))
                start = skip_lines + reader.line_num + 1
        except csv.Error as exc:
            raise _fail(file, f"malformed CSV ({exc}) in the record starting here", start) from exc


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
        raise _fail(file, f"not a readable Excel workbook ({type(exc).__name__}: {exc}); download it again"
                    ) from exc
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = _sheet_rows(file, ws.iter_rows(values_only=True))
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


def _sheet_rows(file: LocalFile, rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """A sheet's rows; a damaged sheet (it shows only while read, as an XML error) names the file and row."""
    number = 0
    while True:
        try:
            row = next(rows, None)
        except Exception as exc:  # the XML parser's and openpyxl's many kinds
            raise _fail(file, f"the workbook is damaged after row {number} ({type(exc).__name__}: {exc}); "
                              "download it again", number or None) from exc
        if row is None:
            return
        number += 1
        yield row


def table_records(
    file: LocalFile, expected: Iterable[str], **csv_options: Any
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield records from a file that may be the official Excel workbook or a CSV/text export."""
    member = csv_options.get("member")
    kind = kind_of(file) if file.path.stat().st_size else "plain"
    if kind == "xlsx" or (kind == "zip" and member and member.lower().endswith(("xlsx", "xlsm"))):
        return xlsx_records(file, expected, member=member if kind == "zip" else None)
    return csv_records(file, expected, **csv_options)


def _json_text(file: LocalFile, member: str | None, max_bytes: int) -> tuple[str, str | None]:
    """Return the document's text and, when its container is cut short, why (the text is then partial)."""
    data = bytearray()
    damage = None
    with open_binary(file, member) as stream:
        try:
            while chunk := stream.read(1 << 20):
                data += chunk
                if len(data) > max_bytes:
                    raise _fail(file, f"the JSON document is over {max_bytes:,} bytes, more than rxatlas reads "
                                      "whole; check that this is the right file")
        except (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile) as exc:
            damage = str(exc)
    try:
        return bytes(data).decode("utf-8-sig", errors="ignore" if damage else "strict"), damage
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _fail(file, f"bytes {bytes(data[max(exc.start - 8, 0):exc.end + 8])!r} are not valid UTF-8; "
                          "save the file as UTF-8", line) from exc


def json_records(
    file: LocalFile, key: str = "results", *, member: str | None = None, max_bytes: int = MAX_JSON_BYTES
) -> Iterator[tuple[int, Any]]:
    """Yield (record number, record) from the array under ``key`` of a JSON object, read whole up to a limit.

    Records are decoded one by one, so a cut-off or malformed document is located at its record number.
    """
    text, damage = _json_text(file, member, max_bytes)
    cause = f"the file is truncated or corrupt ({damage})" if damage else "the JSON is cut off or malformed"
    decoder = json.JSONDecoder()
    number = 0

    def skip(pos: int) -> int:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        return pos

    def expect(pos: int, chars: str, what: str) -> int:
        pos = skip(pos)
        if pos >= len(text) or text[pos] not in chars:
            where = f"after record {number}" if number else "before the first record"
            raise _fail(file, f"expected {what} at character {pos} ({where}); {cause}; download it again",
                        number or None)
        return skip(pos + 1)

    def decode(pos: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _fail(file, f"record {number or 'header'} does not decode ({exc.msg} at character {exc.pos}); "
                              f"{cause}; download it again", number or None) from exc

    pos = expect(0, "{", "a JSON object '{'")
    found = False
    while text.startswith('"', pos):
        name, pos = decode(pos)
        pos = expect(pos, ":", "':'")
        if name != key:
            _, pos = decode(pos)
        else:
            found = True
            pos = expect(pos, "[", f"an array under {key!r}")
            while not text.startswith("]", pos):
                number += 1
                record, pos = decode(pos)
                yield number, record
                pos = skip(pos)
                if not text.startswith("]", pos):
                    pos = expect(pos, ",", "',' or ']'")
            pos += 1
        pos = skip(pos)
        if not text.startswith(",", pos):
            break
        pos = skip(pos + 1)
    expect(pos, "}", "'}' closing the document")
    if damage:
        raise _fail(file, f"{cause}; download it again", number or None)
    if not found:
        raise _fail(file, f"the JSON object has no {key!r} array; check that this is the right file")
