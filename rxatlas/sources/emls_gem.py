"""Global Essential Medicines (GEM) dataset: which of 2,068 medicines each of 137 national lists includes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import table_records

MEDICINE, PRIMARY, SECONDARY = "medicine", "ATC code primary", "ATC code secondary"
LISTED = {"1": True, "0": False}
ATC_ANY_LEVEL = "^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$"


class EmlsGem(Source):
    """GEM dataset of 137 national essential medicines lists, loaded long: medicine x country."""

    id = "emls_gem"
    title = "Global Essential Medicines: national essential medicines lists of 137 countries"
    publisher = "Persaud N, et al. (University of Toronto), Bull World Health Organ 2019"
    homepage = "https://figshare.com/articles/dataset/GlobalEssentialMedicinesDatabase_xlsx/7814246"
    licence = ("licence not stated on the sources checked (figshare record 7814246); cite Persaud N, et al. "
               "Comparison of essential medicines lists in 137 countries. Bull World Health Organ "
               "2019;97:394-404C, doi:10.2471/BLT.18.222448")
    refresh_days = 3650
    files = (
        FileSpec(
            name="gem_lists",
            url="https://figshare.com/articles/dataset/GlobalEssentialMedicinesDatabase_xlsx/7814246",
            mirror_glob="emls_gem/gem_national_emls_*",
            format="CSV (or Excel): medicine, ATC code primary and secondary, one 0/1 column per country",
            snapshot=date(2017, 6, 30),
            doc=("The lists were collected from the WHO repository in June 2017 (each country's most recent "
                 "list then); the snapshot date is the end of that month. The official figshare workbook "
                 "(GlobalEssentialMedicinesDatabase.xlsx) is accepted when it has the same columns."),
        ),
    )
    tables = (
        Table(
            "medicine",
            (
                Column("medicine", required=True, doc="medicine name (INN; salts and bases merged)"),
                Column("atc_primary", doc="primary ATC code as given, at any level (3 to 7 characters)"),
                Column("atc_secondary", "VARCHAR[]", doc="further ATC codes as given (comma-separated)"),
            ),
            key=("medicine",),
            doc="one row per medicine of the dataset",
        ),
        Table(
            "listing",
            (
                Column("medicine", required=True, doc="medicine name, as in the medicine table"),
                Column("country", required=True, doc="country column name as in the file (WHO-style name)"),
                Column("listed", "BOOLEAN", required=True, doc="the country lists the medicine (1/0)"),
            ),
            key=("medicine", "country"),
            doc="one row per medicine x country column, located at the medicine's line",
        ),
    )
    facts = (
        Fact("medicines", "SELECT count(*) FROM latest.emls_gem__medicine"),
        Fact("countries", "SELECT count(DISTINCT country) FROM latest.emls_gem__listing"),
        Fact("listings", "SELECT count(*) FROM latest.emls_gem__listing WHERE listed"),
        Fact("countries_without_iso2",
             "SELECT count(DISTINCT country) FROM core.essential_medicine WHERE country_iso2 IS NULL"),
        Fact("malformed_atc_codes", "SELECT count(*) FROM latest.emls_gem__medicine "
                                    f"WHERE NOT regexp_matches(atc_primary, '{ATC_ANY_LEVEL}')"),
    )
    quirks = (
        "Wide table: one 0/1 column per country, with WHO-style names (e.g. 'Iran (Islamic Republic of)', "
        "'The former Yugoslav Republic of Macedonia'); nine match no ISO 3166 name or common name.",
        "ATC codes are given at levels 1-5; 77 medicines have none; secondary codes are comma-separated.",
        "One primary code is mistyped: Isosorbide 'CO1DA' (letter O for zero), kept as given.",
        "The Republic of Korea is not among the 137 countries; the Korea column is the DPR Korea's list.",
        "Lists date from various years up to 2017; each is the country's most recent list in June 2017.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield each medicine and, at its line, one listing row per country column."""
        file = files["gem_lists"]
        problems: list[Problem] = []
        for line, record in table_records(file, (MEDICINE, PRIMARY, SECONDARY)):
            medicine = record[MEDICINE]
            yield Row("medicine", file, line, {
                "medicine": medicine,
                "atc_primary": record[PRIMARY],
                "atc_secondary": [c for c in re.split(r"[,;]", str(record[SECONDARY] or "")) if c.strip()],
            })
            for country, value in record.items():
                if country in (MEDICINE, PRIMARY, SECONDARY):
                    continue
                flag = str(value if value is not None else "").strip().removesuffix(".0")
                if flag not in LISTED:
                    problems.append(Problem(f"{value!r} is not 0 or 1", str(file.path), line, country))
                    continue
                yield Row("listing", file, line,
                          {"medicine": medicine, "country": country, "listed": LISTED[flag]})
        if problems:
            raise SourceError(self.id, problems, hint="Each country column must hold 1 (listed) or 0.")
