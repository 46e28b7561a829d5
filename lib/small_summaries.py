"""Summaries of the small tables: cadres, "两新" organizations and outflow members (lib.schema SMALL_SUMMARIES).

Their whole-area pages ask several questions of a table of a few thousand rows. A GROUP BY over those rows costs
milliseconds each, a seek per group about ten microseconds on PostgreSQL; reading a few hundred summary rows in
index order costs a fraction of a millisecond. Each subject is a set of events per group on the day they happen:

- cadres, on their birth date: born by D are in view; aged a or more at D are born on or before D minus a years
  (lib.rules.minus_years, as the raw queries), so the cadres of an age are the difference of two cut-offs;
- enterprises, on the day their organization was founded (covered from then on); the group row holds the counts
  that do not depend on D (enterprises, with an instructor, with 3+ formal members);
- outflow members, on the day they left and on the day they became at risk of lost contact (at_risk_from); the
  first member to leave for a city or province also counts the destination as reached.

`counts_at` reads a group's running totals at any days D in one statement (lib.schema explains the three tables).
Every writer refreshes these summaries whole in its own transaction (`refresh`: one read of the source table, well
under a second at city scale). tests/test_small_summaries.py proves every query reading them equals its raw twin.
"""
from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Date, Integer, String, select, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from lib import schema as T
from lib.rules import education_group, minus_months, size_band

OUTFLOW_MONTHS_KEY = "summaries_outflow_months"  # meta: outflow_contact_months the at-risk days were computed with


@dataclass(frozen=True)
class Subject:
    group: object
    monthly: object
    daily: object
    keys: tuple[str, ...]  # the group keys after dim
    counts: tuple[str, ...]  # what is counted: <count>_cum running totals, <count>_n per day
    static: tuple[str, ...] = ()  # counts of the group that do not change with the day


SUBJECTS = {
    "cadre": Subject(T.cadre_group, T.cadre_monthly, T.cadre_daily, ("section", "unit_type", "gender", "value"),
                     ("cadres", "bachelor")),
    "coverage": Subject(T.coverage_group, T.coverage_monthly, T.coverage_daily, ("kind", "value"),
                        ("covered", "covered_instructor", "covered_eligible"),
                        ("enterprises_n", "instructor_n", "eligible_n")),
    "outflow": Subject(T.outflow_group, T.outflow_monthly, T.outflow_daily,
                       ("township_code", "dest_province", "dest_city", "branch_code"),
                       ("members", "at_risk", "in_branch", "cities", "provinces")),
}


def month_before(day: date) -> date:
    """Return the last day of the month before `day`'s month, or `day` itself when it is the last day of its month:
    the month-end snapshot a running total at `day` starts from."""
    if (day + timedelta(days=1)).day == 1:
        return day
    return day.replace(day=1) - timedelta(days=1)


# ---------------------------------------------------------------- building

def _dates(values) -> pd.Series:
    """Dates as the driver returns them (SQLite: ISO text) as datetime64 days; None stays NaT."""
    return pd.to_datetime(pd.Series(values, dtype=object).map(lambda v: None if pd.isna(v) else str(v)[:10]),
                          format="%Y-%m-%d")


def _with_dims(frame: pd.DataFrame, dims: dict[str, dict[str, str]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Return the rows of `frame` once per dim (column `dim`), with each key column of `columns` taken from the
    column of `frame` that dims[dim] names for it, or '' (the group is not split by it)."""
    base = frame.drop(columns=[c for c in columns if c in frame.columns])
    parts = []
    for dim, spec in dims.items():
        part = base.assign(dim=dim)
        for c in columns:
            part[c] = frame[spec[c]] if c in spec else ""
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def rollup(subject: str, events: pd.DataFrame, static: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """Return the rows of the subject's group, monthly and daily tables from `events`: dim, the key columns, day
    (datetime64) and one column per count (how much the event adds). `static`, when given: dim, keys and the static
    counts of every group (groups without events too)."""
    s = SUBJECTS[subject]
    keys = ["dim", *s.keys]
    counts = list(s.counts)
    daily = events.groupby([*keys, "day"], sort=True)[counts].sum().reset_index()
    # running totals at every month end from each group's first event month to its last (dense: one range read)
    daily["month"] = daily["day"].dt.year * 12 + daily["day"].dt.month - 1
    per_month = daily.groupby([*keys, "month"], sort=True)[counts].sum()
    span = daily.groupby(keys, sort=True)["month"].agg(["min", "max"])
    lengths = (span["max"] - span["min"] + 1).to_numpy()
    dense = span.index.repeat(lengths).to_frame(index=False)
    starts = np.repeat(span["min"].to_numpy(), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    dense["month"] = starts + offsets
    monthly = dense.merge(per_month.reset_index(), on=[*keys, "month"], how="left").fillna({c: 0 for c in counts})
    cum = monthly.groupby(keys, sort=False)[counts].cumsum().astype("int64")
    monthly = monthly[keys].assign(**{f"{c}_cum": cum[c] for c in counts},
                                   month_end=_month_ends(monthly["month"].to_numpy()),
                                   month_of_year=(monthly["month"] % 12 + 1).astype("int64"))
    finals = daily.groupby(keys, sort=True).agg(first_day=("day", "min"), last_day=("day", "max"),
                                                **{f"{c}_cum": (c, "sum") for c in counts}).reset_index()
    if static is not None:
        finals = static.merge(finals, on=keys, how="left").fillna({f"{c}_cum": 0 for c in counts})
    for c in counts:
        finals[f"{c}_cum"] = finals[f"{c}_cum"].astype("int64")
    daily = daily.drop(columns="month").rename(columns={c: f"{c}_n" for c in counts})
    daily["month_day"] = (daily["day"].dt.month * 100 + daily["day"].dt.day).astype("int64")
    return {"group": finals, "monthly": monthly, "daily": daily.astype({f"{c}_n": "int64" for c in counts})}


def _month_ends(months: np.ndarray) -> pd.Series:
    """Last days of months numbered year * 12 + month - 1."""
    first_next = pd.to_datetime(pd.DataFrame({"year": (months + 1) // 12, "month": (months + 1) % 12 + 1, "day": 1}))
    return first_next - pd.Timedelta(days=1)


CADRE_DIMS = {
    "age": {"unit_type": "unit_type", "gender": "gender"},
    "education": {"value": "education_group"},
    "rank": {"unit_type": "unit_type", "value": "rank"},
    "township": {"unit_type": "unit_type", "value": "town"},
}


def cadre_rollup(conn: Connection) -> dict[str, pd.DataFrame]:
    """Return the rows of the cadre summaries, computed from the cadres."""
    c = T.cadre
    rows = conn.execute(select(c.c.township_code, c.c.rank, c.c.gender, c.c.education,
                               type_coerce(c.c.birth_date, String))).fetchall()
    f = pd.DataFrame(rows, columns=["township_code", "rank", "gender", "education", "birth_date"])
    f = f.assign(
        section=f["rank"].isin(T.SECTION_RANKS).astype("int64"),
        unit_type=f["township_code"].isna().map({True: "district", False: "township"}),
        town=f["township_code"].fillna(""),
        education_group=f["education"].map(education_group),
        bachelor=f["education"].isin(T.BACHELOR_PLUS).astype("int64"),
        cadres=1, day=_dates(f["birth_date"]))
    return rollup("cadre", _with_dims(f, CADRE_DIMS, SUBJECTS["cadre"].keys[1:]))


COVERAGE_DIMS = {"township": {"value": "township_code"}, "industry": {"value": "industry"},
                 "size": {"value": "size_band"}, "total": {}}


def coverage_rollup(conn: Connection) -> dict[str, pd.DataFrame]:
    """Return the rows of the coverage summaries, computed from the enterprises and their organizations."""
    from lib.rules import SHOULD_BUILD_MIN_MEMBERS

    e, o = T.enterprise, T.party_org
    rows = conn.execute(select(e.c.kind, e.c.township_code, e.c.industry, e.c.employees_n, e.c.members_n,
                               e.c.instructor, type_coerce(o.c.founded_on, String))
                        .select_from(e.outerjoin(o, e.c.org_code == o.c.code))).fetchall()
    f = pd.DataFrame(rows, columns=["kind", "township_code", "industry", "employees_n", "members_n", "instructor",
                                    "founded_on"])
    f = f.assign(size_band=f["employees_n"].map(size_band), enterprises=1,
                 # an empty instructor is no instructor (lib.queries.coverage._work_covered)
                 with_instructor=(f["instructor"].notna() & (f["instructor"] != "")).astype("int64"),
                 eligible=(f["members_n"] >= SHOULD_BUILD_MIN_MEMBERS).astype("int64"),
                 day=_dates(f["founded_on"]))
    rows = _with_dims(f, COVERAGE_DIMS, ("value",))
    keys = ["dim", "kind", "value"]
    static = (rows.groupby(keys, sort=True)[["enterprises", "with_instructor", "eligible"]].sum().reset_index()
              .rename(columns={"enterprises": "enterprises_n", "with_instructor": "instructor_n", "eligible": "eligible_n"}))
    covered = rows[rows["day"].notna()].assign(covered=1, covered_instructor=lambda r: r["with_instructor"],
                                               covered_eligible=lambda r: r["eligible"])
    return rollup("coverage", covered, static)


OUTFLOW_DIMS = {"township": {"township_code": "township_code"}, "province": {"dest_province": "dest_province"},
                "city": {"dest_province": "dest_province", "dest_city": "dest_city"},
                "branch": {"branch_code": "branch"}, "total": {}}


def at_risk_from(last_contact: date, months: int) -> date:
    """Return the first day D on which a member last contacted on `last_contact` counts as at risk of lost contact
    (the contact is before D minus `months` months: lib.queries.outflow.at_risk)."""
    step = timedelta(days=1)
    # minus_months never decreases as D grows: start near `months` later and walk to the first day that qualifies
    day = minus_months(last_contact, -months)
    while minus_months(day, months) > last_contact:
        day -= step
    while not minus_months(day, months) > last_contact:
        day += step
    return day


def outflow_rollup(conn: Connection, months: int) -> dict[str, pd.DataFrame]:
    """Return the rows of the outflow summaries, computed from the outflow members (at risk after `months` months
    without contact)."""
    f = T.outflow
    rows = conn.execute(select(f.c.township_code, f.c.dest_province, f.c.dest_city, f.c.branch_code,
                               type_coerce(f.c.out_on, String), type_coerce(f.c.last_contact_on, String))).fetchall()
    m = pd.DataFrame(rows, columns=["township_code", "dest_province", "dest_city", "branch_code", "out_on", "contact"])
    out_on = _dates(m["out_on"])
    starts = {c: at_risk_from(date.fromisoformat(str(c)[:10]), months) for c in m["contact"].dropna().unique()}
    risk_from = _dates([None if pd.isna(c) else starts[c] for c in m["contact"]])
    at_risk_day = risk_from.where(risk_from > out_on, out_on)  # never contacted (NaT): at risk from leaving
    m = m.assign(branch=m["branch_code"].fillna(""), in_branch=m["branch_code"].notna().astype("int64"),
                 cities=0, provinces=0)
    events = pd.concat([m.assign(day=out_on, members=1, at_risk=0),  # leaving, and assigned to a branch or not
                        m.assign(day=at_risk_day, members=0, at_risk=1, in_branch=0)], ignore_index=True)
    keys = SUBJECTS["outflow"].keys
    rows = [_with_dims(events, {d: s for d, s in OUTFLOW_DIMS.items() if d != "branch"}, keys),
            _with_dims(events[events["branch"] != ""], {"branch": OUTFLOW_DIMS["branch"]}, keys)]
    # destinations reached: each city's and province's first leaving day, counted on the total row
    for name, where in (("cities", ["dest_province", "dest_city"]), ("provinces", ["dest_province"])):
        first = m[where].assign(day=out_on).groupby(where)["day"].min().to_numpy()
        rows.append(pd.DataFrame({"day": first}).assign(
            dim="total", **{k: "" for k in keys}, **{c: int(c == name) for c in SUBJECTS["outflow"].counts}))
    return rollup("outflow", pd.concat(rows, ignore_index=True))


# ---------------------------------------------------------------- refresh and readiness

def refresh(conn: Connection, touched: set[str], everything: bool) -> None:
    """Rebuild the small-table summaries whose source tables are in `touched` (all of them when `everything`)."""
    from lib import config, db

    def replace(subject: str, frames: dict[str, pd.DataFrame]) -> None:
        from sqlalchemy import delete

        s = SUBJECTS[subject]
        for part, table in (("group", s.group), ("monthly", s.monthly), ("daily", s.daily)):
            conn.execute(delete(table))
            # in primary-key order: the rows one as-of date reads (a month end, a few days) lie together on disk
            frame = frames[part].sort_values([c.name for c in table.primary_key.columns], kind="stable")
            if len(frame):
                db.bulk_insert(conn, table, frame[[c.name for c in table.c]])

    if everything:  # tables of an older layout are made anew
        for table in reversed(T.SMALL_SUMMARIES):
            table.drop(conn, checkfirst=True)
        for table in T.SMALL_SUMMARIES:
            table.create(conn)
    if everything or touched & {"cadre", "township"}:
        replace("cadre", cadre_rollup(conn))
    if everything or touched & {"enterprise", "party_org", "township"}:
        replace("coverage", coverage_rollup(conn))
    months = int(config.rule("outflow_contact_months"))
    if everything or touched & {"outflow", "party_org", "township"} or outflow_months(conn) != months:
        replace("outflow", outflow_rollup(conn, months))
        db.set_meta(conn, OUTFLOW_MONTHS_KEY, str(months))


def outflow_months(conn: Connection) -> int | None:
    """Return the outflow_contact_months the outflow summaries were built with (None: not built)."""
    value = conn.execute(select(T.meta.c.value).where(T.meta.c.key == OUTFLOW_MONTHS_KEY)).scalar()
    return int(value) if value is not None else None


# ---------------------------------------------------------------- reading: running totals at several days

@functools.lru_cache(maxsize=256)
def counts_statement(subject: str, filters: tuple[tuple[str, str], ...], dims: tuple[tuple[int | str, tuple[int, ...] | str], ...],
                     extra_ready: tuple[tuple[str, str], ...] = (), series: tuple[int, ...] = ()):
    """Return one statement (UNION ALL) reading groups of `subject`, and their running totals at some days.

    Bound parameters: dim_<j> for each j of `dims` ((days_n, windows) per dim), with month_<j>_<i> for each of its
    days_n days (the month-end snapshot of day i; days_n 'yearly': the snapshots of month moy_<j> from first_<j> to
    last_<j> instead), after_<j>_<i> and day_<j>_<i> for each i of `windows` (the days that are not a month's last
    day: the days after the snapshot up to them; windows 'month_days': from_<j> < month_day <= to_<j> instead, in
    every year); until_<j> for each j of `series`; one named after each column of `filters` ((column, '='
    or 'in'): the groups wanted); ready_version (lib.summaries.VERSION), ready_<key> for each (meta key,
    parameter) of `extra_ready`.
    Rows: part 'g' for each group (its last_day, running totals on that day, static counts), 'm' for each of its
    month-end snapshots asked for, 'd' for each of its days in a window (the day's own counts), 's' for each of
    its snapshots up to until_<j> (the dims j of `series`); none at all when the summaries are not ready.
    Built once per shape: building it costs more than running it."""
    from sqlalchemy import and_, bindparam, cast, exists, extract, func, literal, null, union_all

    from lib import summaries

    s = SUBJECTS[subject]
    m = T.meta
    ready = [(summaries.READY_KEY, "ready_version"), *extra_ready]
    guard = and_(*[exists().where(m.c.key == key, m.c.value == bindparam(param)) for key, param in ready])

    def where(table):
        return [table.c[c] == bindparam(c, type_=table.c[c].type) if op == "=" else
                table.c[c].in_(bindparam(c, type_=table.c[c].type, expanding=True)) for c, op in filters]

    def part(name: str, table, day, values, more=()):
        return select(literal(name, String).label("part"), cast(day, String).label("day"),
                      *[table.c[k] for k in ("dim", *s.keys)], *values, *more)

    g, mo, d = s.group, s.monthly, s.daily
    wanted = [bindparam(f"dim_{j}", type_=String) for j in range(len(dims))]
    parts = [part("g", g, g.c.last_day, [g.c[f"{c}_cum"] for c in s.counts], [g.c[c] for c in s.static])
             .where(guard, g.c.dim.in_(wanted), *where(g))]
    no_static = [null().label(c) for c in s.static]
    for j, (days_n, windows) in enumerate(dims):
        if days_n == "yearly":  # the same month's end in a run of years (a birthday's cut-offs): one range
            snapshots = [mo.c.month_of_year == bindparam(f"moy_{j}", type_=Integer),
                         mo.c.month_end.between(bindparam(f"first_{j}", type_=Date), bindparam(f"last_{j}", type_=Date))]
        else:
            snapshots = [mo.c.month_end.in_([bindparam(f"month_{j}_{i}", type_=Date) for i in range(days_n)])]
        parts.append(part("m", mo, mo.c.month_end, [mo.c[f"{c}_cum"] for c in s.counts], no_static)
                     .where(mo.c.dim == wanted[j], *where(mo), *snapshots))
        if windows == "month_days":  # the windows are the same days of one month in several years: one range,
            # summed per group and year (every day read of a year lies in that year's window: its latest stands for it)
            keys = [d.c[k] for k in ("dim", *s.keys)]
            year = extract("year", d.c.day)
            parts.append(select(literal("d", String).label("part"), cast(func.max(d.c.day), String).label("day"),
                                *keys, *[func.sum(d.c[f"{c}_n"]).label(f"{c}_n") for c in s.counts], *no_static)
                         .where(d.c.dim == wanted[j], *where(d), d.c.month_day > bindparam(f"from_{j}", type_=Integer),
                                d.c.month_day <= bindparam(f"to_{j}", type_=Integer))
                         .group_by(*keys, year))
            windows = ()
        for i in windows:
            parts.append(part("d", d, d.c.day, [d.c[f"{c}_n"] for c in s.counts], no_static)
                         .where(d.c.dim == wanted[j], *where(d), d.c.day > bindparam(f"after_{j}_{i}", type_=Date),
                                d.c.day <= bindparam(f"day_{j}_{i}", type_=Date)))
        if j in series:
            parts.append(part("s", mo, mo.c.month_end, [mo.c[f"{c}_cum"] for c in s.counts], no_static)
                         .where(mo.c.dim == wanted[j], *where(mo), mo.c.month_end <= bindparam(f"until_{j}", type_=Date)))
    return union_all(*parts)


@dataclass
class Groups:
    """The groups of one dim read by counts_at: per group key (dim, *keys), its running totals at each day asked
    for (`at[key][i]`: one value per count), its static counts (`static[key]`) and, when asked for, its running
    totals at each month end up to a day (`series[key]`: (month_end, values), oldest first)."""

    at: dict[tuple, list[tuple[int, ...]]]
    static: dict[tuple, tuple[int, ...]]
    series: dict[tuple, list[tuple[date, tuple[int, ...]]]]


def counts_at(conn: Connection, subject: str, dims: dict[str, list[date]], filters: dict[str, object] | None = None,
              extra_ready: dict[str, str] | None = None, series: dict[str, date] | None = None) -> dict[str, Groups] | None:
    """Return, for each dim of `dims`, its groups of `subject` ('cadre', 'coverage', 'outflow') whose columns equal
    the values of `filters` (a list: one of them) with their running totals at each of that dim's days and, for
    the dims of `series`, at every month end up to the day given; None when the summaries are not maintained (or
    not for `extra_ready`: meta key -> value) or no group matches (the caller then reads the raw rows)."""
    from lib import summaries

    s = SUBJECTS[subject]
    filters = filters or {}
    names = list(dims)
    snapshots = {dim: [month_before(day) for day in days] for dim, days in dims.items()}
    windows = {dim: tuple(i for i, (day, month) in enumerate(zip(days, snapshots[dim])) if day != month)
               for dim, days in dims.items()}
    ranges = {}  # many windows in one month of several years (birthdays at one date): read that month's days once
    for dim, found in windows.items():
        months = {dims[dim][i].month for i in found}
        if len(found) > 2 and len(months) == 1:
            month = months.pop()
            ranges[dim] = (month * 100, month * 100 + max(dims[dim][i].day for i in found))
            windows[dim] = "month_days"
    yearly = {}  # many snapshots at the end of one month of the year (birthdays at one date): read them as a range
    for dim, months in snapshots.items():
        if len(months) > 2 and len({m.month for m in months}) == 1:
            yearly[dim] = (months[0].month, min(months), max(months))
    extra = tuple(sorted((extra_ready or {}).items()))
    series = series or {}
    stmt = counts_statement(subject, tuple((c, "in" if isinstance(v, (list, tuple)) else "=") for c, v in filters.items()),
                            tuple(("yearly" if dim in yearly else len(dims[dim]), windows[dim]) for dim in names),
                            tuple((k, f"ready_{k}") for k, _ in extra), tuple(names.index(dim) for dim in series))
    params = {c: list(v) if isinstance(v, (list, tuple)) else v for c, v in filters.items()}
    params.update({"ready_version": summaries.VERSION, **{f"ready_{k}": v for k, v in extra}})
    for j, dim in enumerate(names):
        params[f"dim_{j}"] = dim
        if dim in yearly:
            params[f"moy_{j}"], params[f"first_{j}"], params[f"last_{j}"] = yearly[dim]
        else:
            params.update({f"month_{j}_{i}": month for i, month in enumerate(snapshots[dim])})
        if dim in ranges:
            params[f"from_{j}"], params[f"to_{j}"] = ranges[dim]
        else:
            params.update({f"day_{j}_{i}": dims[dim][i] for i in windows[dim]})
            params.update({f"after_{j}_{i}": snapshots[dim][i] for i in windows[dim]})
        if dim in series:
            params[f"until_{j}"] = series[dim]
    try:
        result = conn.execute(stmt, params)
        rows = result.cursor.fetchall()  # the driver's tuples: no result processing is needed (days come as text)
        result.close()
    except (OperationalError, ProgrammingError):  # a database from before these summaries: no such tables yet
        conn.rollback()
        return None
    # days stay ISO text (the statement casts them): compared as text, in the order of the dates
    n_keys, n_counts = 1 + len(s.keys), len(s.counts)
    key_end, count_end = 2 + n_keys, 2 + n_keys + n_counts
    last: dict[tuple, str | None] = {}
    finals: dict[tuple, tuple] = {}
    static: dict[tuple, tuple] = {}
    snapshot: dict[tuple, dict[str, tuple]] = {}
    increments: dict[tuple, dict[str, tuple]] = {}  # a day read by two overlapping windows counts once
    month_ends: dict[tuple, list] = {}
    for row in rows:
        part, key, values = row[0], row[2:key_end], row[key_end:count_end]
        if part == "m":
            snapshot.setdefault(key, {})[row[1]] = values
        elif part == "g":
            last[key], finals[key], static[key] = row[1], values, row[count_end:]
        elif part == "d":
            increments.setdefault(key, {})[row[1]] = values
        else:
            month_ends.setdefault(key, []).append((row[1], values))
    if not last:
        return None
    zero = (0,) * n_counts
    pairs = {dim: [(day.isoformat(), month.isoformat()) for day, month in zip(days, snapshots[dim])]
             for dim, days in dims.items()}
    out = {dim: Groups({}, {}, {}) for dim in names}
    no_snapshots: dict[str, tuple] = {}
    for key, last_day in last.items():
        dim = key[0]
        final, seen, snaps = finals[key], increments.get(key), snapshot.get(key, no_snapshots)
        if seen:  # the days read for this group, with running sums: the days of (month, day] are a difference
            seen = sorted(seen.items())
            when = [d for d, _ in seen]
            sums = [zero]
            for _, values in seen:
                sums.append(tuple(a + b for a, b in zip(sums[-1], values)))
        per_day = []
        for day, month in pairs[dim]:
            if last_day is None:
                per_day.append(zero)
            elif day >= last_day:  # nothing happens to the group after its last day
                per_day.append(final)
            else:
                start = snaps.get(month, zero)  # none: the month is before the group's first event
                if seen:
                    upto, after = sums[bisect.bisect_right(when, day)], sums[bisect.bisect_right(when, month)]
                    start = tuple(s + u - a for s, u, a in zip(start, upto, after))
                per_day.append(start)
        out[dim].at[key] = per_day
        out[dim].static[key] = static[key]
        if dim in series:
            out[dim].series[key] = [(date.fromisoformat(d), v) for d, v in sorted(month_ends.get(key, ()))]
    return out
