"""Concentration of a substance's sources: counts, shares by country, HHI with its band, flags.

Public data has no volumes, so every share is a share of distinct qualified sources, not of output. The
warehouse computes the same figures in SQL (core.substance_metrics); this module states them for any list of
source countries (a hand-made case, a portfolio, a scenario that removes sources).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from rxatlas.errors import InputError
from rxatlas.warehouse.engine import Engine

# 2023 US Merger Guidelines: above 1,800 highly concentrated, 1,000 to 1,800 moderately, below 1,000 not.
HHI_MODERATE = 1000.0
HHI_HIGH = 1800.0
COUNT_NOTE = ("counts of distinct qualified sources, not volumes (public data has none): shares and HHI are "
              "over sources, not output")


def hhi_band(hhi: float | None) -> str | None:
    """The 2023 US Merger Guidelines band of an HHI on the 0-10,000 scale."""
    if hhi is None:
        return None
    if hhi < HHI_MODERATE:
        return "unconcentrated"
    return "moderately concentrated" if hhi <= HHI_HIGH else "highly concentrated"


def concentration(countries: Sequence[str | None]) -> dict[str, Any]:
    """Metrics over sources given by their country (None: unknown), as in core.substance_metrics."""
    known = Counter(c for c in countries if c is not None)
    n_known = sum(known.values())
    shares = [{"country": c, "sources": n, "share": n / n_known}
              for c, n in sorted(known.items(), key=lambda kv: (-kv[1], kv[0]))]
    hhi = sum(10000 * (k / n_known) ** 2 for k in known.values()) if n_known else None
    n = len(countries)
    return {
        "n_sources": n,
        "n_countries": len(known),
        "effective_suppliers": float(n),  # every source counts once: 1/HHI over sources is the count
        "hhi": hhi,
        "effective_countries": 10000 / hhi if hhi else None,
        "hhi_band": hhi_band(hhi),
        "country_shares": shares,
        "single_source": n == 1,
        "single_country": len(known) == 1 and n_known == n if n_known else None,
        "china_share": known["CN"] / n_known if n_known else None,
        "india_share": known["IN"] / n_known if n_known else None,
        "unknown_country_sources": n - n_known,
    }


# Sortable columns of the metrics table (a closed list: the sort key is written into SQL).
SORT_KEYS = ("substance", "n_sources", "n_countries", "hhi", "effective_suppliers", "effective_countries",
             "china_share", "india_share")
_TABLE = """
SELECT unii, substance, market_scope, market_scope_confidence, n_sources, n_countries, effective_suppliers,
       effective_countries, hhi, hhi_band,
       single_source, single_country, china_share, india_share, unknown_country_sources, country_shares
FROM core.substance_metrics
WHERE (NOT ? OR single_source) AND (? IS NULL OR hhi_band = ?) AND (? = 'all' OR market_scope = ?)
"""


def metrics_table(engine: Engine, scope: str = "us_human_rx", single_source: bool = False,
                  band: str | None = None, sort: str = "n_sources", descending: bool = True) -> list[dict[str, Any]]:
    """Every substance's stored metrics in a market scope (or all), optionally single-source or of one HHI band,
    sorted by one of SORT_KEYS."""
    if sort not in SORT_KEYS:
        raise InputError(f"cannot sort by {sort!r}; use one of {', '.join(SORT_KEYS)}")
    order = "DESC" if descending else "ASC"
    return engine.rows(f"{_TABLE} ORDER BY {sort} {order} NULLS LAST, substance, unii",
                       [single_source, band, band, scope, scope])


def substance_metrics(engine: Engine, unii: str) -> dict[str, Any] | None:
    """The stored metrics of one substance (core.substance_metrics), or None when it has no source."""
    rows = engine.rows("SELECT * EXCLUDE (unii, substance) FROM core.substance_metrics WHERE unii = ?", [unii])
    return rows[0] if rows else None
