"""Supplier files as users send them (encodings, Excel, empty, a million rows) and exports that spreadsheets
cannot run as formulas."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from rxatlas.errors import InputError
from rxatlas.screen.export import export, neutralise
from rxatlas.screen.inputs import open_suppliers
from rxatlas.screen.screen import screen_file
from rxatlas.textfiles import detect_encoding

AS_OF = date(2026, 11, 25)
# Runs the rxatlas command and reports the process's own peak resident memory (VmHWM, reset at exec, so the
# size of the pytest process that forked it does not count).
PEAK_MEMORY = """
import atexit, sys
from rxatlas.cli import main
atexit.register(lambda: sys.stderr.write(open('/proc/self/status').read()))
sys.argv = ['rxatlas', *sys.argv[1:]]
main()
"""


def write_rows(path: Path, rows: list[list[str]], encoding: str) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.mark.parametrize(
    ("encoding", "detected", "rows", "statuses"),
    [
        (
            "utf-8",
            "utf-8-sig",
            [["supplier_name"], ["药明康德"], ["Aurobindo Pharma Limited"]],
            ["listed", "clear"],
        ),
        ("utf-8-sig", "utf-8-sig", [["Supplier"], ["华大智造"], ["셀트리온"]], ["listed", "clear"]),
        (
            "cp949",
            "cp949",
            [["업체명", "국가"], ["주식회사 녹십자", "KR"], ["셀트리온", "KR"]],
            ["clear", "clear"],
        ),
        (
            "euc_kr",
            "euc_kr",
            [["회사명"], ["삼성바이오에피스"], ["STA Pharmaceutical Co., Ltd."]],
            ["clear", "affiliate"],
        ),
        (
            "gb18030",
            "gb18030",
            [
                ["供应商", "国家"],
                ["无锡药明康德新药开发股份有限公司", "CN"],
                ["无锡山禾药业股份有限公司", "CN"],
            ],
            ["listed", "clear"],
        ),
    ],
)
def test_encodings_and_native_headers(
    tmp_path: Path, encoding: str, detected: str, rows: list[list[str]], statuses: list[str]
) -> None:
    path = write_rows(tmp_path / "suppliers.csv", rows, encoding)
    given = None if encoding.startswith("utf-8") else encoding  # legacy encodings are named, never guessed
    assert detect_encoding(path, given) == detected
    if given:
        with pytest.raises(InputError, match=r"suppliers.csv line 1: the file is not UTF-8 .* give --encoding"):
            detect_encoding(path)
    run = screen_file(path, None, AS_OF, encoding=given)
    assert run.supplier_file.name_column == rows[0][0]
    results = list(run.rows())  # a run streams its file once
    assert [r["status"] for r in results] == statuses
    assert [r["input_name"] for r in results] == [r[0] for r in rows[1:]]


def test_undetectable_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("supplier\nSociété Chimique Fénix\nLaboratório Açores\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"not UTF-8 and rxatlas does not guess .* save the file as UTF-8"):
        detect_encoding(path)


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="is empty; expected a header row"):
        open_suppliers(empty)
    header = write_rows(tmp_path / "header.csv", [["supplier_name", "country"]], "utf-8")
    run = screen_file(header, None, AS_OF)
    assert list(run.rows()) == [] and run.status_counts() == dict.fromkeys(run.status_counts(), 0)


def test_missing_name_column_lists_the_columns_seen(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "odd.csv", [["id", "amount", "po_number"], ["1", "2", "3"]], "utf-8")
    with pytest.raises(
        InputError,
        match=r"cannot find the supplier name column; the file has columns "
        r"\['id', 'amount', 'po_number'\]; name it with --name-column",
    ):
        open_suppliers(path)
    with pytest.raises(InputError, match=r"no name column 'vendor'; the file has columns"):
        open_suppliers(path, name_column="vendor")


def test_excel_input(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Vendor Name", "Country"])
    ws.append(["MGI Tech Co., Ltd.", "CN"])
    ws.append(["MGI Pharma, Inc.", "US"])
    wb.save(tmp_path / "vendors.xlsx")
    run = screen_file(tmp_path / "vendors.xlsx", None, AS_OF)
    assert run.supplier_file.kind == "xlsx" and run.supplier_file.country_column == "Country"
    assert [r["status"] for r in run.rows()] == ["listed", "clear"]


def test_exports_neutralise_formula_cells(tmp_path: Path) -> None:
    rows = [
        ["supplier_name"],
        ['=HYPERLINK("http://evil","x")'],
        ["+1+2"],
        ["-cmd"],
        ["@SUM(A1)"],
        ["WuXi AppTec Co., Ltd."],
    ]
    path = write_rows(tmp_path / "inject.csv", rows, "utf-8")
    assert neutralise("=1") == "'=1" and neutralise("Acme") == "Acme"
    for fmt in ("csv", "xlsx", "html", "json"):
        run = screen_file(path, None, AS_OF)
        target = tmp_path / f"out.{fmt}"
        export(run.rows(), run.meta(), run.status_counts, fmt, target)
        if fmt == "csv":
            with open(target, encoding="utf-8") as fh:
                names = [r["input_name"] for r in csv.DictReader(fh)]
            assert names[:4] == ["'" + r[0] for r in rows[1:5]]
        elif fmt == "xlsx":
            sheet = load_workbook(target)["results"]
            cells = [sheet.cell(row=i, column=2) for i in range(2, 7)]
            assert all(c.data_type == "s" for c in cells)
            assert [c.value for c in cells[:4]] == ["'" + r[0] for r in rows[1:5]]
        elif fmt == "html":
            text = target.read_text(encoding="utf-8")
            assert "<td>&#x27;=HYPERLINK(&quot;http://evil&quot;,&quot;x&quot;)</td>" in text
        else:
            payload = json.loads(target.read_text(encoding="utf-8"))
            assert payload["rows"][0]["input_name"] == rows[1][0]  # JSON keeps the raw value
            assert payload["counts"] == {"listed": 1, "affiliate": 0, "possible": 0, "clear": 4}


def test_json_stream_is_valid_json() -> None:
    out = io.StringIO()
    export(iter([{"a": date(2026, 1, 1)}]), {"as_of": AS_OF}, lambda: {"clear": 1}, "json", out)
    assert json.loads(out.getvalue()) == {
        "as_of": "2026-11-25",
        "rows": [{"a": "2026-01-01"}],
        "counts": {"clear": 1},
    }


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak memory from /proc (Linux)")
def test_a_million_rows_stream_in_bounded_memory(tmp_path: Path, atlas_db: Path) -> None:
    """1,000,000 rows screened by the CLI into CSV; the process's peak memory stays far below what holding
    the results would take (about 1.5 KB per result row)."""
    names = ["WuXi AppTec Co., Ltd.", "Aurobindo Pharma Limited", "STA Pharmaceutical Co., Ltd.", "=1+1"]
    source = tmp_path / "big.csv"
    with open(source, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["supplier", "country"])
        for i in range(1_000_000):
            writer.writerow([names[(i // 2) % 4] if i % 2 else f"Supplier {i % 20000} Trading Co", "CN"])
    target = tmp_path / "out.csv"
    args = ["screen", str(source), "--db", str(atlas_db), "--format", "csv", "--output", str(target)]
    child = subprocess.run([sys.executable, "-c", PEAK_MEMORY, *args], capture_output=True, text=True)
    assert child.returncode == 0, child.stderr
    peak = re.search(r"VmHWM:\s+(\d+) kB", child.stderr)
    assert peak is not None, child.stderr
    peak_mib = int(peak.group(1)) / 1024
    assert peak_mib < 600, peak_mib
    with open(target, encoding="utf-8") as fh:
        counts: dict[str, int] = {}
        for row in csv.DictReader(fh):
            counts[row["status"]] = counts.get(row["status"], 0) + 1
    assert counts == {"clear": 750_000, "listed": 125_000, "affiliate": 125_000}
