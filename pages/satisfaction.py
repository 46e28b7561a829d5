"""满意度: survey satisfaction by period and township against the target, spread between townships,
ticket ratings and petitions resolved at grassroots."""
import streamlit as st

import ui
from lib import cached, config, fmt, tables
from lib import satisfaction as view
from lib.charts import satisfaction as sat_charts
from lib.queries import petitions as pq
from lib.queries import satisfaction as q
from lib.scope import Scope

ctx = ui.page_setup("page_satisfaction")
ui.header(ctx, ctx.t("sat_heading", scope=ctx.scope_name))
lang, district = ctx.lang, dict(scope=Scope.all(), as_of=ctx.as_of)
goal = config.target("satisfaction_rate")
goal_label = ctx.t("target_line", target=fmt.pct(goal)) if goal is not None else None

periods = view.with_rates(cached.query(q.satisfaction_by_period, scope=ctx.scope, as_of=ctx.as_of))
district_periods = view.with_rates(cached.query(q.satisfaction_by_period, **district))
by_town = view.with_rates(cached.query(q.satisfaction_by_township_period, **district))
spread = view.spread_by_period(by_town)
rating_rows = view.ratings(cached.query(q.ticket_ratings_by_month, scope=ctx.scope, as_of=ctx.as_of))
petition_rows = view.petitions(cached.query(pq.petitions_by_month, scope=ctx.scope, as_of=ctx.as_of))
latest_period = periods["period"].iloc[-1] if not periods.empty else None
latest = view.latest_by_township(by_town, ctx.townships, district_periods["period"].iloc[-1]
                                  if not district_periods.empty else None)
rank = view.township_rank(view.latest_by_township(by_town, ctx.townships, latest_period), ctx.township) \
    if ctx.township else None

ui.kpi_board(view.cards(periods, spread, rating_rows, petition_rows, lang=lang, rank=rank),
             delta_label=ctx.t("sat_vs_previous"))
axis = dict(x_title=ctx.t("sat_axis_period"), y_title=ctx.t("sat_axis_rate"))

if periods.empty:
    st.info(ctx.t("sat_no_survey", scope=ctx.scope_name), icon=":material/info:")
else:
    trend_col, bars_col = st.columns([3, 2], gap="large")
    with trend_col:
        title = ctx.t("sat_trend_title_town", name=ctx.township_name) if ctx.township else ctx.t("sat_trend_title")
        fig = sat_charts.rate_trend(district_periods, by_town, title=title, district_name=ctx.t("sat_series_district"),
                                    townships_name=ctx.t("sat_series_townships"), target=goal, target_label=goal_label,
                                    selected_code=ctx.township, selected_name=ctx.township_name, **axis)
        trend_event = st.plotly_chart(fig, key="sat_trend", on_select="rerun", selection_mode="points",
                                      config={"displayModeBar": False})
        st.caption(ctx.t("sat_trend_caption"))
    with bars_col:
        shown_period = district_periods["period"].iloc[-1]
        dots, hidden = view.extremes(latest, each=15, selected=ctx.township)
        fig = sat_charts.township_dots(dots, title=ctx.t("sat_bars_title", period=shown_period),
                                       x_title=ctx.t("sat_axis_rate"), target=goal, target_label=goal_label,
                                       selected_code=ctx.township)
        bars_event = st.plotly_chart(fig, key="sat_bars", on_select="rerun", selection_mode="points",
                                     config={"displayModeBar": False})
        if hidden:
            st.caption(ctx.t("sat_bars_more", n=15, rest=f"{hidden:,}"))
        st.caption(ctx.t("sat_bars_caption", period=shown_period))
    clicked = ui.selected_township(trend_event) or ui.selected_township(bars_event)
    if clicked and clicked != ctx.township:
        ui.open_township(clicked)

spread_col, ratings_col = st.columns(2, gap="large")
with spread_col:
    if not spread.empty:
        st.plotly_chart(sat_charts.spread_band(
            spread, title=ctx.t("sat_spread_title"), band_name=ctx.t("sat_series_band"),
            median_name=ctx.t("sat_series_median"), lowest_name=ctx.t("sat_series_lowest"),
            highest_name=ctx.t("sat_series_highest"), target=goal, target_label=goal_label,
            selected=periods if ctx.township else None, selected_name=ctx.township_name, **axis),
            key="sat_spread", config={"displayModeBar": False})
        st.caption(ctx.t("sat_spread_caption"))
with ratings_col:
    if rating_rows.empty:
        st.markdown(f"**{ctx.t('sat_ratings_title')}**")
        st.info(ctx.t("sat_ratings_none"), icon=":material/info:")
    else:
        st.plotly_chart(sat_charts.ratings_trend(
            rating_rows, title=ctx.t("sat_ratings_title"), x_title=ctx.t("sat_axis_month"),
            rating_title=ctx.t("sat_axis_rating"), share_title=ctx.t("sat_axis_share"),
            rating_name=ctx.t("sat_series_avg"), share_name=ctx.t("sat_series_high")),
            key="sat_ratings", config={"displayModeBar": False})
    st.caption(ctx.t("sat_ratings_caption"))

if petition_rows.empty:
    st.markdown(f"**{ctx.t('sat_petitions_title')}**")
    st.info(ctx.t("sat_petitions_none"), icon=":material/info:")
else:
    st.plotly_chart(sat_charts.petitions_trend(
        petition_rows, title=ctx.t("sat_petitions_title"), x_title=ctx.t("sat_axis_month"),
        count_title=ctx.t("sat_axis_petitions"), share_title=ctx.t("sat_axis_resolved"),
        count_name=ctx.t("sat_series_petitions"), share_name=ctx.t("sat_series_resolved")),
        key="sat_petitions", config={"displayModeBar": False})
st.caption(ctx.t("sat_petitions_caption"))

st.subheader(ctx.t("sat_table_title"))
table = view.township_table(latest, cached.query(pq.petitions_by_township, **district), lang=lang)
st.dataframe(table, hide_index=True, width="stretch", key="sat_table", height=tables.table_height(len(table)))
ui.table_downloads(ctx, table, title=ctx.t("sat_table_title"), key="sat_table_dl")
