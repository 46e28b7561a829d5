"""乡镇画像: queries on the tiny database (answers worked out by hand below), display logic, charts, AppTest, browser.

At AS_OF = 2018-06-30 in tests/tiny_db.py:
- outflow: T1 has F1 北京市 (contact 2018-05-01), F2 河南省 (2017-12-29, at risk), F3 上海市 (never: at risk),
  F5 北京市 (2017-12-30, exactly at the cut-off: not at risk); F4 (T2) leaves 2018-08-01, after AS_OF.
- surveys ended by AS_OF: 2018Q1 T1 90/100, T2 40/50; 2018Q2 T1 95/100, T2 85/100 (2018Q3 ends later).
- section-level cadres: C1 (T1, born 1977-06-30: 41), C2 (T1, 1977-07-01: 40), C3 (区直, 1985-01-01: 33),
  C4 (T2, 1965-01-01: 53); C5 is 科员 and C6 正处: not counted.
- villages: V11 张庄村 (T1, organization O11 with member P2; P3 joins 2018-07), V12 和平社区 (T1), V21 建设社区 (T2).
- coverage T1: E1 has an organization, E6 an instructor only, E5 neither; S1's organization was founded 2018-01-15.
  T2: E3 and E4 (joint J1), E2 instructor only (its organization is founded 2018-09), E7 nothing; S2 instructor only.
"""
from datetime import date

import pandas as pd
import pytest

from lib import township
from lib.charts import township as charts
from lib.queries import township as q
from lib.queries.coverage import coverage_summary
from lib.scope import Scope
from tiny_db import AS_OF

import page_helpers as helpers
from page_helpers import CHARTS_DRAWN, MAP_DRAWN, card, figures, markdown_text

ALL, T1, T2, T3 = Scope.all(), Scope.of("T1"), Scope.of("T2"), Scope.of("T3")


def rows(df: pd.DataFrame) -> list[tuple]:
    return [tuple(v.item() if hasattr(v, "item") else v for v in r) for r in df.itertuples(index=False)]


# --- queries ----------------------------------------------------------------------------------
def test_outflow_by_destination_of_a_township(tiny_engine):
    assert rows(q.outflow_by_destination(tiny_engine, scope=T1, as_of=AS_OF)) == [
        ("北京市", 2, 0), ("上海市", 1, 1), ("河南省", 1, 1)]


def test_outflow_by_destination_of_townships_without_outflow(tiny_engine):
    assert q.outflow_by_destination(tiny_engine, scope=T2, as_of=AS_OF).empty  # F4 leaves later
    assert q.outflow_by_destination(tiny_engine, scope=T3, as_of=AS_OF).empty
    assert rows(q.outflow_by_destination(tiny_engine, scope=T2, as_of=date(2018, 8, 1))) == [("北京市", 1, 0)]


def test_outflow_by_destination_later_puts_more_members_at_risk(tiny_engine):
    # as of 2018-11-15 the cut-off is 2018-05-15: F1 (2018-05-01) and F5 are at risk too
    assert rows(q.outflow_by_destination(tiny_engine, scope=ALL, as_of=date(2018, 11, 15))) == [
        ("北京市", 3, 2), ("上海市", 1, 1), ("河南省", 1, 1)]


def test_survey_by_period_sums_the_scope(tiny_engine):
    assert rows(q.survey_by_period(tiny_engine, scope=T1, as_of=AS_OF)) == [("2018Q1", 100, 90, 8), ("2018Q2", 100, 95, 4)]
    assert rows(q.survey_by_period(tiny_engine, scope=ALL, as_of=AS_OF)) == [("2018Q1", 150, 130, 13),
                                                                              ("2018Q2", 200, 180, 14)]
    assert q.survey_by_period(tiny_engine, scope=T3, as_of=AS_OF).empty
    assert list(q.survey_by_period(tiny_engine, scope=T1, as_of=date(2018, 9, 30))["period"]) == ["2018Q1", "2018Q2", "2018Q3"]


def test_cadres_by_age_band_at_the_band_edges(tiny_engine):
    # C1 turned 41 on AS_OF itself: 41-45; C2 is 40 until 2018-07-01: 36-40
    assert rows(q.cadres_by_age_band(tiny_engine, scope=T1, as_of=AS_OF)) == [("36-40", 1), ("41-45", 1)]
    assert rows(q.cadres_by_age_band(tiny_engine, scope=ALL, as_of=AS_OF)) == [
        ("<=35", 1), ("36-40", 1), ("41-45", 1), ("51-55", 1)]
    assert q.cadres_by_age_band(tiny_engine, scope=T3, as_of=AS_OF).empty
    # a day later C2 is 41 too
    assert rows(q.cadres_by_age_band(tiny_engine, scope=T1, as_of=date(2018, 7, 1))) == [("41-45", 2)]


def test_villages_profile(tiny_engine):
    assert rows(q.villages_profile(tiny_engine, scope=T1, as_of=AS_OF)) == [
        ("V11", "张庄村", "村", "T1", 1, 1, 0, 0), ("V12", "和平社区", "社区", "T1", 0, 0, 0, 0)]
    assert list(q.villages_profile(tiny_engine, scope=ALL, as_of=AS_OF)["code"]) == ["V11", "V12", "V21"]
    assert q.villages_profile(tiny_engine, scope=T3, as_of=AS_OF).empty
    # P3 joins O11 on 2018-07-01; P2 joined on 2000-01-01 (members count like the KPI: by joining date)
    assert rows(q.villages_profile(tiny_engine, scope=T1, as_of=date(2018, 7, 1)))[0][4:6] == (1, 2)
    assert rows(q.villages_profile(tiny_engine, scope=T1, as_of=date(1999, 12, 31)))[0][4:6] == (0, 0)


# --- display logic ----------------------------------------------------------------------------
@pytest.mark.parametrize("scope, expected", [
    (T1, [("nonpublic", 1, 1, 1, 3), ("social", 1, 0, 0, 1)]),
    (T2, [("nonpublic", 2, 1, 1, 4), ("social", 0, 1, 0, 1)]),
    (T3, [("nonpublic", 0, 0, 0, 0), ("social", 0, 0, 0, 0)]),
])
def test_coverage_parts_split_organization_instructor_only_and_not_covered(tiny_engine, scope, expected):
    assert rows(township.coverage_parts(coverage_summary(tiny_engine, scope=scope, as_of=AS_OF))) == expected


def test_satisfaction_compare_puts_the_township_beside_the_district(tiny_engine):
    out = township.satisfaction_compare(q.survey_by_period(tiny_engine, scope=T1, as_of=AS_OF),
                                        q.survey_by_period(tiny_engine, scope=ALL, as_of=AS_OF))
    assert list(out["period"]) == ["2018Q1", "2018Q2"]
    assert list(out["township_rate"]) == pytest.approx([0.9, 0.95])
    assert list(out["district_rate"]) == pytest.approx([130 / 150, 0.9])
    empty = township.satisfaction_compare(q.survey_by_period(tiny_engine, scope=T3, as_of=AS_OF),
                                          q.survey_by_period(tiny_engine, scope=ALL, as_of=AS_OF))
    assert list(empty["township_rate"]) == [None, None]


def test_age_bands_list_every_band(tiny_engine):
    bands = township.age_bands(q.cadres_by_age_band(tiny_engine, scope=T1, as_of=AS_OF))
    assert rows(bands) == [("<=35", 0), ("36-40", 1), ("41-45", 1), ("46-50", 0), ("51-55", 0), ("56+", 0)]


def test_villages_table_has_chinese_headers(tiny_engine):
    table = township.villages_table(q.villages_profile(tiny_engine, scope=T1, as_of=AS_OF))
    assert list(table.columns) == ["村社区代码", "村（社区）", "类型", "党组织数", "党员数", "本年受理工单", "超期未办结"]
    assert table.values.tolist() == [["V11", "张庄村", "村", 1, 1, 0, 0], ["V12", "和平社区", "社区", 0, 0, 0, 0]]
    assert township.villages_table(q.villages_profile(tiny_engine, scope=T1, as_of=AS_OF), lang="en")["Type"].tolist() == \
        ["Village", "Community"]


def test_picker_cards_show_each_townships_figures(tiny_engine):
    from lib.queries.kpis import kpis_by_township

    cards = township.picker_cards(kpis_by_township(tiny_engine, scope=ALL, as_of=AS_OF))
    assert [(c["code"], c["name"], c["kind"]) for c in cards] == [("T1", "甲镇", "镇"), ("T2", "乙街道", "街道"), ("T3", "丙乡", "乡")]
    assert cards[0]["figures"] == [("党员", "4"), ("非公覆盖率", "33.3%"), ("按时办结", "33.3%"), ("群众满意率", "95.0%")]
    assert cards[1]["figures"] == [("党员", "2"), ("非公覆盖率", "50.0%"), ("按时办结", "50.0%"), ("群众满意率", "85.0%")]
    assert cards[2]["figures"] == [("党员", "0"), ("非公覆盖率", "—"), ("按时办结", "—"), ("群众满意率", "—")]


# --- charts -----------------------------------------------------------------------------------
def test_coverage_stack_has_three_parts(tiny_engine):
    parts = township.coverage_parts(coverage_summary(tiny_engine, scope=T2, as_of=AS_OF))
    fig = charts.coverage_stack(parts, kind_labels={"nonpublic": "非公企业", "social": "社会组织"},
                                part_labels={"org_covered_n": "已建", "work_only_n": "指导员", "not_covered_n": "未覆盖"},
                                title="t", x_title="x")
    assert [tr.name for tr in fig.data] == ["已建", "指导员", "未覆盖"]
    assert list(fig.data[0].y) == ["社会组织", "非公企业"] and list(fig.data[0].x) == [0, 2]
    assert list(fig.data[1].x) == [1, 1] and list(fig.data[2].x) == [0, 1]


def test_destination_bars_overlay_the_at_risk_members(tiny_engine):
    fig = charts.destination_bars(q.outflow_by_destination(tiny_engine, scope=T1, as_of=AS_OF), title="t",
                                  x_title="x", total_name="流出", risk_name="风险")
    assert list(fig.data[0].y) == ["河南省", "上海市", "北京市"]  # largest at the top
    assert list(fig.data[0].x) == [1, 1, 2] and list(fig.data[1].x) == [1, 1, 0]


def test_satisfaction_lines_in_percent_with_target(tiny_engine):
    df = township.satisfaction_compare(q.survey_by_period(tiny_engine, scope=T1, as_of=AS_OF),
                                       q.survey_by_period(tiny_engine, scope=ALL, as_of=AS_OF))
    fig = charts.satisfaction_lines(df, title="t", x_title="x", y_title="y", township_name="甲镇", district_name="全区",
                                    target=0.95, target_label="目标")
    assert [tr.name for tr in fig.data] == ["全区", "甲镇"]
    assert list(fig.data[1].y) == pytest.approx([90.0, 95.0]) and fig.layout.shapes[0].y0 == pytest.approx(95.0)


def test_age_band_bars(tiny_engine):
    bands = township.age_bands(q.cadres_by_age_band(tiny_engine, scope=ALL, as_of=AS_OF))
    fig = charts.age_band_bars(bands, labels={"<=35": "35岁及以下"}, title="t", x_title="x", y_title="y")
    assert list(fig.data[0].x)[:2] == ["35岁及以下", "36-40"] and list(fig.data[0].y) == [1, 1, 1, 0, 1, 0]


# --- the page ---------------------------------------------------------------------------------
def run_page(monkeypatch, url: str, **params):
    return helpers.run_page("township", monkeypatch, url, **params)


def test_page_for_a_township_from_the_url_shows_its_cards_ranks_charts_and_villages(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    assert at.title[0].value == "甲镇画像"
    text = markdown_text(at)
    assert "全区 › <b>甲镇</b>" in text
    # T1 has 4 of the members (T2 2, T3 0): first of 3; coverage 1/3 vs T2's 2/4 (T3 has none): second of 2
    assert card(text, "members_n") == "4" and card(text, "members_n", "rank") == "第 1/3"
    assert card(text, "nonpublic_org_coverage_rate") == "33.3%"
    assert card(text, "nonpublic_org_coverage_rate", "rank") == "第 2/2（有非公企业的乡镇）"
    assert card(text, "satisfaction_rate") == "95.0%" and card(text, "satisfaction_rate", "rank") == "第 1/2（有测评数据的乡镇）"
    # open overdue, lower is better: T3 0, T1 1, T2 2
    assert card(text, "tickets_open_overdue_n") == "1" and card(text, "tickets_open_overdue_n", "rank") == "第 2/3"
    figs = figures(at)
    coverage = figs["“两新”组织党建覆盖情况"]["data"]
    assert [tr["x"] for tr in coverage] == [[1, 1], [0, 1], [0, 1]]  # social, nonpublic
    outflow = figs["流动党员流入地（前8个省份）"]["data"]
    assert outflow[0]["x"] == [1, 1, 2] and outflow[1]["x"] == [1, 1, 0]
    monthly = figs["近12个月各月受理工单（按受理渠道）"]["data"]
    assert {tr["name"]: sum(tr["y"]) for tr in monthly} == {"窗口": 3, "网上": 1, "电话": 0, "上门": 0}
    satisfaction = figs["群众满意率：本乡镇与全区"]["data"]
    assert satisfaction[1]["y"] == pytest.approx([90.0, 95.0])
    assert figs["科级干部年龄结构"]["data"][0]["y"] == [0, 1, 1, 0, 0, 0]
    assert len(at.get("deck_gl_json_chart")) == 1
    assert "共 2 个村（社区）：村 1 个，社区 1 个。" in text
    assert at.dataframe[0].value.values.tolist() == [["V11", "张庄村", "村", 1, 1, 0, 0],
                                                     ["V12", "和平社区", "社区", 0, 0, 0, 0]]
    assert len(at.get("download_button")) == 2


def test_page_for_the_empty_township_says_what_is_missing(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T3", as_of="2018-06-30")
    assert at.title[0].value == "丙乡画像"
    assert [i.value for i in at.info] == ["该乡镇（街道）截至所选日期没有流动党员。", "该乡镇（街道）暂无满意度测评数据。",
                                          "该乡镇（街道）暂无科级干部数据。", "该乡镇（街道）暂无村（社区）数据。"]
    text = markdown_text(at)
    assert card(text, "members_n") == "0" and card(text, "members_n", "rank") == "第 3/3"
    assert card(text, "nonpublic_org_coverage_rate", "rank") == ""  # no enterprises: not ranked
    assert len(at.get("deck_gl_json_chart")) == 1


def test_page_without_a_township_offers_a_picker_and_a_click_opens_one(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, as_of="2018-06-30")
    assert at.title[0].value == "乡镇画像"
    assert [b.label for b in at.button if b.key and b.key.startswith("twp_pick_")] == ["查看画像"] * 3
    assert "<b>33.3%</b>" in markdown_text(at)
    assert len(at.get("deck_gl_json_chart")) == 1
    at.button(key="twp_pick_T2").click().run()
    assert not at.exception
    assert at.title[0].value == "乙街道画像"
    assert at.query_params["township"] in ("T2", ["T2"])


def test_page_in_english(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T1", as_of="2018-06-30", lang="en")
    assert at.title[0].value == "Township profile: 甲镇"
    assert card(markdown_text(at), "members_n", "rank") == "#1 of 3"
    assert "Satisfaction: township vs. district" in figures(at)


def test_page_runs_on_postgresql_with_the_same_numbers(monkeypatch):
    import tiny_db
    from conftest import PG_URL, postgres_engine

    tiny_db.build(postgres_engine())
    at = run_page(monkeypatch, PG_URL, township="T1", as_of="2018-06-30")
    assert card(markdown_text(at), "members_n", "rank") == "第 1/3"
    assert at.dataframe[0].value.iloc[0, 3] == 1


# --- in the browser ---------------------------------------------------------------------------
def test_township_profile_draws_its_charts_and_map_offline(page, app_url):
    from conftest import ARTIFACTS, wait_ready

    page.goto(app_url + "/township?township=411402201", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "孙福集乡画像"
    page.wait_for_function(CHARTS_DRAWN, arg=5, timeout=30000)
    page.wait_for_function(MAP_DRAWN, timeout=30000)
    assert page.locator(".kpi-card .rank").count() >= 8
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "township.png"), full_page=True)
    assert page.blocked == []


def test_township_picker_opens_the_chosen_township(page, app_url):
    from conftest import wait_ready

    page.goto(app_url + "/township", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.locator("h1").first.inner_text().strip() == "乡镇画像"
    page.wait_for_function(MAP_DRAWN, timeout=30000)
    page.get_by_role("button", name="查看画像").first.click()
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText === '平原街道画像'",
                           timeout=30000)
    wait_ready(page)
    assert "township=411402001" in page.url
    assert page.get_by_test_id("stException").count() == 0
    assert page.blocked == []
