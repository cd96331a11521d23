"""Watch lists: named sets of substances or firms, kept in a JSON file beside the atlas so rebuilds keep them."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rxatlas.errors import InputError
from rxatlas.warehouse.engine import Engine

KINDS = ("portfolio", "suppliers", "substance", "firm")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class Watch:
    """One watch list: what it watches (substances by UNII, or firm names) and what reading it said."""

    name: str
    kind: str
    items: list[dict[str, Any]]
    origin: str
    created: str
    feedback: list[str] = field(default_factory=list)
    last_checked: str | None = None
    seen: list[str] = field(default_factory=list)

    @property
    def uniis(self) -> set[str]:
        """The substances watched (portfolio and substance lists)."""
        return {i["unii"] for i in self.items if i.get("unii")}

    @property
    def firms(self) -> list[str]:
        """The firm names watched (supplier and firm lists)."""
        return [i["name"] for i in self.items if i.get("name")]


def store_path(db: Path) -> Path:
    """The watch-list file of an atlas: atlas.duckdb -> atlas.watch.json, beside it."""
    return db.with_name(db.stem + ".watch.json")


def load(db: Path) -> dict[str, Watch]:
    """Every watch list of an atlas, by name."""
    path = store_path(db)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {w["name"]: Watch(**w) for w in data["lists"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"the watch-list file {path} is damaged ({exc}); fix or remove it") from exc


def save(db: Path, watches: dict[str, Watch]) -> None:
    """Write the watch lists, replacing the file only once the new one is complete."""
    path = store_path(db)
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps({"lists": [asdict(w) for w in watches.values()]}, indent=1, default=str),
                    encoding="utf-8")
    os.replace(part, path)


def _substances(engine: Engine, path: str, value: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Substances of a portfolio file (or one name), each row resolved or told why not."""
    from rxatlas.supply.portfolio import Entry, Portfolio, read_portfolio, resolve

    portfolio = read_portfolio(path) if value is None else Portfolio(path, [Entry(1, value)])
    resolve(engine, portfolio)
    feedback = list(portfolio.file_messages)
    items = []
    for e in portfolio.entries:
        if e.status != "ok":
            feedback.append(f"line {e.line}: {e.value!r}: {'; '.join(e.messages) or e.status}")
        items += [{"unii": u, "substance": s, "value": e.value, "line": e.line}
                  for u, s in zip(e.uniis, e.substances, strict=True)]
    return items, feedback


def _suppliers(engine: Engine, path: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Supplier names of a supplier file (the screening reader), each told when the atlas knows no such firm."""
    from rxatlas.resolve.lookup import find_firms
    from rxatlas.screen.inputs import open_suppliers

    _, records = open_suppliers(Path(path))
    items, feedback = [], []
    for line, name, country in records:
        items.append({"name": name, "country": country, "line": line})
        if engine.exists("core.firm") and not find_firms(engine, name).num_rows:
            feedback.append(f"line {line}: {name!r}: no firm of that name in the atlas; only list screening and "
                            "firm-name changes can alert on it")
    return items, feedback


def make(engine: Engine, name: str, kind: str, value: str) -> Watch:
    """Read a watch list from a portfolio or supplier file, or one substance or firm name."""
    if not _NAME.match(name):
        raise InputError(f"watch-list name {name!r}: use letters, digits, '.', '_' or '-' (at most 64)")
    if kind not in KINDS:
        raise InputError(f"watch-list kind {kind!r}: use one of {', '.join(KINDS)}")
    if kind == "portfolio":
        items, feedback = _substances(engine, value, None)
    elif kind == "substance":
        items, feedback = _substances(engine, f"--substance {value}", value)
    elif kind == "suppliers":
        items, feedback = _suppliers(engine, value)
    else:
        items, feedback = [{"name": value}], []
    if not items:
        raise InputError(f"watch list {name}: nothing to watch in {value}: " + "; ".join(feedback[:5]))
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    return Watch(name, kind, items, value, created, feedback)


def add(engine: Engine, db: Path, name: str, kind: str, value: str, replace: bool = False) -> Watch:
    """Read and keep a new watch list beside the atlas at db; a list of that name is replaced only when asked."""
    watches = load(db)
    if name in watches and not replace:
        raise InputError(f"a watch list {name!r} exists; pick another name or pass --replace")
    watch = make(engine, name, kind, value)
    watches[name] = watch
    save(db, watches)
    return watch


def alert_id(alert: dict[str, Any]) -> str:
    """A stable id of an alert: the same change of the same item is the same alert at every check."""
    change = alert["change"]
    key = ",".join(f"{k}={v}" for k, v in alert["key"].items())
    return f"{alert['source']}:{key}:{change['kind']}:{change['new_snapshot']}:{alert['item']}"


def unseen(db: Path, alerts: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The alerts no earlier check of their watch list delivered."""
    watches = load(db)
    return {name: [a for a in found if alert_id(a) not in set(watches[name].seen)] for name, found in alerts.items()}


def remember(db: Path, alerts: dict[str, list[dict[str, Any]]]) -> None:
    """Record alerts as delivered and the time of the check, so the next check tells only what is new."""
    watches = load(db)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    for name, found in alerts.items():
        watches[name].seen = sorted(set(watches[name].seen) | {alert_id(a) for a in found})
        watches[name].last_checked = now
    save(db, watches)
