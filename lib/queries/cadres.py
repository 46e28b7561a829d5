"""Section-level cadres (科级干部): age and education structure."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, func

from lib import schema as T
from lib.queries.common import count_if, read, summary_select
from lib.rules import minus_years
from lib.scope import Scope


def young_cutoff(as_of: date, age: int = 40) -> date:
    """Return the birth date after which a person is `age` or younger at as_of ("40岁以下" includes 40)."""
    return minus_years(as_of, age + 1)


def cadre_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return cadres_n, cadres_40_or_younger_n and cadres_bachelor_plus_n of section-level cadres.

    Grouped by township, cadres of district units (区直, no township) form the group township_code None.
    """
    c = T.cadre
    stmt = summary_select(c.c.township_code, [
        func.count().label("cadres_n"),
        count_if(c.c.birth_date > young_cutoff(as_of), "cadres_40_or_younger_n"),
        count_if(c.c.education.in_(T.BACHELOR_PLUS), "cadres_bachelor_plus_n"),
    ], by_township=by_township).where(scope.where(c.c.township_code), c.c.rank.in_(T.SECTION_RANKS),
                                      c.c.birth_date <= as_of)
    return read(engine, stmt)
