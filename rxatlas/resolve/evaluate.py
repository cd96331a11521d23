"""Measure DMF holder -> country resolution on labelled holders, beside two simple baselines."""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from rxatlas.resolve.holder_country import resolve_holders
from rxatlas.resolve.names import normalize
from rxatlas.warehouse.duck import DuckDBEngine

# The keyword baseline: what name-keyword scripts do ('PVT LTD' -> India), most specific keywords first.
KEYWORDS: list[tuple[str, str]] = [
    ("PVT LTD", "IN"),
    ("PRIVATE LTD", "IN"),
    ("PRIVATE LIMITED", "IN"),
    ("SDN BHD", "MY"),
    ("PTE LTD", "SG"),
    ("PTY LTD", "AU"),
    ("SA DE CV", "MX"),
    ("CO LTD", "CN"),
    ("SPA", "IT"),
    ("SRL", "IT"),
    ("GMBH", "DE"),
    ("AG", "DE"),
    ("KK", "JP"),
    ("SL", "ES"),
    ("SAS", "FR"),
    ("SARL", "FR"),
    ("BV", "NL"),
    ("NV", "NL"),
    ("AB", "SE"),
    ("OY", "FI"),
    ("AS", "NO"),
    ("SRO", "CZ"),
    ("LTDA", "BR"),
    ("PLC", "GB"),
    ("LTD", "GB"),
    ("LIMITED", "GB"),
    ("INC", "US"),
    ("CORP", "US"),
    ("CORPORATION", "US"),
    ("LLC", "US"),
    ("CO", "US"),
]


@dataclass(frozen=True)
class Label:
    """One hand-labelled holder."""

    holder: str
    country: str
    confidence: str


@dataclass
class Score:
    """Precision and coverage of one set of answers over one set of labels, with the wrong answers."""

    name: str
    labelled: int
    answered: int
    correct: int
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """Share of labelled holders that got an answer."""
        return self.answered / self.labelled if self.labelled else 0.0

    @property
    def precision(self) -> float:
        """Share of answers that are right."""
        return self.correct / self.answered if self.answered else 0.0


def load_labels(path: Path) -> list[Label]:
    """The labelled holders of an evaluation file (rows without a country are left out)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Label(r["holder"], r["country_iso2"], r["confidence"])
            for r in csv.DictReader(fh)
            if r["country_iso2"].strip()
        ]


def score(name: str, answers: dict[str, str | None], labels: list[Label], confidence: str) -> Score:
    """Score answers (holder -> country or None) on the labels of one confidence level."""
    chosen = [lab for lab in labels if lab.confidence == confidence]
    result = Score(name, len(chosen), 0, 0)
    for lab in chosen:
        got = answers.get(lab.holder)
        if got is None:
            result.missed.append((lab.holder, lab.country))
            continue
        result.answered += 1
        if got == lab.country:
            result.correct += 1
        else:
            result.wrong.append((lab.holder, lab.country, got))
    return result


def keyword_baseline(holders: list[str]) -> dict[str, str | None]:
    """Country from legal-form keywords at the end of the holder name."""
    answers: dict[str, str | None] = {}
    for holder in holders:
        words = " ".join(holder.upper().replace(".", "").replace(",", " ").split())
        answers[holder] = next((c for k, c in KEYWORDS if words.endswith(" " + k)), None)
    return answers


def exact_decrs_baseline(engine: DuckDBEngine, holders: list[str]) -> dict[str, str | None]:
    """Country of the DECRS firms whose normalised name equals the holder's, when they agree on one."""
    by_key: dict[str, set[str]] = {}
    for row in engine.query(
        "SELECT firm_name, country_iso2 FROM core.establishment "
        "WHERE firm_name IS NOT NULL AND country_iso2 IS NOT NULL"
    ).to_pylist():
        by_key.setdefault(normalize(row["firm_name"]).key, set()).add(row["country_iso2"])
    answers: dict[str, str | None] = {}
    for holder in holders:
        countries = by_key.get(normalize(holder).key, set())
        answers[holder] = next(iter(countries)) if len(countries) == 1 else None
    return answers


def _answers(table: pa.Table) -> dict[str, str | None]:
    return dict(zip(table.column("holder").to_pylist(), table.column("country").to_pylist(), strict=True))


@dataclass
class Evaluation:
    """Every figure of the holder-country evaluation."""

    scores: list[Score]
    method_shares: list[tuple[str, str, int, float]]
    type2_shares: list[tuple[str, int, float]]


def method_shares(table: pa.Table) -> list[tuple[str, str, int, float]]:
    """Share of all holders decided by each method, per confidence (unknown rows as method 'unknown')."""
    counts = Counter(
        (r["method"] if r["country"] else "unknown", r["confidence"] or "-") for r in table.to_pylist()
    )
    total = table.num_rows or 1
    return [(m, c, n, n / total) for (m, c), n in counts.most_common()]


def type2_country_shares(engine: DuckDBEngine, table: pa.Table) -> list[tuple[str, int, float]]:
    """Share of active Type II DMFs by resolved holder country, with EU-27 summed and unknown kept."""
    engine.register("holder_resolution", table.select(["holder", "country"]))
    try:
        rows = engine.query("""
            WITH t AS (
                SELECT d.dmf, h.country, COALESCE(c.eu27, FALSE) AS eu27
                FROM core.dmf AS d
                LEFT JOIN holder_resolution AS h ON h.holder = d.holder
                LEFT JOIN core.country AS c ON c.iso2 = h.country
                WHERE d.active AND d.type = 'II'
            )
            SELECT COALESCE(country, 'unknown') AS country, count(*) AS n FROM t GROUP BY 1
            UNION ALL
            SELECT 'EU-27', count(*) FROM t WHERE eu27
            ORDER BY n DESC
        """).to_pylist()
    finally:
        engine.unregister("holder_resolution")
    total = sum(r["n"] for r in rows if r["country"] != "EU-27") or 1
    return [(r["country"], r["n"], r["n"] / total) for r in rows]


def evaluate(engine: DuckDBEngine, labels_path: Path) -> Evaluation:
    """Score the resolver (with and without curated files) and both baselines on a labelled set."""
    labels = load_labels(labels_path)
    full = resolve_holders(engine)
    data_only = resolve_holders(engine, use_curated=False, use_overrides=False)
    holders = full.column("holder").to_pylist()
    configs = [
        ("rxatlas (curated groups + overrides)", _answers(full)),
        ("rxatlas (data alone)", _answers(data_only)),
        ("baseline: legal-form keywords", keyword_baseline(holders)),
        ("baseline: exact DECRS name", exact_decrs_baseline(engine, holders)),
    ]
    scores = [score(name, answers, labels, conf) for conf in ("high", "medium") for name, answers in configs]
    return Evaluation(scores, method_shares(full), type2_country_shares(engine, full))


def render(ev: Evaluation) -> str:
    """The evaluation as Markdown tables, with every wrong and missed answer of the resolver."""
    out = [
        "| configuration | labels | answered | correct | coverage | precision |",
        "|---|---|---|---|---|---|",
    ]
    for i, s in enumerate(ev.scores):
        level = "high" if i < len(ev.scores) // 2 else "medium"
        out.append(
            f"| {s.name} ({level}-confidence labels) | {s.labelled} | {s.answered} | {s.correct} | "
            f"{s.coverage:.3f} | {s.precision:.3f} |"
        )
    for s in ev.scores[:2]:
        out += ["", f"Confusions, {s.name}, high-confidence labels:"]
        out += [f"- wrong: {h} (label {lab}, answer {got})" for h, lab, got in s.wrong] or ["- wrong: none"]
        out += [f"- unanswered: {h} (label {lab})" for h, lab in s.missed]
    out += ["", "| method | confidence | holders | share |", "|---|---|---|---|"]
    out += [f"| {m} | {c} | {n} | {share:.1%} |" for m, c, n, share in ev.method_shares]
    out += ["", "| holder country | active Type II DMFs | share |", "|---|---|---|"]
    out += [f"| {c} | {n} | {share:.1%} |" for c, n, share in ev.type2_shares[:15]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    """Print the evaluation of an atlas on a labelled holder file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=Path, required=True, help="atlas database built with fda_dmf and fda_decrs"
    )
    parser.add_argument(
        "--labels", type=Path, required=True, help="labelled holders, e.g. dmf_holder_country_dev.csv"
    )
    args = parser.parse_args(argv)
    with DuckDBEngine(args.db, read_only=True) as engine:
        print(render(evaluate(engine, args.labels)))


if __name__ == "__main__":
    main()
