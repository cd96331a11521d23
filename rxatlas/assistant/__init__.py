"""The assistant interface: a Model Context Protocol server whose tools are the atlas's questions (read-only)."""
