"""便民服务 page: ticket volume by month, township, station and category; time to close; backlog.

Every count uses the definitions of lib.queries.tickets (closed_by, on_time, on_time_base,
open_overdue), so the page's numbers are the overview KPIs broken down. "This year" means
received from 1 January of the as-of year up to the as-of date, like the KPI 本年受理工单.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Date, Engine, Integer, and_, bindparam, case, func, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from lib import db, schema as T
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


# --- summaries (lib.summaries) -------------------------------------------------------------------------
# Tickets received per month and category/channel: for the whole area, days from ticket_day_dim; for a set of
# townships, whole months from ticket_month_dim and, when as_of is not the last day of its month, the tickets
# received from the first of that month to as_of aggregated from the ticket table (an index range scan over a
# few townships). The heatmap (township x category) reads ticket_category_daily. Counts judged at as_of (closed,
# on time, open, overdue) come from the running totals of ticket_station_daily / ticket_month_daily (latest row
# on or before as_of per station / per month).
def summaries_ready(engine: Engine) -> bool:
    from lib import summaries

    with db.reading(engine) as conn:
        return summaries.is_ready(conn)


def _month_split(as_of: date) -> tuple[str, bool, datetime]:
    """Return (as-of month 'YYYY-MM', whether that whole month is on or before as_of, its first instant)."""
    month_end = (day_end(as_of).day == 1)
    return as_of.strftime("%Y-%m"), month_end, datetime(as_of.year, as_of.month, 1)


def dim_counts(scope: Scope, as_of: date, start: date, dim: str):
    """SELECT month, value, tickets_n of tickets received from `start` (first of a month) to as_of, not yet summed.

    The whole area reads its days from ticket_day_dim. A set of townships reads whole months from ticket_month_dim
    and the partial as-of month from the tickets (UNION ALL; a few townships' tickets of a few days)."""
    if scope.is_all:
        d = T.ticket_day_dim
        return (select(d.c.received_month.label("month"), d.c.value.label("value"), d.c.received_n.label("tickets_n"))
                .where(d.c.dim == dim, d.c.received_day >= start, d.c.received_day <= as_of))
    c, k = T.ticket_month_dim, T.ticket
    month, whole, first = _month_split(as_of)
    cube = (select(c.c.received_month.label("month"), c.c.value.label("value"), c.c.received_n.label("tickets_n"))
            .where(c.c.dim == dim, scope.where(c.c.township_code), c.c.received_month >= start.strftime("%Y-%m"),
                   c.c.received_month <= month if whole else c.c.received_month < month))
    if whole:
        return cube
    col = {"category": k.c.category, "channel": k.c.channel}[dim]
    partial = (select(k.c.received_month.label("month"), col.label("value"), func.count().label("tickets_n"))
               .where(scope.where(k.c.township_code), k.c.received_at >= max(first, datetime.combine(start, datetime.min.time())),
                      k.c.received_at < day_end(as_of))
               .group_by(k.c.received_month, col))
    return union_all(cube, partial)


def tickets_by_month(engine: Engine, *, scope: Scope, as_of: date, by: str = "category",
                     months: int = 12) -> pd.DataFrame:
    """Return month ('YYYY-MM'), `by` (category or channel) and tickets_n received in the last `months` months."""
    if not summaries_ready(engine):
        return tickets_by_month_raw(engine, scope=scope, as_of=as_of, by=by, months=months)
    rows = dim_counts(scope, as_of, window_start(as_of, months), by).subquery()
    n = func.sum(rows.c.tickets_n)
    stmt = (select(rows.c.month, rows.c.value.label(by), cast_int(n).label("tickets_n"))
            .group_by(rows.c.month, rows.c.value).having(n > 0).order_by(rows.c.month, rows.c.value))
    return read(engine, stmt)


def cast_int(expr):
    from sqlalchemy import cast

    return cast(expr, Integer)


def tickets_by_month_raw(engine: Engine, *, scope: Scope, as_of: date, by: str = "category",
                         months: int = 12) -> pd.DataFrame:
    """tickets_by_month aggregated from the tickets (the definition the summary must equal)."""
    k, dim = T.ticket, MONTH_DIMENSIONS[by]
    stmt = (select(k.c.received_month.label("month"), dim.label(by), func.count().label("tickets_n"))
            .where(scope.where(k.c.township_code), k.c.received_at >= datetime.combine(window_start(as_of, months), datetime.min.time()),
                   k.c.received_at < day_end(as_of))
            .group_by(k.c.received_month, dim).order_by(k.c.received_month, dim))
    return read(engine, stmt)


def on_time_by_month(engine: Engine, *, scope: Scope, as_of: date, months: int = 12) -> pd.DataFrame:
    """Return month, tickets_on_time_n and tickets_on_time_base_n of tickets received each month, judged at as_of."""
    if not summaries_ready(engine):
        return on_time_by_month_raw(engine, scope=scope, as_of=as_of, months=months)
    from lib import summaries

    c = T.ticket_month_dim
    groups = (select(c.c.township_code, c.c.received_month)
              .where(c.c.dim == "total", scope.where(c.c.township_code),
                     c.c.received_month >= window_start(as_of, months).strftime("%Y-%m"),
                     c.c.received_month <= as_of.strftime("%Y-%m")).subquery("groups"))
    with db.reading(engine) as conn:
        d = summaries.latest_rows(conn, T.ticket_month_daily, groups, ["township_code", "received_month"],
                                  ["received_cum", "on_time_cum", "settled_cum"], as_of)
    stmt = (select(d.c.received_month.label("month"), cast_int(func.sum(d.c.on_time_cum)).label("tickets_on_time_n"),
                   cast_int(func.sum(d.c.settled_cum)).label("tickets_on_time_base_n"))
            .where(d.c.received_cum > 0).group_by(d.c.received_month).order_by(d.c.received_month))
    return read(engine, stmt)


def on_time_by_month_raw(engine: Engine, *, scope: Scope, as_of: date, months: int = 12) -> pd.DataFrame:
    """on_time_by_month aggregated from the tickets."""
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


VOLUME = ["tickets_n", "tickets_on_time_n", "tickets_on_time_base_n", "tickets_open_n", "tickets_open_overdue_n"]


def _station_latest(engine: Engine, scope: Scope, as_of: date, by_township: bool = False):
    """Subquery: per station (by_township: per township) in scope, the counts of _volume_columns read from
    ticket_station_daily (ticket_town_daily)."""
    from lib import summaries

    if by_township:
        t = T.township
        groups = select(t.c.code.label("township_code")).where(scope.where(t.c.code)).subquery("groups")
        table, keys = T.ticket_town_daily, ["township_code"]
    else:
        s = T.ticket_station
        groups = select(s.c.township_code, s.c.station).where(scope.where(s.c.township_code)).subquery("groups")
        table, keys = T.ticket_station_daily, ["township_code", "station"]
    with db.reading(engine) as conn:
        d = summaries.latest_rows(conn, table, groups, keys,
                                  ["year", "received_ytd", "on_time_ytd", "settled_ytd", "received_cum",
                                   "recv_closed_cum", "due_cum", "due_closed_cum"], as_of)
    this_year = d.c.year == as_of.year

    def ytd(col):
        return case((this_year, col), else_=0)

    cols = [ytd(d.c.received_ytd), ytd(d.c.on_time_ytd), ytd(d.c.settled_ytd),
            d.c.received_cum - d.c.recv_closed_cum, d.c.due_cum - d.c.due_closed_cum]
    return (select(*[d.c[k] for k in keys], *[c.label(n) for c, n in zip(cols, VOLUME)])
            .where(d.c.year.is_not(None)).subquery("stations"))


def tickets_by_township(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return every township in scope (code, name) with this year's tickets_n, on-time counts, open and overdue.

    Townships without tickets have zeros. Open and overdue count tickets of any year still open at as_of.
    """
    if not summaries_ready(engine):
        return tickets_by_township_raw(engine, scope=scope, as_of=as_of)
    t = T.township
    counts = _station_latest(engine, scope, as_of, by_township=True)
    stmt = (select(t.c.code.label("township_code"), t.c.name,
                   *[cast_int(func.coalesce(counts.c[n], 0)).label(n) for n in VOLUME])
            .select_from(t.outerjoin(counts, counts.c.township_code == t.c.code))
            .where(scope.where(t.c.code)).order_by(t.c.code))
    return read(engine, stmt)


def tickets_by_township_raw(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """tickets_by_township aggregated from the tickets."""
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
    if not summaries_ready(engine):
        return tickets_by_station_raw(engine, scope=scope, as_of=as_of, limit=limit)
    t = T.township
    st = _station_latest(engine, scope, as_of)
    stmt = (select(st.c.station, st.c.township_code, t.c.name, *[cast_int(st.c[n]).label(n) for n in VOLUME])
            .select_from(st.join(t, t.c.code == st.c.township_code))
            .where(st.c.tickets_n > 0)
            .order_by(st.c.tickets_n.desc(), st.c.station, st.c.township_code).limit(limit))
    return read(engine, stmt)


def tickets_by_station_raw(engine: Engine, *, scope: Scope, as_of: date, limit: int = 20) -> pd.DataFrame:
    """tickets_by_station aggregated from the tickets."""
    t, k = T.township, T.ticket
    cols = _volume_columns(as_of)
    stmt = (select(k.c.station, k.c.township_code, t.c.name, *cols)
            .select_from(k.join(t, t.c.code == k.c.township_code))
            .where(scope.where(k.c.township_code), k.c.received_at < day_end(as_of))
            .group_by(k.c.station, k.c.township_code, t.c.name)
            .having(cols[0] > 0)
            .order_by(cols[0].desc(), k.c.station, k.c.township_code).limit(limit))
    return read(engine, stmt)


def tickets_by_category_township(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return category, township_code, name and tickets_n received this year (the heatmap's cells)."""
    if not summaries_ready(engine):
        return tickets_by_category_township_raw(engine, scope=scope, as_of=as_of)
    from lib import summaries

    t, f = T.township, T.ticket_dim_first
    # the (township, category) pairs received by as_of; per pair its latest year-to-date count on or before as_of
    groups = (select(f.c.township_code, f.c.value.label("category"))
              .where(f.c.dim == "category", scope.where(f.c.township_code), f.c.first_day <= as_of).subquery("groups"))
    with db.reading(engine) as conn:
        d = summaries.latest_rows(conn, T.ticket_category_daily, groups, ["township_code", "category"],
                                  ["year", "received_ytd"], as_of)
    stmt = (select(d.c.category, d.c.township_code, t.c.name, cast_int(d.c.received_ytd).label("tickets_n"))
            .select_from(d.join(t, t.c.code == d.c.township_code))
            .where(d.c.year == as_of.year, d.c.received_ytd > 0).order_by(d.c.category, d.c.township_code))
    return read(engine, stmt)


def tickets_by_category_township_raw(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """tickets_by_category_township aggregated from the tickets."""
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
    For the whole area (no township filter, not by township) it is read from ticket_close_hist.
    """
    if scope.is_all and by in (None, "category") and summaries_ready(engine):
        return _close_days_from_summary(engine, as_of=as_of, by=by)
    return close_days_histogram_raw(engine, scope=scope, as_of=as_of, by=by)


def _close_days_from_summary(engine: Engine, *, as_of: date, by: str | None) -> pd.DataFrame:
    # received this year and closed by as_of = received this year with the later of receiving and closing on or
    # before as_of: months before the as-of month from ticket_close_hist, its days up to as_of from ticket_close_daily
    h, d = T.ticket_close_hist, T.ticket_close_daily
    month, whole, first = _month_split(as_of)
    cube = (select(h.c.category, h.c.close_days, h.c.tickets_n)
            .where(h.c.received_month >= f"{as_of.year}-01",
                   *( [h.c.received_month <= month, h.c.close_month <= month] if whole
                      else [h.c.received_month < month, h.c.close_month < month])))
    parts = [cube]
    if not whole:
        parts.append(select(d.c.category, d.c.close_days, d.c.tickets_n)
                     .where(d.c.received_year == as_of.year, d.c.close_day >= first.date(), d.c.close_day <= as_of))
    rows = union_all(*parts).subquery() if len(parts) > 1 else parts[0].subquery()
    group = [] if by is None else [rows.c.category]
    n = func.sum(rows.c.tickets_n)
    stmt = (select(*group, rows.c.close_days, cast_int(n).label("tickets_n"))
            .group_by(*group, rows.c.close_days).having(n > 0).order_by(*group, rows.c.close_days))
    return read(engine, stmt)


def close_days_histogram_raw(engine: Engine, *, scope: Scope, as_of: date, by: str | None = None) -> pd.DataFrame:
    """close_days_histogram aggregated from the tickets."""
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
    end = day_end(as_of)
    # open_overdue(end) spelled so that the index on closed_at serves it: open = never closed or closed after as_of
    open_at = or_(k.c.closed_at.is_(None), k.c.closed_at >= end)
    # (received before as_of follows from due before as_of: due_at = received_at + due_days, due_days >= 0)
    rows = (select(days).where(scope.where(k.c.township_code), open_at, k.c.due_at < end).subquery())
    stmt = (select(rows.c.overdue_days, func.count().label("tickets_n"))
            .group_by(rows.c.overdue_days).order_by(rows.c.overdue_days))
    return read(engine, stmt)


def overdue_days_histogram_raw(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """overdue_days_histogram with the definitions of lib.queries.tickets, word for word (what the fast form must equal)."""
    k = T.ticket
    days = days_between(k.c.due_at, bindparam("as_of_day", as_of, type_=Date())).label("overdue_days")
    rows = (select(days).where(scope.where(k.c.township_code), k.c.received_at < day_end(as_of),
                               open_overdue(day_end(as_of))).subquery())
    stmt = (select(rows.c.overdue_days, func.count().label("tickets_n"))
            .group_by(rows.c.overdue_days).order_by(rows.c.overdue_days))
    return read(engine, stmt)


def ticket_categories(engine: Engine, *, scope: Scope, as_of: date) -> list[str]:
    """Return the categories of tickets received by as_of, by name: a stable order for category colours."""
    if not summaries_ready(engine):
        return ticket_categories_raw(engine, scope=scope, as_of=as_of)
    f = T.ticket_dim_first
    stmt = (select(f.c.value.label("category")).where(f.c.dim == "category", scope.where(f.c.township_code),
                                                       f.c.first_day <= as_of)
            .group_by(f.c.value).order_by(f.c.value))
    return list(read(engine, stmt)["category"])


def ticket_categories_raw(engine: Engine, *, scope: Scope, as_of: date) -> list[str]:
    """ticket_categories from the tickets."""
    k = T.ticket
    stmt = (select(k.c.category).where(scope.where(k.c.township_code), k.c.received_at < day_end(as_of))
            .distinct().order_by(k.c.category))
    return list(read(engine, stmt)["category"])
