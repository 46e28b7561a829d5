"""便民服务: ticket volume by month, township and station; time to close; on-time rate; backlog."""
import streamlit as st

import ui
from lib import cached, config, fmt, palette, schema, services, tables
from lib.charts import services as charts
from lib.charts import township_bars
from lib.overview import family_comparison_date
from lib.queries import services as q
from lib.queries.firsts import first_dates
from lib.rules import minus_years
from lib.scope import Scope


def counts_format(df):
    """Thousands separators for the count columns of a shown table."""
    return {c: st.column_config.NumberColumn(format="localized", width="small")
            for c in df.columns if df[c].dtype.kind in "iu"}


ctx = ui.page_setup("page_services")
ui.header(ctx, ctx.t("svc_heading", scope=ctx.scope_name))
args = dict(scope=ctx.scope, as_of=ctx.as_of)

all_towns = cached.query(q.tickets_by_township, scope=Scope.all(), as_of=ctx.as_of)
in_scope = cached.query(q.tickets_by_township, **args)
total = services.totals(in_scope)
close_hist = cached.query(q.close_days_histogram, **args)
close = services.close_time_stats(close_hist).iloc[0].to_dict()
# a year earlier, unless that lies before the first ticket: a change against no data would be against zero
year_ago = family_comparison_date(cached.query, "tickets", as_of=ctx.as_of)
previous_total = previous_close = None
if year_ago is not None:
    previous_total = services.totals(cached.query(q.tickets_by_township, scope=ctx.scope, as_of=year_ago))
    previous_close = services.close_time_stats(cached.query(q.close_days_histogram, scope=ctx.scope,
                                                            as_of=year_ago)).iloc[0].to_dict()
ui.kpi_board([services.cards(total, close, previous_total=previous_total, previous_close=previous_close, lang=ctx.lang)],
             delta_label=ctx.t("vs_last_year"))
if year_ago is None:
    first_ticket = cached.query(first_dates)["tickets"]
    if first_ticket is not None:
        st.caption(ctx.t("ov_no_baseline", day=minus_years(ctx.as_of, 1).isoformat(), first=first_ticket.isoformat()))

# --- volume by month -------------------------------------------------------------------------
st.subheader(ctx.t("svc_volume_title"))
by = ui.url_choice("by", ["category", "channel"], label=ctx.t("svc_by"), format_func=lambda v: ctx.t(f"svc_by_{v}"))
monthly = cached.query(q.tickets_by_month, by=by, **args)
categories = cached.query(q.ticket_categories, scope=Scope.all(), as_of=ctx.as_of)  # same colours in every scope
order = list(schema.TICKET_CHANNELS) if by == "channel" else categories
colours = {name: palette.category_colour(name, order) for name in order}
left, right = st.columns([3, 2], gap="large")
with left:
    wide = services.month_matrix(monthly, by=by, as_of=ctx.as_of, order=order)
    st.plotly_chart(charts.stacked_months(wide, title=ctx.t(f"svc_monthly_title_{by}"), x_title=ctx.t("svc_axis_month"),
                                          y_title=ctx.t("svc_axis_tickets"), colours=colours),
                    key="svc_monthly", config={"displayModeBar": False})
    st.caption(ctx.t("svc_caliber_monthly"))
with right:
    trend = services.on_time_trend(cached.query(q.on_time_by_month, **args), as_of=ctx.as_of)
    goal = config.target("tickets_on_time_rate")
    st.plotly_chart(charts.on_time_line(trend, title=ctx.t("svc_on_time_title"), x_title=ctx.t("svc_axis_month"),
                                        y_title=ctx.t("svc_axis_rate"), target=goal, name=ctx.t("svc_card_on_time"),
                                        target_label=ctx.t("target_line", target=fmt.pct(goal))),
                    key="svc_on_time", config={"displayModeBar": False})
    st.caption(ctx.t("svc_caliber_on_time"))

# --- townships and stations (click opens the township) --------------------------------------
left, right = st.columns(2, gap="large")
with left:
    fig = township_bars(all_towns, value_col="tickets_n", title=ctx.t("svc_township_title"),
                        value_title=ctx.t("svc_axis_tickets"), is_rate=False, selected_code=ctx.township)
    clicked = ui.selected_township(st.plotly_chart(fig, key="svc_townships", on_select="rerun", selection_mode="points",
                                                   config={"displayModeBar": False}))
    st.caption(ctx.t("svc_caliber_township"))
with right:
    # one read of the busiest stations serves the chart (top 15) and the table below (same order)
    all_stations = cached.query(q.tickets_by_station, limit=1000, **args)
    stations = all_stations.head(15).reset_index(drop=True)
    fig = charts.station_bars(stations, title=ctx.t("svc_station_title", n=15), x_title=ctx.t("svc_axis_tickets"),
                               lang=ctx.lang, with_township=ctx.township is None)
    clicked = clicked or ui.selected_township(st.plotly_chart(fig, key="svc_stations", on_select="rerun",
                                                              selection_mode="points", config={"displayModeBar": False}))
    st.caption(ctx.t("svc_caliber_station"))
if clicked and clicked != ctx.township:
    ui.open_township(clicked)

# --- time to close --------------------------------------------------------------------------
left, right = st.columns(2, gap="large")
with left:
    if close["tickets_n"]:
        p50, p90 = close["close_days_p50"], close["close_days_p90"]
        st.plotly_chart(charts.close_days_histogram(
            close_hist, p50=p50, p90=p90, title=ctx.t("svc_close_title"), x_title=ctx.t("svc_axis_close_days"),
            y_title=ctx.t("svc_axis_tickets"), p50_label=ctx.t("svc_p50_line", days=fmt.days(p50)),
            p90_label=ctx.t("svc_p90_line", days=fmt.days(p90))), key="svc_close", config={"displayModeBar": False})
    else:
        st.info(ctx.t("svc_no_closed"))
    st.caption(ctx.t("svc_caliber_close", days=charts.CLOSE_DAYS_FOLD))
with right:
    by_cat = services.close_time_stats(cached.query(q.close_days_histogram, by="category", **args), by="category")
    if not by_cat.empty:
        st.plotly_chart(charts.close_days_by_group(by_cat, group_col="category", title=ctx.t("svc_close_by_category_title"),
                                                   x_title=ctx.t("svc_axis_close_days"), p50_name=ctx.t("svc_p50"),
                                                   p90_name=ctx.t("svc_p90")), key="svc_close_cat",
                        config={"displayModeBar": False})
        st.caption(ctx.t("svc_caliber_close_category"))

# --- heatmap and backlog ------------------------------------------------------------------
# the district: category x township; one township: category x month (one column would say little)
if ctx.township:
    matrix = services.month_matrix(cached.query(q.tickets_by_month, by="category", **args), by="category",
                                   as_of=ctx.as_of, order=categories).T
    matrix = matrix.loc[matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    heat_title, heat_x, heat_caption = ctx.t("svc_heatmap_month_title"), ctx.t("svc_axis_month"), "svc_caliber_heatmap_month"
else:
    matrix = services.category_township_matrix(cached.query(q.tickets_by_category_township, **args))
    heat_title, heat_x, heat_caption = ctx.t("svc_heatmap_title"), ctx.t("svc_axis_township"), "svc_caliber_heatmap"
if matrix.empty or matrix.values.sum() == 0:
    st.info(ctx.t("svc_no_tickets"))
else:
    st.plotly_chart(charts.count_heatmap(matrix, title=heat_title, x_title=heat_x, y_title=ctx.t("svc_axis_category"),
                                         colour_title=ctx.t("svc_axis_tickets")), key="svc_heatmap",
                    config={"displayModeBar": False})
st.caption(ctx.t(heat_caption))

left, right = st.columns([2, 3], gap="large")
with left:
    bands = services.overdue_bands(cached.query(q.overdue_days_histogram, **args))
    st.plotly_chart(charts.overdue_bars(bands, labels={b: ctx.t(f"svc_band_{b}") for b in bands["band"]},
                                        title=ctx.t("svc_backlog_title"), x_title=ctx.t("svc_axis_overdue"),
                                        y_title=ctx.t("svc_axis_tickets")), key="svc_overdue", config={"displayModeBar": False})
    st.caption(ctx.t("svc_caliber_backlog"))
with right:
    st.markdown(f"**{ctx.t('svc_table_title')}**")
    table = services.township_table(in_scope, lang=ctx.lang)
    st.dataframe(table, hide_index=True, width="stretch", key="svc_table", column_config=counts_format(table),
                 height=tables.table_height(len(table)))
    ui.table_downloads(ctx, table, title=ctx.t("svc_table_title"), key="svc_table_dl")
# --- tables ---------------------------------------------------------------------------------
with st.expander(ctx.t("svc_station_table_title"), expanded=False):
    station_df = services.station_table(all_stations, lang=ctx.lang)
    st.dataframe(station_df, hide_index=True, width="stretch", key="svc_station_table",
                 column_config=counts_format(station_df), height=tables.table_height(len(station_df)))
    ui.table_downloads(ctx, station_df, title=ctx.t("svc_station_table_title"), key="svc_station_dl")
