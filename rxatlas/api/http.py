"""HTTP details the routes do not see: HEAD answered like GET without a body, and the JSON error shape also
for requests so malformed that they never reach the application (uvicorn's own 400)."""

from __future__ import annotations

import json

import h11
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from rxatlas.api.errors import error_body


class HeadAsGet:
    """ASGI middleware: a HEAD request is served by its GET route, and only the headers are sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class JsonErrorsProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, answering a malformed request with the API's JSON error instead of text."""

    def send_400_response(self, msg: str) -> None:
        body = json.dumps(error_body(400, "malformed HTTP request; send a valid HTTP/1.1 request", msg)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"), h11.Data(data=body),
                      h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()
