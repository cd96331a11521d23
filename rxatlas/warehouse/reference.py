"""Reference tables the models join to: countries (ISO 3166-1, from pycountry) with EU-27 membership."""

from __future__ import annotations

import functools

import pyarrow as pa
import pycountry

from rxatlas.warehouse.engine import Engine
from rxatlas.warehouse.steps import Step, write_table

EU27 = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})


def country_table() -> pa.Table:
    """Every ISO 3166-1 country with alpha-2, alpha-3, official and common names, and EU-27 flag."""
    rows = [
        {
            "iso2": c.alpha_2,
            "iso3": c.alpha_3,
            "name": c.name,
            "common_name": getattr(c, "common_name", None) or c.name,
            "eu27": c.alpha_2 in EU27,
        }
        for c in pycountry.countries
    ]
    return pa.Table.from_pylist(rows)


@functools.cache
def country_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


def _load_countries(engine: Engine) -> None:
    write_table(engine, "core.country", country_table(), order_by="iso2")


def steps() -> list[Step]:
    """The reference-table steps of the build."""
    return [Step("country", frozenset(), frozenset({"core.country"}), _load_countries, kind="python")]
