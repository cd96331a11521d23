"""The shared readers and validation on bad input: each failure names the file, line and field, and says why."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterable
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from conftest import local_file
from openpyxl import Workbook

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Row, Table
from rxatlas.sources.fda_dmf import HEADER, FdaDmf
from rxatlas.sources.readers import MAX_FIELD_BYTES, csv_records, open_binary, table_records
from rxatlas.sources.validate import TableBuffer

DMF_HEADER = "DMF#,STATUS,TYPE,SUBMIT DATE,HOLDER,SUBJECT\n"
DMF_ROWS = "5,I,II,1940-01-01,NATIONAL RESEARCH COUNCIL,PENICILLIN\n6,A,II,1950-02-03,ACME,ASPIRIN\n"


def _file(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def _problem(path: Path, expected: Iterable[str], **options: Any) -> Problem:
    """Read a whole file with csv_records and return the single problem it fails with."""
    with pytest.raises(SourceError) as caught:
        list(csv_records(local_file(path), expected, **options))
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    return problem


def test_good_csv_gzip_and_zip_read_alike(tmp_path: Path) -> None:
    text = DMF_HEADER + DMF_ROWS
    plain = _file(tmp_path, "dmf.csv", text)
    packed = _file(tmp_path, "dmf.csv.gz", gzip.compress(text.encode()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", "not this one")
        zf.writestr("data/DMF.CSV", text)
    archive = _file(tmp_path, "dmf.zip", buffer.getvalue())
    expected = [(2, "5", "PENICILLIN"), (3, "6", "ASPIRIN")]
    for path, member in ((plain, None), (packed, None), (archive, "*/dmf.csv")):
        got = [(line, r["DMF#"], r["SUBJECT"]) for line, r in csv_records(local_file(path), HEADER, member=member)]
        assert got == expected, path.name


def test_corrupt_zip(tmp_path: Path) -> None:
    path = _file(tmp_path, "broken.zip", b"PK\x03\x04" + b"not really a zip archive" * 10)
    with pytest.raises(SourceError, match=r"not a readable zip archive .*; download it again"), \
            open_binary(local_file(path), "*.csv"):
        pass


def test_zip_member_failing_its_checksum(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("dmf.csv", DMF_HEADER + DMF_ROWS)
    path = _file(tmp_path, "dmf.zip", buffer.getvalue().replace(b"ASPIRIN", b"ASPIRIX"))
    problem = _problem(path, HEADER, member="*.csv")
    assert problem.message.startswith("archive member dmf.csv is corrupt (its CRC-32 check fails)")
    assert problem.line is None


def test_missing_zip_member_lists_what_is_there(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("Products.txt", "x")
    path = _file(tmp_path, "set.zip", buffer.getvalue())
    with pytest.raises(SourceError, match=r"no member matching '\*applications\*'; it holds \['Products.txt'\]"), \
            open_binary(local_file(path), "*applications*"):
        pass


def test_truncated_gzip_names_the_last_good_line(tmp_path: Path) -> None:
    body = DMF_HEADER + "".join(f"{n},A,II,2001-01-01,HOLDER {n},SUBJECT {n * 7919}\n" for n in range(5000))
    packed = gzip.compress(body.encode())
    path = _file(tmp_path, "dmf.csv.gz", packed[: len(packed) // 2])
    complete_lines = zlib.decompressobj(wbits=31).decompress(packed[: len(packed) // 2]).count(b"\n")
    problem = _problem(path, HEADER)
    assert problem.message.startswith("the file is truncated or corrupt after this line (Compressed file ended")
    assert problem.line == complete_lines == 2466


def test_missing_columns_list_expected_and_seen(tmp_path: Path) -> None:
    path = _file(tmp_path, "dmf.csv", "DMF#,STATUS,TYPE\n5,I,II\n")
    problem = _problem(path, HEADER)
    assert problem.line == 1
    assert problem.field == "SUBMIT DATE"
    assert problem.message == (
        "missing column(s) ['SUBMIT DATE', 'HOLDER', 'SUBJECT']; the header has ['DMF#', 'STATUS', 'TYPE']"
    )


def test_renamed_column_is_named(tmp_path: Path) -> None:
    path = _file(tmp_path, "dmf.csv", DMF_HEADER.replace("HOLDER", "HOLDER NAME") + DMF_ROWS)
    problem = _problem(path, HEADER)
    assert problem.message == (
        "missing column(s) ['HOLDER']; the header has "
        "['DMF#', 'STATUS', 'TYPE', 'SUBMIT DATE', 'HOLDER NAME', 'SUBJECT']"
    )


def test_wrong_encoding_gives_line_and_field(tmp_path: Path) -> None:
    data = (DMF_HEADER + DMF_ROWS).encode() + "7,A,II,2002-02-02,SOCIÉTÉ,x\n".encode("cp1252")
    path = _file(tmp_path, "dmf.csv", data)
    problem = _problem(path, HEADER)
    assert problem.line == 4
    assert problem.field == "HOLDER"
    assert "are not valid utf-8-sig" in problem.message and r"\xc9" in problem.message


EMPTY = "the file is empty; expected a header row"
NO_HEADER = "missing column(s) ['DMF#', 'STATUS', 'TYPE', 'SUBMIT DATE', 'HOLDER', 'SUBJECT']; the header has []"


@pytest.mark.parametrize(("data", "message"), [(b"", EMPTY), (gzip.compress(b""), EMPTY), (b"\n", NO_HEADER)],
                         ids=["empty", "empty gzip", "blank line"])
def test_empty_file(tmp_path: Path, data: bytes, message: str) -> None:
    problem = _problem(_file(tmp_path, "dmf.csv", data), HEADER)
    assert (problem.line, problem.message) == (1, message)


def test_record_with_wrong_number_of_fields(tmp_path: Path) -> None:
    path = _file(tmp_path, "dmf.csv", DMF_HEADER + DMF_ROWS + "8,A,II,2003-03-03,ACME, INC.,TABLETS\n")
    problem = _problem(path, HEADER)
    assert problem.line == 4
    assert problem.message.startswith("expected 6 fields, found 7")


def test_field_over_the_size_limit(tmp_path: Path) -> None:
    huge = "x" * (MAX_FIELD_BYTES + 1)
    path = _file(tmp_path, "dmf.csv", DMF_HEADER + DMF_ROWS + f'9,A,II,2004-04-04,ACME,"{huge}\nmore"\n10,A\n')
    problem = _problem(path, HEADER)
    assert problem.line == 4
    assert f"field larger than field limit ({MAX_FIELD_BYTES})" in problem.message


def test_multiline_record_located_at_first_line(tmp_path: Path) -> None:
    text = (DMF_HEADER + '11,A,II,2005-05-05,ACME,"TABLETS\nAND\nCAPSULES"\n'
            "12,A,III,2006-06-06,BOTTLES INC,GLASS\n"
            '13,A,IV,2007-07-07,"EXCIPIENT\nCO",LACTOSE,EXTRA\n')
    path = _file(tmp_path, "dmf.csv", text)
    records = csv_records(local_file(path), HEADER)
    assert next(records) == (2, {"DMF#": "11", "STATUS": "A", "TYPE": "II", "SUBMIT DATE": "2005-05-05",
                                 "HOLDER": "ACME", "SUBJECT": "TABLETS\nAND\nCAPSULES"})
    assert next(records)[0] == 5
    with pytest.raises(SourceError) as caught:
        next(records)
    assert caught.value.problems[0].line == 6
    assert "expected 6 fields, found 7" in caught.value.problems[0].message


def test_duplicate_keys_name_both_lines(tmp_path: Path) -> None:
    path = _file(tmp_path, "dmf.csv", DMF_HEADER + DMF_ROWS + "5,A,II,2008-08-08,SOMEONE ELSE,x\n")
    table = Table("dmf", (Column("dmf", "BIGINT", required=True), Column("holder")), key=("dmf",))
    buffer = TableBuffer("test", table)
    file = local_file(path)
    for line, record in csv_records(file, HEADER):
        buffer.add(Row("dmf", file, line, {"dmf": record["DMF#"], "holder": record["HOLDER"]}))
    with pytest.raises(SourceError) as caught:
        buffer.check()
    assert [(p.line, p.field) for p in caught.value.problems] == [(4, "dmf")]
    assert "duplicate key {'dmf': 5}, first seen at dmf.csv line 2" in str(caught.value)
    assert len(buffer) == 2


def test_validation_collects_every_problem(tmp_path: Path) -> None:
    path = _file(tmp_path, "dmf.csv", DMF_HEADER + "x,A,II,2001-01-01,ACME,a\n20,A,II,01/02/2001,,b\n"
                 "21,A,II,31.12.2001,ACME,c\n")
    source = FdaDmf()
    buffer = TableBuffer(source.id, source.table("dmf"))
    for row in source.parse({"dmf_list": local_file(path, source=source.id)}):
        buffer.add(row)
    with pytest.raises(SourceError) as caught:
        buffer.check()
    assert [(p.line, p.field) for p in caught.value.problems] == [(2, "dmf"), (3, "holder"), (4, "submit_date")]
    assert "'31.12.2001' is not a date in format %Y-%m-%d or %m/%d/%Y" in str(caught.value)
    assert "the previous atlas is unchanged" in str(caught.value)


def test_table_records_reads_excel_and_csv(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["List of Drug Master Files"])
    ws.append([])
    ws.append(["DMF#", "STATUS", "TYPE", "SUBMIT DATE", "HOLDER", "SUBJECT"])
    ws.append([5, "I", "II", datetime(1940, 1, 1), "NATIONAL RESEARCH COUNCIL", "PENICILLIN"])
    wb.save(tmp_path / "dmf.xlsx")
    assert list(table_records(local_file(tmp_path / "dmf.xlsx"), HEADER)) == [
        (4, {"DMF#": 5, "STATUS": "I", "TYPE": "II", "SUBMIT DATE": datetime(1940, 1, 1),
             "HOLDER": "NATIONAL RESEARCH COUNCIL", "SUBJECT": "PENICILLIN"})
    ]
    ws["E3"] = "FIRM"
    wb.save(tmp_path / "renamed.xlsx")
    with pytest.raises(SourceError, match=r"missing column\(s\) \['HOLDER'\]; the header has .*'FIRM'"):
        list(table_records(local_file(tmp_path / "renamed.xlsx"), HEADER))


def _typed(source: FdaDmf, rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Validate rows as the build does and return their typed values, without the file location columns."""
    buffer = TableBuffer(source.id, source.table("dmf"))
    for row in rows:
        buffer.add(row)
    buffer.check()
    return buffer.to_arrow().drop_columns(["_file", "_sha256", "_line"]).to_pylist()


def test_dmf_excel_variant_parses_like_the_csv(tmp_path: Path, data_dir: Path) -> None:
    source = FdaDmf()
    real = local_file(data_dir / "fda_dmf" / "dmf_list_2025Q2.csv.gz", source=source.id)
    records = [r for _, r in islice(csv_records(real, HEADER), 500)]
    wb = Workbook()
    ws = wb.active
    ws.append(["Drug Master Files (DMFs), list as of 30 June 2025"])
    ws.append(list(HEADER))
    for r in records:
        submitted = datetime.strptime(r["SUBMIT DATE"], "%Y-%m-%d") if r["SUBMIT DATE"] else None
        ws.append([int(r["DMF#"]), r["STATUS"], r["TYPE"], submitted, r["HOLDER"], r["SUBJECT"]])
    wb.save(tmp_path / "dmf_list.xlsx")
    excel = local_file(tmp_path / "dmf_list.xlsx", source=source.id)

    from_csv = _typed(source, islice(source.parse({"dmf_list": real}), 500))
    from_excel = _typed(source, source.parse({"dmf_list": excel}))
    assert len(from_csv) == 500
    assert from_excel == from_csv
    assert from_csv[3] == {"dmf": 5, "status": "I", "type": "II", "submit_date": date(1940, 1, 1),
                           "holder": "NATIONAL RESEARCH COUNCIL", "subject": "PENICILLIN", "_source": "fda_dmf",
                           "_snapshot": date(2025, 1, 1)}
