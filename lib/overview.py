"""What the overview page shows, as plain data: KPI cards with change and target status, alerts, rankings."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib import config, fmt
from lib.i18n import t

# (section, KPI key) in display order; rates end in _rate, counts in _n.
CARD_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("section_organization", ("party_orgs_n", "members_n", "villages_n")),
    ("section_coverage", ("nonpublic_org_coverage_rate", "nonpublic_work_coverage_rate", "social_org_coverage_rate",
                          "should_build_not_built_n")),
    ("section_outflow", ("outflow_n", "outflow_at_risk_n", "outflow_branches_n")),
    ("section_services", ("tickets_n", "tickets_on_time_rate", "tickets_open_overdue_n")),
    ("section_satisfaction", ("satisfaction_rate", "satisfaction_basic_rate")),
    ("section_cadres", ("cadres_n", "cadres_40_or_younger_rate", "cadres_bachelor_plus_rate")),
)

# Indicators a township can be ranked by: key -> higher is better
RANKING_METRICS: dict[str, bool] = {
    "nonpublic_org_coverage_rate": True,
    "nonpublic_work_coverage_rate": True,
    "tickets_on_time_rate": True,
    "satisfaction_rate": True,
    "outflow_at_risk_rate": False,
    "should_build_not_built_n": False,
    "tickets_open_overdue_n": False,
    "cadres_40_or_younger_rate": True,
    "members_n": True,
}

LOWER_IS_BETTER = {"should_build_not_built_n", "outflow_at_risk_n", "outflow_at_risk_rate", "tickets_open_overdue_n"}


@dataclass(frozen=True)
class Card:
    """One KPI card: label, formatted value, change against a year earlier, and target status."""

    key: str
    label: str
    value: str
    delta: str | None          # e.g. '+3.2个百分点' or '+120'
    delta_color: str           # 'normal' (up is good), 'inverse' (up is bad) or 'off'
    status: str | None         # 'good', 'bad' or None when the KPI has no target
    status_text: str | None
    rank_text: str | None = None


def _is_rate(key: str) -> bool:
    return key.endswith("_rate")


def format_value(key: str, value) -> str:
    """Return a KPI value formatted for display."""
    return fmt.pct(value) if _is_rate(key) else fmt.num(value)


def _status(key: str, kpis: dict, lang: str) -> tuple[str | None, str | None]:
    value = kpis.get(key)
    if value is None:
        return None, None
    goal = config.target(key)
    if goal is not None:
        met = value >= goal
        return ("good" if met else "bad"), t("target_met" if met else "target_missed", lang, target=fmt.pct(goal))
    cap = config.limit(key)
    if key == "outflow_at_risk_n":  # the limit is set as a share of outflow members
        cap, value = config.limit("outflow_at_risk_rate"), kpis.get("outflow_at_risk_rate")
        if value is None:
            return None, None
    if cap is not None:
        met = value <= cap
        shown = fmt.pct(cap) if cap < 1 and cap > 0 else fmt.num(cap)
        return ("good" if met else "bad"), t("limit_met" if met else "limit_missed", lang, limit=shown)
    return None, None


def kpi_cards(current: dict, previous: dict | None, *, lang: str = "zh",
              ranks: dict[str, tuple[int, int]] | None = None) -> list[tuple[str, list[Card]]]:
    """Return (section label, cards) for the overview, comparing with `previous` (a year earlier)."""
    out = []
    for section, keys in CARD_SECTIONS:
        cards = []
        for key in keys:
            value = current.get(key)
            before = (previous or {}).get(key)
            delta, unchanged = None, False
            if value is not None and before is not None:
                unchanged = abs(value - before) < (0.0005 if _is_rate(key) else 0.5)  # shows as +0.0: say 持平
                delta = t("unchanged", lang) if unchanged else \
                    fmt.pp(value - before, lang) if _is_rate(key) else fmt.signed(value - before)
            status, status_text = _status(key, current, lang)
            rank = (ranks or {}).get(key)
            label = t(f"kpi_{key}", lang)
            if key == "satisfaction_rate" and current.get("satisfaction_period"):
                label = f"{label}（{current['satisfaction_period']}）"
            cards.append(Card(
                key=key, label=label, value=format_value(key, value), delta=delta,
                delta_color="off" if unchanged else "inverse" if key in LOWER_IS_BETTER else "normal",
                status=status, status_text=status_text,
                rank_text=t("rank_of", lang, rank=rank[0], n=rank[1]) if rank else None))
        out.append((t(section, lang), cards))
    return out


def alerts(kpis: dict, *, lang: str = "zh") -> list[str]:
    """Return the sentences of the 需要关注 list, most urgent first; empty when all is well."""
    out = []
    if kpis.get("should_build_not_built_n"):
        out.append(t("alert_should_build", lang, n=fmt.num(kpis["should_build_not_built_n"])))
    if kpis.get("tickets_open_overdue_n"):
        out.append(t("alert_overdue", lang, n=fmt.num(kpis["tickets_open_overdue_n"])))
    if kpis.get("outflow_at_risk_n"):
        out.append(t("alert_at_risk", lang, n=fmt.num(kpis["outflow_at_risk_n"]), months=config.rule("outflow_contact_months")))
    rate, goal = kpis.get("nonpublic_org_coverage_rate"), config.target("nonpublic_org_coverage_rate")
    if rate is not None and rate < goal:
        out.append(t("alert_coverage", lang, rate=fmt.pct(rate), target=fmt.pct(goal)))
    rate, goal = kpis.get("satisfaction_rate"), config.target("satisfaction_rate")
    if rate is not None and rate < goal:
        out.append(t("alert_satisfaction", lang, period=kpis.get("satisfaction_period"), rate=fmt.pct(rate), target=fmt.pct(goal)))
    return out


def ranks(by_township: pd.DataFrame, code: str) -> dict[str, tuple[int, int]]:
    """Return, for township `code`, its (rank, of n) on every ranking metric (1 is best; ties share a rank)."""
    out = {}
    for key, higher in RANKING_METRICS.items():
        values = by_township[["township_code", key]].dropna()
        if code not in set(values["township_code"]):
            continue
        rank = values[key].rank(method="min", ascending=not higher)
        out[key] = (int(rank[values["township_code"] == code].iloc[0]), len(values))
    if "outflow_at_risk_rate" in out:
        out["outflow_at_risk_n"] = out.pop("outflow_at_risk_rate")
    return out


def ranking_table(by_township: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Return townships sorted by `metric` (best first) with a rank column (ties share a rank)."""
    higher = RANKING_METRICS[metric]
    df = by_township.copy()
    df["rank"] = df[metric].rank(method="min", ascending=not higher).astype("Int64")
    return df.sort_values(["rank", "township_code"], na_position="last").reset_index(drop=True)
