"""Recovery estimates in the free-text notes of FDA shortage postings ("Estimated Recovery: December 2026",
"Next release May 2026", "Anticipated availability: Q4 2026"), read into a date range beside the phrase."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# "May" only capitalised: "product may be available in 2027" names no month.
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|(?-i:May)|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?")
# What an estimate names, scanned left to right: full dates, quarters, months (their year follows), bare years.
_PERIOD = re.compile(
    rf"(?P<mdy>\b\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})\b)"
    rf"|(?P<mdate>\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b)"
    rf"|(?P<quarter>\bQ[1-4]\s*\d{{4}}\b)"
    rf"|(?P<month>\b{_MONTH})"
    rf"|(?P<year>\b20\d\d\b)",
    re.IGNORECASE)
_UNDETERMINED = re.compile(r"\bTBD\b|to be determined|not available at this time|no estimated|\bunknown\b",
                           re.IGNORECASE)
# Cues, in order of preference: FDA's own "recovery" wording, then the next delivery or release of product.
_CUES = (
    ("estimated recovery", re.compile(
        r"(?:(?:estimated|expected|anticipated|backorder)\s+)?recovery(?:\s+(?:date|is\s+)?expected)?(?:\s+by)?\s*:?",
        re.IGNORECASE)),
    ("next supply", re.compile(
        r"next\s+(?:delivery|release|supply|shipment)\s*:?|no\s+estimated\s+release\s+date"
        r"|(?:estimated|anticipated|target|expected)\s+availability\s*:?|new\s+supply\s+(?:anticipated|expected)"
        r"|additional\s+lots\s+will\s+be\s+available\s+in\s+the|replenishment\s+(?:timeline|is\s+expected)"
        r"|expected\s+to\s+arrive", re.IGNORECASE)),
)
# A cue's clause ends at a semicolon, a sentence's full stop (not a month's: "Dec. 2026") or a line break.
_CLAUSE_END = re.compile(r";|(?<!Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?<!Sept)\.(?:\s|$)|\n")


def _month(text: str) -> int:
    return _MONTHS.index(text.strip(" .")[:3].lower()) + 1


def _whole_month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _span(text: str) -> tuple[date, date] | None:
    """The first and last day of every period the text names (None when it names no dated period)."""
    spans: list[tuple[date, date]] = []
    pending: list[int] = []  # months waiting for the year written after them ("June/early July 2026")
    for found in _PERIOD.finditer(text):
        kind, value = found.lastgroup, found.group()
        try:
            if kind == "mdy":
                month, day, year = (int(v) for v in value.split("/"))
                day_of = date(year + 2000 if year < 100 else year, month, day)
                spans.append((day_of, day_of))
            elif kind == "mdate":
                words = re.findall(r"[A-Za-z]+|\d+", value)
                day_of = date(int(words[-1]), _month(words[0]), int(words[1]))
                spans.append((day_of, day_of))
            elif kind == "quarter":
                quarter, year = int(value[1]), int(value[-4:])
                spans.append((_whole_month(year, 3 * quarter - 2)[0], _whole_month(year, 3 * quarter)[1]))
            elif kind == "month":
                pending.append(_month(value))
            elif pending:
                spans += [_whole_month(int(value), m) for m in pending]
                pending = []
            else:
                spans.append((date(int(value), 1, 1), date(int(value), 12, 31)))
        except ValueError:  # an impossible date (13/45/2026) names nothing
            continue
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


def recovery(*texts: str | None) -> dict[str, Any] | None:
    """The recovery estimate the notes give: kind, first and last day of the named period (both None when the
    notes say it is to be determined or name no year), and the phrase it was read from; None without a cue."""
    text = "; ".join(t for t in texts if t)
    best: tuple[int, int, dict[str, Any]] | None = None
    for rank, (kind, cue) in enumerate(_CUES):
        for found in cue.finditer(text):
            end = _CLAUSE_END.search(text, found.end())
            phrase = text[found.start():end.start() if end else len(text)].strip()
            span = None if _UNDETERMINED.search(phrase) else _span(phrase[found.end() - found.start():])
            estimate = {"kind": kind, "from": span[0] if span else None, "to": span[1] if span else None,
                        "undetermined": span is None and bool(_UNDETERMINED.search(phrase)), "phrase": phrase}
            # a dated estimate beats an undated one; between equals, the recovery wording beats next supply
            order = (0 if span else 1, rank)
            if best is None or order < best[:2]:
                best = (*order, estimate)
    return best[2] if best else None
