"""OFAC SDN: the real legacy CSV (no header, '-0-', Ctrl-Z end), optional alias/address files, bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.ofac_sdn import OfacSdn, split_programs
from rxatlas.warehouse.load import parse_source

SOURCE = OfacSdn()
SNAPSHOT = "ofac_sdn/sdn_2024-05-03.csv.gz"
SPECS = {s.name: s for s in SOURCE.files}
WATCHLIST_COLUMNS = [
    ("list_id", "VARCHAR"), ("entry_id", "VARCHAR"), ("name", "VARCHAR"), ("aliases", "VARCHAR[]"),
    ("entity_type", "VARCHAR"), ("country_iso2", "VARCHAR"), ("programs", "VARCHAR[]"), ("parents", "VARCHAR[]"),
    ("listed_from", "DATE"), ("listed_to", "DATE"), ("source_url", "VARCHAR"), ("_source", "VARCHAR"),
    ("_snapshot", "DATE"), ("_file", "VARCHAR"), ("_sha256", "VARCHAR"), ("_line", "BIGINT"),
]


def _file(path: Path, spec: str = "sdn") -> LocalFile:
    return local_file(path, source=SOURCE.id, spec=SPECS[spec])


def _snapshot_text(data_dir: Path) -> str:
    return gzip.decompress((data_dir / SNAPSHOT).read_bytes()).decode("utf-8")


@pytest.fixture(scope="module")
def db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas: this source's raw tables as loaded from the real snapshot, with every model."""
    return atlas_con


def test_snapshot_loads_every_entry(data_dir: Path) -> None:
    assert _snapshot_text(data_dir).endswith('."\r\n\x1a')
    table = parse_source(SOURCE, {"sdn": _file(data_dir / SNAPSHOT)})["sdn"].to_arrow()
    assert table.num_rows == 14_965 and table.column("_line").to_pylist()[-1] == 14_965
    first = table.slice(0, 1).to_pylist()[0]
    assert (first["ent_num"], first["sdn_name"], first["sdn_type"], first["programs"], first["remarks"]) == \
        (36, "AEROCARIBBEAN AIRLINES", None, ["CUBA"], None)


def test_programs_are_split() -> None:
    assert split_programs("IRAN] [SDGT] [IRGC] [IFSR") == ["IRAN", "SDGT", "IRGC", "IFSR"]
    assert split_programs("SDGT") == ["SDGT"] and split_programs(None) == []


def test_entry_with_programs_in_watchlist(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute(
        "SELECT name, entity_type, programs, aliases, listed_from, listed_to, _line FROM core.watchlist_entry "
        "WHERE list_id = 'us_ofac_sdn' AND entry_id = '4632'").fetchone()
    assert row == ("BANK MARKAZI JOMHOURI ISLAMI IRAN", "entity", ["IRAN", "SDGT", "IRGC", "IFSR"], [], None,
                   None, 78)
    counts = db.execute("SELECT entity_type, count(*) FROM core.watchlist_entry WHERE list_id = 'us_ofac_sdn' "
                        "GROUP BY 1 ORDER BY 1").fetchall()
    assert counts == [("aircraft", 376), ("entity", 6_884), ("individual", 6_854), ("vessel", 851)]


def test_vessel_fields(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute("SELECT sdn_type, call_sign, vess_type, tonnage, grt, vess_flag, vess_owner "
                     "FROM latest.ofac_sdn__sdn WHERE ent_num = 4238").fetchone()
    assert row == ("vessel", "CL2192", "Tug", None, "212", "Cuba", "Samir de Navegacion S.A.")


def test_watchlist_columns(db: duckdb.DuckDBPyConnection) -> None:
    columns = db.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'core' AND table_name = 'watchlist_entry' ORDER BY ordinal_position").fetchall()
    assert columns == WATCHLIST_COLUMNS


def test_optional_alias_and_address_files(data_dir: Path, tmp_path: Path) -> None:
    alt = tmp_path / "alt.csv"
    alt.write_bytes(b"306,219,\"aka\",\"BNC\",-0- \r\n4632,1001,\"fka\",\"CENTRAL BANK OF IRAN\",-0- \r\n\x1a")
    add = tmp_path / "add.csv"
    add.write_bytes(b"306,199,\"Dai Li Av\",\"Havana\",\"Cuba\",-0- \r\n\x1a")
    buffers = parse_source(SOURCE, {"sdn": _file(data_dir / SNAPSHOT), "alt": _file(alt, "alt"),
                                    "add": _file(add, "add")})
    aliases = buffers["aliases"].to_arrow().select(["ent_num", "alt_type", "alt_name", "alt_remarks"])
    assert aliases.to_pylist()[1] == {"ent_num": 4632, "alt_type": "fka", "alt_name": "CENTRAL BANK OF IRAN",
                                      "alt_remarks": None}
    assert buffers["addresses"].to_arrow().column("country").to_pylist() == ["Cuba"]


def test_remarks_parsed_into_aliases_links_and_facts(db: duckdb.DuckDBPyConnection) -> None:
    # 7916: "Website h-terre.org; a.k.a. 'CBSP'; Linked To: HAMAS."
    assert db.execute("SELECT seq, alias_type, alias_name FROM latest.ofac_sdn__remark_aliases "
                      "WHERE ent_num = 7916").fetchall() == [(2, "aka", "CBSP")]
    assert db.execute("SELECT seq, linked_name FROM latest.ofac_sdn__links WHERE ent_num = 7916").fetchall() == \
        [(3, "HAMAS")]
    assert db.execute("SELECT seq, remark, identifier FROM latest.ofac_sdn__remarks WHERE ent_num = 7916").fetchall() \
        == [(1, "Website h-terre.org", "Website h-terre.org")]
    row = db.execute("SELECT name, aliases FROM core.watchlist_entry WHERE list_id = 'us_ofac_sdn' "
                     "AND entry_id = '7916'").fetchone()
    assert row == ("COMITE' DE BIENFAISANCE ET DE SECOURS AUX PALESTINIENS", ["CBSP"])
    assert db.execute("SELECT linked_name FROM core.watchlist_link WHERE entry_id = '4632' ORDER BY seq").fetchall() \
        == [("ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE",), ("HIZBALLAH",)]
    # an alias holding apostrophes stays whole
    assert db.execute("SELECT alias_name FROM latest.ofac_sdn__remark_aliases WHERE ent_num = 3754").fetchall() == \
        [("ABU-'UMAR",)]
    counts = db.execute("SELECT (SELECT count(*) FROM latest.ofac_sdn__remark_aliases), "
                        "(SELECT count(*) FROM latest.ofac_sdn__links), (SELECT count(*) FROM core.watchlist_link)"
                        ).fetchone()
    assert counts == (3_663, 6_375, 6_375)


def test_remarks_read_links_nationality_and_identifiers(tmp_path: Path) -> None:
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(b'9,"X CO LTD",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 19 Jan 1972; nationality China; '
                    b"Registration Number 123 (China); Linked To: DANDONG HONGXIANG CO LTD.; a.k.a. 'CUT OFF\"\r\n\x1a")
    buffers = parse_source(SOURCE, {"sdn": _file(sdn)})
    remarks = buffers["remarks"].to_arrow().select(["remark", "country", "identifier"]).to_pylist()
    assert remarks == [
        {"remark": "DOB 19 Jan 1972", "country": None, "identifier": None},
        {"remark": "nationality China", "country": "China", "identifier": None},
        {"remark": "Registration Number 123 (China)", "country": "China", "identifier": "Registration Number 123"},
    ]
    assert buffers["links"].to_arrow().column("linked_name").to_pylist() == ["DANDONG HONGXIANG CO LTD"]
    assert buffers["remark_aliases"].to_arrow().num_rows == 0  # cut off by the length limit: no closing quote


def test_broken_quote_names_file_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    lines = _snapshot_text(data_dir).splitlines(keepends=True)
    bad = tmp_path / "sdn_broken_quote.csv"
    unclosed = lines[9].replace('",', ",", 1)  # the name's closing quote is lost
    bad.write_text("".join(lines[:9]) + unclosed + "".join(lines[10:20]), encoding="utf-8")
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, {"sdn": _file(bad)})
    problem = err.value.problems[0]
    assert problem.file == str(bad) and problem.line == 10 and problem.field is not None
    assert "expected 12 fields" in problem.message


def test_truncated_gzip_names_the_line(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "sdn_cut.csv.gz"
    bad.write_bytes((data_dir / SNAPSHOT).read_bytes()[:300_000])
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, {"sdn": _file(bad)})
    problem = err.value.problems[0]
    assert problem.file == str(bad) and problem.line is not None and 1_000 < problem.line < 14_965
    assert "truncated" in problem.message


def test_wrong_encoding_names_file_line_and_field(data_dir: Path, tmp_path: Path) -> None:
    lines = _snapshot_text(data_dir).splitlines(keepends=True)
    bad = tmp_path / "sdn_latin1.csv"
    bad.write_bytes("".join(lines[:4]).encode() + lines[4].replace("CASA", "CAS\u00c1", 1).encode("latin-1"))
    with pytest.raises(SourceError) as err:
        parse_source(SOURCE, {"sdn": _file(bad)})
    problem = err.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(bad), 5, "SDN_Name")
