"""The policy knowledge base: sourced, dated, schema-checked measures (tariffs, bans, lists, pricing)."""

from __future__ import annotations

from rxatlas.policy.loader import load_policies
from rxatlas.policy.queries import get_policy, policy_answer, policy_rows
from rxatlas.policy.schema import Policy

__all__ = ["Policy", "get_policy", "load_policies", "policy_answer", "policy_rows"]
