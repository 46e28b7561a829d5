"""干部结构: age pyramid, age bands, education, rank, young and degree shares against targets, retirements due."""
import streamlit as st

import ui
from lib import cached, cadres, charts, fmt, schema, tables
from lib.charts import cadres as cad_charts
from lib.queries import cadres as q

ctx = ui.page_setup("page_cadres")
t = ctx.t
ui.header(ctx, t("cad_heading", scope=ctx.scope_name))

view = ui.url_choice("cadres", list(cadres.VIEWS), label=t("cad_view"), format_func=lambda v: t(f"cad_view_{v}"))
section_only = view == "section"
args = dict(scope=ctx.scope, as_of=ctx.as_of, section_only=section_only)
st.caption(t("cad_scope_note", view=t(f"cad_view_{view}")))

structure = cached.query(q.cadre_structure, **args)  # one read: every chart below follows from it
share_rows = cadres.shares(q.unit_type_shares(structure))
total = share_rows[share_rows["unit_type"] == "total"].iloc[0]
if int(total["cadres_n"]) == 0:
    st.info(t("cad_no_cadres"))
    st.stop()
retire = q.retirements(structure)
windows = cadres.retirement_windows(retire)

# KPI cards: size, the two shares against their targets, retirements due
ui.kpi_board([(t(f"cad_view_{view}"), cadres.kpi_cards(total, windows, lang=ctx.lang))], delta_label="")
reached = int(retire["reached_n"].sum())
if reached:
    st.warning(t("cad_reached_warning", n=fmt.num(reached)), icon=":material/warning:")

# age pyramid | age bands
unit_names = {u: t(f"cad_unit_{u}") for u in ("township", "district", "total")}
gender_names = {g: t(f"cad_gender_{g}") for g in schema.GENDERS}


def rank_chart(title_key: str) -> None:
    """Draw cadres by rank (stacked by unit type in the district view) with its 口径 caption."""
    ranks = q.rank_counts(structure)
    st.plotly_chart(cad_charts.rank_bars(
        ranks, ranks=schema.CADRE_RANKS, title=t(title_key), x_title=t("cad_rank_x"), y_title=t("cad_count_y"),
        unit_names=unit_names, rank_names={r: t(f"cad_rank_{r}") for r in schema.CADRE_RANKS}),
        key="cad_rank_chart", config={"displayModeBar": False})


left, right = st.columns([1, 1], gap="large")
with left:
    ages = q.age_pyramid(structure)
    st.plotly_chart(cad_charts.age_pyramid(
        ages, title=t("cad_pyramid_title"), x_title=t("cad_pyramid_x"), y_title=t("cad_pyramid_y"),
        gender_names=gender_names, min_age=q.PYRAMID_MIN_AGE, max_age=q.PYRAMID_MAX_AGE, age_suffix=t("cad_age_suffix")),
        key="cad_pyramid_chart", config={"displayModeBar": False})
    st.caption(t("cad_pyramid_caption"))
    if ctx.township:  # one township: no unit-type split to compare, so rank sits under the pyramid
        rank_chart("cad_rank_title_town")
        st.caption(t("cad_rank_caption_town"))
with right:
    bands = q.age_bands(structure)
    st.plotly_chart(cad_charts.count_bars(
        bands, category_col="age_band", title=t("cad_band_title"), x_title=t("cad_band_x"), y_title=t("cad_count_y"),
        category_names={b: t(f"cad_band_{b}") for b in q.AGE_BANDS}, lang=ctx.lang), key="cad_band_chart",
        config={"displayModeBar": False})
    st.caption(t("cad_band_caption"))
    education = q.education_counts(structure)
    st.plotly_chart(cad_charts.count_bars(
        education, category_col="education", title=t("cad_edu_title"), x_title=t("cad_edu_x"), y_title=t("cad_count_y"),
        category_names={e: t(f"cad_edu_{e}") for e in q.EDUCATION_GROUPS}, lang=ctx.lang), key="cad_edu_chart",
        config={"displayModeBar": False})
    st.caption(t("cad_edu_caption"))

# shares against targets by unit type | rank (district only: a township's cadres are all 乡镇/街道, so the
# unit-type split would repeat the total)
if not ctx.township:
    shares_col, right = st.columns([2, 1], gap="large")
    with shares_col:
        pair = st.columns(2, gap="large")
        for col, key, label in ((pair[0], cadres.SHARE_KEYS[0], "cad_young_rate"),
                                (pair[1], cadres.SHARE_KEYS[1], "cad_bachelor_rate")):
            goal = cadres.share_target(key)
            with col:
                st.plotly_chart(cad_charts.share_bars(
                    share_rows, value_col=key, title=t("cad_share_title", share=t(label)), y_title=t("cad_share_y"),
                    unit_names=unit_names, target=goal,
                    target_label=t("target_line", target=fmt.pct(goal)) if goal is not None else None),
                    key=f"cad_share_{key}", config={"displayModeBar": False})
        st.caption(t("cad_share_caption"))  # under the two share charts, on its own line
    with right:
        rank_chart("cad_rank_title")
        st.caption(t("cad_rank_caption"))

# townships ranked by a share (all townships, the selected one highlighted) | retirements due
left, right = st.columns([1, 1], gap="large")
with left:
    metric = ui.url_choice("share", list(cadres.SHARE_KEYS), label=t("cad_township_metric"),
                           format_func=lambda k: t("cad_young_rate" if k == cadres.SHARE_KEYS[0] else "cad_bachelor_rate"))
    metric_name = t("cad_young_rate" if metric == cadres.SHARE_KEYS[0] else "cad_bachelor_rate")
    towns = cadres.township_shares(q.township_shares(structure), ctx.townships)
    goal = cadres.share_target(metric)
    event = st.plotly_chart(charts.township_bars(
        towns, value_col=metric, title=t("cad_township_title", share=metric_name),
        value_title=ctx.t("axis_with_unit", label=metric_name, unit="%"), is_rate=True, target=goal,
        target_label=t("target_line", target=fmt.pct(goal)) if goal is not None else None, selected_code=ctx.township),
        key="cad_township_chart", on_select="rerun", selection_mode="points", config={"displayModeBar": False})
    st.caption(t("cad_township_caption"))
    clicked = ui.selected_township(event)
    if clicked and clicked != ctx.township:
        ui.open_township(clicked)
with right:
    st.plotly_chart(cad_charts.retirement_bars(
        windows, title=t("cad_retire_title"), x_title=t("cad_retire_x"), y_title=t("cad_count_y"),
        window_names={n: t(f"cad_retire_window_{n}") for n in q.RETIREMENT_YEARS}, gender_names=gender_names),
        key="cad_retire_chart", config={"displayModeBar": False})
    st.caption(t("cad_retire_caption", male=q.retirement_age("男"), female=q.retirement_age("女")))
with st.expander(t("cad_retire_table"), expanded=False):
    table = windows.rename(columns={"men_n": t("cad_col_men"), "women_n": t("cad_col_women"),
                                    "township_n": t("cad_col_township"), "district_n": t("cad_col_district"),
                                    "total_n": t("cad_col_total")})
    table["years"] = [t(f"cad_retire_window_{int(n)}") for n in windows["years"]]
    table = table.rename(columns={"years": t("cad_col_window")})
    st.dataframe(table, hide_index=True, width="stretch", key="cad_retire_table")
    ui.table_downloads(ctx, table, title=t("cad_retire_title"), key="cad_retire_dl",
                       filters={t("cad_view"): t(f"cad_view_{view}")})

with st.expander(t("cad_shares_table"), expanded=False):
    detail = share_rows[share_rows["cadres_n"] > 0]
    shown = detail[["unit_type", "cadres_n", "cadres_40_or_younger_n", "cadres_bachelor_plus_n"]].rename(columns={
        "unit_type": t("cad_col_unit"), "cadres_n": t("cad_col_cadres"), "cadres_40_or_younger_n": t("cad_col_young"),
        "cadres_bachelor_plus_n": t("cad_col_bachelor")})
    shown[t("cad_col_unit")] = [unit_names[u] for u in detail["unit_type"]]
    shown[t("cad_young_rate")] = [fmt.pct(v) for v in detail["cadres_40_or_younger_rate"]]
    shown[t("cad_bachelor_rate")] = [fmt.pct(v) for v in detail["cadres_bachelor_plus_rate"]]
    st.dataframe(shown, hide_index=True, width="stretch", key="cad_shares_table")
    ui.table_downloads(ctx, shown, title=t("cad_shares_table"), key="cad_shares_dl",
                       filters={t("cad_view"): t(f"cad_view_{view}")})
