"""Supply reports: where a substance is made, and the supply risk of a portfolio."""

from __future__ import annotations

from pathlib import Path

from rxatlas.atlas import Atlas
from rxatlas.errors import InputError
from rxatlas.report.charts import bar_chart, timeline
from rxatlas.report.labels import labels
from rxatlas.report.layout import Layout, pct
from rxatlas.report.model import Chart, Report, Section


def substance_report(atlas: Atlas, name: str, lang: str = "en") -> Report:
    """Where a substance is made: summary, country shares, API sources, applications, shortages, signals."""
    from rxatlas.supply.substance import substance_answer

    answer = substance_answer(atlas, name)
    if answer["match"] != "unique":
        names = ", ".join(c.get("substance", str(c)) for c in answer.get("candidates", [])[:10])
        raise InputError(
            f"no single substance matches {name!r}"
            + (f"; candidates: {names}" if names else "; try the ingredient name or a UNII")
        )
    lay, t, m = Layout(atlas, lang), labels(lang), answer["metrics"]
    metric_tables = {"core.api_source", "core.substance_metrics"}
    summary = (
        t["substance_summary"].format(
            n_sources=m["n_sources"],
            n_countries=m["n_countries"],
            hhi=f"{m['hhi']:,.0f}" if m["hhi"] is not None else "-",
            band=m["hhi_band"],
            china=pct(m["china_share"]),
            india=pct(m["india_share"]),
        )
        if m
        else t["no_sources"]
    )
    shares = answer["country_shares"]
    bars = bar_chart([(c["country"], c["share"], f"{c['sources']} · {pct(c['share'])}") for c in shares])
    charts = (
        [Chart(t["country_shares"], bars, lay.sources(metric_tables), t["counts_not_volumes"])]
        if shares
        else []
    )
    supply = Section(
        t["supply"],
        [f"{answer['substance']} (UNII {answer['unii']}). {summary}"],
        charts,
        [
            lay.table(
                "country_shares",
                t["country_shares"],
                ["country", "source_count", "share"],
                [
                    {"country": c["country"], "source_count": c["sources"], "share": round(c["share"], 4)}
                    for c in shares
                ],
                metric_tables,
                t["counts_not_volumes"],
            ),
            lay.table(
                "api_sources",
                t["supply"],
                ["firm", "country", "basis", "kind", "dmfs"],
                [
                    {
                        "firm": s["firm"],
                        "country": s["country"],
                        "basis": s["country_basis"],
                        "kind": s["source_kind"],
                        "dmfs": ", ".join(map(str, s["dmf"])),
                    }
                    for s in answer["api_sources"]
                ],
                {"core.api_source", "core.dmf", "core.dmf_holder", "core.facility"},
            ),
            lay.table(
                "intermediates",
                t["intermediates"],
                ["dmfs", "holder", "subject"],
                [
                    {"dmfs": r["dmf"], "holder": r["holder"], "subject": r["subject"]}
                    for r in answer["intermediates"] + answer["combinations"]
                ],
                {"core.dmf", "core.dmf_substance"},
            ),
        ],
    )
    products = Section(
        t["products"],
        tables=[
            lay.table(
                "applications",
                t["products"],
                ["application", "type", "sponsor", "country", "product", "status", "products_n"],
                [
                    {
                        "application": h["appl_no"],
                        "type": h["appl_type"],
                        "sponsor": h["sponsor"],
                        "country": h["sponsor_country"],
                        "product": ", ".join(h["drug_names"]),
                        "status": ", ".join(h["marketing_status"]),
                        "products_n": h["products"],
                    }
                    for h in answer["finished_dose_holders"]
                ],
                {"core.product", "core.application", "core.biologic", "core.firm_mention"},
            )
        ],
    )
    years: dict[int, int] = {}
    for s in answer["shortages"]:
        if s["first_posted"]:
            years[s["first_posted"].year] = years.get(s["first_posted"].year, 0) + 1
    shortage_sources = lay.sources({"core.shortage"})
    signals = Section(
        t["signals"],
        charts=[Chart(t["shortage_timeline"], timeline(sorted(years.items())), shortage_sources)]
        if years
        else [],
        tables=[
            lay.table(
                "shortages",
                t["signals"],
                ["generic_name", "status", "first_posted", "last_update"],
                [
                    {k: s[k] for k in ("generic_name", "status", "first_posted", "last_update")}
                    for s in answer["shortages"]
                ],
                {"core.shortage"},
            ),
            lay.table(
                "quality_signals",
                t["signals"],
                ["event_type", "date", "firm", "action", "linked_by"],
                [
                    {
                        "event_type": q["event_type"],
                        "date": q["event_date"],
                        "firm": q["firm_name"],
                        "action": q["action"],
                        "linked_by": ", ".join(q["linked_by"]),
                    }
                    for q in answer["quality_signals"]
                ],
                {"core.compliance_event", "core.firm_mention"},
            ),
        ],
    )
    return lay.report(
        "substance",
        t["report_substance"].format(name=answer["substance"]),
        [supply, products, signals],
        answer["notes"],
        counts_not_volumes=True,
    )


def portfolio_report(atlas: Atlas, file: Path, lang: str = "en", encoding: str | None = None) -> Report:
    """Supply risk of a portfolio file: row feedback, portfolio figures, dependence chart and top risks."""
    from rxatlas.supply.risk import RISK_TABLES, risk

    answer = risk(atlas.engine, file, top=50, encoding=encoding)
    lay, t = Layout(atlas, lang), labels(lang)
    feedback, agg = answer["portfolio"], answer["aggregates"]
    shares = [
        ("single_source", "share_single_source"),
        ("single_country", "share_single_country"),
        ("china_dependent", "share_china_dependent"),
        ("india_dependent", "share_india_dependent"),
    ]
    chart = Chart(
        t["dependence"],
        bar_chart([(t[k], agg[a] or 0.0, pct(agg[a])) for k, a in shares]),
        lay.sources(RISK_TABLES),
        agg["basis"],
    )
    summary = Section(
        t["summary"],
        [
            t["portfolio_summary"].format(
                resolved=feedback["resolved"], rows=feedback["rows"], substances=agg["substances"]
            )
        ],
        [chart],
        [
            lay.table(
                "aggregates",
                t["aggregates"],
                ["figure", "value"],
                [{"figure": k, "value": v} for k, v in agg.items() if k != "basis"],
                RISK_TABLES,
                agg["basis"],
            )
        ],
    )
    risks = Section(
        t["top_risks"],
        tables=[
            lay.table(
                "top_risks",
                t["top_risks"],
                ["substance", "score", "explanation"],
                answer["top_risks"],
                RISK_TABLES,
            ),
            lay.table(
                "portfolio_rows",
                t["portfolio_rows"],
                ["line", "value", "kind", "status", "substance", "message"],
                [
                    {
                        "line": e["line"],
                        "value": e["value"],
                        "kind": e["kind"],
                        "status": e["status"],
                        "substance": ", ".join(e["substances"]),
                        "message": "; ".join(e["messages"]),
                    }
                    for e in feedback["entries"]
                ],
                {"core.name_substance"},
                "; ".join(feedback["file_messages"]) or None,
            ),
        ],
    )
    return lay.report(
        "portfolio", t["report_portfolio"], [summary, risks], [agg["basis"]], counts_not_volumes=True
    )
