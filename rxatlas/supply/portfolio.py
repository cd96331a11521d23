"""Portfolio files: a CSV or Excel list of substances, application numbers or NDCs, read with row-level
feedback (unknown columns, unknown names, mixed identifiers, formulas, encodings) and resolved to substances."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from rxatlas import settings
from rxatlas.errors import InputError
from rxatlas.userfiles import open_table
from rxatlas.warehouse.engine import Engine

# Header names (lower case, spaces and punctuation as underscores) and the identifier each column holds.
COLUMNS = {
    "substance": "substance", "substance_name": "substance", "ingredient": "substance", "api": "substance",
    "active_ingredient": "substance", "generic_name": "substance", "name": "substance", "molecule": "substance",
    "unii": "unii",
    "application": "application", "application_number": "application", "appl_no": "application",
    "nda": "application", "anda": "application", "bla": "application",
    "ndc": "ndc", "product_ndc": "ndc", "package_ndc": "ndc",
    "identifier": "any", "id": "any", "code": "any",
}
_APPLICATION = re.compile(r"^(NDA|ANDA|BLA)?[\s#:-]*0*(\d{4,6})$", re.IGNORECASE)
_NDC = re.compile(r"^(\d{4,5})-(\d{3,4})(?:-\d{1,2})?$")
_UNII = re.compile(r"^(?=.*\d)(?=.*[A-Z])[0-9A-Z]{10}$")
# Evidence of a mapping that matched a bare number of the cell ('1066' is a code of crizotinib): a made-up name
# with a number in it would resolve to a real substance, so such a mapping is not taken.
_BARE_CODE = re.compile(r"^'[\d\s.-]*' ->")
# What to do about a file whose text encoding is not certain (the commands reading portfolios have no --encoding).


@dataclass
class Entry:
    """One row of a portfolio file: what it holds, what it resolved to, and what the reader says about it."""

    line: int
    value: str
    kind: str = "substance"
    status: str = "unknown"
    uniis: list[str] = field(default_factory=list)
    substances: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The entry as plain data (for JSON)."""
        return {"line": self.line, "value": self.value, "kind": self.kind, "status": self.status,
                "uniis": self.uniis, "substances": self.substances, "messages": self.messages}


@dataclass
class Portfolio:
    """A read portfolio: its rows and the problems of the file as a whole."""

    path: str
    entries: list[Entry]
    file_messages: list[str] = field(default_factory=list)
    encoding: str | None = None

    def uniis(self) -> list[str]:
        """The distinct substances the portfolio resolved to, in file order."""
        return list(dict.fromkeys(u for e in self.entries for u in e.uniis))


def _table(path: Path, encoding: str | None) -> tuple[list[list[str]], dict[tuple[int, int], str], str | None]:
    """The rows of a portfolio file (CSV or Excel, within the limits of user files) and its formulas."""
    table = open_table(path, encoding, formulas=True)
    rows = [[c.strip() for c in row] for row in table.rows]
    return rows, table.formulas, table.encoding


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", unicodedata.normalize("NFKC", text).lower()).strip("_")


def kind_of(value: str, column: str) -> str:
    """The identifier a cell holds, from its column and its shape."""
    text = value.strip().upper()
    if column == "ndc" or _NDC.match(text):
        return "ndc"
    if column == "application" or (_APPLICATION.match(text) and not text.isdigit()):
        return "application"
    if column == "unii" or _UNII.match(text):
        return "unii"
    return "substance"


def read_portfolio(path: str | Path, encoding: str | None = None) -> Portfolio:
    """Read a portfolio file: one entry per non-empty row, feedback on the file and on each row."""
    source = Path(path)
    if not source.is_file():
        raise InputError(f"no portfolio file at {source}; give a CSV or Excel (.xlsx) file")
    rows, missing, encoding = _table(source, encoding)
    portfolio = Portfolio(str(source), [], encoding=encoding)
    start = next((i for i, r in enumerate(rows) if any(r)), None)
    if start is None:
        portfolio.file_messages.append("the file is empty; put one substance, application number or NDC a row")
        return portfolio
    header = [_header_key(h) for h in rows[start]]
    known = {i: COLUMNS[h] for i, h in enumerate(header) if h in COLUMNS}
    unknown = [rows[start][i] for i, h in enumerate(header) if h and i not in known]
    if not known and len(header) == 1:
        known, unknown, start = {0: "any"}, [], start - 1  # a bare list without a header
    if unknown:
        portfolio.file_messages.append(
            f"line {start + 1}: column(s) {', '.join(repr(u) for u in unknown)} not used; the columns read are "
            "substance, unii, application, ndc (or identifier)")
    if not known:
        portfolio.file_messages.append(f"line {start + 1}: no column names a substance, UNII, application or "
                                       "NDC; name the column 'substance', 'application' or 'ndc'")
        return portfolio
    longest = settings.limit("cell_chars")
    for r in range(start + 1, len(rows)):
        cells = rows[r]
        filled = [(i, cells[i]) for i in sorted(known) if i < len(cells) and cells[i]]
        formulas = [f for (fr, fc), f in missing.items() if fr == r + 1 and fc in known]
        if formulas:
            portfolio.entries.append(Entry(r + 1, formulas[0], "formula", "error", messages=[
                f"formula {formulas[0]} has no cached value (the workbook was not recalculated); open and save "
                "it in Excel, or paste the values"]))
            continue
        if not filled:
            continue
        i, value = filled[0]
        if len(value) > longest:
            portfolio.entries.append(Entry(r + 1, value[:40] + "…", "long", "error", messages=[
                f"the cell has {len(value):,} characters, more than the {longest:,} a name or identifier may have "
                "(RXATLAS_MAX_CELL_CHARS); put one substance, application number or NDC in the cell"]))
            continue
        entry = Entry(r + 1, value, kind_of(value, known[i]))
        if len(filled) > 1:
            entry.messages.append(f"several identifiers in one row; read {header[i]} {value!r}, ignored "
                                  + ", ".join(repr(v) for _, v in filled[1:]))
        portfolio.entries.append(entry)
    _flag_mixed(portfolio.entries)
    return portfolio


def _flag_mixed(entries: list[Entry]) -> None:
    kinds = Counter(e.kind for e in entries if e.status != "error")
    if len(kinds) < 2:
        return
    usual = kinds.most_common(1)[0][0]
    for entry in entries:
        if entry.kind != usual and entry.status != "error":
            entry.messages.append(f"mixed identifiers: this row holds a {entry.kind} where most rows hold a "
                                  f"{usual}; read as {entry.kind}")


# Identifier -> (moiety unii, substance, how), for each identifier kind.
RESOLVE_SQL = {
    "substance": """
        SELECT q.value, n.unii, n.substance, 'name ' || n.how AS how FROM _query AS q JOIN (
            SELECT upper(substance) AS key, unii, substance, 'is a moiety' AS how FROM core.dmf_substance
            WHERE kind = 'api' AND unii IS NOT NULL
            UNION SELECT upper(component), unii, substance, 'is a ' || origin || ' ingredient name'
            FROM core.name_substance WHERE kind = 'api' AND unii IS NOT NULL
        ) AS n ON n.key = upper(q.value)""",
    "unii": """
        SELECT q.value, n.unii, n.substance, 'UNII ' || n.how AS how FROM _query AS q JOIN (
            SELECT unii AS key, unii, substance, 'of the moiety' AS how FROM core.dmf_substance
            WHERE kind = 'api' AND unii IS NOT NULL
            UNION SELECT form_unii, unii, substance, 'of a form of the moiety' FROM core.dmf_substance
            WHERE kind = 'api' AND form_unii IS NOT NULL
            UNION SELECT name, unii, substance, 'named by FDA UNII names' FROM core.name_substance
            WHERE origin = 'unii' AND kind = 'api' AND unii IS NOT NULL
        ) AS n ON n.key = upper(q.value)""",
    "application": """
        SELECT q.value, n.unii, n.substance, 'application ' || p.appl_no || ' ingredient ' || p.ingredient AS how
        FROM _query AS q
        JOIN (SELECT appl_no, active_ingredient AS ingredient, 'product' AS origin FROM core.product
              UNION SELECT bla_no, proper_name, 'biologic' FROM core.biologic) AS p
          ON p.appl_no = lpad(regexp_extract(upper(q.value), '(\\d+)\\s*$', 1), 6, '0')
        JOIN core.name_substance AS n ON n.origin = p.origin AND n.name = p.ingredient
        WHERE n.kind = 'api' AND n.unii IS NOT NULL""",
    "ndc": """
        SELECT q.value, n.unii, n.substance, 'NDC ' || k.ndc || ' ' || k.how AS how FROM _query AS q
        JOIN (SELECT product_ndc AS ndc, substance_name AS name, 'bulk_ingredient' AS origin,
                     'bulk ingredient ' || substance_name AS how FROM core.bulk_ingredient
              UNION SELECT n.ndc, s.generic_name, 'shortage', 'shortage listing ' || s.generic_name
              FROM core.shortage AS s, UNNEST(s.ndcs) AS n(ndc)
              UNION SELECT product_ndc, unii, 'unii', 'label ingredient ' || ingredient
              FROM core.label_ingredient WHERE unii IS NOT NULL) AS k
          ON k.ndc = q.value OR k.ndc = regexp_extract(q.value, '^(\\d+-\\d+)', 1)
        JOIN core.name_substance AS n ON n.origin = k.origin AND n.name = k.name
        WHERE n.kind = 'api' AND n.unii IS NOT NULL""",
}
_NOT_FOUND = {
    "substance": "no substance of the atlas has this name (check the spelling; salts and brands are accepted)",
    "unii": "no substance of the atlas has this UNII",
    "application": "the atlas knows no ingredient for this application (Drugs@FDA products stop in mid-2019; "
                   "the Purple Book covers BLAs)",
    "ndc": "the atlas knows no ingredient for this NDC (it holds bulk-ingredient, shortage and label NDCs only, "
           "no full NDC directory)",
}


def _lookup(engine: Engine, kind: str, values: list[str]) -> dict[str, list[dict[str, Any]]]:
    engine.register("_query", pa.table({"value": pa.array(values, pa.string())}))
    try:
        rows = engine.query(RESOLVE_SQL[kind]).to_pylist()
    finally:
        engine.unregister("_query")
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["value"], []).append(row)
    return found


def _mapped_names(engine: Engine, names: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Names no source holds, mapped like DMF subjects (one pass over the UNII name index)."""
    from rxatlas.resolve.substances import map_subjects

    if not names:
        return {}
    mapped = map_subjects(engine, pa.table({"subject": pa.array(names, pa.string())})).to_pylist()
    return {r["subject"]: [{"unii": r["unii"], "substance": r["substance"],
                            "how": f"name mapped ({r['method']}, {r['confidence']}): {r['evidence']}"}]
            for r in mapped if r["kind"] == "api" and r["unii"] and not _BARE_CODE.match(r["evidence"] or "")}


def resolve(engine: Engine, portfolio: Portfolio) -> Portfolio:
    """Resolve every entry to substance moieties, saying per row how or why not."""
    for kind in RESOLVE_SQL:
        entries = [e for e in portfolio.entries if e.kind == kind]
        if not entries:
            continue
        values = sorted({e.value for e in entries})
        found = _lookup(engine, kind, values)
        if kind == "substance":
            found |= _mapped_names(engine, [v for v in values if v not in found])
        for entry in entries:
            hits = {h["unii"]: h for h in found.get(entry.value, [])}
            if not hits:
                entry.messages.append(_NOT_FOUND[kind])
                continue
            entry.uniis = sorted(hits)
            entry.substances = [hits[u]["substance"] for u in entry.uniis]
            entry.status = "ok"
            entry.messages.append("; ".join(sorted({h["how"] for h in hits.values()}))[:300])
    return portfolio
