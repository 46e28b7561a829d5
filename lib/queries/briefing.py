"""Aggregates the presentation, the briefing deck and the written summary need beyond the KPI row.

Each function takes the engine, a Scope and an as-of date, aggregates in the database and returns a
small DataFrame (at most a few dozen rows). No names or ID numbers ever leave these queries.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, and_, func, select, true

from lib import db, schema as T
from lib.queries.common import count_if, day_end, read
from lib.queries.outflow import at_risk
from lib.rules import minus_years
from lib.scope import Scope

# Age bands of section-level cadres (upper bound inclusive, in whole years at as_of)
AGE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("35岁及以下", 35), ("36-40岁", 40), ("41-45岁", 45), ("46-50岁", 50), ("51-55岁", 55), ("56岁及以上", None),
)


def district_name(engine: Engine) -> str | None:
    """Return the district's name: meta 'district_name', else the demo district's name, else None."""
    from lib.places import DISTRICT_NAME

    m = T.meta
    with db.reading(engine) as conn:
        rows = dict(conn.execute(select(m.c.key, m.c.value).where(m.c.key.in_(("district_name", "is_demo")))).all())
    if rows.get("district_name"):
        return rows["district_name"]
    return DISTRICT_NAME if rows.get("is_demo") == "1" else None


def outflow_by_destination(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return dest_province, dest_city, outflow_n, outflow_at_risk_n of members out by as_of, largest first."""
    f = T.outflow
    stmt = (select(f.c.dest_province, f.c.dest_city, func.count().label("outflow_n"),
                   count_if(at_risk(as_of), "outflow_at_risk_n"))
            .where(scope.where(f.c.township_code), f.c.out_on <= as_of)
            .group_by(f.c.dest_province, f.c.dest_city)
            .order_by(func.count().desc(), f.c.dest_city))
    return read(engine, stmt)


def tickets_by_category(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return category and tickets_n of tickets received this calendar year up to as_of, largest first.

    Read from the ticket_month_dim summary when it is maintained (whole months, plus the as-of month's
    tickets up to as_of), else aggregated from the tickets (tickets_by_category_raw).
    """
    from lib.queries import services

    if not services.summaries_ready(engine):
        return tickets_by_category_raw(engine, scope=scope, as_of=as_of)
    rows = services.dim_counts(scope, as_of, date(as_of.year, 1, 1), "category").subquery()
    n = func.sum(rows.c.tickets_n)
    stmt = (select(rows.c.value.label("category"), services.cast_int(n).label("tickets_n"))
            .group_by(rows.c.value).having(n > 0).order_by(n.desc(), rows.c.value))
    return read(engine, stmt)


def tickets_by_category_raw(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """tickets_by_category aggregated from the tickets (the definition the summary must equal)."""
    k = T.ticket
    stmt = (select(k.c.category, func.count().label("tickets_n"))
            .where(scope.where(k.c.township_code), k.c.received_at >= datetime(as_of.year, 1, 1),
                   k.c.received_at < day_end(as_of))
            .group_by(k.c.category).order_by(func.count().desc(), k.c.category))
    return read(engine, stmt)


def satisfaction_by_period(engine: Engine, *, scope: Scope, as_of: date, periods: int = 8) -> pd.DataFrame:
    """Return period, respondents_n, satisfied_n, basic_satisfied_n and satisfaction_rate of the last `periods`
    survey periods ending by as_of, oldest first."""
    s = T.survey
    stmt = (select(s.c.period, func.sum(s.c.respondents_n).label("respondents_n"),
                   func.sum(s.c.satisfied_n).label("satisfied_n"),
                   func.sum(s.c.basic_satisfied_n).label("basic_satisfied_n"))
            .where(scope.where(s.c.township_code), s.c.period_end <= as_of)
            .group_by(s.c.period).order_by(s.c.period.desc()).limit(periods))
    df = read(engine, stmt).iloc[::-1].reset_index(drop=True)
    for col in ("respondents_n", "satisfied_n", "basic_satisfied_n"):
        df[col] = df[col].astype("int64")
    df["satisfaction_rate"] = [s / r if r else None for s, r in zip(df["satisfied_n"], df["respondents_n"])]
    return df


def cadre_age_bands(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return age_band and cadres_n of section-level cadres at as_of, youngest band first (every band, zeros kept)."""
    c = T.cadre
    columns, lower = [], None
    for i, (_, upper) in enumerate(AGE_BANDS):
        # age <= upper  <=>  born after as_of minus (upper + 1) years
        cond = []
        if upper is not None:
            cond.append(c.c.birth_date > minus_years(as_of, upper + 1))
        if lower is not None:
            cond.append(c.c.birth_date <= minus_years(as_of, lower + 1))
        columns.append(count_if(and_(true(), *cond), f"band_{i}"))
        lower = upper
    stmt = select(*columns).where(scope.where(c.c.township_code), c.c.rank.in_(T.SECTION_RANKS), c.c.birth_date <= as_of)
    row = read(engine, stmt).iloc[0]
    return pd.DataFrame({"age_band": [b for b, _ in AGE_BANDS],
                         "cadres_n": [int(row[f"band_{i}"]) for i in range(len(AGE_BANDS))]})


def cadre_education(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return education and cadres_n of section-level cadres at as_of, in the contract's order of degrees."""
    c = T.cadre
    stmt = (select(c.c.education, func.count().label("cadres_n"))
            .where(scope.where(c.c.township_code), c.c.rank.in_(T.SECTION_RANKS), c.c.birth_date <= as_of)
            .group_by(c.c.education))
    df = read(engine, stmt)
    order = {e: i for i, e in enumerate(T.EDUCATIONS)}
    return df.sort_values("education", key=lambda s: s.map(order)).reset_index(drop=True)
