"""What the 满意度 page shows, as plain data: rates per period, the spread between townships, ratings, petitions."""
from __future__ import annotations

import pandas as pd

from lib import config, fmt
from lib.i18n import t
from lib.overview import Card, meets_target


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """Return num / den as floats, NaN where den is 0."""
    den = den.astype("float64")
    return (num.astype("float64") / den.where(den > 0)).astype("float64")


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return survey rows with satisfaction_rate (满意 ÷ 受访) and basic_rate ((满意 + 基本满意) ÷ 受访)."""
    out = df.copy()
    out["satisfaction_rate"] = _ratio(out["satisfied_n"], out["respondents_n"])
    out["basic_rate"] = _ratio(out["satisfied_n"] + out["basic_satisfied_n"], out["respondents_n"])
    return out


def spread_by_period(by_town: pd.DataFrame) -> pd.DataFrame:
    """Return per period: townships_n, min_rate, median_rate, max_rate, spread, min_name, max_name.

    `by_town` comes from satisfaction_by_township_period; ties go to the first township by code.
    """
    rows = []
    rated = with_rates(by_town).dropna(subset=["satisfaction_rate"])
    for period, group in rated.groupby("period", sort=True):
        group = group.sort_values("township_code")
        lo = group.loc[group["satisfaction_rate"].idxmin()]
        hi = group.loc[group["satisfaction_rate"].idxmax()]
        rows.append({"period": period, "townships_n": len(group), "min_rate": float(lo["satisfaction_rate"]),
                     "median_rate": float(group["satisfaction_rate"].median()), "max_rate": float(hi["satisfaction_rate"]),
                     "spread": float(hi["satisfaction_rate"] - lo["satisfaction_rate"]),
                     "min_name": lo["name"], "max_name": hi["name"]})
    return pd.DataFrame(rows, columns=["period", "townships_n", "min_rate", "median_rate", "max_rate", "spread",
                                       "min_name", "max_name"])


def ratings(df: pd.DataFrame) -> pd.DataFrame:
    """Return ticket ratings by month with avg_rating (sum ÷ rated) and high_share (4–5 ÷ rated)."""
    out = df.copy()
    out["avg_rating"] = _ratio(out["rating_sum"], out["rated_n"])
    out["high_share"] = _ratio(out["high_n"], out["rated_n"])
    return out


def petitions(df: pd.DataFrame) -> pd.DataFrame:
    """Return petitions by month with resolved_rate (基层化解 ÷ 信访, NaN for a month without petitions)."""
    out = df.copy()
    out["resolved_rate"] = _ratio(out["resolved_n"], out["petitions_n"])
    return out


def last_months(df: pd.DataFrame, columns: list[str], months: int = 12) -> dict:
    """Return the sums of `columns` over the last `months` rows (months, ascending) of `df`."""
    tail = df.tail(months)
    return {c: int(tail[c].sum()) for c in columns}


def _rate_card(key: str, value, lang: str, *, delta=None, goal=None, rank_text=None) -> Card:
    status = status_text = None
    if goal is not None and value is not None and not pd.isna(value):
        met = meets_target(value, goal)
        status = "good" if met else "bad"
        status_text = t("target_met" if met else "target_missed", lang, target=fmt.pct(goal))
    delta_text = None if delta is None or pd.isna(delta) else fmt.pp(delta, lang)
    if delta_text is not None and abs(delta) < 0.0005:
        delta_text = t("unchanged", lang)
    return Card(key=key, label=t(key, lang), value=fmt.pct(value), delta=delta_text,
                delta_color="off" if delta_text == t("unchanged", lang) else "normal", status=status,
                status_text=status_text, rank_text=rank_text)


def cards(periods: pd.DataFrame, spread: pd.DataFrame, rating_rows: pd.DataFrame, petition_rows: pd.DataFrame, *,
          lang: str, rank: tuple[int, int] | None = None) -> list[tuple[str, list[Card]]]:
    """Return the page's KPI board: latest survey (vs. previous period), ticket ratings and petitions (last 12 months).

    `periods` is with_rates(satisfaction_by_period) of the scope; `rank` is (rank, of) of the selected township.
    """
    sections = []
    if not periods.empty:
        latest = periods.iloc[-1]
        prev = periods.iloc[-2] if len(periods) > 1 else None
        delta = (latest["satisfaction_rate"] - prev["satisfaction_rate"]) if prev is not None else None
        delta_basic = (latest["basic_rate"] - prev["basic_rate"]) if prev is not None else None
        rank_text = t("rank_of", lang, rank=rank[0], n=rank[1]) if rank else None
        survey = [_rate_card("sat_card_rate", latest["satisfaction_rate"], lang, delta=delta,
                             goal=config.target("satisfaction_rate"), rank_text=rank_text),
                  _rate_card("sat_card_basic_rate", latest["basic_rate"], lang, delta=delta_basic)]
        row = spread[spread["period"] == latest["period"]]
        if rank is None and not row.empty and int(row.iloc[0]["townships_n"]) > 1:
            r = row.iloc[0]
            survey.append(Card(key="sat_card_spread", label=t("sat_card_spread", lang),
                               value=fmt.pp(r["spread"], lang).lstrip("+"), delta=None, delta_color="off",
                               status=None, status_text=None,
                               rank_text=f"{r['min_name']} {fmt.pct(r['min_rate'])} – {r['max_name']} {fmt.pct(r['max_rate'])}"))
        sections.append((t("sat_section_survey", lang, period=latest["period"]), survey))
    if not rating_rows.empty:
        sums = last_months(rating_rows, ["rated_n", "rating_sum", "high_n"])
        avg = sums["rating_sum"] / sums["rated_n"] if sums["rated_n"] else None
        sections.append((t("sat_section_tickets", lang), [
            Card(key="sat_card_avg_rating", label=t("sat_card_avg_rating", lang),
                 value=fmt.MISSING if avg is None else f"{avg:.2f}", delta=None, delta_color="off", status=None,
                 status_text=None),
            _rate_card("sat_card_high_share", sums["high_n"] / sums["rated_n"] if sums["rated_n"] else None, lang),
        ]))
    if not petition_rows.empty:
        sums = last_months(petition_rows, ["petitions_n", "resolved_n"])
        sections.append((t("sat_section_petitions", lang), [
            Card(key="sat_card_petitions", label=t("sat_card_petitions", lang), value=fmt.num(sums["petitions_n"]),
                 delta=None, delta_color="off", status=None, status_text=None),
            _rate_card("sat_card_resolved", sums["resolved_n"] / sums["petitions_n"] if sums["petitions_n"] else None,
                       lang),
        ]))
    return sections


def latest_by_township(by_town: pd.DataFrame, townships: pd.DataFrame, period: str | None) -> pd.DataFrame:
    """Return one row per township: township_code, name, respondents_n, satisfaction_rate, basic_rate, change.

    `change` is the rate change against the township's previous period; townships without a survey
    in `period` have NaN rates.
    """
    rated = with_rates(by_town)
    periods = sorted(rated["period"].unique())
    prev = periods[periods.index(period) - 1] if period in periods and periods.index(period) > 0 else None
    cur = rated[rated["period"] == period].set_index("township_code")
    old = rated[rated["period"] == prev].set_index("township_code") if prev else pd.DataFrame()
    out = townships[["code", "name"]].rename(columns={"code": "township_code"}).copy()
    out["respondents_n"] = out["township_code"].map(cur["respondents_n"]) if not cur.empty else float("nan")
    out["satisfaction_rate"] = out["township_code"].map(cur["satisfaction_rate"]) if not cur.empty else float("nan")
    out["basic_rate"] = out["township_code"].map(cur["basic_rate"]) if not cur.empty else float("nan")
    before = out["township_code"].map(old["satisfaction_rate"]) if not old.empty else float("nan")
    out["change"] = out["satisfaction_rate"] - before
    return out


def township_rank(latest: pd.DataFrame, code: str | None) -> tuple[int, int] | None:
    """Return (rank, number ranked) of township `code` by satisfaction rate in the latest period (1 = best)."""
    ranked = latest.dropna(subset=["satisfaction_rate"]).sort_values(["satisfaction_rate", "township_code"],
                                                                     ascending=[False, True])
    codes = list(ranked["township_code"])
    if code not in codes:
        return None
    return codes.index(code) + 1, len(codes)


def township_table(latest: pd.DataFrame, petition_towns: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Return the per-township table with display headers, best satisfaction first."""
    rows = latest.merge(petition_towns[["township_code", "petitions_n", "resolved_n"]], on="township_code", how="left")
    rows = rows.sort_values(["satisfaction_rate", "township_code"], ascending=[False, True], na_position="last")
    resolved = _ratio(rows["resolved_n"].fillna(0), rows["petitions_n"].fillna(0))
    return pd.DataFrame({
        t("sat_col_township", lang): rows["name"].values,
        t("sat_col_respondents", lang): [fmt.num(v) for v in rows["respondents_n"]],
        t("sat_col_rate", lang): [fmt.pct(v) for v in rows["satisfaction_rate"]],
        t("sat_col_basic_rate", lang): [fmt.pct(v) for v in rows["basic_rate"]],
        t("sat_col_change", lang): [fmt.pp(v, lang) for v in rows["change"]],
        t("sat_col_petitions", lang): [fmt.num(v) for v in rows["petitions_n"].fillna(0)],
        t("sat_col_resolved", lang): [fmt.pct(v) for v in resolved],
    })


def extremes(latest: pd.DataFrame, *, each: int, selected: str | None) -> tuple[pd.DataFrame, int]:
    """Return (the `each` best and `each` worst townships by satisfaction rate plus the selected one, how many left out).

    With at most 2 × `each` rated townships every one is kept.
    """
    rated = latest.dropna(subset=["satisfaction_rate"]).sort_values(["satisfaction_rate", "township_code"],
                                                                    ascending=[False, True])
    if len(rated) <= 2 * each:
        return rated.reset_index(drop=True), 0
    keep = pd.concat([rated.head(each), rated.tail(each)])
    if selected is not None and selected not in set(keep["township_code"]):
        keep = pd.concat([keep, rated[rated["township_code"] == selected]])
    return keep.reset_index(drop=True), len(rated) - len(keep)
