"""The REST API: read-only answers of the atlas over HTTP (FastAPI), one JSON error shape, OpenAPI."""

from __future__ import annotations

from rxatlas.api.app import create_app

__all__ = ["create_app"]
