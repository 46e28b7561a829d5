"""流动党员 page: queries on the tiny database (answers worked out by hand from tests/tiny_db.py),
display logic, chart and map builders, the page in AppTest and in headless Chromium.

Outflow rows of tiny_db (all from T1 甲镇 except F4; T2 乙街道 has none until 2018-08-01; T3 丙乡 never):
  F1 测试11号 T1 → 北京市北京市, left 2017-02-10, branch M1, last contact 2018-05-01
  F2 测试12号 T1 → 河南省郑州市, left 2016-03-01, no branch, last contact 2017-12-29
  F3 测试13号 T1 → 上海市上海市, left 2018-02-20, branch M1, never contacted
  F4 测试14号 T2 → 北京市北京市, left 2018-08-01 (after AS_OF), no branch, last contact 2018-08-01
  F5 测试15号 T1 → 北京市北京市, left 2015-04-01, no branch, last contact 2017-12-30
Branches: M1 (T1, founded 2015-01-01), M2 (T2, founded 2019-01-01).
At AS_OF 2018-06-30 the contact cutoff is 2017-12-30: F2 and F3 are at risk, F5 (exactly the cutoff) is not.
At 2018-08-31 the cutoff is 2018-02-28: F2, F3, F5 at risk. At 2019-01-31 it is 2018-07-31: F1 joins them.
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from conftest import ARTIFACTS, ROOT, wait_ready
from tiny_db import AS_OF, pid
from lib import geo, maps
from lib import outflow as view
from lib.charts import outflow as charts
from lib.queries import outflow as q
from lib.scope import Scope
import page_helpers

ALL, T1, T2, T3 = Scope.all(), Scope.of("T1"), Scope.of("T2"), Scope.of("T3")
AUG, JAN = date(2018, 8, 31), date(2019, 1, 31)


def rows(df: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in df[list(columns)].itertuples(index=False, name=None)]


# --- queries --------------------------------------------------------------------------------------
def test_contact_cutoff_is_six_months_before_the_as_of_date():
    assert q.contact_cutoff(AS_OF) == date(2017, 12, 30)
    assert q.contact_cutoff(AUG) == date(2018, 2, 28)


def test_flows_count_members_by_home_township_and_destination_city(tiny_engine):
    df = q.outflow_flows(tiny_engine, scope=ALL, as_of=AS_OF)
    assert rows(df.iloc[:1], "home_code", "dest_city", "members_n") == [("T1", "北京市", 2)]  # largest first
    assert sorted(rows(df, "home_code", "dest_province", "dest_city", "members_n")) == [
        ("T1", "上海市", "上海市", 1), ("T1", "北京市", "北京市", 2), ("T1", "河南省", "郑州市", 1)]
    # F4 left T2 on 2018-08-01: counted from then on
    later = q.outflow_flows(tiny_engine, scope=T2, as_of=AUG)
    assert rows(later, "home_code", "dest_city", "members_n") == [("T2", "北京市", 1)]


def test_flows_of_a_township_without_outflow_and_of_the_empty_township_are_empty(tiny_engine):
    assert q.outflow_flows(tiny_engine, scope=T2, as_of=AS_OF).empty
    assert q.outflow_flows(tiny_engine, scope=T3, as_of=JAN).empty


def test_destinations_by_city_and_by_province_split_members_at_risk(tiny_engine):
    city = q.outflow_by_destination(tiny_engine, scope=ALL, as_of=AS_OF)
    assert rows(city.iloc[:1], "dest_city", "members_n", "at_risk_n") == [("北京市", 2, 0)]
    assert sorted(rows(city, "dest_province", "dest_city", "members_n", "at_risk_n")) == [
        ("上海市", "上海市", 1, 1), ("北京市", "北京市", 2, 0), ("河南省", "郑州市", 1, 1)]
    province = q.outflow_by_destination(tiny_engine, scope=ALL, as_of=AUG, level="province")
    assert list(province.columns) == ["dest_province", "members_n", "at_risk_n"]
    # at 2018-08-31: 北京 F1 F4 F5 (F5 at risk), 上海 F3 (at risk), 河南 F2 (at risk)
    assert sorted(rows(province, "dest_province", "members_n", "at_risk_n")) == [
        ("上海市", 1, 1), ("北京市", 3, 1), ("河南省", 1, 1)]
    assert rows(q.outflow_by_destination(tiny_engine, scope=T1, as_of=AS_OF, level="province").iloc[:1],
                "dest_province", "members_n") == [("北京市", 2)]
    assert q.outflow_by_destination(tiny_engine, scope=T3, as_of=AS_OF).empty


def test_by_township_lists_every_township_in_scope_with_zeros(tiny_engine):
    df = q.outflow_by_township(tiny_engine, scope=ALL, as_of=AS_OF)
    assert rows(df, "township_code", "name", "members_n", "at_risk_n") == [
        ("T1", "甲镇", 4, 2), ("T2", "乙街道", 0, 0), ("T3", "丙乡", 0, 0)]
    assert rows(q.outflow_by_township(tiny_engine, scope=ALL, as_of=AUG), "members_n", "at_risk_n") == [
        (4, 3), (1, 0), (0, 0)]
    assert rows(q.outflow_by_township(tiny_engine, scope=T3, as_of=AS_OF), "township_code", "members_n") == [("T3", 0)]


def test_branches_count_their_members_from_the_scope_at_the_date(tiny_engine):
    df = q.outflow_branches(tiny_engine, scope=ALL, as_of=AS_OF)
    # M1: F1 and F3 (F3 at risk); M2 is founded only in 2019
    assert rows(df, "branch_code", "branch_name", "township_name", "members_n", "at_risk_n") == [
        ("M1", "M1组织", "甲镇", 2, 1)]
    assert str(df.iloc[0]["founded_on"])[:10] == "2015-01-01"
    later = q.outflow_branches(tiny_engine, scope=ALL, as_of=JAN)
    assert rows(later, "branch_code", "members_n", "at_risk_n") == [("M1", 2, 2), ("M2", 0, 0)]


def test_branches_of_a_township_are_its_own_or_those_holding_its_members(tiny_engine):
    assert rows(q.outflow_branches(tiny_engine, scope=T1, as_of=AS_OF), "branch_code", "members_n") == [("M1", 2)]
    assert q.outflow_branches(tiny_engine, scope=T2, as_of=AS_OF).empty  # M1 is T1's and has no T2 member
    assert rows(q.outflow_branches(tiny_engine, scope=T2, as_of=JAN), "branch_code", "members_n") == [("M2", 0)]
    assert q.outflow_branches(tiny_engine, scope=T3, as_of=JAN).empty


def test_totals_count_members_risk_branch_membership_and_destinations(tiny_engine):
    assert q.outflow_totals(tiny_engine, scope=ALL, as_of=AS_OF) == {
        "outflow_n": 4, "at_risk_n": 2, "in_branch_n": 2, "cities_n": 3, "provinces_n": 3}
    assert q.outflow_totals(tiny_engine, scope=ALL, as_of=AUG) == {
        "outflow_n": 5, "at_risk_n": 3, "in_branch_n": 2, "cities_n": 3, "provinces_n": 3}
    empty = {"outflow_n": 0, "at_risk_n": 0, "in_branch_n": 0, "cities_n": 0, "provinces_n": 0}
    assert q.outflow_totals(tiny_engine, scope=T2, as_of=AS_OF) == empty
    assert q.outflow_totals(tiny_engine, scope=T3, as_of=JAN) == empty


def test_at_risk_list_puts_the_never_contacted_first_then_the_oldest_contact(tiny_engine):
    df = q.at_risk_members(tiny_engine, scope=ALL, as_of=AS_OF)
    assert list(df["name"]) == ["测试13号", "测试12号"]
    assert list(df["id_number"]) == [pid(13, date(1980, 1, 1)), pid(12, date(1980, 1, 1))]
    assert df.iloc[0]["last_contact_on"] is None and str(df.iloc[1]["last_contact_on"])[:10] == "2017-12-29"
    assert df.iloc[0]["branch_name"] == "M1组织" and pd.isna(df.iloc[1]["branch_name"])
    assert list(q.at_risk_members(tiny_engine, scope=T1, as_of=AUG)["name"]) == ["测试13号", "测试12号", "测试15号"]
    assert list(q.at_risk_members(tiny_engine, scope=ALL, as_of=JAN)["name"]) == [
        "测试13号", "测试12号", "测试15号", "测试11号"]
    assert list(q.at_risk_members(tiny_engine, scope=ALL, as_of=JAN, limit=2)["name"]) == ["测试13号", "测试12号"]
    assert q.at_risk_members(tiny_engine, scope=T2, as_of=JAN).empty
    assert q.at_risk_members(tiny_engine, scope=T3, as_of=AS_OF).empty


# --- display logic --------------------------------------------------------------------------------
def test_id_and_phone_numbers_are_masked():
    assert view.mask_id("41140219800101027X") == "411402********027X"
    assert view.mask_id(None) == ""
    assert view.mask_phone("13812345678") == "138****5678"
    assert view.mask_phone(None) == "" and view.mask_phone(float("nan")) == ""


def test_risk_table_masks_numbers_and_counts_days_without_contact(tiny_engine):
    table = view.risk_table(q.at_risk_members(tiny_engine, scope=ALL, as_of=AS_OF), as_of=AS_OF, lang="zh")
    assert list(table.columns) == ["姓名", "身份证号", "手机号", "流出乡镇", "流入地", "党支部", "流出日期", "最近联系日期",
                                   "未联系天数"]
    first, second = table.iloc[0], table.iloc[1]
    assert first["身份证号"] == pid(13, date(1980, 1, 1))[:6] + "********" + pid(13, date(1980, 1, 1))[-4:]
    assert "19800101" not in "".join(table["身份证号"])
    assert (first["流入地"], first["党支部"], first["流出日期"], first["最近联系日期"]) == ("上海市", "M1组织", "2018-02-20", "无联系记录")
    assert int(first["未联系天数"]) == 130  # never contacted: counted from leaving on 2018-02-20
    # 2017-12-29 → 2018-06-30 is 183 days
    assert (second["流入地"], second["党支部"], second["最近联系日期"], int(second["未联系天数"])) == (
        "河南省郑州市", "未编入", "2017-12-29", 183)
    english = view.risk_table(q.at_risk_members(tiny_engine, scope=ALL, as_of=AS_OF), as_of=AS_OF, lang="en")
    assert list(english["Last contact"]) == ["Never", "2017-12-29"]


def test_cards_show_counts_and_shares():
    sections = view.cards({"outflow_n": 4, "at_risk_n": 2, "in_branch_n": 2, "cities_n": 3, "provinces_n": 3}, lang="zh")
    cards = {c.key: c for c in sections[0][1]}
    assert [cards[k].value for k in ("out_card_total", "out_card_at_risk", "out_card_in_branch", "out_card_cities")] == [
        "4", "2", "2", "3"]
    # the share is the overview's card: 2/4 = 50.0% against the 5% limit
    share = cards["outflow_at_risk_rate"]
    assert (share.label, share.value, share.status, share.status_text) == ("失联风险占比", "50.0%", "bad", "超过控制值 5.0%")
    assert cards["out_card_cities"].rank_text == "流入省份 3"
    empty = view.cards({"outflow_n": 0, "at_risk_n": 0, "in_branch_n": 0, "cities_n": 0, "provinces_n": 0}, lang="zh")
    assert {c.key: c.value for c in empty[0][1]}["outflow_at_risk_rate"] == "—"
    # a year earlier 3 members, 0 at risk: +1, +2 (bad) and +50.0 points (bad), as on the overview
    later = view.cards({"outflow_n": 4, "at_risk_n": 2, "in_branch_n": 2, "cities_n": 3, "provinces_n": 3}, lang="zh",
                       previous={"outflow_n": 3, "at_risk_n": 0, "in_branch_n": 1, "cities_n": 2, "provinces_n": 2})
    later = {c.key: c for c in later[0][1]}
    assert [(later[k].delta, later[k].delta_color) for k in ("out_card_total", "out_card_at_risk", "outflow_at_risk_rate")] \
        == [("+1", "normal"), ("+2", "inverse"), ("+50.0个百分点", "inverse")]


def test_map_rows_place_known_cities_and_report_unknown_ones():
    flows = pd.DataFrame({"home_code": ["T1", "T1", "T1"], "dest_province": ["北京市", "河南省", "火星"],
                          "dest_city": ["北京市", "郑州市", "乌托邦"], "members_n": [2, 1, 1]})
    towns = pd.DataFrame({"code": ["T1"], "name": ["甲镇"], "lon": [115.7], "lat": [34.5]})
    placed, unplaced = view.map_rows(flows, towns)
    assert rows(placed, "home_name", "dest_city", "dest_lon", "dest_lat") == [
        ("甲镇", "北京市", 116.404, 39.915), ("甲镇", "郑州市", 113.625, 34.747)]
    assert rows(unplaced, "dest_city", "members_n") == [("乌托邦", 1)]


def test_top_destinations_merge_the_rest_into_other():
    df = pd.DataFrame({"dest_province": ["北京市", "河南省", "上海市", "浙江省"],
                       "dest_city": ["北京市", "郑州市", "上海市", "杭州市"],
                       "members_n": [9, 5, 3, 2], "at_risk_n": [1, 0, 1, 1]})
    top, rest = view.top_destinations(df, level="city", top=2, lang="zh")
    assert rows(top, "label", "members_n", "at_risk_n") == [("北京市", 9, 1), ("河南省 郑州市", 5, 0), ("其他", 5, 2)]
    assert rest == 5
    same, none = view.top_destinations(df, level="province", top=10, lang="zh")
    assert list(same["label"]) == ["北京市", "河南省", "上海市", "浙江省"] and none == 0


# --- charts and map -------------------------------------------------------------------------------
def test_destination_bars_stack_contact_and_risk_with_the_total_written():
    df = pd.DataFrame({"label": ["北京市", "郑州市"], "members_n": [9, 5], "at_risk_n": [1, 0]})
    fig = charts.destination_bars(df, title="流入城市", x_title="人数（人）", ok_name="联系正常", risk_name="失联风险")
    ok, risk = fig.data
    assert list(ok.y) == ["郑州市", "北京市"]  # largest at the top
    assert list(ok.x) == [5, 8] and list(risk.x) == [0, 1] and list(risk.text) == ["5", "9"]
    assert fig.layout.barmode == "stack" and fig.layout.title.text == "流入城市"
    assert fig.layout.xaxis.title.text == "人数（人）"


def test_township_bars_carry_codes_and_mark_the_selected_township(tiny_engine):
    df = q.outflow_by_township(tiny_engine, scope=ALL, as_of=AUG)
    fig = charts.township_bars(df, title="各乡镇", x_title="人数（人）", ok_name="联系正常", risk_name="失联风险",
                               selected_code="T2")
    ok, risk = fig.data
    assert list(ok.customdata) == ["T3", "T2", "T1"]  # T1 (4) at the top, T3 (0) at the bottom
    assert list(ok.x) == [0, 1, 1] and list(risk.x) == [0, 0, 3]
    assert list(fig.layout.yaxis.ticktext)[1].startswith("<b>") and "乙街道" in fig.layout.yaxis.ticktext[1]
    assert fig.layout.yaxis.ticktext[2] == "甲镇"


def test_outflow_map_of_the_tiny_district_draws_one_arc_per_destination(tiny_engine):
    towns = pd.DataFrame({"code": ["T1", "T2", "T3"], "name": ["甲镇", "乙街道", "丙乡"],
                          "lon": [115.70, 115.65, 115.60], "lat": [34.50, 34.44, 34.60]})
    flows, unplaced = view.map_rows(q.outflow_flows(tiny_engine, scope=ALL, as_of=AS_OF), towns)
    assert unplaced.empty
    deck = maps.outflow_arcs(flows, geo.provinces(), home_points=towns, maritime_geojson=geo.maritime_boundary(),
                             home_label="梁园区")
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    arcs = sorted((a["dest_city"], a["members_n"], a["width"], a["source"]) for a in layers["arcs"]["data"])
    # width = 1 + 5 * n / 2
    assert arcs == [("上海市", 1, 3.5, [115.7, 34.5]), ("北京市", 2, 6.0, [115.7, 34.5]), ("郑州市", 1, 3.5, [115.7, 34.5])]
    assert layers["arcs"]["parameters"] == {"depthTest": False}  # labels stay readable above the arcs
    assert deck.map_provider is None and "http" not in deck.to_json().lower()


# --- the page -------------------------------------------------------------------------------------
def run_page(monkeypatch, url: str, **params):
    return page_helpers.run_page("outflow", monkeypatch, url, **params)

markdown_text = page_helpers.markdown_text


card = page_helpers.card_html


def test_page_for_a_township_from_the_url_shows_its_numbers_branch_and_masked_risk_list(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    assert at.title[0].value == "甲镇流动党员"
    text = markdown_text(at)
    assert card("out_card_total", "流动党员", "4") in text
    assert card("out_card_at_risk", "失联风险", "2") in text
    # the share card as on the overview: flag and change against 2017-06-30 (F1 F2 F5 out, none at risk then)
    assert card("outflow_at_risk_rate", "失联风险占比", "50.0%") in text
    share = text[text.index("data-kpi='outflow_at_risk_rate'"):]
    assert "▲ +50.0个百分点" in share.split("data-kpi=")[1] and "● 超过控制值 5.0%" in share.split("data-kpi=")[1]
    assert "<div class='delta bad'" in share.split("data-kpi=")[1]
    assert card("out_card_in_branch", "已纳入流动党员党支部", "2") in text
    assert card("out_card_cities", "流入城市", "3") in text
    branches, risk = (d.value for d in at.dataframe)
    assert branches.values.tolist() == [["M1组织", "甲镇", "2015-01-01", 2, 1]]
    assert list(risk["姓名"]) == ["测试13号", "测试12号"]
    assert list(risk["身份证号"]) == [view.mask_id(pid(13, date(1980, 1, 1))), view.mask_id(pid(12, date(1980, 1, 1)))]
    assert list(risk["未联系天数"]) == [130, 183]
    assert any("2017-12-30（6 个月前）" in c.value for c in at.caption)
    assert any("另有 2 名流动党员未编入流动党员党支部" in c.value for c in at.caption)
    assert not at.info  # the map and charts are drawn
    (deck,) = at.get("deck_gl_json_chart")
    spec = json.loads(deck.proto.json)
    arcs = {layer["id"]: layer for layer in spec["layers"]}["arcs"]["data"]
    assert sorted((a["home_name"], a["dest_city"], a["members_n"]) for a in arcs) == [
        ("甲镇", "上海市", 1), ("甲镇", "北京市", 2), ("甲镇", "郑州市", 1)]


@pytest.mark.parametrize("code,name", [("T2", "乙街道"), ("T3", "丙乡")])
def test_page_for_a_township_without_outflow_says_so_instead_of_a_blank_map(monkeypatch, tiny_url, code, name):
    at = run_page(monkeypatch, tiny_url, township=code, as_of="2018-06-30")
    assert at.title[0].value == f"{name}流动党员"
    assert at.info[0].value == f"{name}截至 2018-06-30 没有流动党员（无流出记录），因此没有流向地图和分布图。"
    assert at.info[1].value == "所选范围内没有流动党员党支部。"
    assert at.success[0].value == "所选范围内没有失联风险党员。"
    assert not [e for e in at.get("deck_gl_json_chart")]
    assert card("out_card_total", "流动党员", "0") in markdown_text(at)


def test_page_for_the_district_at_a_later_date_counts_the_new_outflow_in_english(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, as_of="2018-08-31", lang="en")
    assert at.title[0].value == "Mobile party members: Whole district"
    text = markdown_text(at)
    assert card("out_card_total", "Mobile members", "5") in text
    assert card("out_card_at_risk", "At risk of lost contact", "3") in text
    risk = at.dataframe[1].value
    assert list(risk["Name"]) == ["测试13号", "测试12号", "测试15号"]
    assert list(risk["Branch"]) == ["M1组织", "Not assigned", "Not assigned"]


# --- in the browser -------------------------------------------------------------------------------
def wait_for_count(page, selector: str, n: int, timeout_ms: int = 30000) -> None:
    """Wait until at least n elements match `selector` (charts draw a moment after the script ends)."""
    page.wait_for_function(f"() => document.querySelectorAll({json.dumps(selector)}).length >= {n}", timeout=timeout_ms)


def test_outflow_page_draws_the_map_and_charts_offline_and_a_township_bar_opens_it(page, app_url):
    page.goto(app_url + "/outflow", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "全区流动党员"
    page.wait_for_function("() => [...document.querySelectorAll('canvas')].some(c => c.width > 300 && c.height > 300)",
                           timeout=30000)  # the China map (deck.gl)
    wait_for_count(page, ".js-plotly-plot .svg-container", 3)  # plotly is loaded lazily: give it time on a busy machine
    charts_drawn = page.locator(".js-plotly-plot")
    assert charts_drawn.count() == 3  # destinations, townships, branches
    assert page.locator(".js-plotly-plot .bars .point path").count() > 20
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "outflow-district.png"), full_page=True)
    # the township chart is the second plot; its top bar is the township with the most mobile members
    town_chart = charts_drawn.nth(1)
    top_label = town_chart.locator(".ytick text").last.text_content()
    town_chart.locator(".bars .point path").last.click(force=True)
    page.wait_for_function(f"() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('{top_label}')",
                           timeout=30000)
    wait_ready(page)
    assert page.locator("h1").first.inner_text().strip() == f"{top_label}流动党员"
    assert "township=" in page.url
    page.wait_for_timeout(3000)  # the choice stays (no revert to the district a few seconds later)
    assert page.locator("h1").first.inner_text().strip() == f"{top_label}流动党员"
    assert page.get_by_test_id("stException").count() == 0
    assert page.blocked == []


def test_outflow_page_of_a_street_without_outflow_shows_the_empty_state(page, app_url):
    page.goto(app_url + "/outflow?township=411402002", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.get_by_test_id("stException").count() == 0
    assert "白云街道截至" in page.get_by_test_id("stAlert").first.inner_text()
    wait_for_count(page, ".js-plotly-plot .bars .point path", 16)  # the township comparison is still drawn
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "outflow-empty-township.png"), full_page=True)
    assert page.blocked == []


def test_home_points_are_the_selected_township_or_all():
    towns = pd.DataFrame({"code": ["T1", "T2"], "name": ["甲镇", "乙街道"], "lon": [115.7, 115.65], "lat": [34.5, 34.44]})
    assert list(view.home_points(towns, "T2")["name"]) == ["乙街道"]
    assert list(view.home_points(towns, None)["name"]) == ["甲镇", "乙街道"]


def test_flows_can_be_limited_to_the_largest(tiny_engine):
    df = q.outflow_flows(tiny_engine, scope=ALL, as_of=AS_OF, limit=1)
    assert rows(df, "home_code", "dest_city", "members_n") == [("T1", "北京市", 2)]


def test_top_townships_keep_the_selected_one(tiny_engine):
    by_town = q.outflow_by_township(tiny_engine, scope=ALL, as_of=AUG)
    top, hidden = view.top_townships(by_town, top=1, selected="T3")
    assert list(top["township_code"]) == ["T1", "T3"] and hidden == 1
    top, hidden = view.top_townships(by_town, top=2, selected=None)
    assert list(top["township_code"]) == ["T1", "T2"] and hidden == 1
