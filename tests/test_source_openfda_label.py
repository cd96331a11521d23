"""openFDA label sample on the real snapshot, the official JSON (API page and bulk zip), and bad input."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import local_file

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import LocalFile
from rxatlas.sources.fetch import locate
from rxatlas.sources.openfda_label import CSV_HEADER, OpenFdaLabel
from rxatlas.warehouse.load import parse_source

SOURCE = OpenFdaLabel()
SPEC = SOURCE.files[0]
SAME_IN_BOTH = ("labeler", "product_ndc", "product_name", "unii", "effective_date", "spl_set_id")


@pytest.fixture(scope="module")
def mirror_file(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> LocalFile:
    return locate(SOURCE, str(data_dir), tmp_path_factory.mktemp("cache"))["labels"]


@pytest.fixture(scope="module")
def rows(mirror_file: LocalFile) -> list[dict[str, Any]]:
    return parse_source(SOURCE, {"labels": mirror_file})["label_ingredient"].to_arrow().to_pylist()


def _parse(path: Path) -> list[dict[str, Any]]:
    buffers = parse_source(SOURCE, {"labels": local_file(path, SOURCE.id, SPEC)})
    return buffers["label_ingredient"].to_arrow().to_pylist()


def test_counts(rows: list[dict[str, Any]]) -> None:
    assert len(rows) == 2_257
    assert len({r["labeler"] for r in rows}) == 470
    assert sum(r["unii"] is None for r in rows) == 17  # labels listing no UNII (kits, some biologics)


def test_known_record(rows: list[dict[str, Any]]) -> None:
    [naproxen] = [r for r in rows if r["product_ndc"] == "50090-0481"]
    assert (naproxen["labeler"], naproxen["product_name"], naproxen["unii"], naproxen["ingredient"]) == (
        "A-S Medication Solutions", "Naproxen", "57Y76R9ATQ", "NAPROXEN")
    assert str(naproxen["effective_date"]) == "2026-01-29"
    assert naproxen["_line"] == 4


def _as_openfda_json(csv_path: Path) -> dict[str, Any]:
    """The mirror rows rebuilt as an openFDA label response: one label per SPL set id."""
    labels: dict[str, dict[str, Any]] = {}
    with open(csv_path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            label = labels.setdefault(r["spl_set_id"], {
                "set_id": r["spl_set_id"], "effective_time": r["label_effective_date"],
                "openfda": {"manufacturer_name": [r["company"]], "product_ndc": [r["product_ndc"]],
                            "brand_name": [r["product_name"]], "unii": [], "substance_name": []}})
            if r["unii"] and r["unii"] not in label["openfda"]["unii"]:
                label["openfda"]["unii"].append(r["unii"])
                label["openfda"]["substance_name"].append(r["ingredient"])
    return {"meta": {"results": {"total": len(labels)}}, "results": list(labels.values())}


def test_official_json_and_bulk_zip_parse_the_same(
    tmp_path: Path, mirror_file: LocalFile, rows: list[dict[str, Any]]
) -> None:
    document = json.dumps(_as_openfda_json(mirror_file.path))
    page = tmp_path / "label.json"
    page.write_text(document)
    bulk = tmp_path / "drug-label-0001-of-0001.json.zip"
    with zipfile.ZipFile(bulk, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("drug-label-0001-of-0001.json", document)
    # The sample also holds rows without UNII that are fragments of a name split at a comma
    # ("HYDROLYSED BOVINE COLLAGEN (ENZYMATIC" / "3500 MW)"): compare UNII rows and the set of labels.
    expected = {tuple(r[c] for c in SAME_IN_BOTH) for r in rows if r["unii"]}
    for path in (page, bulk):
        got = _parse(path)
        assert {tuple(r[c] for c in SAME_IN_BOTH) for r in got if r["unii"]} == expected
        assert {r["spl_set_id"] for r in got} == {r["spl_set_id"] for r in rows}
        [naproxen] = [r for r in got if r["product_ndc"] == "50090-0481"]
        assert naproxen["ingredient"] == "NAPROXEN"  # one UNII, one substance: the name is certain


def _problem(path: Path) -> Problem:
    with pytest.raises(SourceError) as caught:
        _parse(path)
    [problem] = caught.value.problems
    assert problem.file == str(path)
    return problem


HEAD = ",".join(CSV_HEADER) + "\n"
ROW = "A-S Medication Solutions,50090-0481,Naproxen,57Y76R9ATQ,NAPROXEN,20260129,8c45ef1f\n"


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(HEAD.replace(",unii", "") + ROW)
    problem = _problem(path)
    assert (problem.line, problem.field) == (1, "unii")


def test_truncated_file(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(HEAD + ROW + ROW[:30])
    problem = _problem(path)
    assert (problem.line, problem.field) == (3, "product_name")


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_bytes((HEAD + ROW).encode() + ROW.replace("Naproxen", "Napr\xf6xen").encode("latin-1"))
    problem = _problem(path)
    assert (problem.line, problem.field) == (3, "product_name")


def test_truncated_json(tmp_path: Path) -> None:
    path = tmp_path / "label.json"
    path.write_text('{"meta": {}, "results": [{"set_id": "x", "openfda": {"unii": ["A"')
    problem = _problem(path)
    assert (problem.line, problem.field) == (1, "results")


def test_core_label_ingredient(atlas_db: Path) -> None:
    with duckdb.connect(str(atlas_db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT labeler) FROM core.label_ingredient").fetchone() == (
            2_257, 470)
        assert con.execute("SELECT labeler, unii FROM core.label_ingredient WHERE product_ndc = '15631-0404'"
                       ).fetchall() == [("Rxhomeo", "ETJ7Z6XBU4")]
