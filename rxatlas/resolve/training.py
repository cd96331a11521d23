"""Train the firm linkage model on an atlas and choose its threshold on pairs labelled by trusted evidence.

Positives: records (key, country, legal form) whose mentions share an FEI or DUNS with an establishment
record of another key. Negatives: blocked candidate pairs whose countries are both known and differ. Only
pairs of different keys count for the threshold (identical keys are linked by the exact-key rule). The
threshold is the lowest match weight whose precision on these pairs reaches TARGET_PRECISION (country is
not a comparison of the model, so a different-country pair weighs what the names alone say).

Run: python -m rxatlas.resolve.training --db ATLAS
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from rxatlas.resolve.firms import IDENTIFIER_EDGES_SQL, IDENTIFIER_HITS_SQL, RECORDS_SQL
from rxatlas.resolve.linkage import SEED, Scorer, model_path, settings
from rxatlas.resolve.mentions import extract_mentions
from rxatlas.warehouse.duck import DuckDBEngine

TARGET_PRECISION = 0.9  # few labelled pairs of different keys: one error moves precision by ~5 points
MIN_THRESHOLD = 4.0
U_PAIRS = 5e6


def labelled_pairs(records: pa.Table, identifier_edges: pa.Table) -> list[tuple[int, int]]:
    """Record pairs known to be one firm because their mentions share a registered FEI or DUNS."""
    ids = {(r["name_key"], r["country_iso2"], r["legal_form"]): r["unique_id"] for r in records.to_pylist()}
    pairs = set()
    for e in identifier_edges.to_pylist():
        a = ids.get((e["name_key"], e["country_iso2"], e["legal_form"]))
        b = ids.get((e["est_key"], e["est_country"], e["est_legal"]))
        if a is not None and b is not None and a != b:
            pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


def choose_threshold(scored: list[tuple[float, bool]]) -> tuple[float, list[dict[str, Any]]]:
    """The lowest weight with labelled precision >= TARGET_PRECISION (not below MIN_THRESHOLD), and the curve."""
    curve = []
    positives = sum(1 for _, p in scored if p)
    chosen = None
    for t in [x / 2 for x in range(-4, 41)]:
        tp = sum(1 for w, p in scored if p and w >= t)
        fp = sum(1 for w, p in scored if not p and w >= t)
        precision = tp / (tp + fp) if tp + fp else 1.0
        curve.append({"threshold": t, "precision": round(precision, 4),
                      "recall": round(tp / positives, 4) if positives else None, "tp": tp, "fp": fp})
        if chosen is None and t >= MIN_THRESHOLD and precision >= TARGET_PRECISION:
            chosen = t
    return (chosen if chosen is not None else max(MIN_THRESHOLD, 10.0)), curve


def train(engine: DuckDBEngine, out: Path | None = None) -> dict[str, Any]:
    """Estimate the model on this atlas's firm mentions, choose the threshold, and write firm_model.json."""
    extract_mentions(engine)
    records = engine.query(RECORDS_SQL)
    engine.execute(IDENTIFIER_HITS_SQL)
    positives = labelled_pairs(records, engine.query(IDENTIFIER_EDGES_SQL))
    base = settings()
    scorer = Scorer(engine, records.select(["unique_id", "name_key", "country_iso2", "legal_form", "tokens",
                                            "distinctive"]), {**base, "retain_intermediate_calculation_columns": True})
    try:
        training = scorer.linker.training
        training.estimate_probability_two_random_records_match(
            ["l.name_key = r.name_key AND l.country_iso2 = r.country_iso2"], recall=0.7)
        training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=SEED)
        scorer.api.register(pa.table({
            "unique_id_l": [a for a, _ in positives], "unique_id_r": [b for _, b in positives],
            "source_dataset_l": ["firm_records"] * len(positives),
            "source_dataset_r": ["firm_records"] * len(positives)}), table_name="firm_labels")
        training.estimate_m_from_pairwise_labels("firm_labels")
        model = scorer.linker.misc.save_model_to_json()
        pairs = scorer.predict(-100.0)
    finally:
        scorer.close()
    country = {r["unique_id"]: r["country_iso2"] for r in records.to_pylist()}
    key = {r["unique_id"]: r["name_key"] for r in records.to_pylist()}
    positive_set = set(positives)
    scored = []
    for row in pairs.to_pylist():
        a, b = sorted((row["unique_id_l"], row["unique_id_r"]))
        if key[a] == key[b]:
            continue  # identical keys are decided by the exact-key rule, not by the threshold
        name_weight = row["match_weight"]
        if (a, b) in positive_set:
            scored.append((name_weight, True))
        elif country[a] and country[b] and country[a] != country[b]:
            scored.append((name_weight, False))
    threshold, curve = choose_threshold(scored)
    result = {
        "splink": {**model, "retain_intermediate_calculation_columns": False},
        "threshold_match_weight": threshold,
        "training": {
            "records": records.num_rows,
            "positive_pairs": len(positives),
            "positive_pairs_blocked": sum(1 for _, p in scored if p),
            "negative_pairs": sum(1 for _, p in scored if not p),
            "target_precision": TARGET_PRECISION,
            "seed": SEED,
            "u_max_pairs": U_PAIRS,
            "curve": curve,
        },
    }
    path = out or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def main() -> None:
    """Command-line entry: train on an atlas file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="atlas database (opened read-write for work tables)")
    parser.add_argument("--out", help="model file (default: the packaged firm_model.json)")
    args = parser.parse_args()
    with DuckDBEngine(Path(args.db)) as engine:
        result = train(engine, Path(args.out) if args.out else None)
    print(json.dumps({k: v for k, v in result["training"].items() if k != "curve"}
                     | {"threshold_match_weight": result["threshold_match_weight"]}, indent=1))


if __name__ == "__main__":
    main()
