"""The KPI row of the overview page and of `python -m lib.cli kpis`: one function, two callers."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine

from lib import db
from lib.queries.cadres import cadre_summary
from lib.queries.common import latest_date
from lib.queries.coverage import coverage_summary
from lib.queries.orgs import org_summary as org_summary_raw, with_org_counts
from lib.queries.outflow import outflow_summary
from lib.queries.satisfaction import latest_period, satisfaction_summary
from lib.queries.tickets import ticket_summary
from lib.scope import Scope

KPI_KEYS = (
    "as_of", "townships_n", "villages_n", "party_orgs_n", "members_n", "nonpublic_n", "nonpublic_with_org_n",
    "nonpublic_org_coverage_rate", "nonpublic_work_coverage_rate", "social_orgs_n", "social_org_coverage_rate",
    "should_build_not_built_n", "outflow_n", "outflow_at_risk_n", "outflow_branches_n", "tickets_n",
    "tickets_on_time_rate", "tickets_open_overdue_n", "satisfaction_period", "satisfaction_rate", "cadres_n",
    "cadres_40_or_younger_rate", "cadres_bachelor_plus_rate",
)


def org_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return what lib.queries.orgs.org_summary returns, members_n read from the member_daily summary when maintained."""
    from lib import summaries

    with db.reading(engine) as conn:
        if not summaries.is_ready(conn):
            members = None
        else:
            members = summaries.member_counts(conn, townships=scope.townships, as_of=as_of, by_township=by_township)
    if members is None:
        return org_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township)
    return with_org_counts(engine, members, scope=scope, as_of=as_of, by_township=by_township)


def ratio(numerator, denominator) -> float | None:
    """Return numerator / denominator as a float, or None when there is nothing to divide by."""
    return float(numerator) / float(denominator) if denominator else None


def column_ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """ratio for columns: numerator / denominator row by row, NaN where there is nothing to divide by."""
    den = denominator.astype("float64")
    return (numerator.astype("float64") / den).where(den != 0)


def _rates(row, ratio=ratio) -> dict:
    """Return the rate KPIs computed from the counts of one row (a dict), or of every row (a DataFrame, with
    ratio=column_ratio)."""
    return {
        "nonpublic_org_coverage_rate": ratio(row["nonpublic_with_org_n"], row["nonpublic_n"]),
        "nonpublic_work_coverage_rate": ratio(row["nonpublic_work_covered_n"], row["nonpublic_n"]),
        "social_org_coverage_rate": ratio(row["social_with_org_n"], row["social_orgs_n"]),
        "outflow_at_risk_rate": ratio(row["outflow_at_risk_n"], row["outflow_n"]),
        "tickets_on_time_rate": ratio(row["tickets_on_time_n"], row["tickets_on_time_base_n"]),
        "satisfaction_rate": ratio(row["satisfied_n"], row["respondents_n"]),
        "satisfaction_basic_rate": ratio(row["satisfied_n"] + row["basic_satisfied_n"], row["respondents_n"]),
        "cadres_40_or_younger_rate": ratio(row["cadres_40_or_younger_n"], row["cadres_n"]),
        "cadres_bachelor_plus_rate": ratio(row["cadres_bachelor_plus_n"], row["cadres_n"]),
    }


def compute_kpis(engine: Engine, *, scope: Scope, as_of: date | None = None) -> dict:
    """Return the KPI dict (exactly KPI_KEYS) for the scope at as_of (default: latest date in the data)."""
    full = kpi_counts(engine, scope=scope, as_of=as_of)
    return {key: full[key] for key in KPI_KEYS}


def kpi_counts(engine: Engine, *, scope: Scope, as_of: date | None = None) -> dict:
    """Return every KPI plus the counts behind each rate (numerators and denominators)."""
    as_of = as_of or latest_date(engine) or date.today()
    period = latest_period(engine, scope=scope, as_of=as_of)
    frames = [
        org_summary(engine, scope=scope, as_of=as_of),
        coverage_summary(engine, scope=scope, as_of=as_of),
        outflow_summary(engine, scope=scope, as_of=as_of),
        ticket_summary(engine, scope=scope, as_of=as_of),
        satisfaction_summary(engine, scope=scope, period=period),
        cadre_summary(engine, scope=scope, as_of=as_of),
    ]
    row = {k: int(v) for f in frames for k, v in f.iloc[0].items()}
    return {"as_of": as_of.isoformat(), "satisfaction_period": period, **row, **_rates(row)}


def kpis_by_township(engine: Engine, *, scope: Scope, as_of: date) -> pd.DataFrame:
    """Return one row per township in scope with the KPI counts and rates (the ranking table)."""
    from lib.queries.common import townships

    period = latest_period(engine, scope=scope, as_of=as_of)
    out = townships(engine, scope=scope)[["code", "name", "kind"]].rename(columns={"code": "township_code"})
    frames = [
        org_summary(engine, scope=scope, as_of=as_of, by_township=True),
        coverage_summary(engine, scope=scope, as_of=as_of, by_township=True),
        outflow_summary(engine, scope=scope, as_of=as_of, by_township=True),
        ticket_summary(engine, scope=scope, as_of=as_of, by_township=True),
        satisfaction_summary(engine, scope=scope, period=period, by_township=True),
        cadre_summary(engine, scope=scope, as_of=as_of, by_township=True),
    ]
    # every frame aligned on the townships in scope (a left join; 区直 cadres, township None, drop out)
    index = pd.Index(out["township_code"], name="township_code")
    parts = [f.drop(columns=["townships_n"], errors="ignore").dropna(subset=["township_code"])
             .set_index("township_code").reindex(index) for f in frames]
    out = pd.concat([out.set_index("township_code")] + parts, axis=1).reset_index()
    counts = [c for c in out.columns if c.endswith("_n")]
    out[counts] = out[counts].fillna(0).astype("int64")
    rates = pd.DataFrame(_rates(out, column_ratio), index=out.index)
    out = pd.concat([out, rates], axis=1)
    out["satisfaction_period"] = period
    return out
