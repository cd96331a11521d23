"""The mcp command: the atlas's questions as tools of a Model Context Protocol server for assistants."""

from __future__ import annotations

from rxatlas.cli.app import DbOption, app, open_atlas
from rxatlas.extras import needs


@app.command("mcp")
def mcp_cmd(db: DbOption = None) -> None:
    """Serve the atlas's questions as read-only MCP tools on stdio, for assistants (docs/assistant.md)."""
    with needs("mcp", "rxatlas mcp"):
        from rxatlas.assistant.server import serve
    with open_atlas(db) as atlas:
        atlas.sources()  # no atlas (or not one) fails here, in words, not at the assistant's first question
    serve(db)
