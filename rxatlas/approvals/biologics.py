"""Biologics and CDMO landscape: US-licensed biologics by holder country, biologic sites, biologic and ADC DMFs."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from typing import Any

from rxatlas.approvals.query import country_approvals, country_code
from rxatlas.approvals.register import capacity_facts, korean_firms
from rxatlas.warehouse.engine import Engine

TABLES = {"core.approval", "core.approval_partner", "core.sponsor_country", "core.facility", "core.dmf",
          "core.dmf_holder", "core.firm", "core.firm_mention"}
LIST_1260H = "us_dod_1260h"
NO_PRODUCT_LINK = ("The DMF list names holders and subjects, not the applications that reference them, and FDA "
                   "registrations do not say which product a site makes: public data cannot tie a US product to "
                   "its CDMO or payload supplier, so this view lists capabilities, not supply relations.")

# The kind of biologic or ADC capability a DMF subject names, first match wins (Type II and V DMFs only).
CAPABILITIES = (
    ("ADC payload-linker (auristatin, MMAE/MMAF)", r"AURISTATIN|MMA[EF]\b|VC-?MMAE|VAL-CIT"),
    ("ADC payload (camptothecin: exatecan, deruxtecan, SN-38)", r"EXATECAN|DERUXTECAN|SN-38"),
    ("ADC payload (maytansinoid, calicheamicin, PBD)", r"MAYTANSIN|\bDM[1I4]\b|CALICHEAMICIN|PYRROLOBENZODIAZEPINE"),
    ("ADC drug-linker, other", r"LINKER|PAYLOAD|\bADC\b"),
    ("host cell line or cell bank", r"CELL LINES?\b|CELL BANKS?\b"),
    ("antibody or biologics manufacturing", r"MONOCLONAL|ANTIBOD|MAMMALIAN|\bBIOLOGICS?\b|BIOLOGICAL THERAPEUTIC"),
)
DMF_SQL = """
SELECT d.dmf, d.type, d.submit_date, d.holder, d.subject, h.country, h.firm_id
FROM core.dmf d LEFT JOIN core.dmf_holder h ON h.holder = d.holder
WHERE d.active AND d.type IN ('II', 'V') ORDER BY d.dmf
"""
BY_HOLDER_COUNTRY_SQL = """
SELECT coalesce(sponsor_country, '(unknown)') AS country,
       count(*) FILTER (WHERE type = 'BLA 351(a)') AS bla_351a,
       count(*) FILTER (WHERE type = 'BLA 351(k) biosimilar') AS biosimilar,
       count(*) FILTER (WHERE type = 'BLA 351(k) interchangeable') AS interchangeable,
       count(*) AS total
FROM core.approval WHERE in_purple_book AND approval_status = 'final'
GROUP BY ALL ORDER BY total DESC, country
"""
# Establishments of firms that hold a Purple Book BLA: biologics sites FDA has registered, by site country.
SITES_SQL = """
SELECT x.country_iso2 AS site_country, count(DISTINCT x.fei) AS sites, count(DISTINCT x.firm_id) AS firms
FROM core.facility x
WHERE x.firm_id IN (SELECT firm_id FROM core.firm_mention WHERE role = 'biologic_applicant')
GROUP BY ALL ORDER BY sites DESC, site_country
"""
# Firms of a country that hold a Purple Book BLA.
BLA_FIRMS_SQL = """
SELECT DISTINCT m.firm_id FROM core.firm_mention m
JOIN core.sponsor_country sc USING (firm_id)
WHERE m.role = 'biologic_applicant' AND sc.country_iso2 = ?
"""
OWNED_SITES_SQL = """
SELECT x.fei, x.name, x.address, x.country_iso2 AS site_country, x.operations, f.name AS registered_firm,
       x._file, x._line, x.firm_id
FROM core.facility x LEFT JOIN core.firm f USING (firm_id)
WHERE x.firm_id IN (SELECT unnest(?::VARCHAR[])) OR x.fei IN (SELECT unnest(?::VARCHAR[]))
ORDER BY x.country_iso2 <> 'US', x.name, x.fei
"""


def capability(subject: str | None) -> str | None:
    """The biologic or ADC capability a DMF subject names, or None."""
    text = (subject or "").upper()
    return next((kind for kind, pattern in CAPABILITIES if re.search(pattern, text)), None)


def _screener(engine: Engine) -> Any:
    from rxatlas.screen.lists import watch_lists
    from rxatlas.screen.screen import screener_for

    return screener_for(engine, date.today(), [w for w in watch_lists(engine) if w.id == LIST_1260H])


def biologic_dmfs(engine: Engine) -> list[dict[str, Any]]:
    """Active Type II and V DMFs for biologic intermediates and ADC components, 1260H links marked."""
    rows = [{**r, "capability": capability(r["subject"])} for r in engine.query(DMF_SQL).to_pylist()]
    rows = [r for r in rows if r["capability"]]
    screener = _screener(engine)
    status: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["holder"] not in status:
            status[row["holder"]] = screener.screen(row["holder"], row["country"])
        result = status[row["holder"]]
        row["watchlist"] = result["status"] if result["status"] in ("listed", "affiliate") else None
        row["watchlist_path"] = result.get("path") or result.get("explanation") if row["watchlist"] else None
    return rows


def _alternatives(dmfs: list[dict[str, Any]], home: str | None) -> list[dict[str, Any]]:
    """Per capability with a 1260H-linked holder: the other holders by country, the home country first."""
    out = []
    for kind, _ in CAPABILITIES:
        same = [d for d in dmfs if d["capability"] == kind]
        linked = sorted({d["holder"] for d in same if d["watchlist"]})
        if not linked:
            continue
        others: dict[str, set[str]] = defaultdict(set)
        for d in same:
            if not d["watchlist"]:
                others[d["country"] or "(unknown)"].add(d["holder"])
        order = sorted(others, key=lambda c: (c != home, -len(others[c]), c))
        out.append({"capability": kind, "linked_holders": linked,
                    "other_holders": [{"country": c, "holders": sorted(others[c])} for c in order]})
    return out


def _owned_sites(engine: Engine, iso2: str, dmfs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """FDA-registered sites of the country's BLA holders and biologic DMF holders, anywhere; for KR also the
    sites of register firms and the sites register facts name (a Korean purchase of a US plant)."""
    ids = set(engine.query(BLA_FIRMS_SQL, [iso2]).column(0).to_pylist())
    ids |= {d["firm_id"] for d in dmfs if d["country"] == iso2 and d["firm_id"]}
    register = [f for f in korean_firms(engine) if f["register_line"]] if iso2 == "KR" else []
    owner = {f["firm_id"]: f for f in register if f["firm_id"]}
    named = {fact["fei"]: (f, fact) for f in register for fact in f["facts"] if fact["fei"]}
    sites = engine.query(OWNED_SITES_SQL, [sorted(ids | set(owner)), sorted(named)]).to_pylist()
    for site in sites:
        firm, fact = named.get(site["fei"], (owner.get(site["firm_id"]), None))
        site["owner"] = firm["name"] if firm else site["registered_firm"]
        site["owner_group"] = firm["group"] if firm else None
        if fact:
            site["evidence"] = [fact["text"] + (" (claim of the firm)" if fact["claim"] else ""), *fact["sources"]]
        elif firm:
            site["evidence"] = [f"registered by a firm of the Korean register ({firm['register_line']})"]
        else:
            site["evidence"] = [f"registered by {site['registered_firm']}, a {iso2} holder of a US BLA or "
                                "biologic DMF"]
    return sites


def biologics(engine: Engine, country: str | None = None) -> dict[str, Any]:
    """US-licensed biologics by holder country, biologic sites, biologic and ADC DMFs, CDMO capacity facts."""
    iso2 = country_code(engine, country)[0] if country else None
    dmfs = biologic_dmfs(engine)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for d in dmfs:
        by_kind[d["capability"]][d["country"] or "(unknown)"] += 1
    answer: dict[str, Any] = {
        "country": iso2,
        "by_holder_country": engine.query(BY_HOLDER_COUNTRY_SQL).to_pylist(),
        "sites_by_country": engine.query(SITES_SQL).to_pylist(),
        "dmfs_by_capability": [{"capability": k, "by_country": dict(c.most_common())} for k, c in by_kind.items()],
        "biosecure": {"alternatives": _alternatives(dmfs, iso2), "limits": NO_PRODUCT_LINK},
    }
    if iso2:
        view = country_approvals(engine, iso2)
        answer["products"] = [a for a in view["applications"] if a["appl_type"] == "BLA"]
        answer["sites"] = _owned_sites(engine, iso2, dmfs)
        answer["dmfs"] = [d for d in dmfs if d["country"] == iso2]
        if iso2 == "KR":
            answer["capacity"] = capacity_facts()
    return answer
