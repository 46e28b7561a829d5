"""What the overview page shows, as plain data: KPI cards with change and target status, alerts, rankings."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

import pandas as pd

from lib import config, fmt
from lib.i18n import t
from lib.rules import minus_years

# (section, KPI key) in display order; rates end in _rate, counts in _n.
CARD_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("section_organization", ("party_orgs_n", "members_n", "villages_n")),
    ("section_coverage", ("nonpublic_org_coverage_rate", "nonpublic_work_coverage_rate", "social_org_coverage_rate",
                          "should_build_not_built_n")),
    ("section_outflow", ("outflow_n", "outflow_at_risk_n", "outflow_at_risk_rate", "outflow_branches_n")),
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

# Rank badges on the KPI cards: the ranking metrics plus two that the ranking chart does not offer
BADGE_METRICS: dict[str, bool] = {**RANKING_METRICS, "social_org_coverage_rate": True, "satisfaction_basic_rate": True}

# The cadre roster has no history: head count and education are today's roster at any as-of date
# (only ages are computed at the date), so a change against a year earlier would always read 持平.
ROSTER_KEYS = {"cadres_n", "cadres_bachelor_plus_rate"}
# Survey KPIs: compared only when the year-earlier view rests on an earlier survey period
SURVEY_KEYS = {"satisfaction_rate", "satisfaction_basic_rate"}

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


def _shown(value: float) -> float:
    """Return a rate as the percentage the cards show (1 decimal): 0.94968 -> 95.0."""
    return float(f"{value * 100:.1f}")


def meets_target(value, goal) -> bool:
    """Return whether rate `value` reaches `goal` at display precision: 94.97% shows as 95.0% and meets 95.0%."""
    return _shown(value) >= _shown(goal)


def within_limit(value, cap) -> bool:
    """Return whether `value` stays at or under `cap`; a share (0 < cap < 1) is compared at display precision."""
    return _shown(value) <= _shown(cap) if 0 < cap < 1 else value <= cap


def _status(key: str, kpis: dict, lang: str) -> tuple[str | None, str | None]:
    value = kpis.get(key)
    if value is None:
        return None, None
    goal = config.target(key)
    if goal is not None:
        met = meets_target(value, goal)
        return ("good" if met else "bad"), t("target_met" if met else "target_missed", lang, target=fmt.pct(goal))
    cap = config.limit(key)  # the 失联风险 limit is a share: it flags outflow_at_risk_rate, never the head count
    if cap is not None:
        met = within_limit(value, cap)
        shown = fmt.pct(cap) if cap < 1 and cap > 0 else fmt.num(cap)
        return ("good" if met else "bad"), t("limit_met" if met else "limit_missed", lang, limit=shown)
    return None, None


def comparison_date(as_of: date, earliest: date | None) -> date | None:
    """Return the same day a year before `as_of`, or None when that lies before `earliest`, the first day of the
    data compared: a change against a date without data would be measured against zero."""
    day = minus_years(as_of, 1)
    return None if earliest is not None and day < earliest else day


# Indicator family (lib.queries.firsts.FIRST_COLUMNS) -> the kpi_counts keys that rest on it. A change against a
# year earlier is shown per family: only where that family has data on the day a year earlier.
FAMILY_KEYS: dict[str, tuple[str, ...]] = {
    "organisations": ("party_orgs_n", "outflow_branches_n", "nonpublic_org_coverage_rate",
                      "nonpublic_work_coverage_rate", "social_org_coverage_rate", "should_build_not_built_n"),
    "members": ("members_n",),
    "outflow": ("outflow_n", "outflow_at_risk_n", "outflow_at_risk_rate"),
    "tickets": ("tickets_n", "tickets_on_time_rate", "tickets_open_overdue_n"),
    "satisfaction": ("satisfaction_rate", "satisfaction_basic_rate", "satisfaction_period"),
}


def comparison_gaps(firsts: dict[str, date | None], as_of: date) -> dict[str, date | None]:
    """Return {family: its first day} for the families without data a year before `as_of` (first day later, or no
    data at all): their KPIs show no change. `firsts` is lib.queries.firsts.first_dates."""
    return {fam: first for fam, first in firsts.items()
            if fam in FAMILY_KEYS and (first is None or comparison_date(as_of, first) is None)}


def family_comparison_date(query: Callable, family: str, *, as_of: date) -> date | None:
    """Return the same day a year before `as_of` when indicator `family` has data then (else None: no change)."""
    from lib.queries.firsts import first_dates

    return None if family in comparison_gaps(query(first_dates), as_of) else minus_years(as_of, 1)


def previous_kpis(query: Callable, *, scope, as_of: date) -> dict | None:
    """Return kpi_counts a year before `as_of` via `query(fn, **kw)` (e.g. cached.query) without the KPIs of the
    families that had no data then (comparison_gaps), or None when no family had any."""
    from lib.queries.firsts import first_dates
    from lib.queries.kpis import kpi_counts

    gaps = comparison_gaps(query(first_dates), as_of)
    if len(gaps) == len(FAMILY_KEYS):
        return None
    before = dict(query(kpi_counts, scope=scope, as_of=minus_years(as_of, 1)))
    for fam in gaps:
        for key in FAMILY_KEYS[fam]:
            before.pop(key, None)
    return before


def no_comparison_note(query: Callable, *, as_of: date, lang: str = "zh") -> str | None:
    """Return the caption naming the indicators that show no change because their data start after the day a year
    earlier (with the first day of each), or None when every family can be compared."""
    from lib.queries.firsts import first_dates

    gaps = {fam: first for fam, first in comparison_gaps(query(first_dates), as_of).items() if first is not None}
    if not gaps:
        return None
    items = t("ov_list_sep", lang).join(t("ov_family_since", lang, family=t(f"ov_family_{fam}", lang),
                                          first=first.isoformat()) for fam, first in gaps.items())
    return t("ov_no_comparison", lang, day=minus_years(as_of, 1).isoformat(), items=items)


def rank_text(key: str, rank: tuple, lang: str = "zh") -> str:
    """Return the rank badge '第 2/16'; when only some townships have a value (rank, n, of_all) it names them:
    '第 1/9（有流动党员的乡镇）'."""
    r, n = rank[0], rank[1]
    if len(rank) > 2 and n < rank[2]:
        among = t(f"ov_among_{key}", lang)
        if among == f"ov_among_{key}":
            among = t("ov_among_generic", lang)
        return t("ov_rank_among", lang, rank=r, n=n, among=among)
    return t("rank_of", lang, rank=r, n=n)


def kpi_card(key: str, current: dict, previous: dict | None, *, lang: str = "zh", rank: tuple | None = None) -> Card:
    """Return the card of KPI `key`: value, change against `previous` (None: no change shown), target or limit status
    and rank badge. Other pages reuse it so that a KPI reads the same everywhere (e.g. the 流动党员 page's share)."""
    value = current.get(key)
    before = (previous or {}).get(key)
    if key in ROSTER_KEYS:
        before = None
    if key in SURVEY_KEYS and (previous or {}).get("satisfaction_period") == current.get("satisfaction_period"):
        before = None  # no newer survey than a year ago: nothing to compare
    delta, unchanged = None, False
    if value is not None and before is not None:
        unchanged = abs(value - before) < (0.0005 if _is_rate(key) else 0.5)  # shows as +0.0: say 持平
        delta = t("unchanged", lang) if unchanged else \
            fmt.pp(value - before, lang) if _is_rate(key) else fmt.signed(value - before)
    status, status_text = _status(key, current, lang)
    label = t(f"kpi_{key}", lang)
    if key == "satisfaction_rate" and current.get("satisfaction_period"):
        label = t("label_with_period", lang, label=label, period=current["satisfaction_period"])
    return Card(key=key, label=label, value=format_value(key, value), delta=delta,
                delta_color="off" if unchanged else "inverse" if key in LOWER_IS_BETTER else "normal",
                status=status, status_text=status_text, rank_text=rank_text(key, rank, lang) if rank else None)


def kpi_cards(current: dict, previous: dict | None, *, lang: str = "zh",
              ranks: dict[str, tuple] | None = None) -> list[tuple[str, list[Card]]]:
    """Return (section label, cards) for the overview, comparing with `previous` (the same day a year earlier;
    None when there are no data then: no change is shown). Roster-based cadre cards never show a change."""
    return [(t(section, lang), [kpi_card(key, current, previous, lang=lang, rank=(ranks or {}).get(key)) for key in keys])
            for section, keys in CARD_SECTIONS]


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
    if rate is not None and not meets_target(rate, goal):
        out.append(t("alert_coverage", lang, rate=fmt.pct(rate), target=fmt.pct(goal)))
    rate, goal = kpis.get("satisfaction_rate"), config.target("satisfaction_rate")
    if rate is not None and not meets_target(rate, goal):
        out.append(t("alert_satisfaction", lang, period=kpis.get("satisfaction_period"), rate=fmt.pct(rate), target=fmt.pct(goal)))
    return out


def ranks(by_township: pd.DataFrame, code: str) -> dict[str, tuple[int, int, int]]:
    """Return, for township `code`, its (rank, of n ranked, of all townships) on every badge metric (1 is best;
    ties share a rank). Townships without a value (no outflow members, no survey…) are not ranked."""
    out = {}
    for key, higher in BADGE_METRICS.items():
        if key not in by_township.columns:
            continue
        values = by_township[["township_code", key]].dropna()
        if code not in set(values["township_code"]):
            continue
        rank = values[key].rank(method="min", ascending=not higher)
        out[key] = (int(rank[values["township_code"] == code].iloc[0]), len(values), len(by_township))
    return out


def ranking_table(by_township: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Return townships sorted by `metric` (best first) with a rank column (ties share a rank)."""
    higher = RANKING_METRICS[metric]
    df = by_township.copy()
    df["rank"] = df[metric].rank(method="min", ascending=not higher).astype("Int64")
    return df.sort_values(["rank", "township_code"], na_position="last").reset_index(drop=True)


def ranking_ends(by_township: pd.DataFrame, metric: str, *, each: int, selected: str | None) -> tuple[pd.DataFrame, int]:
    """Return (the `each` best and `each` worst townships by `metric`, and the selected one, in the order of
    by_township; how many are left out). A city's 160 bars would make a chart of 4,000 px: the ends of the ranking
    are what a committee looks at, the whole ranking is in the table and on the map."""
    ranked = ranking_table(by_township, metric)
    valued = ranked[ranked[metric].notna()]
    if len(valued) <= 2 * each:
        return by_township, 0
    keep = set(valued["township_code"].head(each)) | set(valued["township_code"].tail(each))
    if selected is not None:
        keep.add(selected)
    shown = by_township[by_township["township_code"].isin(keep)]
    return shown, len(by_township) - len(shown)

