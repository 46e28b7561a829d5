"""便民服务 page: ticket volume by month, township, station and category; time to close; backlog.

Every count uses the definitions of lib.queries.tickets (closed_by, on_time, on_time_base,
open_overdue), so the page's numbers are the overview KPIs broken down. "This year" means
received from 1 January of the as-of year up to the as-of date, like the KPI 本年受理工单.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Date, Engine, Integer, and_, bindparam, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from lib import schema as T
from lib.queries.common import count_if, day_end, read
from lib.queries.tickets import closed_by, on_time, on_time_base, open_overdue
from lib.rules import minus_months
from lib.scope import Scope

MONTH_DIMENSIONS = {"category": T.ticket.c.category, "channel": T.ticket.c.channel}


class days_between(FunctionElement):
    """Whole calendar days from the date of `start` to the date of `end` (both datetimes or dates)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return (f"CAST(julianday(date({compiler.process(end, **kw)})) - "
            f"julianday(date({compiler.process(start, **kw)})) AS INTEGER)")


@compiles(days_between)
def _days_default(element, compiler, **kw):  # PostgreSQL: date - date is an integer
    start, end = list(element.clauses)
    return f"(CAST({compiler.process(end, **kw)} AS DATE) - CAST({compiler.process(start, **kw)} AS DATE))"


def _this_year(as_of: date) -> ColumnElement[bool]:
    k = T.ticket
    return and_(k.c.received_at >= datetime(as_of.year, 1, 1), k.c.received_at < day_end(as_of))


def window_start(as_of: date, months: int) -> date:
    """Return the first day of the month `months - 1` months before as_of (a window of `months` months)."""
    first = minus_months(as_of.replace(day=1), months - 1)
    return first


def tickets_by_month(engine: Engine, *, scope: Scope, as_of: date, by: str = "category",
                     months: int = 12) -> pd.DataFrame:
    """Return month ('YYYY-MM'), `by` (category or channel) and tickets_n received in the last `months` months."""
    k, dim = T.ticket, MONTH_DIMENSIONS[by]
    stmt = (select(k.c.received_month.label("month"), dim.label(by), func.count().label("tickets_n"))
            .where(scope.where(k.c.township_code), k.c.received_at >= datetime.combine(window_start(as_of, months), datetime.min.time()),
                   k.c.received_at < day_end(as_of))
            .group_by(k.c.received_month, dim).order_by(k.c.received_month, dim))
    return read(engine, stmt)


def on_time_by_month(engine: Engine, *, scope: Scope, as_of: date, months: int = 12) -> pd.DataFrame:
    """Return month, tickets_on_time_n and tickets_on_time_base_n of tickets received each month, judged at as_of."""
    k, end = T.ticket, day_end(as_of)
    stmt = (select(k.c.received_month.label("month"), count_if(on_time(end), "tickets_on_time_n"),
                   count_if(on_time_base(end), "tickets_on_time_base_n"))
            .where(scope.where(k.c.township_code), k.c.received_at >= datetime.combine(window_start(as_of, months), datetime.min.time()),
                   k.c.received_at < end)
            .group_by(k.c.received_month).order_by(k.c.received_month))
    return read(engine, stmt)


def _volume_columns(as_of: date) -> list:
    """Counts shared by the township and station tables: this year's volume, on-time, backlog."""
    end, this_year = day_end(as_of), _this_year(as_of)
    return [
        count_if(this_year, "tickets_n"),
        count_if(and_(this_year, on_time(end)), "tickets_on_time_n"),
        count_if(and_(this_year, on_time_base(end)), "tickets_on_time_base_n"),
        count_if(~closed_by(end), "tickets_open_n"),
        count_if(open_overdue(end), "tickets_open_overdue_n"),
    ]


def tickets_by_township(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return every township in scope (code, name) with this year's tickets_n, on-time counts, open and overdue.

    Townships without tickets have zeros. Open and overdue count tickets of any year still open at as_of.
    """
    t, k = T.township, T.ticket
    counts = (select(k.c.township_code, *_volume_columns(as_of))
              .where(scope.where(k.c.township_code), k.c.received_at < day_end(as_of))
              .group_by(k.c.township_code).subquery())
    names = [c.name for c in counts.c if c.name != "township_code"]
    stmt = (select(t.c.code.label("township_code"), t.c.name,
                   *[func.coalesce(counts.c[n], 0).label(n) for n in names])
            .select_from(t.outerjoin(counts, counts.c.township_code == t.c.code))
            .where(scope.where(t.c.code)).order_by(t.c.code))
    return read(engine, stmt)


def tickets_by_station(engine: Engine, *, scope: Scope, as_of: date, limit: int = 20) -> pd.DataFrame:
    """Return the `limit` busiest stations this year: station, township_code, name and the counts of tickets_by_township."""
    t, k = T.township, T.ticket
    cols = _volume_columns(as_of)
    stmt = (select(k.c.station, k.c.township_code, t.c.name, *cols)
            .select_from(k.join(t, t.c.code == k.c.township_code))
            .where(scope.where(k.c.township_code), k.c.received_at < day_end(as_of))
            .group_by(k.c.station, k.c.township_code, t.c.name)
            .having(cols[0] > 0)
            .order_by(cols[0].desc(), k.c.station).limit(limit))
    return read(engine, stmt)


def tickets_by_category_township(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return category, township_code, name and tickets_n received this year (the heatmap's cells)."""
    t, k = T.township, T.ticket
    stmt = (select(k.c.category, k.c.township_code, t.c.name, func.count().label("tickets_n"))
            .select_from(k.join(t, t.c.code == k.c.township_code))
            .where(scope.where(k.c.township_code), _this_year(as_of))
            .group_by(k.c.category, k.c.township_code, t.c.name).order_by(k.c.category, k.c.township_code))
    return read(engine, stmt)


def close_days_histogram(engine: Engine, *, scope: Scope, as_of: date, by: str | None = None) -> pd.DataFrame:
    """Return close_days and tickets_n (and `by`: category or township_code) of tickets received this year
    and closed by as_of; close_days are whole calendar days from the day received to the day closed.

    A small histogram: percentiles are computed from it (lib.services.percentile), since SQLite has none.
    """
    k = T.ticket
    days = days_between(k.c.received_at, k.c.closed_at)
    group = [] if by is None else [{"category": k.c.category, "township_code": k.c.township_code}[by]]
    stmt = (select(*group, days.label("close_days"), func.count().label("tickets_n"))
            .where(scope.where(k.c.township_code), _this_year(as_of), closed_by(day_end(as_of)))
            .group_by(*group, days).order_by(*group, days))
    return read(engine, stmt)


def overdue_days_histogram(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return overdue_days and tickets_n of tickets open and past due at as_of (days from the due day to as_of)."""
    k = T.ticket
    days = days_between(k.c.due_at, bindparam("as_of_day", as_of, type_=Date())).label("overdue_days")
    # grouped in an outer query: PostgreSQL cannot match a bound parameter in SELECT with one in GROUP BY
    rows = (select(days).where(scope.where(k.c.township_code), k.c.received_at < day_end(as_of),
                               open_overdue(day_end(as_of))).subquery())
    stmt = (select(rows.c.overdue_days, func.count().label("tickets_n"))
            .group_by(rows.c.overdue_days).order_by(rows.c.overdue_days))
    return read(engine, stmt)


def ticket_categories(engine: Engine, *, scope: Scope, as_of: date) -> list[str]:
    """Return the categories of tickets received by as_of, by name: a stable order for category colours."""
    k = T.ticket
    stmt = (select(k.c.category).where(scope.where(k.c.township_code), k.c.received_at < day_end(as_of))
            .distinct().order_by(k.c.category))
    return list(read(engine, stmt)["category"])
