"""The one firm-name normaliser of rxatlas: legal forms, punctuation, abbreviations, scripts.

STUB written by the lead so that other modules can import it; the resolution engineer replaces the body.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class NormalName:
    """A firm name prepared for matching: comparison key, tokens and the legal forms removed."""

    original: str
    key: str
    tokens: tuple[str, ...]
    legal_forms: tuple[str, ...]


def normalize(name: str) -> NormalName:
    """Normalise a firm name for matching (upper ASCII, no punctuation, legal forms stripped)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    text = re.sub(r"[^A-Z0-9 ]+", " ", text.replace("&", " AND "))
    tokens = tuple(text.split())
    return NormalName(name, " ".join(tokens), tokens, ())
