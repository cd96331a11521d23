"""EU Union list of critical medicines: the ATC level-5 codes of medicines whose supply the EU protects."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import kind_of, table_records

ATC_LEVEL5 = re.compile(r"[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}")
# The official workbook groups entries under ATC level 1-4 heading rows ("A", "A10A - Insulins ...").
ATC_GROUP = re.compile(r"[A-Z](?:[0-9]{2}(?:[A-Z]{1,2})?)?")

# Header of each variant: the official EMA workbook, and the mirror's one-column CSV.
OFFICIAL = {"ATC code": "atc_code", "Route of administration": "route", "Date of inclusion": "inclusion_date"}
MIRROR = {"atc5": "atc_code"}
DESCRIPTION_PREFIX = "ATC description"


class EuUnionList(Source):
    """EU Union list of critical medicines: ATC level-5 codes, from the official workbook or mirror CSV."""

    id = "eu_union_list"
    title = "Union list of critical medicines"
    publisher = "European Medicines Agency, Heads of Medicines Agencies and European Commission"
    homepage = ("https://www.ema.europa.eu/en/human-regulatory-overview/post-authorisation/"
                "medicine-shortages-availability-issues/union-list-critical-medicines")
    licence = "EMA website content, reuse authorised with acknowledgement of the source"
    refresh_days = 400
    files = (
        FileSpec(
            name="union_list",
            url=homepage,
            mirror_glob="eu_union_list/union_list_critical_atc5*",
            format="Excel workbook (official) or CSV with one column atc5",
            snapshot=date(2024, 12, 16),
            doc=("The mirror file name carries no date; its README calls it 'list v2 with updates'. "
                 "The snapshot is the publication date of Union list version 2 (2024-12-16). "
                 "If the copy already holds the December 2025 annual update, it is newer than that date."),
        ),
    )
    tables = (
        Table(
            "critical_medicine",
            (
                Column("atc_code", required=True,
                       doc="ATC level-5 code (letter, 2 digits, 2 letters, 2 digits)"),
                Column("description", doc="ATC description (substance name); official workbook only"),
                Column("route", doc="route of administration; official workbook only"),
                Column("inclusion_date", "DATE", formats=("%Y-%m-%d", "%d/%m/%Y"),
                       doc="date the entry joined the list; official workbook only"),
            ),
            key=("atc_code", "route"),
            doc="one row per ATC level-5 code (and route) on the list",
        ),
    )
    facts = (
        Fact("atc_codes", "SELECT count(DISTINCT atc_code) FROM latest.eu_union_list__critical_medicine"),
    )
    quirks = (
        "The mirror copy lists codes only: no substance names, routes or inclusion dates.",
        "The official workbook opens with metadata rows and groups entries under ATC level 1-4 heading rows.",
        "A substance can sit under several ATC codes (e.g. oral and intravenous forms).",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield one row per listed ATC level-5 code, after checking every code's format."""
        file = files["union_list"]
        official = bool(file.path.stat().st_size) and kind_of(file) == "xlsx"
        header = OFFICIAL if official else MIRROR
        code_field = next(name for name, column in header.items() if column == "atc_code")
        problems: list[Problem] = []
        for line, record in table_records(file, header):
            code = str(record[code_field] or "").strip().upper()
            if official and (not code or ATC_GROUP.fullmatch(code)):
                continue
            if not ATC_LEVEL5.fullmatch(code):
                problems.append(Problem(
                    f"{code!r} is not an ATC level-5 code (letter, 2 digits, 2 letters, 2 digits, "
                    "e.g. J01CA04)",
                    str(file.path), line, code_field))
                continue
            values = {column: record.get(name) for name, column in header.items()}
            values["atc_code"] = code
            values["description"] = _description(record)
            yield Row("critical_medicine", file, line, values)
        if problems:
            raise SourceError(self.id, problems, hint="Correct the codes or download the list again.")


def _description(record: Mapping[str, object]) -> object:
    """The ATC description cell, whose header carries a long explanatory tail in the official workbook."""
    for name, value in record.items():
        if name.startswith(DESCRIPTION_PREFIX):
            return value
    return None
