"""Watch lists beside the atlas, the alerts that concern them, and their delivery (summary, Markdown, Atom, webhook)."""
