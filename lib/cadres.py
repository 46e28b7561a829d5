"""What the 干部结构 page shows, as plain data: shares against targets, retirements due, pyramid rows."""
from __future__ import annotations

import pandas as pd

from lib import config
from lib.queries.cadres import RETIREMENT_YEARS, UNIT_TYPES

SHARE_KEYS = ("cadres_40_or_younger_rate", "cadres_bachelor_plus_rate")
VIEWS = ("section", "all")  # 口径: section-level cadres (正科 + 副科), or every cadre


def shares(df: pd.DataFrame) -> pd.DataFrame:
    """Return unit_type rows (township, district, total) with counts and the two shares (NaN with no cadres).

    `df` is cadre_shares_by_unit_type; the total row sums both unit types.
    """
    rows = df.set_index("unit_type").reindex(list(UNIT_TYPES)).fillna(0)
    rows.loc["total"] = rows.sum()
    rows = rows.astype("int64").rename_axis("unit_type").reset_index()
    den = rows["cadres_n"].where(rows["cadres_n"] > 0)
    rows["cadres_40_or_younger_rate"] = (rows["cadres_40_or_younger_n"] / den).astype("float64")
    rows["cadres_bachelor_plus_rate"] = (rows["cadres_bachelor_plus_n"] / den).astype("float64")
    return rows


def share_target(key: str) -> float | None:
    """Return the target of a share (settings.toml [targets])."""
    return config.target(key)


def retirement_windows(df: pd.DataFrame) -> pd.DataFrame:
    """Return one row per window (1, 2, 3 years; cumulative) with men_n, women_n, township_n, district_n, total_n.

    `df` is cadre_retirements (gender × unit_type rows).
    """
    rows = []
    for years in RETIREMENT_YEARS:
        col = f"retire_{years}y_n"
        pick = lambda mask: int(df.loc[mask, col].sum())  # noqa: E731
        rows.append({"years": years, "men_n": pick(df["gender"] == "男"), "women_n": pick(df["gender"] == "女"),
                     "township_n": pick(df["unit_type"] == "township"), "district_n": pick(df["unit_type"] == "district"),
                     "total_n": int(df[col].sum())})
    return pd.DataFrame(rows, columns=["years", "men_n", "women_n", "township_n", "district_n", "total_n"])


def with_shares(df: pd.DataFrame, value_col: str = "cadres_n") -> pd.DataFrame:
    """Return df plus share_rate: each row's `value_col` ÷ the column total (NaN when the total is 0)."""
    out = df.copy()
    total = out[value_col].sum()
    out["share_rate"] = (out[value_col] / total).astype("float64") if total else float("nan")
    return out


def township_shares(by_township: pd.DataFrame, towns: pd.DataFrame) -> pd.DataFrame:
    """Return one row per township (code, name) with cadres_n and both shares, from cadre_summary(by_township=True).

    Cadres of district units (township_code None) are left out; townships without cadres have NaN shares.
    """
    base = towns[["code", "name"]].rename(columns={"code": "township_code"})
    out = base.merge(by_township.dropna(subset=["township_code"]), on="township_code", how="left")
    counts = ["cadres_n", "cadres_40_or_younger_n", "cadres_bachelor_plus_n"]
    out[counts] = out[counts].fillna(0).astype("int64")
    den = out["cadres_n"].where(out["cadres_n"] > 0)
    out["cadres_40_or_younger_rate"] = (out["cadres_40_or_younger_n"] / den).astype("float64")
    out["cadres_bachelor_plus_rate"] = (out["cadres_bachelor_plus_n"] / den).astype("float64")
    return out


def kpi_cards(total: pd.Series, windows: pd.DataFrame, *, lang: str = "zh") -> list:
    """Return the KPI cards: cadres counted, the two shares against their targets, retirements due in 1/2/3 years."""
    from lib import fmt
    from lib.i18n import t
    from lib.overview import Card, meets_target

    cards = [Card(key="cad_total", label=t("cad_total", lang), value=fmt.num(total["cadres_n"]), delta=None,
                  delta_color="off", status=None, status_text=None)]
    for key, label in zip(SHARE_KEYS, ("cad_young_rate", "cad_bachelor_rate")):
        value, goal = total[key], share_target(key)
        status = status_text = None
        if goal is not None and pd.notna(value):
            met = meets_target(value, goal)
            status = "good" if met else "bad"
            status_text = t("target_met" if met else "target_missed", lang, target=fmt.pct(goal))
        cards.append(Card(key=f"cad_{key}", label=t(label, lang), value=fmt.pct(value), delta=None, delta_color="off",
                          status=status, status_text=status_text))
    for years, n in zip(windows["years"], windows["total_n"]):
        cards.append(Card(key=f"cad_retire_{int(years)}y", label=t(f"cad_retire_card_{int(years)}", lang),
                          value=fmt.num(n), delta=None, delta_color="off", status=None, status_text=None))
    return cards
