"""Canonical substances: DMF subjects classified (api, intermediate, multi, facility, other) and mapped."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa

from rxatlas.resolve.substance_index import NameIndex, NameRow, close_index, load_index
from rxatlas.resolve.substance_text import NOISE_ROLES, Vocabulary, looks_systematic, name_key, vocabulary
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import Step, write_table

KINDS = ("api", "intermediate", "multi", "facility", "other")
MAPPING_COLUMNS = ("kind", "substance", "unii", "form_unii", "confidence", "method", "evidence", "reason")
_PARTS = re.compile(r"\s*(?<!\bW)/\s*|\s+AND\s+|\s*&\s*|\s*\+\s*|\s*;\s*")
_MAX_ROUNDS = 6
# Words naming salts as often as esters: an ester only when the systematic name says so.
_SALT_OR_ESTER = frozenset({"PHOSPHATE", "SUCCINATE"})
SOLVATE_WORDS = frozenset({"SOLVATE", "HEMISOLVATE"})
# A co-crystal, clathrate or inclusion complex names its drug beside a co-former or host molecule.
_COMPLEXES = frozenset({"CO CRYSTAL", "COCRYSTAL", "CLATHRATE", "INCLUSION COMPLEX"})
# An isomer-specific display name ("MENTHOL, (+)-") is not what a plain name ("MENTHOL") means.
_ISOMER = re.compile(r"\((?:\+|-|\+/-|±|[RSEZ](?:,[RSEZ])*)\)|(?:DL|[DL])-|RAC-")
_PROVENANCE = ("_source", "_snapshot", "_file", "_sha256", "_line")


@dataclass
class Mapping:
    """What a subject is and which substance it names, with the evidence."""

    kind: str
    substance: str | None = None
    unii: str | None = None
    form_unii: str | None = None
    confidence: str = "low"
    method: str = "none"
    evidence: str = ""
    reason: str | None = None


@dataclass
class _Hit:
    """The longest run of subject words that is a UNII name, and the moiety reached from it."""

    start: int
    end: int
    key: str
    form: NameRow
    brand: bool
    drug: bool
    moiety_key: str
    moiety: str
    stripped: tuple[str, ...]
    fuzzy: str = ""


class _Resolver:
    """Maps one subject at a time against a name index (asking the index for keys it has not seen)."""

    def __init__(self, index: NameIndex, vocab: Vocabulary) -> None:
        self.index, self.vocab = index, vocab
        self.esters = vocab.words("ester")
        self.cations = vocab.words("cation")
        self.hydrates = vocab.words("hydrate")
        self.peelable = index.salt_words | vocab.words("salt", "hydrate", "cation", "ester")
        self.plain_counter_ions = vocab.words("salt", "cation", "hydrate")
        self.elements = vocab.words("element")
        self.counter_like = index.counter_ions | vocab.words("salt", "hydrate", "cation")
        self.picked: dict[str, NameRow] = {}

    def pick(self, key: str) -> NameRow | None:
        """The UNII a key names: the one displayed under that name, else the official name, else untagged."""
        if key in self.picked:
            return self.picked[key]
        rows = self.index.get(key)
        if not rows:
            return None

        def rank(row: NameRow) -> tuple[bool, bool, bool, bool, bool, str]:
            facts = self.index.facts[row.unii]
            return (facts.display != key, bool(_ISOMER.search(facts.display)), facts.display_key != key,
                    row.name_type != "of", row.tag != "", row.unii)

        self.picked[key] = min(rows, key=rank)
        return self.picked[key]

    def _drug(self, key: str) -> bool:
        form = self.pick(key)
        return form is not None and self.index.facts[form.unii].drug

    def _peel(self, cur: list[str]) -> tuple[list[str], tuple[str, ...], bool] | None:
        """The rest once a salt, hydrate, solvate or form phrase is taken off the end (or a cation off the
        front), the words taken, and whether they were a counter-ion."""
        for size in (3, 2, 1):
            role = self.vocab.phrases.get(tuple(cur[-size:])) if len(cur) > size else None
            if role in ("hydrate", "salt") and size > 1:
                return cur[:-size], tuple(cur[-size:]), role == "salt"
            if role == "solvent" and self.index.known(" ".join(cur[:-size])):
                return cur[:-size], tuple(cur[-size:]), False
        if cur[-1] in SOLVATE_WORDS:
            # a solvate names its solvent before the word: ATORVASTATIN CALCIUM PROPYLENE GLYCOL SOLVATE
            for size in (1, 2, 3):
                solvent, rest = cur[-1 - size:-1], cur[:-1 - size]
                if rest and self.index.known(" ".join(solvent)) and self.index.known(" ".join(rest)):
                    return rest, (*solvent, cur[-1]), False
            return cur[:-1], (cur[-1],), False
        if cur[-1] in self.peelable:
            return cur[:-1], (cur[-1],), cur[-1] not in self.hydrates
        if cur[0] in self.cations:
            return cur[1:], (cur[0],), True
        return None

    def _moiety(self, tokens: list[str]) -> tuple[str, tuple[str, ...]] | None:
        """Strip counter-ions, hydrates, solvates and non-own-name esters while the rest is still a UNII name."""
        cur, found = list(tokens), None
        removed: list[str] = []
        stripped: tuple[str, ...] = ()
        if self.index.known(" ".join(cur)):
            found = " ".join(cur)
        while len(cur) > 1:
            key = " ".join(cur)
            form = self.pick(key)
            word = cur[-1]
            if form is not None:
                facts = self.index.facts[form.unii]
                own_inn = any(r.unii == form.unii and r.tag == "INN" for r in self.index.get(key) or [])
                if word in _SALT_OR_ESTER:
                    ester = facts.ester
                elif word.endswith("PHOSPHATE"):  # di- and triphosphates of a nucleoside are esters (ATP)
                    ester = not facts.salt
                else:
                    ester = word in self.esters and not facts.salt
                # an INN of its own keeps an ester-like or learnt anion word (ISOSORBIDE MONONITRATE), never a
                # cation, a compendial counter-ion or a hydrate (SULFADIAZINE SODIUM is sulfadiazine's salt)
                if ester or (own_inn and not facts.salt and word not in self.plain_counter_ions):
                    break
            # a salt of two cations is a drug of its own (EDETATE CALCIUM DISODIUM is not edetate disodium)
            if len({t for t in cur if t in self.cations}) > 1:
                break
            peeled = self._peel(cur)
            if peeled is None:
                break
            rest, words, counter_ion = peeled
            if counter_ion and (all(t in self.counter_like or t in self.elements for t in rest)
                                or (len(rest) == 1 and rest[0].endswith("IDE") and not self._drug(rest[0]))):
                break
            removed.extend(words)
            cur = rest
            if self.index.known(" ".join(cur)):
                found, stripped = " ".join(cur), tuple(removed)
        if found is None:
            return None
        if not found.endswith(" ANHYDROUS") and self.index.known(found + " ANHYDROUS"):
            found += " ANHYDROUS"
        return found, stripped

    def _span_ok(self, tokens: list[str], marks: list[str | None], key: str) -> bool:
        if all(m in NOISE_ROLES for m in marks) or (len(tokens) == 1 and tokens[0] in self.peelable):
            return False
        if len(tokens) == 1 and len(tokens[0]) < 5:
            form = self.pick(key)
            return len(tokens[0]) == 4 and form is not None and self.index.facts[form.unii].drug
        return True

    def hit(self, tokens: list[str], marks: list[str | None], drug_first: bool = False) -> _Hit | None:
        """The best UNII name inside the subject words, with its moiety (a medicine first when drug_first)."""
        best: tuple[tuple[int, int, int], int, int] | None = None
        for i in range(len(tokens)):
            for j in range(i + 1, len(tokens) + 1):
                key = " ".join(tokens[i:j])
                if not self.index.get(key) or not self._span_ok(tokens[i:j], marks[i:j], key):
                    continue
                form = self.pick(key)
                known = self.index.facts[form.unii] if form is not None else None
                drug = known is not None and known.drug
                inn = known is not None and known.inn and any(m != "excipient" for m in marks[i:j])
                score = (inn, j - i, -i) if drug_first else (j - i, drug, -i)
                if best is None or score > best[0]:
                    best = (score, i, j)
        if best is None:
            return None
        _, i, j = best
        key = " ".join(tokens[i:j])
        form = self.pick(key)
        assert form is not None
        rows = self.index.get(key) or []
        moiety = self._moiety(tokens[i:j]) or (key, ())
        display = self.index.facts[form.unii].display_key
        if display != key and not moiety[1]:
            moiety = self._moiety(display.split()) or moiety
        unii = self.pick(moiety[0])
        facts = self.index.facts
        return _Hit(i, j, key, form, all(r.name_type == "bn" for r in rows if r.unii == form.unii),
                    facts[form.unii].drug or (unii is not None and facts[unii.unii].drug), moiety[0],
                    unii.unii if unii else form.unii, moiety[1])

    def fuzzy_hit(self, tokens: list[str], marks: list[str | None]) -> _Hit | None:
        """A hit after correcting one misspelt word to the only medicine word a small edit away."""
        for n, (token, mark) in enumerate(zip(tokens, marks, strict=True)):
            if mark is not None or self.index.known(token) or not token.isalpha():
                continue
            found = self.index.fuzzy_word(token)
            if found is None:
                continue
            fixed = [*tokens[:n], found[0], *tokens[n + 1:]]
            hit = self.hit(fixed, marks)
            if hit is not None and hit.start <= n < hit.end:
                hit.fuzzy = f"{token}->{found[0]}"
                return hit
        return None

    def _unexplained(self, tokens: list[str], marks: list[str | None], hit: _Hit | None) -> list[str]:
        """Subject words outside the matched name that no vocabulary role explains."""
        inside = range(hit.start, hit.end) if hit else range(0)
        return [t for n, t in enumerate(tokens)
                if n not in inside and marks[n] is None and t not in self.peelable]

    def _describe(self, hit: _Hit) -> str:
        facts = self.index.facts
        text = f"'{hit.key}' -> {hit.form.unii} ({facts[hit.form.unii].display})"
        if hit.moiety != hit.form.unii:
            text += f"; moiety '{hit.moiety_key}' -> {hit.moiety} ({facts[hit.moiety].display})"
        if hit.stripped:
            text += f"; stripped {' '.join(hit.stripped)}"
        if hit.fuzzy:
            text += f"; spelling {hit.fuzzy}"
        return text

    def _multi(self, text: str) -> list[_Hit] | None:
        parts = [p for p in _PARTS.split(text.upper()) if p.strip()]
        if len(parts) < 2:
            return None
        hits: dict[str, _Hit] = {}
        for part in parts:
            tokens = name_key(part).split()
            marks, _ = self.vocab.roles_at(tokens)
            hit = self.hit(tokens, marks)
            if hit is None or not hit.drug or all(m == "excipient" for m in marks[hit.start:hit.end]) \
                    or len(self._unexplained(tokens, marks, hit)) > hit.end - hit.start:
                continue
            hits.setdefault(hit.moiety, hit)
        return list(hits.values()) if len(hits) > 1 else None

    def subject(self, text: str) -> Mapping:
        """Classify and map one subject."""
        tokens = name_key(text).split()
        marks, roles = self.vocab.roles_at(tokens)
        asked = self.index.misses
        # the drug of a co-crystal or a complex is the moiety (VOXELOTOR ADIPIC ACID CO-CRYSTAL), not its co-former
        complex_form = any(p in _COMPLEXES for p in roles.get("hydrate", []))
        hit = self.hit(tokens, marks, drug_first=complex_form)
        if hit is None and self.index.misses == asked:
            hit = self.fuzzy_hit(tokens, marks)

        def words(*kinds: str) -> str:
            return ", ".join(p for k in kinds for p in roles.get(k, []))

        if "facility" in roles:
            return self._mapped("facility", hit, "high",
                                f"names a site, process or service ({words('facility')})")
        if "intermediate" in roles:
            return self._mapped("intermediate", hit, "high",
                                f"names an intermediate or reagent ({words('intermediate')})")
        left = self._unexplained(tokens, marks, hit)
        if looks_systematic(text) and not (hit and hit.drug and not left):
            return self._mapped("intermediate", None if left else hit, "medium",
                                "systematic chemical name of no medicine")
        if "other" in roles:
            return Mapping("other", confidence="high", method="vocabulary", evidence=words("other"),
                           reason=f"names a material that is not a drug substance ({words('other')})")
        if multi := self._multi(text):
            return self._multi_mapping(tokens, multi)
        if hit is None:
            return Mapping("other", evidence=words(*roles), reason="no UNII name found in the subject")
        if not hit.drug and left and (hit.end - hit.start == 1 or _words(left) >= _words(tokens[hit.start:hit.end])):
            return Mapping("other", evidence=self._describe(hit) + f"; unexplained {' '.join(left)}",
                           reason="only an incidental UNII name of no medicine found in the subject")
        if not hit.drug and looks_systematic(self.index.facts[hit.moiety].display):
            return self._mapped("intermediate", hit, "medium",
                                "names a chemical of no medicine, known by its systematic name")
        if not hit.drug and hit.end - hit.start > 1 and self._drug(tokens[hit.start]):
            return self._mapped("intermediate", hit, "medium",
                                f"names a derivative of {tokens[hit.start]} that is no medicine itself "
                                "(an intermediate or impurity)")
        spanned = marks[hit.start:hit.end]
        material = roles.keys() & {"weak_other", "excipient"}
        if all(m == "excipient" for m in spanned) or (not hit.drug and material):
            return Mapping("other", confidence="medium", method="vocabulary", evidence=self._describe(hit),
                           reason=f"names an excipient or processing material "
                                  f"({words('excipient', 'weak_other')})")
        confidence = "low" if hit.fuzzy else "high" if hit.drug and not left and not hit.brand else "medium"
        mapping = self._mapped("api", hit, confidence, None)
        if left:
            mapping.evidence += f"; unexplained {' '.join(left)}"
        return mapping

    def _mapped(self, kind: str, hit: _Hit | None, confidence: str, reason: str | None) -> Mapping:
        if hit is None:
            return Mapping(kind, confidence=confidence, method="vocabulary", reason=reason)
        method = "fuzzy" if hit.fuzzy else "brand" if hit.brand else "stripped" if hit.stripped else "exact"
        form = hit.form.unii if hit.form.unii != hit.moiety else None
        return Mapping(kind, self.index.facts[hit.moiety].display, hit.moiety, form, confidence, method,
                       self._describe(hit), reason)

    def _multi_mapping(self, tokens: list[str], hits: list[_Hit]) -> Mapping:
        names = [self.index.facts[h.moiety].display for h in hits]
        evidence = "; ".join(self._describe(h) for h in hits)
        combined = self.pick(" ".join(h.moiety_key.removesuffix(" ANHYDROUS") for h in hits))
        whole = self.hit(tokens, [None] * len(tokens))
        if combined is None and whole is not None and whole.start == 0 and whole.end == len(tokens):
            combined = whole.form
        if combined is not None:
            evidence += f"; combination -> {combined.unii} ({self.index.facts[combined.unii].display})"
        reason = None if combined else "a combination of several moieties has no single UNII"
        return Mapping("multi", " + ".join(names), combined.unii if combined else None, None, "high",
                       "components", evidence, reason)


def _words(tokens: list[str]) -> int:
    """How many real words (three letters or more, no digits) a run of tokens holds: codes and locants are not."""
    return sum(1 for t in tokens if len(t) >= 3 and t.isalpha())


def map_subjects(engine: Engine, subjects: pa.Table | None = None) -> pa.Table:
    """Classify and map DMF subjects (default: every DMF in core.dmf); the input columns come back with
    kind, substance, unii, form_unii, confidence, method, evidence and reason appended."""
    if subjects is None:
        subjects = engine.query("SELECT * FROM core.dmf ORDER BY dmf")
    index = load_index(engine)
    try:
        resolver = _Resolver(index, vocabulary())
        pending = sorted({s for s in subjects.column("subject").to_pylist() if s is not None})
        done: dict[str, Mapping] = {}
        for _ in range(_MAX_ROUNDS):
            retry = []
            for text in pending:
                asked = index.misses
                done[text] = resolver.subject(text)
                if index.misses > asked:
                    retry.append(text)
            if not index.fetch():
                break
            pending = retry
    finally:
        close_index(index)
    empty = Mapping("other", reason="the subject is empty")
    rows = [done.get(s, empty) if s is not None else empty for s in subjects.column("subject").to_pylist()]
    for column in MAPPING_COLUMNS:
        subjects = subjects.append_column(column, pa.array([getattr(r, column) for r in rows], pa.string()))
    return subjects


def _build_dmf_substance(engine: Engine) -> None:
    mapped = map_subjects(engine, engine.query(
        f"SELECT dmf, subject, {', '.join(_PROVENANCE)} FROM core.dmf ORDER BY dmf"))
    write_table(engine, "core.dmf_substance", mapped,
                select=f"dmf, subject, {', '.join(MAPPING_COLUMNS)}, {', '.join(_PROVENANCE)}")


def steps() -> list[Step]:
    """The build step that maps every DMF subject to a canonical substance (core.dmf_substance)."""
    return [Step("dmf_substance", inputs=frozenset({"core.dmf", "core.substance_name"}),
                 outputs=frozenset({"core.dmf_substance"}), run=_build_dmf_substance, kind="python")]
