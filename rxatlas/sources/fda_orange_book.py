"""FDA Orange Book data files: patents and exclusivities per approved product, and the products when present."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records, detect_encoding

OFFICIAL = "https://www.fda.gov/media/76860/download"
FORMAT = "'~'-separated text, one file per table, or the official Orange Book zip (EOBZIP) holding them"
OB_DATE = ("%b %d, %Y",)
PRIOR = "Approved Prior to "
KEY_COLUMNS = (
    Column("appl_type", required=True, doc="N for an NDA, A for an ANDA"),
    Column("appl_no", required=True, doc="application number, 6 digits with leading zeros"),
    Column("product_no", required=True, doc="product number within the application, 3 digits"),
)
KEY_HEADER = {"Appl_Type": "appl_type", "Appl_No": "appl_no", "Product_No": "product_no"}
HEADERS = {
    "patent": KEY_HEADER | {
        "Patent_No": "patent_no", "Patent_Expire_Date_Text": "patent_expire_date",
        "Drug_Substance_Flag": "drug_substance_flag", "Drug_Product_Flag": "drug_product_flag",
        "Patent_Use_Code": "patent_use_code", "Delist_Flag": "delist_flag", "Submission_Date": "submission_date"},
    "exclusivity": KEY_HEADER | {"Exclusivity_Code": "exclusivity_code", "Exclusivity_Date": "exclusivity_date"},
    "product": KEY_HEADER | {
        "Ingredient": "ingredient", "DF;Route": "dosage_form_route", "Trade_Name": "trade_name",
        "Applicant": "applicant", "Strength": "strength", "TE_Code": "te_code", "Approval_Date": "approval_date",
        "RLD": "rld", "RS": "rs", "Type": "type", "Applicant_Full_Name": "applicant_full_name"},
}
MEMBERS = {"patent": "patent.txt", "exclusivity": "exclusivity.txt", "product": "products.txt"}


class FdaOrangeBook(Source):
    id = "fda_orange_book"
    title = "FDA Orange Book data files"
    publisher = "US Food and Drug Administration"
    homepage = "https://www.fda.gov/drugs/drug-approvals-and-databases/orange-book-data-files"
    licence = "US Government work, public domain"
    refresh_days = 35
    files = (
        FileSpec("patent", OFFICIAL, "fda_orange_book/patent_*.txt", FORMAT, doc="patent.txt"),
        FileSpec("exclusivity", OFFICIAL, "fda_orange_book/exclusivity_*.txt", FORMAT, doc="exclusivity.txt"),
        FileSpec("product", OFFICIAL, "fda_orange_book/products_*.txt", FORMAT, required=False,
                 doc="products.txt; not in the shared mirror, loaded when present (always in the official zip)"),
    )
    tables = (
        Table(
            "patent",
            (
                *KEY_COLUMNS,
                Column("patent_no", required=True, doc="patent number; a '*PED' suffix marks pediatric exclusivity"),
                Column("patent_expire_date", "DATE", required=True, formats=OB_DATE),
                Column("drug_substance_flag", "BOOLEAN", doc="Y: claims the drug substance; empty otherwise"),
                Column("drug_product_flag", "BOOLEAN", doc="Y: claims the drug product; empty otherwise"),
                Column("patent_use_code", doc="use code, e.g. U-141; one row per use code"),
                Column("delist_flag", "BOOLEAN", doc="Y: the sponsor asked to delist the patent"),
                Column("submission_date", "DATE", formats=OB_DATE, doc="date FDA received the patent information"),
            ),
            key=("appl_type", "appl_no", "product_no", "patent_no", "patent_use_code"),
            doc="one row per product, patent and use code",
        ),
        Table(
            "exclusivity",
            (
                *KEY_COLUMNS,
                Column("exclusivity_code", required=True, doc="e.g. NCE, ODE-296, PED, GAIN"),
                Column("exclusivity_date", "DATE", required=True, formats=OB_DATE, doc="expiry of the exclusivity"),
            ),
            doc="one row per product exclusivity; the official file repeats some rows (PED), kept as published",
        ),
        Table(
            "product",
            (
                *KEY_COLUMNS,
                Column("ingredient", required=True),
                Column("dosage_form_route", doc="dosage form;route"),
                Column("trade_name"),
                Column("applicant", doc="short applicant name"),
                Column("strength"),
                Column("te_code"),
                Column("approval_date", "DATE", formats=OB_DATE,
                       doc="approval date; for products approved before 1982 the date is Jan 1, 1982"),
                Column("approved_prior", "BOOLEAN", doc="the file says 'Approved Prior to Jan 1, 1982'"),
                Column("rld", "BOOLEAN", doc="reference listed drug"),
                Column("rs", "BOOLEAN", doc="reference standard"),
                Column("type", doc="RX, OTC or DISCN"),
                Column("applicant_full_name"),
            ),
            key=("appl_type", "appl_no", "product_no"),
            doc="one row per approved product (products.txt)",
        ),
    )
    facts = (
        Fact("patent_rows", "SELECT count(*) FROM latest.fda_orange_book__patent"),
        Fact("exclusivity_rows", "SELECT count(*) FROM latest.fda_orange_book__exclusivity"),
    )
    quirks = (
        "Fields are '~' separated and unquoted; dates read like 'Aug 24, 2026'.",
        "Application numbers carry leading zeros: kept as 6-character text.",
        "The last line has no line break (a line count undercounts the records by one).",
        "exclusivity.txt repeats some rows (the same PED code and date twice); they are kept as published.",
        "products.txt gives 'Approved Prior to Jan 1, 1982' for old products: date Jan 1, 1982 plus a flag.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield patent, exclusivity and (when present) product rows."""
        for table in HEADERS:
            if table in files:
                yield from self.parse_table(table, files[table])

    def parse_table(self, table: str, file: LocalFile) -> Iterator[Row]:
        """Yield the rows of one table from its text file or its member of the Orange Book zip."""
        header = HEADERS[table]
        member = MEMBERS[table]
        encoding = detect_encoding(file, member)
        for line, record in csv_records(file, header, member=member, encoding=encoding, delimiter="~",
                                        quotes=False):
            values: dict[str, Any] = {col: record[h] for h, col in header.items()}
            if table == "product":
                approval = values["approval_date"].strip()
                values["approved_prior"] = approval.startswith(PRIOR)
                values["approval_date"] = approval.removeprefix(PRIOR)
            yield Row(table, file, line, values)
