"""乡镇画像 page: the breakdowns the other queries do not give, scoped like every query.

Definitions are imported, not repeated: 失联风险 from lib.queries.outflow, ticket counts from
lib.queries.tickets, 40岁以下 cut-offs from lib.queries.cadres.
"""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, case, func, select

from lib import schema as T
from lib.queries.common import count_if, day_end, read
from lib.queries.outflow import at_risk
from lib.queries.tickets import open_overdue
from lib.rules import minus_years
from lib.scope import Scope

# (band key, youngest age, oldest age) of the cadre age bands of the 干部结构 page; None: open-ended
AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("<=35", None, 35), ("36-40", 36, 40), ("41-45", 41, 45), ("46-50", 46, 50), ("51-55", 51, 55), ("56+", 56, None),
)


def outflow_by_destination(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return dest_province, outflow_n and outflow_at_risk_n of members who left on or before as_of (largest first)."""
    f = T.outflow
    n = func.count()
    stmt = (select(f.c.dest_province, n.label("outflow_n"), count_if(at_risk(as_of), "outflow_at_risk_n"))
            .where(scope.where(f.c.township_code), f.c.out_on <= as_of)
            .group_by(f.c.dest_province).order_by(n.desc(), f.c.dest_province))
    return read(engine, stmt)


def survey_by_period(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return period, respondents_n, satisfied_n and basic_satisfied_n summed over the scope, periods ended by as_of."""
    s = T.survey
    stmt = (select(s.c.period, func.sum(s.c.respondents_n).label("respondents_n"),
                   func.sum(s.c.satisfied_n).label("satisfied_n"),
                   func.sum(s.c.basic_satisfied_n).label("basic_satisfied_n"))
            .where(scope.where(s.c.township_code), s.c.period_end <= as_of)
            .group_by(s.c.period).order_by(s.c.period))
    return read(engine, stmt)


def _age_band(as_of: date):
    """CASE expression giving the age band of a birth date at as_of (portable: compares dates, no age arithmetic)."""
    birth = T.cadre.c.birth_date
    whens = []
    for label, _low, high in AGE_BANDS:
        if high is not None:  # aged `high` or younger at as_of: born after as_of minus (high + 1) years
            whens.append((birth > minus_years(as_of, high + 1), label))
    return case(*whens, else_=AGE_BANDS[-1][0])


def cadres_by_age_band(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return age_band and cadres_n of section-level cadres (正科/副科) in scope, born by as_of (only bands present)."""
    c = T.cadre
    band = _age_band(as_of).label("age_band")
    rows = (select(band).where(scope.where(c.c.township_code), c.c.rank.in_(T.SECTION_RANKS), c.c.birth_date <= as_of)
            .subquery())
    stmt = select(rows.c.age_band, func.count().label("cadres_n")).group_by(rows.c.age_band)
    out = read(engine, stmt)
    order = {label: i for i, (label, _, _) in enumerate(AGE_BANDS)}
    return out.sort_values("age_band", key=lambda s: s.map(order)).reset_index(drop=True)


def villages_profile(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return every village/community in scope: code, name, kind, township_code, party_orgs_n, members_n,
    tickets_n (received this year) and tickets_open_overdue_n at as_of; ordered by township and code."""
    v, o, m, k = T.village, T.party_org, T.member, T.ticket
    # only the villages in scope are aggregated (index ix_ticket_village covers the ticket counts)
    in_scope = select(v.c.code).where(scope.where(v.c.township_code))
    orgs = (select(o.c.village_code, func.count().label("party_orgs_n"))
            .where(o.c.village_code.in_(in_scope), o.c.founded_on <= as_of).group_by(o.c.village_code).subquery())
    village_orgs = select(o.c.code).where(o.c.village_code.in_(in_scope))
    members = (select(o.c.village_code, func.count().label("members_n"))
               .select_from(m.join(o, m.c.org_code == o.c.code))
               .where(o.c.village_code.in_(in_scope), m.c.org_code.in_(village_orgs), m.c.joined_on <= as_of)
               .group_by(o.c.village_code).subquery())
    end = day_end(as_of)
    tickets = (select(k.c.village_code,
                      count_if(k.c.received_at >= datetime(as_of.year, 1, 1), "tickets_n"),
                      count_if(open_overdue(end), "tickets_open_overdue_n"))
               .where(k.c.village_code.in_(in_scope), k.c.received_at < end).group_by(k.c.village_code).subquery())
    stmt = (select(v.c.code, v.c.name, v.c.kind, v.c.township_code,
                   func.coalesce(orgs.c.party_orgs_n, 0).label("party_orgs_n"),
                   func.coalesce(members.c.members_n, 0).label("members_n"),
                   func.coalesce(tickets.c.tickets_n, 0).label("tickets_n"),
                   func.coalesce(tickets.c.tickets_open_overdue_n, 0).label("tickets_open_overdue_n"))
            .select_from(v.outerjoin(orgs, orgs.c.village_code == v.c.code)
                         .outerjoin(members, members.c.village_code == v.c.code)
                         .outerjoin(tickets, tickets.c.village_code == v.c.code))
            .where(scope.where(v.c.township_code)).order_by(v.c.township_code, v.c.code))
    return read(engine, stmt)
