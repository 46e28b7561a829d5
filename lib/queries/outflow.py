"""Outflow (mobile) party members: counts and the risk of lost contact."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select

from lib import config, schema as T
from lib.queries.common import count_if, read, summary_select
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
    """Return outflow_n and outflow_at_risk_n of members who left on or before as_of."""
    f = T.outflow
    stmt = summary_select(f.c.township_code, [func.count().label("outflow_n"), count_if(at_risk(as_of), "outflow_at_risk_n")],
                          by_township=by_township).where(scope.where(f.c.township_code), f.c.out_on <= as_of)
    return read(engine, stmt)


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
    f = T.outflow
    keys = [f.c.dest_province] if level == "province" else [f.c.dest_province, f.c.dest_city]
    stmt = (select(*keys, func.count().label("members_n"), count_if(at_risk(as_of), "at_risk_n"))
            .where(scope.where(f.c.township_code), _left_by(as_of))
            .group_by(*keys).order_by(func.count().desc(), *keys))
    return read(engine, stmt)


def outflow_by_township(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return township_code, name, members_n, at_risk_n for every township in scope (zeros included)."""
    t, f = T.township, T.outflow
    joined = t.outerjoin(f, and_(f.c.township_code == t.c.code, _left_by(as_of)))
    stmt = (select(t.c.code.label("township_code"), t.c.name, func.count(f.c.id_number).label("members_n"),
                   count_if(and_(f.c.id_number.is_not(None), at_risk(as_of)), "at_risk_n"))
            .select_from(joined).where(scope.where(t.c.code))
            .group_by(t.c.code, t.c.name).order_by(t.c.code))
    return read(engine, stmt)


def outflow_branches(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return the outflow branches (流动党员党支部) founded by as_of with members_n and at_risk_n.

    Members are outflow members from townships in scope who had left by as_of. A branch is listed
    when its own township is in scope or it has such members. Columns: branch_code, branch_name,
    township_code (the branch's township), township_name, founded_on, members_n, at_risk_n.
    """
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
    return read(engine, stmt)


def outflow_totals(engine: Engine, *, scope: Scope, as_of: date) -> dict:
    """Return outflow_n, at_risk_n, in_branch_n (assigned to a branch), cities_n and provinces_n."""
    f = T.outflow
    stmt = (select(func.count().label("outflow_n"), count_if(at_risk(as_of), "at_risk_n"),
                   count_if(f.c.branch_code.is_not(None), "in_branch_n"),
                   func.count(func.distinct(f.c.dest_province + "|" + f.c.dest_city)).label("cities_n"),
                   func.count(func.distinct(f.c.dest_province)).label("provinces_n"))
            .where(scope.where(f.c.township_code), _left_by(as_of)))
    row = read(engine, stmt).iloc[0]
    return {k: int(v or 0) for k, v in row.items()}


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
