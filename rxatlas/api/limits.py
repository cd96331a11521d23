"""Request body limits: a body past the limit of its path is refused with 413, declared or streamed."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rxatlas.api.errors import error_response

MAX_UPLOAD = 20 * 2**20  # a supplier file
MAX_BODY = 1 * 2**20  # any other body (a scenario)
UPLOAD_PATHS = frozenset({"/api/screen"})
FRAMING = 64 * 2**10  # room for the multipart boundaries and headers around an upload


def limit_of(path: str) -> int:
    """The largest body accepted on a path, in bytes."""
    return MAX_UPLOAD + FRAMING if path in UPLOAD_PATHS else MAX_BODY


def too_large(path: str) -> str:
    """What to say when a body passes the limit."""
    what = "the file" if path in UPLOAD_PATHS else "the request body"
    return (f"{what} is larger than {limit_of(path) // 2**20} MB; send a smaller one "
            + ("(split the supplier list, or screen it with `rxatlas screen`)" if path in UPLOAD_PATHS
               else "(a scenario is a few lines)"))


class BodyTooLarge(HTTPException):
    """Raised while a streamed body passes its limit (an HTTPException, so that body parsing lets it through)."""

    def __init__(self, path: str) -> None:
        super().__init__(413, too_large(path))


class BodyLimit:
    """ASGI middleware: refuse a declared Content-Length past the limit at once, and count streamed bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, limit = scope["path"], limit_of(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await error_response(413, too_large(path))(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(path)
            return message

        await self.app(scope, counted, send)
