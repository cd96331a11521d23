"""Partner cases: curated, sourced links from an originator firm and country to a partner's application."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Literal

import pyarrow as pa
from pydantic import Field

from rxatlas.resolve.curated import ISO2, Source
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import write_table
from rxatlas.yamlfile import Strict, data_text, line_of, load_model

PARTNERS_FILE = "rxatlas/approvals/data/partners.yaml"
SCHEMA = pa.schema([
    ("application", pa.string()), ("appl_type", pa.string()), ("appl_no", pa.string()),
    ("product", pa.string()), ("ingredient", pa.string()), ("holder", pa.string()),
    ("holder_country", pa.string()), ("originator", pa.string()), ("originator_country", pa.string()),
    ("relation", pa.string()), ("approval_date", pa.date32()), ("sources", pa.list_(pa.string())),
    ("note", pa.string()), ("_source", pa.string()), ("_snapshot", pa.date32()), ("_file", pa.string()),
    ("_sha256", pa.string()), ("_line", pa.int64()),
])


class Partner(Strict):
    """One application held by a licensing partner or subsidiary of the firm that originated the product."""

    product: str = Field(min_length=2)
    ingredient: str = Field(min_length=2)
    appl_type: Literal["NDA", "BLA"]
    appl_no: str | None = Field(default=None, pattern=r"^\d{6}$")  # None: the number is not known
    holder: str = Field(min_length=2)
    holder_country: str = ISO2
    originator: str = Field(min_length=2)
    originator_country: str = ISO2
    relation: Literal["licence", "subsidiary"]
    approval_date: date
    sources: list[Source] = Field(min_length=1)
    note: str | None = None


class _PartnerFile(Strict):
    partners: list[Partner]


def _text(path: Path | None) -> tuple[str, str]:
    return data_text(path, "rxatlas.approvals", "data/partners.yaml")


def _parse(text: str, where: str) -> list[Partner]:
    return load_model(text, where, _PartnerFile, hint="fix the file and rebuild").partners


def load_partners(path: Path | None = None) -> list[Partner]:
    """The curated partner cases (rxatlas/approvals/data/partners.yaml unless a path is given)."""
    return _parse(*_text(path))


def source_text(source: Source) -> str:
    """A source as one line: title, address, date, and whether it was checked."""
    checked = "" if source.verified else " [not verified offline]"
    return f"{source.title} <{source.url}> ({source.date.isoformat()}){checked}"


def partner_table(path: Path | None = None) -> pa.Table:
    """The partner cases as rows with their sources and the file line each entry starts on."""
    text, where = _text(path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    rows = [{
        "application": f"{p.appl_type} {p.appl_no or '(number unknown)'}", "appl_type": p.appl_type,
        "appl_no": p.appl_no, "product": p.product, "ingredient": p.ingredient, "holder": p.holder,
        "holder_country": p.holder_country, "originator": p.originator,
        "originator_country": p.originator_country,
        "relation": p.relation, "approval_date": p.approval_date,
        "sources": [source_text(s) for s in p.sources], "note": p.note,
        "_source": "curated", "_snapshot": None, "_file": where, "_sha256": digest,
        "_line": line_of(text, ("partners", i)),
    } for i, p in enumerate(_parse(text, where))]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def build_approval_partner(engine: Engine) -> None:
    """Write core.approval_partner from the curated file."""
    write_table(engine, "core.approval_partner", partner_table())
