"""The FastAPI application: the /api routers over one read-only atlas, and the web app's files at /."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from pydantic.json_schema import models_json_schema

from rxatlas import __version__
from rxatlas.api import docs, errors
from rxatlas.api.http import HeadAsGet
from rxatlas.api.limits import BodyLimit
from rxatlas.api.routers import (
    changes,
    classes,
    countries,
    firms,
    korea,
    metrics,
    policies,
    provenance,
    scenarios,
    screening,
    shortages,
    substances,
    supply,
)
from rxatlas.api.state import AtlasState
from rxatlas.scenario import Scenario

WEB_STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
ROUTERS = (substances, firms, countries, korea, metrics, supply, shortages, classes, screening, scenarios, policies,
           provenance, changes)
DESCRIPTION = ("Read-only answers of the rxatlas atlas: where medicines are made, concentration, screening, "
               "scenarios and policies. Every error has the shape {\"error\": {\"code\", \"message\", \"detail\"}}; "
               "answers carry a `warnings` list (stale sources and similar cautions).")


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the scenario schema the run and compare bodies refer to."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        _, defs = models_json_schema([(Scenario, "validation")], ref_template="#/components/schemas/{model}")
        schema.setdefault("components", {}).setdefault("schemas", {}).update(defs.get("$defs", {}))
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(db: Path | str | None = None, web: bool = True) -> FastAPI:
    """The API over the atlas at db (default: $RXATLAS_DB or the per-user atlas), with the web app if built."""
    state = AtlasState(db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(title="rxatlas API", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None)  # /api/docs is rxatlas.api.docs: offline, no CDN
    app.state.atlas = state
    errors.install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(HeadAsGet)
    for module in ROUTERS:
        app.include_router(module.router, responses=errors.RESPONSES)
    app.include_router(docs.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    if web and WEB_STATIC.is_dir():  # mounted last: the /api routes win over files
        app.mount("/", StaticFiles(directory=WEB_STATIC, html=True), name="web")
    return app
