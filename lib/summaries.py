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
month), ticket_month_dim (received per township, month and category/channel; whole months only: a set of
townships adds the as-of month's tickets up to D from the ticket table when D is not a month's last day),
ticket_category_daily (per township and category, this year's received: the heatmap) and ticket_dim_first
(the day each township received its first ticket of each category/channel).
Three more add up the whole area (rebuilt whole on every ticket import): ticket_day_dim (received per day
and category/channel), ticket_close_hist (category x received month x closing month x close_days, for whole
months) and ticket_close_daily (year received x closing day x category x close_days, for the as-of month's days).
tests/test_summaries.py proves every one equals its raw twin.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Integer, String, case, cast, delete, func, literal_column, select, true, type_coerce
from sqlalchemy.engine import Connection

from lib import schema as T

CHUNK = 12  # townships whose tickets are read at once when rebuilding (~20k tickets each at city scale)
READY_KEY = "summaries"  # meta key: VERSION once refresh() has run on this database
VERSION = "7"  # bumped when summary tables are added: older databases are rebuilt at their next refresh


def _scope(column, townships):
    return true() if townships is None else column.in_(sorted(townships))


# ---------------------------------------------------------------- ticket summaries
# One read of the tickets per chunk of townships; every ticket summary of those townships is computed from
# that frame in pandas (the event days of the old per-summary GROUP BYs, spelled with the same rules).

TICKET_SUMMARIES = ("ticket_daily", "ticket_town_daily", "ticket_station_daily", "ticket_station",
                    "ticket_month_daily", "ticket_month_dim", "ticket_category_daily", "ticket_dim_first")
DIMENSIONS = ("category", "channel")
TICKET_COLUMNS = ("township_code", "station", "category", "channel", "received_month", "received_at", "due_at",
                  "closed_at", "rating")


def ticket_frame(conn: Connection, townships) -> pd.DataFrame:
    """Return the ticket columns the summaries need for `townships` (None: all); datetimes as datetime64, NaT when open."""
    k = T.ticket
    # datetimes as the driver gives them (SQLite: ISO text), parsed below in one vectorised call
    cols = [k.c[c] if c not in ("received_at", "due_at", "closed_at") else type_coerce(k.c[c], String).label(c)
            for c in TICKET_COLUMNS]
    result = conn.execute(select(*cols).where(_scope(k.c.township_code, townships)))
    rows = result.cursor.fetchall()  # plain driver tuples: no Row objects for hundreds of thousands of rows
    result.close()
    columns = list(zip(*rows)) if rows else [()] * len(TICKET_COLUMNS)
    frame = pd.DataFrame({c: pd.Categorical(v) for c, v in zip(TICKET_COLUMNS[:5], columns[:5])})
    for c, v in zip(TICKET_COLUMNS[5:8], columns[5:8]):
        frame[c] = pd.to_datetime(pd.Series(v, dtype=object), format="ISO8601").astype("datetime64[us]")
    frame["rating"] = pd.to_numeric(pd.Series(columns[8], dtype=object)).astype("float64")
    return frame


def _later(a: pd.Series, b: pd.Series) -> pd.Series:
    """The later of two datetimes (`b` NaT: `a`)."""
    return b.where(b > a, a)


def _earlier(a: pd.Series, b: pd.Series) -> pd.Series:
    """The earlier of two datetimes (`a` NaT: `b`)."""
    return a.where(a.notna() & (a < b), b)


def _events(f: pd.DataFrame, keys: list[str], specs) -> pd.DataFrame:
    """Return keys + received_month + day + kind + n: per spec (kind, event datetime, mask, measure), the tickets
    grouped by `keys`, their received month and the day of the event."""
    group = keys + ([] if "received_month" in keys else ["received_month"])
    frames = []
    for kind, when, mask, measure in specs:
        sub = f[group] if mask is None else f.loc[mask, group]
        day = when.dt.normalize() if mask is None else when[mask].dt.normalize()
        grouped = sub.assign(day=day.to_numpy(), n=1 if measure is None else measure[sub.index].to_numpy())
        counted = grouped.groupby(group + ["day"], sort=False, observed=True)["n"].sum().reset_index()
        counted["kind"] = kind
        if len(counted):
            frames.append(counted)
    if not frames:
        return pd.DataFrame(columns=group + ["day", "n", "kind"])
    return pd.concat(frames, ignore_index=True)


def _running(events: pd.DataFrame, keys: list[str], ytd: dict[str, str], cum: dict[str, str]) -> pd.DataFrame:
    """Running totals per `keys` over the day: `cum` columns over all days, `ytd` columns within the year of
    the day counting only events of tickets received in that year (column name -> event kind)."""
    names = keys + ["day"] + (["year"] if ytd else []) + list(ytd) + list(cum)
    if events.empty:
        return pd.DataFrame(columns=names)
    events = events.copy()
    events["n"] = events["n"].astype("int64")
    year = events["day"].dt.year
    if ytd:
        same_year = events["received_month"].str[:4].astype(int) == year
        events = events[~events["kind"].isin(set(ytd.values()) - set(cum.values())) | same_year]
    wide = (events.groupby(keys + ["day", "kind"], observed=True)["n"].sum().unstack("kind", fill_value=0)
            .reset_index().sort_values(keys + ["day"], kind="stable"))
    for kind in set(ytd.values()) | set(cum.values()):
        if kind not in wide:
            wide[kind] = 0
    out = wide[keys + ["day"]].copy()
    if ytd:
        wide["year"] = wide["day"].dt.year
        out["year"] = wide["year"]
        by_year = wide.groupby(keys + ["year"], observed=True, sort=False)
        for name, kind in ytd.items():
            out[name] = by_year[kind].cumsum()
    by_key = wide.groupby(keys, observed=True, sort=False)
    for name, kind in cum.items():
        out[name] = by_key[kind].cumsum()
    for c in names[len(keys) + 1:]:
        out[c] = out[c].astype("int64")
    for k in keys:  # categorical keys (see ticket_summaries) back to text
        out[k] = out[k].astype(object)
    return out[names].reset_index(drop=True)


def ticket_summaries(f: pd.DataFrame, names=TICKET_SUMMARIES) -> dict[str, pd.DataFrame]:
    """Return the rows of each ticket summary in `names`, computed from a ticket_frame.

    Event days (a datetime is on or before D exactly when its day is):
    - ticket_daily, per township: received; on time (closed_at <= due_at) on the closing day; settled (closed
      or past due) on the earlier of closing and due; due; due-and-closed on the later of both.
    - ticket_town_daily / ticket_station_daily, per township / station: the same counts with every event day
      at the earliest the receiving day, plus received and received-and-closed (open = their difference).
    - ticket_month_daily, per township and received month: received, on time, settled as above, and ratings
      (rated, their sum, rated 4-5) on the closing day.
    - ticket_month_dim: tickets received per township, received month and category / channel / total.
    - ticket_category_daily, per township and category: this year's received, on the receiving day.
    - ticket_dim_first: the first receiving day per township and category / channel.
    """
    # text columns are categorical (ticket_frame): grouping works on their codes
    r, c, u = f["received_at"], f["closed_at"], f["due_at"]
    closed = c.notna()
    on_time = closed & (c <= u)
    rated = closed & f["rating"].notna()
    out: dict[str, pd.DataFrame] = {}
    if "ticket_daily" in names:
        specs = (("received", r, None, None), ("on_time", c, on_time, None), ("settled", _earlier(c, u), None, None),
                 ("due", u, None, None), ("due_closed", _later(u, c), closed, None))
        out["ticket_daily"] = _running(
            _events(f, ["township_code"], specs), ["township_code"],
            {"received_ytd": "received", "on_time_ytd": "on_time", "settled_ytd": "settled"},
            {"due_cum": "due", "due_closed_cum": "due_closed"})
    later_closed, later_settled = _later(r, c), _later(r, _earlier(c, u))
    volume = (("received", r, None, None), ("on_time", later_closed, on_time, None),
              ("settled", later_settled, None, None), ("recv_closed", later_closed, closed, None),
              ("due", u, None, None), ("due_closed", _later(u, c), closed, None))
    for name, keys in (("ticket_town_daily", ["township_code"]), ("ticket_station_daily", ["township_code", "station"])):
        if name in names:
            out[name] = _running(
                _events(f, keys, volume), keys,
                {"received_ytd": "received", "on_time_ytd": "on_time", "settled_ytd": "settled"},
                {"received_cum": "received", "recv_closed_cum": "recv_closed", "due_cum": "due",
                 "due_closed_cum": "due_closed"})
    if "ticket_station" in names:
        stations = f[["township_code", "station"]].drop_duplicates()
        out["ticket_station"] = stations.astype(object).reset_index(drop=True)
    if "ticket_month_daily" in names:
        specs = (("received", r, None, None), ("on_time", later_closed, on_time, None),
                 ("settled", later_settled, None, None), ("rated", c, rated, None),
                 ("rating_sum", c, rated, f["rating"]), ("high", c, rated & (f["rating"] >= 4), None))
        out["ticket_month_daily"] = _running(
            _events(f, ["township_code", "received_month"], specs), ["township_code", "received_month"], {},
            {"received_cum": "received", "on_time_cum": "on_time", "settled_cum": "settled", "rated_cum": "rated",
             "rating_sum_cum": "rating_sum", "high_cum": "high"})
    if "ticket_month_dim" in names:
        out["ticket_month_dim"] = by_dimension(f, ["township_code", "received_month"])
    if "ticket_category_daily" in names:
        keys = ["township_code", "category"]
        out["ticket_category_daily"] = _running(_events(f, keys, (("received", r, None, None),)), keys,
                                                {"received_ytd": "received"}, {})
    if "ticket_dim_first" in names:
        parts = []
        for dim in DIMENSIONS:
            first = f.groupby(["township_code", dim], observed=True)["received_at"].min().dt.normalize()
            first = first.rename("first_day").reset_index().rename(columns={dim: "value"})
            first["dim"] = dim
            parts.append(first)
        firsts = pd.concat(parts, ignore_index=True)
        for k in ("township_code", "value"):
            firsts[k] = firsts[k].astype(object)
        out["ticket_dim_first"] = firsts[["township_code", "dim", "value", "first_day"]]
    return out


def by_dimension(f: pd.DataFrame, keys: list[str], weight: str | None = None) -> pd.DataFrame:
    """Return dim, `keys`, value, received_n: the tickets of `f` (or the sum of its `weight` column) per `keys` and
    category, per `keys` and channel, and per `keys` alone (dim 'total', value '')."""
    parts = []
    for dim in (*DIMENSIONS, "total"):
        group = keys + ([dim] if dim != "total" else [])
        grouped = f.groupby(group, observed=True)
        n = (grouped.size() if weight is None else grouped[weight].sum()).rename("received_n").reset_index()
        n["value"] = n[dim].astype(object) if dim != "total" else ""
        n["dim"] = dim
        parts.append(n[["dim", *keys, "value", "received_n"]])
    out = pd.concat(parts, ignore_index=True)
    for k in keys:  # categorical keys (see ticket_frame) back to text
        if isinstance(out[k].dtype, pd.CategoricalDtype):
            out[k] = out[k].astype(object)
    out["received_n"] = out["received_n"].astype("int64")
    return out


# ---------------------------------------------------------------- whole-area ticket summaries
# ticket_close_hist, ticket_close_daily and ticket_day_dim add up every township: they are summed from the chunks
# when everything is rebuilt, and regrouped in the database after an import that touched some townships.
CLOSE_KEYS = ["category", "received_month", "close_day", "close_days"]
DAY_DIM_KEYS = ["dim", "received_day", "received_month", "value"]


def close_counts(f: pd.DataFrame, weight: str | None = None) -> pd.DataFrame:
    """Return category, received_month, close_day, close_days, tickets_n of the closed tickets of a ticket_frame, or
    of a frame of received and closing days whose `weight` column counts the tickets of each row
    (close_day: day of the later of receiving and closing; close_days: calendar days from receiving to closing)."""
    done = f[f["closed_at"].notna()]
    rows = pd.DataFrame({
        "category": done["category"], "received_month": done["received_month"],
        "close_day": _later(done["received_at"], done["closed_at"]).dt.normalize(),
        "close_days": (done["closed_at"].dt.normalize() - done["received_at"].dt.normalize()).dt.days,
        "n": 1 if weight is None else done[weight]})
    out = rows.groupby(CLOSE_KEYS, observed=True)["n"].sum().rename("tickets_n").reset_index()
    for c in ("category", "received_month"):
        out[c] = out[c].astype(object)
    return out.astype({"close_days": "int64", "tickets_n": "int64"})


def day_dim_counts(f: pd.DataFrame, weight: str | None = None) -> pd.DataFrame:
    """Return dim, received_day, received_month, value, received_n of a ticket_frame (dims as ticket_month_dim), or
    of a frame of received days whose `weight` column counts the tickets of each row."""
    return by_dimension(f.assign(received_day=f["received_at"].dt.normalize()), ["received_day", "received_month"],
                        weight)


def close_tables(counts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the rows of ticket_close_hist (by month of closing) and ticket_close_daily (by day, year received)
    from close_counts rows (of several chunks: summed here)."""
    counts = counts.groupby(CLOSE_KEYS, as_index=False)["tickets_n"].sum()
    days = pd.to_datetime(counts["close_day"])
    by_month = counts.assign(close_month=days.dt.strftime("%Y-%m"))
    hist = by_month.groupby(["category", "received_month", "close_month", "close_days"], as_index=False)["tickets_n"].sum()
    by_year = counts.assign(received_year=counts["received_month"].str[:4].astype("int64"), close_day=days)
    daily = by_year.groupby(["received_year", "close_day", "category", "close_days"], as_index=False)["tickets_n"].sum()
    return hist, daily


def _days(values) -> pd.Series:
    """Dates as the database returns them from func.date (SQLite: text) as datetime64 days."""
    return pd.to_datetime(pd.Series(values, dtype=object).astype(str).str[:10], format="%Y-%m-%d")


def close_counts_rows(conn: Connection) -> pd.DataFrame:
    """close_counts of all tickets, from one GROUP BY in the database by the days received and closed (an import that
    touched some townships)."""
    k = T.ticket
    group = [k.c.category, k.c.received_month, func.date(k.c.received_at), func.date(k.c.closed_at)]
    rows = conn.execute(select(*group, func.count()).where(k.c.closed_at.is_not(None)).group_by(*group)).fetchall()
    frame = pd.DataFrame(rows, columns=["category", "received_month", "received_at", "closed_at", "tickets_n"])
    frame["received_at"], frame["closed_at"] = _days(frame["received_at"]), _days(frame["closed_at"])
    return close_counts(frame, weight="tickets_n")


def day_dim_rows(conn: Connection) -> pd.DataFrame:
    """day_dim_counts of all tickets, from one GROUP BY in the database (day x month x every dimension)."""
    k = T.ticket
    group = [func.date(k.c.received_at), k.c.received_month, *[k.c[d] for d in DIMENSIONS]]
    rows = conn.execute(select(*group, func.count()).group_by(*group)).fetchall()
    frame = pd.DataFrame(rows, columns=["received_at", "received_month", *DIMENSIONS, "tickets_n"])
    frame["received_at"] = _days(frame["received_at"])
    return day_dim_counts(frame, weight="tickets_n")


def member_daily_rows(conn: Connection, townships=None) -> pd.DataFrame:
    """Return the rows of member_daily for `townships` (None: all), computed from the raw members."""
    m, o = T.member, T.party_org
    stmt = (select(o.c.township_code, type_coerce(m.c.joined_on, String), func.count().label("n"))
            .select_from(m.join(o, m.c.org_code == o.c.code))
            .where(_scope(o.c.township_code, townships))
            .group_by(o.c.township_code, m.c.joined_on))
    frame = pd.DataFrame(conn.execute(stmt).fetchall(), columns=["township_code", "day", "n"])
    if frame.empty:
        return pd.DataFrame(columns=["township_code", "day", "members_cum"])
    frame["n"] = frame["n"].astype("int64")
    frame["day"] = pd.to_datetime(frame["day"].astype(str).str[:10], format="%Y-%m-%d")
    frame = frame.groupby(["township_code", "day"], as_index=False)["n"].sum().sort_values(["township_code", "day"])
    frame["members_cum"] = frame.groupby("township_code")["n"].cumsum()
    return frame[["township_code", "day", "members_cum"]]


SUMMARY_BY_NAME = {t.name: t for t in T.SUMMARY_TABLES}


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
    everything = not ready  # first refresh on this database: build everything
    if everything or touched & {"member", "party_org", "township"}:
        # an organization may have moved with its members: cheap to rebuild whole (one GROUP BY)
        scope = None if everything or townships is None or "party_org" in touched else set(townships)
        _replace(conn, T.member_daily, scope, [member_daily_rows(conn, scope)])
    if everything or touched & {"ticket", "township"}:
        scope = None if everything or townships is None else set(townships)
        codes = sorted(scope) if scope is not None else [r[0] for r in conn.execute(select(T.township.c.code))]
        for name in TICKET_SUMMARIES:
            _replace(conn, SUMMARY_BY_NAME[name], scope, [])
        closes, day_dims = [], []
        for start in range(0, len(codes), CHUNK):  # a few townships at a time: memory stays flat at any scale
            frame = ticket_frame(conn, set(codes[start:start + CHUNK]))
            for name, rows in ticket_summaries(frame).items():
                db.bulk_insert(conn, SUMMARY_BY_NAME[name], rows)
            if scope is None:
                closes.append(close_counts(frame))
                day_dims.append(day_dim_counts(frame))
        # the whole-area summaries: summed from the chunks when everything was read, else regrouped in the database
        if scope is not None and "ticket" in touched:
            closes, day_dims = [close_counts_rows(conn)], [day_dim_rows(conn)]
        if scope is None or "ticket" in touched:
            _replace_whole_area(conn, closes, day_dims)
    from lib import small_summaries

    small_summaries.refresh(conn, touched, everything)
    db.set_meta(conn, READY_KEY, VERSION)


def _replace_whole_area(conn: Connection, closes: list[pd.DataFrame], day_dims: list[pd.DataFrame]) -> None:
    """Replace ticket_close_hist, ticket_close_daily and ticket_day_dim with the sums of close_counts and
    day_dim_counts frames (one per chunk of townships, or one for all)."""
    closes, day_dims = [c for c in closes if len(c)], [d for d in day_dims if len(d)]
    hist, daily = close_tables(pd.concat(closes)) if closes else (None, None)
    dims = pd.concat(day_dims).groupby(DAY_DIM_KEYS, as_index=False)["received_n"].sum() if day_dims else None
    for table, rows in ((T.ticket_close_hist, hist), (T.ticket_close_daily, daily), (T.ticket_day_dim, dims)):
        _replace(conn, table, None, [] if rows is None else [rows])


def _replace(conn: Connection, table, townships, frames: list[pd.DataFrame]) -> None:
    """Delete the rows of `table` for `townships` (None: all) and insert `frames`."""
    from lib import db

    if townships is None or "township_code" not in table.c:
        conn.execute(delete(table))
    else:
        conn.execute(delete(table).where(_scope(table.c.township_code, townships)))
    for frame in frames:
        db.bulk_insert(conn, table, frame)


def clear(conn: Connection) -> None:
    """Forget the summaries (queries aggregate the raw rows until the next refresh)."""
    for table in T.SUMMARY_TABLES:
        conn.execute(delete(table))
    conn.execute(delete(T.meta).where(T.meta.c.key == READY_KEY))


_READY_QUERY = select(T.meta.c.value).where(T.meta.c.key == READY_KEY)  # built once: every summary-backed query asks


def is_ready(conn: Connection) -> bool:
    """Return True when refresh() has run on this database (the summaries can be read)."""
    try:
        return conn.execute(_READY_QUERY).scalar() == VERSION
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
