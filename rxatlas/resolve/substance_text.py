"""Substance-name text: the one key normaliser shared with UNII names, and the vocabulary of subject words."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_TAG = re.compile(r"\s*\[[^\]]*\]\s*$")
_MARKS = re.compile(r"[®™©]|\((?:R|TM)\)")
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
_NON_KEY = re.compile(r"[^A-Z0-9]+")
# Locants, stereodescriptors and bracketed ring fusions: the marks of a systematic chemical name.
_SYSTEMATIC = re.compile(r"\b\d+'?(?:,\d+'?)+-|\(\d*[RSEZ](?:,\d*[RSEZ])*\)-|\[\d,\d-[A-Z]\]"
                         r"|\b\d+-(?!FORM|TYPE|GRADE|STERILE)[A-Z]{3,}")
# Tokens read as a typo of another (HCl written with a capital I); token level only.
_TOKEN_FIXES = {"HCI": "HCL", "HBT": "HBR"}
# What follows FORM, TYPE, PROCESS or a CODE word is its label (FORM P, PROCESS II, ROUTE CODE DT).
_LABELLED = {"FORM", "TYPE", "PROCESS", "CODE", "SITE", "GRADE"}
_LABEL = re.compile(r"^(?:[A-Z]{1,3}|\d{1,4}|[IVX]{1,4}|[A-Z]\d{1,3}|\d[A-Z])$")

ROLES = ("grade", "noise", "hydrate", "salt", "cation", "ester", "facility", "other", "weak_other",
         "excipient", "intermediate", "element", "solvent")
NOISE_ROLES = frozenset({"grade", "noise", "hydrate"})


def name_key(text: str) -> str:
    """The comparison key of a substance name: upper case, no source tag or marks, alphanumeric words."""
    text = _MARKS.sub(" ", _TAG.sub("", text.upper()))
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    return " ".join(_TOKEN_FIXES.get(t, t) for t in _NON_KEY.sub(" ", text).split())


def looks_systematic(text: str) -> bool:
    """Tell whether a subject is written as a systematic chemical name (locants, stereodescriptors)."""
    return bool(_SYSTEMATIC.search(text.upper()))


@dataclass(frozen=True)
class Vocabulary:
    """Subject words by role (grade, noise, hydrate, salt, cation, ester, facility, ...) as token tuples."""

    phrases: dict[tuple[str, ...], str]
    longest: int

    def roles_at(self, tokens: list[str]) -> tuple[list[str | None], dict[str, list[str]]]:
        """Mark each token with the role of the longest phrase covering it; return marks, phrases by role."""
        marks: list[str | None] = [None] * len(tokens)
        found: dict[str, list[str]] = {}
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                role = self.phrases.get(tuple(tokens[i:i + size]))
                if role:
                    if tokens[i + size - 1] in _LABELLED and i + size < len(tokens) \
                            and _LABEL.match(tokens[i + size]) and role in NOISE_ROLES:
                        size += 1
                    marks[i:i + size] = [role] * size
                    found.setdefault(role, []).append(" ".join(tokens[i:i + size]))
                    i += size
                    break
            else:
                i += 1
        return marks, found

    def words(self, *roles: str) -> frozenset[str]:
        """The single-word phrases of some roles."""
        return frozenset(p[0] for p, r in self.phrases.items() if r in roles and len(p) == 1)


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary of subject words (rxatlas/resolve/data/substance_words.csv)."""
    text = resources.files("rxatlas.resolve").joinpath("data/substance_words.csv").read_text(encoding="utf-8")
    phrases: dict[tuple[str, ...], str] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["role"] not in ROLES:
            raise ValueError(f"substance_words.csv: unknown role {row['role']!r} for {row['phrase']!r}")
        phrases[tuple(name_key(row["phrase"]).split())] = row["role"]
    return Vocabulary(phrases, max(len(p) for p in phrases))
