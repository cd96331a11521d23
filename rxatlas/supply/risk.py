"""Supply risk of a portfolio (or the whole atlas): per-substance metrics and vulnerability, and aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from rxatlas.errors import InputError
from rxatlas.supply.portfolio import read_portfolio, resolve
from rxatlas.supply.scope import scope_note
from rxatlas.supply.vulnerability import scores
from rxatlas.warehouse.engine import Engine

# A portfolio depends on a country for a substance when that country holds at least half of its sources.
DEPENDENCE_SHARE = 0.5
# The warehouse tables risk and opportunity answers read (for provenance and stale-source warnings).
RISK_TABLES = frozenset({"core.substance_metrics", "core.api_source", "core.shortage", "core.shortage_presentation",
                         "core.compliance_event", "core.substance_criticality", "core.name_substance",
                         "core.market_scope"})
METRIC_COLUMNS = ("market_scope", "market_scope_confidence", "n_sources", "n_countries", "effective_suppliers",
                  "hhi", "hhi_band", "country_shares", "single_source", "single_country", "china_share", "india_share",
                  "unknown_country_sources")


@dataclass(frozen=True)
class Filters:
    """Which substances a risk answer keeps: one source, all sources in one country, on a criticality list (EU
    Union list, Japan's categories, an essential-medicines list), or dependent on one country."""

    single_source: bool = False
    single_country: bool = False
    critical: bool = False
    country: str | None = None
    min_share: float = DEPENDENCE_SHARE

    def keep(self, row: dict[str, Any]) -> bool:
        """Tell whether a scored substance with its metrics passes every filter asked for."""
        metrics = row["metrics"] or {}
        critical = next(c["value"] for c in row["vulnerability"]["components"] if c["component"] == "criticality")
        share = next((c["share"] for c in metrics.get("country_shares") or [] if c["country"] == self.country), 0.0)
        return ((not self.single_source or bool(metrics.get("single_source")))
                and (not self.single_country or bool(metrics.get("single_country")))
                and (not self.critical or critical > 0)
                and (self.country is None or share >= self.min_share))

    def describe(self) -> list[str]:
        """The filters asked for, in words."""
        words = [("single source", self.single_source), ("all sources in one country", self.single_country),
                 ("on a criticality list (EU Union list, Japan category, essential medicines)", self.critical),
                 (f"{self.country} holds at least {self.min_share:.0%} of the sources", self.country is not None)]
        return [text for text, asked in words if asked]


def _metrics(engine: Engine, uniis: list[str]) -> dict[str, dict[str, Any]]:
    engine.register("_risk_uniis", pa.table({"unii": pa.array(uniis, pa.string())}))
    try:
        rows = engine.query(f"SELECT unii, {', '.join(METRIC_COLUMNS)} FROM core.substance_metrics "
                            "WHERE unii IN (SELECT unii FROM _risk_uniis)").to_pylist()
    finally:
        engine.unregister("_risk_uniis")
    return {r.pop("unii"): r for r in rows}


def _share(rows: list[dict[str, Any]], test: Any) -> float | None:
    return round(sum(1 for r in rows if test(r)) / len(rows), 4) if rows else None


def aggregates(substances: list[dict[str, Any]]) -> dict[str, Any]:
    """Portfolio figures over its distinct substances (each counts once, however many rows name it)."""
    known = [s for s in substances if s["metrics"] is not None]
    return {
        "substances": len(substances), "with_known_sources": len(known),
        "without_known_sources": len(substances) - len(known),
        "share_single_source": _share(known, lambda s: s["metrics"]["single_source"]),
        "share_single_country": _share(known, lambda s: s["metrics"]["single_country"]),
        "share_china_dependent": _share(known, lambda s: (s["metrics"]["china_share"] or 0) >= DEPENDENCE_SHARE),
        "share_india_dependent": _share(known, lambda s: (s["metrics"]["india_share"] or 0) >= DEPENDENCE_SHARE),
        "share_china_or_india_dependent": _share(known, lambda s: (s["metrics"]["china_share"] or 0)
                                                 + (s["metrics"]["india_share"] or 0) >= DEPENDENCE_SHARE),
        "mean_vulnerability": round(sum(s["vulnerability"]["score"] for s in substances) / len(substances), 2)
        if substances else None,
        "basis": "shares of the portfolio's distinct substances with known sources; a substance depends on a "
                 f"country when it holds >= {DEPENDENCE_SHARE:.0%} of the substance's sources (counts of "
                 "sources, public data has no volumes)",
    }


def risk(engine: Engine, portfolio: str | Path | None = None, top: int = 10, scope: str | None = None,
         encoding: str | None = None, filters: Filters | None = None) -> dict[str, Any]:
    """Metrics and vulnerability for a portfolio file (or every substance of the market scope, us_human_rx unless
    said), kept by the filters asked for, aggregates and the top risks."""
    chosen = filters or Filters()
    if chosen.country is not None and not engine.query("SELECT 1 FROM core.country WHERE iso2 = ?",
                                                       [chosen.country]).num_rows:
        raise InputError(f"unknown country code {chosen.country!r}; give an ISO 3166 alpha-2 code such as CN")
    feedback: dict[str, Any] | None = None
    uniis: list[str] | None = None
    if portfolio is not None:
        read = resolve(engine, read_portfolio(portfolio, encoding))
        uniis = read.uniis()
        entries = [e.as_dict() for e in read.entries]
        feedback = {"file": read.path, "encoding": read.encoding, "file_messages": read.file_messages,
                    "rows": len(entries), "resolved": sum(1 for e in entries if e["status"] == "ok"),
                    "entries": entries}
    scored = scores(engine, uniis, scope=scope)
    metrics = _metrics(engine, [s["unii"] for s in scored])
    substances = [{**s, "metrics": metrics.get(s["unii"])} for s in scored]
    rows = [{"unii": s["unii"], "substance": s["substance"], "metrics": s["metrics"],
             "vulnerability": {k: s[k] for k in ("score", "components", "explanation")}} for s in substances]
    rows = [r for r in rows if chosen.keep(r)]
    used = scope_note(scope) if portfolio is None else {
        "scope": "portfolio", "scope_note": "every substance of the portfolio, whatever its market scope (shown "
                                            "per substance as metrics.market_scope)"}
    return {**used, "filters": chosen.describe(), "portfolio": feedback, "aggregates": aggregates(rows),
            "top_risks": [{"unii": r["unii"], "substance": r["substance"], "score": r["vulnerability"]["score"],
                           "explanation": r["vulnerability"]["explanation"]} for r in rows[:top]],
            "substances": rows}
