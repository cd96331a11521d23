"""FDA quality signals (warning letters, Form 483s, compliance actions) joined to registered sites.

Form 483s and compliance actions carry the FEI of the inspected site; warning letters carry only a company name.
Each human-drug signal is joined to registered establishments (core.facility, DECRS) by the first rule that
finds one: ``fei`` (the signal's FEI is a registered site), ``firm name`` (the signal's company resolved to a
firm, core.firm_mention, that has registered sites: in the signal's own country when it gives one), else
``not joined``: it stays with the country the record gives, or that of its resolved firm, with no site.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from rxatlas.warehouse.engine import Engine

TABLES = frozenset({"core.compliance_event", "core.firm_mention", "core.firm", "core.facility"})
EVENT_TYPES = ("warning_letter", "form_483", "compliance_action")
JOINS = ("fei", "firm name", "not joined")
NO_SIGNALS = {**dict.fromkeys(EVENT_TYPES, 0), "last_signal": None}  # the counts of a site without signals
# One row per (signal, site it joined to); a signal not joined to a site has one row without a site. A Form 483
# whose FEI has no compliance action says nothing of its product type (is_drug NULL): it counts when its FEI is
# a registered drug establishment.
ATTRIBUTED_SQL = """
WITH registration AS (
    SELECT ltrim(fei, '0') AS fei_key, * FROM core.facility WHERE ltrim(coalesce(fei, ''), '0') <> ''
), site AS (  -- one per FEI: DECRS registers a site once per registration, some under several names
    SELECT fei_key, fei_key AS fei, min(name) AS name, min(country_iso2) AS country_iso2,
           bool_or(api_manufacture) AS api_manufacture
    FROM registration GROUP BY fei_key
), site_firm AS (
    SELECT DISTINCT fei_key, firm_id, country_iso2 FROM registration WHERE firm_id IS NOT NULL
), event AS (
    SELECT e.event_id, e.event_type, e.event_date, e.action, e.firm_name, e.fei, e.country_iso2 AS record_country,
           e.is_drug, e._source, e._file, e._snapshot, m.firm_id, m.method AS firm_method
    FROM core.compliance_event AS e
    LEFT JOIN core.firm_mention AS m
      ON m.record_key = e.event_id AND m.role IN ('compliance_firm', 'warning_letter_company')
     AND m.method <> 'unresolved'
    WHERE e.is_drug IS NOT FALSE
), link AS (
    SELECT e.event_id, 1 AS rank, 'fei' AS joined_by, s.fei AS site_fei, s.name AS site_name,
           s.country_iso2 AS site_country, s.api_manufacture
    FROM event AS e JOIN site AS s ON s.fei_key = ltrim(e.fei, '0')
    UNION ALL
    SELECT e.event_id, 2, 'firm name', s.fei, s.name, s.country_iso2, s.api_manufacture
    FROM event AS e
    JOIN site_firm AS r ON r.firm_id = e.firm_id AND (e.record_country IS NULL OR r.country_iso2 = e.record_country)
    JOIN site AS s ON s.fei_key = r.fei_key
), best AS (
    SELECT DISTINCT * EXCLUDE (rank) FROM link QUALIFY rank = min(rank) OVER (PARTITION BY event_id)
)
SELECT e.event_id, e.event_type, e.event_date, e.action, e.firm_name, e.fei, e.firm_id, e.firm_method,
       coalesce(b.joined_by, 'not joined') AS joined_by, b.site_fei, b.site_name, b.api_manufacture,
       coalesce(b.site_country, e.record_country, f.country_iso2) AS country,
       CASE WHEN b.site_country IS NOT NULL THEN 'site' WHEN e.record_country IS NOT NULL THEN 'record'
            WHEN f.country_iso2 IS NOT NULL THEN 'firm' END AS country_from,
       e._source, e._file, e._snapshot
FROM event AS e
LEFT JOIN best AS b USING (event_id)
LEFT JOIN core.firm AS f ON f.firm_id = e.firm_id
WHERE e.is_drug OR b.joined_by = 'fei'
"""
# One row per signal: the sites it joined to (of the country asked about, or all of them) and their countries.
_ONE_PER_SIGNAL = """
SELECT event_id, event_type, event_date, action, firm_name, fei, firm_id, joined_by,
       coalesce(list(DISTINCT country ORDER BY country) FILTER (WHERE country IS NOT NULL), []) AS countries,
       any_value(country_from) AS country_from,
       coalesce(list({{'fei': site_fei, 'name': site_name, 'api_manufacture': api_manufacture}} ORDER BY site_fei)
                FILTER (WHERE site_fei IS NOT NULL), []) AS sites,
       _file AS file, _snapshot AS snapshot
FROM attributed
WHERE {where}
GROUP BY event_id, event_type, event_date, action, firm_name, fei, firm_id, joined_by, _file, _snapshot
ORDER BY event_date DESC NULLS LAST, event_id
"""
_JOIN_RATES = """
, signal AS (
    SELECT event_type, event_id, any_value(joined_by) AS joined_by, bool_or(country IS NOT NULL) AS placed
    FROM attributed GROUP BY ALL
)
SELECT event_type, count(*) AS signals,
       count(*) FILTER (WHERE joined_by = 'fei') AS fei,
       count(*) FILTER (WHERE joined_by = 'firm name') AS firm_name,
       count(*) FILTER (WHERE joined_by = 'not joined' AND placed) AS not_joined_with_country,
       count(*) FILTER (WHERE NOT placed) AS no_country
FROM signal GROUP BY event_type ORDER BY event_type
"""
LIMITS = [
    "human-drug signals only (core.compliance_event.is_drug); a Form 483 of unknown product type counts only "
    "when its FEI is a registered drug establishment",
    "warning letters carry no FEI and no country: one is placed only through its company's resolved firm, on "
    "that firm's registered sites (firm name); a firm with sites in several countries shows the letter in each, "
    "though it may concern one site",
    "not joined: no registered site could be tied to the signal; a country answer places it by the record's own "
    "country, else its resolved firm's, and signals with neither are counted in join_rates only",
    "a signal is evidence of an inspection outcome at one time, not of a site's current state",
]


def _signals(engine: Engine, where: str, params: list[Any]) -> list[dict[str, Any]]:
    sql = f"WITH attributed AS ({ATTRIBUTED_SQL}) {_ONE_PER_SIGNAL.format(where=where)}"
    return engine.rows(sql, params)


def by_year(signals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Signal counts per year, type and join method."""
    counts = Counter((s["event_date"].year if s["event_date"] else None, s["event_type"], s["joined_by"])
                     for s in signals)
    return [{"year": y, "event_type": t, "joined_by": j, "signals": n}
            for (y, t, j), n in sorted(counts.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1], kv[0][2]))]


def by_site(signals: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per registered site (FEI): its name, its signal counts by type and the date of the latest."""
    sites: dict[str, dict[str, Any]] = defaultdict(lambda: {"name": None, **NO_SIGNALS})
    for s in signals:
        for site in s["sites"]:
            row = sites[site["fei"]]
            row["name"] = site["name"]
            row[s["event_type"]] += 1
            if s["event_date"] and (row["last_signal"] is None or s["event_date"] > row["last_signal"]):
                row["last_signal"] = s["event_date"]
    return dict(sites)


def joined(signals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How the signals were joined to sites, per type: counts by method."""
    counts = Counter((s["event_type"], s["joined_by"]) for s in signals)
    return [{"event_type": t, **{j: counts[(t, j)] for j in JOINS}} for t in EVENT_TYPES]


def country_signals(engine: Engine, iso2: str) -> list[dict[str, Any]]:
    """The human-drug quality signals placed in a country, each with its sites there and how it was joined."""
    return _signals(engine, "country = ?", [iso2])


def firm_signals(engine: Engine, firm_id: str) -> list[dict[str, Any]]:
    """The quality signals of a firm: at its registered sites (by FEI) or naming it (by firm name)."""
    return _signals(engine, "firm_id = ? OR site_fei IN (SELECT ltrim(fei, '0') FROM core.facility WHERE firm_id = ?)",
                    [firm_id, firm_id])


def join_rates(engine: Engine) -> list[dict[str, Any]]:
    """Over every human-drug signal of the snapshot: how many joined to a site by FEI, by firm name, or not."""
    return engine.rows(f"WITH attributed AS ({ATTRIBUTED_SQL}){_JOIN_RATES}")
