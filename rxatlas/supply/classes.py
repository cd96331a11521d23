"""Therapeutic classes: the substances of a market scope rolled up by WHO ATC class (levels 1 to 4), with their
qualified API sources, single-source share, median HHI, main source countries and current shortages per class.

A substance takes its ATC codes from the national essential-medicines lists (GEM dataset) whose medicine name maps
to it (core.substance_criticality), else from the medicine its name names once salt, ester and hydrate words are
dropped (MOMETASONE FUROATE: MOMETASONE); without one, its FDA Established Pharmacologic Class from the openFDA
label annotations of shortage records (core.pharm_class) or, when loaded, the NDC directory's listings; the rest
form one unclassified row, so every substance of the scope counts.
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from rxatlas.errors import InputError
from rxatlas.resolve.substance_text import name_key, vocabulary
from rxatlas.supply.metrics import COUNT_NOTE
from rxatlas.supply.scope import ALL, check_scope, scope_note
from rxatlas.warehouse.engine import Engine

TABLES = frozenset({"core.market_scope", "core.substance_criticality", "core.pharm_class", "core.name_substance",
                    "core.substance_metrics", "core.api_source", "core.shortage_presentation",
                    "core.essential_medicine", "core.ndc_product"})
CODE_LENGTH = {1: 1, 2: 3, 3: 4, 4: 5}
LEVEL_OF = {length: level for level, length in CODE_LENGTH.items()}
DEFAULT_LEVEL = 3
ATC, EPC, UNCLASSIFIED = "atc", "fda_epc", "unclassified"
TOP_COUNTRIES = 3
EXAMPLES = 5
ATC_SOURCE = "WHO Collaborating Centre for Drug Statistics Methodology, ATC/DDD Index 2021"
# GEM codes are typed by hand: a letter O where a digit belongs (CO1DA for C01DA) is read as a zero.
_DIGIT_SLOTS = (1, 2, 5, 6)

# One row per substance of the scope with its class evidence, supply metrics and whether it has a current FDA
# shortage presentation (core.shortage_presentation: the shortage files merged and linked as the shortages answer
# merges and links them).
SUBSTANCES_SQL = """
WITH labelled AS (
    SELECT n.unii, p.pharm_class
    FROM core.pharm_class AS p
    JOIN core.name_substance AS n ON n.origin = 'unii' AND n.kind = 'api' AND n.name = p.unii
    WHERE n.unii IS NOT NULL
    {ndc_classes}
), epc AS (
    SELECT unii, list(DISTINCT pharm_class ORDER BY pharm_class) AS classes FROM labelled GROUP BY unii
), current_shortage AS (
    SELECT unii FROM core.shortage_presentation WHERE current AND unii IS NOT NULL
), firms AS (
    SELECT unii, list(DISTINCT firm_id) AS firm_ids FROM core.api_source GROUP BY unii
)
SELECT s.unii, s.substance, coalesce(c.atc_codes, []) AS atc_codes, coalesce(c.methods, []) AS methods,
       coalesce(e.classes, []) AS epc, coalesce(m.n_sources, 0) AS n_sources, m.hhi, m.single_source,
       coalesce(m.country_shares, []) AS country_shares, coalesce(f.firm_ids, []) AS firm_ids,
       s.unii IN (SELECT unii FROM current_shortage) AS shortage
FROM core.market_scope AS s
LEFT JOIN core.substance_criticality AS c ON c.unii = s.unii
LEFT JOIN epc AS e ON e.unii = s.unii
LEFT JOIN firms AS f ON f.unii = s.unii
LEFT JOIN core.substance_metrics AS m ON m.unii = s.unii
WHERE ? = 'all' OR s.market_scope = ?
ORDER BY s.unii
"""
# With the optional NDC directory of finished drugs loaded: the EPC entries of the class list (EPC, MoA, PE and CS
# classes, comma-separated) of current single-ingredient listings, by the listing's substance name.
NDC_CLASSES = """
    UNION ALL
    SELECT n.unii, trim(p.pharm_class)
    FROM (SELECT substance_name, unnest(regexp_extract_all(pharm_classes, '[^,\\[\\]]+\\[EPC\\]')) AS pharm_class
          FROM core.ndc_product
          WHERE current AND product_id IN (SELECT product_id FROM core.ndc_product GROUP BY product_id
                                           HAVING count(*) = 1)) AS p
    JOIN core.name_substance AS n ON n.origin = 'ndc' AND n.kind = 'api' AND n.name = p.substance_name
    WHERE n.unii IS NOT NULL
"""
# The names that carry ATC codes: mapped substances (any scope) and the essential-medicines entries themselves.
CODED_NAMES_SQL = """
SELECT substance AS name, atc_codes AS codes FROM core.substance_criticality WHERE len(atc_codes) > 0
UNION ALL
SELECT medicine, list_filter(list_prepend(atc_code, coalesce(atc_codes_secondary, [])), lambda c: c IS NOT NULL)
FROM core.essential_medicine GROUP BY ALL
"""
FORM_WORDS = ("salt", "ester", "hydrate", "cation")
# How a substance got its class, most direct first.
ROUTES = {
    "essential_medicines_name_exact": "ATC codes of an essential-medicines list entry whose name is the substance's "
                                      "name or a synonym of it (FDA UNII names)",
    "essential_medicines_name_stripped": "ATC codes of an essential-medicines list entry whose name matches once "
                                         "its counter-ion, hydrate or solvate words are stripped",
    "parent_medicine_name": "ATC codes of the medicine the substance's name names once salt, ester and hydrate "
                            "words are dropped (MOMETASONE FUROATE: MOMETASONE)",
    "fda_epc": "no ATC code; FDA Established Pharmacologic Class of a single-ingredient product: openFDA shortage "
               "records, and current finished listings when the NDC directory is loaded",
    UNCLASSIFIED: "neither an ATC code nor an FDA pharmacologic class",
}


@cache
def class_names() -> dict[str, dict[str, str]]:
    """The curated ATC group names (rxatlas/supply/data/atc_classes.csv) by code: name_en and name_ko."""
    text = resources.files("rxatlas.supply").joinpath("data/atc_classes.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["code"]: {"name_en": r["name_en"], "name_ko": r["name_ko"]} for r in rows}


def clean_code(code: str) -> str:
    """An ATC code upper-cased and trimmed, with a letter O in a digit position read as zero."""
    chars = list(code.strip().upper())
    for i in _DIGIT_SLOTS:
        if i < len(chars) and chars[i] == "O":
            chars[i] = "0"
    return "".join(chars)


def atc_groups(codes: list[str], level: int) -> list[str]:
    """The groups of a level that ATC codes fall in; a code coarser than the level stands for itself, unless a
    finer code of the same substance already falls under it."""
    cut = {clean_code(c)[:CODE_LENGTH[level]] for c in codes if c.strip()}
    return sorted(c for c in cut if not any(o != c and o.startswith(c) for o in cut))


def _list_route(methods: list[str]) -> str:
    """How an essential-medicines name reached the substance: exact (or synonym) unless only stripped matches did."""
    matches = [m for m in methods if m.startswith("gem name")]
    stripped = bool(matches) and all(m.startswith("gem name (stripped") for m in matches)
    return "essential_medicines_name_stripped" if stripped else "essential_medicines_name_exact"


def _parent_codes(engine: Engine) -> dict[str, list[str]]:
    """ATC codes by name key of the names that carry them (a mapped substance's name first, then a list's)."""
    codes: dict[str, list[str]] = {}
    for row in engine.rows(CODED_NAMES_SQL):
        if row["codes"]:
            codes.setdefault(name_key(row["name"]), sorted(row["codes"]))
    return codes


@cache
def _form_words() -> frozenset[str]:
    return vocabulary().words(*FORM_WORDS)


def parent_name(substance: str) -> str | None:
    """A substance name without its salt, ester, hydrate and cation words (None when no such word is in it)."""
    words = _form_words()
    tokens = name_key(substance).split()
    kept = [t for t in tokens if t not in words]
    return " ".join(kept) if kept and len(kept) < len(tokens) else None


def _classify(substance: dict[str, Any], parents: dict[str, list[str]]) -> None:
    """Set a substance's ATC codes (from a list, else from its parent medicine's name) and the route they took."""
    parent = None if substance["atc_codes"] else parent_name(substance["substance"])
    if substance["atc_codes"]:
        substance["route"] = _list_route(substance["methods"])
    elif parent is not None and parent in parents:
        substance["atc_codes"], substance["route"] = parents[parent], "parent_medicine_name"
    elif substance["epc"]:
        substance["route"] = "fda_epc"
    else:
        substance["route"] = UNCLASSIFIED


@dataclass
class _Class:
    """What one class row gathers from its substances before it becomes a row."""

    system: str
    code: str
    substances: list[dict[str, Any]] = field(default_factory=list)

    def names(self) -> dict[str, str | None]:
        """The class's English and Korean names (None where there is no curated name)."""
        if self.system == EPC:
            return {"name_en": re.sub(r"\s*\[EPC\]$", "", self.code), "name_ko": None}
        if self.system == UNCLASSIFIED:
            return {"name_en": "No ATC code or FDA pharmacologic class", "name_ko": None}
        names = class_names().get(self.code, {})
        return {"name_en": names.get("name_en") or None, "name_ko": names.get("name_ko") or None}

    def row(self) -> dict[str, Any]:
        """The class as an answer row."""
        sourced = [s for s in self.substances if s["n_sources"]]
        hhis = [s["hhi"] for s in sourced if s["hhi"] is not None]
        single = sum(1 for s in sourced if s["single_source"])
        links: Counter[str] = Counter()
        for s in sourced:
            links.update({c["country"]: c["sources"] for c in s["country_shares"]})
        known = sum(links.values())
        return {
            "system": self.system, "code": self.code,
            "level": LEVEL_OF.get(len(self.code)) if self.system == ATC else None, **self.names(),
            "substances": len(self.substances), "with_sources": len(sourced),
            "api_sources": len({f for s in sourced for f in s["firm_ids"]}),
            "source_links": sum(s["n_sources"] for s in sourced),
            "single_source": single, "single_source_share": round(single / len(sourced), 4) if sourced else None,
            "median_hhi": round(statistics.median(hhis), 1) if hhis else None,
            "top_countries": [{"country": c, "source_links": n, "share": round(n / known, 4)}
                              for c, n in sorted(links.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_COUNTRIES]],
            "current_shortages": sum(1 for s in self.substances if s["shortage"]),
            "examples": [s["substance"] for s in sorted(self.substances,
                                                        key=lambda s: (-s["n_sources"], s["substance"]))][:EXAMPLES],
        }


def _memberships(substance: dict[str, Any], level: int) -> tuple[str, list[str]]:
    """The system that classes a substance and its classes at a level (several codes: several classes)."""
    groups = atc_groups(substance["atc_codes"], level)
    if groups:
        return ATC, groups
    if substance["epc"]:
        return EPC, substance["epc"]
    return UNCLASSIFIED, [UNCLASSIFIED]


def _order(row: dict[str, Any]) -> tuple[int, int, str]:
    return ([ATC, EPC, UNCLASSIFIED].index(row["system"]), 0 if row["system"] == ATC else -row["substances"],
            row["code"])


def classes(engine: Engine, level: int = DEFAULT_LEVEL, scope: str | None = None) -> dict[str, Any]:
    """Every ATC class of a level (1-4) with the substances of the market scope (us_human_rx unless said) in it:
    sources, single-source share, median HHI, main countries, current shortages; then FDA pharmacologic classes of
    substances without an ATC code, and one unclassified row, so that every substance of the scope is counted."""
    if level not in CODE_LENGTH:
        raise InputError(f"unknown ATC level {level!r}; use 1 (anatomical main group), 2, 3 or 4")
    chosen = check_scope(scope)
    ndc = NDC_CLASSES if engine.exists("core.ndc_product") else ""
    substances = engine.rows(SUBSTANCES_SQL.format(ndc_classes=ndc), [chosen, chosen])
    parents = _parent_codes(engine)
    grouped: dict[tuple[str, str], _Class] = {}
    systems: Counter[str] = Counter()
    routes: Counter[str] = Counter()
    several = extra = 0
    for substance in substances:
        _classify(substance, parents)
        system, codes = _memberships(substance, level)
        systems[system] += 1
        routes[substance["route"]] += 1
        several += len(codes) > 1
        extra += len(codes) - 1
        for code in codes:
            grouped.setdefault((system, code), _Class(system, code)).substances.append(substance)
    rows = sorted((c.row() for c in grouped.values()), key=_order)
    return {
        **scope_note(chosen), "level": level,
        "definition": f"substances of the scope by ATC level-{level} class; a substance with several ATC codes "
                      "counts in each of their classes, so the rows add up to more than the scope; per class: "
                      "substances, those with a qualified API source, distinct source firms (api_sources), "
                      "substance-firm source links, single-source share and median HHI (over substances with "
                      "sources), the countries holding most source links, and substances with a current FDA "
                      "shortage",
        "substances": len(substances),
        "coverage": {"atc": systems[ATC], "routes": {r: routes[r] for r in ROUTES}, "route_definitions": ROUTES,
                     "fda_epc": systems[EPC],
                     "unclassified": systems[UNCLASSIFIED], "substances_in_several_classes": several,
                     "extra_memberships": extra},
        "rows": rows,
        "limits": [
            "ATC codes come from the national essential-medicines lists of the GEM dataset (lists of about 2017) "
            "whose medicine name maps to the substance; the EU Union list gives codes only, so it adds no "
            "substance the lists miss; drugs newer than the lists, or on none, have no ATC code here",
            "a salt or ester on no list takes the codes of its parent medicine (MOMETASONE FUROATE those of "
            "MOMETASONE); its own code can sit in another group (a topical ester of a systemic corticosteroid)",
            "FDA Established Pharmacologic Classes come from the openFDA annotations of the drug shortage records "
            "and, when the optional NDC directory of finished drugs is loaded, its current listings "
            "(single-ingredient products only); the openFDA label sample has no pharmacologic classes, so without "
            "the NDC directory substances never in shortage get none",
            f"class names: {ATC_SOURCE} (rxatlas/supply/data/atc_classes.csv); a group without a curated name "
            "shows its code",
            "current shortages: substances with a presentation the newest FDA shortage file lists as Current "
            "(core.shortage_presentation: both files merged per presentation, linked by generic name or openFDA "
            "UNII as in the shortages answer)",
        ],
        "notes": [COUNT_NOTE] + ([] if chosen == ALL else [
            "the scope is every substance of the supply map with that market scope, with or without a qualified "
            "source (with_sources says how many have one)"]),
    }
