"""FDA Unique Ingredient Identifier names: every substance name and synonym with its UNII and display name."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records, detect_encoding

HEADER = {"Name": "name", "TYPE": "name_type", "UNII": "unii", "Display Name": "display_name"}
MEMBER = "UNII_Names*.txt"


class FdaUnii(Source):
    id = "fda_unii"
    title = "FDA UNII names"
    publisher = "US Food and Drug Administration (Global Substance Registration System)"
    homepage = "https://precision.fda.gov/uniisearch/archive"
    licence = "US Government work, public domain"
    refresh_days = 100
    files = (
        FileSpec(
            name="unii_names",
            url="https://precision.fda.gov/uniisearch/archive/latest/UNIIs.zip",
            mirror_glob="fda_unii/UNII_Names_*",
            format="zip holding a tab-separated UNII_Names text (official), or that text, optionally gzipped",
        ),
    )
    tables = (
        Table(
            "name",
            (
                Column("name", required=True, doc="a substance name or synonym, upper case"),
                Column("name_type", required=True,
                       doc="cn common, sys systematic, bn brand, of official, cd code (e.g. INN, CAS)"),
                Column("unii", required=True, doc="10-character Unique Ingredient Identifier"),
                Column("display_name", required=True, doc="FDA's preferred name of the substance"),
            ),
            key=("name", "unii"),
            doc="one row per name of a substance",
        ),
    )
    facts = (
        Fact("names", "SELECT count(*) FROM latest.fda_unii__name"),
        Fact("substances", "SELECT count(DISTINCT unii) FROM latest.fda_unii__name"),
    )
    quirks = (
        "Tab-separated with CRLF line ends; names hold no quotes, so quote characters are read as text.",
        "Names are upper case and unique as written, but once trimmed one name ('MERQUAT 100 POLYMER', once "
        "with a trailing space) belongs to two UNIIs; a substance has one display name.",
        "Older official files were not always UTF-8; the encoding is detected (UTF-8, else Windows-1252).",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield one row per name from the official zip or a plain or gzipped copy of its names file."""
        file = files["unii_names"]
        encoding = detect_encoding(file, MEMBER, ("utf-8-sig", "cp1252"))
        for line, record in csv_records(file, HEADER, member=MEMBER, encoding=encoding, delimiter="\t",
                                        quotes=False):
            yield Row("name", file, line, {HEADER[k]: record[k] for k in HEADER})
