"""US Section 232 pharmaceuticals proclamation 11020: HTSUS codes of Annexes I and IV, checked on the PDF."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import NamedTuple

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import table_records

HTSUS = r"\d{4}\.\d{2}(?:\.\d{2}(?:\d{2})?)?"
HTSUS_CODE = re.compile(HTSUS)
# A line of an annex code list holds nothing but codes; prose lines that cite headings (9903.04.60) do not.
CODE_LIST_LINE = re.compile(rf"\s*{HTSUS}(?:\s+{HTSUS})*\s*")
ANNEX_HEADING = re.compile(r"\s*Annex\s+(I|II|III|IV)\s*")
CSV_HEADER = {"htsus": "htsus_code", "annex": "annex", "meaning": "description"}
PROCLAMATION = "https://www.federalregister.gov/documents/search?conditions%5Bterm%5D=%22Proclamation+11020%22"


class PdfCode(NamedTuple):
    """An HTSUS code found in the text of the proclamation's annexes."""

    code: str
    annex: str | None
    page: int
    page_line: int


class UsS232(Source):
    """Section 232 pharmaceuticals annex codes from the CSV parse, each checked against the PDF text."""

    id = "us_s232"
    title = "Section 232 pharmaceuticals proclamation annexes (HTSUS codes)"
    publisher = "Executive Office of the President, published in the Federal Register"
    homepage = PROCLAMATION
    licence = "US Government work, public domain"
    refresh_days = 180
    files = (
        FileSpec(
            name="annex_pdf",
            url=PROCLAMATION,
            mirror_glob="us_s232_pharma/s232_pharmaceuticals_proclamation_annexes*.pdf",
            format="PDF of Annexes I-IV of Proclamation 11020 (April 2, 2026)",
            snapshot=date(2026, 4, 2),
            doc="Annex I(c) lists the HTSUS codes under headings 9903.04.60-69; Annex IV the codes at 0%.",
        ),
        FileSpec(
            name="annex_codes",
            url=PROCLAMATION,
            mirror_glob="us_s232_pharma/s232_pharma_annex_htsus_codes*.csv",
            format="CSV htsus, annex, meaning: a text parse of the annex PDF (mirror only, no official CSV)",
            snapshot=date(2026, 4, 2),
            doc="Not published by the government: a third-party parse, checked code by code against the PDF.",
        ),
    )
    tables = (
        Table(
            "code",
            (
                Column("annex", required=True, doc="annex as given in the CSV: I(c) or IV"),
                Column("htsus_code", required=True,
                       doc="HTSUS code, 8 or 10 digits with dots (2918.99.3000)"),
                Column("description", doc="what the annex does to the code, as given in the CSV"),
                Column("in_pdf", "BOOLEAN", required=True, doc="the code appears in a code list of the PDF"),
                Column("pdf_annex", doc="annex (I-IV) under which the PDF lists the code"),
                Column("pdf_page", "BIGINT", doc="PDF page where the code is listed"),
            ),
            key=("annex", "htsus_code"),
            doc="one row per code of the CSV parse, with its check against the PDF",
        ),
        Table(
            "pdf_code",
            (
                Column("htsus_code", required=True, doc="HTSUS code as printed in the PDF"),
                Column("annex", doc="annex (I-IV) whose code list holds the code"),
                Column("page", "BIGINT", required=True, doc="PDF page"),
                Column("page_line", "BIGINT", required=True, doc="line within the page's extracted text"),
                Column("in_csv", "BOOLEAN", required=True, doc="the CSV parse has the code"),
            ),
            key=("htsus_code", "annex"),
            doc="one row per code extracted from the PDF text; _line is the code's order in the document",
        ),
    )
    facts = (
        Fact("csv_codes", "SELECT count(*) FROM latest.us_s232__code"),
        Fact("pdf_codes", "SELECT count(*) FROM latest.us_s232__pdf_code"),
        Fact("csv_codes_not_in_pdf", "SELECT count(*) FROM latest.us_s232__code WHERE NOT in_pdf"),
        Fact("pdf_codes_not_in_csv", "SELECT count(*) FROM latest.us_s232__pdf_code WHERE NOT in_csv"),
        Fact("annex_disagreements", "SELECT count(*) FROM latest.us_s232__code "
                                    "WHERE in_pdf AND split_part(annex, '(', 1) <> pdf_annex"),
    )
    quirks = (
        "The CSV is a text parse of the PDF, not an official file: each code is checked against the PDF.",
        "Most codes are 10-digit statistical suffixes; a few are 8-digit subheadings (3004.49.00).",
        "The PDF prose also cites chapter 99 headings (9903.04.60-69); only lines of codes alone are lists.",
        "Annexes II and III list companies, not codes.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield the codes of the PDF and of the CSV, each marked with whether the other has it."""
        pdf, csv = files["annex_pdf"], files["annex_codes"]
        found = pdf_codes(pdf)
        in_pdf = {c.code: c for c in found}
        csv_rows = list(table_records(csv, CSV_HEADER))
        in_csv = {str(record["htsus"]).strip() for _, record in csv_rows}
        for number, c in enumerate(found, start=1):
            yield Row("pdf_code", pdf, number, {"htsus_code": c.code, "annex": c.annex, "page": c.page,
                                               "page_line": c.page_line, "in_csv": c.code in in_csv})
        problems: list[Problem] = []
        for line, record in csv_rows:
            code = str(record["htsus"]).strip()
            if not HTSUS_CODE.fullmatch(code):
                problems.append(Problem(f"{code!r} is not an HTSUS code like 2918.99.3000 or 3004.49.00",
                                        str(csv.path), line, "htsus"))
                continue
            match = in_pdf.get(code)
            values = {column: record[name] for name, column in CSV_HEADER.items()}
            values.update(htsus_code=code, in_pdf=match is not None, pdf_annex=match.annex if match else None,
                          pdf_page=match.page if match else None)
            yield Row("code", csv, line, values)
        if problems:
            raise SourceError(self.id, problems,
                              hint="Correct the codes in the CSV; the PDF is authoritative.")


def pdf_codes(file: LocalFile) -> list[PdfCode]:
    """Every HTSUS code on the code-list lines of the annex PDF, with its annex, page and line."""
    from pypdf import PdfReader  # heavy; only this source needs it

    codes: list[PdfCode] = []
    annex: str | None = None
    page = 0
    try:
        reader = PdfReader(file.path)
        for page, sheet in enumerate(reader.pages, start=1):
            for number, text in enumerate(sheet.extract_text().splitlines(), start=1):
                heading = ANNEX_HEADING.fullmatch(text)
                if heading:
                    annex = heading.group(1)
                elif CODE_LIST_LINE.fullmatch(text):
                    codes.extend(PdfCode(c, annex, page, number) for c in text.split())
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        where = f" at page {page}" if page else ""
        raise SourceError(file.source, Problem(
            f"not a readable PDF{where} ({type(exc).__name__}: {exc}); the file may be truncated, "
            "download it again", str(file.path))) from exc
    if not codes:
        raise SourceError(file.source, Problem(
            "no HTSUS code lists found in the PDF text; is it the annex PDF of Proclamation 11020 (and not "
            "a scanned image)?", str(file.path)))
    return codes
