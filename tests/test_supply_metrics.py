"""Concentration metrics: hand-computed cases, and the warehouse tables agreeing with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rxatlas.supply.metrics import concentration, hhi_band
from rxatlas.warehouse.duck import DuckDBEngine


def test_hand_computed_case() -> None:
    # four sources: CN, CN, IN, unknown -> known shares 2/3 and 1/3 -> HHI = 10,000 * (4/9 + 1/9) = 5,555.6
    m = concentration(["CN", "IN", "CN", None])
    assert m["n_sources"] == 4 and m["n_countries"] == 2 and m["unknown_country_sources"] == 1
    assert m["hhi"] == pytest.approx(50000 / 9)
    assert m["effective_countries"] == pytest.approx(1.8)
    assert m["effective_suppliers"] == 4.0
    assert m["china_share"] == pytest.approx(2 / 3)
    assert m["single_country"] is False and m["single_source"] is False
    assert [s["country"] for s in m["country_shares"]] == ["CN", "IN"]


def test_bands_and_edges() -> None:
    assert [hhi_band(h) for h in (999.9, 1000, 1800, 1800.1, None)] == [
        "unconcentrated", "moderately concentrated", "moderately concentrated", "highly concentrated", None]
    assert concentration(["US"])["single_source"] is True
    assert concentration([None, None])["single_country"] is None
    assert concentration(["DE"] * 12 + ["FR"] * 2)["single_country"] is False


def test_sql_metrics_match_python_for_every_substance(atlas_db: Path) -> None:
    with DuckDBEngine(atlas_db, read_only=True) as engine:
        countries: dict[str, list[str | None]] = {}
        for row in engine.query("SELECT unii, country FROM core.api_source").to_pylist():
            countries.setdefault(row["unii"], []).append(row["country"])
        stored = {r["unii"]: r for r in engine.query("SELECT * FROM core.substance_metrics").to_pylist()}
    assert set(stored) == set(countries)
    for unii, listed in countries.items():
        expected, got = concentration(listed), stored[unii]
        for key in ("n_sources", "n_countries", "single_source", "single_country", "unknown_country_sources"):
            assert got[key] == expected[key], (unii, key)
        assert got["hhi"] == pytest.approx(expected["hhi"]), unii


def test_api_source_rules(atlas_db: Path) -> None:
    with DuckDBEngine(atlas_db, read_only=True) as engine:
        dupes = engine.scalar("SELECT count(*) FROM (SELECT unii, firm_id FROM core.api_source GROUP BY ALL "
                              "HAVING count(*) > 1)")
        # every DMF behind a source is active, Type II and mapped to that substance as an API
        wrong = engine.scalar("""
            SELECT count(*) FROM core.api_source a, UNNEST(a.dmfs) AS t(dmf)
            JOIN core.dmf d ON d.dmf = t.dmf JOIN core.dmf_substance s ON s.dmf = t.dmf
            WHERE NOT (d.active AND d.type = 'II' AND s.kind = 'api' AND s.unii = a.unii)""")
        basis = engine.scalar("SELECT count(*) FROM core.api_source WHERE (country IS NULL) <> "
                              "(country_basis = 'unknown')")
    assert (dupes, wrong, basis) == (0, 0, 0)
