"""Make a synthetic enlargement of an atlas: every firm-naming core table repeated N times with name noise.

Each copy of a row names its firm by one of VARIANTS noisy spellings of the original name (typos, legal-form
variants, punctuation, casing, word order, abbreviations), chosen deterministically from the seed, so mentions
grow N-fold while distinct spellings grow about VARIANTS-fold, as repeated mentions of real firms do.
Identifiers and countries are kept. Usage:

    .venv/bin/python bench/enlarge.py ATLAS OUT [--factor 100] [--variants 8] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa

LEGAL_VARIANTS = [
    ("LIMITED", "LTD"), ("LTD.", "LIMITED"), ("CO., LTD.", "COMPANY LIMITED"), ("CO LTD", "CO., LTD"),
    ("PVT LTD", "PRIVATE LIMITED"), ("PRIVATE LIMITED", "PVT. LTD."), ("INC.", "INC"), ("INC", "INCORPORATED"),
    ("CORP", "CORPORATION"), ("S.P.A.", "SPA"), ("GMBH", "GMBH & CO KG"), ("S.A.", "SA"), ("LLC", "L.L.C."),
]
ABBREVIATIONS = [
    ("PHARMACEUTICALS", "PHARMA"), ("PHARMACEUTICAL", "PHARM"), ("LABORATORIES", "LABS"), ("CHEMICALS", "CHEM"),
    ("COMPANY", "CO"), ("INTERNATIONAL", "INTL"), ("&", "AND"), (" AND ", " & "), ("TECHNOLOGY", "TECH"),
    ("INDUSTRIES", "INDS"),
]


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name
    i = rng.choice(letters[1:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    return name[:i - 1] + name[i] + name[i - 1] + name[i + 1:]


def _replace_one(name: str, pairs: list[tuple[str, str]], rng: random.Random) -> str:
    found = [(a, b) for a, b in pairs if a in name.upper()]
    if not found:
        return name
    a, b = rng.choice(found)
    return re.sub(re.escape(a), b, name, count=1, flags=re.IGNORECASE)


def _punctuation(name: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return re.sub(r"[.,']", "", name)
    words = name.split()
    if len(words) < 2:
        return name + "."
    i = rng.randrange(len(words) - 1)
    words[i] += ","
    return " ".join(words)


def _casing(name: str, rng: random.Random) -> str:
    return rng.choice([name.upper(), name.title(), name.lower()])


def _word_order(name: str, rng: random.Random) -> str:
    words = name.split()
    if len(words) < 3:
        return name
    i = rng.randrange(len(words) - 2)
    words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


NOISE = [
    _typo, _casing, _punctuation, _word_order,
    lambda n, r: _replace_one(n, LEGAL_VARIANTS, r),
    lambda n, r: _replace_one(n, ABBREVIATIONS, r),
]


def variant(name: str, k: int, seed: int) -> str:
    """The k-th noisy spelling of a name (k = 0 is the name itself); the same for the same seed."""
    if k == 0:
        return name
    rng = random.Random(f"{seed}:{k}:{name}")
    out = name
    for noise in rng.sample(NOISE, rng.choice([1, 1, 2])):
        out = noise(out, rng)
    return out.strip() or name


def name_columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The firm-name column of each firm-naming core table present (from the resolution's mention specs)."""
    from rxatlas.resolve.mentions import SPECS

    present = {f"{s}.{t}" for s, t in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
    columns: dict[str, str] = {}
    for spec in SPECS:
        if spec.table in present:
            columns.setdefault(spec.table, spec.name)
    return columns


def enlarge(atlas: Path, out: Path, factor: int = 100, variants: int = 8, seed: int = 7) -> dict[str, int]:
    """Write OUT: a copy of ATLAS whose firm-naming core tables hold factor noisy copies of each row."""
    shutil.copyfile(atlas, out)
    con = duckdb.connect(str(out))
    rows: dict[str, int] = {}
    try:
        for table, column in name_columns(con).items():
            names = [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {table} "
                                               f"WHERE {column} IS NOT NULL").fetchall()]
            con.register("noisy", pa.table({
                "original": [n for n in names for _ in range(variants)],
                "k": [k for _ in names for k in range(variants)],
                "spelling": [variant(n, k, seed) for n in names for k in range(variants)],
            }))
            con.execute(f"""
                CREATE OR REPLACE TABLE {table} AS
                SELECT t.* REPLACE (coalesce(v.spelling, t.{column}) AS {column},
                                    t._line + c.copy * 100000000 AS _line)
                FROM {table} t CROSS JOIN (SELECT range AS copy FROM range({factor})) c
                LEFT JOIN noisy v ON v.original = t.{column}
                 AND v.k = CASE WHEN c.copy = 0 THEN 0 ELSE hash(c.copy, t._line, {seed}) % {variants} END
            """)
            con.unregister("noisy")
            rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return rows


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--variants", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for table, n in enlarge(args.atlas, args.out, args.factor, args.variants, args.seed).items():
        print(f"{table}: {n:,} rows")


if __name__ == "__main__":
    main()
