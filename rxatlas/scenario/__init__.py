"""Scenarios: what-if measures (bans on listed firms, country outages, tariffs, policies) applied to supply."""

from __future__ import annotations

from rxatlas.scenario.compare import compare
from rxatlas.scenario.engine import run
from rxatlas.scenario.schema import BASELINE, Scenario, load_scenario

__all__ = ["BASELINE", "Scenario", "compare", "load_scenario", "run"]
