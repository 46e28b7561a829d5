"""Outflow (mobile) party members: counts and the risk of lost contact."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select

from lib import config, db, schema as T
from lib.queries.common import count_if, frame, read, read_rows, summary_select, townships_select
from lib.rules import minus_months
from lib.scope import Scope


def contact_cutoff(as_of: date) -> date:
    """Return the date before which a last contact counts as lost (as_of minus the threshold months)."""
    return minus_months(as_of, int(config.rule("outflow_contact_months")))


def at_risk(as_of: date):
    """失联风险: last contact older than the threshold, or never recorded."""
    f = T.outflow
    return or_(f.c.last_contact_on.is_(None), f.c.last_contact_on < contact_cutoff(as_of))


def outflow_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return outflow_n and outflow_at_risk_n of members who left on or before as_of (one row, or one per township
    with such members, by code). From the outflow summaries when they are maintained."""
    found = _counts(engine, {"township": [as_of]}, {} if scope.is_all else {"township_code": list(scope.townships)})
    if found is None:
        return outflow_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township)
    towns = sorted((key[1], at[0][0], at[0][1]) for key, at in found["township"].items() if at[0][0])
    if by_township:
        return frame(["township_code", "outflow_n", "outflow_at_risk_n"], towns)
    return frame(["outflow_n", "outflow_at_risk_n"], [(sum(r[1] for r in towns), sum(r[2] for r in towns))])


def outflow_summary_raw(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """outflow_summary aggregated from the outflow members (the definition the summary must equal)."""
    f = T.outflow
    stmt = summary_select(f.c.township_code, [func.count().label("outflow_n"), count_if(at_risk(as_of), "outflow_at_risk_n")],
                          by_township=by_township).where(scope.where(f.c.township_code), f.c.out_on <= as_of)
    if by_township:
        stmt = stmt.order_by(f.c.township_code)
    return frame(*read_rows(engine, stmt))


def _counts(source, dims: dict[str, list[date]], filters: dict) -> dict | None:
    """Return, per dim, per outflow group (dim, township_code, dest_province, dest_city, branch_code), its (members
    left, at risk, in a branch, cities reached, provinces reached) at each day of dims[dim], from the summaries
    (an engine or an open connection); None when they are not maintained for the current contact rule."""
    from lib import small_summaries

    ready = {small_summaries.OUTFLOW_MONTHS_KEY: str(int(config.rule("outflow_contact_months")))}
    if isinstance(source, Engine):
        with db.reading(source) as conn:
            return _counts(conn, dims, filters)
    found = small_summaries.counts_at(source, "outflow", dims, filters, extra_ready=ready)
    return None if found is None else {dim: groups.at for dim, groups in found.items()}


# --- 流动党员 page --------------------------------------------------------------------------------
def _left_by(as_of: date):
    """Outflow members who had left on or before as_of."""
    return T.outflow.c.out_on <= as_of


def outflow_flows(engine: Engine, *, scope: Scope, as_of: date, limit: int | None = None) -> pd.DataFrame:
    """Return home_code, dest_province, dest_city, members_n: one row per home township and destination city.

    Largest flows first; `limit` keeps only that many (a city- or province-wide map would otherwise send
    tens of thousands of arcs to the browser).
    """
    f = T.outflow
    stmt = (select(f.c.township_code.label("home_code"), f.c.dest_province, f.c.dest_city,
                   func.count().label("members_n"))
            .where(scope.where(f.c.township_code), _left_by(as_of))
            .group_by(f.c.township_code, f.c.dest_province, f.c.dest_city)
            .order_by(func.count().desc(), f.c.township_code, f.c.dest_province, f.c.dest_city)
            .limit(limit))
    return read(engine, stmt)


def outflow_by_destination(engine: Engine, *, scope: Scope, as_of: date, level: str = "city") -> pd.DataFrame:
    """Return dest_province[, dest_city], members_n, at_risk_n by destination province or city, largest first."""
    found = _counts(engine, {level: [as_of]}, {}) if scope.is_all else None
    if found is None:
        return outflow_by_destination_raw(engine, scope=scope, as_of=as_of, level=level)
    keys = slice(2, 3) if level == "province" else slice(2, 4)
    rows = sorted(((*key[keys], at[0][0], at[0][1]) for key, at in found[level].items() if at[0][0]),
                  key=lambda r: (-r[-2], *r[:-2]))
    names = ["dest_province"] if level == "province" else ["dest_province", "dest_city"]
    return frame([*names, "members_n", "at_risk_n"], rows)


def outflow_by_destination_raw(engine: Engine, *, scope: Scope, as_of: date, level: str = "city") -> pd.DataFrame:
    """outflow_by_destination aggregated from the outflow members."""
    f = T.outflow
    keys = [f.c.dest_province] if level == "province" else [f.c.dest_province, f.c.dest_city]
    stmt = (select(*keys, func.count().label("members_n"), count_if(at_risk(as_of), "at_risk_n"))
            .where(scope.where(f.c.township_code), _left_by(as_of))
            .group_by(*keys).order_by(func.count().desc(), *keys))
    return frame(*read_rows(engine, stmt))


def outflow_by_township(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return township_code, name, members_n, at_risk_n for every township in scope (zeros included), by code."""
    with db.reading(engine) as conn:
        found = _counts(conn, {"township": [as_of]}, {} if scope.is_all else {"township_code": list(scope.townships)})
        _, towns = read_rows(conn, townships_select(scope))
    if found is None:
        return outflow_by_township_raw(engine, scope=scope, as_of=as_of)
    counts = {key[1]: at[0][:2] for key, at in found["township"].items()}
    return frame(["township_code", "name", "members_n", "at_risk_n"],
                 [(code, name, *counts.get(code, (0, 0))) for code, name, *_ in towns])


def outflow_by_township_raw(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """outflow_by_township aggregated from the outflow members."""
    t, f = T.township, T.outflow
    joined = t.outerjoin(f, and_(f.c.township_code == t.c.code, _left_by(as_of)))
    stmt = (select(t.c.code.label("township_code"), t.c.name, func.count(f.c.id_number).label("members_n"),
                   count_if(and_(f.c.id_number.is_not(None), at_risk(as_of)), "at_risk_n"))
            .select_from(joined).where(scope.where(t.c.code))
            .group_by(t.c.code, t.c.name).order_by(t.c.code))
    return frame(*read_rows(engine, stmt))


BRANCH_COLUMNS = ["branch_code", "branch_name", "township_code", "township_name", "founded_on", "members_n", "at_risk_n"]


def outflow_branches(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return the outflow branches (流动党员党支部) founded by as_of with members_n and at_risk_n.

    Members are outflow members from townships in scope who had left by as_of. A branch is listed
    when its own township is in scope or it has such members. Columns: branch_code, branch_name,
    township_code (the branch's township), township_name, founded_on, members_n, at_risk_n.
    Most members first, then by code.
    """
    if not scope.is_all:
        return outflow_branches_raw(engine, scope=scope, as_of=as_of)
    o, t = T.party_org, T.township
    with db.reading(engine) as conn:
        found = _counts(conn, {"branch": [as_of]}, {})
        if found is None:
            return outflow_branches_raw(engine, scope=scope, as_of=as_of)
        _, branches = read_rows(conn, select(o.c.code, o.c.name, o.c.township_code, t.c.name, o.c.founded_on)
                                .select_from(o.join(t, t.c.code == o.c.township_code))
                                .where(o.c.domain == "流动党员", o.c.founded_on <= as_of))
    counts = {key[4]: at[0][:2] for key, at in found["branch"].items()}
    rows = [(*b, *counts.get(b[0], (0, 0))) for b in branches]
    return frame(BRANCH_COLUMNS, sorted(rows, key=lambda r: (-r[5], r[0])))


def outflow_branches_raw(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """outflow_branches aggregated from the outflow members."""
    o, t, f = T.party_org, T.township, T.outflow
    members = and_(f.c.branch_code == o.c.code, scope.where(f.c.township_code), _left_by(as_of))
    joined = o.join(t, t.c.code == o.c.township_code).outerjoin(f, members)
    members_n = func.count(f.c.id_number)
    stmt = (select(o.c.code.label("branch_code"), o.c.name.label("branch_name"), o.c.township_code,
                   t.c.name.label("township_name"), o.c.founded_on, members_n.label("members_n"),
                   count_if(and_(f.c.id_number.is_not(None), at_risk(as_of)), "at_risk_n"))
            .select_from(joined)
            .where(o.c.domain == "流动党员", o.c.founded_on <= as_of)
            .group_by(o.c.code, o.c.name, o.c.township_code, t.c.name, o.c.founded_on)
            .having(or_(scope.where(o.c.township_code), members_n > 0))
            .order_by(members_n.desc(), o.c.code))
    return frame(*read_rows(engine, stmt))


TOTAL_KEYS = ("outflow_n", "at_risk_n", "in_branch_n", "cities_n", "provinces_n")


def outflow_totals(engine: Engine, *, scope: Scope, as_of: date) -> dict:
    """Return outflow_n, at_risk_n, in_branch_n (assigned to a branch), cities_n and provinces_n."""
    found = _counts(engine, {"total": [as_of]}, {}) if scope.is_all else None
    if found is None:
        return outflow_totals_raw(engine, scope=scope, as_of=as_of)
    at = found["total"].get(("total", "", "", "", ""), [(0,) * len(TOTAL_KEYS)])
    return dict(zip(TOTAL_KEYS, (int(n) for n in at[0])))


def outflow_totals_raw(engine: Engine, *, scope: Scope, as_of: date) -> dict:
    """outflow_totals aggregated from the outflow members."""
    f = T.outflow
    stmt = (select(func.count().label("outflow_n"), count_if(at_risk(as_of), "at_risk_n"),
                   count_if(f.c.branch_code.is_not(None), "in_branch_n"),
                   func.count(func.distinct(f.c.dest_province + "|" + f.c.dest_city)).label("cities_n"),
                   func.count(func.distinct(f.c.dest_province)).label("provinces_n"))
            .where(scope.where(f.c.township_code), _left_by(as_of)))
    names, rows = read_rows(engine, stmt)
    return {k: int(v or 0) for k, v in zip(names, rows[0])}


def at_risk_members(engine: Engine, *, scope: Scope, as_of: date, limit: int = 2000) -> pd.DataFrame:
    """Return the 失联风险 list: never contacted first, then the oldest last contact (at most `limit` rows).

    Columns: id_number, name, township_code, township_name, dest_province, dest_city, out_on,
    branch_name, last_contact_on, phone (from the member roll when the person is on it).
    Pages must mask id_number and phone before showing them.
    """
    f, t, o, m = T.outflow, T.township, T.party_org, T.member
    joined = (f.join(t, t.c.code == f.c.township_code).outerjoin(o, o.c.code == f.c.branch_code)
              .outerjoin(m, m.c.id_number == f.c.id_number))
    stmt = (select(f.c.id_number, f.c.name, f.c.township_code, t.c.name.label("township_name"), f.c.dest_province,
                   f.c.dest_city, f.c.out_on, o.c.name.label("branch_name"), f.c.last_contact_on, m.c.phone)
            .select_from(joined)
            .where(scope.where(f.c.township_code), _left_by(as_of), at_risk(as_of))
            .order_by(case((f.c.last_contact_on.is_(None), 0), else_=1), f.c.last_contact_on, f.c.out_on,
                      f.c.township_code, f.c.id_number)
            .limit(limit))
    return read(engine, stmt)
