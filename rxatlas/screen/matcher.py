"""Name matching for screening: listed names, aliases and group members against one input name, with reasons.

General rules, no firm named: only distinctive tokens count (generic business words, legal forms and place
names do not: a Wuxi-city firm is not WuXi AppTec); a name resting on one short token ("MGI", "STA") needs the
whole name to agree; countries that disagree (given, or told by place names and national legal forms) turn a
match into `possible` (or drop it when the name evidence is weak); native-script names match on their core.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from rxatlas.resolve.names import CJK, GENERIC, NormalName, legal_form_countries, normalize, weak_legal_form
from rxatlas.resolve.places import find_places

Grade = Literal["strong", "possible"]
# Tokens whose letters are too few to tell firms apart on their own (acronyms such as BGI, MGI, STA).
WEAK_LETTERS = 4
# Tokens in at least COMMON_DF firm names are common words; in at most RARE_DF, rare enough to stand alone.
COMMON_DF = 30
RARE_DF = 8
FUZZY_MIN_LEN = 7
FUZZY_MIN_RATIO = 90.0
CJK_MIN_CORE = 3
_TRAILING_ACRONYM = re.compile(r"\s*\(([^()a-z]{2,12})\)\s*$")
_FORM_TOKENS = frozenset({"CO", "CORP", "LTD", "INC", "LLC", "PVT"})


@dataclass(frozen=True)
class Target:
    """A name the matcher looks for: a listed name or alias, a group member, or an informational name."""

    name: str
    ref: str
    kind: Literal["listed", "graph", "informational"]
    via: str
    country: str | None = None
    person: bool = False


@dataclass(frozen=True)
class Prepared:
    """A name broken into what matching compares."""

    norm: NormalName
    distinctive: tuple[str, ...]
    places: frozenset[str]
    countries: frozenset[str]
    cjk: str
    acronym: bool
    core_key: str
    core: frozenset[str]


@dataclass(frozen=True)
class Hit:
    """One target matched by an input name: grade, score and the reasons."""

    target: Target
    grade: Grade
    score: float
    reasons: tuple[str, ...] = field(default=())


@lru_cache(maxsize=200_000)
def prepare(name: str, person: bool = False) -> Prepared:
    """Normalise a name and split it into distinctive tokens, place words and country hints."""
    text = _TRAILING_ACRONYM.sub("", name) or name
    norm = normalize(text)
    hits = find_places(text)
    places = frozenset(w for h in hits for w in h.name.split()) if not person else frozenset()
    tokens = norm.tokens
    cjk = "".join(t for t in tokens if CJK.search(t))
    own = [t for t in tokens if t not in GENERIC and not t.isdigit() and len(t) > 1 and not CJK.search(t)]
    distinctive = tuple(t for t in own if t not in places) or tuple(own)
    countries = {h.country for h in hits if not h.ambiguous}
    if not weak_legal_form(norm):
        countries |= legal_form_countries(norm)
    acronym = len(tokens) == 1 and text.strip().isupper() and len(tokens[0]) <= 5 and tokens[0].isalpha()
    # the name without place words, and its words without legal-form words
    core_key = " ".join(t for t in tokens if t not in places)
    core = frozenset(t for t in tokens if t not in places and t not in _FORM_TOKENS)
    return Prepared(norm, distinctive, places, frozenset(countries), cjk, acronym, core_key, core)


class Matcher:
    """An index of target names; `match` returns the hits of one input name.

    A token used by many firm names (a background of known firm names, else the targets) is common: it
    is not distinctive, however rare it is in English ("UNION", "DIVISION", "CENTER" among firms).
    """

    def __init__(self, targets: Iterable[Target], background: Iterable[str] = ()) -> None:
        self.targets: list[tuple[Target, Prepared]] = []
        self.target_rare: list[tuple[str, ...]] = []
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_token: dict[str, list[int]] = defaultdict(list)
        self.cjk: list[int] = []
        self.vocab: dict[tuple[str, int], list[str]] = defaultdict(list)
        self.df: Counter[str] = Counter()
        listed = [(t, prepare(t.name, t.person)) for t in targets]
        # Known firm names count each firm's entities; without them, the target names stand in.
        for name in set(background) or {t.name for t, _ in listed}:
            self.df.update(set(prepare(name).distinctive))
        for target, prep in listed:
            if not prep.norm.key:
                continue
            i = len(self.targets)
            self.targets.append((target, prep))
            self.target_rare.append(self.rare(prep))
            self.by_key[prep.norm.compact].append(i)
            if prep.core_key:
                self.by_key[prep.core_key.replace(" ", "")].append(i)
            if prep.cjk and len(prep.cjk) >= CJK_MIN_CORE:
                self.cjk.append(i)
            for token in set(self.rare(prep)):
                if token not in self.by_token:
                    self.vocab[(token[0], len(token))].append(token)
                self.by_token[token].append(i)

    def rare(self, prep: Prepared) -> tuple[str, ...]:
        """The distinctive tokens of a name that few firm names share."""
        return tuple(t for t in prep.distinctive if self.df[t] < COMMON_DF)

    @lru_cache(maxsize=100_000)  # noqa: B019  (the matcher lives as long as one screening run)
    def _fuzzy(self, token: str) -> tuple[tuple[str, float], ...]:
        """Indexed tokens spelled almost like token (same first letter, length within one)."""
        if len(token) < FUZZY_MIN_LEN or token in self.by_token:
            return ()
        found: list[tuple[str, float]] = []
        for n in (len(token) - 1, len(token), len(token) + 1):
            bucket = self.vocab.get((token[0], n), ())
            hits = process.extract(token, bucket, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, limit=None)
            found.extend((other, ratio) for other, ratio, _ in hits)
        return tuple(found)

    def match(self, name: str, country: str | None = None) -> list[Hit]:
        """Every target the input name matches, best first; country is the input's own (ISO2), if known."""
        prep = prepare(name)
        if not prep.norm.key:
            return []
        countries = frozenset({country}) if country else prep.countries
        rare = self.rare(prep)
        fuzzy = {t: self._fuzzy(t) for t in rare}
        seen: set[int] = set(self.by_key.get(prep.norm.compact, ()))
        seen.update(self.by_key.get(prep.core_key.replace(" ", ""), ()))
        for token in rare:
            seen.update(self.by_token.get(token, ()))
            for other, _ in fuzzy[token]:
                seen.update(self.by_token[other])
        if prep.cjk:
            seen.update(i for i in self.cjk if self.targets[i][1].cjk in prep.cjk)
        hits = []
        for i in seen:
            target, tprep = self.targets[i]
            hit = self._judge(prep, rare, target, tprep, self.target_rare[i], countries, fuzzy)
            if hit is not None:
                hits.append(hit)
        return sorted(hits, key=lambda h: (h.grade != "strong", -h.score))

    def _judge(self, inp: Prepared, inp_rare: tuple[str, ...], target: Target, tp: Prepared,
               t_rare: tuple[str, ...], countries: frozenset[str],
               fuzzy: dict[str, tuple[tuple[str, float], ...]]) -> Hit | None:
        """Grade one input against one target (t_rare: its rare tokens), or None when the names differ."""
        reasons: list[str] = []
        # Weak name evidence needs the whole name to agree: no rare token, few letters, one word, a person.
        weak = (sum(len(t) for t in t_rare) < WEAK_LETTERS or tp.acronym or len(tp.norm.tokens) == 1
                or target.person or all(t in tp.places for t in t_rare))
        same_core = bool(tp.core_key) and inp.core_key == tp.core_key
        if inp.norm.compact == tp.norm.compact:
            grade: Grade = "strong"
            score = 100.0
            reasons.append(f"same name as the {target.via} {target.name!r}")
        elif tp.cjk and not tp.distinctive:
            if tp.cjk not in inp.cjk:
                return None
            grade, score = "possible", 75.0
            reasons.append(f"contains the native-script {target.via} {target.name!r}")
        elif same_core and not tp.acronym:
            grade, score = "strong", 95.0
            reasons.append(f"same name as the {target.via} {target.name!r} apart from place words "
                           + ", ".join(sorted(inp.places ^ tp.places)))
        elif weak:
            return None  # one short or common token is not enough: "MGI Pharma" is not "MGI Tech"
        else:
            matched, spelled = [], {}
            for token in t_rare:
                if token in inp_rare:
                    matched.append(token)
                elif near := [(t, r) for t in inp_rare for o, r in fuzzy[t] if o == token]:
                    spelled[near[0][0]] = token
                    matched.append(f"{near[0][0]}~{token} ({near[0][1]:.0f})")
            if len(matched) < len(t_rare):
                return None
            words = frozenset(spelled.get(t, t) for t in inp.core)
            missing, extra = sorted(tp.core - words), sorted(words - tp.core)
            extra_rare = [t for t in extra if t in inp_rare and t not in spelled]
            # One rare word shared is enough only when it is very rare; two or more carry weight.
            enough = len(t_rare) >= 2 or self.df[t_rare[0]] <= RARE_DF
            reasons.append("distinctive tokens agree: " + ", ".join(matched))
            if missing and extra and len(t_rare) < 2:
                return None  # different firms sharing one word: "Sterling Pharma" is not "Sterling Shipping"
            if not missing and not extra_rare and not spelled and len(t_rare) >= 2:
                grade, score = "strong", 90.0 - 3 * len(extra)
            elif enough:
                grade, score = "possible", 80.0 if spelled else 70.0
            else:
                return None
            if missing:
                reasons.append("words of the listed name missing from the input: " + ", ".join(missing))
            if extra:
                reasons.append("input has other words: " + ", ".join(extra))
            if spelled:
                reasons.append("spelling differs")
        if target.country and countries and target.country not in countries:
            reasons.append(f"country disagrees: input {'/'.join(sorted(countries))}, "
                           f"{target.name!r} {target.country}")
            if weak and score < 100.0:
                return None
            grade, score = "possible", score - 25.0
        elif target.country and target.country in countries:
            reasons.append(f"country agrees ({target.country})")
        return Hit(target, grade, score, tuple(reasons))
