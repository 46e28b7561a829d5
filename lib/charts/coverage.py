"""Charts of the 两新覆盖 page: coverage stacks by category and organization coverage over time."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib import palette
from lib.charts import base_layout
from lib.charts.cadres import legend_under_title

# one colour per coverage status, the same in every coverage chart
STATUS_COLOURS = {"with_org_n": palette.BASE, "work_only_n": palette.BASE_LIGHT, "uncovered_n": "#E6D3C3"}


def coverage_stack(df: pd.DataFrame, *, category_col: str, title: str, x_title: str, status_names: dict[str, str],
                   rate_name: str, category_names: dict[str, str] | None = None, sort: bool = True) -> go.Figure:
    """Return horizontal stacked bars per category: with organization, instructor only, not covered (counts).

    `df` holds with_org_n, work_only_n, uncovered_n, enterprises_n and org_coverage_rate (lib.coverage.with_rates).
    The organization coverage rate is written at the end of each bar. `sort` puts the most enterprises on top.
    """
    data = df[df["enterprises_n"] > 0] if sort else df
    if sort:
        data = data.sort_values(["enterprises_n", category_col], ascending=[True, False])
    else:
        data = data.iloc[::-1]  # keep the given order from the top
    names = [str((category_names or {}).get(c, c)) for c in data[category_col]]
    fig = go.Figure()
    for col, colour in STATUS_COLOURS.items():
        fig.add_trace(go.Bar(
            y=names, x=data[col], orientation="h", name=status_names[col], marker_color=colour,
            hovertemplate="%{y} · " + status_names[col] + ": %{x:,}<extra></extra>"))
    labels = [f"{rate_name} {r * 100:.1f}%" if pd.notna(r) else "" for r in data["org_coverage_rate"]]
    fig.add_trace(go.Scatter(
        y=names, x=data["enterprises_n"], mode="text", text=labels, textposition="middle right",
        textfont={"color": palette.INK, "size": 12}, showlegend=False, hoverinfo="skip", cliponaxis=False))
    base_layout(fig, title=title, height=max(260, 34 * len(data) + 120), x_title=x_title)
    top = float(data["enterprises_n"].max()) if len(data) else 1.0
    fig.update_layout(barmode="stack", bargap=0.35)
    legend_under_title(fig)
    fig.update_xaxes(range=[0, top * 1.35 or 1], tickformat=",d")
    fig.update_yaxes(title_text=None, color=palette.INK, automargin=True)
    return fig


def coverage_trend(series: pd.DataFrame, *, title: str, y_title: str, rate_name: str,
                   target: float | None = None, target_label: str | None = None) -> go.Figure:
    """Return a line of organization coverage per period (series from lib.coverage.coverage_over_time)."""
    values = series["org_coverage_rate"].astype("float64") * 100
    fig = go.Figure(go.Scatter(
        x=series["period"], y=values, mode="lines+markers", name=rate_name,
        line={"color": palette.BASE, "width": 2.5}, marker={"size": 5, "color": palette.BASE},
        customdata=series[["covered_n", "enterprises_n"]].to_numpy() if len(series) else None,
        hovertemplate="%{x}: %{y:.1f}% (%{customdata[0]:,}/%{customdata[1]:,})<extra></extra>"))
    if target is not None:
        fig.add_hline(y=target * 100, line_color=palette.PARTY_RED, line_dash="dash", line_width=1.5,
                      annotation_text=target_label or "", annotation_position="top left",
                      annotation_font_color=palette.PARTY_RED)
    base_layout(fig, title=title, height=360, y_title=y_title)
    top = max([float(values.max()) if len(values) else 0.0, (target or 0) * 100])
    fig.update_yaxes(range=[0, min(100, top * 1.1) if top < 100 else 105], ticksuffix="%")
    fig.update_xaxes(type="category", nticks=12)
    fig.update_layout(showlegend=False)
    return fig
