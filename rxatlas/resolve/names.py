"""The one firm-name normaliser of rxatlas: legal forms, punctuation, abbreviations, scripts, holder tails."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Words that mean the same thing in firm names, mapped to one spelling (token level, never substrings).
ABBREVIATIONS: dict[str, str] = {
    **dict.fromkeys(
        [
            "PHARM",
            "PHARMS",
            "PHARMA",
            "PHARMACEUTICAL",
            "PHARMACEUTICALS",
            "PHARMACEUTICA",
            "PHARMACEUTIQUE",
            "PHARMACEUTIQUES",
            "PHARMAZEUTIKA",
            "FARMACEUTICA",
            "FARMACEUTICI",
            "FARMACEUTICOS",
            "FARMA",
            "PHARMACAL",
        ],
        "PHARMA",
    ),
    **dict.fromkeys(
        [
            "LAB",
            "LABS",
            "LABORATORY",
            "LABORATORIES",
            "LABORATORIOS",
            "LABORATOIRES",
            "LABORATORI",
            "LABORATORIO",
            "LABORATOIRE",
        ],
        "LAB",
    ),
    **dict.fromkeys(
        ["CHEM", "CHEMS", "CHEMICAL", "CHEMICALS", "CHEMIE", "CHIMICA", "CHIMIE", "QUIMICA", "QUIMICOS"],
        "CHEM",
    ),
    **dict.fromkeys(["MFG", "MFRS", "MANUFACTURING", "MANUFACTURERS", "MANUFACTURER"], "MFG"),
    **dict.fromkeys(["INTL", "INTERNATIONAL", "INTERNATL"], "INTL"),
    **dict.fromkeys(["TECH", "TECHNOLOGY", "TECHNOLOGIES", "TECHNOL"], "TECH"),
    **dict.fromkeys(["IND", "INDS", "INDUSTRY", "INDUSTRIES", "INDUSTRIAL", "INDUSTRIA", "INDUSTRIE"], "IND"),
    **dict.fromkeys(["PROD", "PRODS", "PRODUCT", "PRODUCTS"], "PROD"),
    **dict.fromkeys(["BIOTECHNOLOGY", "BIOTECHNOLOGIES", "BIOTECH", "BIOTEC"], "BIOTECH"),
    **dict.fromkeys(["UNIV", "UNIVERSITY", "UNIVERSITA", "UNIVERSIDAD", "UNIVERSITE"], "UNIV"),
    **dict.fromkeys(["SCI", "SCIENCE", "SCIENCES"], "SCI"),
    **dict.fromkeys(["DEPT", "DEPARTMENT"], "DEPT"),
    **dict.fromkeys(["INST", "INSTITUTE", "INSTITUT", "INSTITUTO", "ISTITUTO"], "INST"),
    **dict.fromkeys(["SAINT", "ST"], "ST"),
    **dict.fromkeys(["MOUNT", "MT"], "MT"),
    **dict.fromkeys(["CO", "COMPANY", "COMPANIES"], "CO"),
    **dict.fromkeys(["CORP", "CORPORATION"], "CORP"),
    **dict.fromkeys(["LTD", "LIMITED"], "LTD"),
    **dict.fromkeys(["INC", "INCORPORATED"], "INC"),
    **dict.fromkeys(["PVT", "PRIVATE"], "PVT"),
    "LLC": "LLC",
    # Turkish "Sanayi ve Ticaret" (industry and trade), also in the genitive and abbreviated "Tic."
    **dict.fromkeys(["SANAYI", "SANAYII"], "SANAYI"),
    **dict.fromkeys(["TICARET", "TICARETI", "TIC"], "TICARET"),
}
# Connectors dropped from the key: "A AND B" and "A & B" and "A E B" (and Turkish "A VE B") are the same name.
CONNECTORS = frozenset({"AND", "ET", "UND", "E", "Y", "VE", "THE", "OF"})
# Words too generic to tell firms apart (used by distinctive_tokens, not removed from the key).
GENERIC = frozenset(
    {
        "PHARMA",
        "LAB",
        "CHEM",
        "MFG",
        "INTL",
        "TECH",
        "IND",
        "PROD",
        "BIOTECH",
        "SCI",
        "CO",
        "CORP",
        "GROUP",
        "HOLDING",
        "HOLDINGS",
        "BIO",
        "BIOLOGICAL",
        "BIOLOGICS",
        "BIOSCIENCE",
        "BIOSCIENCES",
        "LIFE",
        "HEALTH",
        "HEALTHCARE",
        "MEDICAL",
        "MEDICINE",
        "DRUG",
        "DRUGS",
        "FINE",
        "SPECIALTY",
        "SPECIALITY",
        "ORGANICS",
        "SYNTHESIS",
        "API",
        "APIS",
        "NEW",
        "MATERIAL",
        "MATERIALS",
        "SOLUTIONS",
        "SERVICES",
        "ENTERPRISES",
        "DEVELOPMENT",
        "RESEARCH",
        "INST",
        "UNIV",
        "AMERICA",
        "AMERICAS",
        "USA",
        "US",
        "GLOBAL",
        "NORTH",
        "SOUTH",
        "EAST",
        "WEST",
        "DIV",
        "BRANCH",
        "PLANT",
        "WORKS",
        "FACTORY",
        "OPERATIONS",
        "NUTRITION",
        "INGREDIENTS",
        "PHARMACY",
        "CITY",
        "PROVINCE",
        "ST",
        "PVT",
        "LTD",
        "INC",
        "LLC",
    }
)
# Chinese, Japanese and Korean characters (kept as they are by the key, matched as runs).
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_TRAILING_ACRONYM = re.compile(r"\s*\([^()a-z]+\)\s*$")


@dataclass(frozen=True)
class NormalName:
    """A firm name prepared for matching: comparison key, tokens and the legal forms removed."""

    original: str
    key: str
    tokens: tuple[str, ...]
    legal_forms: tuple[str, ...]

    @property
    def compact(self) -> str:
        """The key without spaces ("TONGHUADONGBAO" and "TONGHUA DONGBAO" agree)."""
        return self.key.replace(" ", "")


@dataclass(frozen=True)
class LegalForm:
    """One legal form: its canonical name, the token sequences that spell it, where it sits, its countries."""

    form: str
    variants: tuple[tuple[str, ...], ...]
    position: str
    countries: tuple[str, ...]
    weak: bool


@dataclass(frozen=True)
class HolderParts:
    """A holder string split into the legal entity named and the tails around it."""

    original: str
    entity: str
    dba: str | None = None
    parent: str | None = None
    division: str | None = None
    site: str | None = None


@cache
def legal_forms() -> tuple[LegalForm, ...]:
    """The legal forms of rxatlas/resolve/data/legal_forms.csv."""
    text = resources.files("rxatlas.resolve").joinpath("data/legal_forms.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return tuple(
        LegalForm(
            r["form"],
            tuple(tuple(v.split()) for v in r["variants"].split("|")),
            r["position"],
            tuple(c for c in r["countries"].split(";") if c),
            r["weak"] == "1",
        )
        for r in rows
    )


@cache
def _ascii_forms(position: str) -> tuple[tuple[int, dict[tuple[str, ...], str]], ...]:
    """The ASCII variants of the legal forms at one end of a name, by token count, longest first."""
    by_length: dict[int, dict[tuple[str, ...], str]] = {}
    for f in legal_forms():
        if f.position != position:
            continue
        for v in f.variants:
            if all(t.isascii() for t in v):
                by_length.setdefault(len(v), {}).setdefault(v, f.form)
    return tuple(sorted(by_length.items(), reverse=True))


@cache
def _script_forms(position: str) -> list[tuple[str, str]]:
    pairs = [
        (v[0], f.form)
        for f in legal_forms()
        if f.position == position
        for v in f.variants
        if not all(t.isascii() for t in v)
    ]
    return sorted(pairs, key=lambda p: -len(p[0]))


def _fold(text: str) -> str:
    """Upper case with accents removed; CJK and Hangul kept as they are."""
    if text.isascii():  # most names: nothing to fold
        return text.upper()
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if CJK.match(ch):
            out.append(ch)
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if not unicodedata.combining(part):
                out.append(
                    {"ß": "SS", "Ø": "O", "ø": "O", "Ł": "L", "ł": "L", "Đ": "D", "đ": "D"}.get(part, part)
                )
    return "".join(out).upper()


def _strip_script_forms(text: str, found: list[str]) -> str:
    changed = True
    while changed:
        changed = False
        text = text.strip()
        for variant, form in _script_forms("start"):
            if text.startswith(variant) and len(text) > len(variant):
                text, changed = text[len(variant) :], True
                found.append(form)
        for variant, form in _script_forms("end"):
            if text.endswith(variant) and len(text) > len(variant):
                text, changed = text[: -len(variant)], True
                found.append(form)
    return text


def _raw_tokens(text: str) -> list[str]:
    text = re.sub(r"['’`´]", "", text.replace("&", " AND ").replace("+", " AND "))
    parts: list[str] = []
    for word in re.split(r"[^\w]+|_", text):
        if not word:
            continue
        # CJK runs become tokens of their own, apart from Latin letters stuck to them.
        parts.extend(p for p in re.split(f"({CJK.pattern}+)", word) if p)
    return _join_initials(parts)


def name_key(name: str) -> str:
    """A name's exact key (1260H entry ids, list and group look-ups): its letters and digits in any case or
    accent, a trailing '(ACRONYM)' ignored; words and legal forms kept, unlike the matching key of `normalize`."""
    text = _TRAILING_ACRONYM.sub("", unicodedata.normalize("NFKC", name))
    return re.sub(r"[^0-9A-Z]", "", _fold(text)).lower()


def words(text: str) -> list[str]:
    """Split any text into upper-case, accent-free words (CJK runs kept as words), for whole-word matching."""
    return _raw_tokens(_fold(text or ""))


def _join_initials(tokens: list[str]) -> list[str]:
    """Join runs of single Latin letters: S P A -> SPA, S A DE C V -> SA DE CV, J B -> JB."""
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and tok.isascii() and tok.isalpha() and tok not in {"E", "Y"}:
            run.append(tok)
            continue
        if run:
            out.append("".join(run))
            run = []
        if tok:
            out.append(tok)
    return out


def _strip_ascii_forms(tokens: list[str], found: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for n, variants in _ascii_forms("end"):
            if len(tokens) > n and (form := variants.get(tuple(tokens[-n:]))):
                tokens, changed = tokens[:-n], True
                found.insert(0, form)
                break
        for n, variants in _ascii_forms("start"):
            if len(tokens) > n and (form := variants.get(tuple(tokens[:n]))):
                tokens, changed = tokens[n:], True
                found.append(form)
                break
    return tokens


def normalize(name: str) -> NormalName:
    """Normalise a firm name for matching: upper case, no punctuation or accents, legal forms stripped."""
    found: list[str] = []
    text = _strip_script_forms(_fold(name or ""), found)
    tokens = [ABBREVIATIONS.get(t, t) for t in _raw_tokens(text)]
    tokens = [t for t in tokens if t != "AND"] if len(tokens) > 1 else tokens
    tokens = _strip_ascii_forms(tokens, found)
    kept = [t for t in tokens if t not in CONNECTORS] or tokens
    return NormalName(name, " ".join(kept), tuple(kept), tuple(found))


def entity_name(name: str) -> NormalName:
    """The normalised name of the legal entity a firm name names (plant, site, DBA and division tails set aside),
    as firm mentions are keyed."""
    return normalize(parse_holder(name).entity)


def distinctive_tokens(name: NormalName | str) -> tuple[str, ...]:
    """The tokens of a name that tell firms apart (generic business words, numbers and initials left out)."""
    norm = normalize(name) if isinstance(name, str) else name
    return tuple(t for t in norm.tokens if t not in GENERIC and not t.isdigit() and len(t) > 1)


def legal_form_countries(name: NormalName) -> set[str]:
    """Countries whose national legal forms the name carries (a weak hint: firms use foreign forms)."""
    by_form: dict[str, set[str]] = {}
    for form in legal_forms():
        by_form.setdefault(form.form, set()).update(form.countries)
    hints = [by_form.get(f, set()) for f in name.legal_forms]
    hints = [h for h in hints if h]
    return set.intersection(*hints) if hints else set()


def weak_legal_form(name: NormalName) -> bool:
    """Whether the name's country hint comes only from forms used worldwide (INC, CORP, LLC)."""
    weak = {f.form for f in legal_forms() if f.weak}
    national = [
        f for f in name.legal_forms if f not in weak and f in {g.form for g in legal_forms() if g.countries}
    ]
    return not national


@cache
def national_form_countries(forms: str) -> frozenset[str]:
    """Countries of the national legal forms in a stored legal-form string ("NV" -> BE, NL); empty when the
    forms are used worldwide (LTD, SA is not: it lists its countries) or only weakly national (INC, LLC)."""
    name = normalize(f"X {forms}")
    return frozenset() if weak_legal_form(name) else frozenset(legal_form_countries(name))


# Tails of holder strings. Order matters: the first pattern that matches splits the string.
_DBA = re.compile(r"\(?\b(?:DBA|D/B/A|D B A|D\.B\.A|DOING BUSINESS AS|TRADING AS|T/A)\b\.?\)?\s*(?P<tail>.+?)\)?$")
_SUB = re.compile(
    r"\(?,?\s*\b(?:A\s+)?(?:WHOLLY\s+OWNED\s+)?(?:SUB|SUBSIDIARY)\b(?:\s+OF)?\s+(?P<tail>.+?)\)?$"
)
_DIV_OF = re.compile(r"\(?,?\s*\b(?:A\s+)?(?:DIV|DIVISION|UNIT)\s+OF\s+(?P<tail>.+?)\)?$")
_DIV = re.compile(r"\s\b(?:DIV|DIVISION)\b\s*(?P<tail>.*)$")
_SITE = re.compile(
    r"(?:[\s,-]*\(\s*(?P<paren>[^()]*\b(?:UNIT|SITE|PLANT|BRANCH|FACILITY|FACTORY|DIVISION)\b[^()]*)\)"
    r"|[\s,-]+(?P<num>(?:UNIT|SITE|PLANT|BLOCK)[\s-]*(?:[IVX]+|\d+|[A-Z])))\s*$"
)
# A named plant, factory, site or branch after a legal form ("... CO LTD XINCHANG PHARMACEUTICAL FACTORY",
# "... CORPORATION TAINAN BRANCH", "... CO LTD SONGJIANG SITE 2"): part of the company, not an entity of its own.
_NAMED_SITE = re.compile(
    r"^(?P<entity>.*\b(?:LTD|LIMITED|INC|CORP|CORPORATION|LLC|GMBH|AG|S\.?P\.?A|S\.?R\.?L|S\.?A|CO|COMPANY"
    r"|A\.?S|A/S|AB|B\.?V|N\.?V|KK|SE))\W+"
    r"(?P<site>(?:AVD|AVDELING|WERK|ZWEIGNIEDERLASSUNG|STABILIMENTO|FILIALE|SUCURSAL)\b.*"
    r"|(?!(?:LTD|LIMITED)\b)[A-Z0-9][A-Z0-9 -]*?\s(?:PLANT|BRANCH|SITE|FACILITY|FACTORY)"
    r"(?:\s+(?:NO\s*)?(?:\d+|[IVX]+))?)$"
)


def _ends_with_legal_form(text: str) -> bool:
    return bool(normalize(text).legal_forms)


def parse_holder(holder: str) -> HolderParts:
    """Split a holder into the operating legal entity and its DBA, parent, division and site tails."""
    text = " ".join((holder or "").split())
    upper = text.upper()
    site = None
    if m := _NAMED_SITE.match(upper):
        site = m.group("site")
        text, upper = text[: m.end("entity")], upper[: m.end("entity")]
    elif (m := _SITE.search(upper)) and " OF " not in m.group(0):
        site = (m.group("paren") or m.group("num")).strip()
        text, upper = text[: m.start()].rstrip(" ,-"), upper[: m.start()].rstrip(" ,-")
    if m := _DBA.search(upper):
        return HolderParts(
            holder, text[: m.start()].strip(" ,(-"), dba=text[m.start("tail") : m.end("tail")], site=site
        )
    if (m := _SUB.search(upper)) and m.start() > 0:
        return HolderParts(
            holder, text[: m.start()].strip(" ,(-"), parent=text[m.start("tail") : m.end("tail")], site=site
        )
    if (m := _DIV_OF.search(upper)) and m.start() > 0:
        return HolderParts(
            holder, text[m.start("tail") : m.end("tail")], division=text[: m.start()].strip(" ,(-"), site=site
        )
    if (m := _DIV.search(upper)) and m.start() > 0:
        left, right = text[: m.start()].strip(" ,-"), text[m.start("tail") : m.end("tail")].strip()
        if not right:
            return HolderParts(holder, left, division=left, site=site)
        if _ends_with_legal_form(left) or not _ends_with_legal_form(right):
            return HolderParts(holder, left, division=right, site=site)
        return HolderParts(holder, right, division=left, site=site)
    return HolderParts(holder, text, site=site)
