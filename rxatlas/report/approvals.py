"""The approvals report: US applications by sponsor country, with partner cases and a timeline."""

from __future__ import annotations

from rxatlas.atlas import Atlas
from rxatlas.report.charts import timeline
from rxatlas.report.labels import labels
from rxatlas.report.layout import Layout
from rxatlas.report.model import Chart, Report, Section


def approvals_report(atlas: Atlas, country: str, lang: str = "en") -> Report:
    """US applications whose sponsor (or originator, for partner cases) is from a country, with a timeline."""
    from rxatlas.approvals import country_approvals
    from rxatlas.approvals.query import TABLES

    view = country_approvals(atlas.engine, country)
    lay, t = Layout(atlas, lang), labels(lang)
    apps = view["applications"]
    types = ", ".join(f"{k} {v}" for k, v in view["by_type"].items())
    chart = Chart(
        t["approvals_timeline"],
        timeline([(y["year"], y["applications"]) for y in view["by_year"] if y["year"] is not None]),
        lay.sources(TABLES),
    )
    limits = view["limits"]
    note = (
        f"Drugs@FDA submissions in this snapshot end {limits['drugsfda_submissions_end']}; "
        "products come from "
        f"the {limits['drugsfda_products_snapshot']} set; partner cases take their dates from the curated, "
        "sourced link"
    )
    sections = [
        Section(
            t["summary"],
            [
                t["approvals_summary"].format(
                    n=len(apps), name=view["name"], types=types, undated=view["undated"]
                )
            ],
            [chart],
        ),
        Section(
            t["applications"],
            tables=[
                lay.table(
                    "applications",
                    t["applications"],
                    [
                        "application",
                        "type",
                        "sponsor",
                        "product",
                        "approval_date",
                        "marketing_status",
                        "origin",
                        "missing",
                        "evidence",
                    ],
                    [
                        {
                            **a,
                            "missing": "; ".join(m.split(":")[0] for m in a["missing"]),
                            "evidence": a["country_evidence"],
                        }
                        for a in apps
                    ],
                    TABLES,
                    note,
                ),
                lay.table(
                    "by_year",
                    t["approvals_timeline"],
                    ["year", "applications", "by_type"],
                    [
                        {
                            "year": y["year"] or t["unknown"],
                            "applications": y["applications"],
                            "by_type": ", ".join(f"{k} {v}" for k, v in y["by_type"].items()),
                        }
                        for y in view["by_year"]
                    ],
                    TABLES,
                ),
            ],
        ),
    ]
    return lay.report("approvals", t["report_approvals"].format(name=view["name"]), sections, [note])
