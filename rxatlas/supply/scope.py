"""Market scope of each substance: whether it is the API of a US human prescription medicine, or only of OTC,
homeopathic or veterinary products, an excipient, a nutrient, not marketed in the US, or an intermediate; decided
from Drugs@FDA marketing status, the Purple Book, the finished NDC directory (when loaded), FDA shortage postings,
NDC bulk listings and the FDA UNII record, with the evidence (core.market_scope)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING, Any, NamedTuple

from rxatlas.errors import InputError
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import Step, write_table

if TYPE_CHECKING:  # the build step needs pyarrow; answers (in_scope) do not
    import pyarrow as pa

SCOPES = ("us_human_rx", "us_human_otc", "homeopathic", "veterinary_only", "excipient_or_inactive",
          "nutrient_or_food", "diagnostic_or_device", "not_marketed_in_us", "intermediate")
DEFAULT_SCOPE = "us_human_rx"
ALL = "all"
# FDA UNII name tags (the bracketed source of a name) that say where a substance is used.
_TAGS = {
    "approved": ("ORANGE BOOK", "PURPLE BOOK CDER"),       # in an FDA-approved human product
    "homeopathic": ("HPUS",),                               # Homeopathic Pharmacopoeia of the US
    "veterinary": ("GREEN BOOK", "EMA EPAR VETERINARY"),    # approved animal drugs (FDA Green Book, EMA)
    "inactive": ("II",),                                    # FDA Inactive Ingredient Database
    "food": ("FCC", "DSC", "FHFI", "LANGUAL", "EMA HERBAL SUBSTANCE"),  # food, supplement and herbal codes
    "medicine": ("INN", "USAN", "JAN", "MART.", "USP MONOGRAPH", "EP MONOGRAPH", "VANDF", "WHO-IP", "BAN"),
    "named_drug": ("INN", "USAN"),                          # an international or US adopted drug name
    "va_formulary": ("VANDF",),                             # products the VA dispenses (VA National Drug File)
}
# A USAN drug with no Drugs@FDA product in the 2019 snapshot but DMFs filed this recently (years before the newest
# DMF) may have been approved since: API makers file DMFs for marketed or imminent products, but also for markets
# abroad; a hand check found about one in three US-approved, so such a scope has confidence low.
RECENT_DMF_YEARS = 6
# Isomer descriptors, the UNII parent's ", UNSPECIFIED FORM" and radionuclide labels that name a form of the same
# substance ("LACTIC ACID, L-" and "LACTIC ACID, UNSPECIFIED FORM", "XENON XE-133"): a prescription product of one
# form makes the related substance prescription-relevant too.
_RELATED = re.compile(r",\s*(?:\(\+\)|\(-\)|\(\+/-\)|DL|D|L)-$|,\s*UNSPECIFIED FORM$|\s+[A-Z]{1,2}-\d+[A-Z]?\b")

# One row per substance of the map (any evidence or finished-dose name mapped to it), with what each public
# source says about its US market. A form's facts (a salt's UNII record, its products) count for its moiety.
SIGNALS_SQL = """
WITH universe AS (
    SELECT DISTINCT unii, substance FROM core.source_evidence
    UNION SELECT DISTINCT unii, substance FROM core.name_substance WHERE kind = 'api' AND unii IS NOT NULL
), forms AS (
    SELECT unii, unii AS form_unii FROM universe
    UNION SELECT unii, form_unii FROM core.dmf_substance WHERE kind = 'api' AND form_unii IS NOT NULL
    UNION SELECT unii, form_unii FROM core.name_substance WHERE kind = 'api' AND form_unii IS NOT NULL
), tags AS (
    SELECT f.unii, list(DISTINCT regexp_extract(n.name, '\\[([^\\]]*)\\]\\s*$', 1)
                        ORDER BY regexp_extract(n.name, '\\[([^\\]]*)\\]\\s*$', 1)) AS tags
    FROM forms AS f JOIN core.substance_name AS n ON n.unii = f.form_unii
    GROUP BY f.unii
), products AS (
    SELECT s.unii, p.marketing_status, p.appl_no, p.drug_name
    FROM core.name_substance AS s JOIN core.product AS p ON p.active_ingredient = s.name
    WHERE s.origin = 'product' AND s.kind = 'api' AND s.unii IS NOT NULL
), product_facts AS (
    SELECT unii,
           count(*) FILTER (WHERE marketing_status = 'Prescription') AS rx,
           count(*) FILTER (WHERE marketing_status = 'Over-the-counter') AS otc,
           count(*) AS products,
           min(drug_name || ' (' || appl_no || ')') FILTER (WHERE marketing_status = 'Prescription') AS rx_example,
           min(drug_name || ' (' || appl_no || ')') FILTER (WHERE marketing_status = 'Over-the-counter')
               AS otc_example,
           min(drug_name || ' (' || appl_no || ', ' || coalesce(marketing_status, 'no status') || ')')
               AS any_example
    FROM products GROUP BY unii
), biologic_facts AS (
    SELECT s.unii,
           count(*) FILTER (WHERE b.marketing_status = 'Rx') AS rx,
           count(*) FILTER (WHERE b.marketing_status = 'OTC') AS otc,
           min(b.proprietary_name || ' (BLA ' || b.bla_no || ')') FILTER (WHERE b.marketing_status = 'Rx')
               AS rx_example
    FROM core.name_substance AS s JOIN core.biologic AS b ON b.proper_name = s.name
    WHERE s.origin = 'biologic' AND s.kind = 'api' AND s.unii IS NOT NULL
    GROUP BY s.unii
), shortage_facts AS (
    SELECT unii, count(*) AS current_shortages, min(generic_name) AS example
    FROM core.shortage_presentation WHERE current AND unii IS NOT NULL
    GROUP BY unii
), listing_facts AS (
    SELECT unii,
           count(*) FILTER (WHERE category = 'homeopathic') AS homeopathic,
           count(*) AS evidence
    FROM core.source_evidence GROUP BY unii
), dmf_facts AS (
    SELECT unii, max(year(submit_date)) AS last_dmf_year,
           (SELECT max(year(submit_date)) FROM core.source_evidence) AS newest_dmf_year
    FROM core.source_evidence WHERE evidence_kind = 'dmf' GROUP BY unii
), ndc_facts AS (
    {ndc_facts}
), animal_facts AS (
    SELECT s.unii, count(*) AS animal, count(*) FILTER (WHERE b.marketing_category NOT LIKE '%ANIMAL%') AS other
    FROM core.name_substance AS s JOIN core.bulk_ingredient AS b ON b.substance_name = s.name
    WHERE s.origin = 'bulk_ingredient' AND s.kind = 'api'
    GROUP BY s.unii
)
SELECT u.unii, u.substance, coalesce(t.tags, []) AS tags,
       coalesce(p.rx, 0) AS rx_products, coalesce(p.otc, 0) AS otc_products, coalesce(p.products, 0) AS products,
       p.rx_example, p.otc_example, p.any_example,
       coalesce(b.rx, 0) AS rx_biologics, coalesce(b.otc, 0) AS otc_biologics, b.rx_example AS biologic_example,
       coalesce(sh.current_shortages, 0) AS current_shortages, sh.example AS shortage_example,
       coalesce(l.homeopathic, 0) AS homeopathic_evidence, coalesce(l.evidence, 0) AS evidence,
       coalesce(a.animal, 0) - coalesce(a.other, 0) AS animal_only_listings,
       d.last_dmf_year, d.newest_dmf_year,
       coalesce(nd.rx, 0) AS ndc_rx, coalesce(nd.otc, 0) AS ndc_otc, nd.rx_example AS ndc_rx_example,
       nd.otc_example AS ndc_otc_example
FROM (SELECT unii, min(substance) AS substance FROM universe GROUP BY unii) AS u
LEFT JOIN tags AS t ON t.unii = u.unii
LEFT JOIN product_facts AS p ON p.unii = u.unii
LEFT JOIN biologic_facts AS b ON b.unii = u.unii
LEFT JOIN shortage_facts AS sh ON sh.unii = u.unii
LEFT JOIN listing_facts AS l ON l.unii = u.unii
LEFT JOIN animal_facts AS a ON a.unii = u.unii
LEFT JOIN dmf_facts AS d ON d.unii = u.unii
LEFT JOIN ndc_facts AS nd ON nd.unii = u.unii
ORDER BY u.unii
"""

# Current finished listings of the NDC directory (optional source): prescription and OTC products per moiety.
NDC_FACTS = """SELECT s.unii,
           count(DISTINCT n.product_id) FILTER (WHERE n.market = 'rx') AS rx,
           count(DISTINCT n.product_id) FILTER (WHERE n.market = 'otc') AS otc,
           min(coalesce(n.proprietary_name, n.nonproprietary_name) || ' (NDC ' || n.product_ndc || ', '
               || n.marketing_category || ')') FILTER (WHERE n.market = 'rx') AS rx_example,
           min(coalesce(n.proprietary_name, n.nonproprietary_name) || ' (NDC ' || n.product_ndc || ', '
               || n.marketing_category || ')') FILTER (WHERE n.market = 'otc') AS otc_example
    FROM core.name_substance AS s JOIN core.ndc_product AS n ON n.substance_name = s.name
    WHERE s.origin = 'ndc' AND s.kind = 'api' AND n.current
    GROUP BY s.unii"""
NO_NDC_FACTS = ("SELECT CAST(NULL AS VARCHAR) AS unii, 0 AS rx, 0 AS otc, CAST(NULL AS VARCHAR) AS rx_example, "
                "CAST(NULL AS VARCHAR) AS otc_example WHERE false")


class Decision(NamedTuple):
    """A substance's market scope, the evidence that decided it, and how sure: high when a US product, listing or
    shortage record says so; medium when names in the FDA UNII record (or a related form's product) do; low for
    the recent-DMF inference (a hand check found about one in three of those US-approved: docs/supply-map.md)."""

    scope: str
    evidence: str
    confidence: str


def decide(row: dict[str, Any]) -> Decision:
    """The market scope of one substance from its signals, with the evidence that decided it and how sure."""
    tags = set(row["tags"])

    def tagged(kind: str) -> list[str]:
        return [t for t in _TAGS[kind] if t in tags]

    rx = "us_human_rx"
    if row["rx_products"]:
        return Decision(rx, f"Drugs@FDA prescription product {row['rx_example']}", "high")
    if row["rx_biologics"]:
        return Decision(rx, f"Purple Book prescription biologic {row['biologic_example']}", "high")
    if row["ndc_rx"]:
        return Decision(rx, f"NDC directory prescription listing {row['ndc_rx_example']}", "high")
    if row["current_shortages"]:
        return Decision(rx, f"FDA shortage posting (current): {row['shortage_example']}", "high")
    if row.get("related_rx"):
        return Decision(rx, f"a prescription product of a related form: {row['related_rx']}", "medium")
    if not row["products"] and (found := tagged("approved")):
        return Decision(rx, f"UNII record names it in the {found[0]} (an approved product after the Drugs@FDA "
                            "products snapshot of 2019)", "medium")
    recent = row["last_dmf_year"] is not None and row["last_dmf_year"] > row["newest_dmf_year"] - RECENT_DMF_YEARS
    if not row["products"] and "USAN" in tags and recent and not tagged("inactive"):
        return Decision(rx, f"a USAN drug with an active DMF filed in {row['last_dmf_year']} and no product in the "
                            "2019 Drugs@FDA snapshot: perhaps approved since (inferred, not a US product record)",
                        "low")
    if not row["products"] and tagged("va_formulary") and not tagged("named_drug") \
            and not tagged("inactive") and not tagged("homeopathic") and not tagged("food"):
        return Decision(rx, "dispensed by the VA (VA National Drug File) with no FDA application: a licensed "
                            "allergenic, medical gas or other product outside Drugs@FDA", "medium")
    if row["otc_products"] or row["otc_biologics"]:
        return Decision("us_human_otc", "Drugs@FDA over-the-counter product "
                                        f"{row['otc_example'] or 'in the Purple Book'}", "high")
    if row["ndc_otc"]:
        return Decision("us_human_otc", f"NDC directory over-the-counter listing {row['ndc_otc_example']}", "high")
    if row["homeopathic_evidence"] and row["homeopathic_evidence"] == row["evidence"]:
        return Decision("homeopathic", "homeopathic listings only", "high")
    if tagged("homeopathic") and not tagged("medicine"):
        return Decision("homeopathic", "an HPUS (homeopathic) name and no medicine name", "medium")
    if row["animal_only_listings"] > 0:
        return Decision("veterinary_only", "animal-drug listings only", "high")
    if tagged("veterinary") and not row["products"]:
        return Decision("veterinary_only", "an approved animal drug (Green Book, EMA veterinary) only", "medium")
    if row["products"]:
        return Decision("not_marketed_in_us", f"every Drugs@FDA product is discontinued ({row['any_example']})",
                        "high")
    if tagged("inactive") and not tagged("medicine"):
        return Decision("excipient_or_inactive", "FDA Inactive Ingredient Database name, no medicine name", "medium")
    if tagged("food") and not tagged("medicine"):
        return Decision("nutrient_or_food", f"food or supplement codes only ({', '.join(tagged('food'))})", "medium")
    if tagged("medicine"):
        return Decision("not_marketed_in_us", f"a medicine ({', '.join(tagged('medicine'))}) with no US product in "
                                              "Drugs@FDA, the Purple Book or the shortage list", "medium")
    return Decision("intermediate", "no medicine name, no US product: a chemical or intermediate", "medium")


def _related_keys(name: str, prescribed: bool = False) -> list[str]:
    """Keys under which forms of one substance meet: the name without isomer or radionuclide labels, and for a
    metal cation ("CHROMIC CATION") the metal word its salts start with ("CHROMIC CHLORIDE")."""
    keys = [_RELATED.sub("", name)]
    if prescribed or name.endswith(" CATION"):
        keys.append("cation:" + name.split()[0])
    return keys


def scope_table(engine: Engine) -> pa.Table:
    """Every substance of the map with its market scope and evidence."""
    import pyarrow as pa

    ndc = NDC_FACTS if engine.exists("core.ndc_product") else NO_NDC_FACTS
    rows = engine.query(SIGNALS_SQL.format(ndc_facts=ndc)).to_pylist()
    related: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row["rx_products"] or row["rx_biologics"] or row["ndc_rx"]:
            for key in _related_keys(row["substance"], prescribed=True):
                related[key].append(row["substance"])
    for row in rows:
        others = sorted({n for key in _related_keys(row["substance"]) for n in related.get(key, [])
                         if n != row["substance"]})
        row["related_rx"] = ", ".join(others[:3]) if others else None
    out = []
    for row in rows:
        decision = decide(row)
        out.append({"unii": row["unii"], "substance": row["substance"], "market_scope": decision.scope,
                    "scope_evidence": decision.evidence, "scope_confidence": decision.confidence,
                    "tags": row["tags"]})
    return pa.Table.from_pylist(out, schema=pa.schema([
        ("unii", pa.string()), ("substance", pa.string()), ("market_scope", pa.string()),
        ("scope_evidence", pa.string()), ("scope_confidence", pa.string()), ("tags", pa.list_(pa.string()))]))


def build_market_scope(engine: Engine) -> None:
    """Write core.market_scope."""
    write_table(engine, "core.market_scope", scope_table(engine), order_by="unii")


def check_scope(scope: str | None) -> str:
    """A valid scope name (default us_human_rx; 'all' for every substance), or an error naming the choices."""
    scope = (scope or DEFAULT_SCOPE).strip().lower()
    if scope not in (*SCOPES, ALL):
        raise InputError(f"unknown scope {scope!r}; use one of {', '.join((*SCOPES, ALL))}")
    return scope


def in_scope(engine: Engine, scope: str | None) -> set[str] | None:
    """The substances (UNIIs) of a market scope (default us_human_rx); None for 'all'."""
    chosen = check_scope(scope)
    if chosen == ALL:
        return None
    return {r["unii"] for r in engine.rows("SELECT unii FROM core.market_scope WHERE market_scope = ?", [chosen])}


def scope_note(scope: str | None) -> dict[str, str]:
    """What an answer says about the scope it used."""
    chosen = check_scope(scope)
    text = ("every substance of the map, whatever its market" if chosen == ALL else
            f"substances whose market scope is {chosen} (core.market_scope); --scope all or another scope "
            "reaches the rest")
    return {"scope": chosen, "scope_note": text}


def steps() -> list[Step]:
    """The build step deciding each substance's market scope (core.market_scope)."""
    return [Step("market_scope",
                 frozenset({"core.source_evidence", "core.name_substance", "core.dmf_substance",
                            "core.substance_name", "core.product", "core.biologic", "core.shortage_presentation",
                            "core.bulk_ingredient"}),
                 frozenset({"core.market_scope"}), build_market_scope, kind="python",
                 optional_inputs=frozenset({"core.ndc_product"}))]
