"""Make a synthetic enlargement of an atlas: every firm-naming core table repeated N times with name noise.

Each copy of a row names its firm by one of VARIANTS noisy spellings of the original name (typos, legal-form
variants, punctuation, casing, word order, abbreviations), chosen deterministically from the seed, so mentions
grow N-fold while distinct spellings grow about VARIANTS-fold, as repeated mentions of real firms do.
Identifiers and countries are kept. With --warehouse, OUT is instead a Parquet warehouse folder (the layout
SparkEngine reads and publish() loads) holding only the atlas's raw and meta tables: every raw table of a source
that names firms is repeated N times, with name noise and with record keys (DMF, application, BLA, product, NDC,
document, event and list-entry numbers, _line) made distinct per copy, so copies join only among themselves and
every build step has N times the records to work on. Usage:

    .venv/bin/python bench/enlarge.py ATLAS OUT [--factor 100] [--variants 8] [--seed 7] [--warehouse]
"""

from __future__ import annotations

import argparse
import json
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


def spellings(names: list[str], variants: int, seed: int) -> pa.Table:
    """Every name with its variant number k and spelling: (original, k, spelling), variants rows per name."""
    return pa.table({
        "original": [n for n in names for _ in range(variants)],
        "k": [k for _ in names for k in range(variants)],
        "spelling": [variant(n, k, seed) for n in names for k in range(variants)],
    })


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
            con.register("noisy", spellings(names, variants, seed))
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


# The firm-naming columns of the raw tables (what the core models of the mention specs read them from).
RAW_FIRM_NAMES = {
    "fda_dmf__dmf": ("holder",),
    "fda_decrs__establishment": ("firm_name", "registrant_name"),
    "fda_drugsfda__application": ("sponsor_name",),
    "fda_purple_book__product": ("applicant",),
    "fda_shortages__openfda": ("company_name",),
    "fda_shortages__dsc": ("company_name",),
    "fda_compliance__compliance_actions": ("legal_name",),
    "fda_compliance__published_483s": ("legal_name",),
    "fda_compliance__warning_letters": ("company",),
    "dailymed_spl__establishment": ("name", "labeler_name", "registrant_name"),
    "dod_1260h__listing": ("clean_name",),
    "ofac_sdn__sdn": ("sdn_name",),
    "openfda_label__label_ingredient": ("labeler",),
    "fda_ndc_unfinished__product": ("labeler_name",),
}
# Record keys made distinct per copy (FEI, DUNS and countries are firm identifiers and are kept). The models pad
# application and BLA numbers to 6 characters (lpad, which truncates), so a copy gets a 6-character key: a letter
# and a base-36 digit for the copy, then the number in 4 base-36 digits.
SIX_CHAR_KEYS = ("appl_no", "bla_no")
KEYS = ("dmf", "ent_num", "record_id", "product_id", "product_ndc", "package_ndc", "ndc", "ndcs",
        "openfda_package_ndc", "document_id", "set_id", "spl_set_id", "case_id", "letter_id", "entry_id", "_line")
B36 = "'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'"


def _base36(value: str, digits: int) -> str:
    return " || ".join(f"substr({B36}, CAST(({value} // {36 ** i}) % 36 AS INTEGER) + 1, 1)"
                       for i in reversed(range(digits)))


def _copied_key(column: str, kind: str) -> str:
    """SQL for a key column of copy c.copy: the original for copy 0, a distinct value for every other copy."""
    if column in SIX_CHAR_KEYS:
        tag = f"chr(65 + CAST(c.copy // 36 AS INTEGER)) || {_base36('c.copy', 1)}"
        new = f"{tag} || {_base36(f'CAST(t.{column} AS INTEGER)', 4)}"
    elif column == "_line":
        new = "t._line + c.copy * 100000000"
    elif kind in ("BIGINT", "INTEGER"):
        new = f"t.{column} + c.copy * 10000000"
    elif kind.endswith("[]"):
        new = f"list_transform(t.{column}, lambda x: x || '~' || c.copy)"
    else:
        new = f"t.{column} || '~' || c.copy"
    return f"CASE WHEN c.copy = 0 THEN t.{column} ELSE {new} END AS {column}"


def enlarge_warehouse(atlas: Path, out: Path, factor: int = 10, variants: int = 8, seed: int = 7) -> dict[str, int]:
    """Write OUT: a Parquet warehouse of ATLAS's raw and meta tables, firm-naming sources repeated factor times."""
    shutil.rmtree(out, ignore_errors=True)
    con = duckdb.connect()
    con.execute(f"ATTACH '{atlas}' AS a (READ_ONLY)")
    columns: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, kind in con.execute(
            "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = 'a' AND table_schema IN ('raw', 'meta') AND table_name <> 'lineage' "
            "ORDER BY table_schema, table_name, ordinal_position").fetchall():
        columns.setdefault(f"{schema}.{table}", []).append((column, kind))
    names = sorted({r[0] for table, cols in RAW_FIRM_NAMES.items() for col in cols for r in con.execute(
        f"SELECT DISTINCT {col} FROM a.raw.{table} WHERE {col} IS NOT NULL").fetchall()})
    con.register("noisy", spellings(names, variants, seed))
    firm_sources = {t.split("__")[0] for t in RAW_FIRM_NAMES}
    rows: dict[str, int] = {}
    manifest: dict[str, dict[str, object]] = {"tables": {}, "views": {}}
    for name, cols in columns.items():
        schema, table = name.split(".")
        present = {c for c, _ in cols}
        keys = [c for c in (*SIX_CHAR_KEYS, *KEYS) if c in present and c != "_line"]
        spelled = [c for c in RAW_FIRM_NAMES.get(table, ()) if c in present]
        copied = schema == "raw" and table.split("__")[0] in firm_sources and (keys or spelled)
        if copied:
            kinds = dict(cols)
            replaced = [_copied_key(c, kinds[c]) for c in (*keys, "_line")]
            replaced += [f"coalesce(n{i}.spelling, t.{c}) AS {c}" for i, c in enumerate(spelled)]
            joins = " ".join(
                f"LEFT JOIN noisy n{i} ON n{i}.original = t.{c} AND n{i}.k = CASE WHEN c.copy = 0 THEN 0 "
                f"ELSE hash(c.copy, t._line, {seed + i}) % {variants} END" for i, c in enumerate(spelled))
            select = (f"SELECT t.* REPLACE ({', '.join(replaced)}) FROM a.{name} t "
                      f"CROSS JOIN (SELECT range AS copy FROM range({factor})) c {joins}")
        else:
            select = f"SELECT * FROM a.{name}"
        folder = out / schema / table
        folder.mkdir(parents=True)
        con.execute(f"COPY ({select}) TO '{folder / 'part-0.parquet'}' (FORMAT parquet)")
        rows[name] = con.execute(f"SELECT count(*) FROM read_parquet('{folder / '*.parquet'}')").fetchall()[0][0]
        manifest["tables"][name] = [c for c, _ in cols]
        if schema == "raw":
            manifest["views"][f"latest.{table}"] = (
                f"CREATE OR REPLACE VIEW latest.{table} AS SELECT * FROM raw.{table} "
                f"WHERE _snapshot = (SELECT max(_snapshot) FROM raw.{table})")
    con.close()
    (out / "rxatlas-manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return rows


def main() -> None:
    """Command-line entry."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("atlas", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--variants", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warehouse", action="store_true", help="write a Parquet warehouse folder of raw tables")
    args = parser.parse_args()
    make = enlarge_warehouse if args.warehouse else enlarge
    for table, n in make(args.atlas, args.out, args.factor, args.variants, args.seed).items():
        print(f"{table}: {n:,} rows")


if __name__ == "__main__":
    main()
