"""Scenarios: the example files, and running or comparing scenarios (YAML or JSON bodies) on the atlas."""

from __future__ import annotations

from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from rxatlas.api.errors import ApiError, ErrorBody, not_found
from rxatlas.api.models import Answer, Page, Scope, page
from rxatlas.api.state import AtlasState, json_response, state_of
from rxatlas.api.work import off_loop
from rxatlas.scenario import BASELINE, Scenario, compare, load_scenario
from rxatlas.scenario.examples import examples
from rxatlas.scenario.schema import parse_scenario
from rxatlas.yamlfile import parse

router = APIRouter(prefix="/api/scenarios", tags=["scenarios"])
State = Annotated[AtlasState, Depends(state_of)]
BODY_TYPES = {"application/json": "a JSON object", "application/yaml": "YAML text",
              "application/x-yaml": "YAML text", "text/yaml": "YAML text", "text/plain": "YAML text"}
SCENARIO_BODY = {"required": True, "content": {
    "application/json": {"schema": {"$ref": "#/components/schemas/Scenario"}},
    "application/yaml": {"schema": {"type": "string", "description": "The scenario as YAML (see examples/)."}}}}
COMPARE_BODY = {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["a"], "additionalProperties": False,
    "properties": {"a": {"anyOf": [{"$ref": "#/components/schemas/Scenario"}, {"type": "string"}],
                         "description": "A scenario, or the name of an example"},
                   "b": {"anyOf": [{"$ref": "#/components/schemas/Scenario"}, {"type": "string"}],
                         "description": "A scenario, the name of an example, or `baseline` (default)"}}}}}}


def _example(name: str) -> Scenario:
    if name == BASELINE:
        return load_scenario(BASELINE)
    file = examples().get(name)
    if file is None:
        raise not_found(f"example scenario {name!r}", f"known examples: {', '.join(examples()) or 'none'}, "
                        "or `baseline`")
    return load_scenario(file)


async def _body(request: Request) -> str:
    """The request body as text (its size is limited by the app), refused in an unknown media type."""
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media not in BODY_TYPES:
        raise ApiError(415, f"send the scenario as {', '.join(sorted(BODY_TYPES))}, not {media}")
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "the body is not UTF-8 text; send the scenario as UTF-8 YAML or JSON") from exc


def _scenario(value: Any, where: str) -> Scenario:
    """A scenario given inline (an object) or by example name."""
    if isinstance(value, str):
        return _example(value)
    return parse_scenario(yaml.safe_dump(value, sort_keys=False, allow_unicode=True), where)


def _pair(text: str) -> tuple[Scenario, Scenario]:
    """Scenarios a and b of a compare body."""
    body = parse(text, "the request body", 'send {"a": ..., "b": ...}')
    if not isinstance(body, dict) or "a" not in body or set(body) - {"a", "b"}:
        raise ApiError(400, 'send an object {"a": scenario or example name, "b": scenario, example name or '
                            '"baseline"}')
    return _scenario(body["a"], "scenario a"), _scenario(body.get("b", BASELINE), "scenario b")


def _run(state: AtlasState, scenarios: list[Scenario], scope: str) -> list[dict[str, Any]]:
    from rxatlas.scenario.engine import TABLES

    with state.lock:
        atlas = state.atlas()
        results = [atlas.scenario(s, scope) for s in scenarios]
    warnings = state.warnings(TABLES | {"core.api_source"})
    return [{**r, "warnings": [*r.get("warnings", []), *warnings]} for r in results]


@router.get("", response_model=Page, summary="The example scenarios")
def list_examples() -> Response:
    """Every example file: its name (to run or compare by) and the scenario it holds (to edit and send back)."""
    rows = [{"name": name, "file": f"examples/{file.name}", "scenario": load_scenario(file).model_dump(mode="json")}
            for name, file in examples().items()]
    return json_response({**page(rows, len(rows), len(rows), 0), "warnings": []})


@router.get("/{name}", response_model=Answer, responses={404: {"model": ErrorBody}}, summary="One example scenario")
def example(name: Annotated[str, Path(min_length=1, max_length=100)]) -> Response:
    """An example scenario by name, as JSON (the body POST /api/scenarios/run takes)."""
    return json_response({**_example(name).model_dump(mode="json"), "warnings": []})


@router.post("/run", response_model=Answer, openapi_extra={"requestBody": SCENARIO_BODY},
             responses={400: {"model": ErrorBody}, 413: {"model": ErrorBody}, 415: {"model": ErrorBody}},
             summary="Run a scenario")
async def run_scenario(request: Request, state: State, scope: Scope = "us_human_rx") -> Response:
    """Apply a scenario (YAML or JSON, checked against the scenario schema): sources lost, HHI, tariffs, gains."""
    text = await _body(request)
    scenario = await off_loop(parse_scenario, text, "the request body")
    return json_response((await run_in_threadpool(_run, state, [scenario], scope))[0])


@router.post("/compare", response_model=Answer, openapi_extra={"requestBody": COMPARE_BODY},
             responses={400: {"model": ErrorBody}, 413: {"model": ErrorBody}, 415: {"model": ErrorBody}},
             summary="Compare two scenarios")
async def compare_scenarios(request: Request, state: State, scope: Scope = "us_human_rx") -> Response:
    """Compare scenario a with b (default `baseline`) substance by substance; each inline or an example name."""
    a, b = await off_loop(_pair, await _body(request))
    result_a, result_b = await run_in_threadpool(_run, state, [a, b], scope)
    return json_response({**compare(result_a, result_b), "warnings": result_a["warnings"]})
