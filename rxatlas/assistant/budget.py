"""Answers cut to what an assistant can read: long lists shortened to their first items, each cut named."""

from __future__ import annotations

from typing import Any

from rxatlas.jsontext import dumps

# About 15,000 tokens: an answer larger than this crowds out the conversation it is for.
ANSWER_CHARS = 60_000
# The list lengths tried, longest first, until the answer fits.
LENGTHS = (200, 100, 50, 20, 10, 5, 3, 1)
# Lists smaller than this (notes, limits, a few rows) are never cut: they are what makes an answer readable.
SMALL_LIST_CHARS = 2_000


def _cut(value: Any, length: int, path: str, cuts: dict[str, int]) -> Any:
    if isinstance(value, dict):
        return {k: _cut(v, length, f"{path}.{k}", cuts) for k, v in value.items()}
    if isinstance(value, list):
        if len(value) <= length or len(dumps(value)) < SMALL_LIST_CHARS:
            return [_cut(v, length, f"{path}[]", cuts) for v in value]
        cuts[path] = max(cuts.get(path, 0), len(value))
        return [_cut(v, length, f"{path}[]", cuts) for v in value[:length]]
    return value


def fitted(answer: Any, chars: int = ANSWER_CHARS) -> tuple[Any, list[dict[str, Any]]]:
    """The answer with its long lists cut to the longest length (the same for all) at which its JSON fits in
    chars, keeping each list's own order; and the lists cut, each with its path, items shown and longest length."""
    if len(dumps(answer)) <= chars:
        return answer, []
    for length in LENGTHS:
        cuts: dict[str, int] = {}
        shortened = _cut(answer, length, "answer", cuts)
        if len(dumps(shortened)) <= chars:
            break
    return shortened, [{"list": path, "shown": length, "of": total} for path, total in cuts.items()]
