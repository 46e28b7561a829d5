"""两新覆盖: queries on the tiny database (hand-worked answers), pure logic, charts, AppTest and the browser.

Enterprises of tests/tiny_db.py at AS_OF = 2018-06-30 (org = own or joint organization founded by as_of):
  T1 甲镇: E1 120 emp 5 mem E1org(2017-03) · E5 45 emp 3 mem, no org, no instructor · E6 8 emp, instructor
           S1 (社会组织) 20 emp 3 mem S1org(2018-01-15)
  T2 乙街道: E2 60 emp 4 mem, E2org founded 2018-09 (later), instructor · E3 30 emp J1(2016-05) · E4 15 emp J1
           E7 500 emp, empty instructor · S2 (社会组织) 12 emp 6 mem, instructor
  T3 丙乡: nothing.
"""
from datetime import date

import pandas as pd
import pytest

from lib import coverage
from lib.charts import coverage as cov_charts
from lib.queries import coverage as q
from lib.scope import Scope
from tiny_db import AS_OF
import page_helpers

NP, SO = "非公企业", "社会组织"
COUNTS = ["enterprises_n", "with_org_n", "work_covered_n", "should_build_n"]


def rows(df: pd.DataFrame, key: str) -> dict:
    return {r[key]: tuple(int(r[c]) for c in COUNTS) for r in df.to_dict("records")}


# --- queries -----------------------------------------------------------------------------------

def test_coverage_by_township_counts_every_township_including_the_empty_one(tiny_engine):
    df = q.coverage_by_township(tiny_engine, scope=Scope.all(), as_of=AS_OF, kind=NP)
    # T1: E1 covered; E6 instructor; E5 should build. T2: E3, E4 (joint J1) covered; E2 instructor, org only later
    assert rows(df, "township_code") == {"T1": (3, 1, 2, 1), "T2": (4, 2, 3, 1), "T3": (0, 0, 0, 0)}
    assert list(df["name"]) == ["甲镇", "乙街道", "丙乡"]


def test_coverage_by_township_of_social_organizations(tiny_engine):
    df = q.coverage_by_township(tiny_engine, scope=Scope.all(), as_of=AS_OF, kind=SO)
    assert rows(df, "township_code") == {"T1": (1, 1, 1, 0), "T2": (1, 0, 1, 1), "T3": (0, 0, 0, 0)}


def test_coverage_by_township_follows_the_township_scope(tiny_engine):
    df = q.coverage_by_township(tiny_engine, scope=Scope.of("T2"), as_of=AS_OF, kind=NP)
    assert rows(df, "township_code") == {"T2": (4, 2, 3, 1)}
    empty = q.coverage_by_township(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF, kind=NP)
    assert rows(empty, "township_code") == {"T3": (0, 0, 0, 0)}


@pytest.mark.parametrize("as_of, t1, t2", [
    (date(2016, 12, 31), (3, 0, 1, 2), (4, 2, 3, 1)),   # E1org not yet founded: E1 (5 members) should build
    (date(2018, 12, 31), (3, 1, 2, 1), (4, 3, 3, 0)),   # E2org founded 2018-09-01 covers E2
])
def test_coverage_by_township_counts_organizations_founded_by_the_as_of_date(tiny_engine, as_of, t1, t2):
    df = q.coverage_by_township(tiny_engine, scope=Scope.all(), as_of=as_of, kind=NP)
    assert rows(df, "township_code") == {"T1": t1, "T2": t2, "T3": (0, 0, 0, 0)}


def test_social_organization_founded_in_2018_is_not_covered_at_the_end_of_2017(tiny_engine):
    df = q.coverage_by_township(tiny_engine, scope=Scope.all(), as_of=date(2017, 12, 31), kind=SO)
    assert rows(df, "township_code")["T1"] == (1, 0, 0, 1)  # S1org founded 2018-01-15; S1 has 3 members


def test_coverage_by_industry(tiny_engine):
    df = q.coverage_by_industry(tiny_engine, scope=Scope.all(), as_of=AS_OF, kind=NP)
    # 制造业 E1 E2 E3 E7; 建筑业 E4 E5; 批发和零售业 E6 — largest first
    assert list(df["industry"]) == ["制造业", "建筑业", "批发和零售业"]
    assert rows(df, "industry") == {"制造业": (4, 2, 3, 1), "建筑业": (2, 1, 1, 1), "批发和零售业": (1, 0, 1, 0)}
    t1 = q.coverage_by_industry(tiny_engine, scope=Scope.of("T1"), as_of=AS_OF, kind=NP)
    assert rows(t1, "industry") == {"制造业": (1, 1, 1, 0), "建筑业": (1, 0, 0, 1), "批发和零售业": (1, 0, 1, 0)}
    assert q.coverage_by_industry(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF, kind=NP).empty


def test_coverage_by_size_band_has_every_band_in_order(tiny_engine):
    df = q.coverage_by_size(tiny_engine, scope=Scope.all(), as_of=AS_OF, kind=NP)
    assert list(df["size_band"]) == ["<50", "50-99", "100-499", "500+"]
    # <50: E3 E4 E5 E6; 50-99: E2; 100-499: E1; 500+: E7 (exactly 500)
    assert rows(df, "size_band") == {"<50": (4, 2, 3, 1), "50-99": (1, 0, 1, 1), "100-499": (1, 1, 1, 0),
                                     "500+": (1, 0, 0, 0)}
    t3 = q.coverage_by_size(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF, kind=NP)
    assert rows(t3, "size_band") == {b: (0, 0, 0, 0) for b in q.SIZE_BANDS}


def test_coverage_founded_by_month(tiny_engine):
    df = q.coverage_founded_by_month(tiny_engine, scope=Scope.all(), as_of=AS_OF, kind=NP)
    assert df[["year", "month", "covered_n"]].values.tolist() == [[2016, 5, 2], [2017, 3, 1]]  # J1 (E3, E4), E1org
    assert set(df["enterprises_n"]) == {7}
    later = q.coverage_founded_by_month(tiny_engine, scope=Scope.all(), as_of=date(2018, 12, 31), kind=NP)
    assert later[["year", "month", "covered_n"]].values.tolist()[-1] == [2018, 9, 1]
    t1 = q.coverage_founded_by_month(tiny_engine, scope=Scope.of("T1"), as_of=AS_OF, kind=NP)
    assert t1[["year", "month", "covered_n", "enterprises_n"]].values.tolist() == [[2017, 3, 1, 3]]
    assert q.coverage_founded_by_month(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF, kind=NP).empty


def test_should_build_list_has_the_enterprises_with_three_members_and_no_organization(tiny_engine):
    df = q.should_build_list(tiny_engine, scope=Scope.all(), as_of=AS_OF)
    # S2 6 members, E2 4 (its organization comes only in September), E5 3 — most members first
    assert list(df["name"]) == ["企业S2", "企业E2", "企业E5"]
    assert list(df["township_name"]) == ["乙街道", "乙街道", "甲镇"]
    e2 = df[df["name"] == "企业E2"].iloc[0]
    assert (e2["instructor"], e2["not_built_reason"], int(e2["members_n"])) == ("王指导", "正在组建", 4)
    assert list(q.should_build_list(tiny_engine, scope=Scope.all(), as_of=AS_OF, kind=NP)["name"]) == ["企业E2", "企业E5"]
    assert list(q.should_build_list(tiny_engine, scope=Scope.of("T1"), as_of=AS_OF)["name"]) == ["企业E5"]
    assert q.should_build_list(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF).empty
    assert list(q.should_build_list(tiny_engine, scope=Scope.all(), as_of=date(2018, 12, 31))["name"]) == ["企业S2", "企业E5"]
    assert list(q.should_build_list(tiny_engine, scope=Scope.all(), as_of=AS_OF, limit=1)["name"]) == ["企业S2"]


# --- pure logic --------------------------------------------------------------------------------

def test_with_rates_and_totals():
    df = pd.DataFrame({"enterprises_n": [3, 4, 0], "with_org_n": [1, 2, 0], "work_covered_n": [2, 3, 0],
                       "should_build_n": [1, 1, 0]})
    out = coverage.with_rates(df)
    assert out["org_coverage_rate"].iloc[0] == pytest.approx(1 / 3)
    assert out["work_coverage_rate"].iloc[1] == pytest.approx(0.75)
    assert pd.isna(out["org_coverage_rate"].iloc[2])  # T3: no enterprises, no rate
    assert list(out["work_only_n"]) == [1, 1, 0] and list(out["uncovered_n"]) == [1, 1, 0]
    total = coverage.totals(df)
    assert (total["enterprises_n"], total["with_org_n"], total["should_build_n"]) == (7, 3, 2)
    assert total["org_coverage_rate"] == pytest.approx(3 / 7) and total["work_coverage_rate"] == pytest.approx(5 / 7)


def founded_frame():
    return pd.DataFrame({"year": [2016, 2017], "month": [5, 3], "covered_n": [2, 1], "enterprises_n": [7, 7]})


def test_coverage_over_time_by_quarter_accumulates_up_to_the_as_of_date():
    series = coverage.coverage_over_time(founded_frame(), as_of=AS_OF, freq="quarter")
    assert series["period"].iloc[0] == "2016Q2" and series["period"].iloc[-1] == "2018Q2"
    assert len(series) == 9
    assert list(series["covered_n"]) == [2, 2, 2, 3, 3, 3, 3, 3, 3]
    assert series["org_coverage_rate"].iloc[-1] == pytest.approx(3 / 7)


def test_coverage_over_time_by_month_and_with_a_cap_on_periods():
    months = coverage.coverage_over_time(founded_frame(), as_of=AS_OF, freq="month")
    assert (months["period"].iloc[0], months["period"].iloc[-1], len(months)) == ("2016-05", "2018-06", 26)
    capped = coverage.coverage_over_time(founded_frame(), as_of=AS_OF, freq="quarter", max_periods=4)
    assert list(capped["period"]) == ["2017Q3", "2017Q4", "2018Q1", "2018Q2"]
    assert list(capped["covered_n"]) == [3, 3, 3, 3]  # foundings before the window are in the first value
    assert coverage.coverage_over_time(founded_frame().iloc[:0], as_of=AS_OF).empty


def test_should_build_table_names_the_organization_to_form():
    raw = pd.DataFrame({"credit_code": ["a", "b", "c", "d"], "name": ["甲", "乙", "丙", "丁"], "kind": [NP] * 4,
                        "industry": ["制造业"] * 4, "township_code": ["T1"] * 4, "township_name": ["甲镇"] * 4,
                        "employees_n": [900, 300, 80, 20], "members_n": [120, 55, 7, 3],
                        "instructor": [None, "王", None, None], "not_built_reason": [None, None, "x", None]})
    out = coverage.should_build_table(raw)
    assert list(out["recommended_org"]) == ["党委", "党总支", "党支部（设支委会）", "党支部"]
    assert list(out["instructor"]) == ["", "王", "", ""]
    assert list(out.columns) == list(coverage.SHOULD_BUILD_COLUMNS)


def test_coverage_targets_come_from_settings():
    assert coverage.target(NP, "org") == pytest.approx(0.90)
    assert coverage.target(NP, "work") == pytest.approx(0.95)
    assert coverage.target(SO, "org") == pytest.approx(0.90)


# --- charts ------------------------------------------------------------------------------------

STATUS = {"with_org_n": "已建", "work_only_n": "仅指导员", "uncovered_n": "未覆盖"}


def test_coverage_stack_draws_one_segment_per_status_and_the_rate():
    df = coverage.with_rates(pd.DataFrame({"industry": ["制造业", "建筑业", "空"], "enterprises_n": [4, 2, 0],
                                           "with_org_n": [2, 1, 0], "work_covered_n": [3, 1, 0], "should_build_n": [1, 1, 0]}))
    fig = cov_charts.coverage_stack(df, category_col="industry", title="分行业", x_title="数量（家）",
                                    status_names=STATUS, rate_name="组织覆盖")
    bars = [tr for tr in fig.data if tr.type == "bar"]
    assert [tr.name for tr in bars] == ["已建", "仅指导员", "未覆盖"]
    assert list(bars[0].y) == ["建筑业", "制造业"]  # empty categories dropped; the largest on top (drawn last)
    assert list(bars[0].x) == [1, 2] and list(bars[1].x) == [0, 1] and list(bars[2].x) == [1, 1]
    assert list(fig.data[-1].text) == ["组织覆盖 50.0%", "组织覆盖 50.0%"]
    assert fig.layout.barmode == "stack" and fig.layout.title.text == "分行业"
    assert fig.layout.xaxis.title.text == "数量（家）"


def test_coverage_stack_keeps_the_size_band_order_when_not_sorted():
    df = coverage.with_rates(pd.DataFrame({"size_band": list(q.SIZE_BANDS), "enterprises_n": [4, 1, 1, 1],
                                           "with_org_n": [2, 0, 1, 0], "work_covered_n": [3, 1, 1, 0],
                                           "should_build_n": [1, 1, 0, 0]}))
    fig = cov_charts.coverage_stack(df, category_col="size_band", title="规模", x_title="数量", status_names=STATUS,
                                    rate_name="组织覆盖", category_names={"<50": "50人以下"}, sort=False)
    assert list(fig.data[0].y) == ["500+", "100-499", "50-99", "50人以下"]  # first band at the top


def test_coverage_trend_draws_the_rate_and_the_target_line():
    series = coverage.coverage_over_time(founded_frame(), as_of=AS_OF)
    fig = cov_charts.coverage_trend(series, title="覆盖率变化", y_title="覆盖率（%）", rate_name="党组织覆盖率",
                                    target=0.9, target_label="目标 90.0%")
    assert list(fig.data[0].x) == list(series["period"])
    assert fig.data[0].y[-1] == pytest.approx(300 / 7)
    assert fig.layout.shapes[0].y0 == pytest.approx(90)
    assert fig.layout.yaxis.title.text == "覆盖率（%）"


# --- the page (AppTest) ------------------------------------------------------------------------

def run_page(monkeypatch, url: str, **params):
    return page_helpers.run_page("coverage", monkeypatch, url, **params)

def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def kpi_value(text: str, key: str) -> str:
    part = text.split(f"data-kpi='cov_{key}'>", 1)[1]
    return part.split("<div class='value'>", 1)[1].split("</div>", 1)[0]


def values(v) -> list:
    """Return a plotly JSON array as a list (plotly writes numeric arrays as base64 typed arrays)."""
    import base64

    import numpy as np

    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def plotly_figures(at) -> dict:
    """Return the page's plotly figures (JSON) by title."""
    import json

    specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def test_coverage_page_for_a_township_from_the_url_shows_its_numbers(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    assert at.title[0].value == "甲镇“两新”组织党建覆盖"
    text = markdown(at)
    assert "全区 › <b>甲镇</b>" in text
    assert {k: kpi_value(text, k) for k in ("enterprises_n", "with_org_n", "org_coverage_rate", "work_coverage_rate",
                                            "should_build_n")} == {
        "enterprises_n": "3", "with_org_n": "1", "org_coverage_rate": "33.3%", "work_coverage_rate": "66.7%",
        "should_build_n": "1"}
    assert at.subheader[0].value == "应建未建名单（1 家）"
    table = at.dataframe[0].value
    assert list(table["名称"]) == ["企业E5"]
    assert table.iloc[0][["所属乡镇", "行业", "从业人员数", "正式党员数", "应建组织形式", "未建原因", "党建指导员"]].tolist() == \
        ["甲镇", "建筑业", 45, 3, "党支部", "党员组织关系未转入", ""]
    figures = plotly_figures(at)
    towns = figures["各乡镇（街道）非公企业党组织覆盖率"]["data"][0]
    # every township with enterprises, best at the top (plotly draws the first at the bottom); T1 highlighted
    assert values(towns["y"]) == ["甲镇", "乙街道"] and [round(v, 1) for v in values(towns["x"])] == [33.3, 50.0]
    size = figures["非公企业按从业人员规模的党建覆盖情况"]["data"]
    # drawn bottom-up (500+, 100-499, 50-99, <50): E1 (120 employees) is T1's only enterprise with an org
    assert values(size[0]["x"]) == [0, 1, 0, 0]


def test_coverage_page_social_organizations_chosen_in_the_url(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T1", as_of="2018-06-30", kind="社会组织")
    text = markdown(at)
    assert kpi_value(text, "enterprises_n") == "1" and kpi_value(text, "org_coverage_rate") == "100.0%"
    assert at.subheader[0].value == "应建未建名单（0 家）"
    assert "所选范围内没有应建未建的社会组织。" in [s.value for s in at.success]


def test_coverage_page_for_the_district_in_english(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, as_of="2018-06-30", lang="en", measure="work")
    assert at.title[0].value == "Party coverage of new organizations: Whole district"
    text = markdown(at)
    assert kpi_value(text, "org_coverage_rate") == "42.9%" and kpi_value(text, "work_coverage_rate") == "71.4%"
    assert at.subheader[0].value == "Should build, not built (2)"
    assert list(at.dataframe[0].value["Name"]) == ["企业E2", "企业E5"]
    towns = plotly_figures(at)["Work coverage of non-public enterprises by township"]["data"][0]
    assert values(towns["y"]) == ["甲镇", "乙街道"] and [round(v, 1) for v in values(towns["x"])] == [66.7, 75.0]


def test_coverage_page_for_the_empty_township(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T3", as_of="2018-06-30")
    text = markdown(at)
    assert kpi_value(text, "enterprises_n") == "0" and kpi_value(text, "org_coverage_rate") == "—"
    assert "所选范围内尚无已建党组织的非公企业。" in [i.value for i in at.info]
