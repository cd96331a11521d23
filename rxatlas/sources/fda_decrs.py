"""FDA Drug Establishments Current Registration Site: registered drug establishments and their operations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fnmatch import fnmatch
from typing import Any

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import (
    csv_records,
    detect_encoding,
    kind_of,
    open_binary,
    xlsx_records,
    zip_members,
)

HEADER = {
    "FEI_NUMBER": "fei_number",
    "DUNS_NUMBER": "duns_number",
    "FIRM_NAME": "firm_name",
    "ADDRESS": "address",
    "EXPIRATION_DATE": "expiration_date",
    "OPERATIONS": "operations",
    "REGISTRANT_NAME": "registrant_name",
    "REGISTRANT_DUNS": "registrant_duns",
    "EXCLUSION_FLAG": "exclusion_flag",
}
# Members of the official zip, best first: FDA ships drls_reg.txt (tab-separated) beside a workbook.
MEMBER_PATTERNS = ("*.txt", "*.csv", "*.xlsx")
DUNS_DIGITS = 9


class FdaDecrs(Source):
    id = "fda_decrs"
    title = "FDA Drug Establishments Current Registration Site"
    publisher = "US Food and Drug Administration"
    homepage = ("https://www.fda.gov/drugs/drug-approvals-and-databases/"
                "drug-establishments-current-registration-site")
    licence = "US Government work, public domain"
    refresh_days = 30
    files = (
        FileSpec(
            name="drls_reg",
            url="https://www.accessdata.fda.gov/cder/drls_reg.zip",
            mirror_glob="fda_decrs/drls_reg_*",
            format="zip of tab-separated text or Excel (official), or CSV, optionally gzip-compressed",
        ),
    )
    tables = (
        Table(
            "establishment",
            (
                Column("fei_number", doc="FDA Establishment Identifier; blank or all zeros if none"),
                Column("duns_number", required=True, doc="establishment DUNS number (9 digits)"),
                Column("firm_name", required=True, doc="establishment name as registered"),
                Column("address", required=True,
                       doc="one string ending in 'Country (ISO3)'; US addresses carry 'State (ST) ZIP'"),
                Column("expiration_date", "DATE", formats=("%m/%d/%Y", "%Y-%m-%d"),
                       doc="registration is current until this date"),
                Column("operations", doc="business operations separated by ';' (e.g. API MANUFACTURE)"),
                Column("registrant_name", doc="registrant: often a US agent, not the firm itself"),
                Column("registrant_duns", doc="registrant DUNS number"),
                Column("exclusion_flag", doc="Y when FDA excluded the registration, N otherwise"),
            ),
            key=("duns_number",),
            doc="one row per registered establishment (contact-person columns are not loaded)",
        ),
    )
    facts = (
        Fact("establishments", "SELECT count(*) FROM latest.fda_decrs__establishment"),
        Fact("api_manufacture_sites",
             "SELECT count(*) FROM latest.fda_decrs__establishment "
             "WHERE upper(operations) LIKE '%API MANUFACTURE%'"),
    )
    quirks = (
        "The country is only the last '(ISO3)' of ADDRESS; a few addresses end in a bare country name.",
        "'Korea, South' is the one country name holding a comma.",
        "REGISTRANT_NAME is often a US agent acting for a foreign firm, not the firm itself.",
        "About 230 FEIs are blank and some are all zeros (7 or 10 digits).",
        "Firm names and addresses carry non-ASCII letters (269 rows in the August 2025 file).",
        "The official drls_reg.txt is tab-separated, with a space before FEI_NUMBER and a trailing tab "
        "on data rows; contact-person columns are left out on purpose.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield one row per establishment from the official zip, a workbook or a CSV copy."""
        file = files["drls_reg"]
        for line, record in _records(file):
            values = {HEADER[k]: record[k] for k in HEADER}
            for name in ("duns_number", "registrant_duns"):
                values[name] = _duns(values[name])
            yield Row("establishment", file, line, values)


def _records(file: LocalFile) -> Iterator[tuple[int, dict[str, Any]]]:
    """Records of whichever container FDA or the mirror used: zip, workbook, or delimited text."""
    kind = kind_of(file)
    if kind == "xlsx":
        return xlsx_records(file, HEADER)
    member = _member(file) if kind == "zip" else None
    if member is not None and member.lower().endswith(".xlsx"):
        return xlsx_records(file, HEADER, member=member)
    encoding = detect_encoding(file, member, ("utf-8-sig", "cp1252"))
    return csv_records(file, HEADER, member=member, encoding=encoding, delimiter=_delimiter(file, member),
                       stray_delimiters=True)


def _member(file: LocalFile) -> str:
    names = zip_members(file)
    for pattern in MEMBER_PATTERNS:
        for name in names:
            if fnmatch(name.lower(), pattern):
                return name
    return MEMBER_PATTERNS[0]  # open_binary then names what the archive holds instead


def _delimiter(file: LocalFile, member: str | None) -> str:
    with open_binary(file, member) as stream:
        head = stream.readline()
    return "\t" if b"\t" in head else ","


def _duns(value: Any) -> Any:
    """A DUNS stored as a number in a workbook loses its leading zeros; put them back."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return f"{int(value):0{DUNS_DIGITS}d}"
    return value
