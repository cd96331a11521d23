"""DMF holder -> country of the legal entity named (its seat) and of its API sites, with evidence."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa

from rxatlas.resolve.curated import Override, load_groups, load_overrides
from rxatlas.resolve.names import NormalName, legal_form_countries, normalize, parse_holder, weak_legal_form
from rxatlas.resolve.places import find_places
from rxatlas.warehouse.engine import Engine

log = logging.getLogger("rxatlas.resolve")

SCHEMA = pa.schema(
    [
        ("holder", pa.string()),
        ("firm_id", pa.string()),
        ("country", pa.string()),
        ("site_countries", pa.list_(pa.string())),
        ("confidence", pa.string()),
        ("method", pa.string()),
        ("evidence", pa.list_(pa.string())),
    ]
)
# Weight of one clue by the kind of evidence; a country needs STRONG weight, uncontested, for high confidence.
STRONG = 3.0
WEIGHTS = {
    "decrs_name": 3.0,
    "compliance_name": 3.0,
    "place_in_name": 3.0,
    "decrs_by_legal_form": 2.0,
    "compliance_by_legal_form": 2.0,
    "decrs_token_set": 2.0,
    "subject_site": 1.0,
}
# Which method names a decision when several clues agree, strongest first.
PRIORITY = [
    "override",
    "curated_group",
    "decrs_name",
    "decrs_by_legal_form",
    "decrs_token_set",
    "compliance_name",
    "compliance_by_legal_form",
    "place_in_name",
    "subject_site",
    "legal_form",
]


@cache
def _queries() -> dict[str, str]:
    text = resources.files("rxatlas.resolve").joinpath("holder_country.sql").read_text(encoding="utf-8")
    parts = re.split(r"^-- name: (\w+)\n", text, flags=re.M)
    return {name: sql.strip() for name, sql in zip(parts[1::2], parts[2::2], strict=True)}


@dataclass(frozen=True)
class Record:
    """A firm name from a source, with its country and what to say about it."""

    name: NormalName
    country: str
    label: str
    api_site: bool = False


@dataclass
class Clue:
    """One piece of evidence for a country."""

    country: str
    method: str
    text: str


@dataclass
class Resolution:
    """The answer for one holder."""

    holder: str
    country: str | None = None
    site_countries: list[str] = field(default_factory=list)
    confidence: str | None = None
    method: str | None = None
    evidence: list[str] = field(default_factory=list)


class NameIndex:
    """Firm records findable by normalised key, by key without spaces and by sorted tokens."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.by_key: dict[str, list[Record]] = defaultdict(list)
        self.by_tokens: dict[tuple[str, ...], list[Record]] = defaultdict(list)
        for rec in records:
            if not rec.name.key:
                continue
            self.by_key[rec.name.compact].append(rec)
            self.by_tokens[tuple(sorted(rec.name.tokens))].append(rec)

    def exact(self, name: NormalName) -> list[Record]:
        """Records whose name has the same key (spaces ignored)."""
        return self.by_key.get(name.compact, []) if name.key else []

    def token_set(self, name: NormalName) -> list[Record]:
        """Records whose name has the same tokens in another order."""
        return self.by_tokens.get(tuple(sorted(name.tokens)), []) if len(name.tokens) > 1 else []


def _describe(records: list[Record], limit: int = 3) -> str:
    shown = "; ".join(r.label for r in records[:limit])
    return shown + (f" (+{len(records) - limit} more)" if len(records) > limit else "")


def _entity_records(entity: NormalName, records: list[Record]) -> tuple[list[Record], str]:
    """The records of the holder's own legal entity: all when one country, else those of its legal form."""
    if len({r.country for r in records}) == 1:
        return records, "name"
    same_form = [r for r in records if entity.legal_forms and r.name.legal_forms == entity.legal_forms]
    if same_form and len({r.country for r in same_form}) == 1:
        return same_form, "by_legal_form"
    hints = legal_form_countries(entity)
    hinted = [r for r in records if r.country in hints]
    if hinted and len({r.country for r in hinted}) == 1:
        return hinted, "by_legal_form"
    return [], "conflict"


def _other_entity(entity: NormalName, record: Record, name_countries: set[str]) -> bool:
    """Whether a same-name record with another legal form names another entity: when it is registered where
    the holder's form is not used (Dipharma Inc in the US for DIPHARMA SA), or carries another national form
    of a name registered in several countries, a group's (Sandoz GmbH in AT for SANDOZ AG)."""
    hints = legal_form_countries(entity)
    if not hints or not record.name.legal_forms or record.name.legal_forms == entity.legal_forms:
        return False
    return record.country not in hints or (len(name_countries) > 1 and not weak_legal_form(record.name))


def _name_clues(
    entity: NormalName, index: NameIndex, source: str, what: str
) -> tuple[list[Clue], list[Record]]:
    """Clues from firm names of one source (DECRS or compliance records) equal to the holder's entity name."""
    records, how = index.exact(entity), "name"
    if not records and source == "decrs":
        records, how = index.token_set(entity), "token_set"
    name_countries = {r.country for r in records}
    others = [r for r in records if _other_entity(entity, r, name_countries)]
    notes = [
        Clue("", "note", f"{what} firm of the same name but another legal form, taken for another "
             f"entity: {_describe(others)}")
    ] if others else []
    records = [r for r in records if r not in others]
    if not records:
        return notes, []
    chosen, picked = _entity_records(entity, records)
    if not chosen:
        countries = ", ".join(sorted({r.country for r in records}))
        conflict = f"{what} name matches firms in several countries ({countries}): {_describe(records)}"
        return [*notes, Clue("", "conflict", conflict)], []
    method = f"{source}_{'token_set' if how == 'token_set' else picked}"
    kind = {
        "name": "exact match",
        "by_legal_form": "match, same legal form",
        "token_set": "match, same words in another order",
    }[how if how == "token_set" else picked]
    clues = [
        Clue(
            country,
            method,
            f"{what} firm name {kind}: {_describe([r for r in chosen if r.country == country])}",
        )
        for country in sorted({r.country for r in chosen})
    ]
    return [*notes, *clues], chosen


def _place_clues(entity_text: str, entity: NormalName) -> list[Clue]:
    """Clues from place names in the holder's entity name; a trailing country name beats a city of another."""
    hints = legal_form_countries(entity)
    hits = [h for h in find_places(entity_text) if not h.ambiguous or h.country in hints]
    countries = {h.country for h in hits}
    if len(countries) > 1:
        named = [h for h in hits if h.kind in ("country", "adjective")]
        if named and named[-1] is hits[-1] and len({h.country for h in named}) == 1:
            hits = [h for h in hits if h.country == named[-1].country]
        else:
            listed = ", ".join(f"{h.name} -> {h.country}" for h in hits)
            return [Clue("", "conflict", f"place names in holder point to several countries: {listed}")]
    return [Clue(h.country, "place_in_name", f"place name in holder: {h.name} -> {h.country}") for h in hits]


def _subject_countries(subjects: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for subject in subjects:
        for hit in find_places(subject):
            if not hit.ambiguous and hit.name not in found[hit.country]:
                found[hit.country].append(hit.name)
    return found


def _decide(res: Resolution, clues: list[Clue], entity: NormalName) -> None:
    """Turn clues into a country, a confidence and a method (unknown when the evidence conflicts)."""
    conflicts = [c for c in clues if c.method == "conflict"]
    res.evidence.extend(c.text for c in clues)
    curated = [c for c in clues if c.method == "curated_group"]
    scores: dict[str, float] = defaultdict(float)
    for c in clues:
        if c.method in WEIGHTS:
            scores[c.country] += WEIGHTS[c.method]
    hints = legal_form_countries(entity)
    if curated and len({c.country for c in curated}) == 1:
        top, confidence = curated[0].country, "high"
        if any(s >= STRONG for k, s in scores.items() if k != top):
            confidence = "medium"
    elif scores:
        top = max(scores, key=lambda k: scores[k])
        # Sites abroad are normal: a subject naming another country does not contest the seat.
        best = scores[top]
        rest = sum(
            WEIGHTS[c.method]
            for c in clues
            if c.method in WEIGHTS and c.method != "subject_site" and c.country != top
        )
        decided_by = {c.method for c in clues if c.country == top and c.method in WEIGHTS}
        if decided_by == {"subject_site"} and len(scores) > 1:
            res.method = "conflict"
            res.evidence.append("DMF subjects name sites in several countries: country left unknown")
            return
        if rest == 0 and not conflicts:
            confidence = "high" if best >= STRONG else "medium" if best >= 2 else "low"
        elif best >= STRONG and best >= 2 * (rest + STRONG * len(conflicts)):
            confidence = "medium"
        else:
            res.method = "conflict"
            res.evidence.append("conflicting evidence: country left unknown")
            return
    elif len(hints) == 1 and not conflicts and not weak_legal_form(entity):
        top, confidence = next(iter(hints)), "low"
        clues.append(Clue(top, "legal_form", f"legal form {', '.join(entity.legal_forms)} -> {top} (weak)"))
        res.evidence.append(clues[-1].text)
    else:
        res.method = "conflict" if conflicts else None
        if hints:
            res.evidence.append(
                f"legal form {', '.join(entity.legal_forms)} is used in "
                f"{', '.join(sorted(hints))}: not enough alone"
            )
        return
    if confidence == "high" and hints and top not in hints:
        confidence = "medium"
        res.evidence.append(f"legal form {', '.join(entity.legal_forms)} is unusual in {top}")
    res.country, res.confidence = top, confidence
    res.method = min((c.method for c in clues if c.country == top), key=PRIORITY.index)


class HolderResolver:
    """Resolves holder strings against the evidence loaded from the warehouse and the curated files."""

    def __init__(self, decrs: list[Record], compliance: list[Record], groups: list[Record]) -> None:
        self.decrs = NameIndex(decrs)
        self.compliance = NameIndex(compliance)
        self.groups = NameIndex(groups)

    def resolve(self, holder: str, subjects: list[str] | None = None) -> Resolution:
        """Country, site countries, confidence, method and evidence for one holder string."""
        parts = parse_holder(holder)
        entity = normalize(parts.entity)
        res = Resolution(holder)
        if parts.entity != holder.strip():
            tails = [
                f"{k}: {v}"
                for k, v in (
                    ("DBA", parts.dba),
                    ("parent", parts.parent),
                    ("division", parts.division),
                    ("site", parts.site),
                )
                if v
            ]
            res.evidence.append(
                f"operating entity: {parts.entity}" + (f" ({'; '.join(tails)})" if tails else "")
            )
        clues: list[Clue] = []
        group_hits = [
            r
            for r in self.groups.exact(entity)
            if not entity.legal_forms or not r.name.legal_forms or r.name.legal_forms == entity.legal_forms
        ]
        clues += [Clue(r.country, "curated_group", f"curated group member: {r.label}") for r in group_hits]
        decrs_clues, decrs_rows = _name_clues(entity, self.decrs, "decrs", "DECRS")
        comp_clues, _ = _name_clues(entity, self.compliance, "compliance", "FDA compliance record")
        clues += decrs_clues + comp_clues + _place_clues(parts.entity, entity)
        subject_places = _subject_countries(subjects or [])
        if parts.site:
            for hit in find_places(parts.site):
                if not hit.ambiguous:
                    subject_places.setdefault(hit.country, []).append(hit.name)
        for country, names in sorted(subject_places.items()):
            clues.append(
                Clue(
                    country,
                    "subject_site",
                    f"site named in DMF subject or holder: {', '.join(names[:3])} -> {country}",
                )
            )
        _decide(res, clues, entity)
        sites = {r.country for r in decrs_rows if r.api_site} | set(subject_places)
        res.site_countries = sorted(sites)
        return res


def _records(table: pa.Table, label: Any) -> list[Record]:
    return [
        Record(
            normalize(parse_holder(row["firm_name"]).entity),
            row["country_iso2"],
            label(row),
            bool(row.get("api_manufacture")),
        )
        for row in table.to_pylist()
    ]


def _decrs_label(row: dict[str, Any]) -> str:
    where = ", ".join(p for p in (row.get("city"), row["country_iso2"]) if p)
    return f"{row['firm_name']} ({where})" + (f" FEI {row['fei']}" if row.get("fei") else "")


def group_records() -> list[Record]:
    """Members of the curated groups as firm records."""
    return [
        Record(
            normalize(m.name),
            m.country,
            f"{m.name} ({m.country}), {m.role} in group {g.group}; source: {g.sources[0].title}",
        )
        for g in load_groups()
        for m in g.members
    ]


def load_resolver(engine: Engine, *, use_curated: bool = True) -> HolderResolver:
    """A resolver loaded with the DECRS, compliance and curated evidence present in the warehouse."""
    q = _queries()
    has_decrs = engine.exists("core.establishment")
    decrs = _records(engine.query(q["establishments"]), _decrs_label) if has_decrs else []
    compliance: list[Record] = []
    if engine.exists("core.compliance_event"):
        table = engine.query(q["compliance" if has_decrs else "compliance_without_decrs"])
        compliance = _records(table, lambda r: f"{r['firm_name']}, {r['country_iso2']} ({r['event_type']})")
    return HolderResolver(decrs, compliance, group_records() if use_curated else [])


@dataclass
class OverrideOutcome:
    """What became of one analyst override in a build."""

    override: Override
    status: str


def apply_overrides(
    results: dict[str, Resolution], overrides: list[Override], resolver: HolderResolver
) -> list[OverrideOutcome]:
    """Apply analyst overrides in file order; report which applied and which no longer match anything."""
    outcomes = []
    for ov in overrides:
        res = results.get(ov.holder)
        if res is None:
            outcomes.append(OverrideOutcome(ov, "no DMF holder with this exact name"))
            continue
        note = f"override by {ov.who} on {ov.when}: {ov.why}"
        if ov.action == "set_country":
            res.country, res.confidence, res.method = ov.country, "high", "override"
        else:
            firms = resolver.decrs.exact(normalize(ov.firm or ""))
            if not firms:
                outcomes.append(OverrideOutcome(ov, "no DECRS firm with this name"))
                continue
            if ov.action == "pin":
                countries = sorted({r.country for r in firms})
                res.country = countries[0] if len(countries) == 1 else None
                res.site_countries = sorted({r.country for r in firms if r.api_site})
                res.confidence, res.method = ("high", "override") if res.country else (None, "override")
            else:
                res.country = res.confidence = None
                res.method = "override"
                res.site_countries = []
                note += f" (split from {ov.firm}; re-resolve by hand)"
        res.evidence.append(f"{ov.action} {ov.country or ov.firm}: {note}")
        outcomes.append(OverrideOutcome(ov, "applied"))
    return outcomes


def resolve_holders_with_report(
    engine: Engine,
    *,
    use_curated: bool = True,
    use_overrides: bool = True,
) -> tuple[pa.Table, list[OverrideOutcome]]:
    """Every DMF holder resolved (as resolve_holders), with the outcome of each analyst override."""
    resolver = load_resolver(engine, use_curated=use_curated)
    results = {}
    for row in engine.query(_queries()["holders"]).to_pylist():
        results[row["holder"]] = resolver.resolve(row["holder"], row["subjects"] or [])
    outcomes = apply_overrides(results, load_overrides(), resolver) if use_overrides else []
    for out in outcomes:
        if out.status != "applied":
            log.warning("override for %r not applied: %s", out.override.holder, out.status)
    rows = [
        {
            "holder": r.holder,
            "firm_id": None,
            "country": r.country,
            "site_countries": r.site_countries,
            "confidence": r.confidence,
            "method": r.method,
            "evidence": r.evidence,
        }
        for r in results.values()
    ]
    return pa.Table.from_pylist(rows, schema=SCHEMA), outcomes


def resolve_holders(engine: Engine, *, use_curated: bool = True, use_overrides: bool = True) -> pa.Table:
    """Every distinct DMF holder with country (seat of the entity named), site countries, confidence, method,
    evidence; firm_id is left NULL for the firm-linking step to fill."""
    return resolve_holders_with_report(engine, use_curated=use_curated, use_overrides=use_overrides)[0]
