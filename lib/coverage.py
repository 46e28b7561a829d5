"""What the 两新覆盖 page shows, as plain data: coverage rates, coverage over time, the 应建未建 table."""
from __future__ import annotations

from datetime import date

import pandas as pd

from lib import config
from lib.rules import recommended_org

KINDS = ("非公企业", "社会组织")
# targets in settings.toml [targets] per kind: (organization coverage, work coverage); a missing key means no target
TARGET_KEYS = {
    "非公企业": ("nonpublic_org_coverage_rate", "nonpublic_work_coverage_rate"),
    "社会组织": ("social_org_coverage_rate", "social_work_coverage_rate"),
}
MEASURES = ("org", "work")  # organization coverage, work coverage


def target(kind: str, measure: str) -> float | None:
    """Return the target of `measure` coverage for `kind` from settings.toml, or None."""
    return config.target(TARGET_KEYS[kind][MEASURES.index(measure)])


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype("float64")


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return df (coverage counts) plus org_coverage_rate, work_coverage_rate (NaN with no enterprises),
    work_only_n (instructor but no organization) and uncovered_n."""
    out = df.copy()
    out["org_coverage_rate"] = _ratio(out["with_org_n"], out["enterprises_n"])
    out["work_coverage_rate"] = _ratio(out["work_covered_n"], out["enterprises_n"])
    out["work_only_n"] = out["work_covered_n"] - out["with_org_n"]
    out["uncovered_n"] = out["enterprises_n"] - out["work_covered_n"]
    return out


COUNTS = ("enterprises_n", "with_org_n", "work_covered_n", "should_build_n")


def totals(df: pd.DataFrame) -> dict:
    """Return the summed counts and rates of a coverage table (e.g. by township) as one dict."""
    return totals_of(tuple(int(df[c].sum()) for c in COUNTS))


def totals_of(counts: tuple[int, ...]) -> dict:
    """Return COUNTS (enterprises, with an organization, work covered, should build) and both rates as one dict."""
    sums = dict(zip(COUNTS, (int(n) for n in counts)))
    n = sums["enterprises_n"]
    sums["org_coverage_rate"] = sums["with_org_n"] / n if n else None
    sums["work_coverage_rate"] = sums["work_covered_n"] / n if n else None
    return sums


def _period_start(day: date, freq: str) -> date:
    month = day.month if freq == "month" else 3 * ((day.month - 1) // 3) + 1
    return date(day.year, month, 1)


def _next(day: date, freq: str) -> date:
    step = 1 if freq == "month" else 3
    index = day.year * 12 + day.month - 1 + step
    return date(index // 12, index % 12 + 1, 1)


def period_label(day: date, freq: str) -> str:
    """Return '2018-06' (month) or '2018Q2' (quarter) for the period containing `day`."""
    return f"{day:%Y-%m}" if freq == "month" else f"{day.year}Q{(day.month - 1) // 3 + 1}"


def coverage_over_time(founded: pd.DataFrame, *, as_of: date, freq: str = "quarter", max_periods: int = 40) -> pd.DataFrame:
    """Return period, period_start, covered_n (cumulative), enterprises_n and org_coverage_rate per period up to as_of.

    `founded` is coverage_founded_by_month (enterprises covered per founding month). The series starts at the
    first founding period, or `max_periods` periods before as_of when that is later; earlier foundings are in
    the first value. The denominator is today's enterprises (enterprise founding dates are not recorded).
    """
    cols = ["period", "period_start", "covered_n", "enterprises_n", "org_coverage_rate"]
    if founded.empty:
        return pd.DataFrame(columns=cols)
    total = int(founded["enterprises_n"].iloc[0])
    starts = [_period_start(date(int(y), int(m), 1), freq) for y, m in zip(founded["year"], founded["month"])]
    per = pd.Series(founded["covered_n"].astype("int64").to_numpy(), index=starts).groupby(level=0).sum()
    last = _period_start(as_of, freq)
    first = min(per.index)
    floor = last
    for _ in range(max_periods - 1):
        index = floor.year * 12 + floor.month - 1 - (1 if freq == "month" else 3)
        floor = date(index // 12, index % 12 + 1, 1)
    first = max(first, floor)
    rows, running, day = [], int(per[per.index < first].sum()), first
    while day <= last:
        running += int(per.get(day, 0))
        rows.append({"period": period_label(day, freq), "period_start": day, "covered_n": running,
                     "enterprises_n": total, "org_coverage_rate": running / total if total else None})
        day = _next(day, freq)
    return pd.DataFrame(rows, columns=cols)


SHOULD_BUILD_COLUMNS = ("name", "township_name", "industry", "employees_n", "members_n", "recommended_org",
                        "not_built_reason", "instructor", "credit_code")


def should_build_table(df: pd.DataFrame) -> pd.DataFrame:
    """Return the 应建未建 rows with the organization each should form (by its formal members), in display order."""
    out = df.copy()
    out["recommended_org"] = [recommended_org(int(n)) for n in out["members_n"]]
    for col in ("not_built_reason", "instructor"):
        out[col] = out[col].fillna("").astype(str)
    return out[list(SHOULD_BUILD_COLUMNS)].reset_index(drop=True)


def kpi_cards(current: dict, previous: dict | None, *, kind: str, lang: str = "zh") -> list:
    """Return the page's KPI section (label, cards): total, with organization, both coverage rates, 应建未建."""
    from lib import fmt
    from lib.i18n import t
    from lib.overview import Card, meets_target

    kind_name = t(f"cov_kind_{kind}", lang)
    cards = []
    specs = (("enterprises_n", t("cov_total", lang, kind=kind_name), None, None),
             ("with_org_n", t("cov_with_org", lang), None, None),
             ("org_coverage_rate", t("cov_measure_org", lang), target(kind, "org"), "min"),
             ("work_coverage_rate", t("cov_measure_work", lang), target(kind, "work"), "min"),
             ("should_build_n", t("cov_should_build", lang), config.limit("should_build_not_built_n"), "max"))
    for key, label, goal, sense in specs:
        value, before = current.get(key), (previous or {}).get(key)
        is_rate = key.endswith("_rate")
        delta = None
        if value is not None and before is not None:
            if abs(value - before) < (0.0005 if is_rate else 0.5):
                delta = t("unchanged", lang)
            else:
                delta = fmt.pp(value - before, lang) if is_rate else fmt.signed(value - before)
        status = status_text = None
        if goal is not None and value is not None:
            met = meets_target(value, goal) if sense == "min" else value <= goal
            status = "good" if met else "bad"
            if sense == "min":
                status_text = t("target_met" if met else "target_missed", lang, target=fmt.pct(goal))
            else:
                status_text = t("limit_met" if met else "limit_missed", lang, limit=fmt.num(goal))
        colour = "off" if delta == t("unchanged", lang) else "inverse" if key == "should_build_n" else \
            "off" if key in ("enterprises_n",) else "normal"
        cards.append(Card(key=f"cov_{key}", label=label, value=fmt.pct(value) if is_rate else fmt.num(value),
                          delta=delta, delta_color=colour, status=status, status_text=status_text))
    return [(kind_name, cards)]
