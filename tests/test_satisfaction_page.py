"""满意度 page: queries on the tiny database (answers worked out by hand from tests/tiny_db.py),
display logic, chart builders, the page in AppTest and in headless Chromium.

Surveys: 2018Q1 T1 100/90 satisfied/8 basic, T2 50/40/5; 2018Q2 T1 100/95/4, T2 100/85/10; 2018Q3 T1 100/99/1.
T3 丙乡 has no survey, ticket or petition. District 2018Q1 130/150 = 86.7%, 2018Q2 180/200 = 90.0%.
Rated tickets (closed by AS_OF): K1 T1 2018-01 rated 5, K2 T1 2018-02 rated 3, K6 T2 2018-03 rated 4.
Petitions: 2018-05 T1 10 (8 resolved), 2018-06 T1 4 (3), 2018-06 T2 6 (6).
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ARTIFACTS, ROOT, wait_ready
from tiny_db import AS_OF
from lib import palette
from lib import satisfaction as view
from lib.charts import satisfaction as charts
from lib.queries import petitions as pq
from lib.queries import satisfaction as q
from lib.scope import Scope
import page_helpers

ALL, T1, T2, T3 = Scope.all(), Scope.of("T1"), Scope.of("T2"), Scope.of("T3")
TOWNS = pd.DataFrame({"code": ["T1", "T2", "T3"], "name": ["甲镇", "乙街道", "丙乡"]})


def rows(df: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in df[list(columns)].itertuples(index=False, name=None)]


# --- queries --------------------------------------------------------------------------------------
def test_survey_periods_sum_the_scope_and_stop_at_the_as_of_date(tiny_engine):
    cols = ("period", "respondents_n", "satisfied_n", "basic_satisfied_n")
    assert rows(q.satisfaction_by_period(tiny_engine, scope=ALL, as_of=AS_OF), *cols) == [
        ("2018Q1", 150, 130, 13), ("2018Q2", 200, 180, 14)]
    assert rows(q.satisfaction_by_period(tiny_engine, scope=T2, as_of=AS_OF), *cols) == [
        ("2018Q1", 50, 40, 5), ("2018Q2", 100, 85, 10)]
    # 2018Q2 ends on 2018-06-30: a day earlier only 2018Q1 is known; 2018Q3 counts from 2018-09-30
    assert rows(q.satisfaction_by_period(tiny_engine, scope=ALL, as_of=date(2018, 6, 29)), "period") == [("2018Q1",)]
    assert rows(q.satisfaction_by_period(tiny_engine, scope=ALL, as_of=date(2018, 9, 30)), *cols)[-1] == (
        "2018Q3", 100, 99, 1)
    assert q.satisfaction_by_period(tiny_engine, scope=T3, as_of=date(2018, 12, 31)).empty


def test_survey_rows_per_township_and_period(tiny_engine):
    df = q.satisfaction_by_township_period(tiny_engine, scope=ALL, as_of=AS_OF)
    assert rows(df, "period", "township_code", "name", "respondents_n", "satisfied_n") == [
        ("2018Q1", "T1", "甲镇", 100, 90), ("2018Q1", "T2", "乙街道", 50, 40),
        ("2018Q2", "T1", "甲镇", 100, 95), ("2018Q2", "T2", "乙街道", 100, 85)]
    assert rows(q.satisfaction_by_township_period(tiny_engine, scope=T1, as_of=date(2018, 9, 30)), "period") == [
        ("2018Q1",), ("2018Q2",), ("2018Q3",)]
    assert q.satisfaction_by_township_period(tiny_engine, scope=T3, as_of=AS_OF).empty


def test_ticket_ratings_by_month_count_closed_and_rated_tickets(tiny_engine):
    cols = ("month", "rated_n", "rating_sum", "high_n")
    assert rows(q.ticket_ratings_by_month(tiny_engine, scope=ALL, as_of=AS_OF), *cols) == [
        ("2018-01", 1, 5, 1), ("2018-02", 1, 3, 0), ("2018-03", 1, 4, 1)]
    assert rows(q.ticket_ratings_by_month(tiny_engine, scope=T2, as_of=AS_OF), *cols) == [("2018-03", 1, 4, 1)]
    # K1 is closed on 2018-01-12 09:00: its rating is not known on 2018-01-11
    assert q.ticket_ratings_by_month(tiny_engine, scope=ALL, as_of=date(2018, 1, 11)).empty
    assert rows(q.ticket_ratings_by_month(tiny_engine, scope=ALL, as_of=date(2018, 1, 12)), *cols) == [("2018-01", 1, 5, 1)]
    assert q.ticket_ratings_by_month(tiny_engine, scope=T3, as_of=AS_OF).empty


def test_last_complete_month_includes_the_as_of_month_only_on_its_last_day():
    assert pq.last_complete_month(date(2018, 6, 30)) == "2018-06"
    assert pq.last_complete_month(date(2018, 6, 29)) == "2018-05"
    assert pq.last_complete_month(date(2018, 1, 15)) == "2017-12"


def test_petitions_by_month_sum_the_scope_over_complete_months(tiny_engine):
    cols = ("month", "petitions_n", "resolved_n")
    assert rows(pq.petitions_by_month(tiny_engine, scope=ALL, as_of=AS_OF), *cols) == [
        ("2018-05", 10, 8), ("2018-06", 10, 9)]
    assert rows(pq.petitions_by_month(tiny_engine, scope=T2, as_of=AS_OF), *cols) == [("2018-06", 6, 6)]
    assert rows(pq.petitions_by_month(tiny_engine, scope=ALL, as_of=date(2018, 6, 29)), *cols) == [("2018-05", 10, 8)]
    assert pq.petitions_by_month(tiny_engine, scope=T3, as_of=AS_OF).empty


def test_petitions_by_township_include_townships_without_petitions(tiny_engine):
    cols = ("township_code", "name", "petitions_n", "resolved_n")
    assert rows(pq.petitions_by_township(tiny_engine, scope=ALL, as_of=AS_OF), *cols) == [
        ("T1", "甲镇", 14, 11), ("T2", "乙街道", 6, 6), ("T3", "丙乡", 0, 0)]
    assert rows(pq.petitions_by_township(tiny_engine, scope=ALL, as_of=AS_OF, months=1), "petitions_n", "resolved_n") == [
        (4, 3), (6, 6), (0, 0)]
    assert rows(pq.petitions_by_township(tiny_engine, scope=T3, as_of=AS_OF), *cols) == [("T3", "丙乡", 0, 0)]


# --- display logic --------------------------------------------------------------------------------
def test_spread_between_townships_per_period(tiny_engine):
    spread = view.spread_by_period(q.satisfaction_by_township_period(tiny_engine, scope=ALL, as_of=AS_OF))
    assert list(spread["period"]) == ["2018Q1", "2018Q2"]
    assert list(spread["townships_n"]) == [2, 2]
    assert list(spread["min_name"]) == ["乙街道", "乙街道"] and list(spread["max_name"]) == ["甲镇", "甲镇"]
    assert list(spread["min_rate"]) == pytest.approx([0.80, 0.85])
    assert list(spread["median_rate"]) == pytest.approx([0.85, 0.90])
    assert list(spread["max_rate"]) == pytest.approx([0.90, 0.95])
    assert list(spread["spread"]) == pytest.approx([0.10, 0.10])
    assert view.spread_by_period(q.satisfaction_by_township_period(tiny_engine, scope=T3, as_of=AS_OF)).empty


def test_ratings_and_petitions_get_their_rates(tiny_engine):
    r = view.ratings(q.ticket_ratings_by_month(tiny_engine, scope=ALL, as_of=AS_OF))
    assert list(r["avg_rating"]) == [5.0, 3.0, 4.0] and list(r["high_share"]) == [1.0, 0.0, 1.0]
    p = view.petitions(pq.petitions_by_month(tiny_engine, scope=ALL, as_of=AS_OF))
    assert list(p["resolved_rate"]) == [0.8, 0.9]


def board(engine, scope, as_of, rank=None) -> dict:
    periods = view.with_rates(q.satisfaction_by_period(engine, scope=scope, as_of=as_of))
    spread = view.spread_by_period(q.satisfaction_by_township_period(engine, scope=ALL, as_of=as_of))
    sections = view.cards(periods, spread, view.ratings(q.ticket_ratings_by_month(engine, scope=scope, as_of=as_of)),
                          view.petitions(pq.petitions_by_month(engine, scope=scope, as_of=as_of)), lang="zh", rank=rank)
    return {"sections": [s for s, _ in sections], **{c.key: c for _, cards in sections for c in cards}}


def test_cards_of_the_district(tiny_engine):
    b = board(tiny_engine, ALL, AS_OF)
    assert b["sections"] == ["满意度测评（2018Q2）", "便民服务评价（近12个月）", "信访（近12个月）"]
    # 180/200 = 90.0% against 130/150 = 86.7%; (180+14)/200 = 97.0% against 143/150 = 95.3%
    assert (b["sat_card_rate"].value, b["sat_card_rate"].delta, b["sat_card_rate"].status_text) == (
        "90.0%", "+3.3个百分点", "低于目标 95.0%")
    assert (b["sat_card_basic_rate"].value, b["sat_card_basic_rate"].delta) == ("97.0%", "+1.7个百分点")
    assert b["sat_card_spread"].value == "10.0个百分点"
    assert b["sat_card_spread"].rank_text == "乙街道 85.0% – 甲镇 95.0%"
    assert b["sat_card_avg_rating"].value == "4.00"  # (5 + 3 + 4) / 3
    assert b["sat_card_high_share"].value == "66.7%"  # 2 of 3 rated 4-5
    assert (b["sat_card_petitions"].value, b["sat_card_resolved"].value) == ("20", "85.0%")  # 17 / 20


def test_cards_of_a_township_with_its_rank(tiny_engine):
    b = board(tiny_engine, T1, AS_OF, rank=(1, 2))
    assert (b["sat_card_rate"].value, b["sat_card_rate"].delta, b["sat_card_rate"].status_text) == (
        "95.0%", "+5.0个百分点", "达到目标 95.0%")
    assert b["sat_card_rate"].rank_text == "第 1/2"
    assert "sat_card_spread" not in b  # the spread is a district figure
    assert (b["sat_card_avg_rating"].value, b["sat_card_high_share"].value) == ("4.00", "50.0%")
    assert (b["sat_card_petitions"].value, b["sat_card_resolved"].value) == ("14", "78.6%")  # 11 / 14


def test_cards_at_an_earlier_date_have_no_previous_period(tiny_engine):
    b = board(tiny_engine, ALL, date(2018, 6, 29))
    assert (b["sat_card_rate"].value, b["sat_card_rate"].delta) == ("86.7%", None)
    assert (b["sat_card_petitions"].value, b["sat_card_resolved"].value) == ("10", "80.0%")


def test_cards_of_the_empty_township_are_empty(tiny_engine):
    assert board(tiny_engine, T3, AS_OF) == {"sections": []}


def test_township_rank_and_table(tiny_engine):
    by_town = q.satisfaction_by_township_period(tiny_engine, scope=ALL, as_of=AS_OF)
    latest = view.latest_by_township(by_town, TOWNS, "2018Q2")
    assert view.township_rank(latest, "T1") == (1, 2) and view.township_rank(latest, "T2") == (2, 2)
    assert view.township_rank(latest, "T3") is None
    table = view.township_table(latest, pq.petitions_by_township(tiny_engine, scope=ALL, as_of=AS_OF), lang="zh")
    assert table.values.tolist() == [
        ["甲镇", "100", "95.0%", "99.0%", "+5.0个百分点", "14", "78.6%"],
        ["乙街道", "100", "85.0%", "95.0%", "+5.0个百分点", "6", "100.0%"],
        ["丙乡", "—", "—", "—", "—", "0", "—"]]


# --- charts ---------------------------------------------------------------------------------------
def _trend_inputs(engine):
    district = view.with_rates(q.satisfaction_by_period(engine, scope=ALL, as_of=AS_OF))
    by_town = view.with_rates(q.satisfaction_by_township_period(engine, scope=ALL, as_of=AS_OF))
    return district, by_town


def test_rate_trend_draws_townships_grey_the_district_bold_and_the_target(tiny_engine):
    district, by_town = _trend_inputs(tiny_engine)
    fig = charts.rate_trend(district, by_town, title="各期群众满意率", x_title="测评期次", y_title="满意率（%）",
                            district_name="全区", townships_name="各乡镇", target=0.95, target_label="目标 95.0%")
    towns, whole = fig.data  # every township in one grey trace, each township's line apart from the next
    assert list(towns.y) == [90.0, 95.0, None, 80.0, 85.0] and list(whole.y) == [86.67, 90.0]
    assert list(towns.customdata) == ["T1", "T1", None, "T2", "T2"] and towns.name == "各乡镇"
    assert list(towns.text) == ["甲镇", "甲镇", None, "乙街道", "乙街道"] and towns.line.color == palette.BASE_LIGHT
    assert whole.name == "全区" and whole.line.color == palette.INK
    assert fig.layout.shapes[0].y0 == 95.0 and fig.layout.yaxis.title.text == "满意率（%）"
    chosen = charts.rate_trend(district, by_town, title="t", x_title="x", y_title="y", district_name="全区",
                               townships_name="各乡镇", selected_code="T2", selected_name="乙街道")
    assert [tr.name for tr in chosen.data] == ["各乡镇", "全区", "乙街道"]
    assert chosen.data[-1].line.color == palette.PARTY_RED and list(chosen.data[-1].text) == ["80.0%", "85.0%"]


def test_township_dots_put_the_best_on_top_and_mark_the_selected(tiny_engine):
    latest = view.latest_by_township(q.satisfaction_by_township_period(tiny_engine, scope=ALL, as_of=AS_OF), TOWNS,
                                     "2018Q2")
    fig = charts.township_dots(latest, title="2018Q2 各乡镇", x_title="满意率（%）", target=0.95, selected_code="T2")
    (dots,) = fig.data
    assert list(dots.y) == ["乙街道", "甲镇"] and list(dots.x) == [85.0, 95.0]  # T3 has no survey: no dot
    assert list(dots.customdata) == ["T2", "T1"]
    assert list(dots.marker.color) == [palette.PARTY_RED, palette.BASE]
    assert fig.layout.xaxis.range[0] > 80  # no zero baseline: the gap between 85% and 95% stays visible


def test_spread_band_ratings_and_petitions_charts(tiny_engine):
    spread = view.spread_by_period(q.satisfaction_by_township_period(tiny_engine, scope=ALL, as_of=AS_OF))
    fig = charts.spread_band(spread, title="差距", x_title="期", y_title="%", band_name="范围", median_name="中位数",
                             lowest_name="最低", highest_name="最高")
    low, high, median = fig.data
    assert list(low.y) == [80.0, 85.0] and list(high.y) == [90.0, 95.0] and list(median.y) == [85.0, 90.0]
    assert high.fill == "tonexty" and list(high.customdata) == ["甲镇", "甲镇"]
    ratings = charts.ratings_trend(view.ratings(q.ticket_ratings_by_month(tiny_engine, scope=ALL, as_of=AS_OF)),
                                   title="评价", x_title="月份", rating_title="分", share_title="%",
                                   rating_name="平均评分", share_name="4–5分占比")
    assert list(ratings.data[0].y) == [5.0, 3.0, 4.0] and list(ratings.data[1].y) == [100.0, 0.0, 100.0]
    assert list(ratings.data[0].x) == ["2018-01", "2018-02", "2018-03"]
    petitions = charts.petitions_trend(view.petitions(pq.petitions_by_month(tiny_engine, scope=ALL, as_of=AS_OF)),
                                       title="信访", x_title="月份", count_title="件", share_title="%",
                                       count_name="信访件数", share_name="基层化解率")
    bars, line = petitions.data
    assert list(bars.y) == [10, 10] and list(line.y) == [80.0, 90.0] and line.yaxis == "y2"


# --- the page -------------------------------------------------------------------------------------
def run_page(monkeypatch, url: str, **params):
    return page_helpers.run_page("satisfaction", monkeypatch, url, **params)

markdown_text = page_helpers.markdown_text


card = page_helpers.card_html


def test_page_for_a_township_from_the_url_shows_its_rates_rank_ratings_and_petitions(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    assert at.title[0].value == "甲镇群众满意度"
    text = markdown_text(at)
    assert card("sat_card_rate", "群众满意率", "95.0%") in text
    assert "+5.0个百分点" in text and "达到目标 95.0%" in text and "第 1/2" in text
    assert card("sat_card_basic_rate", "满意及基本满意率", "99.0%") in text
    assert card("sat_card_avg_rating", "平均评分（1–5分）", "4.00") in text
    assert card("sat_card_high_share", "4–5分占比", "50.0%") in text
    assert card("sat_card_petitions", "信访件数", "14") in text
    assert card("sat_card_resolved", "基层化解率", "78.6%") in text
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)
    red = [tr for tr in trend["data"] if tr.get("name") == "甲镇"]
    assert red and red[0]["y"] == [90.0, 95.0]
    assert at.dataframe[0].value.values.tolist()[0] == ["甲镇", "100", "95.0%", "99.0%", "+5.0个百分点", "14", "78.6%"]
    assert len(at.get("plotly_chart")) == 5 and not at.info


def test_page_for_the_empty_township_says_there_is_nothing_yet(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T3", as_of="2018-06-30")
    assert at.title[0].value == "丙乡群众满意度"
    assert [i.value for i in at.info] == ["截至所选日期丙乡还没有满意度测评数据。", "所选范围内还没有工单评价。",
                                           "所选范围内还没有信访数据。"]
    assert "data-kpi=" not in markdown_text(at)


def test_page_for_the_district_at_an_earlier_date_in_english(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, as_of="2018-06-29", lang="en")
    assert at.title[0].value == "Satisfaction: Whole district"
    text = markdown_text(at)
    assert card("sat_card_rate", "Satisfaction rate", "86.7%") in text  # 130 / 150 in 2018Q1
    assert card("sat_card_petitions", "Petitions", "10") in text  # June is not complete on 2018-06-29
    assert card("sat_card_resolved", "Resolved at grassroots", "80.0%") in text
    assert "Survey (2018Q1)" in text


# --- in the browser -------------------------------------------------------------------------------
def wait_for_count(page, selector: str, n: int, timeout_ms: int = 30000) -> None:
    """Wait until at least n elements match `selector` (charts draw a moment after the script ends)."""
    page.wait_for_function(f"() => document.querySelectorAll({json.dumps(selector)}).length >= {n}", timeout=timeout_ms)


def test_satisfaction_page_draws_its_charts_offline_and_a_township_dot_opens_it(page, app_url):
    page.goto(app_url + "/satisfaction", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "全区群众满意度"
    wait_for_count(page, ".js-plotly-plot .svg-container", 5)  # plotly is loaded lazily: give it time on a busy machine
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == 5
    assert page.locator(".js-plotly-plot .scatterlayer .trace path.js-line").count() >= 16  # township lines
    assert page.locator(".js-plotly-plot .bars .point path").count() >= 30  # petitions per month
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "satisfaction-district.png"), full_page=True)
    dots = plots.nth(1)
    top_label = dots.locator(".ytick text").last.text_content()
    dots.locator(".scatterlayer .points path").last.click(force=True)
    page.wait_for_function(f"() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('{top_label}')",
                           timeout=30000)
    wait_ready(page)
    assert page.locator("h1").first.inner_text().strip() == f"{top_label}群众满意度"
    assert "township=" in page.url
    assert page.get_by_test_id("stException").count() == 0
    assert page.blocked == []


def test_spread_band_can_show_the_selected_township_inside_the_band(tiny_engine):
    spread = view.spread_by_period(q.satisfaction_by_township_period(tiny_engine, scope=ALL, as_of=AS_OF))
    mine = view.with_rates(q.satisfaction_by_period(tiny_engine, scope=T2, as_of=AS_OF))
    fig = charts.spread_band(spread, title="差距", x_title="期", y_title="%", band_name="范围", median_name="中位数",
                             lowest_name="最低", highest_name="最高", selected=mine, selected_name="乙街道")
    assert fig.data[-1].name == "乙街道" and list(fig.data[-1].y) == [80.0, 85.0]
    assert fig.data[-1].line.color == palette.PARTY_RED


def test_extremes_keep_the_best_the_worst_and_the_selected():
    latest = pd.DataFrame({"township_code": ["A", "B", "C", "D", "E"], "name": list("甲乙丙丁戊"),
                           "satisfaction_rate": [0.99, 0.95, 0.90, 0.97, None]})
    kept, hidden = view.extremes(latest, each=1, selected="B")
    assert list(kept["township_code"]) == ["A", "C", "B"] and hidden == 1  # D left out, E has no survey
    kept, hidden = view.extremes(latest, each=2, selected=None)
    assert list(kept["township_code"]) == ["A", "D", "B", "C"] and hidden == 0
