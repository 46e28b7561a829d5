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

The 便民服务/满意度 breakdowns (lib.queries.services, ticket_ratings_by_month) read, with the same "latest
row on or before D" rule (`latest_rows`): ticket_town_daily / ticket_station_daily (per township / station:
this year's received, on time and on-time base, and received, received-and-closed, due, due-and-closed of
any year; event day = the later of receiving and the event), ticket_month_daily (per township and received
month), and, for whole months only, ticket_month_dim (received per month and category/channel) and
ticket_close_hist (whole area: category x received month x closing month x close_days, rebuilt whole).
The queries add the as-of month's tickets up to D from the ticket table when D is not a month's last day.
tests/test_summaries.py proves every one equals its raw twin.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Integer, and_, case, cast, delete, func, literal, literal_column, select, true
from sqlalchemy.engine import Connection

from lib import schema as T

CHUNK = 40  # townships per GROUP BY when rebuilding
READY_KEY = "summaries"  # meta key: VERSION once refresh() has run on this database
VERSION = "3"  # bumped when summary tables are added: older databases are rebuilt at their next refresh

# Which summaries depend on which contract tables.
DEPENDS = {
    "ticket_daily": {"ticket", "township"},
    "member_daily": {"member", "party_org", "township"},
    "ticket_station_daily": {"ticket", "township"},
    "ticket_month_daily": {"ticket", "township"},
    "ticket_month_dim": {"ticket", "township"},
    "ticket_close_hist": {"ticket"},
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


def _later(a, b):
    """The later of two datetimes (`b` NULL: `a`)."""
    return case((b > a, b), else_=a)


def _earlier(a, b):
    """The earlier of two datetimes (`a` NULL: `b`)."""
    return case((and_(a.is_not(None), a < b), a), else_=b)


def _grouped(conn: Connection, keys: list[str], specs, townships) -> pd.DataFrame:
    """Return keys + day + received_month + kind + n: per spec (kind, event datetime, condition, measure), the
    tickets grouped by `keys` (ticket columns) and the day of the event, in the database."""
    k = T.ticket
    frames = []
    group = [k.c[c] for c in keys] + ([] if "received_month" in keys else [k.c.received_month])
    for kind, when, condition, measure in specs:
        day = func.date(when).label("day")
        stmt = (select(*group, day, (func.count() if measure is None else func.sum(measure)).label("n"))
                .where(_scope(k.c.township_code, townships)).group_by(*group, day))
        if condition is not None:
            stmt = stmt.where(condition)
        frame = pd.DataFrame(conn.execute(stmt).fetchall(), columns=[c.name for c in group] + ["day", "n"])
        frame["kind"] = kind
        if not frame.empty:
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=keys + ["received_month", "day", "n", "kind"])
    return pd.concat(frames, ignore_index=True)


def _running(events: pd.DataFrame, keys: list[str], ytd: dict[str, str], cum: dict[str, str]) -> list[dict]:
    """Running totals per `keys` over the day: `cum` columns over all days, `ytd` columns within the year of
    the day counting only events of tickets received in that year (column name -> event kind)."""
    if events.empty:
        return []
    events = events.copy()
    events["n"] = events["n"].astype("int64")
    events["day"] = [_as_date(v) for v in events["day"]]
    if ytd:
        year = pd.Series([d.year for d in events["day"]], index=events.index)
        same_year = events["received_month"].str[:4].astype(int) == year
        events = events[~events["kind"].isin(set(ytd.values()) - set(cum.values())) | same_year]
    wide = (events.groupby(keys + ["day", "kind"])["n"].sum().unstack("kind", fill_value=0)
            .reset_index().sort_values(keys + ["day"]))
    for kind in set(ytd.values()) | set(cum.values()):
        if kind not in wide:
            wide[kind] = 0
    out = wide[keys + ["day"]].copy()
    if ytd:
        wide["year"] = [d.year for d in wide["day"]]
        out["year"] = wide["year"]
        by_year = wide.groupby(keys + ["year"])
        for name, kind in ytd.items():
            out[name] = by_year[kind].cumsum()
    by_key = wide.groupby(keys)
    for name, kind in cum.items():
        out[name] = by_key[kind].cumsum()
    ints = [c for c in out.columns if c not in keys and c != "day"]
    return [{c: (int(v) if c in ints else v) for c, v in r.items()} for r in out.to_dict("records")]


def ticket_station_daily_rows(conn: Connection, townships=None) -> list[dict]:
    """Rows of ticket_station_daily: ticket_daily per station, plus running totals of received and received-and-closed."""
    return _volume_rows(conn, townships, ["township_code", "station"])


def ticket_town_daily_rows(conn: Connection, townships=None) -> list[dict]:
    """Rows of ticket_town_daily: the columns of ticket_station_daily per township."""
    return _volume_rows(conn, townships, ["township_code"])


def _volume_rows(conn: Connection, townships, keys: list[str]) -> list[dict]:
    k = T.ticket
    closed = k.c.closed_at.is_not(None)
    specs = (
        ("received", k.c.received_at, None, None),
        ("on_time", _later(k.c.received_at, k.c.closed_at), and_(closed, k.c.closed_at <= k.c.due_at), None),
        ("settled", _later(k.c.received_at, _earlier(k.c.closed_at, k.c.due_at)), None, None),
        ("recv_closed", _later(k.c.received_at, k.c.closed_at), closed, None),
        ("due", k.c.due_at, None, None),
        ("due_closed", _later(k.c.due_at, k.c.closed_at), closed, None),
    )
    events = _grouped(conn, keys, specs, townships)
    return _running(events, keys,
                    {"received_ytd": "received", "on_time_ytd": "on_time", "settled_ytd": "settled"},
                    {"received_cum": "received", "recv_closed_cum": "recv_closed", "due_cum": "due",
                     "due_closed_cum": "due_closed"})


def ticket_station_rows(conn: Connection, townships=None) -> list[dict]:
    k = T.ticket
    rows = conn.execute(select(k.c.township_code, k.c.station).where(_scope(k.c.township_code, townships)).distinct())
    return [{"township_code": r[0], "station": r[1]} for r in rows]


def ticket_month_daily_rows(conn: Connection, townships=None) -> list[dict]:
    """Rows of ticket_month_daily: per township and received month, running totals over the event day."""
    k = T.ticket
    closed = k.c.closed_at.is_not(None)
    rated = and_(closed, k.c.rating.is_not(None))
    specs = (
        ("received", k.c.received_at, None, None),
        ("on_time", _later(k.c.received_at, k.c.closed_at), and_(closed, k.c.closed_at <= k.c.due_at), None),
        ("settled", _later(k.c.received_at, _earlier(k.c.closed_at, k.c.due_at)), None, None),
        ("rated", k.c.closed_at, rated, None),
        ("rating_sum", k.c.closed_at, rated, k.c.rating),
        ("high", k.c.closed_at, and_(rated, k.c.rating >= 4), None),
    )
    events = _grouped(conn, ["township_code", "received_month"], specs, townships)
    return _running(events, ["township_code", "received_month"], {},
                    {"received_cum": "received", "on_time_cum": "on_time", "settled_cum": "settled",
                     "rated_cum": "rated", "rating_sum_cum": "rating_sum", "high_cum": "high"})


def ticket_month_dim_rows(conn: Connection, townships=None) -> list[dict]:
    """Rows of ticket_month_dim: tickets received per township, received month and category / channel / total."""
    k = T.ticket
    out = []
    for dim, col in (("category", k.c.category), ("channel", k.c.channel), ("total", literal(""))):
        group = [k.c.township_code, k.c.received_month] + ([col] if dim != "total" else [])
        stmt = (select(*group, func.count()).where(_scope(k.c.township_code, townships)).group_by(*group))
        for r in conn.execute(stmt):
            value = r[2] if dim != "total" else ""
            out.append({"dim": dim, "township_code": r[0], "received_month": r[1], "value": value, "received_n": int(r[-1])})
    return out


def ticket_close_hist_rows(conn: Connection, townships=None) -> list[dict]:
    """Rows of ticket_close_hist (all townships: `townships` is ignored, the table is rebuilt whole)."""
    from lib.queries.services import days_between

    k = T.ticket
    days = days_between(k.c.received_at, k.c.closed_at)
    later = func.date(_later(k.c.received_at, k.c.closed_at))
    stmt = (select(k.c.category, k.c.received_month, later, days, func.count())
            .where(k.c.closed_at.is_not(None)).group_by(k.c.category, k.c.received_month, later, days))
    frame = pd.DataFrame(conn.execute(stmt).fetchall(), columns=["category", "received_month", "day", "close_days", "n"])
    if frame.empty:
        return []
    frame["close_month"] = [_as_date(v).strftime("%Y-%m") for v in frame["day"]]
    frame["n"] = frame["n"].astype("int64")
    frame = frame.groupby(["category", "received_month", "close_month", "close_days"], as_index=False)["n"].sum()
    return [{"category": r["category"], "received_month": r["received_month"], "close_month": r["close_month"],
             "close_days": int(r["close_days"]), "tickets_n": int(r["n"])} for r in frame.to_dict("records")]


# name -> (table, builder, townships per build call; None: one call for everything, no township column)
BUILDERS = {
    "ticket_daily": (T.ticket_daily, ticket_daily_rows, CHUNK),
    "member_daily": (T.member_daily, member_daily_rows, CHUNK),
    "ticket_station_daily": (T.ticket_station_daily, ticket_station_daily_rows, 8),
    "ticket_town_daily": (T.ticket_town_daily, ticket_town_daily_rows, CHUNK),
    "ticket_station": (T.ticket_station, ticket_station_rows, CHUNK),
    "ticket_month_daily": (T.ticket_month_daily, ticket_month_daily_rows, CHUNK),
    "ticket_month_dim": (T.ticket_month_dim, ticket_month_dim_rows, CHUNK),
    "ticket_close_hist": (T.ticket_close_hist, ticket_close_hist_rows, None),
}
DEPENDS["ticket_station"] = {"ticket", "township"}
DEPENDS["ticket_town_daily"] = {"ticket", "township"}


def refresh(conn: Connection, tables: set[str] | list[str], townships: set[str] | None = None) -> None:
    """Bring summary tables up to date after a write to `tables` (township codes touched, None: all).

    A writer that moves rows from one township to another passes both townships (the old one too:
    its running totals must lose the rows). Changes to party_org rebuild member_daily entirely.
    """
    from lib import db

    T.metadata.create_all(conn, tables=list(T.SUMMARY_TABLES))  # databases created before summaries existed
    touched = set(tables)
    ready = is_ready(conn)
    if not ready:  # indexes the summary-backed queries rely on, for databases created before they existed
        for index in T.ticket.indexes:
            index.create(conn, checkfirst=True)
    for name, (table, build, chunk) in BUILDERS.items():
        if not ready:
            scope = None  # first refresh on this database: build everything
        elif not (DEPENDS[name] & touched):
            continue
        elif name == "member_daily" and "party_org" in touched:
            scope = None  # an organization may have moved with its members: cheap to rebuild (one GROUP BY)
        else:
            scope = None if townships is None else set(townships)
        if chunk is None:  # no township column: rebuilt whole (one GROUP BY)
            conn.execute(delete(table))
            for batch in _batches(build(conn, None)):
                conn.execute(table.insert(), batch)
            continue
        conn.execute(delete(table).where(_scope(table.c.township_code, scope)) if scope is not None else delete(table))
        codes = sorted(scope) if scope is not None else [r[0] for r in conn.execute(select(T.township.c.code))]
        for start in range(0, len(codes), chunk):  # a few townships at a time: memory stays flat at any scale
            for batch in _batches(build(conn, set(codes[start:start + chunk]))):
                conn.execute(table.insert(), batch)
    db.set_meta(conn, READY_KEY, VERSION)


def clear(conn: Connection) -> None:
    """Forget the summaries (queries aggregate the raw rows until the next refresh)."""
    for table in T.SUMMARY_TABLES:
        conn.execute(delete(table))
    conn.execute(delete(T.meta).where(T.meta.c.key == READY_KEY))


def is_ready(conn: Connection) -> bool:
    """Return True when refresh() has run on this database (the summaries can be read)."""
    try:
        return conn.execute(select(T.meta.c.value).where(T.meta.c.key == READY_KEY)).scalar() == VERSION
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


def latest_rows(conn: Connection, table, groups, keys: list[str], columns: list[str], as_of: date):
    """Return a subquery: every row of `groups` (a subquery with columns `keys`) with `columns` of the latest row
    of `table` for those keys on or before as_of (NULL: none). One index seek per group and column (SQLite)
    or per group (PostgreSQL, LATERAL)."""
    if conn.dialect.name == "postgresql":
        row = (select(*[table.c[c] for c in columns]).where(*[table.c[k] == groups.c[k] for k in keys], table.c.day <= as_of)
               .order_by(table.c.day.desc()).limit(1).lateral("latest_row"))
        return select(*[groups.c[k] for k in keys], *[row.c[c] for c in columns]).select_from(groups.join(row, true())).subquery("latest")

    # SQLite (no LATERAL): one index seek per group for the rowid of its latest row, then a rowid lookup
    inner, row = table.alias("l_seek"), table.alias("l_row")
    rid = (select(literal_column("l_seek.rowid")).where(*[inner.c[k] == groups.c[k] for k in keys], inner.c.day <= as_of)
           .order_by(inner.c.day.desc()).limit(1).scalar_subquery().label("l_rid"))
    g = select(*[groups.c[k] for k in keys], rid).subquery("l_groups")
    return (select(*[g.c[k] for k in keys], *[row.c[c] for c in columns])
            .select_from(g.outerjoin(row, literal_column("l_row.rowid") == g.c.l_rid)).subquery("latest"))
