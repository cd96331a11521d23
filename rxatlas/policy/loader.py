"""Load the knowledge base: every YAML file of a folder, validated, with ids unique across files."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from rxatlas.errors import InputError
from rxatlas.policy.schema import Policy, PolicyFile
from rxatlas.yamlfile import load_model

SHIPPED = "rxatlas/policy/data"
HINT = "fix the policy file (docs/policy.md describes every field)"


def _files(folder: Path | None) -> list[tuple[str, Traversable | Path]]:
    if folder is None:
        root = resources.files("rxatlas.policy").joinpath("data")
        return sorted((f"{SHIPPED}/{f.name}", f) for f in root.iterdir() if f.name.endswith(".yaml"))
    if not folder.is_dir():
        raise InputError(f"policy folder {folder} does not exist; give a folder of *.yaml policy files")
    return sorted((str(p), p) for p in folder.glob("*.yaml"))


def load_policies(folder: Path | None = None) -> dict[str, Policy]:
    """Every measure of the knowledge base by id (the shipped files, or the YAML files of a folder)."""
    found: dict[str, Policy] = {}
    where_of: dict[str, str] = {}
    for where, file in _files(folder):
        for policy in load_model(file.read_text(encoding="utf-8"), where, PolicyFile, HINT).policies:
            if policy.id in found:
                raise InputError(f"{where}: policy id {policy.id!r} is also defined in {where_of[policy.id]}; "
                                 "ids must be unique across the knowledge base")
            found[policy.id], where_of[policy.id] = policy, where
    for policy in found.values():
        unknown = sorted(set(policy.related) - found.keys())
        if unknown:
            raise InputError(f"{where_of[policy.id]}: policy {policy.id!r} relates to unknown ids {unknown}; "
                             f"known ids: {', '.join(sorted(found))}")
    if not found:
        raise InputError(f"no policy files found in {folder or SHIPPED}; add *.yaml files with `policies:`")
    return found
