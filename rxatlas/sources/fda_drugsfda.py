"""Drugs@FDA: applications and sponsors, products, submissions, marketing status and TE codes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records, detect_encoding

OFFICIAL = "https://www.fda.gov/media/89850/download"
FORMAT = "tab-separated text, one file per table, or the official drugsatfda.zip holding them all"
APPL_NO = Column("appl_no", required=True, doc="application number as published, 6 digits with leading zeros")
PRODUCT_NO = Column("product_no", required=True, doc="product number within the application, 3 digits")


@dataclass(frozen=True)
class _Layout:
    """Where one raw table comes from: the declared file, its member in the official zip, header to columns."""

    spec: str
    member: str
    header: dict[str, str]


def _spec(name: str, glob: str, doc: str) -> FileSpec:
    return FileSpec(name=name, url=OFFICIAL, mirror_glob=f"fda_drugsfda/{glob}", format=FORMAT, doc=doc)


LAYOUTS = {
    "application": _Layout("applications", "Applications.txt", {
        "ApplNo": "appl_no", "ApplType": "appl_type", "ApplPublicNotes": "appl_public_notes",
        "SponsorName": "sponsor_name"}),
    "product": _Layout("products", "Products.txt", {
        "ApplNo": "appl_no", "ProductNo": "product_no", "Form": "form", "Strength": "strength",
        "ReferenceDrug": "reference_drug", "DrugName": "drug_name", "ActiveIngredient": "active_ingredient",
        "ReferenceStandard": "reference_standard"}),
    "submission": _Layout("submissions", "Submissions.txt", {
        "ApplNo": "appl_no", "SubmissionClassCodeID": "submission_class_code_id",
        "SubmissionType": "submission_type", "SubmissionNo": "submission_no",
        "SubmissionStatus": "submission_status", "SubmissionStatusDate": "submission_status_date",
        "SubmissionsPublicNotes": "submissions_public_notes", "ReviewPriority": "review_priority"}),
    "marketing_status": _Layout("marketing_status", "MarketingStatus.txt", {
        "MarketingStatusID": "marketing_status_id", "ApplNo": "appl_no", "ProductNo": "product_no"}),
    "marketing_status_lookup": _Layout("marketing_status_lookup", "MarketingStatus_Lookup.txt", {
        "MarketingStatusID": "marketing_status_id", "MarketingStatusDescription": "description"}),
    "te": _Layout("te", "TE.txt", {
        "ApplNo": "appl_no", "ProductNo": "product_no", "MarketingStatusID": "marketing_status_id",
        "TECode": "te_code"}),
    "submission_class_lookup": _Layout("submission_class_lookup", "SubmissionClass_Lookup.txt", {
        "SubmissionClassCodeID": "submission_class_code_id", "SubmissionClassCode": "code",
        "SubmissionClassCodeDescription": "description"}),
}


class FdaDrugsFda(Source):
    id = "fda_drugsfda"
    title = "Drugs@FDA data files"
    publisher = "US Food and Drug Administration"
    homepage = "https://www.fda.gov/drugs/drug-approvals-and-databases/drugsfda-data-files"
    licence = "US Government work, public domain"
    refresh_days = 14
    files = (
        _spec("applications", "*_Applications.txt", "Applications.txt: application number, type, sponsor"),
        _spec("marketing_status", "*_MarketingStatus.txt", "MarketingStatus.txt: status id per product"),
        _spec("marketing_status_lookup", "*_MarketingStatus_Lookup.txt", "MarketingStatus_Lookup.txt"),
        _spec("te", "*_TE.txt", "TE.txt: therapeutic equivalence codes per product"),
        _spec("submission_class_lookup", "*_SubmissionClass_Lookup.txt", "SubmissionClass_Lookup.txt"),
        _spec("products", "drugsatfda_*.zip",
              "Products.txt; the mirror's newest Products is in the complete 2019-07-02 set"),
        _spec("submissions", "drugsatfda_*.zip",
              "Submissions.txt; the mirror's newest Submissions is in the complete 2019-07-02 set"),
    )
    tables = (
        Table(
            "application",
            (
                APPL_NO,
                Column("appl_type", required=True, doc="NDA, ANDA or BLA"),
                Column("appl_public_notes", doc="public notes on the application"),
                Column("sponsor_name", doc="sponsor as written by FDA"),
            ),
            key=("appl_no",),
            doc="one row per application",
        ),
        Table(
            "product",
            (
                APPL_NO,
                PRODUCT_NO,
                Column("form", doc="dosage form;route, e.g. TABLET;ORAL"),
                Column("strength"),
                Column("reference_drug", "BIGINT", doc="1 reference listed drug, 0 not, 2 as published"),
                Column("drug_name", doc="brand or generic name; doubled quotes of the export are undone"),
                Column("active_ingredient", doc="active ingredients, '; ' separated"),
                Column("reference_standard", "BIGINT", doc="1 reference standard, 0 not, empty unknown"),
            ),
            key=("appl_no", "product_no"),
            doc="one row per product of an application (Products.txt)",
        ),
        Table(
            "submission",
            (
                APPL_NO,
                Column("submission_class_code_id", "BIGINT", doc="see submission_class_lookup"),
                Column("submission_type", required=True, doc="ORIG or SUPPL"),
                Column("submission_no", "BIGINT", required=True),
                Column("submission_status", doc="AP approved, TA tentatively approved"),
                Column("submission_status_date", "DATE", formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")),
                Column("submissions_public_notes", doc="free text, decoded from Windows-1252 when not UTF-8"),
                Column("review_priority", doc="STANDARD, PRIORITY, ..."),
            ),
            key=("appl_no", "submission_type", "submission_no"),
            doc="one row per original application or supplement (Submissions.txt)",
        ),
        Table(
            "marketing_status",
            (
                Column("marketing_status_id", "BIGINT", required=True),
                APPL_NO,
                PRODUCT_NO,
            ),
            key=("appl_no", "product_no"),
            doc="one row per product with its marketing status id",
        ),
        Table(
            "marketing_status_lookup",
            (
                Column("marketing_status_id", "BIGINT", required=True),
                Column("description", required=True),
            ),
            key=("marketing_status_id",),
        ),
        Table(
            "te",
            (
                APPL_NO,
                PRODUCT_NO,
                Column("marketing_status_id", "BIGINT"),
                Column("te_code", doc="therapeutic equivalence code, e.g. AB; a product may have several"),
            ),
            doc="therapeutic equivalence codes; not unique per product (AB1..AB4) and holds a repeated row",
        ),
        Table(
            "submission_class_lookup",
            (
                Column("submission_class_code_id", "BIGINT", required=True),
                Column("code", required=True),
                Column("description"),
            ),
            key=("submission_class_code_id",),
        ),
    )
    facts = (
        Fact("applications", "SELECT count(*) FROM latest.fda_drugsfda__application"),
        Fact("products", "SELECT count(*) FROM latest.fda_drugsfda__product"),
        Fact("submissions", "SELECT count(*) FROM latest.fda_drugsfda__submission"),
    )
    quirks = (
        "Application numbers carry leading zeros (000004): kept as 6-character text.",
        "Submissions.txt of the 2019 set is Windows-1252, not UTF-8 (0x92 right quote, 0x96 en dash).",
        "Three Products rows (ANDA 206029) end with an extra tab: the eighth field (ReferenceStandard) is "
        "empty and the ninth is a stray delimiter, dropped.",
        "Fields are unquoted; a few drug names carry doubled quotes (GERMA-MEDICA \"\"MG\"\"), undone on load.",
        "The 2025 mirror tables lack Products and Submissions: those come from the complete 2019-07-02 set.",
        "TE.txt lists several codes per product (AB1..AB4) and repeats one row.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield the rows of every Drugs@FDA table, from separate text files or the official zip."""
        for table, layout in LAYOUTS.items():
            yield from self.parse_table(table, files[layout.spec])

    def parse_table(self, table: str, file: LocalFile) -> Iterator[Row]:
        """Yield the rows of one table from its text file or its member of a Drugs@FDA zip."""
        layout = LAYOUTS[table]
        encoding = detect_encoding(file, layout.member)
        records = csv_records(file, layout.header, member=layout.member, encoding=encoding, delimiter="\t",
                              quotes=False, stray_delimiters=True)
        for line, record in records:
            yield Row(table, file, line, {col: record[h].replace('""', '"') for h, col in layout.header.items()})
