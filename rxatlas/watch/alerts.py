"""Alerts: the changes that concern a watch list's substances or firms, each with the evidence rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

from rxatlas.history.changes import changes
from rxatlas.resolve.names import name_key
from rxatlas.warehouse.engine import Engine
from rxatlas.watch.listed import list_changes
from rxatlas.watch.lists import Watch

# What a change of a fact means to someone watching supply; changes not named here raise no alert.
ALERTS = {
    ("fda_dmf.dmf", "added"): "new API source",
    ("fda_dmf.dmf", "removed"): "lost API source",
    ("fda_dmf.dmf", "closed"): "lost API source",
    ("fda_ndc_unfinished.product", "added"): "new API source",
    ("fda_ndc_unfinished.product", "removed"): "lost API source",
    ("fda_shortages.openfda", "added"): "shortage posted",
    ("fda_shortages.openfda", "closed"): "shortage resolved",
    ("fda_shortages.dsc", "added"): "shortage posted",
    ("fda_shortages.dsc", "closed"): "shortage resolved",
    ("fda_drugsfda.application", "added"): "new approval",
}
DISCONTINUED = "To Be Discontinued"
# Facts whose subject names a substance, so a substance watch can be matched to them.
SUBSTANCE_FACTS = {"fda_dmf.dmf", "fda_ndc_unfinished.product", "fda_shortages.openfda", "fda_shortages.dsc"}


def alert_kind(change: dict[str, Any]) -> str | None:
    """What a change means to a watcher (None: nothing to alert on)."""
    row = change["new"] or change["old"]
    if change["fact"] == "fda_dmf.dmf" and row["type"] != "II":
        return None  # only Type II DMFs are drug-substance sources
    if change["fact"].startswith("fda_shortages.") and change["kind"] == "changed":
        status = next((f["new"] for f in change["fields"] if f["field"] == "status"), None)
        return "shortage to be discontinued" if status == DISCONTINUED else None
    return ALERTS.get((change["fact"], change["kind"]))


def _substance_of(engine: Engine, subjects: list[str]) -> dict[str, str]:
    """Map subject texts (DMF subjects, listing substances, shortage names) to substance UNIIs."""
    from rxatlas.resolve.substances import map_subjects

    if not subjects or not engine.exists("core.substance_name"):
        return {}
    mapped = map_subjects(engine, pa.table({"subject": pa.array(subjects, pa.string())})).to_pylist()
    return {r["subject"]: r["unii"] for r in mapped if r["unii"]}


def check(engine: Engine, watch: Watch, since: date | None = None) -> list[dict[str, Any]]:
    """The alerts of one watch list: changes since a date that concern its items only."""
    found = [(c, kind) for c in changes(engine, since=since) if (kind := alert_kind(c))]
    alerts = []
    if watch.uniis:
        candidates = [(c, k) for c, k in found if c["fact"] in SUBSTANCE_FACTS]
        unii_of = _substance_of(engine, sorted({s for c, _ in candidates for s in c["subjects"]}))
        names = {i["unii"]: i["substance"] for i in watch.items if i.get("unii")}
        for change, kind in candidates:
            hit = sorted({unii_of[s] for s in change["subjects"] if unii_of.get(s) in watch.uniis})
            alerts += [_alert(watch, kind, names[u], change) for u in hit]
    if watch.firms:  # on the screening lists by the screener (aliases, affiliates), elsewhere by firm name
        alerts += [_alert(watch, "newly matched on a watch list" if since else "matched on a watch list",
                          c["key"]["supplier"], c) for c in list_changes(engine, watch, since)]
        keys = {name_key(f): f for f in watch.firms if name_key(f)}
        for change, kind in found:
            firms = [name_key(f) for f in change["firms"]]
            alerts += [_alert(watch, kind, name, change) for key, name in keys.items()
                       if any(key in firm for firm in firms)]
    return alerts


def _alert(watch: Watch, kind: str, item: str, change: dict[str, Any]) -> dict[str, Any]:
    row = change["new"] or change["old"]
    evidence = row.get("path") or f"{row['file']} line {row['line']}"
    return {"watch": watch.name, "alert": kind, "item": item, "date": change["new_snapshot"],
            "source": change["source"], "key": change["key"], "firm": change["firm"], "evidence": evidence,
            "change": change}
