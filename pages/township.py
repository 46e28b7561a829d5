"""乡镇画像: one township's KPI cards with its rank, one key chart per domain, its villages, its place on the map."""
import streamlit as st

import ui
from lib import cached, config, fmt, geo, maps, palette, schema, services, tables, township
from lib.charts import services as service_charts
from lib.charts import township as charts
from lib.overview import kpi_cards, previous_kpis, ranks
from lib.queries import services as service_queries
from lib.queries import township as q
from lib.queries.coverage import coverage_summary
from lib.queries.kpis import kpi_counts, kpis_by_township
from lib.rules import minus_years
from lib.scope import Scope

ctx = ui.page_setup("page_township")
by_township = cached.query(kpis_by_township, scope=Scope.all(), as_of=ctx.as_of)
polygons, approximate = geo.township_polygons(ctx.townships)


def district_map(key: str, height: int) -> None:
    """Draw the district outline with the township highlighted; a click opens the clicked township."""
    deck = maps.district_highlight(polygons, ctx.township, width_px=440, height_px=height)
    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key=key, height=height)
    clicked = maps.selected_township_code(event)
    if approximate:
        st.caption(ctx.t("map_approximate"))
    if clicked and clicked != ctx.township:
        ui.open_township(clicked)


# --- no township chosen: a picker, not an empty page ------------------------------------------
if not ctx.township:
    ui.header(ctx, ctx.t("twp_pick_heading"))
    st.info(ctx.t("twp_pick_intro"), icon=":material/touch_app:")
    cards_col, map_col = st.columns([5, 3], gap="large")
    with cards_col:
        cards = township.picker_cards(by_township, lang=ctx.lang)
        for start in range(0, len(cards), 4):
            for col, card in zip(st.columns(4), cards[start:start + 4]):
                with col.container(border=True):
                    # name and kind on lines of their own: no wrapping mid-label, cards of one height
                    st.markdown(f"<div style='font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis'>"
                                f"{card['name']}</div><div style='color:{palette.MUTED};font-size:0.8rem'>{card['kind']}</div>",
                                unsafe_allow_html=True)
                    st.markdown("<div style='display:grid;grid-template-columns:1fr auto;gap:0 6px;font-size:0.85rem'>"
                                + "".join(f"<span style='color:{palette.MUTED}'>{label}</span><b>{value}</b>"
                                          for label, value in card["figures"]) + "</div>", unsafe_allow_html=True)
                    if st.button(ctx.t("twp_open"), key=f"twp_pick_{card['code']}", icon=":material/arrow_forward:"):
                        ui.open_township(card["code"])
    with map_col:
        st.markdown(f"**{ctx.t('twp_map_pick_title')}**")
        district_map("twp_pick_map", 480)
    st.stop()

# --- the township's KPI cards with its rank among townships ------------------------------------
ui.header(ctx, ctx.t("twp_heading", name=ctx.township_name))
current = cached.query(kpi_counts, scope=ctx.scope, as_of=ctx.as_of)
previous = previous_kpis(cached.query, scope=ctx.scope, as_of=ctx.as_of)  # None before the first year of data
ui.kpi_board(kpi_cards(current, previous, lang=ctx.lang, ranks=ranks(by_township, ctx.township)),
             delta_label=ctx.t("vs_last_year"))
st.caption(ctx.t("twp_rank_caption", n=len(by_township)))

# --- one key chart per domain -----------------------------------------------------------------
st.subheader(ctx.t("twp_breakdowns"))
args = dict(scope=ctx.scope, as_of=ctx.as_of)
plot = dict(config={"displayModeBar": False})
row1 = st.columns(3, gap="large")
with row1[0]:
    parts = township.coverage_parts(cached.query(coverage_summary, **args))
    st.plotly_chart(charts.coverage_stack(
        parts, kind_labels={k: ctx.t(f"twp_kind_{k}") for k in ("nonpublic", "social")},
        part_labels={"org_covered_n": ctx.t("twp_part_org"), "work_only_n": ctx.t("twp_part_work"),
                     "not_covered_n": ctx.t("twp_part_none")},
        title=ctx.t("twp_coverage_title"), x_title=ctx.t("twp_axis_orgs")), key="twp_coverage", **plot)
    st.caption(ctx.t("twp_caliber_coverage"))
with row1[1]:
    destinations = cached.query(q.outflow_by_destination, **args)
    if destinations.empty:
        st.markdown(f"**{ctx.t('twp_outflow_title')}**")
        st.info(ctx.t("twp_no_outflow"))
    else:
        st.plotly_chart(charts.destination_bars(destinations, title=ctx.t("twp_outflow_title"),
                                                x_title=ctx.t("twp_axis_people"), total_name=ctx.t("twp_outflow_all"),
                                                risk_name=ctx.t("twp_outflow_risk")), key="twp_outflow", **plot)
    st.caption(ctx.t("twp_caliber_outflow", months=config.rule("outflow_contact_months")))
with row1[2]:
    monthly = cached.query(service_queries.tickets_by_month, by="channel", **args)
    channels = list(schema.TICKET_CHANNELS)
    wide = services.month_matrix(monthly, by="channel", as_of=ctx.as_of, order=channels)
    st.plotly_chart(service_charts.stacked_months(
        wide, title=ctx.t("twp_services_title"), x_title=ctx.t("svc_axis_month"), y_title=ctx.t("svc_axis_tickets"),
        colours={c: palette.category_colour(c, channels) for c in channels}, legend_right=False, height=300),
        key="twp_services", **plot)
    st.caption(ctx.t("twp_caliber_services"))

row2 = st.columns(3, gap="large")
with row2[0]:
    compare = township.satisfaction_compare(cached.query(q.survey_by_period, **args),
                                            cached.query(q.survey_by_period, scope=Scope.all(), as_of=ctx.as_of))
    goal = config.target("satisfaction_rate")
    if compare["township_rate"].isna().all() if len(compare) else True:
        st.markdown(f"**{ctx.t('twp_satisfaction_title')}**")
        st.info(ctx.t("twp_no_survey"))
    else:
        st.plotly_chart(charts.satisfaction_lines(
            compare, title=ctx.t("twp_satisfaction_title"), x_title=ctx.t("twp_axis_period"),
            y_title=ctx.t("twp_axis_satisfaction"), township_name=ctx.township_name, district_name=ctx.t("all_district"),
            target=goal, target_label=ctx.t("target_line", target=fmt.pct(goal))), key="twp_satisfaction", **plot)
    st.caption(ctx.t("twp_caliber_satisfaction"))
with row2[1]:
    bands = township.age_bands(cached.query(q.cadres_by_age_band, **args))
    if bands["cadres_n"].sum() == 0:
        st.markdown(f"**{ctx.t('twp_cadres_title')}**")
        st.info(ctx.t("twp_no_cadres"))
    else:
        st.plotly_chart(charts.age_band_bars(bands, labels={b: ctx.t(f"twp_age_{b}") for b in bands["age_band"]},
                                             title=ctx.t("twp_cadres_title"), x_title=ctx.t("twp_axis_age"),
                                             y_title=ctx.t("twp_axis_cadres")), key="twp_cadres", **plot)
    st.caption(ctx.t("twp_caliber_cadres"))
with row2[2]:
    st.markdown(f"**{ctx.t('twp_map_title')}**")
    district_map("twp_map", 300)

# --- villages and communities ------------------------------------------------------------------
st.subheader(ctx.t("twp_villages_title"))
villages = cached.query(q.villages_profile, **args)
if villages.empty:
    st.info(ctx.t("twp_no_villages"))
else:
    kinds = villages["kind"].value_counts()
    st.markdown(ctx.t("twp_villages_n", n=len(villages), villages=int(kinds.get("村", 0)),
                      communities=int(kinds.get("社区", 0))))
    table = township.villages_table(villages, lang=ctx.lang)
    st.dataframe(table, hide_index=True, width="stretch", key="twp_villages", height=tables.table_height(len(table)))
    ui.table_downloads(ctx, table, title=ctx.t("twp_villages_title"), key="twp_villages_dl")
st.caption(ctx.t("twp_caliber_villages"))
