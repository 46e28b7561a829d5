"""Satisfaction surveys: the latest period and its rates."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, select

from lib import schema as T
from lib.queries.common import read, summary_select
from lib.scope import Scope


def latest_period(engine: Engine, *, scope: Scope, as_of: date) -> str | None:
    """Return the latest survey period ending on or before as_of in scope, e.g. 2018Q3."""
    s = T.survey
    with engine.connect() as conn:
        end = conn.execute(select(func.max(s.c.period_end)).where(scope.where(s.c.township_code), s.c.period_end <= as_of)).scalar()
        if end is None:
            return None
        return conn.execute(select(func.max(s.c.period)).where(s.c.period_end == end)).scalar()


def satisfaction_summary(engine: Engine, *, scope: Scope, period: str | None, by_township: bool = False) -> pd.DataFrame:
    """Return respondents_n, satisfied_n and basic_satisfied_n of `period` (summed over the scope)."""
    s = T.survey
    stmt = summary_select(s.c.township_code, [
        func.coalesce(func.sum(s.c.respondents_n), 0).label("respondents_n"),
        func.coalesce(func.sum(s.c.satisfied_n), 0).label("satisfied_n"),
        func.coalesce(func.sum(s.c.basic_satisfied_n), 0).label("basic_satisfied_n"),
    ], by_township=by_township).where(scope.where(s.c.township_code), s.c.period == (period or ""))
    return read(engine, stmt)
