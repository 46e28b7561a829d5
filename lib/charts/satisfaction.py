"""Chart builders of the 满意度 page: rate trends with the target, township spread, ticket ratings, petitions."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib import palette
from lib.charts import base_layout

RATING_COLOUR = palette.CATEGORICAL[0]
SHARE_COLOUR = palette.CATEGORICAL[2]


def _pct(values) -> list[float | None]:
    return [None if v is None or pd.isna(v) else round(float(v) * 100, 2) for v in values]


def _target_line(fig: go.Figure, target: float | None, label: str | None) -> None:
    if target is not None:
        fig.add_hline(y=target * 100, line_color=palette.PARTY_RED, line_dash="dash", line_width=1.5,
                      annotation_text=label or "", annotation_position="bottom right",
                      annotation_font_color=palette.PARTY_RED)


def rate_trend(district: pd.DataFrame, by_town: pd.DataFrame, *, title: str, x_title: str, y_title: str,
               district_name: str, townships_name: str, target: float | None = None, target_label: str | None = None,
               selected_code: str | None = None, selected_name: str | None = None) -> go.Figure:
    """Return satisfaction rate lines per period: each township thin and grey, the district bold, the target dashed.

    `district` has period, satisfaction_rate (the whole district); `by_town` has period, township_code,
    name, satisfaction_rate. The selected township is drawn in party red. Points carry the township
    code in customdata so a click can open it.
    """
    # every other township in one grey trace, its lines broken by gaps (one trace draws fast for 160 townships)
    x, y, codes, names = [], [], [], []
    for code, group in by_town.sort_values(["township_code", "period"]).groupby("township_code", sort=True):
        if code == selected_code:
            continue
        if x:
            x.append(None), y.append(None), codes.append(None), names.append(None)
        name = str(group["name"].iloc[0])
        x += list(group["period"])
        y += _pct(group["satisfaction_rate"])
        codes += [code] * len(group)
        names += [name] * len(group)
    fig = go.Figure()
    if x:
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines+markers", name=townships_name, legendgroup="townships", connectgaps=False,
            line={"color": palette.BASE_LIGHT, "width": 1}, marker={"size": 5, "color": palette.BASE_LIGHT},
            customdata=codes, text=names, hovertemplate="%{text} %{x}: %{y:.1f}%<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=list(district["period"]), y=_pct(district["satisfaction_rate"]), mode="lines+markers", name=district_name,
        line={"color": palette.INK, "width": 3}, marker={"size": 7, "color": palette.INK},
        hovertemplate=district_name + " %{x}: %{y:.1f}%<extra></extra>"))
    chosen = by_town[by_town["township_code"] == selected_code].sort_values("period")
    if not chosen.empty:
        name = selected_name or str(chosen["name"].iloc[0])
        fig.add_trace(go.Scatter(
            x=list(chosen["period"]), y=_pct(chosen["satisfaction_rate"]), mode="lines+markers+text", name=name,
            line={"color": palette.PARTY_RED, "width": 3}, marker={"size": 8, "color": palette.PARTY_RED},
            text=[f"{v:.1f}%" if v is not None else "" for v in _pct(chosen["satisfaction_rate"])],
            textposition="top center", textfont={"color": palette.PARTY_RED, "size": 11},
            customdata=[selected_code] * len(chosen), hovertemplate=name + " %{x}: %{y:.1f}%<extra></extra>"))
    _target_line(fig, target, target_label)
    base_layout(fig, title=title, height=420, x_title=x_title, y_title=y_title)
    fig.update_layout(clickmode="event+select", dragmode=False, hovermode="closest")
    fig.update_xaxes(type="category")
    values = [v for v in _pct(by_town["satisfaction_rate"]) + _pct(district["satisfaction_rate"]) if v is not None]
    low = min(values + ([target * 100] if target is not None else []), default=0)
    fig.update_yaxes(ticksuffix="%", range=[max(0, low - 2), 100.5])
    return fig


def spread_band(spread: pd.DataFrame, *, title: str, x_title: str, y_title: str, band_name: str,
                median_name: str, lowest_name: str, highest_name: str, target: float | None = None,
                target_label: str | None = None, selected: pd.DataFrame | None = None,
                selected_name: str | None = None) -> go.Figure:
    """Return the lowest-to-highest township rate per period as a shaded band with the median line.

    `spread` comes from lib.satisfaction.spread_by_period; hovering the band edges names the
    lowest and highest township. `selected` (period, satisfaction_rate) adds a party-red line for
    the selected township, so its place within the band shows.
    """
    x = list(spread["period"])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=_pct(spread["min_rate"]), mode="lines+markers", name=lowest_name,
                             line={"color": palette.BASE_LIGHT, "width": 1}, marker={"size": 5},
                             customdata=list(spread["min_name"]), showlegend=False,
                             hovertemplate=lowest_name + " %{x}: %{customdata} %{y:.1f}%<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=_pct(spread["max_rate"]), mode="lines+markers", name=band_name,
                             fill="tonexty", fillcolor="rgba(91,112,131,0.18)",
                             line={"color": palette.BASE_LIGHT, "width": 1}, marker={"size": 5},
                             customdata=list(spread["max_name"]),
                             hovertemplate=highest_name + " %{x}: %{customdata} %{y:.1f}%<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=_pct(spread["median_rate"]), mode="lines+markers", name=median_name,
                             line={"color": palette.BASE, "width": 2.5}, marker={"size": 6},
                             hovertemplate=median_name + " %{x}: %{y:.1f}%<extra></extra>"))
    if selected is not None and not selected.empty:
        fig.add_trace(go.Scatter(x=list(selected["period"]), y=_pct(selected["satisfaction_rate"]),
                                 mode="lines+markers", name=selected_name or "", line={"color": palette.PARTY_RED,
                                                                                       "width": 2.5},
                                 marker={"size": 6}, hovertemplate=(selected_name or "") + " %{x}: %{y:.1f}%<extra></extra>"))
    _target_line(fig, target, target_label)
    base_layout(fig, title=title, height=400, x_title=x_title, y_title=y_title)
    # up to four legend entries: give them their own line under the title
    fig.update_layout(dragmode=False, hovermode="closest", margin={"t": 78}, legend={"y": 1.03})
    fig.update_xaxes(type="category")
    values = [v for v in _pct(spread["min_rate"]) + _pct(selected["satisfaction_rate"] if selected is not None
                                                             and not selected.empty else []) if v is not None]
    low = min(values + ([target * 100] if target is not None else []), default=0)
    fig.update_yaxes(ticksuffix="%", range=[max(0, low - 2), 100.5])
    return fig


def _dual(title: str, x_title: str, left_title: str, right_title: str, height: int = 380) -> go.Figure:
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    base_layout(fig, title=title, height=height, x_title=x_title)
    fig.update_yaxes(title_text=left_title, secondary_y=False)
    fig.update_yaxes(title_text=right_title, secondary_y=True, showgrid=False, ticksuffix="%", range=[0, 105],
                     tickmode="array", tickvals=[0, 25, 50, 75, 100], ticktext=["0%", "25%", "50%", "75%", "100%"])
    fig.update_layout(dragmode=False, hovermode="x unified")
    return fig


def ratings_trend(df: pd.DataFrame, *, title: str, x_title: str, rating_title: str, share_title: str,
                  rating_name: str, share_name: str) -> go.Figure:
    """Return two stacked panels by month: the average ticket rating (1–5) above, the share rated 4–5 (%) below.

    `df` has month, rated_n, avg_rating, high_share (lib.satisfaction.ratings).
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    months = list(df["month"])
    fig.add_trace(go.Scatter(x=months, y=[round(float(v), 2) for v in df["avg_rating"]], mode="lines+markers",
                             name=rating_name, line={"color": RATING_COLOUR, "width": 2.5}, marker={"size": 5},
                             customdata=list(df["rated_n"]),
                             hovertemplate="%{x} " + rating_name + ": %{y:.2f} (n=%{customdata:,})<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=months, y=_pct(df["high_share"]), mode="lines+markers", name=share_name,
                             line={"color": SHARE_COLOUR, "width": 2.5}, marker={"size": 5},
                             hovertemplate="%{x} " + share_name + ": %{y:.1f}%<extra></extra>"), row=2, col=1)
    base_layout(fig, title=title, height=400)
    fig.update_layout(dragmode=False, hovermode="closest", showlegend=False)
    fig.update_xaxes(type="category")
    fig.update_xaxes(title_text=x_title, row=2, col=1)
    avg = [float(v) for v in df["avg_rating"].dropna()]
    fig.update_yaxes(title_text=rating_title, range=[max(1.0, min(avg, default=1.0) - 0.3), 5.05], row=1, col=1)
    shares = [v for v in _pct(df["high_share"]) if v is not None]
    fig.update_yaxes(title_text=share_title, ticksuffix="%", range=[max(0.0, min(shares, default=0.0) - 5), 101],
                     row=2, col=1)
    return fig


def petitions_trend(df: pd.DataFrame, *, title: str, x_title: str, count_title: str, share_title: str,
                    count_name: str, share_name: str) -> go.Figure:
    """Return petitions per month (bars, left axis) and the share resolved at grassroots (line, right axis, %).

    `df` has month, petitions_n, resolved_n, resolved_rate (lib.satisfaction.petitions).
    """
    fig = _dual(title, x_title, count_title, share_title)
    fig.add_trace(go.Bar(x=list(df["month"]), y=[int(v) for v in df["petitions_n"]], name=count_name,
                         marker_color=palette.BASE, hovertemplate="%{y:,}"), secondary_y=False)
    fig.add_trace(go.Scatter(x=list(df["month"]), y=_pct(df["resolved_rate"]), mode="lines+markers", name=share_name,
                             line={"color": SHARE_COLOUR, "width": 2.5}, hovertemplate="%{y:.1f}%"),
                  secondary_y=True)
    fig.update_yaxes(tickformat=",d", rangemode="tozero", secondary_y=False)
    fig.update_xaxes(type="category")
    return fig


def township_dots(df: pd.DataFrame, *, title: str, x_title: str, target: float | None = None,
                  target_label: str | None = None, selected_code: str | None = None) -> go.Figure:
    """Return one dot per township at its satisfaction rate (township_code, name, satisfaction_rate), best at the top.

    A dot plot needs no zero baseline, so the axis spans the data and the target and small gaps stay
    visible. The selected township is party red; customdata holds the code so a click opens it.
    """
    data = df.dropna(subset=["satisfaction_rate"]).sort_values(["satisfaction_rate", "township_code"],
                                                                ascending=[True, False])
    values = _pct(data["satisfaction_rate"])
    codes = [str(c) for c in data["township_code"]]
    colours = [palette.PARTY_RED if c == selected_code else palette.BASE for c in codes]
    fig = go.Figure(go.Scatter(
        x=values, y=list(data["name"]), mode="markers+text", marker={"size": 11, "color": colours},
        text=[f"{v:.1f}%" for v in values], textposition="middle right", textfont={"size": 11},
        customdata=codes, cliponaxis=False, hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    # a thin guide from the axis start makes rows easy to follow (set at once: add_shape in a loop is quadratic)
    fig.update_layout(shapes=[{"type": "line", "x0": 0, "x1": v, "y0": name, "y1": name, "xref": "x", "yref": "y",
                               "layer": "below", "line": {"color": palette.GRID, "width": 1}}
                              for v, name in zip(values, data["name"])])
    _target_line_x(fig, target, target_label)
    base_layout(fig, title=title, height=max(320, 26 * len(data) + 100), x_title=x_title)
    fig.update_layout(clickmode="event+select", dragmode=False, showlegend=False)
    low = min(values + ([target * 100] if target is not None else []), default=0)
    high = max(values + ([target * 100] if target is not None else []), default=100)
    fig.update_xaxes(ticksuffix="%", range=[max(0.0, low - 1.5), min(100.0, high) + 1.2])
    fig.update_yaxes(title_text=None, color=palette.INK)
    return fig


def _target_line_x(fig: go.Figure, target: float | None, label: str | None) -> None:
    if target is not None:
        fig.add_vline(x=target * 100, line_color=palette.PARTY_RED, line_dash="dash", line_width=1.5,
                      annotation_text=label or "", annotation_position="top",
                      annotation_font_color=palette.PARTY_RED)
