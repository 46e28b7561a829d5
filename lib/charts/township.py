"""Chart builders of the 乡镇画像 page: one compact chart per domain (labels passed in, no Streamlit)."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from lib import palette
from lib.charts import base_layout

COMPACT = 320
# In a narrow chart the legend goes under the plot, where it cannot run into the title.
LEGEND_BELOW = {"orientation": "h", "yanchor": "top", "y": -0.32, "xanchor": "left", "x": 0, "traceorder": "normal"}


def coverage_stack(parts: pd.DataFrame, *, kind_labels: dict[str, str], part_labels: dict[str, str], title: str,
                   x_title: str) -> go.Figure:
    """Return horizontal stacked bars per organization kind: with an organization, instructor only, not covered."""
    colours = {"org_covered_n": palette.BASE, "work_only_n": palette.BASE_LIGHT, "not_covered_n": palette.PARTY_RED}
    y = [kind_labels.get(k, k) for k in parts["kind"]][::-1]
    fig = go.Figure()
    for col in ("org_covered_n", "work_only_n", "not_covered_n"):
        values = list(parts[col])[::-1]
        fig.add_trace(go.Bar(y=y, x=values, name=part_labels[col], orientation="h", marker_color=colours[col],
                             text=[f"{v:,}" if v else "" for v in values], textposition="inside", insidetextfont={"size": 11},
                             hovertemplate=f"%{{y}} {part_labels[col]}: %{{x:,}}<extra></extra>"))
    base_layout(fig, title=title, height=COMPACT, x_title=x_title)
    fig.update_layout(barmode="stack", bargap=0.35, legend=LEGEND_BELOW)
    fig.update_xaxes(tickformat=",d", rangemode="tozero")
    fig.update_yaxes(color=palette.INK)
    return fig


def destination_bars(df: pd.DataFrame, *, title: str, x_title: str, total_name: str, risk_name: str,
                     top: int = 8) -> go.Figure:
    """Return horizontal bars of outflow members by destination province (largest at the top), at-risk overlaid."""
    data = df.head(top).iloc[::-1]
    fig = go.Figure()
    fig.add_trace(go.Bar(y=data["dest_province"], x=data["outflow_n"], name=total_name, orientation="h",
                         marker_color=palette.BASE_LIGHT, text=[f"{v:,}" for v in data["outflow_n"]],
                         textposition="outside", cliponaxis=False, constraintext="none", hovertemplate="%{y}: %{x:,}<extra></extra>"))
    fig.add_trace(go.Bar(y=data["dest_province"], x=data["outflow_at_risk_n"], name=risk_name, orientation="h",
                         marker_color=palette.PARTY_RED, width=0.35,
                         hovertemplate=f"%{{y}} {risk_name}: %{{x:,}}<extra></extra>"))
    base_layout(fig, title=title, height=max(COMPACT, 28 * len(data) + 110), x_title=x_title)
    fig.update_layout(barmode="overlay", bargap=0.3, legend=LEGEND_BELOW)
    high = float(data["outflow_n"].max()) if len(data) else 1.0
    fig.update_xaxes(range=[0, high * 1.2 or 1], tickformat=",d")
    fig.update_yaxes(color=palette.INK)
    return fig


def satisfaction_lines(df: pd.DataFrame, *, title: str, x_title: str, y_title: str, township_name: str,
                       district_name: str, target: float | None, target_label: str | None) -> go.Figure:
    """Return the township's satisfaction rate per period beside the district's, with the target line."""
    def pct(values):
        return [None if v is None else v * 100 for v in values]

    fig = go.Figure()
    fig.add_trace(go.Scatter(x=df["period"], y=pct(df["district_rate"]), name=district_name, mode="lines+markers",
                             line={"color": palette.BASE_LIGHT, "width": 2, "dash": "dot"},
                             hovertemplate=f"{district_name} %{{x}}: %{{y:.1f}}%<extra></extra>"))
    fig.add_trace(go.Scatter(x=df["period"], y=pct(df["township_rate"]), name=township_name, mode="lines+markers",
                             line={"color": palette.BASE, "width": 2.5},
                             hovertemplate=f"{township_name} %{{x}}: %{{y:.1f}}%<extra></extra>"))
    if target is not None:
        fig.add_hline(y=target * 100, line_color=palette.PARTY_RED, line_dash="dash", line_width=1.5,
                      annotation_text=target_label or "", annotation_position="bottom right",
                      annotation_font_color=palette.PARTY_RED)
    base_layout(fig, title=title, height=COMPACT, x_title=x_title, y_title=y_title)
    shown = [v for v in pct(df["district_rate"]) + pct(df["township_rate"]) if v is not None]
    shown += [target * 100] if target is not None else []
    periods = list(df["period"])
    step = max(1, math.ceil(len(periods) / 4))  # at most four unrotated labels: they fit a narrow chart
    fig.update_xaxes(type="category", tickmode="array", tickvals=periods[::step], ticktext=periods[::step], tickangle=0)
    fig.update_yaxes(ticksuffix="%", range=[max(0, min(shown or [90]) - 5), 101])
    fig.update_layout(legend=LEGEND_BELOW)
    return fig


def age_band_bars(df: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str) -> go.Figure:
    """Return columns of section-level cadres per age band; bands up to 40 in the accent-free dark slate."""
    young = {"<=35", "36-40"}
    fig = go.Figure(go.Bar(
        x=[labels.get(b, b) for b in df["age_band"]], y=df["cadres_n"],
        marker_color=[palette.BASE if b in young else palette.BASE_LIGHT for b in df["age_band"]],
        text=[f"{v:,}" for v in df["cadres_n"]], textposition="outside", cliponaxis=False, constraintext="none",
        hovertemplate="%{x}: %{y:,}<extra></extra>"))
    base_layout(fig, title=title, height=COMPACT, x_title=x_title, y_title=y_title)
    high = float(df["cadres_n"].max()) if len(df) else 1.0
    fig.update_yaxes(range=[0, high * 1.25 or 1], tickformat=",d")
    fig.update_layout(showlegend=False, bargap=0.3)
    return fig
