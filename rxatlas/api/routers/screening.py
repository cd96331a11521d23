"""Screening: upload a supplier file (CSV or Excel) and get every row screened against the watch lists."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response

from rxatlas.api.errors import ApiError, ErrorBody
from rxatlas.api.models import Answer, IsoDate
from rxatlas.api.state import AtlasState, json_response, state_of
from rxatlas.api.work import off_loop
from rxatlas.errors import InputError

router = APIRouter(prefix="/api", tags=["screening"])
State = Annotated[AtlasState, Depends(state_of)]
SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm"}


def _save(upload: UploadFile, folder: Path) -> Path:
    """Copy the upload to a file of the same suffix (the readers tell CSV from Excel by content)."""
    suffix = Path(upload.filename or "").suffix.lower()
    target = folder / f"suppliers{suffix if suffix in SUFFIXES else '.csv'}"
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out)
    if target.stat().st_size == 0:
        raise ApiError(400, "the uploaded file is empty; send a CSV or Excel file with a supplier name column")
    return target


@router.post("/screen", response_model=Answer, responses={400: {"model": ErrorBody}, 413: {"model": ErrorBody},
                                                         504: {"model": ErrorBody}},
             summary="Screen a supplier file")
async def screen(
    state: State,
    file: Annotated[UploadFile, File(description="Supplier list: CSV (UTF-8, CP949/EUC-KR, GB18030) or Excel.")],
    as_of: Annotated[IsoDate | None, Query(description="Screen against the lists as of this date (default today).")]
    = None,
    name_column: Annotated[str | None, Query(max_length=200, description="Column with supplier names.")] = None,
    country_column: Annotated[str | None, Query(max_length=200, description="Column with countries.")] = None,
    encoding: Annotated[str | None, Query(max_length=40, description="Text encoding of a CSV, if not detected.")]
    = None,
) -> Response:
    """Every row with status, matched list entry, score and path (parent/subsidiary), as `rxatlas screen --json`.

    The work runs off the event loop within RXATLAS_REQUEST_TIMEOUT seconds (504 past it)."""
    from rxatlas.screen.screen import screen_file

    name = Path(file.filename or "the uploaded file").name

    def work() -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="rxatlas-screen-") as folder:
            path = _save(file, Path(folder))
            try:
                with state.lock:
                    run = screen_file(path, state.atlas().engine, as_of or date.today(), name_column=name_column,
                                      country_column=country_column, encoding=encoding)
                    rows = list(run.rows())
            except InputError as exc:  # name the upload as the user knows it, not the server's temporary file
                raise ApiError(400, str(exc).replace(str(path), name).replace(folder, "")) from exc
            payload: dict[str, Any] = {**run.meta(), "file": name, "rows": rows, "counts": run.status_counts()}
        payload["warnings"] = payload["warnings"] + state.warnings({"core.watchlist_entry", "core.firm"})
        return payload

    return json_response(await off_loop(work))
