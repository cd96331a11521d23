"""Schema-checked YAML files: parse, validate with pydantic, and report each problem at its file and line."""

from __future__ import annotations

import re
import types
import typing
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from rxatlas.errors import InputError

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """The base of every file schema: unknown fields are refused, and a loaded model cannot be changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class StrictLoader(yaml.SafeLoader):
    """YAML as people mean it: only true/false are booleans (NO is Norway), and a key given twice is an error."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, (str, int, float, bool)):
                continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice (first on line {seen[key]}); keep one",
                    key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]


StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))


def parse(text: str, where: str, hint: str) -> Any:
    """Parse YAML (or JSON) text strictly; every problem is an InputError naming `where` and its line."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # StrictLoader is a SafeLoader
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: not valid YAML ({' '.join(str(exc).split())}); {hint}") from exc
    except RecursionError as exc:
        raise InputError(f"{where}: nested too deeply to be a real file; {hint}") from exc
    except ValueError as exc:  # a value YAML reads as a date or number that cannot be one, e.g. 2028-13-45
        raise InputError(f"{where}: a value cannot be read ({exc}); write dates as YYYY-MM-DD; {hint}") from exc


def line_of(text: str | yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The line of a YAML node (in text, or a composed node) addressed by a pydantic error location."""
    node = yaml.compose(text, Loader=StrictLoader) if isinstance(text, str) else text
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == part), None)
            if found is None and not isinstance(part, int):
                continue  # a union tag or model name in the location, not a key of the file
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        if node is None:
            return None
    return node.start_mark.line + 1 if node is not None else None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through lists, optionals, unions and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _models_in(typing.get_args(annotation)[0])
    if origin in (list, tuple, set, frozenset, dict, typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]
    return []


def allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at the place of an unknown field (its location without the last part)."""
    candidates = [model]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        tagged = [m for m in candidates if part not in m.model_fields and _tag_of(m) == part]
        if tagged:  # a discriminated union: pydantic puts the tag value in the location
            candidates = tagged
            continue
        candidates = [m for c in candidates if part in c.model_fields
                      for m in _models_in(c.model_fields[part].annotation)]
    return sorted({name for m in candidates for name in m.model_fields})


def _tag_of(model: type[BaseModel]) -> Any:
    field = model.model_fields.get("type")
    args = typing.get_args(field.annotation) if field is not None else ()
    return args[0] if len(args) == 1 else None


def load_model(text: str, where: str, model: type[M], hint: str = "fix the file", max_errors: int = 50) -> M:
    """Parse YAML text and validate it against a model; raise InputError naming the line of each problem
    (the first max_errors of them)."""
    data = parse(text, where, hint)
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = []
        errors = exc.errors()
        tree = yaml.compose(text, Loader=StrictLoader)  # once: composing per error is quadratic
        for err in errors[:max_errors]:
            loc = tuple(err["loc"])
            line = line_of(tree, loc)
            field = ".".join(str(p) for p in loc) or "(top level)"
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = f"unknown field; allowed fields here: {', '.join(allowed_fields(model, loc))}"
            problems.append(f"{where}" + (f" line {line}" if line else "") + f", field {field}: {message}")
        if len(errors) > max_errors:
            problems.append(f"and {len(errors) - max_errors} more problems")
        raise InputError("; ".join(problems) + f"; {hint}") from exc


def data_text(path: Path | None, package: str, shipped: str) -> tuple[str, str]:
    """The text of a data file and the name to cite in errors: the given file, else the one a package ships."""
    if path is None:
        text = resources.files(package).joinpath(shipped).read_text(encoding="utf-8")
        return text, f"{package.replace('.', '/')}/{shipped}"
    return path.read_text(encoding="utf-8"), str(path)
