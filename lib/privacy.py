"""Small-cell protection for anything shown to visitors (slides, the briefing deck).

A count of PEOPLE (members, outflow members, cadres, respondents) from 1 to 4 is shown as "<5" so
that nobody in a small cell (one village's members in one city, say) can be singled out. Zero is
shown as 0: it singles out nobody. Counts of organizations and tickets are shown as they are.
"""
from __future__ import annotations

import pandas as pd

from lib import fmt

THRESHOLD = 5  # cells of 1..THRESHOLD-1 people are masked
MASK = f"<{THRESHOLD}"


def is_small(n) -> bool:
    """Return True when a count of people must not be shown exactly (1 to THRESHOLD-1)."""
    return n is not None and n == n and 0 < int(n) < THRESHOLD


def people(n) -> str:
    """Return a count of people for display: '<5' for 1..4, else the number with thousands separators."""
    return MASK if is_small(n) else fmt.num(n)


def people_text(n, lang: str = "zh") -> str:
    """Return a count of people for a sentence: '不足5' / 'fewer than 5' for 1..4, else the number."""
    if is_small(n):
        return f"不足{THRESHOLD}" if lang == "zh" else f"fewer than {THRESHOLD}"
    return fmt.num(n)


def things(n) -> str:
    """Return a count of organizations or tickets: always exact."""
    return fmt.num(n)


def chart_rows(df: pd.DataFrame, *, label_col: str, value_col: str, other_label: str,
               max_rows: int | None = None) -> pd.DataFrame:
    """Return rows safe to chart counts of people: small cells are pooled into one `other_label` row.

    Rows beyond `max_rows` are pooled too. If the pooled row itself is small it is dropped (its
    value would identify people); the column `shown` says how each value must be labelled.
    """
    data = df[[label_col, value_col]].copy()
    small = data[value_col].map(is_small)
    keep = data[~small & (data[value_col] > 0)]
    pooled = int(data.loc[small, value_col].sum())
    if max_rows is not None and len(keep) > max_rows:
        pooled += int(keep.iloc[max_rows - 1:][value_col].sum())
        keep = keep.iloc[:max_rows - 1]
    if pooled >= THRESHOLD:
        keep = pd.concat([keep, pd.DataFrame({label_col: [other_label], value_col: [pooled]})], ignore_index=True)
    keep = keep.reset_index(drop=True)
    keep["shown"] = keep[value_col].map(people)
    return keep


def band_rows(df: pd.DataFrame, *, value_col: str) -> pd.DataFrame:
    """Return a fixed set of categories (e.g. age bands) with small values blanked (None) and labelled '<5'.

    Used where pooling would break the categories' order; the bar is left out, the label says <5.
    """
    data = df.copy()
    data["shown"] = data[value_col].map(people)
    data[value_col] = [None if is_small(v) else v for v in data[value_col]]
    return data
