"""Probabilistic firm-name linkage with Splink: record features, the model, and scoring with kept parameters."""

from __future__ import annotations

import json
import logging
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from rxatlas.errors import BuildError

MODEL_FILE = "firm_model.json"
SEED = 42

# Tokens in more than this share of records (PHARMACEUTICAL, CHEMICAL, ZHEJIANG, WUXI...) do not identify a firm.
GENERIC_TOKEN_SHARE = 0.001
GENERIC_TOKEN_MIN_RECORDS = 5

# The features Splink compares, from the record table (name_key, tokens, distinctive tokens, country, legal form):
# the normaliser's distinctive tokens minus those frequent in this data (place names such as ZHEJIANG or WUXI).
FEATURES_SQL = """
WITH exploded AS (
    SELECT DISTINCT unique_id, unnest(tokens) AS token FROM records
), df AS (
    SELECT token, count(*) AS n FROM exploded GROUP BY token
), cutoff AS (
    SELECT greatest({min_records}, ceil(count(*) * {share})) AS n FROM records
), ranked AS (
    SELECT e.unique_id, e.token, d.n,
           row_number() OVER (PARTITION BY e.unique_id ORDER BY d.n, e.token) AS rk
    FROM exploded e JOIN df d USING (token)
), rare AS (
    SELECT unique_id, token AS rare_token FROM ranked WHERE rk = 1
), kept AS (
    SELECT r.unique_id, list(t.token ORDER BY t.token) AS distinctive
    FROM (SELECT unique_id, unnest(distinctive) AS token FROM records) t
    JOIN records r USING (unique_id) JOIN df d USING (token)
    WHERE d.n <= (SELECT n FROM cutoff)
    GROUP BY r.unique_id
)
SELECT r.unique_id, r.name_key, r.country_iso2, r.legal_form,
       r.tokens[1] AS tok1, r.tokens[2] AS tok2, rare.rare_token, kept.distinctive
FROM records r LEFT JOIN rare USING (unique_id) LEFT JOIN kept USING (unique_id)
"""


def settings() -> dict[str, Any]:
    """The untrained model: comparisons, levels and blocking rules (trained m/u live in firm_model.json).

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
    return creator.get_settings("duckdb").as_dict()


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


class Scorer:
    """A Splink linker over firm-name records in a private in-memory DuckDB (keeps Splink tables out of the atlas)."""

    def __init__(self, records: pa.Table, splink_settings: dict[str, Any], threads: int | None = None) -> None:
        from splink import DuckDBAPI, Linker

        logging.getLogger("splink").setLevel(logging.WARNING)
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET enable_progress_bar = false")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.register("records_arrow", records)
        self.con.execute("CREATE TABLE records AS SELECT * FROM records_arrow")
        self.con.unregister("records_arrow")
        self.features = self.con.sql(FEATURES_SQL.format(
            share=GENERIC_TOKEN_SHARE, min_records=GENERIC_TOKEN_MIN_RECORDS)).to_arrow_table()
        db_api = DuckDBAPI(connection=self.con)
        frame = db_api.register(self.features, table_name="firm_records")
        self.linker = Linker(frame, splink_settings, log_level=None)

    def predict(self, threshold_match_weight: float) -> pa.Table:
        """Scored candidate pairs at or above the threshold: unique_id_l/_r, match_weight and per-comparison levels."""
        result = self.linker.inference.predict(threshold_match_weight=threshold_match_weight)
        table = result.as_duckdbpyrelation().to_arrow_table()
        result.drop_table_from_database_and_remove_from_cache()
        return table

    def close(self) -> None:
        """Release the in-memory database."""
        self.con.close()


def comparison_names(splink_settings: dict[str, Any]) -> list[str]:
    """The output column name of each comparison, in model order."""
    return [c["output_column_name"] for c in splink_settings["comparisons"]]
