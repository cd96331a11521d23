"""Where firms are named: one declarative spec per (role, core table), and their extraction into one table."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from sqlglot import exp

from rxatlas.resolve.names import HolderParts, distinctive_tokens, entity_name, parse_holder
from rxatlas.warehouse.engine import Engine

MENTIONS_TABLE = "resolve_mention_base"
NAME_KEY_SCHEMA = pa.schema([
    ("mention_name", pa.string()), ("name_key", pa.string()), ("tokens", pa.list_(pa.string())),
    ("distinctive", pa.list_(pa.string())), ("legal_form", pa.string()), ("name_note", pa.string()),
])


@dataclass(frozen=True)
class MentionSpec:
    """One column of one core table that names a firm, with the identifiers and country given beside it."""

    role: str
    table: str
    name: str
    record_key: str | None = None
    fei: str | None = None
    duns: str | None = None
    country: str | None = None
    only: tuple[str, tuple[str, ...]] | None = None  # keep rows whose column is one of these values


# A new source adds one line here; a table or column that is absent contributes nothing.
SPECS: tuple[MentionSpec, ...] = (
    MentionSpec("dmf_holder", "core.dmf", "holder", record_key="dmf"),
    MentionSpec("establishment_firm", "core.establishment", "firm_name", record_key="fei", fei="fei",
                duns="duns", country="country_iso2"),
    MentionSpec("establishment_registrant", "core.establishment", "registrant_name", record_key="fei",
                duns="registrant_duns"),
    MentionSpec("application_sponsor", "core.application", "sponsor_name", record_key="appl_no"),
    MentionSpec("biologic_applicant", "core.biologic", "applicant", record_key="bla_no"),
    MentionSpec("shortage_company", "core.shortage", "company_name"),
    MentionSpec("compliance_firm", "core.compliance_event", "firm_name", record_key="event_id", fei="fei",
                country="country_iso2", only=("event_type", ("compliance_action", "form_483"))),
    MentionSpec("warning_letter_company", "core.compliance_event", "firm_name", record_key="event_id",
                fei="fei", country="country_iso2", only=("event_type", ("warning_letter",))),
    MentionSpec("spl_establishment", "core.spl_establishment", "name", record_key="document_id", fei="fei",
                duns="duns", country="country_iso2"),
    MentionSpec("spl_labeler", "core.spl_establishment", "labeler_name", record_key="document_id",
                duns="labeler_duns"),
    MentionSpec("watchlist_entry", "core.watchlist_entry", "name", record_key="entry_id",
                country="country_iso2", only=("entity_type", ("entity",))),
    MentionSpec("label_labeler", "core.label_ingredient", "labeler", record_key="product_ndc"),
    MentionSpec("bulk_labeler", "core.bulk_ingredient", "labeler_name", record_key="product_id"),
)

SPEC_TABLES = frozenset(s.table for s in SPECS)


def _text(column: str | None, present: set[str]) -> exp.Expr:
    """A column as trimmed text, or NULL when the spec has none or the table lacks it."""
    if column is None or column not in present:
        return exp.cast(exp.Null(), "VARCHAR")
    return exp.func("NULLIF", exp.func("TRIM", exp.cast(exp.column(column), "VARCHAR")), exp.Literal.string(""))


def spec_select(spec: MentionSpec, present: set[str]) -> exp.Select | None:
    """The SELECT giving one spec's mentions in the common mention shape; None when the table cannot give any."""
    if spec.name not in present or (spec.only and spec.only[0] not in present):
        return None
    provenance = [c for c in ("_source", "_file", "_line") if c in present]
    name = _text(spec.name, present)
    schema, _, table = spec.table.partition(".")
    condition: exp.Expr = exp.Not(this=exp.Is(this=name.copy(), expression=exp.Null()))
    if spec.only:
        condition = exp.and_(condition, exp.column(spec.only[0]).isin(*spec.only[1]))
    return (
        exp.select(
            exp.alias_(exp.Literal.string(spec.role), "role"),
            exp.alias_(exp.Literal.string(spec.table), "source_table"),
            exp.alias_(exp.column("_source") if "_source" in provenance else exp.Literal.string(schema),
                       "source"),
            exp.alias_(_text(spec.record_key, present), "record_key"),
            exp.alias_(exp.column("_file") if "_file" in provenance else exp.cast(exp.Null(), "VARCHAR"),
                       "_file"),
            exp.alias_(exp.cast(exp.column("_line") if "_line" in provenance else exp.Null(), "BIGINT"), "_line"),
            exp.alias_(name, "mention_name"),
            exp.alias_(_identifier(spec.fei, present), "fei"),
            exp.alias_(_identifier(spec.duns, present), "duns"),
            exp.alias_(exp.func("UPPER", _text(spec.country, present)), "country_iso2"),
        )
        .from_(exp.table_(table, db=schema))
        .where(condition)
    )


def _identifier(column: str | None, present: set[str]) -> exp.Expr:
    """FEI or DUNS as digits without leading zeros; NULL when blank or all zeros (DECRS uses 0000000)."""
    text = _text(column, present)
    if column is None or column not in present:
        return text
    return exp.func("NULLIF", exp.func("LTRIM", text, exp.Literal.string("0")), exp.Literal.string(""))


def extraction_sql(engine: Engine) -> str:
    """One UNION ALL over every spec whose table exists; empty when none does."""
    selects = []
    for spec in SPECS:
        if not engine.exists(spec.table):
            continue
        select = spec_select(spec, set(engine.columns(spec.table)))
        if select is not None:
            selects.append(select)
    if not selects:
        return ""
    union: exp.Expr = selects[0]
    for select in selects[1:]:
        union = exp.union(union, select, distinct=False)
    return union.sql(dialect="duckdb")


def _entity_note(parts: HolderParts) -> str | None:
    """How a name was read when its legal entity is only part of it (a site, DBA, division or parent beside it)."""
    if parts.entity == " ".join(parts.original.split()):
        return None
    tails = [f"{k} {v}" for k, v in (("site", parts.site), ("DBA", parts.dba), ("division", parts.division),
                                     ("parent", parts.parent)) if v]
    return f"legal entity named: {parts.entity} ({'; '.join(tails)})"


def name_keys(names: list[str]) -> pa.Table:
    """The normalised key, tokens and legal forms of the legal entity each distinct name names (plants, sites,
    DBA and division tails set aside by names.parse_holder), once per name."""
    rows: dict[str, list[object]] = {"mention_name": [], "name_key": [], "tokens": [], "distinctive": [],
                                     "legal_form": [], "name_note": []}
    for name in names:
        parts = parse_holder(name)
        normal = entity_name(name)
        rows["mention_name"].append(name)
        rows["name_key"].append(normal.key or None)
        rows["tokens"].append(list(normal.tokens))
        rows["distinctive"].append(sorted(set(distinctive_tokens(normal))))
        rows["legal_form"].append(" ".join(normal.legal_forms) or None)
        rows["name_note"].append(_entity_note(parts))
    return pa.table(rows, schema=NAME_KEY_SCHEMA)


def extract_mentions(engine: Engine) -> int:
    """Write every firm mention with its normalised key to a work table; return how many there are."""
    sql = extraction_sql(engine)
    if not sql:
        engine.execute(
            f"CREATE OR REPLACE TEMP TABLE {MENTIONS_TABLE} (mention_id BIGINT, role VARCHAR, "
            "source_table VARCHAR, source VARCHAR, record_key VARCHAR, _file VARCHAR, _line BIGINT, "
            "mention_name VARCHAR, fei VARCHAR, duns VARCHAR, country_iso2 VARCHAR, name_key VARCHAR, "
            "tokens VARCHAR[], distinctive VARCHAR[], legal_form VARCHAR, name_note VARCHAR)")
        return 0
    engine.execute(f"CREATE OR REPLACE TEMP TABLE resolve_raw_mention AS {sql}")
    members = curated_members()
    if members is not None:
        engine.register("resolve_curated", members)
        engine.execute("INSERT INTO resolve_raw_mention BY NAME SELECT * FROM resolve_curated")
        engine.unregister("resolve_curated")
    names = engine.query("SELECT DISTINCT mention_name FROM resolve_raw_mention ORDER BY 1")
    engine.register("resolve_name_keys", name_keys(names.column(0).to_pylist()))
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {MENTIONS_TABLE} AS "
        "SELECT row_number() OVER (ORDER BY m.role, m.source_table, m._file, m._line, m.record_key, "
        "m.mention_name) AS mention_id, m.*, k.name_key, k.tokens, k.distinctive, k.legal_form, k.name_note "
        "FROM resolve_raw_mention m JOIN resolve_name_keys k USING (mention_name)")
    engine.unregister("resolve_name_keys")
    engine.execute("DROP TABLE resolve_raw_mention")
    return int(engine.query(f"SELECT count(*) AS n FROM {MENTIONS_TABLE}").column(0)[0].as_py())



def curated_members() -> pa.Table | None:
    """Members of the curated corporate groups as mentions with a country (None when no groups file is shipped)."""
    from importlib import resources

    from rxatlas.resolve.curated import load_groups

    if not resources.files("rxatlas.resolve").joinpath("data/groups.yaml").is_file():
        return None
    rows = [
        {"role": "group_member", "source_table": "rxatlas/resolve/data/groups.yaml", "source": "curated",
         "record_key": group.group, "_file": "groups.yaml", "_line": None, "mention_name": member.name,
         "fei": None, "duns": None, "country_iso2": member.country}
        for group in load_groups() for member in group.members
    ]
    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("role", pa.string()), ("source_table", pa.string()), ("source", pa.string()),
        ("record_key", pa.string()), ("_file", pa.string()), ("_line", pa.int64()),
        ("mention_name", pa.string()), ("fei", pa.string()), ("duns", pa.string()),
        ("country_iso2", pa.string())]))
