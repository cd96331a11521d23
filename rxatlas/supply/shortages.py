"""FDA drug shortages per substance: the openFDA and FDA Drug Shortages database copies of each posting merged
into one row per presentation (package NDC), with its age, recovery estimate and provenance, and the substance's
criticality, qualified API sources and market scope."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from rxatlas.errors import InputError
from rxatlas.supply.recovery import recovery
from rxatlas.supply.scope import in_scope, scope_note
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import Step, write_table

if TYPE_CHECKING:  # the build step needs pyarrow; answers do not
    import pyarrow as pa

TABLES = frozenset({"core.shortage", "core.name_substance", "core.market_scope", "core.substance_metrics",
                    "core.substance_criticality"})
# The most pressing status first: a presentation both in shortage and to be discontinued is in shortage.
STATUS_ORDER = ("Current", "To Be Discontinued", "Resolved")
MAIN_COUNTRIES = 3
BY_UNII, BY_NAME = "openFDA UNII", "generic name mapping"
# The merged values core.shortage_presentation keeps of each presentation.
PRESENTATION_COLUMNS = ("generic_name", "presentation", "company", "package_ndc", "status", "current", "first_posted",
                        "last_update", "in_newest_file", "sources")

# Every shortage record (or, given a UNII, the records of the presentations linked to it) with the moieties it
# links to: by the UNII codes openFDA gives (of the exact form) and by its generic name (the only link of the DSC
# export's records, which carry no UNII). ndc11 writes the package NDC as 11 digits (5-4-2), so the 4-4-2, 5-3-2
# and 5-4-1 spellings of one package meet; as_of is the date of the newest shortage file. The shortage_presentation
# build step runs it on Spark too, which refuses an untyped NULL parameter: hence the casts.
RECORDS_SQL = """
WITH by_unii AS (
    SELECT s._file, s._line, list(DISTINCT n.unii ORDER BY n.unii) AS uniis
    FROM (SELECT _file, _line, unnest(uniis) AS form_unii FROM core.shortage) AS s
    JOIN core.name_substance AS n ON n.origin = 'unii' AND n.kind = 'api' AND n.name = s.form_unii
    WHERE n.unii IS NOT NULL
    GROUP BY s._file, s._line
), by_name AS (
    SELECT name, list(DISTINCT unii ORDER BY unii) AS uniis
    FROM core.name_substance WHERE origin = 'shortage' AND kind = 'api' AND unii IS NOT NULL
    GROUP BY name
), records AS (
    SELECT s.shortage_source AS source, s._snapshot AS snapshot, s._file AS file, s._line AS line,
           s.generic_name, s.company_name AS company, s.presentation, s.package_ndc, s.status, s.availability,
           s.reason, s.related_info, s.initial_posting_date AS posted, s.update_date AS updated,
           s.discontinued_date AS discontinued, s.therapeutic_categories,
           coalesce(u.uniis, []) AS by_unii, coalesce(n.uniis, []) AS by_name,
           CASE WHEN regexp_matches(trim(s.package_ndc), '^\\d{1,5}-\\d{1,4}-\\d{1,2}$')
                THEN lpad(split_part(trim(s.package_ndc), '-', 1), 5, '0')
                     || lpad(split_part(trim(s.package_ndc), '-', 2), 4, '0')
                     || lpad(split_part(trim(s.package_ndc), '-', 3), 2, '0') END AS ndc11
    FROM core.shortage AS s
    LEFT JOIN by_unii AS u ON u._file = s._file AND u._line = s._line
    LEFT JOIN by_name AS n ON n.name = s.generic_name
)
SELECT *, (SELECT max(_snapshot) FROM core.shortage) AS as_of
FROM records
WHERE CAST(? AS VARCHAR) IS NULL OR ndc11 IS NULL
   OR ndc11 IN (SELECT ndc11 FROM records
                WHERE list_contains(by_unii, CAST(? AS VARCHAR)) OR list_contains(by_name, CAST(? AS VARCHAR)))
ORDER BY snapshot DESC, source, line
"""
# The substances shortage records can link to, with what the atlas knows of their supply and criticality.
SUBSTANCES_SQL = """
WITH linked AS (
    SELECT unii, min(substance) AS substance FROM core.name_substance
    WHERE origin IN ('shortage', 'unii') AND kind = 'api' AND unii IS NOT NULL
    GROUP BY unii
)
SELECT l.unii, coalesce(m.substance, s.substance, l.substance) AS substance, s.market_scope,
       coalesce(m.n_sources, 0) AS n_sources, coalesce(m.n_countries, 0) AS n_countries, m.hhi_band,
       coalesce(m.country_shares, []) AS country_shares, coalesce(c.eu_union_list, false) AS eu_union_list,
       c.jp_category, coalesce(c.essential_medicine_countries, 0) AS essential_medicine_countries
FROM linked AS l
LEFT JOIN core.market_scope AS s ON s.unii = l.unii
LEFT JOIN core.substance_metrics AS m ON m.unii = l.unii
LEFT JOIN core.substance_criticality AS c ON c.unii = l.unii
"""


def _words(text: str | None) -> str:
    return " ".join(re.findall(r"[a-z0-9.%/]+", (text or "").lower()))


def _presentation_key(record: dict[str, Any]) -> str:
    """What makes two shortage records the same presentation: the package NDC, else company and presentation."""
    ndc = record["ndc11"]
    return f"NDC {ndc}" if ndc else f"{_words(record['company'])} | {_words(record['presentation'])}"


def _rank(status: str | None) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _merge(records: list[dict[str, Any]], as_of: date) -> dict[str, Any]:
    """One presentation from every copy of every posting of it, the newest file's most pressing posting leading."""
    newest = max(r["snapshot"] for r in records)
    latest = [r for r in records if r["snapshot"] == newest]
    lead = min(latest, key=lambda r: (_rank(r["status"]), -(r["updated"] or date.min).toordinal()))
    postings: dict[date | None, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        postings[r["posted"]].append(r)
    links: dict[str, set[str]] = defaultdict(set)
    for r in records:
        for unii in r["by_unii"]:
            links[unii].add(BY_UNII)
        for unii in r["by_name"]:
            links[unii].add(BY_NAME)
    first = min((r["posted"] for r in records if r["posted"]), default=None)
    discontinued = [r["discontinued"] for r in records if r["discontinued"]]
    estimate = recovery(lead["related_info"], lead["availability"])
    return {
        "generic_name": lead["generic_name"],
        "presentation": lead["presentation"],
        "package_ndc": lead["package_ndc"],
        "company": lead["company"],
        "status": lead["status"],
        "statuses": sorted({r["status"] for r in latest}, key=_rank),
        "first_posted": first,
        "age_days": (as_of - first).days if first else None,
        "last_update": max((r["updated"] for r in records if r["updated"]), default=None),
        "availability": lead["availability"],
        "reason": lead["reason"],
        "discontinued": max(discontinued) if discontinued else None,
        "recovery": estimate and {**estimate, "passed": bool(estimate["to"] and estimate["to"] < as_of)},
        "related_info": lead["related_info"],
        "therapeutic_categories": lead["therapeutic_categories"] or [],
        "sources": sorted({r["source"] for r in records}),
        "in_newest_file": newest == as_of,
        "current": lead["status"] == "Current" and newest == as_of,  # current only in an older file: not now
        "postings": [{"posted": posted, "status": min((r["status"] for r in copies), key=_rank),
                      "updated": max((r["updated"] for r in copies if r["updated"]), default=None),
                      "copies": [{k: r[k] for k in ("source", "line", "status", "updated")} for r in copies]}
                     for posted, copies in sorted(postings.items(), key=lambda kv: kv[0] or date.min)],
        "links": {unii: sorted(how) for unii, how in links.items()},
    }


def _grouped(engine: Engine, unii: str | None = None) -> tuple[dict[str, list[dict[str, Any]]], date | None]:
    """Every shortage record (or those of the presentations linked to a UNII) by presentation, and the date of
    the newest shortage file."""
    records = engine.rows(RECORDS_SQL, [unii, unii, unii])
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        groups[_presentation_key(record)].append(record)
    return groups, records[0]["as_of"] if records else None


def _presentations(groups: dict[str, list[dict[str, Any]]], as_of: date) -> list[dict[str, Any]]:
    """Each presentation's records merged into one row, under its key."""
    return [{"key": key, **_merge(group, as_of)} for key, group in groups.items()]


def _merged(engine: Engine) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every presentation of the shortage files, and what the merge did (records, postings, pairs, snapshots)."""
    groups, as_of = _grouped(engine)
    if as_of is None:
        raise InputError("the atlas holds no shortage records; build it with the fda_shortages source "
                         "(`rxatlas build`)")
    records = [r for group in groups.values() for r in group]
    rows = _presentations(groups, as_of)
    postings = [p for row in rows for p in row["postings"]]
    files = {(r["source"], r["file"], r["snapshot"]) for r in records}
    stats = {
        "records": len(records),
        "postings": len(postings),
        "postings_in_both_files": sum(len({c["source"] for c in p["copies"]}) > 1 for p in postings),
        "repeated_records": sum(len(p["copies"]) - len({c["source"] for c in p["copies"]}) for p in postings),
        "presentations": len(rows),
        "presentations_with_several_postings": sum(len(r["postings"]) > 1 for r in rows),
        "presentations_only_in_older_file": sum(not r["in_newest_file"] for r in rows),
        "unlinked_presentations": sum(not r["links"] for r in rows),
        "recovery_estimates_passed": sum(bool(r["recovery"] and r["recovery"]["passed"]) for r in rows),
        "ndcs_with_several_texts": sum(
            any(len({_words(c["presentation"]) for c in group if (c["file"], c["posted"]) == posting}) > 1
                for posting in {(c["file"], c["posted"]) for c in group})
            for group in groups.values()),
    }
    snapshots = [{"source": source, "file": file, "snapshot": snapshot,
                  "records": sum(r["file"] == file for r in records)}
                 for source, file, snapshot in sorted(files, key=lambda f: f[2], reverse=True)]
    return rows, {"as_of": as_of, "snapshots": snapshots, "merge": stats,
                  "unlinked": sorted({r["generic_name"] for r in rows if not r["links"]})}


def presentation_table(engine: Engine) -> pa.Table:
    """One row per (presentation, moiety it links to) of the merged shortage files; a presentation linked to no
    moiety once, with no UNII; no rows when the atlas holds no shortage record."""
    import pyarrow as pa

    groups, as_of = _grouped(engine)
    rows = []
    for row in _presentations(groups, as_of) if as_of else []:
        flat = {"presentation_key": row["key"], **{k: row[k] for k in PRESENTATION_COLUMNS}}
        links = sorted(row["links"].items()) or [(None, [])]
        rows += [{**flat, "unii": unii, "linked_by": how} for unii, how in links]
    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("presentation_key", pa.string()), ("unii", pa.string()), ("linked_by", pa.list_(pa.string())),
        ("generic_name", pa.string()), ("presentation", pa.string()), ("company", pa.string()),
        ("package_ndc", pa.string()), ("status", pa.string()), ("current", pa.bool_()),
        ("first_posted", pa.date32()), ("last_update", pa.date32()), ("in_newest_file", pa.bool_()),
        ("sources", pa.list_(pa.string()))]))


def build_shortage_presentation(engine: Engine) -> None:
    """Write core.shortage_presentation."""
    write_table(engine, "core.shortage_presentation", presentation_table(engine), order_by="presentation_key, unii")


def steps() -> list[Step]:
    """The build step merging the shortage files into presentations linked to moieties (core.shortage_presentation)."""
    return [Step("shortage_presentation", frozenset({"core.shortage", "core.name_substance"}),
                 frozenset({"core.shortage_presentation"}), build_shortage_presentation, kind="python")]


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in row.items() if k not in ("links", "key")}, "presentation_key": row["key"]}


def _row(row: dict[str, Any], unii: str) -> dict[str, Any]:
    """A presentation as listed under one of its substances, saying how it links to that substance."""
    return {**_shown(row), "linked_by": row["links"][unii]}


def substance_shortages(engine: Engine, unii: str) -> list[dict[str, Any]]:
    """The shortage presentations of one substance (every status), most pressing and oldest first."""
    groups, as_of = _grouped(engine, unii)
    rows = _presentations(groups, as_of) if as_of else []
    return sorted((_row(r, unii) for r in rows if unii in r["links"]), key=_order)


def _order(row: dict[str, Any]) -> tuple[Any, ...]:
    return _rank(row["status"]), row["first_posted"] or date.max, row["presentation"] or ""


def _since(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"since {value!r} is not a date; write it as YYYY-MM-DD") from exc


def _critical(s: dict[str, Any]) -> bool:
    return bool(s["eu_union_list"] or s["jp_category"] or s["essential_medicine_countries"])


def _substance(info: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A substance with shortages: criticality, sources, scope and the keys of its presentations."""
    return {
        "unii": info["unii"], "substance": info["substance"], "market_scope": info["market_scope"],
        "criticality": {"critical": _critical(info), "eu_union_list": info["eu_union_list"],
                        "jp_category": info["jp_category"],
                        "essential_medicine_countries": info["essential_medicine_countries"]},
        "n_sources": info["n_sources"], "n_countries": info["n_countries"], "hhi_band": info["hhi_band"],
        "main_countries": info["country_shares"][:MAIN_COUNTRIES],
        "presentations": len(rows),
        "current": sum(r["current"] for r in rows),
        "presentation_keys": [r["key"] for r in rows],
    }


def _listed(by_unii: dict[str, list[dict[str, Any]]], substances: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each presentation once, in the order of the substances, naming every substance it is listed under (a
    combination product: several)."""
    place = {s["unii"]: n for n, s in enumerate(substances)}
    names = {s["unii"]: s["substance"] for s in substances}
    listed = []
    for row in {r["key"]: r for rows in by_unii.values() for r in rows}.values():
        uniis = sorted((u for u in row["links"] if u in place), key=place.__getitem__)
        listed.append({**_shown(row), "substances": [
            {"unii": u, "substance": names[u], "linked_by": row["links"][u]} for u in uniis]})
    return sorted(listed, key=lambda r: (place[r["substances"][0]["unii"]], *_order(r)))


def _limits(meta: dict[str, Any], as_of: date) -> list[str]:
    merge, unlinked = meta["merge"], meta["unlinked"]
    older = ", ".join(f"{s['source']} {s['snapshot']}" for s in meta["snapshots"] if s["snapshot"] != as_of)
    return [
        f"one row per presentation (package NDC): {merge['records']:,} records of the two files are "
        f"{merge['postings']:,} postings ({merge['postings_in_both_files']:,} in both files, merged) of "
        f"{merge['presentations']:,} presentations; {merge['presentations_with_several_postings']} presentations "
        "were posted more than once (in shortage, then to be discontinued) and keep every posting under `postings`",
        f"age_days counts from the first posting to {as_of}, the date of the newest shortage file",
        f"{merge['presentations_only_in_older_file']} presentations appear only in the older file ({older}): "
        "postings dropped from the newer file since; their status is the older file's",
        f"{merge['unlinked_presentations']} presentations link to no single substance (their generic name maps to "
        f"no single moiety and they carry no openFDA UNII) and are left out: {', '.join(unlinked[:8])}"
        + (", ..." if len(unlinked) > 8 else ""),
        "records of the FDA database export carry no UNII: alone they link by generic name; merged with their "
        "openFDA copy they also link by its UNII codes",
        f"{merge['ndcs_with_several_texts']} package NDC(s) name two presentation texts in one posting (an FDA "
        "entry error); such an NDC counts as one presentation",
        "recovery estimates are read from FDA's free text (related_info): a month or quarter is given as its "
        "first and last day; 'TBD' is undetermined; a month without a year or a duration ('10 days') stays "
        "undated with its phrase; the original text is kept in related_info; "
        f"{merge['recovery_estimates_passed']} estimate(s) had passed by {as_of} (marked passed)",
        "a presentation is a package, not a quantity: the shortage files give no volumes",
    ]


def shortages(engine: Engine, critical: bool = False, scope: str | None = "us_human_rx",
              since: date | str | None = None) -> dict[str, Any]:
    """Current and recent FDA shortages per substance, one row per presentation, with criticality, sources
    and market scope; filtered to a scope, to critical substances and to postings or updates since a date."""
    since_date = _since(since)
    wanted = in_scope(engine, scope)
    rows, meta = _merged(engine)
    if since_date:
        rows = [r for r in rows if (r["last_update"] and r["last_update"] >= since_date)
                or any(p["posted"] and p["posted"] >= since_date for p in r["postings"])]
    infos = {s["unii"]: s for s in engine.rows(SUBSTANCES_SQL)}
    by_unii: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        for unii in row["links"]:
            info = infos.get(unii)
            if info and (wanted is None or unii in wanted) and (not critical or _critical(info)):
                by_unii[unii].append(row)
    substances = sorted((_substance(infos[u], sorted(r, key=_order)) for u, r in by_unii.items()),
                        key=lambda s: (-s["current"], -s["presentations"], s["substance"]))
    listed = _listed(by_unii, substances)
    filters = [text for text, on in (("substances on a criticality list (EU Union list, Japan supply category, "
                                      "essential-medicines lists)", critical),
                                     (f"presentations posted or updated on or after {since_date}", since_date))
               if on]
    as_of = meta["as_of"]
    return {
        **scope_note(scope),
        "critical": critical,
        "since": since_date,
        "filters": filters,
        "as_of": as_of,
        "snapshots": meta["snapshots"],
        "merge": meta["merge"],
        "totals": {
            "substances": len(substances),
            "presentations": len(listed),
            **{status.lower().replace(" ", "_"): sum(r["status"] == status for r in listed)
               for status in STATUS_ORDER},
            "current": sum(r["current"] for r in listed),  # of the newest file (core.shortage_presentation)
            "current_only_in_older_file": sum(r["status"] == "Current" and not r["current"] for r in listed),
            "recovery_dated": sum(bool(r["recovery"] and r["recovery"]["from"]) for r in listed),
            "recovery_undetermined": sum(bool(r["recovery"] and r["recovery"]["undetermined"]) for r in listed),
        },
        "substances": substances,
        "presentations": listed,
        "limits": _limits(meta, as_of),
    }
