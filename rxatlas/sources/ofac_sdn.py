"""OFAC Specially Designated Nationals list (legacy CSV), with its optional alias and address files."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records

DOWNLOADS = "https://www.treasury.gov/ofac/downloads/"
EMPTY = "-0-"

# Official column names of the header-less legacy files -> columns
SDN_HEADER = {
    "ent_num": "ent_num", "SDN_Name": "sdn_name", "SDN_Type": "sdn_type", "Program": "program",
    "Title": "title", "Call_Sign": "call_sign", "Vess_type": "vess_type", "Tonnage": "tonnage", "GRT": "grt",
    "Vess_flag": "vess_flag", "Vess_owner": "vess_owner", "Remarks": "remarks",
}
ALT_HEADER = {
    "ent_num": "ent_num", "alt_num": "alt_num", "alt_type": "alt_type", "alt_name": "alt_name",
    "alt_remarks": "alt_remarks",
}
ADD_HEADER = {
    "ent_num": "ent_num", "Add_num": "add_num", "Address": "address",
    "City/State/Province/Postal Code": "city_state_postal", "Country": "country", "Add_remarks": "add_remarks",
}


def split_programs(program: str | None) -> list[str]:
    """Split the Program field ("SDGT] [IRGC", the outer brackets stripped by OFAC) into program codes."""
    if not program:
        return []
    return [p.strip(" []") for p in program.split("]") if p.strip(" []")]


def legacy_rows(file: LocalFile, table: str, header: Mapping[str, str]) -> Iterator[Row]:
    """Yield rows of a header-less OFAC legacy CSV, '-0-' read as empty; the closing Ctrl-Z is not a row."""
    for line, record in csv_records(file, header, header=list(header), encoding="utf-8"):
        values = {column: (None if record[name].strip() == EMPTY else record[name])
                  for name, column in header.items()}
        yield Row(table, file, line, values)


def sdn_rows(file: LocalFile) -> Iterator[Row]:
    """Yield SDN entries with their program codes split out."""
    for row in legacy_rows(file, "sdn", SDN_HEADER):
        row.values["programs"] = split_programs(row.values["program"])
        yield row


class OfacSdn(Source):
    id = "ofac_sdn"
    title = "OFAC Specially Designated Nationals and Blocked Persons list"
    publisher = "US Department of the Treasury, Office of Foreign Assets Control"
    homepage = "https://ofac.treasury.gov/sanctions-list-service"
    licence = "US Government work, public domain"
    refresh_days = 7
    files = (
        FileSpec(
            name="sdn",
            url=DOWNLOADS + "sdn.csv",
            mirror_glob="ofac_sdn/sdn_*.csv*",
            format="legacy SDN CSV without header, optionally gzip-compressed",
        ),
        FileSpec(
            name="alt",
            url=DOWNLOADS + "alt.csv",
            mirror_glob="ofac_sdn/alt_*.csv*",
            format="legacy SDN alias CSV without header, optionally gzip-compressed",
            required=False,
        ),
        FileSpec(
            name="add",
            url=DOWNLOADS + "add.csv",
            mirror_glob="ofac_sdn/add_*.csv*",
            format="legacy SDN address CSV without header, optionally gzip-compressed",
            required=False,
        ),
    )
    tables = (
        Table(
            "sdn",
            (
                Column("ent_num", "BIGINT", required=True, doc="OFAC entry number"),
                Column("sdn_name", required=True, doc="listed name (individuals: SURNAME, Given names)"),
                Column("sdn_type", doc="individual, vessel or aircraft; NULL for an entity"),
                Column("program", required=True, doc="sanctions programs as written, e.g. 'SDGT] [IRGC'"),
                Column("programs", "VARCHAR[]", doc="program codes split out of program"),
                Column("title", doc="title of an individual"),
                Column("call_sign", doc="vessel call sign"),
                Column("vess_type", doc="vessel type"),
                Column("tonnage", doc="vessel tonnage as written"),
                Column("grt", doc="vessel gross registered tonnage as written"),
                Column("vess_flag", doc="vessel flag"),
                Column("vess_owner", doc="vessel owner"),
                Column("remarks", doc="remarks: identifiers, nationality, a.k.a. names, links"),
            ),
            key=("ent_num",),
            doc="one row per SDN entry",
        ),
        Table(
            "aliases",
            (
                Column("ent_num", "BIGINT", required=True, doc="OFAC entry number"),
                Column("alt_num", "BIGINT", required=True, doc="alias number"),
                Column("alt_type", doc="aka, fka or nka"),
                Column("alt_name", required=True, doc="alias name"),
                Column("alt_remarks", doc="remarks on the alias"),
            ),
            key=("alt_num",),
            doc="one row per alias of an SDN entry (from alt.csv, when present)",
        ),
        Table(
            "addresses",
            (
                Column("ent_num", "BIGINT", required=True, doc="OFAC entry number"),
                Column("add_num", "BIGINT", required=True, doc="address number"),
                Column("address", doc="street address"),
                Column("city_state_postal", doc="city, state or province and postal code"),
                Column("country", doc="country name"),
                Column("add_remarks", doc="remarks on the address"),
            ),
            key=("add_num",),
            doc="one row per address of an SDN entry (from add.csv, when present)",
        ),
    )
    facts = (
        Fact("entries", "SELECT count(*) FROM latest.ofac_sdn__sdn"),
        Fact("entities", "SELECT count(*) FROM latest.ofac_sdn__sdn WHERE sdn_type IS NULL"),
        Fact("aliases", "SELECT count(*) FROM latest.ofac_sdn__aliases"),
    )
    quirks = (
        "No header row: columns are read by the official names (ent_num, SDN_Name, ... Remarks).",
        "'-0-' (often with a trailing space) means empty; entities have an empty SDN_Type.",
        "Quoted fields may hold newlines; the file ends with a Ctrl-Z byte (0x1A) after the last line.",
        "Program holds several codes as 'SDGT] [IRGC' (the outer brackets dropped); programs splits them.",
        "alt.csv (aliases) and add.csv (addresses) are optional; without them aliases and countries are empty. "
        "The a.k.a. names in remarks are not parsed: their quoting breaks on names holding apostrophes.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield SDN entries, and aliases and addresses when those files are present."""
        yield from sdn_rows(files["sdn"])
        if "alt" in files:
            yield from legacy_rows(files["alt"], "aliases", ALT_HEADER)
        if "add" in files:
            yield from legacy_rows(files["add"], "addresses", ADD_HEADER)
