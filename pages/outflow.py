"""流动党员: offline map of where members went, counts by destination and home township, branches, 失联风险 list."""
import streamlit as st

import ui
from lib import cached, config, geo, maps, tables
from lib import outflow as view
from lib.charts import outflow as charts
from lib.overview import family_comparison_date
from lib.queries import outflow as q
from lib.scope import Scope

ctx = ui.page_setup("page_outflow")
ui.header(ctx, ctx.t("out_heading", scope=ctx.scope_name))
lang, months = ctx.lang, int(config.rule("outflow_contact_months"))
args = dict(scope=ctx.scope, as_of=ctx.as_of)

totals = cached.query(q.outflow_totals, **args)
year_ago = family_comparison_date(cached.query, "outflow", as_of=ctx.as_of)  # None: no outflow data then
previous = cached.query(q.outflow_totals, scope=ctx.scope, as_of=year_ago) if year_ago else None
ui.kpi_board(view.cards(totals, lang=lang, previous=previous), delta_label=ctx.t("vs_last_year"))
series = dict(x_title=ctx.t("out_axis_members"), ok_name=ctx.t("out_series_ok"), risk_name=ctx.t("out_series_at_risk"))

if totals["outflow_n"] == 0:
    st.info(ctx.t("out_empty", scope=ctx.scope_name, date=ctx.as_of.isoformat()), icon=":material/info:")
else:
    map_col, dest_col = st.columns([3, 2], gap="large")
    with map_col:
        st.markdown(f"**{ctx.t('out_map_title')}**")
        max_arcs = 2000
        raw_flows = cached.query(q.outflow_flows, limit=max_arcs, **args)
        flows, unplaced = view.map_rows(raw_flows, ctx.townships)
        deck = maps.outflow_arcs(
            flows, geo.provinces(), home_points=view.home_points(ctx.townships, ctx.township), maritime_geojson=geo.maritime_boundary(),
            home_label=view.home_label(ctx.townships, ctx.township_name), city_label=ctx.t("out_map_city_label"),
            arc_tip=ctx.t("out_map_arc_tip"), city_tip=ctx.t("out_map_city_tip"), width_px=620, height_px=560)
        # not clickable on purpose: townships are opened from the bars below
        st.pydeck_chart(deck, height=560, key="outflow_map")
        if not unplaced.empty:
            cities = "、".join(sorted({f"{p}{c}" for p, c in zip(unplaced["dest_province"], unplaced["dest_city"])}))
            st.caption(ctx.t("out_map_unplaced", n=int(unplaced["members_n"].sum()), cities=cities))
        if len(raw_flows) >= max_arcs:
            st.caption(ctx.t("out_map_limited", n=f"{max_arcs:,}"))
        st.caption(ctx.t("out_map_caption"))
    with dest_col:
        level = ui.url_choice("dest", ["province", "city"], label=ctx.t("out_dest_level"), default="city",
                              format_func=lambda v: ctx.t(f"out_level_{v}"))
        dest = cached.query(q.outflow_by_destination, level=level, **args)
        top, rest = view.top_destinations(dest, level=level, top=15, lang=lang)
        st.plotly_chart(charts.destination_bars(top, title=ctx.t(f"out_dest_title_{level}"), **series),
                        key="outflow_dest", config={"displayModeBar": False})
        if rest:
            st.caption(ctx.t("out_dest_more", n=15, rest=rest))
        st.caption(ctx.t("out_dest_caption", months=months))

town_col, branch_col = st.columns([1, 1], gap="large")
with town_col:
    all_towns = cached.query(q.outflow_by_township, scope=Scope.all(), as_of=ctx.as_of)  # all, to compare
    by_town, hidden = view.top_townships(all_towns, top=40, selected=ctx.township)
    event = st.plotly_chart(charts.township_bars(by_town, title=ctx.t("out_town_title"), selected_code=ctx.township,
                                                 **series),
                            key="outflow_towns", on_select="rerun", selection_mode="points",
                            config={"displayModeBar": False})
    if hidden:
        st.caption(ctx.t("out_town_more", n=40, rest=f"{hidden:,}"))
    st.caption(ctx.t("out_town_caption"))
    clicked = ui.selected_township(event)
    if clicked and clicked != ctx.township:
        ui.open_township(clicked)
branches = cached.query(q.outflow_branches, **args)
with branch_col:
    if branches.empty:
        st.markdown(f"**{ctx.t('out_branch_title')}**")
        st.info(ctx.t("out_branch_none"), icon=":material/info:")
    else:
        st.plotly_chart(charts.branch_bars(branches.head(20), title=ctx.t("out_branch_title"), **series),
                        key="outflow_branches", config={"displayModeBar": False})
        if len(branches) > 20:
            st.caption(ctx.t("out_branch_more", n=20, total=f"{len(branches):,}"))
if not branches.empty:
    table = view.branch_table(branches, lang=lang)
    st.dataframe(table, hide_index=True, width="stretch", key="outflow_branch_table",
                 height=tables.table_height(len(table)))
    ui.table_downloads(ctx, table, title=ctx.t("out_branch_title"), key="outflow_branch_dl")
unassigned = totals["outflow_n"] - totals["in_branch_n"]
if unassigned:
    st.caption(ctx.t("out_branch_unassigned", n=f"{unassigned:,}"))
st.caption(ctx.t("out_branch_caption"))

st.subheader(ctx.t("out_risk_title"))
limit = 2000
risk = cached.query(q.at_risk_members, limit=limit, **args)
if risk.empty:
    st.success(ctx.t("out_risk_none"), icon=":material/check_circle:")
else:
    table = view.risk_table(risk, as_of=ctx.as_of, lang=lang)
    st.dataframe(table, hide_index=True, width="stretch", key="outflow_risk_table",
                 height=tables.table_height(len(table)))
    if len(risk) >= limit:
        st.caption(ctx.t("out_risk_limited", n=f"{limit:,}"))
    ui.table_downloads(ctx, table, title=ctx.t("out_risk_title"), key="outflow_risk_dl")
st.caption(ctx.t("out_risk_caption", cutoff=q.contact_cutoff(ctx.as_of).isoformat(), months=months))
