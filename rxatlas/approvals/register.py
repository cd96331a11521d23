"""The Korean firm register: Korean names, groups and sourced facts, joined to each firm's US filings."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field

from rxatlas.approvals.partners import source_text
from rxatlas.resolve.curated import Source
from rxatlas.resolve.names import normalize
from rxatlas.warehouse.engine import Engine
from rxatlas.yamlfile import Strict, data_text, line_of, load_model

TABLES = {"core.firm", "core.firm_mention", "core.sponsor_country"}

# Every firm with a Korean seat, or named in the register, and what it files: DMFs, establishments it registers
# (its own or as registrant), Drugs@FDA applications and Purple Book BLAs.
FILINGS_SQL = """
WITH linked AS (
    SELECT DISTINCT m.firm_id, k.entry FROM core.firm_mention m
    JOIN (SELECT unnest(?::VARCHAR[]) AS name_key, unnest(?::INTEGER[]) AS entry) k USING (name_key)
)
SELECT f.firm_id, f.name, coalesce(f.country_iso2, sc.country_iso2) AS country_iso2, l.entry,
       count(DISTINCT m.record_key) FILTER (WHERE m.role = 'dmf_holder') AS dmfs,
       count(DISTINCT m.record_key) FILTER (WHERE m.role IN ('establishment_firm', 'establishment_registrant'))
           AS establishments,
       count(DISTINCT m.record_key) FILTER (WHERE m.role = 'application_sponsor') AS applications,
       count(DISTINCT m.record_key) FILTER (WHERE m.role = 'biologic_applicant') AS blas
FROM core.firm f
JOIN core.firm_mention m USING (firm_id)
LEFT JOIN linked l USING (firm_id)
LEFT JOIN core.sponsor_country sc USING (firm_id)
WHERE (coalesce(f.country_iso2, sc.country_iso2) = 'KR' OR l.entry IS NOT NULL)
  AND m.role IN ('dmf_holder', 'establishment_firm', 'establishment_registrant', 'application_sponsor',
                 'biologic_applicant')
GROUP BY ALL
ORDER BY l.entry NULLS LAST, dmfs + establishments + applications + blas DESC, f.name
"""


class Fact(Strict):
    """A dated statement about a firm, with its sources; claim: the firm's own statement (capacity, plans)."""

    text: str = Field(min_length=5)
    date: date
    claim: bool = False
    fei: str | None = Field(default=None, pattern=r"^\d{5,10}$")  # the FDA establishment the fact is about
    litres: int | None = Field(default=None, gt=0)  # bioreactor capacity stated (the lower bound of a range)
    sources: list[Source] = Field(min_length=1)


class RegisteredFirm(Strict):
    """A Korean firm: English and Korean names, group, other spellings in FDA files, facts and sources."""

    name: str = Field(min_length=2)
    name_ko: str = Field(min_length=2)
    group: str = Field(min_length=2)
    group_ko: str = Field(min_length=2)
    aliases: list[str] = Field(default=[])
    sources: list[Source] = Field(min_length=1)
    facts: list[Fact] = Field(default=[])


class _RegisterFile(Strict):
    firms: list[RegisteredFirm]


def _text(path: Path | None) -> tuple[str, str]:
    return data_text(path, "rxatlas.approvals", "data/korean_firms.yaml")


def load_register(path: Path | None = None) -> list[RegisteredFirm]:
    """The register entries (rxatlas/approvals/data/korean_firms.yaml unless a path is given)."""
    return load_model(*_text(path), _RegisterFile, hint="fix the file and rebuild").firms


@cache
def _shipped() -> tuple[RegisteredFirm, ...]:
    return tuple(load_register())


def _matches(entry: RegisteredFirm, text: str) -> bool:
    """Whether a query names the entry: part of its Korean name or group, or its English name key."""
    wanted = text.strip()
    if wanted and any(wanted in ko for ko in (entry.name_ko, entry.group_ko)):
        return True
    key = normalize(wanted).key
    return bool(key) and any(key in normalize(n).key for n in (entry.name, entry.group, *entry.aliases))


def _word_in(key: str, name_key: str) -> bool:
    """Whether a name key holds the query key as whole words ("SK" is in "SK BIOTEK", not in "SKIN")."""
    return bool(key) and f" {key} " in f" {name_key} "


def english_names(text: str) -> list[str]:
    """The English names of the register firms whose Korean name is the text (셀트리온 -> Celltrion, Inc.)."""
    wanted = text.strip()
    return [e.name for e in _shipped() if wanted in (e.name_ko, e.name_ko.replace(" ", ""))]


def _fact(fact: Fact) -> dict[str, Any]:
    return {"text": fact.text, "date": fact.date, "claim": fact.claim, "fei": fact.fei, "litres": fact.litres,
            "sources": [source_text(s) for s in fact.sources]}


def capacity_facts() -> list[dict[str, Any]]:
    """The register's bioreactor capacity facts (litres, plant, date, sources), largest first."""
    facts = [{"firm": e.name, "name_ko": e.name_ko, "group": e.group, **_fact(f)}
             for e in _shipped() for f in e.facts if f.litres]
    return sorted(facts, key=lambda f: -f["litres"])


def _entry_fields(entry: RegisteredFirm | None, line: str | None) -> dict[str, Any]:
    if entry is None:
        return {"name_ko": None, "group": None, "group_ko": None, "facts": [], "sources": [], "register_line": None}
    return {"name_ko": entry.name_ko, "group": entry.group, "group_ko": entry.group_ko,
            "facts": [_fact(f) for f in entry.facts],
            "sources": [source_text(s) for s in entry.sources], "register_line": line}


def korean_firms(engine: Engine, search: str | None = None) -> list[dict[str, Any]]:
    """Korean firms in US filings with their Korean names, groups, facts and sources, optionally searched.

    Register entries come first; an entry no firm in the filings is named like is listed with no filings.
    """
    text, where = _text(None)
    entries = list(_shipped())
    keys = [(normalize(n).key, i) for i, e in enumerate(entries) for n in (e.name, *e.aliases)]
    rows = engine.query(FILINGS_SQL, [[k for k, _ in keys], [i for _, i in keys]]).to_pylist()
    found = {r["entry"] for r in rows}
    rows += [{"entry": i, "firm_id": None, "name": e.name, "country_iso2": None, "dmfs": 0, "establishments": 0,
              "applications": 0, "blas": 0} for i, e in enumerate(entries) if i not in found]
    rows.sort(key=lambda r: (r["entry"] is None, r["entry"] if r["entry"] is not None else 0))
    key = normalize(search).key if search else ""
    out = []
    for row in rows:
        entry = entries[row["entry"]] if row["entry"] is not None else None
        if search and not (_matches(entry, search) if entry else _word_in(key, normalize(row["name"]).key)):
            continue
        line = f"{where} line {line_of(text, ('firms', row['entry']))}" if entry else None
        out.append({**{k: row[k] for k in ("firm_id", "name", "country_iso2", "dmfs", "establishments",
                                           "applications", "blas")}, **_entry_fields(entry, line)})
    return out
