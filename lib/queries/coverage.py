"""Coverage of "两新" organizations: organization coverage, work coverage, 应建未建."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, or_

from lib import schema as T
from lib.queries.common import count_if, read, summary_select
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
