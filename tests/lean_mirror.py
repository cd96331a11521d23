"""A lean copy of the shared snapshot: every source file, cut to the records that matter to the tests.

Builds on Spark and in the wheel's fresh environment run every reader, model and step, but on fewer rows. Each
delimited file keeps its header lines, its last line, every record that names a focus substance or firm (so joins
across sources still meet: DMF subjects, UNII names, products, shortages and listings of the same substances),
the records sharing an application number or FEI with those, and an even sample of the rest. Files of a few
thousand records, and files that are not delimited text (XML, JSON, Excel, PDF), are copied whole. Records are
copied byte for byte (quoted fields spanning lines stay whole), so the readers see the files' own quirks.
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
import zipfile
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

# Substances across the sources: small molecules with DMFs from many countries, biologics (Purple Book), drugs on
# the shortage lists, the Japanese and essential-medicines lists; and firms the tests screen or look up.
FOCUS = re.compile(  # matched in upper case (ASCII)
    rb"ATORVASTATIN|IBUPROFEN|METFORMIN|AMOXICILLIN|HEPARIN|CISPLATIN|LISINOPRIL|ACETAMINOPHEN|PARACETAMOL"
    rb"|AMLODIPINE|SODIUM CHLORIDE|LIDOCAINE|INSULIN|ADALIMUMAB|PEMBROLIZUMAB|METHOTREXATE|VANCOMYCIN|WUXI"
    rb"|VENOFER|PFIZER|BIOCON|HUAHAI|DR\.? REDDY|ZHEJIANG|AUROBINDO|TEVA|SANDOZ"
)
WHOLE = 3000  # files of at most this many records are copied whole
SAMPLE = 1500  # records kept by the even sample of a larger file
LEAD = 5  # leading records always kept: preamble and header lines
KEYS = {"applno", "feinumber"}  # columns whose values link records across files (normalised names)


def _records(text: str, quoted: bool) -> list[str]:
    """Split text into records: lines, or CSV records whose quoted fields may span lines."""
    lines = text.splitlines(keepends=True)
    if not quoted:
        return lines
    records, consumed = [], 0

    def feed() -> Iterator[str]:
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line

    reader, start = csv.reader(feed()), 0
    try:
        for _ in reader:
            records.append("".join(lines[start:consumed]))
            start = consumed
    except csv.Error:
        records.append("".join(lines[start:]))
        return records
    if start < len(lines):
        records.append("".join(lines[start:]))
    return records


def _key_columns(header: str, delimiter: str) -> dict[int, str]:
    names = next(csv.reader([header], delimiter=delimiter), [])
    normalised = [re.sub(r"[^a-z]", "", n.lower()) for n in names]
    return {i: n for i, n in enumerate(normalised) if n in KEYS}


def _keys_of(record: str, columns: dict[int, str], delimiter: str) -> set[tuple[str, str]]:
    fields = record.rstrip("\r\n").split(delimiter)
    return {(name, fields[i].strip().strip('"').lstrip("0")) for i, name in columns.items() if i < len(fields)}


class _Table:
    """One delimited text (a file or a zip member), its records, and which of them are kept."""

    def __init__(self, data: bytes, name: str) -> None:
        self.text = data.decode("latin-1")  # one character per byte: records re-encode to the same bytes
        self.delimiter = "\t" if name.endswith((".txt", ".xls")) and "~" not in self.text[:500] else \
            "~" if name.endswith(".txt") else ","
        self.records = _records(self.text, quoted=self.delimiter == ",")
        header = next((r for r in self.records[:LEAD] if self.delimiter in r), "")
        self.columns = _key_columns(header, self.delimiter)
        small = len(self.records) <= WHOLE
        step = max(1, len(self.records) // SAMPLE)
        self.focus = set(range(len(self.records))) if small else self._matching()
        self.kept = self.focus | set(range(min(LEAD, len(self.records)))) | {len(self.records) - 1} \
            | set(range(0, len(self.records), step))

    def _matching(self) -> set[int]:
        """The records that name a focus substance or firm (one pass over the text, not one per record)."""
        starts = list(accumulate((len(r) for r in self.records), initial=0))
        upper = self.text.encode("latin-1").upper()  # ASCII letters only: offsets stay those of the text
        return {bisect_right(starts, m.start()) - 1 for m in FOCUS.finditer(upper)}

    def focus_keys(self) -> set[tuple[str, str]]:
        if not self.columns or len(self.records) <= WHOLE:
            return set()
        return set().union(*(_keys_of(self.records[i], self.columns, self.delimiter) for i in self.focus))

    def lean(self, keys: set[tuple[str, str]]) -> bytes:
        if self.columns:
            self.kept |= {i for i, r in enumerate(self.records) if _keys_of(r, self.columns, self.delimiter) & keys}
        return "".join(self.records[i] for i in sorted(self.kept)).encode("latin-1")


def _tables(path: Path) -> dict[str, _Table]:
    """The delimited texts of a file: itself (plain or gzipped), or its text members (zip)."""
    name = path.name.lower()
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            return {m: _Table(archive.read(m), m.lower()) for m in archive.namelist()
                    if m.lower().endswith((".txt", ".xls", ".csv"))}
    plain = name.removesuffix(".gz")
    if plain.endswith((".csv", ".txt")):
        data = path.read_bytes()
        return {"": _Table(gzip.decompress(data) if name.endswith(".gz") else data, plain)}
    return {}


def write_lean_mirror(data: Path, target: Path) -> Path:
    """Write the lean copy of the snapshot folder `data` into `target` (same folders and file names)."""
    files = sorted(p for p in data.rglob("*") if p.is_file())
    tables = {path: _tables(path) for path in files}
    keys = set().union(*(t.focus_keys() for by_member in tables.values() for t in by_member.values()))
    for path in files:
        out = target / path.relative_to(data)
        out.parent.mkdir(parents=True, exist_ok=True)
        by_member = tables[path]
        if not by_member:
            shutil.copyfile(path, out)
        elif path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as lean:
                for info in archive.infolist():
                    body = by_member[info.filename].lean(keys) if info.filename in by_member else \
                        archive.read(info)
                    lean.writestr(info, body, zipfile.ZIP_DEFLATED)
        else:
            body = by_member[""].lean(keys)
            out.write_bytes(gzip.compress(body, mtime=0) if path.name.endswith(".gz") else body)
    return target


if __name__ == "__main__":  # python tests/lean_mirror.py DATA TARGET: write and describe a lean copy
    import sys

    source, lean = Path(sys.argv[1]), Path(sys.argv[2])
    write_lean_mirror(source, lean)
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        copy = lean / path.relative_to(source)
        print(f"{path.relative_to(source)}: {path.stat().st_size:,} -> {copy.stat().st_size:,} bytes")
