"""Chart builders of the 便民服务 page: DataFrame -> plotly Figure (labels passed in, no Streamlit)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib import palette
from lib.charts import base_layout

CLOSE_DAYS_FOLD = 30  # days to close of this many or more share the histogram's last bar ("30+")


def stacked_months(wide: pd.DataFrame, *, title: str, x_title: str, y_title: str, colours: dict[str, str],
                   names: dict[str, str] | None = None, legend_right: bool = True,
                   height: int = 360) -> go.Figure:
    """Return stacked monthly bars: one trace per column of `wide` (index: month), in fixed colours.

    The legend sits at the right (many categories) or, for a narrow chart, in one row under the title.
    """
    fig = go.Figure()
    for col in wide.columns:
        label = (names or {}).get(col, col)
        fig.add_trace(go.Bar(x=list(wide.index), y=wide[col], name=label, marker_color=colours.get(col, palette.BASE),
                             hovertemplate=f"{label} %{{x}}: %{{y:,}}<extra></extra>"))
    base_layout(fig, title=title, height=height, x_title=x_title, y_title=y_title)
    if legend_right:
        fig.update_layout(barmode="stack", bargap=0.25, margin={"r": 10},
                          legend={"orientation": "v", "yanchor": "top", "y": 1.0, "xanchor": "left", "x": 1.01,
                                  "font": {"size": 12}, "traceorder": "reversed"})  # same order as the stack
    else:
        months = list(wide.index)
        # narrow: every third month, unrotated, so the legend under the axis title has room
        fig.update_xaxes(tickmode="array", tickvals=months[::3], ticktext=months[::3], tickangle=0)
        fig.update_layout(barmode="stack", bargap=0.25,
                          legend={"orientation": "h", "yanchor": "top", "y": -0.35, "xanchor": "left", "x": 0,
                                  "font": {"size": 11}, "traceorder": "normal", "itemwidth": 30,
                                  # equal shares of the width: up to four entries on one row
                                  "entrywidthmode": "fraction", "entrywidth": 0.24})
    fig.update_xaxes(type="category")
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    return fig


def station_bars(df: pd.DataFrame, *, title: str, x_title: str, lang: str = "zh",
                 with_township: bool = True) -> go.Figure:
    """Return horizontal bars of this year's tickets per station (busiest at the top); customdata: township code.

    A station whose name does not start with its township's gets the township in brackets, unless
    `with_township` is False (one township selected: the bracket would repeat it on every bar).
    """
    data = df.sort_values(["tickets_n", "station"], ascending=[True, False])
    pattern = "{s}（{n}）" if lang == "zh" else "{s} ({n})"
    labels = [pattern.format(s=s, n=n) if with_township and not str(s).startswith(str(n)) else str(s)
              for s, n in zip(data["station"], data["name"])]
    fig = go.Figure(go.Bar(x=data["tickets_n"], y=labels, orientation="h", marker_color=palette.BASE,
                           text=[f"{int(v):,}" for v in data["tickets_n"]], textposition="outside", cliponaxis=False, constraintext="none",
                           customdata=data["township_code"], hovertemplate="%{y}: %{x:,}<extra></extra>"))
    base_layout(fig, title=title, height=max(320, 24 * len(data) + 90), x_title=x_title)
    top = float(data["tickets_n"].max()) if len(data) else 1.0
    fig.update_xaxes(range=[0, top * 1.15 or 1], tickformat=",d")
    fig.update_yaxes(title_text=None, color=palette.INK)
    fig.update_layout(bargap=0.3, clickmode="event+select", dragmode=False)
    return fig


def close_days_histogram(hist: pd.DataFrame, *, p50: float | None, p90: float | None, title: str, x_title: str,
                         y_title: str, p50_label: str, p90_label: str, max_days: int = CLOSE_DAYS_FOLD) -> go.Figure:
    """Return bars of tickets by days to close, `max_days` and longer folded into the last bar (tick 'max_days+'),
    with median and P90 lines. The axis always ends at that bar: the caption names the same fold."""
    days = hist["close_days"].clip(upper=max_days)
    folded = hist.assign(close_days=days).groupby("close_days", as_index=False)["tickets_n"].sum()
    shown = [f"{int(d)}+" if d >= max_days else str(int(d)) for d in folded["close_days"]]
    fig = go.Figure(go.Bar(x=folded["close_days"], y=folded["tickets_n"], marker_color=palette.BASE_LIGHT,
                           customdata=shown, hovertemplate="%{customdata}: %{y:,}<extra></extra>"))
    for value, label, dash in ((p50, p50_label, "solid"), (p90, p90_label, "dash")):
        if value is not None:
            # named in the legend, not by a note that would sit on the axis ticks or on each other
            fig.add_vline(x=min(value, max_days), line_color=palette.PARTY_RED, line_dash=dash, line_width=1.5)
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=label, hoverinfo="skip",
                                     line={"color": palette.PARTY_RED, "dash": dash, "width": 1.5}))
    base_layout(fig, title=title, height=360, x_title=x_title, y_title=y_title)
    fig.data[0].showlegend = False
    fig.update_layout(bargap=0.1, showlegend=True, margin={"t": 84},
                      legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"})
    fig.update_yaxes(tickformat=",d", rangemode="tozero")
    ticks = list(range(0, max_days + 1, 5 if max_days <= 40 else 10))
    ticks = ticks if ticks[-1] == max_days else ticks + [max_days]
    fig.update_xaxes(range=[-0.6, max_days + 0.6], tickvals=ticks,
                     ticktext=[f"{v}+" if v == max_days else str(v) for v in ticks])
    return fig


def close_days_by_group(stats: pd.DataFrame, *, group_col: str, title: str, x_title: str, p50_name: str,
                        p90_name: str) -> go.Figure:
    """Return horizontal grouped bars of median and P90 days to close per group (slowest P90 at the top)."""
    data = stats.dropna(subset=["close_days_p90"]).sort_values("close_days_p90")
    fig = go.Figure()
    for col, name, colour in (("close_days_p50", p50_name, palette.BASE), ("close_days_p90", p90_name, palette.BASE_LIGHT)):
        fig.add_trace(go.Bar(y=data[group_col], x=data[col], name=name, orientation="h", marker_color=colour,
                             text=[f"{v:.1f}" for v in data[col]], textposition="outside", cliponaxis=False,
                             constraintext="none", textfont={"size": 11, "color": palette.INK},
                             hovertemplate=f"%{{y}} {name}: %{{x:.1f}}<extra></extra>"))
    base_layout(fig, title=title, height=max(320, 40 * len(data) + 110), x_title=x_title)
    fig.update_layout(barmode="group", bargap=0.25, margin={"t": 80})
    top = float(data["close_days_p90"].max()) if len(data) else 1.0
    fig.update_xaxes(range=[0, top * 1.15 or 1])
    fig.update_yaxes(title_text=None, color=palette.INK)
    return fig


def on_time_line(trend: pd.DataFrame, *, title: str, x_title: str, y_title: str, target: float | None,
                 target_label: str | None, name: str) -> go.Figure:
    """Return the monthly on-time rate (percent) with the target as a dashed party-red line."""
    values = [None if v is None or pd.isna(v) else v * 100 for v in trend["tickets_on_time_rate"]]
    fig = go.Figure(go.Scatter(
        x=trend["month"], y=values, mode="lines+markers", name=name, line={"color": palette.BASE, "width": 2.5},
        customdata=list(zip(trend["tickets_on_time_n"], trend["tickets_on_time_base_n"])), connectgaps=False,
        hovertemplate="%{x}: %{y:.1f}% (%{customdata[0]:,}/%{customdata[1]:,})<extra></extra>"))
    if target is not None:
        fig.add_hline(y=target * 100, line_color=palette.PARTY_RED, line_dash="dash", line_width=1.5,
                      annotation_text=target_label or "", annotation_position="bottom right",
                      annotation_font_color=palette.PARTY_RED)
    base_layout(fig, title=title, height=340, x_title=x_title, y_title=y_title)
    fig.update_xaxes(type="category")
    shown = [v for v in values if v is not None] + ([target * 100] if target is not None else [])
    low = min(shown) if shown else 0
    fig.update_yaxes(ticksuffix="%", range=[max(0, min(low - 5, 90)), 101])
    fig.update_layout(showlegend=False)
    return fig


def overdue_bars(bands: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str) -> go.Figure:
    """Return columns of open overdue tickets by days overdue, darker red the longer they wait."""
    shades = palette.SEQUENTIAL_RED[2:2 + len(bands)]
    fig = go.Figure(go.Bar(x=[labels.get(b, b) for b in bands["band"]], y=bands["tickets_n"], marker_color=list(shades),
                           text=[f"{int(v):,}" for v in bands["tickets_n"]], textposition="outside", cliponaxis=False, constraintext="none",
                           hovertemplate="%{x}: %{y:,}<extra></extra>"))
    base_layout(fig, title=title, height=340, x_title=x_title, y_title=y_title)
    top = float(bands["tickets_n"].max()) if len(bands) else 1.0
    fig.update_yaxes(range=[0, top * 1.2 or 1], tickformat=",d")
    fig.update_layout(showlegend=False, bargap=0.35)
    return fig


def count_heatmap(wide: pd.DataFrame, *, title: str, x_title: str, y_title: str, colour_title: str,
                  show_text: bool | None = None) -> go.Figure:
    """Return a heatmap of counts: rows of `wide` on the y axis (first row at the top), columns on the x axis."""
    rows = list(wide.index)[::-1]  # plotly draws the first row at the bottom
    values = wide.loc[rows].values
    scale = [[i / (len(palette.SEQUENTIAL_RED) - 1), c] for i, c in enumerate(palette.SEQUENTIAL_RED)]
    show = len(wide.columns) <= 12 if show_text is None else show_text
    fig = go.Figure(go.Heatmap(
        z=values, x=[str(c) for c in wide.columns], y=[str(r) for r in rows], colorscale=scale, xgap=2, ygap=2,
        text=[[f"{int(v):,}" for v in row] for row in values], texttemplate="%{text}" if show else None,
        textfont={"size": 11}, colorbar={"title": {"text": colour_title}, "thickness": 12},
        hovertemplate="%{x} · %{y}: %{z:,}<extra></extra>"))
    base_layout(fig, title=title, height=max(320, 30 * len(rows) + 150), x_title=x_title, y_title=y_title)
    fig.update_xaxes(tickangle=-40, showgrid=False, type="category")
    fig.update_yaxes(showgrid=False, color=palette.INK, type="category")
    return fig
