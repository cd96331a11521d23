"""Probabilistic firm-name linkage with Splink: record features, the model, and scoring with kept parameters."""

from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any

import pyarrow as pa

from rxatlas.errors import BuildError
from rxatlas.warehouse.engine import Engine

MODEL_FILE = "firm_model.json"
SEED = 42

# Tokens in more than this share of records (PHARMACEUTICAL, CHEMICAL, ZHEJIANG, WUXI...) do not identify a firm.
GENERIC_TOKEN_SHARE = 0.001
GENERIC_TOKEN_MIN_RECORDS = 5

# The features Splink compares, from the record table (name_key, tokens, distinctive tokens, country, legal form):
# the normaliser's distinctive tokens minus those frequent in this data (place names such as ZHEJIANG or WUXI).
FEATURES_SQL = """
WITH exploded AS (
    SELECT DISTINCT unique_id, unnest(tokens) AS token FROM linkage_records
), df AS (
    SELECT token, count(*) AS n FROM exploded GROUP BY token
), cutoff AS (
    SELECT greatest({min_records}, ceil(count(*) * {share})) AS n FROM linkage_records
), ranked AS (
    SELECT e.unique_id, e.token, d.n,
           row_number() OVER (PARTITION BY e.unique_id ORDER BY d.n, e.token) AS rk
    FROM exploded e JOIN df d USING (token)
), rare AS (
    SELECT unique_id, token AS rare_token FROM ranked WHERE rk = 1
), kept AS (
    SELECT r.unique_id, list(t.token ORDER BY t.token) AS distinctive
    FROM (SELECT unique_id, unnest(distinctive) AS token FROM linkage_records) t
    JOIN linkage_records r USING (unique_id) JOIN df d USING (token)
    WHERE d.n <= (SELECT n FROM cutoff)
    GROUP BY r.unique_id
)
SELECT r.unique_id, r.name_key, r.country_iso2, r.legal_form,
       r.tokens[1] AS tok1, r.tokens[2] AS tok2, rare.rare_token, kept.distinctive
FROM linkage_records r LEFT JOIN rare USING (unique_id) LEFT JOIN kept USING (unique_id)
"""


def settings(dialect: str = "duckdb") -> dict[str, Any]:
    """The untrained model in an engine's SQL: comparisons, levels and blocking rules (m/u live in firm_model.json).

    Country is not a comparison: different countries never link (a rule applied to the pairs), and the
    weights then mean the same for mentions with and without a country.
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    creator = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_key", [0.97, 0.92, 0.85]),
            cl.ArrayIntersectAtSizes("distinctive", [2, 1]),
            cl.ExactMatch("legal_form"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("rare_token"),
            block_on("tok1", "tok2"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    return creator.get_settings(dialect).as_dict()


def model_path() -> Path:
    """Where the trained model is kept in the package."""
    return Path(str(resources.files("rxatlas.resolve") / "data" / MODEL_FILE))


def load_model() -> dict[str, Any]:
    """The trained model: Splink settings with m/u values, the match-weight threshold and training facts."""
    path = model_path()
    if not path.exists():
        raise BuildError(f"the firm linkage model {path} is missing; train it with "
                         "`python -m rxatlas.resolve.training --db ATLAS`")
    model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return model


def trained_settings(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """The kept model in an engine's SQL: the settings written for that engine with the trained m/u values."""
    kept = model["splink"]
    if kept["sql_dialect"] == dialect:
        return dict(kept)
    fresh = settings(dialect)
    for new, old in zip(fresh["comparisons"], kept["comparisons"], strict=True):
        for new_level, old_level in zip(new["comparison_levels"], old["comparison_levels"], strict=True):
            if new_level["label_for_charts"] != old_level["label_for_charts"]:
                raise BuildError(f"{MODEL_FILE} no longer matches the comparisons in linkage.settings() "
                                 f"({old_level['label_for_charts']!r}); retrain the model")
            for key in ("m_probability", "u_probability"):
                if key in old_level:
                    new_level[key] = old_level[key]
    for key in ("probability_two_random_records_match", "linker_uid"):
        fresh[key] = kept[key]
    return fresh


class Scorer:
    """A Splink linker over firm-name records on the engine's own Splink backend (work tables stay out of the atlas)."""

    def __init__(self, engine: Engine, records: pa.Table, splink_settings: dict[str, Any]) -> None:
        from splink import Linker

        logging.getLogger("splink").setLevel(logging.WARNING)
        self.engine = engine
        engine.register("linkage_records", records)
        try:
            self.features = engine.query(FEATURES_SQL.format(
                share=GENERIC_TOKEN_SHARE, min_records=GENERIC_TOKEN_MIN_RECORDS))
        finally:
            engine.unregister("linkage_records")
        self.api = engine.linker_api()
        frame = self.api.register(self.features, table_name="firm_records")
        self.linker = Linker(frame, splink_settings, log_level=None)

    def predict(self, threshold_match_weight: float) -> pa.Table:
        """Scored candidate pairs at or above the threshold: unique_id_l/_r, match_weight and per-comparison levels."""
        result = self.linker.inference.predict(threshold_match_weight=threshold_match_weight)
        table = result.as_pyarrow_table()
        result.drop_table_from_database_and_remove_from_cache()
        return table

    def close(self) -> None:
        """Release the linkage backend's work space."""
        self.engine.close_linker_api(self.api)


def comparison_names(splink_settings: dict[str, Any]) -> list[str]:
    """The output column name of each comparison, in model order."""
    return [c["output_column_name"] for c in splink_settings["comparisons"]]
