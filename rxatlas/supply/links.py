"""Links the supply map needs that SQL cannot make: names of other sources (bulk ingredients, Drugs@FDA
ingredients, finished NDC listings, shortage names, Purple Book proper names, UNII codes) mapped to substances
like DMF subjects, and the countries DMF subjects name as their site."""

from __future__ import annotations

import re

import pyarrow as pa

from rxatlas.resolve.places import find_places
from rxatlas.resolve.substances import MAPPING_COLUMNS, map_subjects
from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import write_table

SUBJECT_PLACE_SCHEMA = pa.schema([("dmf", pa.int64()), ("country", pa.string()), ("place", pa.string())])
# Each origin: the table it reads and the names it holds; a name may list several ingredients (components).
NAME_ORIGINS = {
    "bulk_ingredient": ("core.bulk_ingredient", "SELECT DISTINCT substance_name AS name FROM core.bulk_ingredient"),
    "product": ("core.product", "SELECT DISTINCT active_ingredient AS name FROM core.product"),
    "ndc": ("core.ndc_product", "SELECT DISTINCT substance_name AS name FROM core.ndc_product"),
    "shortage": ("core.shortage", "SELECT DISTINCT generic_name AS name FROM core.shortage"),
    "biologic": ("core.biologic", "SELECT DISTINCT proper_name AS name FROM core.biologic"),
    # openFDA shortage records carry UNII codes of the exact form: their UNII name gives the moiety
    "unii": ("core.shortage", "SELECT DISTINCT u.unii AS name, n.display_name AS component "
             "FROM (SELECT DISTINCT unnest(uniis) AS unii FROM core.shortage) u "
             "JOIN (SELECT unii, min(display_name) AS display_name "
             "FROM core.substance_name GROUP BY unii) n ON n.unii = u.unii"),
}
NAME_TABLES = frozenset(table for table, _ in NAME_ORIGINS.values())
# Purple Book proper names of biosimilars end in a four-letter suffix that is no part of the substance name.
_BIOSIMILAR_SUFFIX = re.compile(r"-[a-z]{4}$")


def _components(origin: str, name: str) -> list[str]:
    if origin == "product":
        return [part.strip() for part in name.split(";") if part.strip()]
    if origin == "biologic":
        return [_BIOSIMILAR_SUFFIX.sub("", name.strip())]
    return [name]


def build_name_substance(engine: Engine) -> None:
    """Write core.name_substance: every ingredient name of the other sources mapped to a substance moiety."""
    rows = []
    for origin, (table, sql) in NAME_ORIGINS.items():
        if not engine.exists(table):
            continue
        for row in engine.query(sql).to_pylist():
            if row["name"] is None:
                continue
            parts = [row["component"]] if "component" in row else _components(origin, row["name"])
            rows += [{"origin": origin, "name": row["name"], "subject": part} for part in parts if part]
    names = pa.Table.from_pylist(rows, schema=pa.schema(
        [("origin", pa.string()), ("name", pa.string()), ("subject", pa.string())]))
    write_table(engine, "core.name_substance", map_subjects(engine, names),
                select=f"origin, name, subject AS component, {', '.join(MAPPING_COLUMNS)}",
                order_by="origin, name, component")


def subject_places(subjects: pa.Table) -> pa.Table:
    """The unambiguous place names (and their country) each DMF subject names, one row per dmf and country."""
    rows = []
    for dmf, subject in zip(subjects.column("dmf").to_pylist(), subjects.column("subject").to_pylist(),
                            strict=True):
        seen: dict[str, str] = {}
        for hit in find_places(subject or ""):
            if not hit.ambiguous:
                seen.setdefault(hit.country, hit.name)
        rows += [{"dmf": dmf, "country": c, "place": p} for c, p in sorted(seen.items())]
    return pa.Table.from_pylist(rows, schema=SUBJECT_PLACE_SCHEMA)


def build_dmf_subject_place(engine: Engine) -> None:
    """Write core.dmf_subject_place: the site countries active Type II DMF subjects name ("(ITALY)")."""
    subjects = engine.query("SELECT dmf, subject FROM core.dmf WHERE active AND type = 'II' ORDER BY dmf")
    write_table(engine, "core.dmf_subject_place", subject_places(subjects))
