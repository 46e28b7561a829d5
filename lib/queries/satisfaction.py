"""Satisfaction surveys: the latest period and its rates."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, func, select

from lib import db, schema as T
from lib.queries.common import count_if, day_end, read, summary_select
from lib.scope import Scope


def latest_period(engine: Engine, *, scope: Scope, as_of: date) -> str | None:
    """Return the latest survey period ending on or before as_of in scope, e.g. 2018Q3."""
    s = T.survey
    with db.reading(engine) as conn:
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


# --- 满意度 page ----------------------------------------------------------------------------------
def _survey_sums() -> list:
    s = T.survey
    return [func.coalesce(func.sum(s.c.respondents_n), 0).label("respondents_n"),
            func.coalesce(func.sum(s.c.satisfied_n), 0).label("satisfied_n"),
            func.coalesce(func.sum(s.c.basic_satisfied_n), 0).label("basic_satisfied_n")]


def satisfaction_by_period(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return period, respondents_n, satisfied_n, basic_satisfied_n per survey period ending by as_of (summed over the scope)."""
    s = T.survey
    stmt = (select(s.c.period, *_survey_sums())
            .where(scope.where(s.c.township_code), s.c.period_end <= as_of)
            .group_by(s.c.period).order_by(s.c.period))
    return read(engine, stmt)


def satisfaction_by_township_period(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return period, township_code, name, respondents_n, satisfied_n, basic_satisfied_n per township and period."""
    s, t = T.survey, T.township
    stmt = (select(s.c.period, s.c.township_code, t.c.name, s.c.respondents_n, s.c.satisfied_n, s.c.basic_satisfied_n)
            .select_from(s.join(t, t.c.code == s.c.township_code))
            .where(scope.where(s.c.township_code), s.c.period_end <= as_of)
            .order_by(s.c.period, s.c.township_code))
    return read(engine, stmt)


def ticket_ratings_by_month(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return month (of 受理时间), rated_n, rating_sum, high_n (rated 4 or 5) of tickets closed and rated by as_of.

    Read from the running totals of ticket_month_daily (lib.summaries) when maintained."""
    from sqlalchemy import Integer, cast

    from lib import summaries

    with db.reading(engine) as conn:
        ready = summaries.is_ready(conn)
        if ready:
            c = T.ticket_month_dim
            groups = (select(c.c.township_code, c.c.received_month)
                      .where(c.c.dim == "total", scope.where(c.c.township_code)).subquery("groups"))
            d = summaries.latest_rows(conn, T.ticket_month_daily, groups, ["township_code", "received_month"],
                                      ["rated_cum", "rating_sum_cum", "high_cum"], as_of)
    if not ready:
        return ticket_ratings_by_month_raw(engine, scope=scope, as_of=as_of)
    stmt = (select(d.c.received_month.label("month"), cast(func.sum(d.c.rated_cum), Integer).label("rated_n"),
                   cast(func.sum(d.c.rating_sum_cum), Integer).label("rating_sum"),
                   cast(func.sum(d.c.high_cum), Integer).label("high_n"))
            .group_by(d.c.received_month).having(func.sum(d.c.rated_cum) > 0).order_by(d.c.received_month))
    return read(engine, stmt)


def ticket_ratings_by_month_raw(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """ticket_ratings_by_month aggregated from the tickets."""
    k = T.ticket
    rated = and_(k.c.rating.is_not(None), k.c.closed_at.is_not(None), k.c.closed_at < day_end(as_of))
    stmt = (select(k.c.received_month.label("month"), func.count().label("rated_n"),
                   func.sum(k.c.rating).label("rating_sum"), count_if(k.c.rating >= 4, "high_n"))
            .where(scope.where(k.c.township_code), rated)
            .group_by(k.c.received_month).order_by(k.c.received_month))
    return read(engine, stmt)
