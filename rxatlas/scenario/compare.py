"""Compare two scenario results (or one against the baseline) substance by substance."""

from __future__ import annotations

from typing import Any


def _index(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["unii"]: s for s in result["substances"]}


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Per-substance differences between results a and b: sources after, HHI after, firms lost in one only."""
    ia, ib = _index(a), _index(b)
    rows = []
    for unii in sorted(ia.keys() | ib.keys()):
        sa, sb = ia.get(unii), ib.get(unii)
        base = sa or sb
        assert base is not None
        lost_a = {r["firm_id"]: r for r in (sa or {}).get("lost", [])}
        lost_b = {r["firm_id"]: r for r in (sb or {}).get("lost", [])}
        after_a = sa["sources_after"] if sa else base["sources_before"]
        after_b = sb["sources_after"] if sb else base["sources_before"]
        hhi_a = sa["hhi_after"] if sa else base["hhi_before"]
        hhi_b = sb["hhi_after"] if sb else base["hhi_before"]
        if after_a == after_b and hhi_a == hhi_b and lost_a.keys() == lost_b.keys():
            continue
        rows.append({"unii": unii, "substance": base["substance"], "sources_before": base["sources_before"],
                     "sources_after_a": after_a, "sources_after_b": after_b, "difference": after_a - after_b,
                     "hhi_after_a": hhi_a, "hhi_after_b": hhi_b,
                     "lost_only_in_a": [{k: r[k] for k in ("firm", "country", "reason", "measure", "dmfs")}
                                        for f, r in sorted(lost_a.items()) if f not in lost_b],
                     "lost_only_in_b": [{k: r[k] for k in ("firm", "country", "reason", "measure", "dmfs")}
                                        for f, r in sorted(lost_b.items()) if f not in lost_a]})
    rows.sort(key=lambda r: (r["difference"], r["substance"]))
    return {"a": a["scenario"]["name"], "b": b["scenario"]["name"],
            "summary": {"a": a["summary"], "b": b["summary"], "substances_differing": len(rows)},
            "substances": rows}
