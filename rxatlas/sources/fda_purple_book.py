"""FDA Purple Book data download: licensed biological products, their BLA type, applicant and dates."""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records, open_binary

PB_DATE = ("%d-%b-%y",)
ENCODING = "utf-8-sig"
HEADER = {
    "N/R/U": "nru", "Applicant": "applicant", "BLA Number": "bla_no", "Proprietary Name": "proprietary_name",
    "Proper Name": "proper_name", "BLA Type": "bla_type", "Strength": "strength", "Dosage Form": "dosage_form",
    "Route of Administration": "route", "Product Presentation": "product_presentation",
    "Marketing Status": "marketing_status", "Licensure": "licensure", "Approval Date": "approval_date",
    "Ref. Product Proper Name": "ref_product_proper_name",
    "Ref. Product Proprietary Name": "ref_product_proprietary_name", "Supplement Number": "supplement_no",
    "Submission Type": "submission_type", "License Number": "license_no", "Product Number": "product_no",
    "Center": "center", "Date of First Licensure": "first_licensure_date",
    "Exclusivity Expiration Date": "exclusivity_exp",
    "First Interchangeable Exclusivity Exp. Date": "first_interchangeable_exclusivity_exp",
    "Ref. Product Exclusivity Exp. Date": "ref_product_exclusivity_exp",
    "Orphan Exclusivity Exp. Date": "orphan_exclusivity_exp",
}
PAST_DATES = ("approval_date", "first_licensure_date")
EXPIRY_DATES = ("exclusivity_exp", "first_interchangeable_exclusivity_exp", "ref_product_exclusivity_exp",
                "orphan_exclusivity_exp")
EXPIRY_PIVOT = 80  # exclusivities began in 1983, so a two-digit expiry year below 80 is in the 2000s
DATE_TBD = "Date TBD"


def _read(text: str, century: int) -> date | None:
    try:
        parsed = datetime.strptime(text.strip(), PB_DATE[0]).date()
        return parsed.replace(year=century + parsed.year % 100)
    except ValueError:  # not d-Mon-yy, or 29-Feb-00 read in the 1900s
        return None


def past_date(text: str, snapshot: date) -> date | str:
    """Read d-Mon-yy as the latest date not after the snapshot; return the text when it is no such date."""
    found = _read(text, 2000)
    if found is not None and found > snapshot:
        found = _read(text, 1900)
    return text if found is None else found  # validation reports bad text against the declared format


def expiry_date(text: str) -> date | str:
    """Read d-Mon-yy as an exclusivity expiry: two-digit years below 80 are in the 2000s."""
    found = _read(text, 2000)
    if found is not None and found.year % 100 >= EXPIRY_PIVOT:
        found = _read(text, 1900)
    return text if found is None else found


def header_offset(file: LocalFile) -> int:
    """Count the lines before the last header line: the official download opens with a title and the
    products changed this month (repeated in the full list that follows the last header)."""
    start = (next(iter(HEADER)) + ",").encode()
    last = 0
    with open_binary(file) as stream:
        for number, raw in enumerate(stream):
            if raw.removeprefix(codecs.BOM_UTF8).startswith(start):
                last = number
    return last


class FdaPurpleBook(Source):
    id = "fda_purple_book"
    title = "FDA Purple Book: licensed biological products"
    publisher = "US Food and Drug Administration"
    homepage = "https://purplebooksearch.fda.gov/"
    licence = "US Government work, public domain"
    refresh_days = 35
    files = (
        FileSpec(
            name="purplebook",
            url="https://purplebooksearch.fda.gov/downloads",
            mirror_glob="fda_purple_book/purplebook_*.csv",
            format="CSV, UTF-8 with BOM; the official monthly download may open with a changes section",
        ),
    )
    tables = (
        Table(
            "product",
            (
                Column("nru", doc="N new, R revised, U updated in this month's release; empty otherwise"),
                Column("applicant", required=True),
                Column("bla_no", required=True, doc="BLA number as published (transitioned NDAs have 5 digits)"),
                Column("proprietary_name", doc="brand names, comma separated; 'N/A' for many allergenics"),
                Column("proper_name", required=True, doc="nonproprietary name"),
                Column("bla_type", required=True, doc="351(a), 351(k) Biosimilar or 351(k) Interchangeable"),
                Column("strength"),
                Column("dosage_form"),
                Column("route"),
                Column("product_presentation", doc="e.g. Single-Dose Vial, Pre-Filled Syringe"),
                Column("marketing_status", doc="Rx, OTC, Disc or Disc*"),
                Column("licensure", doc="Licensed, Voluntarily Revoked or Revoked"),
                Column("approval_date", "DATE", formats=PB_DATE, doc="two-digit year read as not after snapshot"),
                Column("ref_product_proper_name", doc="reference product of a 351(k) biosimilar"),
                Column("ref_product_proprietary_name"),
                Column("supplement_no", doc="supplement number; a few rows list two (11,12)"),
                Column("submission_type", doc="Original or Supplement"),
                Column("license_no", doc="US license number of the manufacturer"),
                Column("product_no", "BIGINT"),
                Column("center", doc="CDER or CBER"),
                Column("first_licensure_date", "DATE", formats=PB_DATE),
                Column("exclusivity_exp", "DATE", formats=PB_DATE),
                Column("first_interchangeable_exclusivity_exp", "DATE", formats=PB_DATE),
                Column("first_interchangeable_exclusivity_tbd", "BOOLEAN",
                       doc="the file says 'Date TBD' for the first interchangeable exclusivity"),
                Column("ref_product_exclusivity_exp", "DATE", formats=PB_DATE),
                Column("orphan_exclusivity_exp", "DATE", formats=PB_DATE),
            ),
            doc="one row per product presentation: BLAs repeat, and some rows repeat exactly",
        ),
    )
    facts = (
        Fact("products", "SELECT count(*) FROM latest.fda_purple_book__product"),
        Fact("blas", "SELECT count(DISTINCT bla_no) FROM latest.fda_purple_book__product"),
    )
    quirks = (
        "UTF-8 with a byte-order mark; some quoted fields hold line breaks.",
        "Dates are d-Mon-yy with years from 1902 to 2025: an approval year is the latest not after the snapshot "
        "(14-Jun-30 is 1930), an exclusivity expiry year below 80 is in the 2000s.",
        "One row per product presentation, so a BLA repeats; some rows repeat exactly (BLA 125743 three times).",
        "The official download opens with the products changed this month, repeated in the full list below.",
        "Names carry trailing spaces and single-space placeholders; they are trimmed to empty.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield one row per product presentation of the full list."""
        file = files["purplebook"]
        for line, record in csv_records(file, HEADER, encoding=ENCODING, skip_lines=header_offset(file)):
            values: dict[str, Any] = {col: record[h] for h, col in HEADER.items()}
            tbd = values["first_interchangeable_exclusivity_exp"].strip() == DATE_TBD
            values["first_interchangeable_exclusivity_tbd"] = tbd
            if tbd:
                values["first_interchangeable_exclusivity_exp"] = None
            for name in PAST_DATES:
                if values[name].strip():
                    values[name] = past_date(values[name], file.snapshot)
            for name in EXPIRY_DATES:
                if values[name] and values[name].strip():
                    values[name] = expiry_date(values[name])
            yield Row("product", file, line, values)
