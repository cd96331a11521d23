"""DailyMed SPL establishments: the Lipitor label, zip and nested-zip forms, the core model, bad input."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import local_file

from rxatlas.build import build
from rxatlas.errors import SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.dailymed_spl import DailymedSpl
from rxatlas.warehouse.load import parse_source

SOURCE = DailymedSpl()
SNAPSHOT = "dailymed_spl/spl_lipitor_2014-01-13.xml"
LIPITOR_SET = "c6e131fe-e7df-4876-83f7-9156fc4e8228"
LIPITOR_NDCS = ["0071-0158", "0071-0157", "0071-0156", "0071-0155"]
# Establishment DUNS of the label with the line of their assignedEntity element
LIPITOR_SITES = [(19, "989811526"), (73, "896090987"), (127, "829084552"), (277, "894677996"),
                 (331, "341970073"), (529, "985052076")]
REGISTRATION = """<?xml version="1.0" encoding="UTF-8"?>
<document xmlns="urn:hl7-org:v3">
  <id root="11111111-2222-3333-4444-555555555555"/>
  <code code="51725-0" codeSystem="2.16.840.1.113883.6.1" displayName="ESTABLISHMENT REGISTRATION"/>
  <effectiveTime value="20250102"/>
  <setId root="66666666-7777-8888-9999-000000000000"/>
  <versionNumber value="3"/>
  <author><assignedEntity><representedOrganization>
    <id extension="123456789" root="1.3.6.1.4.1.519.1"/><name>Registrant Ltd</name>
    <assignedEntity>
      <assignedOrganization>
        <id extension="987654321" root="1.3.6.1.4.1.519.1"/>
        <id extension="3001234567" root="2.16.840.1.113883.4.82"/>
        <name>Site   One</name>
        <addr><streetAddressLine>1 Road</streetAddressLine><city>Hyderabad</city>
          <country code="IND" codeSystem="1.0.3166.1.2.3">India</country></addr>
        <assignedEntity><assignedOrganization>
          <id extension="555555555" root="1.3.6.1.4.1.519.1"/><name>US Agent Inc</name>
        </assignedOrganization></assignedEntity>
      </assignedOrganization>
      <performance><actDefinition>
        <code code="C82401" codeSystem="2.16.840.1.113883.3.26.1.1" displayName="API MANUFACTURE"/>
      </actDefinition></performance>
    </assignedEntity>
  </representedOrganization></assignedEntity></author>
</document>
"""


def _spl(path: Path) -> LocalFile:
    return local_file(path, source=SOURCE.id, spec=SOURCE.files[0])


def _sites(file: LocalFile) -> list[tuple[str | None, int, str]]:
    return [(r.values["member"], r.line, r.values["duns"]) for r in SOURCE.parse({"spl": file})
            if r.table == "establishment"]


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _error(path: Path) -> SourceError:
    with pytest.raises(SourceError) as caught:
        parse_source(SOURCE, {"spl": _spl(path)})
    return caught.value


@pytest.fixture(scope="module")
def db(atlas_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The session atlas: this source's raw tables as loaded from the real snapshot, with every model."""
    return atlas_con


def test_sample_has_six_establishments(data_dir: Path) -> None:
    buffers = parse_source(SOURCE, {"spl": _spl(data_dir / SNAPSHOT)})
    assert {name: len(b) for name, b in buffers.items()} == {"establishment": 6, "operation": 48}
    assert _sites(_spl(data_dir / SNAPSHOT)) == [(None, line, duns) for line, duns in LIPITOR_SITES]


def test_known_establishment_in_core(db: duckdb.DuckDBPyConnection) -> None:
    row = db.execute(
        "SELECT set_id, version, effective_date, document_type, labeler_duns, labeler_name, registrant_duns, "
        "registrant_name, name, operations, operation_codes, api_manufacture, ndcs, country_iso2, _line "
        "FROM core.spl_establishment WHERE duns = '341970073'").fetchall()
    assert row == [(LIPITOR_SET, 11, date(2014, 1, 13), "HUMAN PRESCRIPTION DRUG LABEL", "829076962",
                    "Parke-Davis Div of Pfizer Inc", "113480771", "Pfizer Inc",
                    "Pfizer Manufacturing Deutschland GmbH (Betriebsstätte Freiburg)",
                    ["ANALYSIS", "API MANUFACTURE", "MANUFACTURE", "PACK"],
                    ["C25391", "C82401", "C43360", "C84731"],
                    True, LIPITOR_NDCS, None, 331)]


def test_core_model_columns_and_operations(db: duckdb.DuckDBPyConnection) -> None:
    described = [(name, kind) for name, kind, *_ in db.execute("DESCRIBE core.spl_establishment").fetchall()]
    assert described == [
        ("document_id", "VARCHAR"), ("set_id", "VARCHAR"), ("version", "BIGINT"), ("effective_date", "DATE"),
        ("document_type", "VARCHAR"), ("labeler_duns", "VARCHAR"), ("labeler_name", "VARCHAR"),
        ("registrant_duns", "VARCHAR"), ("registrant_name", "VARCHAR"), ("duns", "VARCHAR"),
        ("fei", "VARCHAR"),
        ("name", "VARCHAR"), ("city", "VARCHAR"), ("country_iso3", "VARCHAR"), ("country_iso2", "VARCHAR"),
        ("operations", "VARCHAR[]"), ("operation_codes", "VARCHAR[]"), ("api_manufacture", "BOOLEAN"),
        ("ndcs", "VARCHAR[]"), ("member", "VARCHAR"), ("_source", "VARCHAR"), ("_snapshot", "DATE"),
        ("_file", "VARCHAR"), ("_sha256", "VARCHAR"), ("_line", "BIGINT"),
    ]
    api = db.execute("SELECT list(duns ORDER BY _line) FROM core.spl_establishment WHERE api_manufacture")
    assert api.fetchone() == (["989811526", "896090987", "894677996", "341970073"],)
    operations = db.execute(
        "SELECT operation, count(*) FROM latest.dailymed_spl__operation GROUP BY 1 ORDER BY 1").fetchall()
    assert operations == [("ANALYSIS", 12), ("API MANUFACTURE", 16), ("MANUFACTURE", 12), ("PACK", 8)]


def test_three_sites_are_registered_in_decrs(db: duckdb.DuckDBPyConnection) -> None:
    joined = db.execute("SELECT s.duns, e.country_iso2 FROM core.spl_establishment AS s "
                        "JOIN core.establishment AS e USING (duns) ORDER BY s.duns").fetchall()
    assert joined == [("341970073", "DE"), ("829084552", "US"), ("985052076", "IE")]


def test_registration_with_address_through_core(tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "dailymed_spl").mkdir(parents=True)
    (mirror / "dailymed_spl" / "spl_registration_2025-01-02.xml").write_text(REGISTRATION, encoding="utf-8")
    path = tmp_path / "atlas.duckdb"
    build([SOURCE.id], db=path, mirror=str(mirror), cache=tmp_path / "cache")
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            "SELECT labeler_name, registrant_name, duns, fei, name, city, country_iso3, country_iso2, "
            "api_manufacture, ndcs, _line FROM core.spl_establishment").fetchall()
        operation = con.execute("SELECT operation_code, ndc FROM latest.dailymed_spl__operation").fetchall()
    # the nested US agent has no operations, so it is not an establishment
    assert rows == [("Registrant Ltd", "Registrant Ltd", "987654321", "3001234567", "Site One", "Hyderabad",
                     "IND", "IN", True, [], 10)]
    assert operation == [("C82401", None)]


def test_zip_and_nested_zip_release_read_like_the_file(tmp_path: Path, data_dir: Path) -> None:
    xml = (data_dir / SNAPSHOT).read_bytes()
    flat = _zip(tmp_path / "spl.zip", {"labels/lipitor.xml": xml, "labels/lipitor.jpg": b"\xff\xd8"})
    inner = _zip(tmp_path / "inner.zip", {"20140113_c6e131fe.xml": xml, "image.jpg": b"\xff\xd8"})
    label = "prescription/20140113_c6e131fe.zip"
    nested = _zip(tmp_path / "release.zip", {label: inner.read_bytes(),
                                              "registration.xml": REGISTRATION.encode()})
    assert _sites(_spl(flat)) == [("labels/lipitor.xml", line, duns) for line, duns in LIPITOR_SITES]
    assert _sites(_spl(nested)) == [
        *((f"{label}!20140113_c6e131fe.xml", line, duns) for line, duns in LIPITOR_SITES),
        ("registration.xml", 10, "987654321"),
    ]


def test_truncated_xml_names_file_and_line(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "spl.xml"
    path.write_bytes((data_dir / SNAPSHOT).read_bytes()[:20_000])
    problem = _error(path).problems[0]
    assert problem.file == str(path) and "not well-formed XML" in problem.message
    assert problem.line is not None and problem.line > 300


def test_doctype_and_entities_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "spl.xml"
    path.write_text('<?xml version="1.0"?>\n'
                    '<!DOCTYPE document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                    '<document xmlns="urn:hl7-org:v3">&b;</document>\n', encoding="utf-8")
    problem = _error(path).problems[0]
    assert (problem.file, problem.line) == (str(path), 2) and "DOCTYPE" in problem.message


def test_missing_set_id_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "spl.xml"
    path.write_text(REGISTRATION.replace('<setId root="66666666-7777-8888-9999-000000000000"/>', ""),
                    encoding="utf-8")
    problem = _error(path).problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), 10, "set_id")


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "spl.xml"
    path.write_bytes(REGISTRATION.replace("Site   One", "Site \x81 One").encode("latin-1"))
    problem = _error(path).problems[0]
    assert (problem.file, problem.line) == (str(path), 14) and "not well-formed" in problem.message


def test_corrupt_zip_and_corrupt_nested_zip(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"cut short" * 20)
    assert "not a readable zip archive" in _error(broken).problems[0].message
    release = _zip(tmp_path / "release.zip", {"prescription/label.zip": b"PK\x03\x04 not a zip"})
    problem = _error(release).problems[0]
    assert problem.file == f"{release}!prescription/label.zip" and "nested zip" in problem.message
