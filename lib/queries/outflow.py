"""Outflow (mobile) party members: counts and the risk of lost contact."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, or_

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
