"""FDA drug shortages: the openFDA bulk JSON and the FDA Drug Shortages database CSV export."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records, json_records

MDY = ("%m/%d/%Y",)
_NDC_IN_PRESENTATION = re.compile(r"NDC\s*(\d{4,5}-\d{3,4}-\d{1,2})")

# openFDA field -> column; the same names serve the CSV columns of the same meaning.
OPENFDA_FIELDS = {
    "generic_name": "generic_name", "company_name": "company_name", "presentation": "presentation",
    "package_ndc": "package_ndc", "dosage_form": "dosage_form", "status": "status",
    "update_type": "update_type", "availability": "availability", "related_info": "related_info",
    "related_info_link": "related_info_link", "resolved_note": "resolved_note",
    "shortage_reason": "shortage_reason", "contact_info": "contact_info",
    "initial_posting_date": "initial_posting_date", "update_date": "update_date",
    "change_date": "change_date", "discontinued_date": "discontinued_date",
}
OPENFDA_LISTS = (
    "application_number", "brand_name", "generic_name", "manufacturer_name", "substance_name", "product_type",
    "route", "unii", "product_ndc", "package_ndc", "rxcui", "spl_id", "spl_set_id", "nui",
    "pharm_class_epc", "pharm_class_cs", "pharm_class_moa", "pharm_class_pe",
)
# CSV header (stripped of the export's leading spaces) -> column
CSV_HEADER = {
    "Generic Name": "generic_name", "Company Name": "company_name", "Contact Info": "contact_info",
    "Presentation": "presentation", "Type of Update": "update_type", "Date of Update": "update_date",
    "Availability Information": "availability", "Related Information": "related_info",
    "Resolved Note": "resolved_note", "Reason for Shortage": "shortage_reason",
    "Therapeutic Category": "therapeutic_category", "Status": "status", "Change Date": "change_date",
    "Date Discontinued": "discontinued_date", "Initial Posting Date": "initial_posting_date",
    "Related Info Link": "related_info_link",
}


def _shared_columns() -> tuple[Column, ...]:
    return (
        Column("generic_name", required=True, doc="shortage name: ingredient(s) and dosage form"),
        Column("company_name", required=True, doc="company reporting the presentation"),
        Column("presentation", required=True, doc="product, form, strength and package NDC"),
        Column("package_ndc", doc="package NDC of the presentation"),
        Column("status", required=True, doc="Current, To Be Discontinued or Resolved"),
        Column("update_type", doc="New, Revised or Reverified"),
        Column("availability", doc="availability as written by FDA (Available, Unavailable, ...)"),
        Column("related_info", doc="free-text notes: recovery estimate, discontinuation"),
        Column("related_info_link", doc="link given with the notes"),
        Column("resolved_note", doc="note given when the shortage was resolved"),
        Column("shortage_reason", doc="reason under FDASIA section 506C, when given"),
        Column("therapeutic_category", "VARCHAR[]", doc="therapeutic categories"),
        Column("contact_info", doc="company contact for the presentation"),
        Column("initial_posting_date", "DATE", required=True, formats=MDY, doc="first posted"),
        Column("update_date", "DATE", required=True, formats=MDY, doc="last updated"),
        Column("change_date", "DATE", formats=MDY, doc="date of the last status change"),
        Column("discontinued_date", "DATE", formats=MDY, doc="discontinuation date, when discontinued"),
    )


def _fail(file: LocalFile, line: int, field: str, message: str) -> SourceError:
    return SourceError(file.source, Problem(message, str(file.path), line, field))


def _text(file: LocalFile, line: int, field: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _fail(file, line, field, f"expected text, found {type(value).__name__}; the file format changed")


def _strings(file: LocalFile, line: int, field: str, value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(file, line, field, "expected a list of strings; the file format changed")
    return value


def openfda_rows(file: LocalFile) -> Iterator[Row]:
    """Yield one row per openFDA shortage result, located by record number."""
    for number, record in json_records(file, member="*.json"):
        if not isinstance(record, dict):
            raise _fail(file, number, "results", "expected an object per result; the file format changed")
        values: dict[str, Any] = {
            column: _text(file, number, field, record.get(field)) for field, column in OPENFDA_FIELDS.items()
        }
        values["therapeutic_category"] = _strings(
            file, number, "therapeutic_category", record.get("therapeutic_category"))
        ids = record.get("openfda") or {}
        if not isinstance(ids, dict):
            raise _fail(file, number, "openfda", "expected an object; the file format changed")
        for key in OPENFDA_LISTS:
            values[f"openfda_{key}"] = _strings(file, number, f"openfda.{key}", ids.get(key))
        values["has_openfda"] = bool(ids)
        yield Row("openfda", file, number, values)


def dsc_rows(file: LocalFile) -> Iterator[Row]:
    """Yield one row per line of the FDA Drug Shortages CSV export (blank first line, header on line 2)."""
    for line, record in csv_records(file, CSV_HEADER, skip_lines=1):
        values: dict[str, Any] = {column: record[name] for name, column in CSV_HEADER.items()}
        values["therapeutic_category"] = [c.strip() for c in record["Therapeutic Category"].split(";")]
        ndc = _NDC_IN_PRESENTATION.search(record["Presentation"])
        values["package_ndc"] = ndc.group(1) if ndc else None
        yield Row("dsc", file, line, values)


class FdaShortages(Source):
    id = "fda_shortages"
    title = "FDA drug shortages (openFDA and FDA Drug Shortages database)"
    publisher = "US Food and Drug Administration"
    homepage = "https://open.fda.gov/apis/drug/drugshortages/"
    licence = "US Government work, public domain (openFDA: CC0 1.0)"
    refresh_days = 7
    files = (
        FileSpec(
            name="openfda",
            url="https://download.open.fda.gov/drug/shortages/drug-shortages-0001-of-0001.json.zip",
            mirror_glob="fda_shortages/openfda_drug-shortages_*.json*",
            format="openFDA JSON {meta, results} in a zip (official), gzip or plain",
        ),
        FileSpec(
            name="dsc_csv",
            url="https://www.accessdata.fda.gov/scripts/drugshortages/Drugshortages.cfm",
            mirror_glob="fda_shortages/fda_dsc_drugshortages_*.csv*",
            format="CSV export of the FDA Drug Shortages database, optionally gzip-compressed",
        ),
    )
    tables = (
        Table(
            "openfda",
            (
                *_shared_columns(),
                Column("dosage_form", doc="dosage form"),
                *(Column(f"openfda_{key}", "VARCHAR[]", doc=f"openfda.{key} of the product (empty when absent)")
                  for key in OPENFDA_LISTS),
                Column("has_openfda", "BOOLEAN", required=True, doc="the record carries a non-empty openfda block"),
            ),
            doc="one row per openFDA shortage result (a presentation); line is the record number",
        ),
        Table(
            "dsc",
            _shared_columns(),
            doc="one row per presentation of the FDA Drug Shortages CSV export; package_ndc is read from "
                "the presentation text",
        ),
    )
    facts = (
        Fact("openfda_records", "SELECT count(*) FROM latest.fda_shortages__openfda"),
        Fact("csv_records", "SELECT count(*) FROM latest.fda_shortages__dsc"),
        Fact("current_shortages", "SELECT count(*) FROM latest.fda_shortages__openfda WHERE status = 'Current'"),
    )
    quirks = (
        "openFDA: one JSON object {meta, results}; dates MM/DD/YYYY; application number, UNII and NDC lists "
        "sit under openfda, which 163 of 1,640 records lack or hold empty.",
        "openFDA: the same package NDC can appear in several results (one per shortage name).",
        "CSV export: first line blank, header on line 2, header names with leading and trailing spaces.",
        "CSV export: no application number or UNII; therapeutic categories are ';'-separated.",
        "The two files are different snapshots of the same database and overlap; core.shortage keeps both, and "
        "`rxatlas shortages` merges their copies into one row per presentation (docs/shortages.md).",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield the openFDA results and the CSV export rows."""
        yield from openfda_rows(files["openfda"])
        yield from dsc_rows(files["dsc_csv"])
