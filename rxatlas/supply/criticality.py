"""Criticality flags per substance: EU Union list, Japan's supply-secured category, national essential-medicines
lists; each mapped to a UNII with its method and evidence, and every item that could not be mapped kept as a gap."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rxatlas.supply.kana import english_sounds, japanese_moieties, katakana_sound, sound_key
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import Step

if TYPE_CHECKING:  # the build needs pyarrow, rapidfuzz and the name mapper; flags (a question) needs none
    import pyarrow as pa

# A katakana moiety takes the JAN name whose sound is closest, when close enough and clearly closer than
# the nearest JAN name of another moiety (several drugs share a consonant key: QUETIAPINE / OCTOPAMINE).
MIN_SOUND_SCORE = 75.0
MIN_SOUND_MARGIN = 8.0
JP_RANK = {"A": 0, "B": 1, "C": 2}


def _schemas() -> tuple[pa.Schema, pa.Schema]:
    """The schemas of core.substance_criticality and core.criticality_gap."""
    import pyarrow as pa

    criticality = pa.schema([
        ("unii", pa.string()), ("substance", pa.string()), ("eu_union_list", pa.bool_()),
        ("eu_atc_codes", pa.list_(pa.string())), ("jp_category", pa.string()), ("jp_products", pa.int64()),
        ("jp_ingredients", pa.list_(pa.string())), ("essential_medicine_countries", pa.int64()),
        ("gem_medicines", pa.list_(pa.string())), ("atc_codes", pa.list_(pa.string())),
        ("methods", pa.list_(pa.string())), ("evidence", pa.list_(pa.string())),
    ])
    gap = pa.schema([("list", pa.string()), ("item", pa.string()), ("name", pa.string()), ("reason", pa.string())])
    return criticality, gap


@dataclass
class _Flags:
    """What the lists say about one substance, gathered before it becomes a row."""

    substance: str
    eu_atc_codes: set[str] = field(default_factory=set)
    jp_category: str | None = None
    jp_products: int = 0
    jp_ingredients: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    gem_medicines: set[str] = field(default_factory=set)
    atc_codes: set[str] = field(default_factory=set)
    methods: set[str] = field(default_factory=set)
    evidence: list[str] = field(default_factory=list)


# A list names a medicine: a link made only by correcting its spelling or reading it as a brand may reach a
# substance of another class (INSULIN read as INULIN), so such links are reported as gaps, never used.
DOUBTFUL_METHODS = frozenset({"fuzzy", "brand"})


def _mapped(engine: Engine, names: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Map names like DMF subjects (moieties, so every salt and form of a substance links to it): the single
    substances reached by name, and why each doubtful link was not used."""
    import pyarrow as pa

    from rxatlas.resolve.substances import map_subjects

    table = pa.table({"subject": pa.array(sorted(set(names)), pa.string())})
    found, doubtful = {}, {}
    for row in map_subjects(engine, table).to_pylist():
        if row["kind"] != "api" or row["unii"] is None:
            continue
        if row["method"] in DOUBTFUL_METHODS:
            doubtful[row["subject"]] = (f"links to {row['substance']} only through a {row['method']} match "
                                        f"({row['evidence']}); not used")
            continue
        found[row["subject"]] = row
    return found, doubtful


def _gem(engine: Engine, flags: dict[str, _Flags], gaps: list[dict[str, str]]) -> dict[str, set[str]]:
    """Add essential-medicines listings; return the UNIIs each ATC code (primary or secondary) reaches."""
    rows = engine.query(
        "SELECT medicine, atc_code, atc_codes_secondary, list(DISTINCT country_iso2) AS countries "
        "FROM core.essential_medicine GROUP BY ALL ORDER BY medicine").to_pylist()
    mapped, doubtful = _mapped(engine, [r["medicine"] for r in rows])
    by_atc: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        hit = mapped.get(row["medicine"])
        if hit is None:
            gaps.append({"list": "essential_medicines", "item": row["atc_code"] or "", "name": row["medicine"],
                         "reason": doubtful.get(row["medicine"],
                                                "the medicine name maps to no single substance UNII")})
            continue
        entry = flags.setdefault(hit["unii"], _Flags(hit["substance"]))
        entry.countries |= {c for c in row["countries"] if c}
        entry.gem_medicines.add(row["medicine"])
        codes = {c for c in [row["atc_code"], *(row["atc_codes_secondary"] or [])] if c}
        entry.atc_codes |= codes
        entry.methods.add(f"gem name ({hit['method']}, {hit['confidence']})")
        for code in codes:
            by_atc[code].add(hit["unii"])
    return by_atc


def _eu(engine: Engine, flags: dict[str, _Flags], by_atc: dict[str, set[str]],
        gaps: list[dict[str, str]]) -> None:
    """Flag the substances of the Union list through the GEM medicines carrying each ATC code."""
    for row in engine.query("SELECT atc_code, _file, _line FROM core.eu_critical_medicine ORDER BY atc_code"
                            ).to_pylist():
        uniis = by_atc.get(row["atc_code"], set())
        if not uniis:
            gaps.append({"list": "eu_union_list", "item": row["atc_code"], "name": "",
                         "reason": "no mapped essential-medicines entry carries this ATC code, and the Union "
                                   "list file gives no substance name"})
        for unii in sorted(uniis):
            entry = flags[unii]
            entry.eu_atc_codes.add(row["atc_code"])
            entry.methods.add("eu atc via gem name")
            entry.evidence.append(f"EU Union list ATC {row['atc_code']} ({row['_file']} line {row['_line']}) "
                                  f"-> GEM {', '.join(sorted(entry.gem_medicines))}")


def _jan_index(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """English JAN names (from the UNII names) by consonant key of their moiety sound: (sound, name)."""
    from rxatlas.resolve.substance_text import vocabulary

    names = engine.query(
        "SELECT DISTINCT trim(regexp_replace(name, '\\s*\\[JAN\\]$', '')) AS name FROM core.substance_name "
        "WHERE name LIKE '%[JAN]' ORDER BY 1").column("name").to_pylist()
    salts = vocabulary().words("salt", "hydrate", "cation", "ester")
    index: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in names:
        for sound in english_sounds(name, salts):
            index[sound_key(sound)].append((sound, name))
    return index


def _closest(moiety: str, index: dict[str, list[tuple[str, str]]],
             moiety_of: dict[str, dict[str, Any]]) -> tuple[dict[str, Any] | None, str]:
    """The substance a katakana moiety names, or None with the reason."""
    from rapidfuzz import fuzz

    sound = katakana_sound(moiety)
    best: dict[str, tuple[float, str]] = {}
    for jan_sound, name in index.get(sound_key(sound), []):
        hit = moiety_of.get(name)
        if hit is None:
            continue
        score = fuzz.ratio(sound, jan_sound)
        if score > best.get(hit["unii"], (-1.0, ""))[0]:
            best[hit["unii"]] = (score, name)
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
    if not ranked:
        return None, f"no JAN name sounds like {moiety} ({sound})"
    (_, (score, name)), rest = ranked[0], ranked[1:]
    if score < MIN_SOUND_SCORE:
        return None, f"closest JAN name {name} sounds too different ({score:.0f})"
    if rest and score - rest[0][1][0] < MIN_SOUND_MARGIN:
        return None, f"ambiguous between JAN names {name} and {rest[0][1][1]}"
    return {**moiety_of[name], "jan": name, "score": score}, ""


def _jp(engine: Engine, flags: dict[str, _Flags], gaps: list[dict[str, str]]) -> None:
    """Add Japan's supply-secured categories through katakana general names matched to English JAN names."""
    rows = engine.query(
        "SELECT ingredient_name, substr(yj_code, 1, 7) AS ingredient_code, min(supply_secured_category) AS "
        "category, count(*) AS products FROM core.jp_supply_status GROUP BY ALL ORDER BY 1, 2").to_pylist()
    index = _jan_index(engine)
    moiety_of, _ = _mapped(engine, [name for entries in index.values() for _, name in entries])
    for row in rows:
        item = f"YJ {row['ingredient_code']}"
        moieties = japanese_moieties(row["ingredient_name"])
        if not moieties:
            gaps.append({"list": "jp_supply", "item": item, "name": row["ingredient_name"],
                         "reason": "no katakana moiety in the general name (vaccine, blood product, crude drug)"})
        for moiety in moieties:
            hit, reason = _closest(moiety, index, moiety_of)
            if hit is None:
                gaps.append({"list": "jp_supply", "item": item, "name": row["ingredient_name"], "reason": reason})
                continue
            entry = flags.setdefault(hit["unii"], _Flags(hit["substance"]))
            category = row["category"]
            if category and (entry.jp_category is None or JP_RANK[category] < JP_RANK[entry.jp_category]):
                entry.jp_category = category
            entry.jp_products += row["products"]
            entry.jp_ingredients.add(row["ingredient_name"])
            entry.methods.add("jp katakana -> JAN name")
            entry.evidence.append(f"MHLW {row['ingredient_name']} ({item}, category {category or '-'}) sounds "
                                  f"as JAN {hit['jan']} ({hit['score']:.0f}) -> {hit['unii']}")


def criticality_tables(engine: Engine) -> tuple[pa.Table, pa.Table]:
    """Map the three criticality lists to substances: (one row per UNII, the items left unmapped)."""
    import pyarrow as pa

    flags: dict[str, _Flags] = {}
    gaps: list[dict[str, str]] = []
    by_atc = _gem(engine, flags, gaps)
    _eu(engine, flags, by_atc, gaps)
    _jp(engine, flags, gaps)
    rows = [{"unii": unii, "substance": f.substance, "eu_union_list": bool(f.eu_atc_codes),
             "eu_atc_codes": sorted(f.eu_atc_codes), "jp_category": f.jp_category, "jp_products": f.jp_products,
             "jp_ingredients": sorted(f.jp_ingredients), "essential_medicine_countries": len(f.countries),
             "gem_medicines": sorted(f.gem_medicines), "atc_codes": sorted(f.atc_codes),
             "methods": sorted(f.methods), "evidence": f.evidence} for unii, f in sorted(flags.items())]
    criticality, gap = _schemas()
    return pa.Table.from_pylist(rows, schema=criticality), pa.Table.from_pylist(gaps, schema=gap)


def build_criticality(engine: Engine) -> None:
    """Write core.substance_criticality and core.criticality_gap."""
    table, gaps = criticality_tables(engine)
    for name, data in (("substance_criticality", table), ("criticality_gap", gaps)):
        engine.register(f"_{name}", data)
        try:
            engine.execute(f"CREATE OR REPLACE TABLE core.{name} AS SELECT * FROM _{name}")
        finally:
            engine.unregister(f"_{name}")


def flags(engine: Engine, unii: str) -> dict[str, Any]:
    """The criticality flags of one substance (all false or empty when no list names it)."""
    if not engine.exists("core.substance_criticality"):
        return {"available": False, "note": "the atlas has no criticality table; rebuild with the EU, MHLW "
                                            "and essential-medicines sources"}
    rows = engine.rows("SELECT * FROM core.substance_criticality WHERE unii = ?", [unii])
    if rows:
        return {"available": True, **rows[0]}
    return {"available": True, "unii": unii, "eu_union_list": False, "eu_atc_codes": [], "jp_category": None,
            "jp_products": 0, "jp_ingredients": [], "essential_medicine_countries": 0, "gem_medicines": [],
            "atc_codes": [], "methods": [], "evidence": []}


def steps() -> list[Step]:
    """The build step mapping criticality lists to substances."""
    return [Step("substance_criticality",
                 frozenset({"core.essential_medicine", "core.eu_critical_medicine", "core.jp_supply_status",
                            "core.substance_name"}),
                 frozenset({"core.substance_criticality", "core.criticality_gap"}), build_criticality,
                 kind="python")]
