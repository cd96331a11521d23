"""The serve command: the REST API (and the web app, when built) over HTTP with uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from rxatlas import settings
from rxatlas.cli.app import DbOption, app, err
from rxatlas.extras import needs


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to bind; other than 127.0.0.1 exposes the "
                                                     "atlas to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8765,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Worker processes, each with its "
                                                                         "own read-only atlas.")] = 1,
    db: DbOption = None,
) -> None:
    """Serve the read-only REST API (/api, OpenAPI at /openapi.json) and the web app on one port."""
    with needs("web", "rxatlas serve"):
        import uvicorn

        import rxatlas.api  # noqa: F401  (the app uvicorn starts in each worker)
    path = settings.db_path(db)
    if not path.is_file():
        err.print(f"[yellow]warning:[/yellow] no atlas at {path} yet; answers need `rxatlas build` "
                  "(policies and example scenarios work without it)")
    os.environ[settings.ENV_DB] = str(path.resolve())  # how each worker process finds the atlas
    err.print(f"serving http://{host}:{port}/ (API docs at /api/docs); Ctrl+C stops")
    from rxatlas.api.http import JsonErrorsProtocol

    # a stop signal ends the server within seconds even while a request is still working (it is abandoned)
    uvicorn.run("rxatlas.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", http=JsonErrorsProtocol, timeout_graceful_shutdown=5)
