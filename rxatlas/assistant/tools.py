"""The assistant's tools: the questions of the CLI and the API, each answered as JSON with the sources behind it.

Every call opens the atlas read-only, answers through the same ``Atlas`` method the CLI and the API call, and
returns ``{"answer": ..., "sources": [{source, title, snapshot, newest_snapshot, age_days, stale}], "truncated":
[...]}`` as JSON text; ``truncated`` names the lists cut to fit the answer to an assistant (assistant.budget).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from rxatlas.assistant.budget import fitted
from rxatlas.atlas import Atlas
from rxatlas.errors import RxAtlasError
from rxatlas.jsontext import dumps
from rxatlas.supply.scope import ALL, SCOPES

Scope = Annotated[str, Field(json_schema_extra={"enum": [*SCOPES, ALL]}, description=(
    "Market scope of the substances counted: us_human_rx (US prescription medicines) unless asked otherwise, "
    "all for every substance."))]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 alpha-2 code, e.g. IN, CN, KR.")]
SCREEN_TABLES = frozenset({"core.watchlist_entry", "core.firm"})


def _respond(compute: Callable[[], tuple[Any, list[dict[str, Any]]]]) -> str:
    """The JSON text of an answer and its sources; an rxatlas error (it says what to do) goes back to the
    assistant as a tool error."""
    try:
        answer, sources = compute()
    except RxAtlasError as exc:
        raise ToolError(str(exc)) from exc
    shortened, cuts = fitted(answer)
    return dumps({"answer": shortened, "sources": sources, "truncated": cuts})


class AtlasTools:
    """The tools over one atlas file (opened read-only on each call, so a rebuild is seen at once)."""

    def __init__(self, db: str | Path | None) -> None:
        self.db = db

    def _answer(self, tables: Iterable[str] | None, compute: Callable[[Atlas], Any]) -> str:
        """Answer over the atlas with the sources behind the tables read (None: every table)."""
        def with_sources() -> tuple[Any, list[dict[str, Any]]]:
            with Atlas(self.db) as atlas:
                atlas.engine.execute("SET enable_progress_bar = false")  # stdout carries the protocol
                answer = compute(atlas)
                return answer, atlas.snapshots(atlas.tables() if tables is None else tables)

        return _respond(with_sources)

    def substance(self, name: Annotated[str, Field(min_length=1, max_length=200, description=(
            "A substance name, salt, brand-like name or UNII, e.g. atorvastatin."))]) -> str:
        """Where a substance (API) is made: qualified API sources by firm and country with evidence, concentration
        (HHI), who markets it in the US (holders, NDA/ANDA/BLA, forms, routes, status), shortages, quality signals.
        `match` is unique, or ambiguous with candidates to ask again by."""
        from rxatlas.supply.substance import TABLES

        return self._answer(TABLES, lambda atlas: atlas.substance(name))

    def firm(self, name: Annotated[str, Field(min_length=1, max_length=200, description=(
            "A firm name as written anywhere; legal form and case do not matter."))]) -> str:
        """The canonical firm behind a name: aliases, countries, facilities, DMFs, the substances it is an API
        source of, its applications and quality signals; candidates when the name is ambiguous."""
        from rxatlas.supply.firm import TABLES

        return self._answer(TABLES, lambda atlas: atlas.firm_answer(name))

    def country(self, iso2: Country, scope: Scope = "us_human_rx",
                order: Annotated[Literal["share", "sources", "substance"],
                                 Field(description="Order of the substances listed.")] = "share") -> str:
        """What US supply depends on a country for: its API sites, DMFs by year, its share of each substance's
        API sources, and quality signals at its sites."""
        from rxatlas.supply.country import TABLES

        return self._answer(TABLES, lambda atlas: atlas.country(iso2, scope, order))

    def shortages(self, critical: Annotated[bool, Field(description=(
                      "Only substances on a criticality list (EU Union list, Japan category, essential "
                      "medicines)."))] = False,
                  scope: Scope = "us_human_rx",
                  since: Annotated[date | None, Field(description=(
                      "Only shortages posted or updated on or after this date (YYYY-MM-DD)."))] = None) -> str:
        """FDA drug shortages per substance (openFDA and FDA database merged, one row per presentation) with age,
        recovery estimate, criticality and API sources."""
        from rxatlas.supply.shortages import TABLES

        return self._answer(TABLES, lambda atlas: atlas.shortages(critical, scope, since))

    def classes(self, level: Annotated[int, Field(ge=1, le=4, description=(
                    "ATC level, 1 (anatomical main group) to 4 (chemical subgroup)."))]
                = 3, scope: Scope = "us_human_rx") -> str:
        """Therapeutic classes (ATC) with their substances' API sources, single-source share, median HHI, top
        countries and current shortages; FDA pharmacologic classes and unclassified substances count the rest."""
        from rxatlas.supply.classes import TABLES

        return self._answer(TABLES, lambda atlas: atlas.classes(level, scope))

    def risk(self, top: Annotated[int, Field(ge=1, le=200, description="How many top risks to list.")] = 10,
             scope: Scope = "us_human_rx",
             single_source: Annotated[bool, Field(description="Only substances with one qualified source.")]
             = False,
             single_country: Annotated[bool, Field(description="Only substances whose sources are all in one "
                                                               "country.")] = False,
             critical: Annotated[bool, Field(description="Only substances on a criticality list.")] = False,
             country: Annotated[str | None, Field(pattern=r"^[A-Za-z]{2}$", description=(
                 "Only substances dependent on this country (ISO alpha-2), see min_share."))] = None,
             min_share: Annotated[float, Field(ge=0, le=1, description=(
                 "With country: its least share of the substance's sources."))] = 0.5) -> str:
        """Supply vulnerability of every substance of the scope (score 0-100 with its components), kept by the
        filters asked for: aggregates and the top risks, each with its explanation."""
        from rxatlas.supply.risk import RISK_TABLES, Filters

        filters = Filters(single_source, single_country, critical, country.upper() if country else None, min_share)
        return self._answer(RISK_TABLES, lambda atlas: atlas.risk(top=top, scope=scope, filters=filters))

    def opportunities(self, home: Country = "KR",
                      limit: Annotated[int, Field(ge=1, le=500, description="How many ranked substances.")] = 20,
                      scope: Scope = "us_human_rx") -> str:
        """Substances with concentrated or vulnerable US supply, ranked, with where the home country stands
        (its capable sources, or white space)."""
        from rxatlas.supply.risk import RISK_TABLES

        return self._answer(RISK_TABLES, lambda atlas: atlas.opportunities(home.upper(), limit, scope))

    def screen(self, names: Annotated[list[str], Field(min_length=1, description=(
                   "Supplier names to screen, one per item."))],
               countries: Annotated[list[str | None] | None, Field(description=(
                   "The country of each name (ISO code or name; null where unknown), in the same order."))] = None,
               as_of: Annotated[date | None, Field(description=(
                   "Screen against the lists as they stood on this date (YYYY-MM-DD); default today."))] = None
               ) -> str:
        """Screen supplier names against DoD 1260H and OFAC SDN (and BIOSECURE), following parents and
        subsidiaries: listed, affiliate, possible or clear, with the match, score, path and list editions."""
        return self._answer(SCREEN_TABLES, lambda atlas: atlas.screen(names, as_of, countries))

    def scenario(self, scenario: Annotated[str, Field(min_length=1, description=(
                     "The name of an example of examples/ (e.g. biosecure-1260h-2026; an unknown name gets the "
                     "list), baseline, or a scenario as YAML or JSON text (name, as_of, measures; see "
                     "docs/scenarios.md)."))],
                 scope: Scope = "us_human_rx") -> str:
        """Apply a what-if scenario (listed-firm bans, country outages, firm exits, tariffs, policies) to the
        supply map: sources lost per substance, HHI before and after, tariff exposure, remaining suppliers."""
        from rxatlas.scenario.engine import TABLES
        from rxatlas.scenario.examples import named_or_inline

        return self._answer(TABLES | {"core.api_source"},
                            lambda atlas: atlas.scenario(named_or_inline(scenario), scope))

    def approvals(self, country: Annotated[str | None, Field(min_length=2, max_length=60, description=(
            "ISO code or name, e.g. KR; without it: counts per country and coverage."))] = None) -> str:
        """US approvals (NDA, ANDA, BLA, biosimilar) of sponsors of one country with partner cases and a timeline,
        or the counts of every sponsor country."""
        from rxatlas.approvals.query import TABLES

        return self._answer(TABLES, lambda atlas: atlas.approvals(country))

    def sources(self) -> str:
        """Every loaded public source: title, publisher, licence, snapshot date, age, staleness, files (sha256)
        and rows per table."""
        return self._answer(None, lambda atlas: atlas.sources().to_pylist())


def policy(policy_id: Annotated[str | None, Field(max_length=100, description=(
               "A measure's id for the measure in full; without it: every measure."))] = None,
           as_of: Annotated[date | None, Field(description=(
               "Date for the in_force column of the list (YYYY-MM-DD); default today."))] = None) -> str:
    """The sourced policy knowledge base (tariffs, bans, watch lists such as BIOSECURE, pricing): every measure
    with status, verification, dates and effect, or one measure in full with its events and sources."""
    from rxatlas.policy import get_policy, policy_answer, policy_rows

    def compute() -> tuple[Any, list[dict[str, Any]]]:
        # the knowledge base is not an atlas source: each measure names its own sources (documents, dates)
        return (policy_rows(as_of) if policy_id is None else policy_answer(get_policy(policy_id))), []

    return _respond(compute)
