"""The API documentation page at /api/docs: built from the OpenAPI document, self-contained (works offline;
no scripts or styles from a CDN, unlike FastAPI's Swagger UI page)."""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)
STYLE = ("body{font:15px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#1d2433}"
         "h2{border-bottom:1px solid #ccd;margin-top:1.6em}code{background:#eef1f6;padding:0 .3em}"
         "table{border-collapse:collapse}td,th{border:1px solid #d5d9e2;padding:2px 6px;text-align:left}"
         ".m{font-weight:bold;color:#0a5}")


def _parameters(operation: dict[str, Any]) -> str:
    rows = "".join(f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p.get('in', ''))}</td>"
                   f"<td>{'yes' if p.get('required') else ''}</td>"
                   f"<td>{escape(p.get('description') or p.get('schema', {}).get('description', ''))}</td></tr>"
                   for p in operation.get("parameters", []))
    return ("<table><tr><th>parameter</th><th>in</th><th>required</th><th>meaning</th></tr>"
            f"{rows}</table>") if rows else ""


def page(schema: dict[str, Any]) -> str:
    """The documentation of every operation of an OpenAPI document as one HTML page."""
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(schema['info']['title'])}</title>"
             f"<style>{STYLE}</style></head><body><h1>{escape(schema['info']['title'])} "
             f"{escape(schema['info']['version'])}</h1><p>{escape(schema['info'].get('description', ''))}</p>"
             "<p>The machine-readable document: <a href='/openapi.json'>/openapi.json</a>.</p>"]
    by_tag: dict[str, list[str]] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            tag = (operation.get("tags") or ["other"])[0]
            by_tag.setdefault(tag, []).append(
                f"<h3><span class='m'>{escape(method.upper())}</span> <code>{escape(path)}</code> "
                f"{escape(operation.get('summary', ''))}</h3><p>{escape(operation.get('description', ''))}</p>"
                + _parameters(operation))
    for tag, entries in by_tag.items():
        parts.append(f"<h2>{escape(tag)}</h2>" + "".join(entries))
    return "".join(parts) + "</body></html>"


@router.get("/api/docs")
def docs(request: Request) -> HTMLResponse:
    """The API documentation page."""
    return HTMLResponse(page(request.app.openapi()))
