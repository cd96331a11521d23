"""OFAC Specially Designated Nationals list (legacy CSV), with its optional alias and address files."""

from __future__ import annotations

import re
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


ALIAS_TYPES = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}
LINKED_TO = "Linked To:"
# The country a remark names: a nationality, or a country in parentheses closing it ("Passport 123 (Russia)").
_COUNTRY = re.compile(
    r"\b(?:nationality|Nationality of Registration) (?P<nationality>[A-Z][A-Za-z .'-]+)$"
    r"|\((?P<named>[A-Z][A-Za-z .,'-]+)\)$"
)
# Identifiers that tell firms apart: their label and the first word after it.
_IDENTIFIER = re.compile(r"(?:Unified Social Credit Code \(USCC\)|Registration Number|Website) \S+")


def split_remarks(remarks: str | None) -> list[str]:
    """The facts of a remarks field ("DOB 1960; a.k.a. 'X'; Linked To: Y."), each without its closing '.'."""
    return [f.strip().removesuffix(".") for f in (remarks or "").split(";") if f.strip()]


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


def remark_rows(sdn: Row) -> Iterator[Row]:
    """Yield the facts of an SDN entry's remarks: a.k.a. names, links, and every other remark.

    An alias is all between its opening and closing quote, so names holding apostrophes stay whole
    ("'ABU-'UMAR'"); an alias cut off by the field's length limit (no closing quote) is left out.
    """
    ent_num = sdn.values["ent_num"]
    for seq, fact in enumerate(split_remarks(sdn.values["remarks"]), start=1):
        head, _, rest = fact.partition(" ")
        where = {"ent_num": ent_num, "seq": seq}
        if head in ALIAS_TYPES:
            if len(rest) > 2 and rest[0] == rest[-1] == "'":
                yield Row("remark_aliases", sdn.file, sdn.line,
                          {**where, "alias_type": ALIAS_TYPES[head], "alias_name": rest[1:-1]})
        elif fact.startswith(LINKED_TO):
            yield Row("links", sdn.file, sdn.line, {**where, "linked_name": fact.removeprefix(LINKED_TO).strip()})
        else:
            country = _COUNTRY.search(fact)
            identifier = _IDENTIFIER.search(fact)
            yield Row("remarks", sdn.file, sdn.line, {
                **where, "remark": fact,
                "country": (country.group("nationality") or country.group("named")).strip() if country else None,
                "identifier": identifier.group(0).rstrip(";.") if identifier else None,
            })


def sdn_rows(file: LocalFile) -> Iterator[Row]:
    """Yield SDN entries with their program codes split out, and the facts of their remarks."""
    for row in legacy_rows(file, "sdn", SDN_HEADER):
        row.values["programs"] = split_programs(row.values["program"])
        yield row
        yield from remark_rows(row)


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
        Table(
            "remark_aliases",
            (
                Column("ent_num", "BIGINT", required=True, doc="OFAC entry number"),
                Column("seq", "BIGINT", required=True, doc="position of the fact in the entry's remarks"),
                Column("alias_type", required=True, doc="aka, fka or nka"),
                Column("alias_name", required=True, doc="alias as written between its quotes"),
            ),
            key=("ent_num", "seq"),
            doc="one row per a.k.a., f.k.a. or n.k.a. name in the remarks of an SDN entry",
        ),
        Table(
            "links",
            (
                Column("ent_num", "BIGINT", required=True, doc="OFAC entry number"),
                Column("seq", "BIGINT", required=True, doc="position of the fact in the entry's remarks"),
                Column("linked_name", required=True, doc="name of the linked SDN entry, as written"),
            ),
            key=("ent_num", "seq"),
            doc="one row per 'Linked To:' fact in the remarks of an SDN entry",
        ),
        Table(
            "remarks",
            (
                Column("ent_num", "BIGINT", required=True, doc="OFAC entry number"),
                Column("seq", "BIGINT", required=True, doc="position of the fact in the entry's remarks"),
                Column("remark", required=True, doc="the fact as written ('DOB 19 Jan 1972', 'nationality China')"),
                Column("country", doc="country the fact names: a nationality or a closing '(Country)'"),
                Column("identifier", doc="USCC, registration number or website stated, with its label"),
            ),
            key=("ent_num", "seq"),
            doc="one row per other fact in the remarks of an SDN entry (the remarks split at ';')",
        ),
    )
    facts = (
        Fact("entries", "SELECT count(*) FROM latest.ofac_sdn__sdn"),
        Fact("entities", "SELECT count(*) FROM latest.ofac_sdn__sdn WHERE sdn_type IS NULL"),
        Fact("aliases", "SELECT count(*) FROM latest.ofac_sdn__aliases"),
        Fact("remark_aliases", "SELECT count(*) FROM latest.ofac_sdn__remark_aliases"),
        Fact("links", "SELECT count(*) FROM latest.ofac_sdn__links"),
    )
    quirks = (
        "No header row: columns are read by the official names (ent_num, SDN_Name, ... Remarks).",
        "'-0-' (often with a trailing space) means empty; entities have an empty SDN_Type.",
        "Quoted fields may hold newlines; the file ends with a Ctrl-Z byte (0x1A) after the last line.",
        "Program holds several codes as 'SDGT] [IRGC' (the outer brackets dropped); programs splits them.",
        "alt.csv (aliases) and add.csv (addresses) are optional; without them aliases and countries are empty.",
        "Remarks hold facts separated by ';': a.k.a. names in quotes (which may hold apostrophes: "
        "'ABU-'UMAR'), 'Linked To:' names, identifiers, nationality. They are cut at a length limit, so the "
        "last fact may be incomplete; an a.k.a. name without its closing quote is left out.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield SDN entries, and aliases and addresses when those files are present."""
        yield from sdn_rows(files["sdn"])
        if "alt" in files:
            yield from legacy_rows(files["alt"], "aliases", ALT_HEADER)
        if "add" in files:
            yield from legacy_rows(files["add"], "addresses", ADD_HEADER)
