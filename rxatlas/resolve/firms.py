"""Firm linkage decisions: identifiers first, then exact normalised keys, then Splink, never across countries."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

import pyarrow as pa

from rxatlas.resolve.linkage import Scorer, load_model, trained_settings
from rxatlas.resolve.mentions import MENTIONS_TABLE
from rxatlas.resolve.names import national_form_countries
from rxatlas.warehouse.engine import Engine

# Legal forms that name the same kind of entity and are written interchangeably across sources.
LIMITED_FAMILY = frozenset({"LTD", "PVT LTD", "PLC", "PTE LTD", "PTY LTD"})

RECORDS_SQL = f"""
SELECT row_number() OVER (ORDER BY name_key, country_iso2 NULLS FIRST, legal_form NULLS FIRST) AS unique_id,
       name_key, country_iso2, legal_form, any_value(tokens ORDER BY mention_id) AS tokens,
       any_value(distinctive ORDER BY mention_id) AS distinctive, count(*) AS n_mentions
FROM {MENTIONS_TABLE} WHERE name_key IS NOT NULL
GROUP BY name_key, country_iso2, legal_form
"""

# Mentions carrying an FEI or DUNS registered to an establishment, with the establishment's record (work table).
IDENTIFIER_HITS_SQL = f"""
CREATE OR REPLACE TEMP TABLE resolve_identifier_hits AS
WITH est AS (
    SELECT DISTINCT fei, duns, name_key, country_iso2, legal_form FROM {MENTIONS_TABLE}
    WHERE role = 'establishment_firm' AND name_key IS NOT NULL AND country_iso2 IS NOT NULL
), hits AS (
    SELECT m.mention_id, m.name_key, m.country_iso2, m.legal_form, 'FEI ' || m.fei AS ident,
           e.name_key AS est_key, e.country_iso2 AS est_country, e.legal_form AS est_legal
    FROM {MENTIONS_TABLE} m JOIN est e ON m.fei = e.fei
    UNION ALL
    SELECT m.mention_id, m.name_key, m.country_iso2, m.legal_form, 'DUNS ' || m.duns,
           e.name_key, e.country_iso2, e.legal_form
    FROM {MENTIONS_TABLE} m JOIN est e ON m.duns = e.duns
)
SELECT mention_id, any_value(name_key) AS name_key, any_value(country_iso2) AS country_iso2,
       any_value(legal_form) AS legal_form, min(ident) AS ident,
       -- one establishment record decides, all of its fields (its legal form may be NULL)
       list(est_key ORDER BY ident, est_key, est_country, est_legal NULLS FIRST)[1] AS est_key,
       list(est_country ORDER BY ident, est_key, est_country, est_legal NULLS FIRST)[1] AS est_country,
       list(est_legal ORDER BY ident, est_key, est_country, est_legal NULLS FIRST)[1] AS est_legal
FROM hits WHERE name_key IS NOT NULL
GROUP BY mention_id
"""

# The record pairs the identifier hits join (one row per pair, for the decisions and for training labels).
IDENTIFIER_EDGES_SQL = """
SELECT name_key, country_iso2, legal_form, est_key, est_country, est_legal, min(ident) AS ident
FROM resolve_identifier_hits GROUP BY ALL
"""


Record = tuple[str, str | None, str | None]  # name_key, country_iso2, legal_form


def firm_id(key: str, country: str | None, legal_form: str | None = None) -> str:
    """A firm id stable across rebuilds: a hash of the normalised key and country (legal form when no country)."""
    basis = f"{key}|{country}" if country else f"{key}||{legal_form or ''}"
    return "F" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


def legal_compatible(a: str | None, b: str | None) -> bool:
    """Whether two legal forms can name the same entity (unknown agrees with anything)."""
    return a is None or b is None or a == b or (a in LIMITED_FAMILY and b in LIMITED_FAMILY)


# Forms a group's parent or a firm anywhere may carry; every other form (SA, GMBH, AB, SPA, D.O.O., ...) marks an
# entity of one jurisdiction, the kind a multinational keeps in each country it sells in.
UNLOCAL_FORMS = frozenset({"INC", "CORP", "LLC", "LTD", "CO", "PLC", "LLP", "LP", "SE"})


def _bare_brand(mention: dict, firm: dict) -> bool:
    """A one-word name without legal form ("LILLY") names a group, not one national entity ("LILLY SA")."""
    if mention["legal_form"] is not None or " " in mention["name_key"] or not firm["legal_form"]:
        return False
    forms = f" {firm['legal_form']} "
    for form in UNLOCAL_FORMS:
        forms = forms.replace(f" {form} ", " ")
    return bool(forms.strip())


class _Components:
    """Union-find over (key, country) nodes; the representative is the node with most mentions."""

    def __init__(self) -> None:
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(self, node: tuple[str, str]) -> tuple[str, str]:
        self.parent.setdefault(node, node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: tuple[str, str], b: tuple[str, str]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass
class Decision:
    """How one record (distinct key, country, legal form) was linked to a firm."""

    firm_id: str
    method: str
    score: float | None
    evidence: list[str] = field(default_factory=list)


def _pairs(engine: Engine, records: pa.Table) -> list[tuple[int, int, float, float]]:
    model = load_model()
    scorer = Scorer(engine, records.select(["unique_id", "name_key", "country_iso2", "legal_form", "tokens",
                                            "distinctive"]), trained_settings(model, engine.dialect.name))
    try:
        pairs = scorer.predict(model["threshold_match_weight"])
    finally:
        scorer.close()
    return list(zip(pairs.column("unique_id_l").to_pylist(), pairs.column("unique_id_r").to_pylist(),
                    pairs.column("match_weight").to_pylist(), pairs.column("match_probability").to_pylist(),
                    strict=True))


def decide(records: pa.Table, identifier_edges: pa.Table,
           pairs: list[tuple[int, int, float, float]]) -> dict[Record, Decision]:
    """Link every record to a firm: identifier and Splink edges join same-country records; others attach or stand."""
    rows = records.to_pylist()
    by_id = {r["unique_id"]: r for r in rows}
    mentions = {(r["name_key"], r["country_iso2"]): 0 for r in rows if r["country_iso2"]}
    for r in rows:
        if r["country_iso2"]:
            mentions[(r["name_key"], r["country_iso2"])] += r["n_mentions"]
    comps = _Components()
    joined_by: dict[tuple[str, str], list[str]] = defaultdict(list)
    for node in mentions:
        comps.find(node)
    for e in identifier_edges.to_pylist():
        if e["country_iso2"] and e["country_iso2"] == e["est_country"] and e["name_key"] != e["est_key"]:
            a, b = (e["name_key"], e["country_iso2"]), (e["est_key"], e["est_country"])
            comps.union(a, b)
            joined_by[a].append(f"{e['ident']} shared with {e['est_key']} ({e['est_country']})")
    countryless_hits: dict[int, list[tuple[float, float, int]]] = defaultdict(list)
    for left, right, weight, prob in pairs:
        lr, rr = by_id[left], by_id[right]
        if lr["country_iso2"] and rr["country_iso2"]:
            if lr["country_iso2"] == rr["country_iso2"] and legal_compatible(lr["legal_form"], rr["legal_form"]):
                a, b = (lr["name_key"], lr["country_iso2"]), (rr["name_key"], rr["country_iso2"])
                if comps.find(a) != comps.find(b):
                    comps.union(a, b)
                    joined_by[a].append(f"splink weight {weight:.1f} with {b[0]} ({b[1]})")
                    joined_by[b].append(f"splink weight {weight:.1f} with {a[0]} ({a[1]})")
        elif lr["country_iso2"] or rr["country_iso2"]:
            loose, anchored = (lr, rr) if rr["country_iso2"] else (rr, lr)
            if legal_compatible(loose["legal_form"], anchored["legal_form"]):
                countryless_hits[loose["unique_id"]].append((weight, prob, anchored["unique_id"]))

    # Representative node of each component: most mentions, then smallest key.
    members: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for node in mentions:
        members[comps.find(node)].append(node)
    rep = {root: min(nodes, key=lambda n: (-mentions[n], n)) for root, nodes in members.items()}

    def firm_of(node: tuple[str, str]) -> str:
        key, country = rep[comps.find(node)]
        return firm_id(key, country)

    # Firms each key and legal form can attach to.
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["country_iso2"]:
            by_key[r["name_key"]].append(r)

    decisions: dict[Record, Decision] = {}
    for r in rows:
        record: Record = (r["name_key"], r["country_iso2"], r["legal_form"])
        if r["country_iso2"]:
            node = (r["name_key"], r["country_iso2"])
            size = len(members[comps.find(node)])
            others = sum(x["n_mentions"] for x in by_key[r["name_key"]]
                         if x["country_iso2"] == r["country_iso2"]) > 1
            evidence = [f"key {r['name_key']!r} in {r['country_iso2']}", *joined_by.get(node, [])]
            method = "splink" if any(e.startswith("splink") for e in joined_by.get(node, [])) else (
                "exact_key" if size > 1 or others else "unresolved")
            decisions[record] = Decision(firm_of(node), method, 1.0 if method == "exact_key" else None, evidence)
            continue
        candidates = {firm_of((x["name_key"], x["country_iso2"])): x for x in by_key[r["name_key"]]
                      if legal_compatible(r["legal_form"], x["legal_form"]) and not _bare_brand(r, x)}
        # A national legal form (NV, SPA, GMBH) is not used in every country the key is registered in.
        hinted = {fid: x for fid, x in candidates.items()
                  if x["country_iso2"] in national_form_countries(r["legal_form"] or "")}
        if len(candidates) > 1 and len(hinted) == 1:
            others = ", ".join(sorted({x["country_iso2"] for x in candidates.values()} - {
                x["country_iso2"] for x in hinted.values()}))
            (fid, x), = hinted.items()
            decisions[record] = Decision(fid, "exact_key", 1.0, [
                f"same key {r['name_key']!r} as a firm in {x['country_iso2']}; legal form {r['legal_form']} "
                f"is not used in {others}, where the other firms of this key are"])
            continue
        if len(candidates) == 1:
            (fid, x), = candidates.items()
            decisions[record] = Decision(fid, "exact_key", 1.0, [
                f"same key {r['name_key']!r} as a firm in {x['country_iso2']}"
                + (f" (legal form {x['legal_form']})" if x["legal_form"] else "")])
            continue
        if len(candidates) > 1:
            decisions[record] = Decision(firm_id(r["name_key"], None, r["legal_form"]), "unresolved", None, [
                "same key as firms in " + ", ".join(sorted({x["country_iso2"] for x in candidates.values()}))
                + "; not decided"])
            continue
        hits = sorted((h for h in countryless_hits.get(r["unique_id"], []) if not _bare_brand(r, by_id[h[2]])),
                      reverse=True)
        firms_hit = {firm_of((by_id[u]["name_key"], by_id[u]["country_iso2"])) for _, _, u in hits}
        if len(firms_hit) == 1:
            weight, prob, u = hits[0]
            best = by_id[u]
            decisions[record] = Decision(next(iter(firms_hit)), "splink", round(prob, 4), [
                f"splink weight {weight:.1f} with {best['name_key']!r} ({best['country_iso2']})"])
            continue
        evidence = ["no firm with a country matched"] if not firms_hit else [
            f"splink candidates in {len(firms_hit)} firms; not decided"]
        decisions[record] = Decision(firm_id(r["name_key"], None, r["legal_form"]), "unresolved", None, evidence)
    return decisions


def link(engine: Engine) -> None:
    """Decide the firm of every mention and write the work table resolve_mention_link."""
    records = engine.query(RECORDS_SQL)
    engine.execute(IDENTIFIER_HITS_SQL)
    identifier_edges = engine.query(IDENTIFIER_EDGES_SQL)
    pairs = _pairs(engine, records) if records.num_rows > 1 else []
    decisions = decide(records, identifier_edges, pairs)
    engine.register("resolve_decisions", pa.Table.from_pylist([
        {"name_key": k, "country_iso2": c, "legal_form": lf, "firm_id": d.firm_id, "method": d.method,
         "score": d.score, "evidence": d.evidence}
        for (k, c, lf), d in decisions.items()
    ], schema=pa.schema([("name_key", pa.string()), ("country_iso2", pa.string()), ("legal_form", pa.string()),
                         ("firm_id", pa.string()), ("method", pa.string()), ("score", pa.float64()),
                         ("evidence", pa.list_(pa.string()))])))
    # An identifier registered to an establishment decides the firm before any name evidence.
    engine.execute(f"""
        CREATE OR REPLACE TEMP TABLE resolve_mention_link AS
        SELECT m.mention_id,
               COALESCE(est.firm_id, d.firm_id) AS firm_id,
               CASE WHEN est.firm_id IS NOT NULL THEN 'identifier' ELSE d.method END AS method,
               CASE WHEN est.firm_id IS NOT NULL THEN 1.0 ELSE d.score END AS score,
               list_concat(CASE WHEN m.name_note IS NOT NULL THEN [m.name_note] ELSE [] END,
                           CASE WHEN est.firm_id IS NOT NULL
                                THEN [h.ident || ' registered to ' || h.est_key || ' (' || h.est_country || ')']
                                ELSE d.evidence END) AS evidence
        FROM {MENTIONS_TABLE} m
        LEFT JOIN resolve_decisions d
          ON d.name_key = m.name_key AND d.country_iso2 IS NOT DISTINCT FROM m.country_iso2
         AND d.legal_form IS NOT DISTINCT FROM m.legal_form
        LEFT JOIN resolve_identifier_hits h USING (mention_id)
        LEFT JOIN resolve_decisions est
          ON est.name_key = h.est_key AND est.country_iso2 = h.est_country
         AND est.legal_form IS NOT DISTINCT FROM h.est_legal
         AND (m.country_iso2 IS NULL OR m.country_iso2 = h.est_country)
    """)
    engine.unregister("resolve_decisions")
    engine.execute("DROP TABLE resolve_identifier_hits")
