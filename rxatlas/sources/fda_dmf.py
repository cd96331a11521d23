"""FDA Drug Master File list: every DMF with status, type, submit date, holder and subject."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import table_records

HEADER = {"DMF#": "dmf", "STATUS": "status", "TYPE": "type", "SUBMIT DATE": "submit_date",
          "HOLDER": "holder", "SUBJECT": "subject"}


class FdaDmf(Source):
    id = "fda_dmf"
    title = "FDA Drug Master File list"
    publisher = "US Food and Drug Administration"
    homepage = "https://www.fda.gov/drugs/drug-master-files-dmfs/list-drug-master-files-dmfs"
    licence = "US Government work, public domain"
    refresh_days = 100
    files = (
        FileSpec(
            name="dmf_list",
            url="https://www.fda.gov/media/76300/download",
            mirror_glob="fda_dmf/dmf_list_*",
            format="Excel workbook (official) or CSV, optionally gzip-compressed",
        ),
    )
    tables = (
        Table(
            "dmf",
            (
                Column("dmf", "BIGINT", required=True, doc="DMF number"),
                Column("status", required=True, doc="A active, I inactive"),
                Column("type", required=True, doc="I-V; II is drug substance, intermediate or material"),
                Column("submit_date", "DATE", formats=("%Y-%m-%d", "%m/%d/%Y"), doc="date first submitted"),
                Column("holder", required=True, doc="holder as written by FDA"),
                Column("subject", doc="subject as written by FDA; may contain newlines"),
            ),
            key=("dmf",),
            doc="one row per DMF",
        ),
    )
    facts = (
        Fact("dmfs", "SELECT count(*) FROM latest.fda_dmf__dmf"),
        Fact("active_type_ii", "SELECT count(*) FROM latest.fda_dmf__dmf WHERE status = 'A' AND type = 'II'"),
    )
    quirks = (
        "SUBJECT can hold newlines inside quotes (39,450 physical lines for 39,428 records).",
        "HOLDER strings carry typos, site suffixes and 'DBA' or 'wholly owned sub of' tails.",
        "No country for the holder: the resolution layer infers it.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield one row per DMF from the Excel or CSV list."""
        file = files["dmf_list"]
        for line, record in table_records(file, HEADER):
            yield Row("dmf", file, line, {HEADER[k]: record[k] for k in HEADER})
