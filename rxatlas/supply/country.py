"""What US supply depends on one country for: its registered API sites, its DMFs by year, its share of US API
sources, the substances most dependent on it, and the FDA quality signals at its sites by year."""

from __future__ import annotations

from typing import Any

from rxatlas.errors import InputError, NotFoundError
from rxatlas.supply import site_signals
from rxatlas.supply.metrics import COUNT_NOTE
from rxatlas.supply.scope import ALL, check_scope, scope_note
from rxatlas.warehouse.engine import Engine

TABLES = frozenset({"core.api_source", "core.substance_metrics", "core.country", "core.facility",
                    "core.market_scope", "core.dmf", "core.dmf_holder", *site_signals.TABLES})
ORDERS = {"share": "share DESC NULLS LAST, sources_here DESC, substance", "sources": "sources_here DESC, substance",
          "substance": "substance"}
# Which source files each part of the answer reads (meta.files), for its provenance.
PART_SOURCES = {"api_sites": ("fda_decrs",), "dmfs": ("fda_dmf",),
                "api_share": ("fda_dmf", "fda_ndc_unfinished", "fda_decrs", "dailymed_spl"),
                "quality_signals": ("fda_compliance", "fda_decrs")}

COUNTRIES_SQL = """
SELECT c.iso2, c.name, c.common_name, count(DISTINCT a.unii) AS substances, count(*) AS sources,
       count(DISTINCT a.firm_id) AS firms
FROM core.api_source a JOIN core.country c ON c.iso2 = a.country JOIN core.substance_metrics m USING (unii)
WHERE ? = 'all' OR m.market_scope = ?
GROUP BY c.iso2, c.name, c.common_name
ORDER BY sources DESC, c.iso2
"""
COUNTRY_SQL = "SELECT iso2, iso3, name, common_name, eu27 FROM core.country WHERE iso2 = ?"
FACILITIES_SQL = """
SELECT count(*) AS facilities, count(*) FILTER (WHERE api_manufacture) AS api_facilities
FROM core.facility WHERE country_iso2 = ?
"""
# One row per FEI (DECRS registers a site once per registration); sites without an FEI one per registration.
API_SITES_SQL = """
WITH site AS (
    SELECT nullif(ltrim(fei, '0'), '') AS fei, min(name) AS name, min(city) AS city, min(firm_id) AS firm_id,
           list_sort(list_distinct(flatten(list(operations)))) AS operations
    FROM core.facility WHERE country_iso2 = ? AND api_manufacture
    GROUP BY nullif(ltrim(fei, '0'), ''), CASE WHEN nullif(ltrim(fei, '0'), '') IS NULL THEN _line END
)
SELECT s.*, f.name AS firm_name FROM site s LEFT JOIN core.firm f USING (firm_id) ORDER BY s.name, s.fei
"""
# Active Type II DMFs (drug substances) whose holder's legal entity is in the country, by year of submission.
DMFS_SQL = """
SELECT CAST(year(d.submit_date) AS BIGINT) AS year, count(*) AS dmfs
FROM core.dmf d JOIN core.dmf_holder h ON h.holder = d.holder
WHERE d.active AND d.type = 'II' AND h.country = ?
GROUP BY 1 ORDER BY 1 NULLS FIRST
"""
# The country's share of qualified API sources of the scope's substances (sources of known country).
SHARE_SQL = """
SELECT count(*) FILTER (WHERE a.country = ?) AS sources_here,
       count(*) FILTER (WHERE a.country IS NOT NULL) AS sources_known_country, count(*) AS all_sources,
       count(DISTINCT a.firm_id) FILTER (WHERE a.country = ?) AS firms_here,
       count(DISTINCT a.unii) AS substances
FROM core.api_source a JOIN core.substance_metrics m USING (unii)
WHERE ? = 'all' OR m.market_scope = ?
"""
# Substances with a qualified source in the country: sources there, all sources, the country's share.
SUBSTANCES_SQL = """
SELECT a.unii, a.substance, count(*) AS sources_here, m.n_sources, m.n_countries, m.hhi, m.hhi_band,
       (SELECT s.share FROM unnest(m.country_shares) AS t(s) WHERE s.country = ?) AS share,
       m.single_country, m.market_scope_confidence, list(a.firm_name ORDER BY a.firm_name) AS firms
FROM core.api_source a JOIN core.substance_metrics m USING (unii)
WHERE a.country = ? AND (? = 'all' OR m.market_scope = ?)
GROUP BY a.unii, a.substance, m.n_sources, m.n_countries, m.hhi, m.hhi_band, m.country_shares, m.single_country,
         m.market_scope_confidence
"""
FILES_SQL = """
SELECT source, file, snapshot FROM meta.files WHERE list_contains(?, source)
QUALIFY row_number() OVER (PARTITION BY source, spec ORDER BY snapshot DESC, file) = 1
ORDER BY source, file
"""


def files_of(engine: Engine, sources: tuple[str, ...]) -> list[dict[str, Any]]:
    """The newest snapshot file of each of the sources' file kinds: source, file and snapshot date."""
    return engine.rows(FILES_SQL, [list(sources)])


def countries(engine: Engine, scope: str = "us_human_rx") -> list[dict[str, Any]]:
    """Per country: substances (of the scope) with a qualified API source there, sources and firms."""
    chosen = check_scope(scope)
    return engine.rows(COUNTRIES_SQL, [chosen, chosen])


def _signals_part(engine: Engine, code: str) -> dict[str, Any]:
    signals = site_signals.country_signals(engine, code)
    return {"by_year": site_signals.by_year(signals), "joined": site_signals.joined(signals),
            "signals": signals, "join_rates": site_signals.join_rates(engine),
            "sources": files_of(engine, PART_SOURCES["quality_signals"]), "limits": site_signals.LIMITS}


def _share_part(engine: Engine, code: str, scope: str, substances: list[dict[str, Any]]) -> dict[str, Any]:
    row = engine.rows(SHARE_SQL, [code, code, scope, scope])[0]
    known = row["sources_known_country"]
    return {**row, "share": row["sources_here"] / known if known else None,
            "substances_here": len(substances),
            "sources": files_of(engine, PART_SOURCES["api_share"]),
            "limits": [COUNT_NOTE, "share of the scope's qualified API sources of known country; a source's "
                       "country is its linked site's where one is known, else its holder's (country_basis)"]}


def country_answer(engine: Engine, iso2: str, scope: str = "us_human_rx", order: str = "share") -> dict[str, Any]:
    """What US supply (the scope's substances) depends on a country for, and the quality signals at its sites."""
    code, chosen = iso2.strip().upper(), check_scope(scope)
    rows = engine.rows(COUNTRY_SQL, [code])
    if not rows:
        raise NotFoundError(f"no country {iso2!r}; give an ISO 3166 alpha-2 code such as IN, CN or KR")
    if order not in ORDERS:
        raise InputError(f"unknown order {order!r}; use one of {', '.join(ORDERS)}")
    substances = engine.rows(f"{SUBSTANCES_SQL} ORDER BY {ORDERS[order]}", [code, code, chosen, chosen])
    signals = _signals_part(engine, code)
    sites = engine.rows(API_SITES_SQL, [code])
    strain = site_signals.by_site(signals["signals"])
    dmfs = engine.rows(DMFS_SQL, [code])
    return {
        "country": rows[0], **scope_note(chosen),
        **engine.rows(FACILITIES_SQL, [code])[0],
        "substances_with_sources": len(substances),
        "substances_only_here": sum(s["share"] == 1 for s in substances),
        "substances": substances,
        "api_share": _share_part(engine, code, chosen, substances),
        "api_sites": {"sites": [{**s, **site_signals.NO_SIGNALS, **strain.get(s["fei"], {}), "name": s["name"]}
                                for s in sites],
                      "sources": files_of(engine, PART_SOURCES["api_sites"]),
                      "limits": ["sites registered with FDA for API manufacture (DECRS operations); a registration "
                                 "is not evidence of current output, and unregistered sites are missing"]},
        "dmfs": {"active_type_ii": sum(r["dmfs"] for r in dmfs), "by_year": dmfs,
                 "sources": files_of(engine, PART_SOURCES["dmfs"]),
                 "limits": ["active Type II DMFs whose holder's legal entity is in the country "
                            "(core.dmf_holder.country), by year of SUBMIT DATE; the holder is not always where the "
                            "plant is, and holders of unknown country are not counted anywhere"]},
        "quality_signals": signals,
        "notes": [COUNT_NOTE + "; share is the country's share of a substance's sources of known country"]
                 + ([] if chosen == ALL else [f"substances of market scope {chosen} only"]),
    }
