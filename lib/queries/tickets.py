"""Convenience-service tickets: volume, on-time rate, overdue backlog."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, and_, or_

from lib import db, schema as T
from lib.queries.common import count_if, day_end, read, summary_select
from lib.scope import Scope


def closed_by(end: datetime):
    """The ticket was closed before `end`."""
    k = T.ticket
    return and_(k.c.closed_at.is_not(None), k.c.closed_at < end)


def on_time_base(end: datetime):
    """Tickets an on-time rate counts at `end`: closed, or already past due (open tickets not yet due are left out)."""
    return or_(closed_by(end), T.ticket.c.due_at < end)


def on_time(end: datetime):
    """Closed by `end` and no later than due (受理时间 + 办结时限)."""
    k = T.ticket
    return and_(closed_by(end), k.c.closed_at <= k.c.due_at)


def open_overdue(end: datetime):
    """Open at `end` and past due."""
    return and_(~closed_by(end), T.ticket.c.due_at < end)


def ticket_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return tickets_n (this calendar year up to as_of), on-time numerator and base, and open overdue (any year).

    Read from the ticket_daily summary (lib.summaries) when it is maintained, else aggregated from the tickets.
    """
    from lib import summaries

    with db.reading(engine) as conn:
        if summaries.is_ready(conn):
            return summaries.ticket_counts(conn, townships=scope.townships, as_of=as_of, by_township=by_township)
    return ticket_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township)


def ticket_summary_raw(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return the columns of ticket_summary aggregated from the raw tickets (the definition the summary must equal)."""
    k = T.ticket
    end, year_start = day_end(as_of), datetime(as_of.year, 1, 1)
    this_year = k.c.received_at >= year_start
    stmt = summary_select(k.c.township_code, [
        count_if(this_year, "tickets_n"),
        count_if(and_(this_year, on_time(end)), "tickets_on_time_n"),
        count_if(and_(this_year, on_time_base(end)), "tickets_on_time_base_n"),
        count_if(open_overdue(end), "tickets_open_overdue_n"),
    ], by_township=by_township).where(scope.where(k.c.township_code), k.c.received_at < end)
    return read(engine, stmt)
