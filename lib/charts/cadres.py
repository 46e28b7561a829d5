"""Charts of the 干部结构 page: age pyramid, structure bars, shares against targets, retirements due."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib import palette
from lib.charts import base_layout

GENDER_COLOURS = {"男": "#3E6A8A", "女": "#D08C60"}
# 合计 in charcoal, clearly apart from the blue of 区直单位 and the green of 乡镇/街道
UNIT_COLOURS = {"township": "#5E8B62", "district": "#3E6A8A", "total": "#3A3F44"}


def legend_under_title(fig: go.Figure) -> go.Figure:
    """Put the legend at the top left, between the title and the plot, so long legends never cover the title."""
    fig.update_layout(margin={"t": 84}, legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0,
                                                "yanchor": "bottom", "traceorder": "normal", "font": {"size": 12},
                                                "entrywidthmode": "pixels", "entrywidth": 0})
    return fig


def age_pyramid(df: pd.DataFrame, *, title: str, x_title: str, y_title: str, gender_names: dict[str, str],
                min_age: int, max_age: int, age_suffix: str = "岁") -> go.Figure:
    """Return an age pyramid: men to the left, women to the right, one bar per whole year of age.

    `df` is cadres_by_age_gender (gender, age_years, cadres_n); the end ages stand for '≤min' and '≥max'.
    """
    ages = list(range(min_age, max_age + 1))
    labels = [f"≤{a}" if a == min_age else f"≥{a}" if a == max_age else str(a) for a in ages]
    fig = go.Figure()
    top = 1
    for gender, sign in (("男", -1), ("女", 1)):
        counts = df[df["gender"] == gender].set_index("age_years")["cadres_n"].reindex(ages).fillna(0).astype(int)
        top = max(top, int(counts.max()) if len(counts) else 0)
        fig.add_trace(go.Bar(
            y=labels, x=counts * sign, orientation="h", name=gender_names[gender], marker_color=GENDER_COLOURS[gender],
            customdata=counts, hovertemplate="%{y}" + age_suffix + " · " + gender_names[gender] + ": %{customdata:,}<extra></extra>"))
    base_layout(fig, title=title, height=520, x_title=x_title, y_title=y_title)
    step = max(1, round(top / 4))
    ticks = [v for v in range(-4 * step, 4 * step + 1, step) if abs(v) <= top * 1.1 + step]
    fig.update_layout(barmode="overlay", bargap=0.1)
    legend_under_title(fig)
    fig.update_xaxes(tickvals=ticks, ticktext=[f"{abs(v):,}" for v in ticks], range=[-top * 1.1, top * 1.1])
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels, dtick=5)
    return fig


def count_bars(df: pd.DataFrame, *, category_col: str, title: str, x_title: str, y_title: str,
               category_names: dict[str, str] | None = None, colours: dict[str, str] | None = None,
               height: int = 340, lang: str = "zh") -> go.Figure:
    """Return vertical bars of cadres_n per category (in the given order), labelled with count and share.

    The share is in full-width brackets in Chinese, in ASCII brackets in English.
    """
    total = df["cadres_n"].sum()
    names = [str((category_names or {}).get(c, c)) for c in df[category_col]]
    share = "{n:,}（{p:.1f}%）" if lang == "zh" else "{n:,} ({p:.1f}%)"
    text = [share.format(n=int(n), p=n / total * 100) if total else f"{int(n):,}" for n in df["cadres_n"]]
    fig = go.Figure(go.Bar(
        x=names, y=df["cadres_n"], text=text, textposition="outside", cliponaxis=False, constraintext="none",
        textfont={"size": 12, "color": palette.INK},
        marker_color=[(colours or {}).get(c, palette.BASE) for c in df[category_col]],
        hovertemplate="%{x}: %{text}<extra></extra>"))
    base_layout(fig, title=title, height=height, x_title=x_title, y_title=y_title)
    top = float(df["cadres_n"].max()) if len(df) else 1.0
    fig.update_yaxes(range=[0, top * 1.2 or 1], tickformat=",d")
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=False, bargap=0.35)
    return fig


def rank_bars(df: pd.DataFrame, *, ranks: tuple[str, ...], title: str, x_title: str, y_title: str,
              unit_names: dict[str, str], rank_names: dict[str, str] | None = None) -> go.Figure:
    """Return vertical bars of cadres per rank, stacked by unit type (乡镇/街道, 区直). `df` is cadres_by_rank."""
    shown = [r for r in ranks if r in set(df["rank"])]
    x = [str((rank_names or {}).get(r, r)) for r in shown]
    fig = go.Figure()
    for unit in ("township", "district"):
        part = df[df["unit_type"] == unit].set_index("rank")["cadres_n"].reindex(shown).fillna(0).astype(int)
        if unit == "district" and not part.any():
            continue  # a township view has no district-unit cadres: no empty legend entry
        fig.add_trace(go.Bar(x=x, y=part, name=unit_names[unit], marker_color=UNIT_COLOURS[unit],
                             hovertemplate="%{x} · " + unit_names[unit] + ": %{y:,}<extra></extra>"))
    totals = df.groupby("rank")["cadres_n"].sum().reindex(shown).fillna(0).astype(int)
    fig.add_trace(go.Scatter(x=x, y=totals, mode="text", text=[f"{v:,}" for v in totals], textposition="top center",
                             showlegend=False, hoverinfo="skip", cliponaxis=False))
    base_layout(fig, title=title, height=340, x_title=x_title, y_title=y_title)
    fig.update_layout(barmode="stack", bargap=0.35)
    legend_under_title(fig)
    fig.update_yaxes(range=[0, (float(totals.max()) if len(totals) else 1) * 1.2 or 1], tickformat=",d")
    fig.update_xaxes(type="category")
    return fig


def share_bars(df: pd.DataFrame, *, value_col: str, title: str, y_title: str, unit_names: dict[str, str],
               target: float | None = None, target_label: str | None = None) -> go.Figure:
    """Return bars of one share (e.g. 40岁以下占比) per unit type and in total, with the target line.

    `df` is lib.cadres.shares (unit_type township, district, total); unit types without cadres are left out.
    """
    data = df[df["cadres_n"] > 0]
    values = data[value_col].astype("float64") * 100
    count_col = value_col.replace("_rate", "_n")
    text = [f"{v:.1f}%" for v in values]
    counts = [f"{int(k):,}/{int(n):,}" for k, n in zip(data[count_col], data["cadres_n"])]
    fig = go.Figure(go.Bar(
        x=[unit_names[u] for u in data["unit_type"]], y=values, text=text, textposition="auto", cliponaxis=False, constraintext="none",
        insidetextanchor="end", textangle=0, textfont={"size": 13}, insidetextfont={"color": "#FFFFFF", "size": 13},
        outsidetextfont={"color": palette.INK, "size": 13}, customdata=counts,
        marker_color=[UNIT_COLOURS[u] for u in data["unit_type"]],
        hovertemplate="%{x}: %{text} (%{customdata})<extra></extra>"))
    if target is not None:
        # the target is named in the legend, not by an annotation that would sit on the bars' labels
        fig.add_hline(y=target * 100, line_color=palette.PARTY_RED, line_dash="dash", line_width=1.5, layer="below")
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=target_label or "",
                                 line={"color": palette.PARTY_RED, "dash": "dash", "width": 1.5}))
    base_layout(fig, title=title, height=340, y_title=y_title)
    top = max([float(values.max()) if len(values) else 0.0, (target or 0) * 100])
    fig.update_yaxes(range=[0, min(105, top * 1.3) or 1], ticksuffix="%")
    fig.update_xaxes(type="category")
    fig.data[0].showlegend = False
    fig.update_layout(showlegend=target is not None, bargap=0.3)
    legend_under_title(fig)
    return fig


def retirement_bars(windows: pd.DataFrame, *, title: str, x_title: str, y_title: str, window_names: dict[int, str],
                    gender_names: dict[str, str]) -> go.Figure:
    """Return bars of cadres reaching retirement age within 1, 2 and 3 years (cumulative), stacked by gender.

    `windows` is lib.cadres.retirement_windows.
    """
    x = [window_names[int(y)] for y in windows["years"]]
    fig = go.Figure()
    for gender, col in (("男", "men_n"), ("女", "women_n")):
        fig.add_trace(go.Bar(x=x, y=windows[col], name=gender_names[gender], marker_color=GENDER_COLOURS[gender],
                             hovertemplate="%{x} · " + gender_names[gender] + ": %{y:,}<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=windows["total_n"], mode="text", text=[f"{int(v):,}" for v in windows["total_n"]],
                             textposition="top center", showlegend=False, hoverinfo="skip", cliponaxis=False))
    base_layout(fig, title=title, height=340, x_title=x_title, y_title=y_title)
    top = float(windows["total_n"].max()) if len(windows) else 0.0
    fig.update_layout(barmode="stack", bargap=0.45)
    legend_under_title(fig)
    fig.update_yaxes(range=[0, top * 1.2 or 1], tickformat=",d")
    fig.update_xaxes(type="category")
    return fig
