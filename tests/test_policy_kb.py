"""The policy knowledge base: the shipped files load, facts carry sources, bad files get precise errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli

from rxatlas.errors import InputError
from rxatlas.policy import get_policy, load_policies

GOOD = """\
schema_version: 1
policies:
  - id: us-test-tariff
    title: A test tariff
    jurisdiction: US
    instrument: proclamation
    status: in_force
    verification: verified
    summary: A tariff used by the tests.
    dates: {effective: 2026-01-01, sources: [doc]}
    sources:
      - {id: doc, title: "A document", url: "https://example.org/doc", date: 2026-01-01, kind: primary}
"""


def test_shipped_knowledge_base_has_the_seeded_measures() -> None:
    policies = load_policies()
    for wanted in ("us-biosecure-2024-bills", "us-biosecure-ndaa-2026", "us-dod-1260h-list", "us-s232-pharma-2026",
                   "us-ieepa-reciprocal-2025", "us-s122-2026", "us-mfn-eo-14297", "eu-union-list-critical-medicines",
                   "eu-critical-medicines-act", "jp-supply-secured-medicines", "kr-generic-price-cut-2026"):
        assert wanted in policies
    assert policies["us-ieepa-reciprocal-2025"].status == "struck_down"
    assert policies["us-branded-100-2025"].status == "paused"
    assert policies["us-biosecure-ndaa-2026"].dates.enacted.isoformat() == "2025-12-18"


def test_section_232_caps_and_exclusions() -> None:
    s232 = get_policy("us-s232-pharma-2026")
    assert s232.tariff is not None and s232.tariff.base_rate == 1.0 and s232.tariff.product_classes == ["patented"]
    caps = {c: cap.rate for cap in s232.tariff.caps for c in cap.countries}
    assert caps == {"EU": 0.15, "JP": 0.15, "KR": 0.15, "CH": 0.15, "LI": 0.15, "GB": 0.0}
    assert set(s232.scope.excluded_classes) == {"generic", "biosimilar"}
    # the Swiss drug-specific text comes from a weak source: carried as unverified
    assert next(c for c in s232.tariff.caps if "CH" in c.countries).verification == "unverified"


def test_every_fact_has_a_dated_source_and_weak_sources_are_not_verified() -> None:
    for policy in load_policies().values():
        assert policy.sources and all(s.date and s.url.startswith("http") for s in policy.sources)
        weak = {s.id for s in policy.sources if s.kind == "weak"}
        cited = [(e.verification, e.sources) for e in policy.events]
        cited += [(c.verification, c.sources) for c in (policy.tariff.caps if policy.tariff else [])]
        for verification, sources in cited:
            if set(sources) <= weak:
                assert verification == "unverified", policy.id


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_bad_status_names_file_line_field_and_allowed_values(tmp_path: Path) -> None:
    folder = _folder(tmp_path, **{"bad.yaml": GOOD.replace("status: in_force", "status: in-force")})
    with pytest.raises(InputError) as exc:
        load_policies(folder)
    message = str(exc.value)
    assert f"{folder / 'bad.yaml'} line 7, field policies.0.status" in message
    assert "'proposed', 'enacted', 'in_force', 'paused', 'struck_down'" in message


def test_unknown_field_lists_the_allowed_fields(tmp_path: Path) -> None:
    folder = _folder(tmp_path, **{"bad.yaml": GOOD.replace("    summary:", "    sumary: x\n    summary:")})
    with pytest.raises(InputError, match=r"line 9, field policies\.0\.sumary: unknown field; allowed fields here: "
                                         r"dates, events, id, instrument, jurisdiction"):
        load_policies(folder)


def test_uncited_source_and_duplicate_ids_are_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, **{"a.yaml": GOOD.replace("sources: [doc]}", "sources: [nodoc]}")})
    with pytest.raises(InputError, match=r"a\.yaml line 3, field policies\.0: .*unknown source ids \['nodoc'\]"):
        load_policies(folder)
    folder = _folder(tmp_path, **{"a.yaml": GOOD, "b.yaml": GOOD})
    with pytest.raises(InputError, match="policy id 'us-test-tariff' is also defined in"):
        load_policies(folder)


def test_cli_policy_list_and_show() -> None:
    listed = run_cli("policy", "list", "--as-of", "2026-11-25", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rows["us-s232-pharma-2026"]["in_force"] and rows["us-s232-pharma-2026"]["effect"] == "tariff"
    assert not rows["us-ieepa-reciprocal-2025"]["in_force"]
    shown = run_cli("policy", "show", "us-biosecure-ndaa-2026", "--json")
    assert shown.returncode == 0, shown.stderr
    policy = json.loads(shown.stdout)
    assert policy["listing"] == {"lists": ["us_dod_1260h", "us_omb_biosecure"], "include_affiliates": True,
                                 "sources": ["goodwin", "fenwick"]}
    missing = run_cli("policy", "show", "us-nothing")
    assert missing.returncode == 1 and "known ids:" in missing.stderr
