"""DoD Section 1260H list of Chinese military companies: every edition, as transcribed by OpenSanctions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from rxatlas.resolve.names import name_key
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records

HEADER = {
    "Name": "name", "Clean Name": "clean_name", "Alias": "alias", "Previous Name": "previous_name",
    "Parent Name": "parent_name", "Note": "note", "Start date": "start_date", "End date": "end_date",
    "Source Url": "source_url",
}
# Aliases are comma-separated, but names hold ", " ("Co., Ltd."): split only where no space follows.
_ALIAS_SPLIT = re.compile(r",(?!\s)")


def split_names(value: str, separator: re.Pattern[str] | str) -> list[str]:
    """Split a multi-name field into trimmed, non-empty names."""
    parts = separator.split(value) if isinstance(separator, re.Pattern) else value.split(separator)
    return [p.strip() for p in parts if p.strip()]


def entry_ids(records: list[dict[str, str]]) -> list[str]:
    """Give each listing row the id of its entry: rows of the same or a renamed company share one id.

    Rows are linked by name key, and by a 'Previous Name' listed in an earlier edition unless both
    names are listed in the same edition (then they were two companies). The id is the key of the
    entry's earliest-listed name, so it stays stable when later editions rename the company.
    """
    parent: dict[str, str] = {}
    editions: dict[str, set[str]] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for record in sorted(records, key=lambda r: r["Start date"]):
        own = find(name_key(record["Clean Name"]))
        editions.setdefault(own, set()).add(record["Start date"])
        for previous in split_names(record["Previous Name"], ";"):
            earlier = find(name_key(previous))
            if earlier in editions and earlier != own and not editions[earlier] & editions[own]:
                parent[own] = earlier
                editions[earlier] |= editions.pop(own)
                own = earlier
    return [find(name_key(r["Clean Name"])) for r in records]


def listing_rows(file: LocalFile) -> Iterator[Row]:
    """Yield one row per listing row of the editions file, with its entry id."""
    records = list(csv_records(file, HEADER))
    ids = entry_ids([record for _, record in records])
    for (line, record), entry_id in zip(records, ids, strict=True):
        values: dict[str, Any] = {column: record[name] for name, column in HEADER.items()}
        values["entry_id"] = entry_id
        values["aliases"] = split_names(record["Alias"], _ALIAS_SPLIT)
        values["previous_names"] = split_names(record["Previous Name"], ";")
        yield Row("listing", file, line, values)


class Dod1260h(Source):
    id = "dod_1260h"
    title = "DoD Section 1260H list of Chinese military companies operating in the United States"
    publisher = "US Department of Defense (transcription: OpenSanctions)"
    homepage = "https://www.opensanctions.org/datasets/us_dod_chinese_milcorps/"
    licence = "Official notices: US Government work, public domain; this transcription: OpenSanctions, CC BY-NC 4.0"
    refresh_days = 180
    files = (
        FileSpec(
            name="editions",
            url="https://media.defense.gov/2025/Jan/07/2003625471/-1/-1/1/"
                "ENTITIES-IDENTIFIED-AS-CHINESE-MILITARY-COMPANIES-OPERATING-IN-THE-UNITED-STATES.PDF",
            mirror_glob="dod_1260h/dod_1260h_editions_*.csv*",
            format="CSV of every edition's listing rows (OpenSanctions transcription of the DoD PDF notices)",
            doc="the official notices are PDFs; rxatlas reads the transcription from a mirror only",
        ),
    )
    tables = (
        Table(
            "listing",
            (
                Column("entry_id", required=True, doc="rxatlas id of the listed company across editions"),
                Column("name", required=True, doc="name as printed in the notice (may end with '*')"),
                Column("clean_name", required=True, doc="name without acronym, former name or marks"),
                Column("alias", doc="aliases as written (comma-separated)"),
                Column("aliases", "VARCHAR[]", doc="aliases split"),
                Column("previous_name", doc="former names as written (';'-separated)"),
                Column("previous_names", "VARCHAR[]", doc="former names split"),
                Column("parent_name", doc="parent company named in the notice"),
                Column("note", doc="DoD's reasoning or a transcriber's note"),
                Column("start_date", "DATE", required=True, doc="edition date the row was listed from"),
                Column("end_date", "DATE", doc="date the row was removed, when recorded"),
                Column("source_url", doc="notice PDF; empty for the rows of editions before 2025"),
            ),
            key=("entry_id", "start_date"),
            doc="one row per listing row of an edition (see quirks for how editions map to rows)",
        ),
    )
    facts = (
        Fact("listing_rows", "SELECT count(*) FROM latest.dod_1260h__listing"),
        Fact("entries", "SELECT count(DISTINCT entry_id) FROM latest.dod_1260h__listing"),
        Fact("latest_edition_rows",
             "SELECT count(*) FROM latest.dod_1260h__listing "
             "WHERE start_date = (SELECT max(start_date) FROM latest.dod_1260h__listing)"),
    )
    quirks = (
        "Licence: the transcription is by OpenSanctions under CC BY-NC 4.0 (non-commercial). It is fine for "
        "tests and local use, but the project must not redistribute the file or bundle it in a release.",
        "The official lists are PDF notices (2021-06-03, 2022-10-05, 2024-01-31, 2025-01-07, 2026-06-08); "
        "there is no machine-readable official file, so this source reads the transcription from a mirror.",
        "Editions to rows: the 2025-01-07 and 2026-06-08 editions are transcribed in full (one row per company "
        "with the notice URL); the earlier editions are one cumulative block without URL, dated by first "
        "listing, whose end dates record removals (2024-01-31, 2025-01-07). 12 rows end on 2026-02-17.",
        "The same company is written differently across editions (case, punctuation, \u2019 vs ', a trailing "
        "'(ACRONYM)'); entry_id links the rows by a name key and by 'Previous Name'.",
        "A trailing '*' on the printed name marks a previously identified entity; it is kept in name.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield every listing row of the editions file."""
        yield from listing_rows(files["editions"])
