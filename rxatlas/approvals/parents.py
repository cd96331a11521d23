"""Sponsors that are curated subsidiaries of a group whose parent sits in another country, with the sources."""

from __future__ import annotations

from typing import Any

from rxatlas.approvals.partners import source_text
from rxatlas.resolve.curated import load_groups
from rxatlas.warehouse.engine import Engine

# Firms named as members of the curated groups (rxatlas/resolve/data/groups.yaml), by firm resolution.
MEMBERS_SQL = """
SELECT DISTINCT firm_id, record_key AS group_name, mention_name AS member
FROM core.firm_mention WHERE role = 'group_member' AND firm_id IS NOT NULL ORDER BY firm_id, group_name
"""
OWNED = ("subsidiary", "division")


def group_parents(engine: Engine) -> dict[str, dict[str, Any]]:
    """Per firm that is a subsidiary or division of a curated group with a parent elsewhere: parent, country,
    evidence (the group's public sources)."""
    groups = {g.group: g for g in load_groups()}
    found: dict[str, dict[str, Any]] = {}
    for row in engine.query(MEMBERS_SQL).to_pylist():
        group = groups.get(row["group_name"])
        if group is None or row["firm_id"] in found:
            continue
        member = next((m for m in group.members if m.name == row["member"]), None)
        parent = next((m for m in group.members if m.role == "parent"), None)
        if member is None or parent is None or member.role not in OWNED or member.country == parent.country:
            continue
        sources = "; ".join(source_text(s) for s in group.sources)
        found[row["firm_id"]] = {
            "parent": parent.name, "parent_country": parent.country,
            "parent_evidence": f"{member.name} is a {member.role} of {parent.name} ({parent.country}) in the "
                               f"curated group {group.group} (rxatlas/resolve/data/groups.yaml): {sources}",
        }
    return found
