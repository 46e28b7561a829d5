"""两新覆盖: organization and work coverage of non-public enterprises and social organizations; 应建未建 list."""
import streamlit as st

import ui
from lib import cached, coverage, fmt, tables
from lib import charts
from lib.charts import coverage as cov_charts
from lib.queries import coverage as q

ctx = ui.page_setup("page_coverage")
t = ctx.t
ui.header(ctx, t("cov_heading", scope=ctx.scope_name))

left, right, _ = st.columns([2, 2, 3])
with left:
    kind = ui.url_choice("kind", list(coverage.KINDS), label=t("cov_kind"), format_func=lambda k: t(f"cov_kind_{k}"))
with right:
    measure = ui.url_choice("measure", list(coverage.MEASURES), label=t("cov_measure"),
                            format_func=lambda m: t(f"cov_measure_{m}"))
kind_name, measure_name = t(f"cov_kind_{kind}"), t(f"cov_measure_{measure}")
kind_word = t(f"cov_kindword_{kind}")  # the kind inside a sentence (lower case in English)

# KPI cards of the scope, against a year earlier
LIMIT = 2000  # rows of the 应建未建 list
structure = cached.query(q.coverage_structure, scope=ctx.scope, as_of=ctx.as_of, kind=kind, limit=LIMIT)  # all below
by_town_all = coverage.with_rates(q.townships_frame(structure, ctx.townships))
current = coverage.totals_of(structure.totals)
ui.kpi_board(coverage.kpi_cards(current, coverage.totals_of(structure.totals_year_ago), kind=kind, lang=ctx.lang),
             delta_label=t("vs_last_year"))

# by township (all townships, the selected one highlighted) and over time
rate_col = f"{measure}_coverage_rate"
goal = coverage.target(kind, measure)
town_col, trend_col = st.columns([1, 1], gap="large")
with town_col:
    fig = charts.township_bars(
        by_town_all, value_col=rate_col, title=t("cov_township_title", kind=kind_word, measure=measure_name),
        value_title=t("cov_township_axis", measure=measure_name), is_rate=True, target=goal,
        target_label=t("target_line", target=fmt.pct(goal)) if goal is not None else None,
        selected_code=ctx.township)
    event = st.plotly_chart(fig, key="cov_township_chart", on_select="rerun", selection_mode="points",
                            config={"displayModeBar": False})
    st.caption(t("cov_township_caption", definition=t(f"cov_def_{measure}"), kind=kind_word))
    clicked = ui.selected_township(event)
    if clicked and clicked != ctx.township:
        ui.open_township(clicked)
with trend_col:
    series = coverage.coverage_over_time(q.founded_frame(structure), as_of=ctx.as_of, freq="quarter")
    org_goal = coverage.target(kind, "org")
    if series.empty:
        st.info(t("cov_trend_empty", kind=kind_word))
    else:
        st.plotly_chart(cov_charts.coverage_trend(
            series, title=t("cov_trend_title", kind=kind_word), y_title=t("cov_trend_axis"),
            rate_name=t("cov_measure_org"), target=org_goal,
            target_label=t("target_line", target=fmt.pct(org_goal)) if org_goal is not None else None),
            key="cov_trend_chart", config={"displayModeBar": False})
    st.caption(t("cov_trend_caption", kind=kind_word))

# by industry and by size band
status_names = {c: t(f"cov_status_{c}") for c in cov_charts.STATUS_COLOURS}
industry_col, size_col = st.columns([1, 1], gap="large")
with industry_col:
    industries = coverage.with_rates(q.industries_frame(structure))
    st.plotly_chart(cov_charts.coverage_stack(
        industries, category_col="industry", title=t("cov_industry_title", kind=kind_word),
        x_title=t("cov_count_axis"), status_names=status_names, rate_name=t("cov_rate_short")),
        key="cov_industry_chart", config={"displayModeBar": False})
with size_col:
    sizes = coverage.with_rates(q.sizes_frame(structure))
    st.plotly_chart(cov_charts.coverage_stack(
        sizes, category_col="size_band", title=t("cov_size_title", kind=kind_word), x_title=t("cov_count_axis"),
        status_names=status_names, rate_name=t("cov_rate_short"),
        category_names={b: t(f"cov_size_{b}") for b in q.SIZE_BANDS}, sort=False),
        key="cov_size_chart", config={"displayModeBar": False})
st.caption(t("cov_stack_caption", kind=kind_word))

# 应建未建
raw = q.should_build_frame(structure)
n_should = current["should_build_n"]
st.subheader(t("cov_list_title", n=fmt.num(n_should)))
if raw.empty:
    st.success(t("cov_list_none", kind=kind_word), icon=":material/check_circle:")
else:
    table = coverage.should_build_table(raw)
    table["recommended_org"] = [t(f"cov_recommended_{r}") for r in table["recommended_org"]]
    shown = table.rename(columns={
        "name": t("cov_col_name"), "township_name": t("cov_col_township"), "industry": t("cov_col_industry"),
        "employees_n": t("cov_col_employees"), "members_n": t("cov_col_members"),
        "recommended_org": t("cov_col_recommended"), "not_built_reason": t("cov_col_reason"),
        "instructor": t("cov_col_instructor"), "credit_code": t("cov_col_credit_code")})
    narrow = {c: st.column_config.Column(width="small") for c in (t("cov_col_employees"), t("cov_col_members"))}
    wide = {t("cov_col_name"): st.column_config.Column(width=250),
            t("cov_col_credit_code"): st.column_config.Column(width="medium")}
    st.dataframe(shown, hide_index=True, width="stretch", key="cov_should_build_table",
                 height=tables.table_height(len(shown)), column_config={**narrow, **wide})
    ui.table_downloads(ctx, shown, title=t("cov_list_file"),
                       key="cov_should_build", filters={t("cov_kind"): kind_name})
    if len(raw) >= LIMIT and n_should > LIMIT:
        st.caption(t("cov_list_truncated", shown=fmt.num(LIMIT)))
st.caption(t("cov_list_caption", kind=kind_word))

with st.expander(t("cov_township_table"), expanded=False):
    detail = by_town_all if ctx.township is None else by_town_all[by_town_all["township_code"] == ctx.township]
    town_table = detail[["name", "enterprises_n", "with_org_n", "work_covered_n", "should_build_n"]].rename(columns={
        "name": t("township_col"), "enterprises_n": t("cov_col_total"), "with_org_n": t("cov_col_with_org"),
        "work_covered_n": t("cov_col_work"), "should_build_n": t("cov_should_build")})
    town_table[t("cov_col_org_rate")] = [fmt.pct(v) for v in detail["org_coverage_rate"]]
    town_table[t("cov_col_work_rate")] = [fmt.pct(v) for v in detail["work_coverage_rate"]]
    st.dataframe(town_table, hide_index=True, width="stretch", key="cov_township_table",
                 height=tables.table_height(len(town_table)))
    ui.table_downloads(ctx, town_table, title=t("cov_township_table"), key="cov_township_dl",
                       filters={t("cov_kind"): kind_name})
