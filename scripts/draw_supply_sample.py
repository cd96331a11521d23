"""Draw the labelled supply-map samples (docs/supply-map.md, "Measured"): substances at random with a fixed seed,
and for each every piece of evidence a labeller must judge, written as a CSV to label by hand."""

from __future__ import annotations

import argparse
import csv
import random
import re
from pathlib import Path

import duckdb

SEED = 13
N_SUBSTANCES = 36
SCOPE_SEED = 2026
N_SCOPE = 120

# Every evidence row the map listed for a sampled substance, and the active Type II DMFs that may be the same
# moiety filed under another name (forms split off), so that a lost maker can be seen.
_LISTED = """
SELECT s.unii, s.substance, s.firm_id, s.firm_name, 'dmf' AS evidence_kind, CAST(d.dmf AS VARCHAR) AS evidence_id,
       d.holder AS firm_text, d.subject AS text, true AS listed
FROM core.api_source s, unnest(s.dmfs) AS u(dmf) JOIN core.dmf d ON d.dmf = u.dmf
WHERE s.unii = ?
UNION ALL
SELECT s.unii, s.substance, s.firm_id, s.firm_name, 'bulk_listing', b.product_ndc, b.labeler_name,
       b.substance_name || ' | ' || coalesce(b.nonproprietary_name, '') || ' | ' || coalesce(b.dosage_form, '')
       || ' | ' || b.marketing_category || ' | ' || b.product_type, true
FROM core.api_source s, unnest(s.evidence) AS e(text)
JOIN core.bulk_ingredient b ON e.text LIKE 'bulk listing NDC ' || b.product_ndc || ' (%'
WHERE s.unii = ? AND b.substance_name IS NOT NULL AND e.text LIKE '%: ' || b.substance_name || ' [%'
"""
_UNLISTED = """
SELECT ?, ?, h.firm_id, coalesce(h.firm_name, d.holder), 'dmf', CAST(d.dmf AS VARCHAR), d.holder, d.subject, false
FROM core.dmf d JOIN core.dmf_substance m USING (dmf) LEFT JOIN core.dmf_holder h ON h.holder = d.holder
WHERE d.active AND d.type = 'II' AND (m.unii IS DISTINCT FROM ? OR m.kind <> 'api')
  AND (m.unii = ? OR regexp_matches(upper(d.subject), ?))
"""


def draw(db: Path, out: Path, seed: int = SEED, n: int = N_SUBSTANCES) -> None:
    """Write the evidence sheet of n random substances of the map (seeded) to out."""
    con = duckdb.connect(str(db), read_only=True)
    uniis = [r[0] for r in con.execute("SELECT unii FROM core.substance_metrics ORDER BY unii").fetchall()]
    picked = random.Random(seed).sample(uniis, n)
    rows = []
    for order, unii in enumerate(picked, start=1):
        listed = con.execute(_LISTED, [unii, unii]).fetchall()
        substance = listed[0][1]
        longest = max(re.findall(r"[A-Z]+", substance.upper()), key=len, default=substance.upper())
        unlisted = con.execute(_UNLISTED, [unii, substance, unii, unii, rf"\b{re.escape(longest)}"]).fetchall()
        for row in listed + unlisted:
            rows.append([order, *row])
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["sample_order", "unii", "substance", "firm_id", "firm_name", "evidence_kind",
                         "evidence_id", "firm_text", "text", "listed"])
        writer.writerows(rows)


def draw_scope(db: Path, out: Path, seed: int = SCOPE_SEED, n: int = N_SCOPE) -> None:
    """Write n random substances of the map (seeded) to out, to be labelled with their market scope."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT unii, substance FROM core.substance_metrics ORDER BY unii").fetchall()
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["sample_order", "unii", "substance"])
        writer.writerows([order, *row] for order, row in enumerate(random.Random(seed).sample(rows, n), start=1))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["sources", "scope"])
    parser.add_argument("db", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    (draw if args.kind == "sources" else draw_scope)(args.db, args.out)
