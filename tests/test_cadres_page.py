"""干部结构: queries on the tiny database (hand-worked answers), pure logic, charts, AppTest.

Cadres of tests/tiny_db.py, ages at AS_OF = 2018-06-30 (whole years):
  C1 男 1977-06-30 (41: birthday on the as-of date) 大学本科 正科 T1
  C2 女 1977-07-01 (40)                            大专     副科 T1
  C3 男 1985-01-01 (33)                            研究生   正科 区直
  C4 女 1965-01-01 (53; 55 on 2020-01-01)          中专     副科 T2
  C5 男 1990-01-01 (28)                            大学本科 科员 T2   (not section-level)
  C6 男 1970-01-01 (48)                            研究生   正处 区直 (not section-level)
Section-level (科级) = 正科 + 副科 = C1..C4. T3 has no cadres.
"""
from datetime import date

import pandas as pd
import pytest

from lib import cadres
from lib.charts import cadres as cad_charts
from lib.queries import cadres as q
from lib.scope import Scope
from tiny_db import AS_OF
import page_helpers

ALL = Scope.all()


def pairs(df: pd.DataFrame, key: str) -> dict:
    return dict(zip(df[key], df["cadres_n"].astype(int)))


# --- queries -----------------------------------------------------------------------------------

def test_age_pyramid_counts_whole_years_at_the_as_of_date(tiny_engine):
    df = q.cadres_by_age_gender(tiny_engine, scope=ALL, as_of=AS_OF)
    assert df[["gender", "age_years", "cadres_n"]].values.tolist() == [["男", 33, 1], ["女", 40, 1], ["男", 41, 1], ["女", 53, 1]]
    everyone = q.cadres_by_age_gender(tiny_engine, scope=ALL, as_of=AS_OF, section_only=False)
    assert everyone[["gender", "age_years"]].values.tolist() == [["男", 28], ["男", 33], ["女", 40], ["男", 41], ["男", 48], ["女", 53]]
    assert q.cadres_by_age_gender(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF).empty


def test_age_pyramid_clamps_ages_outside_the_drawn_range(tiny_engine):
    df = q.cadres_by_age_gender(tiny_engine, scope=ALL, as_of=date(2035, 1, 1))
    # C4 is 70 and C1 57, C2 57, C3 50 on 2035-01-01: 70 is drawn at the top bar (65)
    assert df[["gender", "age_years"]].values.tolist() == [["男", 50], ["女", 57], ["男", 57], ["女", 65]]


def test_age_bands(tiny_engine):
    df = q.cadres_by_age_band(tiny_engine, scope=ALL, as_of=AS_OF)
    assert list(df["age_band"]) == list(q.AGE_BANDS)
    assert pairs(df, "age_band") == {"≤35": 1, "36-40": 1, "41-45": 1, "46-50": 0, "51-55": 1, "56+": 0}
    everyone = q.cadres_by_age_band(tiny_engine, scope=ALL, as_of=AS_OF, section_only=False)
    assert pairs(everyone, "age_band") == {"≤35": 2, "36-40": 1, "41-45": 1, "46-50": 1, "51-55": 1, "56+": 0}
    t1 = q.cadres_by_age_band(tiny_engine, scope=Scope.of("T1"), as_of=AS_OF)
    assert pairs(t1, "age_band") == {"≤35": 0, "36-40": 1, "41-45": 1, "46-50": 0, "51-55": 0, "56+": 0}
    t3 = q.cadres_by_age_band(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF)
    assert pairs(t3, "age_band") == {b: 0 for b in q.AGE_BANDS}
    # a day earlier C1 is still 40
    before = q.cadres_by_age_band(tiny_engine, scope=Scope.of("T1"), as_of=date(2018, 6, 29))
    assert pairs(before, "age_band")["36-40"] == 2


def test_education_groups(tiny_engine):
    df = q.cadres_by_education(tiny_engine, scope=ALL, as_of=AS_OF)
    assert list(df["education"]) == ["研究生", "大学本科", "大专", "中专及以下"]
    assert pairs(df, "education") == {"研究生": 1, "大学本科": 1, "大专": 1, "中专及以下": 1}
    everyone = q.cadres_by_education(tiny_engine, scope=ALL, as_of=AS_OF, section_only=False)
    assert pairs(everyone, "education") == {"研究生": 2, "大学本科": 2, "大专": 1, "中专及以下": 1}
    t2 = q.cadres_by_education(tiny_engine, scope=Scope.of("T2"), as_of=AS_OF)
    assert pairs(t2, "education") == {"研究生": 0, "大学本科": 0, "大专": 0, "中专及以下": 1}


def test_ranks_by_unit_type(tiny_engine):
    df = q.cadres_by_rank(tiny_engine, scope=ALL, as_of=AS_OF)
    assert df[["rank", "unit_type", "cadres_n"]].values.tolist() == [
        ["正科", "township", 1], ["正科", "district", 1], ["副科", "township", 2]]
    everyone = q.cadres_by_rank(tiny_engine, scope=ALL, as_of=AS_OF, section_only=False)
    assert everyone[["rank", "unit_type", "cadres_n"]].values.tolist() == [
        ["正处", "district", 1], ["正科", "township", 1], ["正科", "district", 1], ["副科", "township", 2],
        ["科员", "township", 1]]
    # a township view leaves out district-unit (区直) cadres
    t1 = q.cadres_by_rank(tiny_engine, scope=Scope.of("T1"), as_of=AS_OF)
    assert t1[["rank", "unit_type", "cadres_n"]].values.tolist() == [["正科", "township", 1], ["副科", "township", 1]]
    assert q.cadres_by_rank(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF).empty


def shares_of(df):
    return {r["unit_type"]: (r["cadres_n"], r["cadres_40_or_younger_n"], r["cadres_bachelor_plus_n"])
            for r in df.to_dict("records")}


def test_young_and_degree_shares_by_unit_type(tiny_engine):
    df = q.cadre_shares_by_unit_type(tiny_engine, scope=ALL, as_of=AS_OF)
    # townships: C1 (41, 本科), C2 (40, 大专), C4 (53, 中专); district units: C3 (33, 研究生)
    assert shares_of(df) == {"township": (3, 1, 1), "district": (1, 1, 1)}
    everyone = q.cadre_shares_by_unit_type(tiny_engine, scope=ALL, as_of=AS_OF, section_only=False)
    assert shares_of(everyone) == {"township": (4, 2, 2), "district": (2, 1, 2)}
    assert shares_of(q.cadre_shares_by_unit_type(tiny_engine, scope=Scope.of("T1"), as_of=AS_OF)) == {
        "township": (2, 1, 1), "district": (0, 0, 0)}
    assert shares_of(q.cadre_shares_by_unit_type(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF)) == {
        "township": (0, 0, 0), "district": (0, 0, 0)}


def test_shares_by_township(tiny_engine):
    df = q.cadre_shares_by_township(tiny_engine, scope=ALL, as_of=AS_OF)
    got = {(None if pd.isna(r["township_code"]) else r["township_code"]): (r["cadres_n"], r["cadres_40_or_younger_n"], r["cadres_bachelor_plus_n"])
           for r in df.to_dict("records")}
    assert got == {"T1": (2, 1, 1), "T2": (1, 0, 0), None: (1, 1, 1)}


def retire_of(df):
    cols = ["cadres_n", "retire_1y_n", "retire_2y_n", "retire_3y_n", "reached_n"]
    return {(r["gender"], r["unit_type"]): tuple(int(r[c]) for c in cols) for r in df.to_dict("records")}


@pytest.mark.parametrize("as_of, c4", [
    (AS_OF, (0, 1, 1, 0)),                # C4 turns 55 on 2020-01-01: within 2 years
    (date(2018, 12, 31), (0, 1, 1, 0)),   # one year later is 2019-12-31: still not within 1 year
    (date(2019, 1, 1), (1, 1, 1, 0)),     # exactly one year ahead counts
    (date(2020, 1, 1), (0, 0, 0, 1)),     # on her 55th birthday she has reached retirement age
])
def test_retirements_due_within_one_two_three_years(tiny_engine, as_of, c4):
    df = q.cadre_retirements(tiny_engine, scope=ALL, as_of=as_of)
    assert retire_of(df) == {("女", "township"): (2, *c4), ("男", "district"): (1, 0, 0, 0, 0),
                             ("男", "township"): (1, 0, 0, 0, 0)}


def test_retirement_ages_are_a_setting(tiny_engine, monkeypatch):
    from lib import config

    rules = dict(config.settings()["rules"], retirement_age_female=54, retirement_age_male=75)
    monkeypatch.setattr(config, "rule", lambda key: rules[key])
    df = q.cadre_retirements(tiny_engine, scope=ALL, as_of=AS_OF)
    # C4 turns 54 on 2019-01-01: within 1 year; no man reaches 75 soon
    assert retire_of(df)[("女", "township")] == (2, 1, 1, 1, 0)
    everyone = q.cadre_retirements(tiny_engine, scope=ALL, as_of=date(2045, 1, 1), section_only=False)
    # C6 (born 1970-01-01) turns 75 on 2045-01-01: reached
    assert retire_of(everyone)[("男", "district")][-1] == 1


def test_retirements_follow_the_township_scope(tiny_engine):
    assert retire_of(q.cadre_retirements(tiny_engine, scope=Scope.of("T2"), as_of=AS_OF)) == {
        ("女", "township"): (1, 0, 1, 1, 0)}
    assert q.cadre_retirements(tiny_engine, scope=Scope.of("T3"), as_of=AS_OF).empty


# --- pure logic --------------------------------------------------------------------------------

def test_shares_add_a_total_row_and_rates():
    df = pd.DataFrame({"unit_type": ["township", "district"], "cadres_n": [3, 1], "cadres_40_or_younger_n": [1, 1],
                       "cadres_bachelor_plus_n": [1, 1]})
    out = cadres.shares(df).set_index("unit_type")
    assert list(out.index) == ["township", "district", "total"]
    assert out.loc["total", "cadres_n"] == 4
    assert out.loc["total", "cadres_40_or_younger_rate"] == pytest.approx(0.5)
    assert out.loc["township", "cadres_bachelor_plus_rate"] == pytest.approx(1 / 3)
    empty = cadres.shares(df.iloc[:0]).set_index("unit_type")
    assert empty.loc["total", "cadres_n"] == 0 and pd.isna(empty.loc["total", "cadres_40_or_younger_rate"])


def test_retirement_windows_sum_by_gender_and_unit_type():
    df = pd.DataFrame({"gender": ["女", "男", "男"], "unit_type": ["township", "district", "township"],
                       "cadres_n": [5, 4, 3], "retire_1y_n": [1, 0, 2], "retire_2y_n": [2, 1, 2],
                       "retire_3y_n": [3, 1, 3], "reached_n": [0, 0, 0]})
    out = cadres.retirement_windows(df)
    assert out.values.tolist() == [[1, 2, 1, 3, 0, 3], [2, 3, 2, 4, 1, 5], [3, 4, 3, 6, 1, 7]]


def test_township_shares_keep_townships_without_cadres():
    by_town = pd.DataFrame({"township_code": ["T1", "T2", None], "cadres_n": [2, 1, 1],
                            "cadres_40_or_younger_n": [1, 0, 1], "cadres_bachelor_plus_n": [1, 0, 1]})
    towns = pd.DataFrame({"code": ["T1", "T2", "T3"], "name": ["甲镇", "乙街道", "丙乡"]})
    out = cadres.township_shares(by_town, towns).set_index("township_code")
    assert list(out.index) == ["T1", "T2", "T3"]
    assert out.loc["T1", "cadres_40_or_younger_rate"] == pytest.approx(0.5)
    assert out.loc["T3", "cadres_n"] == 0 and pd.isna(out.loc["T3", "cadres_bachelor_plus_rate"])


# --- charts ------------------------------------------------------------------------------------

def test_age_pyramid_puts_men_left_and_women_right():
    df = pd.DataFrame({"gender": ["男", "女", "男", "女"], "age_years": [33, 40, 41, 53], "cadres_n": [1, 1, 2, 1]})
    fig = cad_charts.age_pyramid(df, title="年龄金字塔", x_title="人数", y_title="年龄（周岁）",
                                 gender_names={"男": "男", "女": "女"}, min_age=20, max_age=65)
    men, women = fig.data
    assert len(men.y) == 46 and men.y[0] == "≤20" and men.y[-1] == "≥65"
    assert men.x[41 - 20] == -2 and men.x[33 - 20] == -1 and sum(men.x) == -3
    assert women.x[40 - 20] == 1 and women.x[53 - 20] == 1 and sum(women.x) == 2
    assert fig.layout.title.text == "年龄金字塔" and fig.layout.yaxis.title.text == "年龄（周岁）"


def test_count_bars_label_counts_and_shares():
    df = pd.DataFrame({"education": ["研究生", "大学本科", "大专", "中专及以下"], "cadres_n": [1, 1, 1, 1]})
    fig = cad_charts.count_bars(df, category_col="education", title="学历", x_title="学历", y_title="人数（人）",
                                category_names={"研究生": "Postgraduate"})
    assert list(fig.data[0].x) == ["Postgraduate", "大学本科", "大专", "中专及以下"]
    assert list(fig.data[0].text) == ["1（25.0%）"] * 4


def test_share_bars_show_each_unit_type_with_the_target_line():
    rows = cadres.shares(pd.DataFrame({"unit_type": ["township", "district"], "cadres_n": [3, 0],
                                       "cadres_40_or_younger_n": [1, 0], "cadres_bachelor_plus_n": [1, 0]}))
    fig = cad_charts.share_bars(rows, value_col="cadres_40_or_younger_rate", title="40岁以下占比", y_title="占比（%）",
                                unit_names={"township": "乡镇/街道", "district": "区直单位", "total": "合计"},
                                target=0.2, target_label="目标 20.0%")
    assert list(fig.data[0].x) == ["乡镇/街道", "合计"]  # no district-unit cadres: no bar
    assert list(fig.data[0].text) == ["33.3%", "33.3%"]
    assert fig.layout.shapes[0].y0 == pytest.approx(20)
    assert fig.data[1].name == "目标 20.0%" and fig.data[1].line.dash == "dash"  # named in the legend


def test_rank_bars_stack_unit_types_in_rank_order():
    df = pd.DataFrame({"rank": ["正科", "正科", "副科"], "unit_type": ["township", "district", "township"],
                       "cadres_n": [1, 1, 2]})
    fig = cad_charts.rank_bars(df, ranks=("正处", "副处", "正科", "副科", "科员"), title="职级", x_title="职级",
                               y_title="人数", unit_names={"township": "乡镇/街道", "district": "区直单位"})
    assert list(fig.data[0].x) == ["正科", "副科"]
    assert list(fig.data[0].y) == [1, 2] and list(fig.data[1].y) == [1, 0]
    assert list(fig.data[2].text) == ["2", "2"]
    township_only = cad_charts.rank_bars(df[df["unit_type"] == "township"], ranks=("正科", "副科"), title="职级",
                                         x_title="职级", y_title="人数", unit_names={"township": "乡镇/街道", "district": "区直单位"})
    assert [tr.name for tr in township_only.data if tr.type == "bar"] == ["乡镇/街道"]


def test_retirement_bars_stack_men_and_women_per_window():
    windows = pd.DataFrame({"years": [1, 2, 3], "men_n": [0, 0, 1], "women_n": [0, 1, 1], "township_n": [0, 1, 2],
                            "district_n": [0, 0, 0], "total_n": [0, 1, 2]})
    fig = cad_charts.retirement_bars(windows, title="到龄退休", x_title="到龄时间", y_title="人数",
                                     window_names={1: "1年内", 2: "2年内", 3: "3年内"}, gender_names={"男": "男", "女": "女"})
    assert list(fig.data[0].x) == ["1年内", "2年内", "3年内"]
    assert list(fig.data[1].y) == [0, 1, 1] and list(fig.data[2].text) == ["0", "1", "2"]


# --- the page (AppTest) ------------------------------------------------------------------------

def run_page(monkeypatch, url: str, **params):
    return page_helpers.run_page("cadres", monkeypatch, url, **params)

def kpi_value(at, key: str) -> str:
    text = "\n".join(m.value for m in at.markdown)
    part = text.split(f"data-kpi='{key}'>", 1)[1]
    return part.split("<div class='value'>", 1)[1].split("</div>", 1)[0]


def kpis(at) -> dict:
    keys = ["cad_total", "cad_cadres_40_or_younger_rate", "cad_cadres_bachelor_plus_rate", "cad_retire_1y",
            "cad_retire_2y", "cad_retire_3y"]
    return {k: kpi_value(at, k) for k in keys}


def figure(at, title: str) -> dict:
    import json

    specs = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    return next(s for s in specs if s["layout"]["title"]["text"] == title)


def test_cadres_page_for_a_township_from_the_url_shows_its_numbers(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T2", as_of="2018-06-30")
    assert at.title[0].value == "乙街道干部队伍结构"
    # T2 section-level: C4 only (53, 中专, woman turning 55 on 2020-01-01)
    assert kpis(at) == {"cad_total": "1", "cad_cadres_40_or_younger_rate": "0.0%",
                        "cad_cadres_bachelor_plus_rate": "0.0%", "cad_retire_1y": "0", "cad_retire_2y": "1",
                        "cad_retire_3y": "1"}
    retire = at.dataframe[0].value
    assert retire.values.tolist() == [["1年内", 0, 0, 0, 0, 0], ["2年内", 0, 1, 1, 0, 1], ["3年内", 0, 1, 1, 0, 1]]
    assert list(retire.columns) == ["到龄时间", "男", "女", "乡镇/街道", "区直单位", "合计"]
    bands = figure(at, "干部年龄段分布")["data"][0]
    assert bands["text"] == ["0（0.0%）", "0（0.0%）", "0（0.0%）", "0（0.0%）", "1（100.0%）", "0（0.0%）"]


def test_cadres_page_counts_every_cadre_when_chosen_in_the_url(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T2", as_of="2018-06-30", cadres="all")
    # C4 and C5 (科员, 28, 大学本科)
    assert kpis(at)["cad_total"] == "2"
    assert kpis(at)["cad_cadres_40_or_younger_rate"] == "50.0%"
    assert kpis(at)["cad_cadres_bachelor_plus_rate"] == "50.0%"
    assert figure(at, "干部职级结构")["data"][0]["x"] == ["副科", "科员"]


def chart_titles(at) -> list[str]:
    import json

    return [json.loads(el.proto.spec)["layout"]["title"]["text"] for el in at.get("plotly_chart")]


def test_unit_type_charts_only_in_the_district_view(monkeypatch, tiny_url):
    district = chart_titles(run_page(monkeypatch, tiny_url, as_of="2018-06-30"))
    assert len([x for x in district if x.endswith("（按单位类型）")]) == 3  # two shares and rank
    town = run_page(monkeypatch, tiny_url, township="T2", as_of="2018-06-30")
    titles = chart_titles(town)
    # a township's cadres are all 乡镇/街道: the split would repeat the total, so only rank (unsplit) is drawn
    assert not [x for x in titles if "按单位类型" in x]
    assert "干部职级结构" in titles
    captions = [c.value for c in town.caption]
    assert "口径：现任职级；所属该乡镇（街道）的干部。" in captions
    assert not [c for c in captions if c.count("口径") > 1]  # one definition per caption line


def test_cadres_page_for_the_district(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, as_of="2018-06-30")
    assert at.title[0].value == "全区干部队伍结构"
    assert kpis(at)["cad_total"] == "4"
    assert kpis(at)["cad_cadres_40_or_younger_rate"] == "50.0%"  # C2, C3
    shares = at.dataframe[1].value
    assert shares.values.tolist() == [["乡镇/街道", 3, 1, 1, "33.3%", "33.3%"], ["区直单位", 1, 1, 1, "100.0%", "100.0%"],
                                      ["合计", 4, 2, 2, "50.0%", "50.0%"]]
    towns = figure(at, "各乡镇（街道）40岁以下占比")["data"][0]
    assert towns["y"] == ["乙街道", "甲镇"]  # T3 has no cadres; T1 1/2 is best, drawn last (at the top)


def test_cadres_page_in_english(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, as_of="2018-06-30", lang="en")
    assert at.title[0].value == "Cadre structure: Whole district"
    assert figure(at, "Cadres by education")["data"][0]["x"] == ["Postgraduate", "Bachelor's", "College diploma",
                                                                   "Vocational or below"]


def test_cadres_page_for_the_empty_township_says_so(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T3", as_of="2018-06-30")
    assert [i.value for i in at.info] == ["所选范围内没有符合口径的干部。"]


def test_kpi_cards_compare_the_shares_with_their_targets():
    total = pd.Series({"cadres_n": 4, "cadres_40_or_younger_rate": 0.5, "cadres_bachelor_plus_rate": 0.5})
    windows = pd.DataFrame({"years": [1, 2, 3], "total_n": [0, 1, 1]})
    cards = {c.key: c for c in cadres.kpi_cards(total, windows)}
    assert cards["cad_total"].value == "4"
    # targets: 40 or younger 20% (met), bachelor's or above 60% (missed)
    assert (cards["cad_cadres_40_or_younger_rate"].value, cards["cad_cadres_40_or_younger_rate"].status) == ("50.0%", "good")
    assert cards["cad_cadres_bachelor_plus_rate"].status_text == "低于目标 60.0%"
    assert [cards[f"cad_retire_{n}y"].value for n in (1, 2, 3)] == ["0", "1", "1"]
    assert cards["cad_retire_1y"].label == "1年内到龄退休"
