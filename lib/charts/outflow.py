"""Chart builders of the 流动党员 page: destinations, home townships, branches (DataFrame -> plotly Figure)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lib import palette
from lib.charts import base_layout

OK_COLOUR = palette.BASE
RISK_COLOUR = palette.WARN


def _stacked_bars(labels, ok, risk, *, ok_name: str, risk_name: str, customdata=None) -> list[go.Bar]:
    """Return two horizontal bar traces (in contact, at risk) stacked, totals written past the bar end."""
    totals = [a + b for a, b in zip(ok, risk)]
    common = dict(y=labels, orientation="h", customdata=customdata)
    return [
        go.Bar(x=ok, name=ok_name, marker_color=OK_COLOUR, hovertemplate="%{y}<br>" + ok_name + ": %{x:,}<extra></extra>",
               **common),
        go.Bar(x=risk, name=risk_name, marker_color=RISK_COLOUR, text=[f"{v:,}" for v in totals],
               textposition="outside", cliponaxis=False, constraintext="none",
               hovertemplate="%{y}<br>" + risk_name + ": %{x:,}<extra></extra>", **common),
    ]


def destination_bars(df: pd.DataFrame, *, title: str, x_title: str, ok_name: str, risk_name: str) -> go.Figure:
    """Return horizontal bars of members per destination (label, members_n, at_risk_n), largest at the top.

    Each bar is split into members in contact and members at risk of lost contact; the total is written past it.
    """
    data = df.iloc[::-1]  # plotly draws the first row at the bottom
    risk = [int(v) for v in data["at_risk_n"]]
    ok = [int(n) - r for n, r in zip(data["members_n"], risk)]
    fig = go.Figure(_stacked_bars(list(data["label"]), ok, risk, ok_name=ok_name, risk_name=risk_name))
    base_layout(fig, title=title, height=max(300, 28 * len(data) + 110), x_title=x_title)
    fig.update_layout(barmode="stack", bargap=0.3, dragmode=False, legend_traceorder="normal")
    top = max([int(v) for v in data["members_n"]] or [0])
    fig.update_xaxes(range=[0, top * 1.15 or 1], tickformat=",d")
    fig.update_yaxes(title_text=None, color=palette.INK)
    return fig


def township_bars(df: pd.DataFrame, *, title: str, x_title: str, ok_name: str, risk_name: str,
                  selected_code: str | None = None) -> go.Figure:
    """Return horizontal bars of mobile members per home township (township_code, name, members_n, at_risk_n).

    Largest at the top; townships without mobile members show as 0; customdata holds the township
    code so a click can open it; the selected township is drawn in party red.
    """
    data = df.sort_values(["members_n", "township_code"], ascending=[False, True], kind="stable").iloc[::-1]
    risk = [int(v) for v in data["at_risk_n"]]
    ok = [int(n) - r for n, r in zip(data["members_n"], risk)]
    codes = [str(c) for c in data["township_code"]]
    names = list(data["name"])
    fig = go.Figure(_stacked_bars(names, ok, risk, ok_name=ok_name, risk_name=risk_name, customdata=codes))
    base_layout(fig, title=title, height=max(300, 26 * len(data) + 110), x_title=x_title)
    fig.update_layout(barmode="stack", bargap=0.3, clickmode="event+select", dragmode=False,
                      legend_traceorder="normal")
    top = max([int(v) for v in data["members_n"]] or [0])
    fig.update_xaxes(range=[0, top * 1.15 or 1], tickformat=",d")
    # the selected township's name is written in bold party red (the bars keep their meaning colours)
    ticks = [f"<b><span style='color:{palette.PARTY_RED}'>{n}</span></b>" if c == selected_code else n
             for n, c in zip(names, codes)]
    fig.update_yaxes(title_text=None, color=palette.INK, tickmode="array", tickvals=names, ticktext=ticks)
    return fig


def branch_bars(df: pd.DataFrame, *, title: str, x_title: str, ok_name: str, risk_name: str) -> go.Figure:
    """Return horizontal bars of members per outflow branch (branch_name, members_n, at_risk_n), largest at the top."""
    data = df.rename(columns={"branch_name": "label"})
    return destination_bars(data, title=title, x_title=x_title, ok_name=ok_name, risk_name=risk_name)
