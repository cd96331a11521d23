"""Delivering alerts: a one-line summary, Markdown, an Atom feed per watch list, and a webhook POST."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import httpx

from rxatlas.errors import InputError
from rxatlas.jsontext import dumps

WEBHOOK_SECONDS = 10.0
ATOM = "http://www.w3.org/2005/Atom"


def summary(alerts: dict[str, list[dict[str, Any]]]) -> str:
    """One line: how many alerts each watch list has (what cron mails, or nothing new)."""
    total = sum(len(a) for a in alerts.values())
    if not total:
        return f"nothing new on {len(alerts)} watch list(s)"
    parts = ", ".join(f"{name} {len(a)}" for name, a in alerts.items() if a)
    return f"{total} alert(s): {parts}"


def describe(alert: dict[str, Any]) -> str:
    """One sentence for one alert, naming its evidence."""
    change = alert["change"]
    key = ", ".join(f"{k} {v}" for k, v in alert["key"].items())
    span = f"{change['old_snapshot']} -> {change['new_snapshot']}" if change["old_snapshot"] else \
        str(change["new_snapshot"])
    return (f"{alert['alert']}: {alert['item']} ({alert['source']} {key}, {alert['firm'] or 'no firm'}; "
            f"{span}; {alert['evidence']})")


def markdown(alerts: dict[str, list[dict[str, Any]]]) -> str:
    """The alerts as Markdown, a section per watch list."""
    lines = [f"# rxatlas watch: {summary(alerts)}", ""]
    for name, found in alerts.items():
        lines += [f"## {name}", ""] + [f"- {describe(a)}" for a in found] + ["" if found else "- nothing new", ""]
    return "\n".join(lines).rstrip() + "\n"


def atom(name: str, alerts: list[dict[str, Any]], link: str) -> str:
    """An Atom feed of one watch list's alerts, newest first."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    newest = max((str(a["date"]) for a in alerts), default=None)
    updated = f"{newest}T00:00:00Z" if newest else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for tag, text in (("title", f"rxatlas watch list {name}"), ("id", f"urn:rxatlas:watch:{name}"),
                      ("updated", updated)):
        ET.SubElement(feed, f"{{{ATOM}}}{tag}").text = text
    ET.SubElement(feed, f"{{{ATOM}}}link", href=link, rel="self")
    for a in sorted(alerts, key=lambda a: str(a["date"]), reverse=True):
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        key = ":".join(f"{k}={v}" for k, v in a["key"].items())
        for tag, text in (("title", f"{a['alert']}: {a['item']}"),
                          ("id", f"urn:rxatlas:{name}:{a['source']}:{key}:{a['change']['kind']}:{a['date']}"),
                          ("updated", f"{a['date']}T00:00:00Z"), ("summary", describe(a))):
            ET.SubElement(entry, f"{{{ATOM}}}{tag}").text = text
        ET.SubElement(entry, f"{{{ATOM}}}content", type="application/json").text = dumps(a)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True)


def post(url: str, alerts: dict[str, list[dict[str, Any]]]) -> int:
    """POST the alerts as JSON to a webhook; return the HTTP status (an error status is an input error)."""
    if not url.startswith(("http://", "https://")):
        raise InputError(f"--webhook {url!r} is not an http(s) URL")
    body = dumps({"summary": summary(alerts), "alerts": alerts})
    try:
        response = httpx.post(url, content=body, headers={"Content-Type": "application/json"},
                              timeout=WEBHOOK_SECONDS)
    except httpx.HTTPError as exc:
        raise InputError(f"the webhook {url} could not be reached ({exc}); check the URL") from exc
    if response.status_code >= 400:
        raise InputError(f"the webhook {url} answered HTTP {response.status_code}")
    return response.status_code
