"""The scenario report: what a what-if scenario does to supply, tariffs and who gains."""

from __future__ import annotations

from rxatlas.atlas import Atlas
from rxatlas.report.charts import bar_chart
from rxatlas.report.labels import labels
from rxatlas.report.layout import Layout
from rxatlas.report.model import Chart, Report, Section


def scenario_report(atlas: Atlas, file: str, lang: str = "en") -> Report:
    """A scenario run: summary, substances losing sources, tariff exposure, who gains, policies applied."""
    from rxatlas.scenario import load_scenario, run
    from rxatlas.scenario.engine import TABLES

    result = run(atlas.engine, load_scenario(file))
    lay, t = Layout(atlas, lang), labels(lang)
    tables = {x for x in TABLES | {"core.api_source"} if atlas.engine.exists(x)}
    s, sc = result["summary"], result["scenario"]
    gains = result["gains"]["by_country"]
    top = max((g["sources"] for g in gains), default=1) or 1
    chart = Chart(
        t["gains"],
        bar_chart([(g["country"], g["sources"] / top, f"{g['sources']:,.0f}") for g in gains[:15]]),
        lay.sources(tables),
        result["gains"]["note"],
    )
    losing = sorted(result["substances"], key=lambda r: (r["sources_after"], r["substance"]))
    sections = [
        Section(
            t["summary"],
            [
                t["scenario_summary"].format(
                    as_of=sc["as_of"],
                    losing=s["substances_losing_sources"],
                    substances=s["substances"],
                    lost=s["sources_lost"],
                    apps=s["applications_affected"],
                ),
                result["scope_note"],
            ],
            [chart],
        ),
        Section(
            t["impacts"],
            tables=[
                lay.table(
                    "impacts",
                    t["impacts"],
                    [
                        "substance",
                        "sources_before",
                        "sources_after",
                        "hhi_before",
                        "hhi_after",
                        "lost",
                        "intermediates_lost",
                    ],
                    [
                        {
                            **{
                                k: r[k]
                                for k in (
                                    "substance",
                                    "sources_before",
                                    "sources_after",
                                    "hhi_before",
                                    "hhi_after",
                                )
                            },
                            "lost": "; ".join(f"{x['firm']} ({x['country']})" for x in r["lost"]),
                            "intermediates_lost": len(r["intermediates_lost"]),
                        }
                        for r in losing
                    ],
                    tables,
                    result["data"]["note"],
                )
            ],
        ),
        Section(
            t["tariffs"],
            tables=[
                lay.table(
                    "tariffs",
                    t["tariffs"],
                    ["measure", "origin", "product_class", "rate", "source_count", "applications"],
                    [{**r, "source_count": r["sources"]} for r in result["tariffs"]["exposure"]],
                    tables,
                    result["tariffs"]["note"],
                ),
                lay.table(
                    "gains",
                    t["gains"],
                    ["country", "substances", "source_count", "mean_share_gain"],
                    [{**g, "source_count": g["sources"]} for g in gains],
                    tables,
                    result["gains"]["note"],
                ),
                lay.table(
                    "policies", t["policies"], ["measure", "title", "status"], result["policies"], set()
                ),
            ],
        ),
    ]
    return lay.report(
        "scenario",
        t["report_scenario"].format(name=sc["name"]),
        sections,
        [result["data"]["note"], *result["warnings"]],
        counts_not_volumes=True,
    )
