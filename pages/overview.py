"""总览: KPI cards with change and target status, alerts, township ranking (click a township to open it)."""
import streamlit as st

import ui
from lib import charts, config, geo, maps, narrative
from lib.i18n import t
from lib.overview import (RANKING_METRICS, alerts, kpi_cards, no_comparison_note, previous_kpis, ranking_ends,
                          ranking_table, ranks)
from lib.queries.kpis import kpi_counts, kpis_by_township
from lib.scope import Scope
from lib import cached, fmt

ctx = ui.page_setup("page_overview")
ui.header(ctx, ctx.t("overview_heading", scope=ctx.scope_name))

current = cached.query(kpi_counts, scope=ctx.scope, as_of=ctx.as_of)
previous = previous_kpis(cached.query, scope=ctx.scope, as_of=ctx.as_of)  # None: no data a year earlier
by_township = cached.query(kpis_by_township, scope=Scope.all(), as_of=ctx.as_of)
township_ranks = ranks(by_township, ctx.township) if ctx.township else None

sections = kpi_cards(current, previous, lang=ctx.lang, ranks=township_ranks)
ui.kpi_board(sections, delta_label=ctx.t("vs_last_year"))
note = no_comparison_note(cached.query, as_of=ctx.as_of, lang=ctx.lang)  # the KPIs without a change, and why
if note:
    st.caption(note)
st.caption(ctx.t("ov_caliber_cards"))

with st.container(border=True):
    st.markdown(f"**{ctx.t('alerts')}**")
    items = alerts(current, lang=ctx.lang)
    for item in items:
        st.markdown(f":material/warning: {item}")
    if not items:
        st.markdown(f":material/check_circle: {ctx.t('alert_none')}")

summary = narrative.overview_summary(ctx.engine, scope=ctx.scope, as_of=ctx.as_of, scope_name=ctx.scope_name,
                                     lang=ctx.lang, query=cached.query)
with st.expander(ctx.t("present_summary"), expanded=True, icon=":material/article:"):
    st.markdown("\n\n".join(p.strip() for p in summary.text.split("\n") if p.strip()))  # readable paragraphs
    with st.popover(ctx.t("sumtext_copy"), icon=":material/content_copy:"):
        st.code(summary.text, language=None, wrap_lines=True)  # the code block has a copy button

st.subheader(ctx.t("ranking_title"))
metric = st.segmented_control(ctx.t("ranking_metric"), options=list(RANKING_METRICS), key="ranking_metric",
                              default="nonpublic_org_coverage_rate", format_func=lambda k: ctx.t(f"kpi_{k}"))
metric = metric or "nonpublic_org_coverage_rate"
is_rate = metric.endswith("_rate")
goal = config.target(metric)
ranked, hidden = ranking_ends(by_township, metric, each=20, selected=ctx.township)
fig = charts.township_bars(
    ranked, value_col=metric, title=ctx.t("chart_ranking_title", metric=ctx.t(f"kpi_{metric}")),
    value_title=ctx.t("axis_with_unit", label=ctx.t(f"kpi_{metric}"), unit="%" if is_rate else ctx.t("unit_count")), is_rate=is_rate,
    target=goal, target_label=ctx.t("target_line", target=fmt.pct(goal)) if goal is not None else None,
    selected_code=ctx.township, higher_is_better=RANKING_METRICS[metric])
chart_col, map_col = st.columns([1, 1], gap="large")
with chart_col:
    event = st.plotly_chart(fig, key="ranking_chart", on_select="rerun", selection_mode="points",
                            config={"displayModeBar": False})
    clicked = ui.selected_township(event)
    if hidden:
        st.caption(ctx.t("ranking_ends", n=20, rest=f"{hidden:,}"))
with map_col:
    polygons, approximate = geo.township_polygons(ctx.townships)
    # as tall as the ranking beside it for a district; a city's 160 bars would make a map of 4,000 px: capped
    map_height = min(max(420, 26 * len(by_township) + 90), 640)
    deck = maps.township_map(
        by_township.rename(columns={"township_code": "code"}), polygons, value_col=metric,
        value_label=ctx.t(f"kpi_{metric}"), value_format="{:.1%}" if is_rate else "{:,.0f}",
        no_data_label=ctx.t("no_data"), selected_code=ctx.township, width_px=600, height_px=map_height)
    map_event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="ranking_map",
                                height=map_height)
    clicked = clicked or maps.selected_township_code(map_event)
    legend = " ".join(f"<span style='display:inline-block;width:12px;height:12px;background:{colour};"
                      f"margin:0 3px 0 10px;vertical-align:middle'></span>{label}"
                      for colour, label in maps.legend(by_township, value_col=metric,
                                                       value_format="{:.1%}" if is_rate else "{:,.0f}"))
    st.markdown(f"<div class='map-legend'>{legend}</div>", unsafe_allow_html=True)
    if approximate:
        st.caption(ctx.t("map_approximate"))
if clicked and clicked != ctx.township:
    ui.open_township(clicked)
st.caption(ctx.t("ranking_caption"))

table = ranking_table(by_township, metric)
shown = table[["rank", "name", metric]].rename(columns={
    "rank": ctx.t("rank_col"), "name": ctx.t("township_col"), metric: ctx.t(f"kpi_{metric}")})
shown[ctx.t(f"kpi_{metric}")] = [fmt.pct(v) if is_rate else fmt.num(v) for v in table[metric]]
# drawn when asked for: a table loads the grid's scripts (about 1 MB) into the browser, which the first view of the
# overview does without (a collapsed expander would still draw it)
if st.toggle(ctx.t("ranking_table_title", metric=ctx.t(f"kpi_{metric}")), key="ranking_table_shown"):
    st.dataframe(shown, hide_index=True, width="stretch", key="ranking_table")
    caliber = {"nonpublic_org_coverage_rate": "caliber_coverage", "tickets_on_time_rate": "caliber_on_time",
               "satisfaction_rate": "caliber_satisfaction"}.get(metric, "caliber_generic")
    st.caption(ctx.t(caliber))
