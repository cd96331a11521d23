"""Hostile or careless user files (supplier lists, portfolios, scenarios, source archives): refused within
limits, or read as written; never a guess, a traceback or a half-written output."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from conftest import local_file, run_cli
from openpyxl import Workbook

from rxatlas.errors import InputError, SourceError
from rxatlas.scenario.schema import load_scenario, parse_scenario
from rxatlas.screen.inputs import open_suppliers
from rxatlas.sources.readers import csv_records, xlsx_records
from rxatlas.supply.portfolio import read_portfolio, resolve
from rxatlas.userfiles import open_table
from rxatlas.warehouse.duck import DuckDBEngine

SCENARIO = "name: t\nas_of: 2026-01-01\nmeasures:\n  - type: country_outage\n    countries: [{countries}]\n"


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _replace_member(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members[member] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)


def test_workbook_unpacking_past_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _xlsx(tmp_path / "bomb.xlsx", [["supplier"]] + [[f"{i} " + "A" * 30_000] for i in range(60)])
    assert path.stat().st_size < 100_000  # a small file...
    monkeypatch.setenv("RXATLAS_MAX_UNPACKED_MB", "1")  # ...that unpacks past the (lowered) limit
    with pytest.raises(InputError, match=r"bomb.xlsx unpacks to \d MB, more than the limit of 1 MB"):
        open_suppliers(path)


def test_sheet_of_too_many_rows_is_refused_and_leaves_no_output(
    tmp_path: Path, atlas_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _xlsx(tmp_path / "long.xlsx", [["supplier"]] + [[f"Firm {i}"] for i in range(3000)])
    monkeypatch.setenv("RXATLAS_MAX_ROWS", "1000")
    result = run_cli("screen", str(path), "--db", str(atlas_db), "--output", str(tmp_path / "out.csv"))
    assert result.returncode == 1 and "has more than 1,000 rows (the limit, RXATLAS_MAX_ROWS)" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.xlsx"]  # no partial output


def test_utf8_file_with_one_cp949_line_is_refused_not_guessed(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("supplier\n华大基因\nAcme\n".encode() + "셀트리온\n".encode("cp949"))
    with pytest.raises(InputError, match=r"mixed.csv line 4: the file is not UTF-8 .* give --encoding"):
        open_suppliers(path)


def test_shift_jis_file_needs_its_encoding_and_then_reads_right(tmp_path: Path) -> None:
    path = tmp_path / "jp.csv"
    path.write_bytes("取引先\n武田薬品工業株式会社\n".encode("shift_jis"))
    with pytest.raises(InputError, match=r"jp.csv line 1: the file is not UTF-8 .* shift_jis"):
        open_suppliers(path)
    _, records = open_suppliers(path, encoding="shift_jis")
    assert [name for _, name, _ in records] == ["武田薬品工業株式会社"]
    with pytest.raises(InputError, match=r"unknown encoding 'shift-klingon'"):
        open_suppliers(path, encoding="shift-klingon")
    with pytest.raises(InputError, match=r"jp.csv line 1: the text is not valid utf-8"):
        open_suppliers(path, encoding="utf-8")


def test_utf16_portfolio_resolves_rivaroxaban(tmp_path: Path, atlas_db: Path) -> None:
    with_bom = tmp_path / "p16.csv"
    with_bom.write_bytes("substance\nrivaroxaban\n".encode("utf-16"))
    with DuckDBEngine(atlas_db, read_only=True) as engine:
        entry = resolve(engine, read_portfolio(with_bom)).entries[0]
    assert (entry.value, entry.substances) == ("rivaroxaban", ["RIVAROXABAN"])
    without_bom = tmp_path / "p16le.csv"
    without_bom.write_bytes("substance\nrivaroxaban\n".encode("utf-16-le"))
    with pytest.raises(InputError, match=r"p16le.csv line 1: the file is not UTF-8"):
        read_portfolio(without_bom)


def test_made_up_name_with_a_number_resolves_to_nothing(tmp_path: Path, atlas_db: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("substance\nsubstance number 1066\nPF-02341066\n", encoding="utf-8")
    with DuckDBEngine(atlas_db, read_only=True) as engine:
        made_up, code = resolve(engine, read_portfolio(path)).entries
    assert (made_up.status, made_up.uniis) == ("unknown", [])
    assert code.substances == ["CRIZOTINIB"]  # a real development code still resolves


def test_huge_cells_and_lines_are_refused_quickly(tmp_path: Path, atlas_db: Path) -> None:
    portfolio = tmp_path / "p.csv"
    portfolio.write_text("substance\n" + "heparin sodium " * 3500 + "\nAtorvastatin\n", encoding="utf-8")
    with DuckDBEngine(atlas_db, read_only=True) as engine:
        long, fine = resolve(engine, read_portfolio(portfolio)).entries
    assert long.status == "error" and "more than the 1,000 a name" in long.messages[0]
    assert fine.status == "ok"
    suppliers = tmp_path / "s.csv"
    suppliers.write_text("supplier\n" + "x" * 2_000_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"s.csv line 2: longer than 1,048,576 characters"):
        list(open_table(suppliers).rows)


def test_one_delimiter_rule_for_suppliers_and_portfolios(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("substance;supplier;country\nHeparin sodium;Acme, Inc.;US\n", encoding="utf-8")
    info, records = open_suppliers(path)
    assert (info.name_column, info.country_column, list(records)) == ("supplier", "country", [(2, "Acme, Inc.", "US")])
    assert [e.value for e in read_portfolio(path).entries] == ["Heparin sodium"]


def test_damaged_and_old_workbooks_name_the_file(tmp_path: Path) -> None:
    broken = _xlsx(tmp_path / "broken.xlsx", [["supplier"], ["Acme"]])
    _replace_member(broken, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c t='s'><v>0</v></c>")
    with pytest.raises(InputError, match=r"broken.xlsx (row 1: the workbook is damaged|is not a readable)"):
        list(open_table(broken).rows)
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    with pytest.raises(InputError, match=r"old.xls is an old Excel \(.xls\) workbook; save it as .xlsx"):
        open_table(old)


def test_corrupt_source_workbook_and_zip_member_name_the_file(tmp_path: Path) -> None:
    book = _xlsx(tmp_path / "source.xlsx", [["DMF#", "HOLDER"], ["1", "ACME"]])
    _replace_member(book, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row r='1'><c t='inlineStr'>")
    with pytest.raises(SourceError, match=r"source.xlsx.*(damaged|not a readable Excel)"):
        list(xlsx_records(local_file(book), ["DMF#"]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("unused.txt", "PAYLOAD THAT WILL BE DAMAGED")
        zf.writestr("data.csv", "a,b\n1,2\n")
    archive = tmp_path / "set.zip"
    archive.write_bytes(buffer.getvalue().replace(b"PAYLOAD", b"PAYLOAX"))
    with pytest.raises(SourceError, match=r"set.zip: archive member unused.txt is corrupt \(its CRC-32 check"):
        list(csv_records(local_file(archive), ["a"], member="data.csv"))


def test_scenario_traps_are_clear_errors(tmp_path: Path) -> None:
    norway = parse_scenario(SCENARIO.format(countries="NO, IN"), "s")
    assert norway.measures[0].countries == ["NO", "IN"]  # NO is Norway, not false
    cases = {
        SCENARIO.format(countries="XX"): r"line 5, field measures.0.country_outage.countries.0: .*unknown country "
                                         r"code 'XX'",
        SCENARIO.format(countries="CN") + "name: u\n": r"the key 'name' is given twice \(first on line 1\)",
        "name: t\nas_of: 2028-13-45\n": r"a value cannot be read \(month must be in 1..12\)",
        "[" * 5000 + "]" * 5000: r"nested too deeply",
        "name: t\nas_of: 2026-01-01\ndescription: " + "x" * 300_000 + "\n": r"more than the 256 KB a scenario",
    }
    for text, message in cases.items():
        with pytest.raises(InputError, match=message):
            parse_scenario(text, "s")
    legacy = tmp_path / "s.yaml"
    legacy.write_bytes("name: t\nas_of: 2026-01-01\ndescription: 수출 중단\n".encode("cp949"))
    with pytest.raises(InputError, match=r"s.yaml line 3: the scenario file is not UTF-8"):
        load_scenario(legacy)


def test_scenario_with_thousands_of_errors_reports_the_first_few_at_once() -> None:
    text = "name: t\nas_of: 2026-01-01\nmeasures:\n" + "  - {type: tariff, origins: [zz], rate: -1}\n" * 1000
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        parse_scenario(text, "s")
    message = str(caught.value)
    assert message.count("field measures.") == 20 and "and 2980 more problems" in message
    assert time.perf_counter() - started < 10  # 21 s before (quadratic); about 0.3 s now


def test_cli_prints_one_sentence_for_an_impossible_scenario_date(tmp_path: Path, atlas_db: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("name: t\nas_of: 2028-13-45\n", encoding="utf-8")
    result = run_cli("scenario", "run", str(path), "--db", str(atlas_db))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "write dates as YYYY-MM-DD" in result.stderr


def test_supplier_csv_of_csv_module_limits(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["supplier"], ["a\nb" * 10]])
    assert [name for _, name, _ in open_suppliers(path)[1]] == ["a\nb" * 10]
