"""Portfolio files read with row-level feedback, never a crash: columns, names, identifiers, formulas, encodings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from rxatlas.errors import InputError
from rxatlas.supply.portfolio import read_portfolio, resolve
from rxatlas.warehouse.duck import DuckDBEngine


@pytest.fixture(scope="module")
def engine(atlas_db: Path) -> Iterator[DuckDBEngine]:
    with DuckDBEngine(atlas_db, read_only=True) as opened:
        yield opened


def _by_line(path: Path, engine: DuckDBEngine) -> dict[int, dict[str, Any]]:
    return {e.line: e.as_dict() for e in resolve(engine, read_portfolio(path)).entries}


def test_known_identifiers_resolve_to_moieties(tmp_path: Path, engine: DuckDBEngine) -> None:
    path = tmp_path / "p.csv"
    path.write_text("substance\nAtorvastatin calcium\nHEPARIN SODIUM\nNDA020702\n0409-6695-02\n83HN0GTJ6D\n",
                    encoding="utf-8")
    rows = _by_line(path, engine)
    assert [rows[i]["uniis"] for i in range(2, 7)] == [
        ["A0JWA85V8F"], ["T2410KM04A"], ["A0JWA85V8F"], ["Z22628B598"], ["83HN0GTJ6D"]]
    assert rows[4]["kind"] == "application" and rows[5]["kind"] == "ndc"
    assert "mixed identifiers" in rows[4]["messages"][0]


def test_unknown_columns_and_names_are_reported_per_row(tmp_path: Path, engine: DuckDBEngine) -> None:
    path = tmp_path / "p.csv"
    path.write_text("Substance,Volume,Notes\nCefazolin sodium,10,x\nfoobarium,3,\n", encoding="utf-8")
    portfolio = resolve(engine, read_portfolio(path))
    assert portfolio.file_messages == [
        "line 1: column(s) 'Volume', 'Notes' not used; the columns read are substance, unii, application, ndc "
        "(or identifier)"]
    unknown = portfolio.entries[1]
    assert (unknown.line, unknown.status) == (3, "unknown")
    assert unknown.messages[0].startswith("no substance of the atlas has this name")


def test_file_without_a_known_column_says_which_to_use(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("price,qty\n1,2\n", encoding="utf-8")
    portfolio = read_portfolio(path)
    assert portfolio.entries == []
    assert portfolio.file_messages[-1].startswith("line 1: no column names a substance")


def test_excel_formulas_without_cached_values_are_named_per_row(tmp_path: Path, engine: DuckDBEngine) -> None:
    path = tmp_path / "p.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["substance"])
    sheet.append(["Heparin sodium"])
    sheet.append(['=UPPER("cefazolin")'])  # openpyxl writes no cached value: as if never recalculated
    book.save(path)
    rows = _by_line(path, engine)
    assert rows[2]["uniis"] == ["T2410KM04A"]  # the sodium salt's moiety
    assert rows[3]["status"] == "error" and "has no cached value" in rows[3]["messages"][0]


@pytest.mark.parametrize(("encoding", "name"), [
    ("utf-8-sig", "Cefazolin"), ("utf-16", "Rivaroxaban"), ("cp949", "헤파린"), ("gb18030", "肝素"),
    ("cp1252", "Café")])
def test_encodings_are_certain_or_named(tmp_path: Path, encoding: str, name: str) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(f"substance\n{name}\nAtorvastatin\n".encode(encoding))
    if encoding.startswith("utf"):
        portfolio = read_portfolio(path)
    else:  # a legacy encoding is never guessed
        with pytest.raises(InputError, match=r"p.csv line 2: the file is not UTF-8 .* save the file as UTF-8"):
            read_portfolio(path)
        portfolio = read_portfolio(path, encoding)
    assert portfolio.encoding == encoding
    assert [e.value for e in portfolio.entries] == [name, "Atorvastatin"]


def test_undecodable_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"substance\nAtorvastatin\n\x81\x8d\x8f\x90\x9d\xff\n")
    with pytest.raises(InputError, match=r"p.csv line 3: the file is not UTF-8"):
        read_portfolio(path)
