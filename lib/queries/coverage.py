"""Coverage of "两新" organizations: organization coverage, work coverage, 应建未建."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, or_

from lib import schema as T
from lib.queries.common import count_if, frame, frame_in_order, read, read_rows, summary_select, townships_select
from lib.rules import SHOULD_BUILD_MIN_MEMBERS
from lib.scope import Scope


def _covered(as_of: date):
    """An enterprise is organizationally covered when its organization exists at as_of."""
    return and_(T.party_org.c.code.is_not(None), T.party_org.c.founded_on <= as_of)


def _work_covered(as_of: date):
    """Work coverage: organization coverage, or a party-building instructor is assigned."""
    e = T.enterprise
    return or_(_covered(as_of), and_(e.c.instructor.is_not(None), e.c.instructor != ""))


def coverage_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return counts of non-public enterprises and social organizations, covered, work-covered, should-build."""
    e, o = T.enterprise, T.party_org
    nonpublic, social = e.c.kind == "非公企业", e.c.kind == "社会组织"
    stmt = summary_select(e.c.township_code, [
        count_if(nonpublic, "nonpublic_n"),
        count_if(and_(nonpublic, _covered(as_of)), "nonpublic_with_org_n"),
        count_if(and_(nonpublic, _work_covered(as_of)), "nonpublic_work_covered_n"),
        count_if(social, "social_orgs_n"),
        count_if(and_(social, _covered(as_of)), "social_with_org_n"),
        count_if(and_(social, _work_covered(as_of)), "social_work_covered_n"),
        # 3+ formal members and no organization: should have built one (应建未建)
        count_if(and_(e.c.members_n >= SHOULD_BUILD_MIN_MEMBERS, ~_covered(as_of)), "should_build_not_built_n"),
    ], by_township=by_township).select_from(e.outerjoin(o, e.c.org_code == o.c.code)).where(scope.where(e.c.township_code))
    return read(engine, stmt)


# --- 两新覆盖 page -------------------------------------------------------------------------------

SIZE_BANDS = ("<50", "50-99", "100-499", "500+")  # 从业人员数


def _size_band():
    """CASE expression: the size band (从业人员 <50 / 50–99 / 100–499 / 500+) of an enterprise."""
    from sqlalchemy import case

    n = T.enterprise.c.employees_n
    return case((n < 50, SIZE_BANDS[0]), (n < 100, SIZE_BANDS[1]), (n < 500, SIZE_BANDS[2]), else_=SIZE_BANDS[3])


def _coverage_counts(group_col, *, scope: Scope, as_of: date, kind: str):
    """Return SELECT group, enterprises_n, with_org_n, work_covered_n, should_build_n for `kind`, grouped by group_col."""
    from sqlalchemy import func, select

    e, o = T.enterprise, T.party_org
    return (select(group_col, func.count().label("enterprises_n"),
                   count_if(_covered(as_of), "with_org_n"),
                   count_if(_work_covered(as_of), "work_covered_n"),
                   count_if(and_(e.c.members_n >= SHOULD_BUILD_MIN_MEMBERS, ~_covered(as_of)), "should_build_n"))
            .select_from(e.outerjoin(o, e.c.org_code == o.c.code))
            .where(scope.where(e.c.township_code), e.c.kind == kind)
            .group_by(group_col))


def coverage_by_township(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """Return one row per township in scope (empty ones too): township_code, name, kind and the coverage counts of `kind`."""
    e = T.enterprise
    names, rows = read_rows(engine, _coverage_counts(e.c.township_code.label("township_code"), scope=scope,
                                                     as_of=as_of, kind=kind))
    found = {row[0]: row[1:] for row in rows}
    _, towns = read_rows(engine, townships_select(scope))
    zeros = (0,) * (len(names) - 1)
    return frame(["township_code", "name", "township_kind", *names[1:]],
                 [(code, name, kind_, *found.get(code, zeros)) for code, name, kind_, *_ in towns])


def coverage_by_industry(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """Return industry and the coverage counts of `kind` per industry (行业), largest first."""
    e = T.enterprise
    stmt = _coverage_counts(e.c.industry.label("industry"), scope=scope, as_of=as_of, kind=kind)
    names, rows = read_rows(engine, stmt)
    return frame(names, sorted(rows, key=lambda r: (-int(r[1] or 0), r[0] is None, r[0] or "")))


def coverage_by_size(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """Return one row per size band (SIZE_BANDS order, empty bands as zeros) with the coverage counts of `kind`."""
    band = _size_band().label("size_band")
    return frame_in_order(*read_rows(engine, _coverage_counts(band, scope=scope, as_of=as_of, kind=kind)), SIZE_BANDS)


def coverage_founded_by_month(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """Return year, month, covered_n: enterprises of `kind` whose organization was founded that month (up to as_of).

    With `enterprises_n` (all enterprises of `kind` in scope today) on every row, the page accumulates
    these into organization coverage over time.
    """
    from sqlalchemy import extract, func, select

    e, o = T.enterprise, T.party_org
    year, month = extract("year", o.c.founded_on), extract("month", o.c.founded_on)
    stmt = (select(year.label("year"), month.label("month"), func.count().label("covered_n"))
            .select_from(e.join(o, e.c.org_code == o.c.code))
            .where(scope.where(e.c.township_code), e.c.kind == kind, o.c.founded_on <= as_of)
            .group_by(year, month).order_by(year, month))
    with engine.connect() as conn:
        rows = conn.execute(stmt).fetchall()
        total = conn.execute(select(func.count()).select_from(e)
                             .where(scope.where(e.c.township_code), e.c.kind == kind)).scalar() or 0
    return frame(["year", "month", "covered_n", "enterprises_n"],
                 [(int(y), int(m), n, total) for y, m, n in rows]).astype({"year": "int64", "month": "int64"})


def should_build_list(engine: Engine, *, scope: Scope, as_of: date, kind: str | None = None,
                      limit: int = 2000) -> pd.DataFrame:
    """Return the 应建未建 enterprises (≥3 formal members, no organization at as_of), most members first.

    Columns: credit_code, name, kind, industry, township_code, township_name, employees_n, members_n,
    instructor, not_built_reason. At most `limit` rows.
    """
    from sqlalchemy import select

    e, o, t = T.enterprise, T.party_org, T.township
    stmt = (select(e.c.credit_code, e.c.name, e.c.kind, e.c.industry, e.c.township_code,
                   t.c.name.label("township_name"), e.c.employees_n, e.c.members_n, e.c.instructor,
                   e.c.not_built_reason)
            .select_from(e.outerjoin(o, e.c.org_code == o.c.code).join(t, e.c.township_code == t.c.code))
            .where(scope.where(e.c.township_code), e.c.members_n >= SHOULD_BUILD_MIN_MEMBERS, ~_covered(as_of))
            .order_by(e.c.members_n.desc(), e.c.employees_n.desc(), e.c.credit_code)
            .limit(limit))
    if kind:
        stmt = stmt.where(e.c.kind == kind)
    return read(engine, stmt)
