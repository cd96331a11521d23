"""FDA UNII names as a lookup: normalised name key -> UNIIs, per-UNII facts, salt words learnt from names."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from rxatlas.warehouse.engine import Engine

# Source tags that say a name is a medicine's official or compendial name (not just any chemical).
DRUG_TAGS = ("INN", "USAN", "JAN", "ORANGE BOOK", "USP MONOGRAPH", "EP MONOGRAPH", "VANDF", "MART.",
             "GREEN BOOK", "PURPLE BOOK CDER", "EMA EPAR", "WHO-IP", "BAN")
_KEY_SQL = (r"trim(regexp_replace(regexp_replace(upper(name), '\s*\[[^\]]*\]\s*$', ''), "
            r"'[^A-Z0-9]+', ' ', 'g'))")
_TAG_SQL = r"regexp_extract(name, '\[([^\]]*)\]\s*$', 1)"
# Systematic names of salts and hydrates state the stoichiometry or the word SALT.
_SALT_SQL = r"regexp_matches(name, '\bSALT\b|\(\d+:\d+\)|COMPD\.? WITH|\bHYDRATE\b')"
# Any name may say outright that the UNII is a salt: "OCTREOTIDE ... ACETATE (SALT)", "VILANTEROL (AS TRIFENATATE)".
_SALT_NAME_SQL = r"regexp_matches(n.name, '\((SALT|AS [A-Z ]+)\)\s*(\[[^\]]*\])?$')"
# Systematic names of phosphate and succinate esters name the ester bond (a salt names the acid apart).
_ESTER_SQL = (r"regexp_matches(name, 'PHOSPHONO|DIHYDROGEN PHOSPHATE|HYDROGEN SUCCINATE"
              r"|\d-\(?(HEMI)?SUCCINATE|CARBOXYPROPANOYL')")
# Counter-ion words end like anions; these endings name a different molecule instead (N-oxide, amide...).
_NOT_COUNTER_ION = ("OXIDE", "SULFIDE", "AMIDE", "AZIDE", "HYDRAZIDE", "ANHYDRIDE", "SIDE", "PEPTIDE",
                    "NUCLEOTIDE", "GLUCURONIDE", "ACRYLATE")
MIN_SALT_PARENTS = 8
FUZZY_MIN_LENGTH = 7


@dataclass(frozen=True)
class NameRow:
    """One UNII name matching a key: its UNII, name type and source tag."""

    unii: str
    name_type: str
    tag: str


@dataclass
class UniiFacts:
    """What the names say about one UNII."""

    display: str
    display_key: str
    drug: bool
    salt: bool
    ester: bool
    inn: bool = False


@dataclass
class NameIndex:
    """UNII names keyed for matching; keys are fetched from DuckDB in batches as the resolver asks."""

    engine: Engine
    rows: dict[str, list[NameRow]] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)
    misses: int = 0
    facts: dict[str, UniiFacts] = field(default_factory=dict)
    salt_words: frozenset[str] = frozenset()
    counter_ions: frozenset[str] = frozenset()
    drug_words: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    fuzzy_seen: dict[str, tuple[str, int] | None] = field(default_factory=dict)
    name_words: frozenset[str] = frozenset()

    def get(self, key: str) -> list[NameRow] | None:
        """The names with this key; None (and the key noted as missing) when not fetched yet."""
        found = self.rows.get(key)
        if found is None:
            self.missing.add(key)
            self.misses += 1
        return found

    def known(self, key: str) -> bool:
        """Tell whether a key is a UNII name (False while not fetched)."""
        return bool(self.get(key))

    def fetch(self) -> bool:
        """Look up every missing key in one join; return whether anything was asked."""
        keys = sorted(self.missing - self.rows.keys())
        self.missing.clear()
        if not keys:
            return False
        self.engine.register("_substance_keys", pa.table({"key": keys}))
        try:
            table = self.engine.query(
                "SELECT n.key, n.unii, n.name_type, n.tag FROM _substance_names n "
                "JOIN _substance_keys k ON n.key = k.key")
        finally:
            self.engine.unregister("_substance_keys")
        for key in keys:
            self.rows[key] = []
        for key, unii, name_type, tag in zip(*(table.column(c).to_pylist() for c in table.column_names),
                                             strict=True):
            self.rows[key].append(NameRow(unii, name_type, tag))
        return True

    def fuzzy_word(self, token: str) -> tuple[str, int] | None:
        """The one medicine word within a small edit distance of a token (None when none or not unique)."""
        if token not in self.fuzzy_seen:
            self.fuzzy_seen[token] = self._fuzzy_word(token)
        return self.fuzzy_seen[token]

    def _fuzzy_word(self, token: str) -> tuple[str, int] | None:
        # a word of some medicine's name is no typo (INSULIN is not INULIN misspelt)
        if len(token) < FUZZY_MIN_LENGTH or token in self.name_words:
            return None
        allowed = 1 if len(token) < 10 else 2
        pool = [w for n in range(len(token) - allowed, len(token) + allowed + 1)
                for w in self.drug_words.get((token[0], n), [])]
        hits = process.extract(token, pool, scorer=Levenshtein.distance, score_cutoff=allowed + 1, limit=3)
        if not hits or hits[0][1] > allowed or hits[0][1] == 0:
            return None
        if len(hits) > 1 and hits[1][1] <= hits[0][1] + 1:
            return None
        return hits[0][0], int(hits[0][1])


def _learn_salt_words(engine: Engine) -> tuple[frozenset[str], frozenset[str]]:
    """Anion-like words that follow many different named parents ("<parent> <word>" names of another UNII)."""
    words = engine.query(
        "WITH k AS (SELECT DISTINCT key, unii FROM _substance_names), "
        "s AS (SELECT key, unii, regexp_extract(key, '^(.+) [A-Z]+$', 1) AS head, "
        "      regexp_extract(key, ' ([A-Z]+)$', 1) AS word FROM k "
        "      WHERE regexp_matches(key, ' [A-Z]+(ATE|IDE|ITE)$')) "
        "SELECT word FROM s SEMI JOIN k ON k.key = s.head "
        "WHERE NOT EXISTS (SELECT 1 FROM k x WHERE x.key = s.head AND x.unii = s.unii) "
        "GROUP BY word HAVING count(DISTINCT s.key) >= ?", [MIN_SALT_PARENTS]).column("word").to_pylist()
    return frozenset(w for w in words if not w.endswith(_NOT_COUNTER_ION)), frozenset(words)


def load_index(engine: Engine) -> NameIndex:
    """Key every name of core.substance_name in a temporary table and read per-UNII facts."""
    # the display name of a UNII is a name too, although the file does not always list it (LEUPROLIDE)
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE _substance_names AS SELECT {_KEY_SQL} AS key, unii, name_type, "
        f"{_TAG_SQL} AS tag, name FROM (SELECT name, name_type, unii FROM core.substance_name "
        "UNION SELECT DISTINCT display_name, 'dp', unii FROM core.substance_name)")
    tags = ", ".join(f"'{t}'" for t in DRUG_TAGS)
    facts = engine.query(
        f"SELECT n.unii, d.display, {_KEY_SQL.replace('name', 'd.display')} AS display_key, "
        f"bool_or(n.tag IN ({tags})) AS drug, "
        f"bool_or((n.name_type = 'sys' AND {_SALT_SQL}) OR {_SALT_NAME_SQL}) AS salt, "
        f"bool_or(n.name_type = 'sys' AND {_ESTER_SQL}) AS ester, "
        "bool_or(n.tag IN ('INN', 'USAN')) AS inn FROM _substance_names n "
        "JOIN (SELECT unii, any_value(display_name) AS display FROM core.substance_name GROUP BY unii) d "
        "USING (unii) GROUP BY ALL")
    index = NameIndex(engine)
    columns = (facts.column(c).to_pylist() for c in facts.column_names)
    for unii, display, key, drug, salt, ester, inn in zip(*columns, strict=True):
        index.facts[unii] = UniiFacts(display, key, bool(drug), bool(salt), bool(ester), bool(inn))
    index.salt_words, index.counter_ions = _learn_salt_words(engine)
    words = engine.query(
        f"SELECT DISTINCT key FROM _substance_names WHERE tag IN ({tags}) AND regexp_matches(key, '^[A-Z]+$')"
    ).column("key").to_pylist()
    for word in words:
        index.drug_words.setdefault((word[0], len(word)), []).append(word)
    index.name_words = frozenset(engine.query(
        f"SELECT DISTINCT unnest(string_split(key, ' ')) AS word FROM _substance_names WHERE tag IN ({tags})"
    ).column("word").to_pylist())
    return index


def close_index(index: NameIndex) -> None:
    """Drop the temporary keyed names."""
    index.engine.execute("DROP TABLE IF EXISTS temp._substance_names")
