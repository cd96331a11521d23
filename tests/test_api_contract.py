"""Property-based tests of the REST API's OpenAPI contract (schemathesis): no server errors, answers as documented.

Left out, because each call is slow (seconds) and they have their own tests in test_api_endpoints.py and
test_api_errors.py: the upload (/api/screen) and the scenario run and compare endpoints.
The substance lookup maps every unknown name with the full substance mapper (~2 s a call), so it gets one
example (schemathesis adds its own edge cases to it).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from rxatlas.api import create_app
from rxatlas.api.state import AtlasState

SLOW = r"^/api/(screen|scenarios/run|scenarios/compare)$"
LOOKUP = r"^/api/substances/\{name\}$"
# The schema is read from the app at import; the session atlas is plugged in once the fixture has built it
# (schemathesis.pytest.from_fixture does not run under pytest 9).
app = create_app(None, web=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(autouse=True, scope="module")
def _on_session_atlas(atlas_db: Path) -> Iterator[None]:
    app.state.atlas = AtlasState(atlas_db)
    yield
    app.state.atlas.close()


@schema.exclude(path_regex=SLOW).exclude(path_regex=LOOKUP).parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_contract(case: schemathesis.Case) -> None:
    case.call_and_validate()


@schema.include(path_regex=LOOKUP).parametrize()
@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
def test_substance_lookup_contract(case: schemathesis.Case) -> None:
    case.call_and_validate()
