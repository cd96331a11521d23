"""FDA compliance records: Data Dashboard compliance actions and published Form 483s, and warning letters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records

ISO = ("%Y-%m-%d",)
MDY = ("%m/%d/%Y",)
DASHBOARD = "https://datadashboard.fda.gov/ora/"

ACTIONS_HEADER = {
    "FEI Number": "fei", "Legal Name": "legal_name", "State": "state", "Country/Area": "country_area",
    "Product Type": "product_type", "Action Taken Date": "action_taken_date", "Action Type": "action_type",
    "Case/Injunction ID": "case_id",
}
FORM_483_HEADER = {
    "Record Date": "record_date", "FEI Number": "fei", "Legal Name": "legal_name", "Record Type": "record_type",
    "Date Posted": "date_posted", "Download": "download_url", "Record ID": "record_id",
}
LETTERS_HEADER = {
    "url": "url", "posted_date": "posted_date", "letter_date": "letter_date", "company": "company",
    "issuing_office": "issuing_office", "subject": "subject",
}
# The dashboard writes "-" for an absent state or country.
_ABSENT = "-"


def _rows(file: LocalFile, table: str, header: Mapping[str, str]) -> Iterator[Row]:
    for line, record in csv_records(file, header):
        values = {column: (None if record[name].strip() == _ABSENT else record[name])
                  for name, column in header.items()}
        yield Row(table, file, line, values)


def letter_rows(file: LocalFile) -> Iterator[Row]:
    """Yield warning letters with the last part of their fda.gov address as their id."""
    for row in _rows(file, "warning_letters", LETTERS_HEADER):
        row.values["letter_id"] = row.values["url"].rstrip("/").rsplit("/", 1)[-1]
        yield row


class FdaCompliance(Source):
    id = "fda_compliance"
    title = "FDA compliance actions, published Form 483s and warning letters"
    publisher = "US Food and Drug Administration"
    homepage = "https://datadashboard.fda.gov/ora/"
    licence = "US Government work, public domain"
    refresh_days = 31
    files = (
        FileSpec(
            name="compliance_actions",
            url=DASHBOARD,
            mirror_glob="fda_compliance/compliance_actions_*.csv*",
            format="CSV export of the FDA Data Dashboard compliance actions, optionally gzip-compressed",
        ),
        FileSpec(
            name="published_483s",
            url=DASHBOARD,
            mirror_glob="fda_compliance/published_483s_*.csv*",
            format="CSV export of the FDA Data Dashboard published Form 483s, optionally gzip-compressed",
        ),
        FileSpec(
            name="warning_letters",
            url="https://www.fda.gov/inspections-compliance-enforcement-and-criminal-investigations/"
                "compliance-actions-and-activities/warning-letters",
            mirror_glob="fda_compliance/warning_letters_*.csv*",
            format="CSV export of the fda.gov warning-letter index, optionally gzip-compressed",
        ),
    )
    tables = (
        Table(
            "compliance_actions",
            (
                Column("fei", required=True, doc="FDA Establishment Identifier of the firm"),
                Column("legal_name", required=True, doc="firm's legal name"),
                Column("state", doc="US state; NULL outside the US (the file writes '-')"),
                Column("country_area", doc="country or area name; NULL when the file writes '-'"),
                Column("product_type", required=True, doc="Drugs, Devices, Biologics, ..."),
                Column("action_taken_date", "DATE", required=True, formats=ISO, doc="date of the action"),
                Column("action_type", required=True, doc="Warning Letter, Injunction or Seizure"),
                Column("case_id", required=True, doc="case or injunction id (one case can name several FEIs)"),
            ),
            key=("case_id", "fei"),
            doc="one row per compliance action and firm, all product types",
        ),
        Table(
            "published_483s",
            (
                Column("record_date", "DATE", formats=ISO, doc="date the Form 483 was issued"),
                Column("fei", doc="FDA Establishment Identifier; missing for a few older records"),
                Column("legal_name", required=True, doc="firm's legal name"),
                Column("record_type", required=True, doc="always 483"),
                Column("date_posted", "DATE", required=True, formats=ISO, doc="date FDA published it"),
                Column("download_url", required=True, doc="address of the published 483 document"),
                Column("record_id", "BIGINT", required=True, doc="dashboard record id"),
            ),
            key=("record_id",),
            doc="one row per published Form 483 (product type not given)",
        ),
        Table(
            "warning_letters",
            (
                Column("url", required=True, doc="path of the letter on fda.gov"),
                Column("letter_id", required=True, doc="last part of url: firm slug, case number, letter date"),
                Column("posted_date", "DATE", required=True, formats=MDY, doc="date posted on fda.gov"),
                Column("letter_date", "DATE", required=True, formats=MDY, doc="date of the letter"),
                Column("company", required=True, doc="addressee as written by FDA"),
                Column("issuing_office", doc="FDA centre or office that issued the letter"),
                Column("subject", required=True, doc="letter subject, '/'-separated topics"),
            ),
            key=("url",),
            doc="one row per warning letter of every FDA centre (no FEI)",
        ),
    )
    facts = (
        Fact("compliance_actions", "SELECT count(*) FROM latest.fda_compliance__compliance_actions"),
        Fact("drug_compliance_actions",
             "SELECT count(*) FROM latest.fda_compliance__compliance_actions WHERE product_type = 'Drugs'"),
        Fact("published_483s", "SELECT count(*) FROM latest.fda_compliance__published_483s"),
        Fact("warning_letters", "SELECT count(*) FROM latest.fda_compliance__warning_letters"),
    )
    quirks = (
        "Compliance actions mix drugs with devices and biologics: filter on product_type.",
        "The dashboard writes '-' for an absent state or country; country names are English short names "
        "(Taiwan, Russia, Turkey, Czech Republic).",
        "A compliance case can name several firms: the key is case id and FEI. Some FEIs have 4-7 digits.",
        "Published 483s carry no product type and no country; 24 have no FEI and 19 no record date.",
        "The warning-letter index covers every FDA centre (1,176 from the tobacco centre); the issuing office "
        "is written in many variants (e.g. 'Center for Drug Evaluation and Research | CDER') and has no FEI.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield compliance actions, published 483s and warning letters."""
        yield from _rows(files["compliance_actions"], "compliance_actions", ACTIONS_HEADER)
        yield from _rows(files["published_483s"], "published_483s", FORM_483_HEADER)
        yield from letter_rows(files["warning_letters"])
