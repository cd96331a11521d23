"""Measure the supply map against hand-labelled samples (tests/data/supply_sample, tests/data/market_scope_sample):
source precision and makers kept, and market-scope precision and recall (docs/supply-map.md, "Measured")."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rxatlas.supply.lookup import find_substance
from rxatlas.warehouse.engine import Engine

_NDC = re.compile(r"^bulk listing NDC (\S+) \(")
_SOURCES = "SELECT unii, firm_id, firm_name, dmfs, evidence FROM core.api_source"


@dataclass
class SourceScore:
    """Listed sources of the sampled substances judged against the labels."""

    substances: int = 0
    correct: int = 0
    wrong: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)
    makers: int = 0
    lost: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of labelled listed sources that are real, distinct API makers of the substance."""
        judged = self.correct + len(self.wrong)
        return self.correct / judged if judged else 0.0

    @property
    def maker_recall(self) -> float:
        """Share of the labelled real makers that are still listed."""
        return 1 - len(self.lost) / self.makers if self.makers else 1.0


def read_labels(paths: list[Path]) -> list[dict[str, str]]:
    """The rows of one or more label files."""
    rows: list[dict[str, str]] = []
    for path in paths:
        with path.open(encoding="utf-8", newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def _evidence_ids(row: dict[str, Any]) -> set[str]:
    ids = {str(d) for d in row["dmfs"] or []}
    return ids | {m.group(1) for e in row["evidence"] or [] if (m := _NDC.match(e))}


def score_sources(engine: Engine, labels: list[dict[str, str]]) -> SourceScore:
    """Judge every source the map lists for each labelled substance: a source is right when one of its pieces of
    evidence is labelled a real maker of the substance and no other listed source is the same maker."""
    by_sample: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in labels:
        by_sample[row["sample_order"]].append(row)
    sources = engine.query(_SOURCES).to_pylist()
    by_evidence: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        for evidence_id in _evidence_ids(source):
            by_evidence[evidence_id].add(source["unii"])
    score = SourceScore()
    for _, rows in sorted(by_sample.items(), key=lambda kv: int(kv[0])):
        score.substances += 1
        label = {r["evidence_id"]: r for r in rows}
        makers = {r["maker_group"] for r in rows if r["is_maker"] == "yes"}
        score.makers += len(makers)
        # the substance as sampled; if its moiety was regrouped, where the evidence of its labelled makers went
        listed = {s["unii"] for s in sources}
        votes = Counter(u for r in rows if r["is_maker"] == "yes" for u in by_evidence.get(r["evidence_id"], ()))
        unii = rows[0]["unii"] if rows[0]["unii"] in listed else votes.most_common(1)[0][0] if votes else None
        seen: set[str] = set()
        for source in (s for s in sources if s["unii"] == unii):
            labelled = [label[i] for i in _evidence_ids(source) if i in label]
            name = f"{rows[0]['substance']}: {source['firm_name']}"
            if not labelled:
                score.unlabelled.append(name)
                continue
            groups = {r["maker_group"] for r in labelled if r["is_maker"] == "yes"}
            if not groups:
                score.wrong.append(f"{name} (not a maker: {labelled[0]['category']})")
            elif groups <= seen:
                score.wrong.append(f"{name} (same maker listed twice: {sorted(groups)[0]})")
            else:
                score.correct += 1
            seen |= groups
        score.lost += [f"{rows[0]['substance']}: {g}" for g in sorted(makers - seen)]
    return score


@dataclass
class ScopeScore:
    """Market scope decided by the atlas against the labels."""

    rows: int = 0
    agree: int = 0
    true_positive: int = 0
    false_positive: list[str] = field(default_factory=list)
    false_negative: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Of the substances the atlas calls us_human_rx, the share labelled so."""
        found = self.true_positive + len(self.false_positive)
        return self.true_positive / found if found else 0.0

    @property
    def recall(self) -> float:
        """Of the substances labelled us_human_rx, the share the atlas calls so."""
        labelled = self.true_positive + len(self.false_negative)
        return self.true_positive / labelled if labelled else 0.0


def score_scope(engine: Engine, labels: list[dict[str, str]], target: str = "us_human_rx") -> ScopeScore:
    """Compare core.market_scope with labelled scopes (a substance found by its UNII as a moiety or a form)."""
    scope = {r["unii"]: r["market_scope"] for r in engine.query(
        "SELECT unii, market_scope FROM core.market_scope").to_pylist()}
    moiety_of = {r["form_unii"]: r["unii"] for r in engine.query(
        "SELECT DISTINCT form_unii, unii FROM core.dmf_substance WHERE form_unii IS NOT NULL "
        "UNION SELECT DISTINCT form_unii, unii FROM core.name_substance WHERE form_unii IS NOT NULL").to_pylist()}
    score = ScopeScore()
    for row in labels:
        found = scope.get(row["unii"]) or scope.get(moiety_of.get(row["unii"], ""))
        if found is None:  # regrouped under another moiety since it was sampled: look it up by name
            match = find_substance(engine, row["substance"])
            found = scope.get(match.unii or "")
        name = f"{row['substance']} (labelled {row['market_scope']}, atlas {found})"
        if found is None:
            score.missing.append(name)
            found = "not_in_map"
        score.rows += 1
        score.agree += found == row["market_scope"]
        if found == target and row["market_scope"] == target:
            score.true_positive += 1
        elif found == target:
            score.false_positive.append(name)
        elif row["market_scope"] == target:
            score.false_negative.append(name)
    return score
