"""openFDA drug labels: which labeler markets which product NDC with which ingredient UNII."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from rxatlas.errors import Problem, SourceError
from rxatlas.sources.base import Column, Fact, FileSpec, LocalFile, Row, Source, Table
from rxatlas.sources.readers import csv_records, kind_of, open_binary

CSV_HEADER = {
    "company": "labeler", "product_ndc": "product_ndc", "product_name": "product_name", "unii": "unii",
    "ingredient": "ingredient", "label_effective_date": "effective_date", "spl_set_id": "spl_set_id",
}
TABLE = "label_ingredient"


def _first(block: Mapping[str, Any], key: str) -> str | None:
    values = block.get(key) or []
    return values[0] if values else None


def _json_rows(file: LocalFile, labels: list[dict[str, Any]]) -> Iterator[Row]:
    """One row per label, product NDC and ingredient UNII (one without UNII when none); record number as line."""
    for number, label in enumerate(labels, start=1):
        openfda = label.get("openfda") or {}
        uniis = openfda.get("unii") or []
        substances = openfda.get("substance_name") or []
        # openFDA lists UNIIs and substance names separately, each sorted: a name is only certain when alone
        ingredient = substances[0] if len(uniis) == 1 and len(substances) == 1 else None
        for ndc in openfda.get("product_ndc") or []:
            for unii in uniis or [None]:
                yield Row(TABLE, file, number, {
                    "labeler": _first(openfda, "manufacturer_name"), "product_ndc": ndc,
                    "product_name": _first(openfda, "brand_name"), "generic_name": _first(openfda, "generic_name"),
                    "unii": unii, "ingredient": ingredient, "effective_date": label.get("effective_time"),
                    "spl_set_id": label.get("set_id"),
                })


def _load_json(file: LocalFile) -> list[dict[str, Any]]:
    with open_binary(file, "*.json") as stream:
        try:
            document = json.load(stream)
        except (json.JSONDecodeError, UnicodeDecodeError, EOFError) as exc:
            raise SourceError(file.source, Problem(
                f"not a readable openFDA JSON file ({exc}); download it again", str(file.path),
                getattr(exc, "lineno", None), "results")) from exc
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list):
        raise SourceError(file.source, Problem(
            "no 'results' list: expected an openFDA label response or bulk file", str(file.path), 1, "results"))
    return results


def _is_json(file: LocalFile) -> bool:
    if kind_of(file) == "zip":
        return True  # the bulk download is a zip holding one JSON file
    with open_binary(file) as stream:
        return stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


class OpenFdaLabel(Source):
    id = "openfda_label"
    title = "openFDA drug labels: labeler, product NDC and ingredient UNII"
    publisher = "US Food and Drug Administration (openFDA)"
    homepage = "https://open.fda.gov/apis/drug/label/"
    licence = "CC0 1.0 (openFDA); label text US Government work"
    refresh_days = 14
    files = (
        FileSpec(
            name="labels",
            url="https://api.fda.gov/drug/label.json?limit=1000",
            mirror_glob="openfda_label_sample/openfda_label_*.csv",
            format="CSV extract (labeler, NDC, UNII), or openFDA label JSON: an API page or a bulk "
                   "drug-label-*.json.zip part from download.open.fda.gov/drug/label",
            doc="a sample of labels, not the full set",
        ),
    )
    tables = (
        Table(
            TABLE,
            (
                Column("labeler", required=True, doc="openfda.manufacturer_name: the labeler"),
                Column("product_ndc", required=True, doc="labeler-product NDC, e.g. 50090-0481"),
                Column("product_name", doc="brand name of the labelled product"),
                Column("generic_name", doc="generic name (JSON variant only)"),
                Column("unii", doc="FDA UNII of an ingredient; empty when the label lists none (kits, some biologics)"),
                Column("ingredient", doc="substance name of the UNII (JSON: only when the label has one)"),
                Column("effective_date", "DATE", formats=("%Y%m%d",), doc="label effective date"),
                Column("spl_set_id", doc="SPL set id of the label"),
            ),
            doc="one row per label, product NDC and ingredient UNII; the sample repeats two rows",
        ),
    )
    facts = (
        Fact("rows", "SELECT count(*) FROM latest.openfda_label__label_ingredient"),
        Fact("labelers", "SELECT count(DISTINCT labeler) FROM latest.openfda_label__label_ingredient"),
    )
    quirks = (
        "The mirror holds a CSV sample extracted from labels (one NDC per label); the official API and bulk "
        "files are JSON, read here into the same table.",
        "openFDA lists UNIIs and substance names in separate sorted lists: a UNII's name is certain only when "
        "a label has one of each.",
        "A JSON file is read whole into memory: prefer API pages or single bulk parts.",
    )

    def parse(self, files: Mapping[str, LocalFile]) -> Iterator[Row]:
        """Yield one row per label ingredient from the CSV extract or openFDA JSON."""
        file = files["labels"]
        if _is_json(file):
            yield from _json_rows(file, _load_json(file))
            return
        for line, record in csv_records(file, CSV_HEADER):
            yield Row(TABLE, file, line, {col: record[h] for h, col in CSV_HEADER.items()})
