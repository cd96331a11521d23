"""Sources and provenance: every loaded source with snapshot, licence and files; a raw record by file line."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from rxatlas.api.errors import ErrorBody, not_found
from rxatlas.api.models import Answer, Page, page
from rxatlas.api.state import AtlasState, json_response, state_of
from rxatlas.atlas import Atlas

router = APIRouter(prefix="/api", tags=["sources and provenance"])
State = Annotated[AtlasState, Depends(state_of)]
FILE_SQL = "SELECT file, sha256, bytes, snapshot, spec FROM meta.files WHERE source = ? AND file = ? LIMIT 1"


@router.get("/sources", response_model=Page, summary="Loaded sources")
def sources(state: State) -> Response:
    """Every source: title, publisher, licence, snapshot date, age, staleness, files (sha256) and row counts."""
    rows = state.sources()
    stale = [f"{s['source']} snapshot of {s['snapshot']} is {s['age_days']} days old (expected refresh every "
             f"{s['refresh_days']} days)" for s in rows if s["stale"]]
    return json_response({**page(rows, len(rows), len(rows), 0), "warnings": stale})


@router.get("/provenance", response_model=Answer, responses={404: {"model": ErrorBody}},
            summary="The raw record behind a row")
async def provenance(
    state: State,
    table: Annotated[str, Query(pattern=r"^[a-z0-9_]+__[a-z0-9_]+$",
                                description="Raw table, <source>__<table>, e.g. fda_dmf__dmf.")],
    line: Annotated[int, Query(ge=0, le=1_000_000_000, description="Line (or record number) in the file.")],
    file: Annotated[str | None, Query(max_length=300, description="File name, when the table has several.")] = None,
) -> Response:
    """The record(s) of a raw table at a file line (latest snapshot), with the file's sha256 and snapshot."""

    def compute(atlas: Atlas) -> dict[str, Any]:
        known = {t for schema, t in atlas.engine.tables("latest") if schema == "latest"}
        if table not in known:
            raise not_found(f"raw table {table!r}", "name one of the latest.* tables, e.g. fda_dmf__dmf "
                            "(the _source of a row and its table)")
        # table is one of the atlas's own view names (checked above), never user text in SQL.
        records = atlas.engine.query(f"SELECT * FROM latest.{table} WHERE _line = ? AND (? IS NULL OR _file = ?)",
                                     [line, file, file]).to_pylist()
        if not records:
            raise not_found(f"record at line {line} of {table}" + (f" in {file}" if file else ""),
                            "use the _line and _file of a row's provenance")
        source = table.split("__")[0]
        files = [atlas.engine.query(FILE_SQL, [source, f]).to_pylist() for f in sorted({r["_file"] for r in records})]
        return {"table": f"latest.{table}", "line": line, "records": records,
                "files": [f[0] for f in files if f]}

    return await state.answer(("provenance", table, line, file), {f"latest.{table}"}, compute)
