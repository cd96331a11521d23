"""Heavy work of a request (an upload, a scenario) off the event loop and within a time limit.

The work runs in a worker thread, so the loop keeps answering other requests; readers of user files stop
themselves at the limit (rxatlas.userfiles.time_limit), and the request is answered with a 504 at the limit
even if the work has not stopped yet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread

from rxatlas import settings
from rxatlas.api.errors import ApiError
from rxatlas.userfiles import time_limit

T = TypeVar("T")
GRACE = 5  # seconds the request waits past the limit for the work to stop on its own and say where it was


async def off_loop(work: Callable[..., T], *args: Any) -> T:
    """Run work(*args) in a worker thread under the request time limit (RXATLAS_REQUEST_TIMEOUT)."""
    seconds = settings.limit("request_seconds")

    def limited() -> T:
        with time_limit(seconds):
            return work(*args)

    try:
        # abandoned at the limit: the thread is not waited for (its reader stops at the limit by itself)
        return await asyncio.wait_for(anyio.to_thread.run_sync(limited, abandon_on_cancel=True), seconds + GRACE)
    except TimeoutError as exc:
        raise ApiError(504, f"the request took more than {seconds} s (the limit, RXATLAS_REQUEST_TIMEOUT); send "
                            "a smaller file or scenario, or use the command line") from exc
