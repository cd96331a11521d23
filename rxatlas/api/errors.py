"""One JSON error shape for every error the API returns: {"error": {"code", "message", "detail"}}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from rxatlas.errors import AtlasMissingError, InputError, NotFoundError, QueryError, RxAtlasError

log = logging.getLogger("rxatlas.api")

CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
         415: "unsupported_media_type", 422: "validation_error", 500: "internal_error", 503: "atlas_unavailable",
         504: "timeout"}


class ErrorInfo(BaseModel):
    """What went wrong: a stable code, a sentence saying what to do, and optional details."""

    code: str
    message: str
    detail: Any = None


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorInfo


RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description} for status, description in (
        (400, "The input is not usable (the message says why and what to do)"),
        (404, "Nothing found"),
        (422, "A parameter failed validation (detail lists each problem)"),
        (503, "No usable atlas (none built yet, or the file is broken)"))}


class ApiError(Exception):
    """An error with an HTTP status, raised by the routers."""

    def __init__(self, status: int, message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail


def not_found(what: str, hint: str) -> ApiError:
    """A 404 naming what was not found and where to look instead."""
    return ApiError(404, f"no {what}; {hint}")


def error_body(status: int, message: str, detail: Any = None) -> dict[str, Any]:
    """The body of an error response."""
    return {"error": {"code": CODES.get(status, f"http_{status}"), "message": message, "detail": detail}}


def error_response(status: int, message: str, detail: Any = None) -> JSONResponse:
    """The JSON response of an error."""
    return JSONResponse(error_body(status, message, detail), status_code=status)


def _status_of(exc: RxAtlasError) -> int:
    if isinstance(exc, AtlasMissingError):
        return 503
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, (InputError, QueryError)):
        return 400
    return 500


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, exc.detail)


async def _rxatlas_error(_: Request, exc: Exception) -> JSONResponse:
    return error_response(_status_of(exc), str(exc))  # type: ignore[arg-type]


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    messages = {404: "no such resource; see /openapi.json for the endpoints",
                405: "method not allowed here; the API is read-only apart from the POST endpoints it lists"}
    response = error_response(exc.status_code, messages.get(exc.status_code) or str(exc.detail))
    response.headers.update(exc.headers or {})
    return response


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail = [{"loc": list(e["loc"]), "message": e["msg"], "type": e["type"]} for e in exc.errors()]
    where = "; ".join(f"{'.'.join(map(str, d['loc']))}: {d['message']}" for d in detail)
    return error_response(422, f"invalid request ({where}); fix the parameters (see /openapi.json)", detail)


async def _server_error(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal error; the server log has the details, please report it")


def install(app: FastAPI) -> None:
    """Register the handlers that turn every exception into the one error shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RxAtlasError, _rxatlas_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _server_error)
