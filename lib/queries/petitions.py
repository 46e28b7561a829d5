"""Petitions (信访): monthly counts and the share resolved at grassroots (基层化解)."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, select

from lib import schema as T
from lib.queries.common import read
from lib.rules import month_end
from lib.scope import Scope


def last_complete_month(as_of: date) -> str:
    """Return 'YYYY-MM' of the last month fully known at as_of (as_of's month only when as_of is its last day)."""
    month = f"{as_of:%Y-%m}"
    if month_end(month) == as_of:
        return month
    year, mon = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    return f"{year}-{mon:02d}"


def petitions_by_month(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return month, petitions_n, resolved_n per month complete by as_of (summed over the scope)."""
    p = T.petition
    stmt = (select(p.c.month, func.coalesce(func.sum(p.c.petitions_n), 0).label("petitions_n"),
                   func.coalesce(func.sum(p.c.resolved_n), 0).label("resolved_n"))
            .where(scope.where(p.c.township_code), p.c.month <= last_complete_month(as_of))
            .group_by(p.c.month).order_by(p.c.month))
    return read(engine, stmt)


def petitions_by_township(engine: Engine, *, scope: Scope, as_of: date, months: int = 12) -> pd.DataFrame:
    """Return township_code, name, petitions_n, resolved_n over the last `months` complete months (zeros included)."""
    p, t = T.petition, T.township
    last = last_complete_month(as_of)
    index = int(last[:4]) * 12 + int(last[5:7]) - 1 - (months - 1)
    first = f"{index // 12}-{index % 12 + 1:02d}"
    window = (p.c.township_code == t.c.code) & (p.c.month >= first) & (p.c.month <= last)
    stmt = (select(t.c.code.label("township_code"), t.c.name,
                   func.coalesce(func.sum(p.c.petitions_n), 0).label("petitions_n"),
                   func.coalesce(func.sum(p.c.resolved_n), 0).label("resolved_n"))
            .select_from(t.outerjoin(p, window)).where(scope.where(t.c.code))
            .group_by(t.c.code, t.c.name).order_by(t.c.code))
    return read(engine, stmt)
