"""The example scenarios of examples/, by name, and a scenario given as a name or as inline text."""

from __future__ import annotations

from pathlib import Path

from rxatlas.errors import InputError
from rxatlas.scenario.schema import BASELINE, Scenario, load_scenario, parse_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def examples() -> dict[str, Path]:
    """The example scenario files by name (the file name without .yaml)."""
    return {p.stem: p for p in sorted(EXAMPLES.glob("*.yaml"))} if EXAMPLES.is_dir() else {}


def named_or_inline(text: str) -> Scenario:
    """A scenario given as the name of an example, `baseline`, or inline YAML or JSON text."""
    name = text.strip()
    if name == BASELINE:
        return load_scenario(BASELINE)
    if name in examples():
        return load_scenario(examples()[name])
    if "\n" not in name and ":" not in name:  # one word: meant as a name
        raise InputError(f"no example scenario {name!r}; known examples: {', '.join(examples()) or 'none'}, or "
                         "`baseline`; or give the scenario itself as YAML or JSON text (docs/scenarios.md)")
    return parse_scenario(text, "the scenario given")
