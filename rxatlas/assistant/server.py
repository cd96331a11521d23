"""The MCP server: the atlas's questions as tools, over stdio, for assistants such as Claude Desktop."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

from rxatlas import __version__
from rxatlas.assistant.tools import AtlasTools, policy

INSTRUCTIONS = (
    "rxatlas answers where medicines (their active ingredients, APIs) are made, from public FDA and other "
    "records: qualified API sources by firm and country, concentration, who markets a medicine in the US, "
    "shortages, supply risk, watch-list screening, policies and what-if scenarios. Every answer is JSON "
    '{"answer": ..., "sources": [...]}: say which sources and snapshot dates an answer rests on, and say when a '
    "source is stale. Counts are of distinct qualified sources, not volumes. The atlas is read-only."
)
# Every tool only reads the atlas, and answers from it alone (no web look-ups).
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
TOOLS = ("substance", "firm", "country", "shortages", "classes", "risk", "opportunities", "screen", "scenario",
         "approvals", "sources")


def _add(server: MCPServer, name: str, tool: Callable[..., str]) -> None:
    server.add_tool(tool, name=name, description=inspect.getdoc(tool), annotations=READ_ONLY,
                    structured_output=False)


def create_server(db: str | Path | None = None) -> MCPServer:
    """An MCP server whose tools answer from the atlas at db (opened read-only on each call)."""
    server: MCPServer = MCPServer("rxatlas", instructions=INSTRUCTIONS, version=__version__)
    tools = AtlasTools(db)
    for name in TOOLS:
        _add(server, name, getattr(tools, name))
    _add(server, "policy", policy)
    return server


def serve(db: str | Path | None = None) -> None:
    """Serve the tools on standard input and output until the client closes them."""
    create_server(db).run("stdio")
