"""Questions every page asks: which townships exist, and the latest date in the data."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Select, func, select

from lib import db, schema
from lib.scope import Scope

T = schema


def read(engine: Engine, stmt: Select, params: dict | None = None) -> pd.DataFrame:
    """Return the rows of `stmt` (with bound `params`, if any) as a DataFrame."""
    names, rows = read_rows(engine, stmt, params)
    if not rows or len(set(names)) < len(names):
        return pd.DataFrame(rows, columns=names)
    # column by column: pandas would otherwise probe every Row object for dict- and namedtuple-ness
    return pd.DataFrame({name: list(values) for name, values in zip(names, zip(*rows))})


def read_rows(source: Engine | Connection, stmt: Select, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    """Return the column names and the rows (tuples) of `stmt` (with bound `params`, if any), on an engine or in an
    open connection: for results of a few rows that are completed and sorted in Python before one DataFrame is
    built (each pandas operation costs ~0.2-0.5 ms)."""
    if isinstance(source, Connection):
        result = source.execute(stmt, params or {})
        return list(result.keys()), [tuple(row) for row in result.fetchall()]
    with db.reading(source) as conn:
        return read_rows(conn, stmt, params)


def frame(names: list[str], rows: list[tuple]) -> pd.DataFrame:
    """Return `rows` as a DataFrame; columns named *_n are counts (int64, also when there are no rows)."""
    columns = list(zip(*rows)) if rows else [()] * len(names)
    return pd.DataFrame({name: np.fromiter((int(v or 0) for v in values), dtype="int64", count=len(values))
                         if name.endswith("_n") else list(values) for name, values in zip(names, columns)}, copy=False)


def frame_in_order(names: list[str], rows: list[tuple], order) -> pd.DataFrame:
    """Return rows keyed by their first column as a DataFrame with one row per value of `order` (missing: 0)."""
    found = {row[0]: row for row in rows}
    return frame(names, [found.get(key, (key, *[0] * (len(names) - 1))) for key in order])


def day_end(as_of: date) -> datetime:
    """Return the first instant after `as_of` (tickets are compared with datetimes)."""
    return datetime(as_of.year, as_of.month, as_of.day) + timedelta(days=1)


def townships(engine: Engine, *, scope: Scope) -> pd.DataFrame:
    """Return code, name, kind, lon, lat of the townships in scope, ordered by code."""
    return read(engine, townships_select(scope))


def townships_select(scope: Scope) -> Select:
    """SELECT code, name, kind, lon, lat of the townships in scope, ordered by code."""
    t = T.township
    return select(t.c.code, t.c.name, t.c.kind, t.c.lon, t.c.lat).where(scope.where(t.c.code)).order_by(t.c.code)


def latest_date(engine: Engine) -> date | None:
    """Return the latest date found in the data (the default as-of date), or None when empty."""
    candidates = (
        func.max(T.ticket.c.received_at), func.max(T.ticket.c.closed_at), func.max(T.survey.c.period_end),
        func.max(T.outflow.c.out_on), func.max(T.outflow.c.last_contact_on), func.max(T.member.c.joined_on),
        func.max(T.party_org.c.founded_on),
    )
    found: list[date] = []
    with db.reading(engine) as conn:
        for expr in candidates:
            value = conn.execute(select(expr)).scalar()
            if value is None:
                continue
            if isinstance(value, str):  # SQLite returns aggregates of dates as text
                value = datetime.fromisoformat(value)
            found.append(value.date() if isinstance(value, datetime) else value)
    return max(found) if found else None


def earliest_date(engine: Engine) -> date | None:
    """Return the day the first ticket was received (the start of the as-of date range), or None."""
    with db.reading(engine) as conn:
        value = conn.execute(select(func.min(T.ticket.c.received_at))).scalar()
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def summary_select(township_col, columns: list, *, by_township: bool) -> Select:
    """Return SELECT columns, grouped by `township_col` (as township_code) when by_township."""
    if by_township:
        return select(township_col.label("township_code"), *columns).group_by(township_col)
    return select(*columns)


def count_if(condition, name: str):
    """Return SUM(CASE WHEN condition THEN 1 ELSE 0 END) labelled `name` (portable COUNT FILTER)."""
    from sqlalchemy import case

    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(name)
