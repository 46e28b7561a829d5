"""Organization counts: townships, villages, party organizations, members, outflow branches."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, func

from lib import schema as T
from lib.queries.common import count_if, read, summary_select
from lib.scope import Scope


def org_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return townships_n, villages_n, party_orgs_n, outflow_branches_n and members_n (one row, or per township)."""
    o, m = T.party_org, T.member
    members = read(engine, summary_select(o.c.township_code, [func.count().label("members_n")], by_township=by_township)
                   .select_from(m.join(o, m.c.org_code == o.c.code))
                   .where(scope.where(o.c.township_code), m.c.joined_on <= as_of))
    return with_org_counts(engine, members, scope=scope, as_of=as_of, by_township=by_township)


def with_org_counts(engine: Engine, members: pd.DataFrame, *, scope: Scope, as_of: date,
                    by_township: bool) -> pd.DataFrame:
    """Return the township, village and party-organization counts beside `members` (members_n, however computed)."""
    t, v, o = T.township, T.village, T.party_org
    towns = read(engine, summary_select(t.c.code, [func.count().label("townships_n")], by_township=by_township)
                 .select_from(t).where(scope.where(t.c.code)))
    villages = read(engine, summary_select(v.c.township_code, [func.count().label("villages_n")], by_township=by_township)
                    .select_from(v).where(scope.where(v.c.township_code)))
    orgs = read(engine, summary_select(o.c.township_code, [
        func.count().label("party_orgs_n"),
        count_if(o.c.domain == "流动党员", "outflow_branches_n"),
    ], by_township=by_township).where(scope.where(o.c.township_code), o.c.founded_on <= as_of))
    return _merge([towns, villages, orgs, members], by_township)


def _merge(frames: list[pd.DataFrame], by_township: bool) -> pd.DataFrame:
    """Return the frames side by side (joined on township_code when by_township), zeros for missing counts."""
    if not by_township:
        return pd.concat([f.reset_index(drop=True) for f in frames], axis=1).fillna(0)
    # aligned on the township code (an outer join of all frames at once: cheaper than pairwise merges)
    out = pd.concat([f.set_index("township_code") for f in frames], axis=1, join="outer").rename_axis("township_code")
    out = out.reset_index()
    count_cols = [c for c in out.columns if c.endswith("_n")]
    out[count_cols] = out[count_cols].fillna(0).astype("int64")
    return out
