"""The facts followed across snapshots: which raw tables, keyed how, compared on which fields."""

from __future__ import annotations

from dataclasses import dataclass

from rxatlas.errors import InputError


@dataclass(frozen=True)
class Tracked:
    """A raw table whose rows are facts followed across snapshots of its source."""

    source: str
    table: str
    key: tuple[str, ...]
    fields: tuple[str, ...]
    firm: str
    subject: str
    # a change of this field to this value closes the fact (a DMF made inactive), not merely changes it
    closing: tuple[str, str] | None = None
    where: str = "TRUE"

    @property
    def raw(self) -> str:
        """The warehouse table holding every snapshot."""
        return f"raw.{self.source}__{self.table}"

    @property
    def name(self) -> str:
        """The fact kind as users name it, e.g. fda_dmf.dmf."""
        return f"{self.source}.{self.table}"


SHORTAGE_KEY = ("generic_name", "company_name", "presentation")
SHORTAGE_FIELDS = ("status", "availability", "update_date", "discontinued_date", "shortage_reason")

TRACKED = (
    Tracked("fda_dmf", "dmf", ("dmf",), ("status", "type", "holder", "subject"), "holder", "subject",
            closing=("status", "I")),
    Tracked("fda_decrs", "establishment", ("fei_number",), ("firm_name", "address", "operations"), "firm_name",
            "operations", where="fei_number IS NOT NULL AND ltrim(fei_number, '0') <> ''"),
    Tracked("fda_ndc_unfinished", "product", ("product_id",),
            ("labeler_name", "substance_names", "product_type", "marketing_category", "end_marketing_date"),
            "labeler_name", "substance_names"),
    Tracked("fda_drugsfda", "application", ("appl_no",), ("appl_type", "sponsor_name"), "sponsor_name",
            "appl_type"),
    Tracked("fda_shortages", "openfda", SHORTAGE_KEY, SHORTAGE_FIELDS, "company_name", "generic_name",
            closing=("status", "Resolved")),
    Tracked("fda_shortages", "dsc", SHORTAGE_KEY, SHORTAGE_FIELDS, "company_name", "generic_name",
            closing=("status", "Resolved")),
)
# The 1260H list is one file of every edition: its history is read from the editions, not from snapshots.
LIST_SOURCE = "dod_1260h"
SOURCES = sorted({t.source for t in TRACKED} | {LIST_SOURCE})


def tracked(source: str | None = None) -> list[Tracked]:
    """The tracked tables, of one source when named (an unknown source is an input error)."""
    if source and source not in SOURCES:
        raise InputError(f"no history is kept for source {source!r}; use one of {', '.join(SOURCES)}")
    return [t for t in TRACKED if source in (None, t.source)]
