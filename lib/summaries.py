"""Summary tables kept in step with the raw tables, so the overview reads one row per township at any scale.

Every writer of contract tables (demo builder, importer) calls `refresh(conn, tables, townships)`
inside its own transaction after writing, so summaries can never disagree with the raw rows.
`refresh` recomputes the summaries of the touched townships from the raw rows (GROUP BY in the
database, running totals in pandas on at most a few hundred rows per township and day) and marks the
summaries as usable in `meta`. A database whose writer never called `refresh` (an old file, a test
database loaded by hand) has no mark, and the queries then aggregate the raw rows instead.

ticket_daily holds, per township and event day, running totals from which every ticket KPI at an
as-of date D follows exactly (end = the first instant after D; a datetime is before `end` exactly when
its date is on or before D):
- tickets_n        = tickets received in year(D) on or before D                 = received_ytd
- on-time numerator = received in year(D), closed by end, closed_at <= due_at     = on_time_ytd
- on-time base      = received in year(D), closed by end or due before end        = settled_ytd
  (event date: the earlier of the closing and due dates)
- open overdue      = due before end and not closed by end
                    = due_cum - due_closed_cum (event date of the second: the later of both dates)
Events of tickets received in another year than the event's own year are left out of the *_ytd
columns: a ticket received in year Y can only count at an as-of date in year Y.
The row read for D is the township's latest row on or before D (ytd columns count only when that
row is in year(D)).

member_daily holds, per township of the member's organization and day, members joined on or before it.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Integer, and_, case, cast, delete, func, select, true
from sqlalchemy.engine import Connection

from lib import schema as T

CHUNK = 40  # townships per GROUP BY when rebuilding
READY_KEY = "summaries"  # meta key: '1' once refresh() has run on this database

# Which summaries depend on which contract tables.
DEPENDS = {
    "ticket_daily": {"ticket", "township"},
    "member_daily": {"member", "party_org", "township"},
}


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _scope(column, townships):
    return true() if townships is None else column.in_(sorted(townships))


def _batches(rows: list[dict], size: int = 20_000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _ticket_events(conn: Connection, townships) -> pd.DataFrame:
    """Return (township_code, day, received_month, kind, n): the ticket events, grouped in the database."""
    k = T.ticket
    settle = case((and_(k.c.closed_at.is_not(None), k.c.closed_at < k.c.due_at), k.c.closed_at), else_=k.c.due_at)
    due_closed = case((k.c.closed_at > k.c.due_at, k.c.closed_at), else_=k.c.due_at)
    specs = (  # kind, event datetime, extra condition, whether the ytd columns need the received year
        ("received", k.c.received_at, None),
        ("on_time", k.c.closed_at, and_(k.c.closed_at.is_not(None), k.c.closed_at <= k.c.due_at)),
        ("settled", settle, None),
        ("due", k.c.due_at, None),
        ("due_closed", due_closed, k.c.closed_at.is_not(None)),
    )
    frames = []
    for kind, when, condition in specs:
        day = func.date(when).label("day")
        stmt = (select(k.c.township_code, day, k.c.received_month, func.count().label("n"))
                .where(_scope(k.c.township_code, townships))
                .group_by(k.c.township_code, day, k.c.received_month))
        if condition is not None:
            stmt = stmt.where(condition)
        rows = conn.execute(stmt).fetchall()
        frame = pd.DataFrame(rows, columns=["township_code", "day", "received_month", "n"])
        frame["kind"] = kind
        if not frame.empty:
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["township_code", "day", "received_month", "n", "kind"])
    return pd.concat(frames, ignore_index=True)


def ticket_daily_rows(conn: Connection, townships=None) -> list[dict]:
    """Return the rows of ticket_daily for `townships` (None: all), computed from the raw tickets."""
    events = _ticket_events(conn, townships)
    if events.empty:
        return []
    events["n"] = events["n"].astype("int64")
    events["day"] = [_as_date(v) for v in events["day"]]
    events["year"] = [d.year for d in events["day"]]
    same_year = events["received_month"].str[:4].astype(int) == events["year"]
    ytd_kinds = events["kind"].isin(["received", "on_time", "settled"])
    events = events[~ytd_kinds | same_year]
    wide = (events.groupby(["township_code", "day", "year", "kind"])["n"].sum()
            .unstack("kind", fill_value=0).reset_index().sort_values(["township_code", "day"]))
    for kind in ("received", "on_time", "settled", "due", "due_closed"):
        if kind not in wide:
            wide[kind] = 0
    by_year = wide.groupby(["township_code", "year"])
    by_town = wide.groupby("township_code")
    out = pd.DataFrame({
        "township_code": wide["township_code"], "day": wide["day"], "year": wide["year"],
        "received_ytd": by_year["received"].cumsum(), "on_time_ytd": by_year["on_time"].cumsum(),
        "settled_ytd": by_year["settled"].cumsum(), "due_cum": by_town["due"].cumsum(),
        "due_closed_cum": by_town["due_closed"].cumsum(),
    })
    return [{k: (int(v) if k not in ("township_code", "day") else v) for k, v in r.items()}
            for r in out.to_dict("records")]


def member_daily_rows(conn: Connection, townships=None) -> list[dict]:
    """Return the rows of member_daily for `townships` (None: all), computed from the raw members."""
    m, o = T.member, T.party_org
    stmt = (select(o.c.township_code, m.c.joined_on, func.count().label("n"))
            .select_from(m.join(o, m.c.org_code == o.c.code))
            .where(_scope(o.c.township_code, townships))
            .group_by(o.c.township_code, m.c.joined_on))
    frame = pd.DataFrame(conn.execute(stmt).fetchall(), columns=["township_code", "day", "n"])
    if frame.empty:
        return []
    frame["n"] = frame["n"].astype("int64")
    frame["day"] = [_as_date(v) for v in frame["day"]]
    frame = frame.groupby(["township_code", "day"], as_index=False)["n"].sum().sort_values(["township_code", "day"])
    frame["members_cum"] = frame.groupby("township_code")["n"].cumsum()
    return [{"township_code": r["township_code"], "day": r["day"], "members_cum": int(r["members_cum"])}
            for r in frame.to_dict("records")]


BUILDERS = {"ticket_daily": (T.ticket_daily, ticket_daily_rows), "member_daily": (T.member_daily, member_daily_rows)}


def refresh(conn: Connection, tables: set[str] | list[str], townships: set[str] | None = None) -> None:
    """Bring summary tables up to date after a write to `tables` (township codes touched, None: all).

    A writer that moves rows from one township to another passes both townships (the old one too:
    its running totals must lose the rows). Changes to party_org rebuild member_daily entirely.
    """
    from lib import db

    T.metadata.create_all(conn, tables=list(T.SUMMARY_TABLES))  # databases created before summaries existed
    touched = set(tables)
    ready = is_ready(conn)
    for name, (table, build) in BUILDERS.items():
        if not ready:
            scope = None  # first refresh on this database: build everything
        elif not (DEPENDS[name] & touched):
            continue
        elif name == "member_daily" and "party_org" in touched:
            scope = None  # an organization may have moved with its members: cheap to rebuild (one GROUP BY)
        else:
            scope = None if townships is None else set(townships)
        conn.execute(delete(table).where(_scope(table.c.township_code, scope)) if scope is not None else delete(table))
        codes = sorted(scope) if scope is not None else [r[0] for r in conn.execute(select(T.township.c.code))]
        for start in range(0, len(codes), CHUNK):  # a few townships at a time: memory stays flat at any scale
            for batch in _batches(build(conn, set(codes[start:start + CHUNK]))):
                conn.execute(table.insert(), batch)
    db.set_meta(conn, READY_KEY, "1")


def clear(conn: Connection) -> None:
    """Forget the summaries (queries aggregate the raw rows until the next refresh)."""
    for table in T.SUMMARY_TABLES:
        conn.execute(delete(table))
    conn.execute(delete(T.meta).where(T.meta.c.key == READY_KEY))


def is_ready(conn: Connection) -> bool:
    """Return True when refresh() has run on this database (the summaries can be read)."""
    try:
        return conn.execute(select(T.meta.c.value).where(T.meta.c.key == READY_KEY)).scalar() == "1"
    except Exception:  # noqa: BLE001 - no meta table: nothing is ready
        return False


def _latest(table, columns: list[str], as_of: date, townships, dialect: str = "sqlite"):
    """Return a subquery: per township in scope, `columns` of its latest row on or before as_of (NULL: none).

    One index seek (PRIMARY KEY township_code, day) per township (PostgreSQL: a LATERAL join) or per
    township and column (SQLite has no LATERAL), whatever the number of rows.
    """
    t = T.township
    if dialect == "postgresql":
        row = (select(*[table.c[c] for c in columns]).where(table.c.township_code == t.c.code, table.c.day <= as_of)
               .order_by(table.c.day.desc()).limit(1).lateral("latest_row"))
        return (select(t.c.code.label("township_code"), *[row.c[c] for c in columns])
                .select_from(t.join(row, true())).where(_scope(t.c.code, townships)).subquery("latest"))

    def value(name):
        inner = table.alias(f"l_{name}")
        return (select(inner.c[name]).where(inner.c.township_code == t.c.code, inner.c.day <= as_of)
                .order_by(inner.c.day.desc()).limit(1).scalar_subquery().label(name))

    return select(t.c.code.label("township_code"), *[value(c) for c in columns]).where(_scope(t.c.code, townships)).subquery("latest")


def ticket_counts(conn: Connection, *, townships, as_of: date, by_township: bool) -> pd.DataFrame:
    """Return the columns of lib.queries.tickets.ticket_summary read from ticket_daily."""
    d = _latest(T.ticket_daily, ["year", "received_ytd", "on_time_ytd", "settled_ytd", "due_cum", "due_closed_cum"],
                as_of, townships, conn.dialect.name)
    this_year = d.c.year == as_of.year

    def ytd(col):
        return case((this_year, col), else_=0)

    cols = [ytd(d.c.received_ytd).label("tickets_n"), ytd(d.c.on_time_ytd).label("tickets_on_time_n"),
            ytd(d.c.settled_ytd).label("tickets_on_time_base_n"),
            (d.c.due_cum - d.c.due_closed_cum).label("tickets_open_overdue_n")]
    rows = select(d.c.township_code, *cols).where(d.c.year.is_not(None))
    if by_township:
        stmt = rows
    else:
        sub = rows.subquery()
        stmt = select(*[cast(func.coalesce(func.sum(sub.c[c.name]), 0), Integer).label(c.name) for c in cols])
    result = conn.execute(stmt)
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for c in cols:
        frame[c.name] = frame[c.name].astype("int64")
    return frame


def member_counts(conn: Connection, *, townships, as_of: date, by_township: bool) -> pd.DataFrame:
    """Return members_n (joined on or before as_of, by township of their organization) from member_daily."""
    d = _latest(T.member_daily, ["members_cum"], as_of, townships, conn.dialect.name)
    rows = select(d.c.township_code, d.c.members_cum.label("members_n")).where(d.c.members_cum.is_not(None))
    if by_township:
        stmt = rows
    else:
        sub = rows.subquery()
        stmt = select(cast(func.coalesce(func.sum(sub.c.members_n), 0), Integer).label("members_n"))
    result = conn.execute(stmt)
    frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    frame["members_n"] = frame["members_n"].astype("int64")
    return frame
