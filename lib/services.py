"""What the 便民服务 page shows, as plain data: percentiles from day histograms, month axes, backlog buckets."""
from __future__ import annotations

import math
from datetime import date

import pandas as pd

from lib.overview import meets_target
from lib.queries.kpis import ratio
from lib.queries.services import window_start

# Days a ticket has been overdue at the as-of date: (band key, first day, last day); None: open-ended
OVERDUE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-7", 0, 7), ("8-30", 8, 30), ("31-90", 31, 90), ("91+", 91, None),
)


def percentile(hist: pd.DataFrame, q: float, *, value_col: str = "close_days", count_col: str = "tickets_n") -> float | None:
    """Return the q-quantile (0..1) of the values a histogram describes, interpolating linearly between ranks.

    Same answer as numpy.percentile / PostgreSQL percentile_cont on the expanded values; None when empty.
    """
    data = hist[[value_col, count_col]].sort_values(value_col)
    data = data[data[count_col] > 0]
    total = int(data[count_col].sum())
    if total == 0:
        return None
    position = (total - 1) * q  # 0-based rank of the quantile among the sorted values
    lower, upper = math.floor(position), math.ceil(position)

    def value_at(rank: int) -> float:
        seen = 0
        for value, count in zip(data[value_col], data[count_col]):
            seen += int(count)
            if rank < seen:
                return float(value)
        return float(data[value_col].iloc[-1])

    low = value_at(lower)
    return low + (value_at(upper) - low) * (position - lower)


def close_time_stats(hist: pd.DataFrame, *, by: str | None = None) -> pd.DataFrame:
    """Return tickets_n, close_days_mean, close_days_p50 and close_days_p90 (per `by` group when given)."""
    def stats(part: pd.DataFrame) -> dict:
        n = int(part["tickets_n"].sum())
        mean = float((part["close_days"] * part["tickets_n"]).sum()) / n if n else None
        return {"tickets_n": n, "close_days_mean": mean,
                "close_days_p50": percentile(part, 0.5), "close_days_p90": percentile(part, 0.9)}

    if by is None:
        return pd.DataFrame([stats(hist)])
    rows = [{by: key, **stats(part)} for key, part in hist.groupby(by, sort=True)]
    columns = [by, "tickets_n", "close_days_mean", "close_days_p50", "close_days_p90"]
    return pd.DataFrame(rows, columns=columns)


def months(as_of: date, n: int = 12) -> list[str]:
    """Return the `n` months ('YYYY-MM') ending with as_of's month, oldest first."""
    start = window_start(as_of, n)
    out, year, mon = [], start.year, start.month
    for _ in range(n):
        out.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return out


def month_matrix(df: pd.DataFrame, *, by: str, as_of: date, n: int = 12, order: list[str] | None = None) -> pd.DataFrame:
    """Return tickets_n as a month x `by` table (every month of the window, zeros where none; columns in `order`)."""
    wide = df.pivot_table(index="month", columns=by, values="tickets_n", aggfunc="sum", fill_value=0)
    columns = list(order or []) + sorted(c for c in wide.columns if c not in (order or []))
    wide = wide.reindex(index=months(as_of, n), columns=columns, fill_value=0).fillna(0).astype("int64")
    wide.index.name, wide.columns.name = "month", None
    return wide


def on_time_trend(df: pd.DataFrame, *, as_of: date, n: int = 12) -> pd.DataFrame:
    """Return month, the on-time counts and tickets_on_time_rate for every month of the window (None: nothing due)."""
    out = pd.DataFrame({"month": months(as_of, n)}).merge(df, on="month", how="left")
    for col in ("tickets_on_time_n", "tickets_on_time_base_n"):
        out[col] = out[col].fillna(0).astype("int64")
    out["tickets_on_time_rate"] = [ratio(a, b) for a, b in zip(out["tickets_on_time_n"], out["tickets_on_time_base_n"])]
    return out


def category_township_matrix(cells: pd.DataFrame) -> pd.DataFrame:
    """Return tickets_n as a category x township-name table: busiest category first, townships in code order."""
    towns = cells[["township_code", "name"]].drop_duplicates().sort_values("township_code")
    cats = cells.groupby("category")["tickets_n"].sum().sort_values(ascending=False, kind="stable").index.tolist()
    wide = cells.pivot_table(index="category", columns="township_code", values="tickets_n", aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=cats, columns=list(towns["township_code"]), fill_value=0).astype("int64")
    wide.columns = list(towns["name"])
    wide.index.name = None
    return wide


def overdue_bands(hist: pd.DataFrame) -> pd.DataFrame:
    """Return band and tickets_n of open overdue tickets by days overdue (every band, zeros included)."""
    rows = []
    for key, first, last in OVERDUE_BANDS:
        days = hist["overdue_days"]
        inside = (days >= first) & (days <= last if last is not None else True)
        rows.append({"band": key, "tickets_n": int(hist.loc[inside, "tickets_n"].sum())})
    return pd.DataFrame(rows)


def totals(by_township: pd.DataFrame) -> dict:
    """Return the scope's totals of the township table, with tickets_on_time_rate."""
    cols = ["tickets_n", "tickets_on_time_n", "tickets_on_time_base_n", "tickets_open_n", "tickets_open_overdue_n"]
    out = {c: int(by_township[c].sum()) for c in cols}
    out["tickets_on_time_rate"] = ratio(out["tickets_on_time_n"], out["tickets_on_time_base_n"])
    return out


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` with tickets_on_time_rate added (None where nothing is closed or due)."""
    out = df.copy()
    out["tickets_on_time_rate"] = [ratio(a, b) for a, b in zip(out["tickets_on_time_n"], out["tickets_on_time_base_n"])]
    return out


# Card key -> (lower is better, kind of value): the 便民服务 KPI row
CARD_KEYS: tuple[tuple[str, str, bool, str], ...] = (
    ("tickets_n", "svc_card_tickets", False, "count"),
    ("tickets_on_time_rate", "svc_card_on_time", False, "rate"),
    ("close_days_p50", "svc_card_p50", True, "days"),
    ("close_days_p90", "svc_card_p90", True, "days"),
    ("tickets_open_n", "svc_card_open", True, "count"),
    ("tickets_open_overdue_n", "svc_card_overdue", True, "count"),
)


def cards(total: dict, close: dict, *, previous_total: dict | None = None, previous_close: dict | None = None,
          lang: str = "zh"):
    """Return the page's KPI section (label, [Card]) from totals() and close_time_stats() of the scope,
    with the change against the same figures a year earlier when given."""
    from lib import config, fmt
    from lib.i18n import t
    from lib.overview import Card

    def shown(kind: str, value) -> str:
        if kind == "days":
            return fmt.MISSING if value is None or pd.isna(value) else t("svc_days_value", lang, days=fmt.days(value))
        return fmt.pct(value) if kind == "rate" else fmt.num(value)

    def change(kind: str, now, before) -> tuple[str | None, bool]:
        if any(v is None or pd.isna(v) for v in (now, before)):
            return None, False
        if abs(now - before) < {"rate": 0.0005, "days": 0.05, "count": 0.5}[kind]:
            return t("unchanged", lang), True
        if kind == "rate":
            return fmt.pp(now - before, lang), False
        if kind == "days":
            return t("svc_days_value", lang, days=f"{now - before:+.1f}"), False
        return fmt.signed(now - before), False

    def merged(counts: dict | None, days: dict | None) -> dict:  # close stats hold their own tickets_n: keep days only
        return {**(counts or {}), **{k: v for k, v in (days or {}).items() if k.startswith("close_days")}}

    now, before = merged(total, close), merged(previous_total, previous_close)
    out = []
    for key, label, lower_better, kind in CARD_KEYS:
        value = now.get(key)
        delta, unchanged = change(kind, value, before.get(key)) if before else (None, False)
        status = status_text = None
        if key == "tickets_on_time_rate" and value is not None and not pd.isna(value):
            goal = config.target(key)
            met = meets_target(value, goal)
            status = "good" if met else "bad"
            status_text = t("target_met" if met else "target_missed", lang, target=fmt.pct(goal))
        if key == "tickets_open_overdue_n":
            cap = config.limit(key)
            status = "good" if value <= cap else "bad"
            status_text = t("limit_met" if value <= cap else "limit_missed", lang, limit=fmt.num(cap))
        out.append(Card(key=key, label=t(label, lang), value=shown(kind, value), delta=delta,
                        delta_color="off" if unchanged or delta is None else "inverse" if lower_better else "normal",
                        status=status, status_text=status_text))
    return t("section_services", lang), out


def township_table(by_township: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Return the downloadable township table with display headers (rates as text, 1 decimal)."""
    from lib import fmt
    from lib.i18n import t

    df = with_rates(by_township)
    return pd.DataFrame({
        t("svc_col_township", lang): df["name"],
        t("svc_col_tickets", lang): df["tickets_n"],
        t("svc_col_on_time", lang): df["tickets_on_time_n"],
        t("svc_col_base", lang): df["tickets_on_time_base_n"],
        t("svc_col_rate", lang): [fmt.pct(v) for v in df["tickets_on_time_rate"]],
        t("svc_col_open", lang): df["tickets_open_n"],
        t("svc_col_overdue", lang): df["tickets_open_overdue_n"],
    })


def station_table(by_station: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Return the downloadable station table with display headers."""
    from lib import fmt
    from lib.i18n import t

    df = with_rates(by_station)
    return pd.DataFrame({
        t("svc_col_station", lang): df["station"],
        t("svc_col_township", lang): df["name"],
        t("svc_col_tickets", lang): df["tickets_n"],
        t("svc_col_rate", lang): [fmt.pct(v) for v in df["tickets_on_time_rate"]],
        t("svc_col_open", lang): df["tickets_open_n"],
        t("svc_col_overdue", lang): df["tickets_open_overdue_n"],
    })
