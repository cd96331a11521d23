"""Fuzzing the readers of user files and the scenario loader: any input ends in a result or an InputError,
never another exception, within a bounded time per example."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rxatlas.errors import InputError
from rxatlas.scenario.schema import parse_scenario
from rxatlas.screen.inputs import open_suppliers
from rxatlas.supply.portfolio import read_portfolio

FUZZ = settings(max_examples=100, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
CELLS = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)
TEXTS = st.lists(st.lists(CELLS, min_size=1, max_size=4), min_size=1, max_size=8).map(
    lambda rows: "\n".join(",".join(r) for r in rows))
ENCODED = st.tuples(TEXTS, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp949", "gb18030",
                                            "shift_jis", "latin-1"])).map(
    lambda pair: pair[0].encode(pair[1], errors="replace"))
FILES = st.one_of(st.binary(max_size=400), ENCODED, st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=200)))
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | CELLS,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(CELLS, inner, max_size=4),
                    max_leaves=20)
SCENARIO_PARTS = st.fixed_dictionaries({}, optional={
    "name": CELLS, "as_of": st.one_of(CELLS, st.dates().map(str)), "description": JSON,
    "measures": st.lists(st.fixed_dictionaries({"type": st.sampled_from(
        ["exclude_listed", "country_outage", "tariff", "policy", "other"])}, optional={
        "countries": st.lists(st.text(alphabet="ABCNOXYZ", min_size=2, max_size=3), max_size=3),
        "origins": st.lists(st.sampled_from(["CN", "ALL", "XX", "no"]), max_size=3),
        "rate": JSON, "lists": JSON, "ids": JSON, "share_lost": JSON}), max_size=3)})


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        try:
            info, records = open_suppliers(path, name_column=None)
            list(records)
            assert info.name_column
        except InputError:
            pass
        with contextlib.suppress(InputError):
            read_portfolio(path)


@FUZZ
@given(FILES)
def test_user_files_read_or_refuse(data: bytes) -> None:
    _read(b"supplier,substance\n" + data, ".csv")
    _read(data, ".xlsx")


@FUZZ
@given(st.one_of(st.text(max_size=300), JSON.map(json.dumps), SCENARIO_PARTS.map(
    lambda d: yaml.safe_dump(d, allow_unicode=True)), SCENARIO_PARTS.map(json.dumps)))
def test_scenarios_load_or_refuse(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_scenario(text, "fuzz")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=200), JSON.map(json.dumps), SCENARIO_PARTS.map(json.dumps)),
       st.sampled_from(["/api/scenarios/run", "/api/scenarios/compare"]))
def test_scenario_endpoints_never_answer_500(api_client: TestClient, body: str, path: str) -> None:
    response = api_client.post(path, content=body.encode(), headers={"content-type": "application/yaml"})
    assert response.status_code in (200, 400, 404), response.text
    assert set(response.json()) >= ({"error"} if response.status_code >= 400 else {"warnings"})
