"""The one JSON encoding of answers, for the CLI, the REST API and screening exports."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (Path, time, timedelta, UUID)):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dumps(payload: Any, indent: int | None = None) -> str:
    """Encode a payload as JSON: dates as ISO text, decimals as numbers, NaN and infinity (which JSON lacks) as null."""
    try:
        return json.dumps(payload, default=_default, ensure_ascii=False, allow_nan=False, indent=indent)
    except ValueError:
        return json.dumps(_finite(payload), default=_default, ensure_ascii=False, indent=indent)
