"""Numbers the Chinese way: 千分位 thousands separators, percentages to one decimal."""
from __future__ import annotations

import math

MISSING = "—"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value) -> str:
    """Return an integer with thousands separators: 21239 -> '21,239'."""
    return MISSING if _missing(value) else f"{int(round(value)):,}"


def pct(value, digits: int = 1) -> str:
    """Return a fraction as a percentage with one decimal: 0.5908 -> '59.1%'."""
    return MISSING if _missing(value) else f"{value * 100:.{digits}f}%"


def pp(delta, lang: str = "zh") -> str:
    """Return a change of a rate in percentage points: 0.032 -> '+3.2个百分点'."""
    if _missing(delta):
        return MISSING
    unit = "个百分点" if lang == "zh" else " pp"
    return f"{delta * 100:+.1f}{unit}"


def signed(delta) -> str:
    """Return a signed count change: 12 -> '+12', -3 -> '-3'."""
    return MISSING if _missing(delta) else f"{int(round(delta)):+,}"


def days(value) -> str:
    """Return a number of days with one decimal."""
    return MISSING if _missing(value) else f"{value:.1f}"
