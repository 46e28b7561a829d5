"""The written summary (综述), sentence by sentence, on the hand-built database and on edge cases."""
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

import tiny_db
from lib import db, schema
from lib.narrative import SLIDES, Writer, gather, overview_summary, period_text
from lib.scope import Scope
from tiny_db import AS_OF

DISTRICT = [
    "截至2018年6月30日，全区共有乡镇（街道）3个、村（社区）3个，基层党组织7个，党员6名。"
    # targets: only 40岁以下 (2/4 = 50.0% >= 20%) is met
    "在设有目标值的7项指标中，1项达到目标，非公企业党组织覆盖率、非公企业党的工作覆盖率、社会组织党组织覆盖率、"
    "按时办结率、群众满意率、本科以上干部占比尚未达标。",
    # a year earlier (2017-06-30) organisations existed (tickets and surveys did not): 3/7 then too (E1org
    # 2017-03-01, J1 2016-05-01), 持平; 应建未建 E2, S2 in 乙街道, E5 in 甲镇
    "全区7家非公有制企业中已建立党组织3家，组织覆盖率42.9%，与上年同期持平，低于90.0%的目标；"
    "仍有3家“两新”组织党员3人以上未建立党组织，集中在乙街道、甲镇。"
    "党的工作覆盖率（含选派党建指导员）为71.4%；社会组织2家，已建立党组织1家，覆盖率50.0%。",
    # 北京市 2 (F1, F5), 上海市 1, 郑州市 1; at risk F2, F3
    "全区现有外出流动党员4名，建立流动党员党支部1个，主要流向北京市、上海市、郑州市。"
    "其中2名超过6个月未联系或无联系记录，占50.0%，高于5.0%的控制值，需加强联系。",
    # no comparison with a year earlier: the first ticket is 2017-11-01
    "2018年以来，全区便民服务站共受理群众办事6件；按时办结率40.0%，低于95.0%的目标。"
    "目前仍有3件工单超期未办结，需督促办理。办理量居前的事项是学生困难证明、代办事项。",
    # 2018Q2 180/200 = 90.0%; no survey a year earlier; 2018Q1 130/150 = 86.7%: +3.3 points on the previous
    # survey, which the sentence names; (180+14)/200 = 97.0%
    "在2018年二季度全区群众满意度测评中，受访群众200人，满意率为90.0%，较上期（2018年一季度）提高3.3个百分点，低于95.0%的目标；"
    "满意及基本满意率97.0%。",
    "全区科级干部4名，其中40岁以下的2名，占50.0%，达到20.0%的目标；本科以上学历的2名，占50.0%，低于60.0%的目标。",
    "下一步，将重点推动3家应建未建的“两新”组织建立党组织，督办3件超期未办结工单，与2名流动党员建立或恢复经常性联系，"
    "推动非公企业党组织覆盖率、非公企业党的工作覆盖率、社会组织党组织覆盖率、按时办结率、群众满意率、本科以上干部占比达到目标。",
]


def summary(engine, scope=Scope.all(), name="全区", **kw):
    return overview_summary(engine, scope=scope, as_of=kw.pop("as_of", AS_OF), scope_name=name, **kw)


def test_district_summary_matches_the_hand_worked_sentences(tiny_engine):
    s = summary(tiny_engine)
    assert s.title == "全区基层党建工作综述"
    assert s.paragraphs == DISTRICT
    assert s.text == "\n\n".join(["全区基层党建工作综述", *DISTRICT])


def test_district_talking_points_name_best_and_worst_townships(tiny_engine):
    points = summary(tiny_engine).points
    assert list(points) == list(SLIDES)
    assert all(1 <= len(p) <= 2 for p in points.values())
    assert points["coverage"][1] == "各乡镇（街道）中，乙街道非公企业党组织覆盖率最高（50.0%），甲镇最低（33.3%）。"
    assert points["satisfaction"][1] == "各乡镇（街道）中，甲镇群众满意率最高（95.0%），乙街道最低（85.0%）。"
    assert points["title"] == ["本次汇报数据截至2018年6月30日，涵盖组织建设、两新覆盖、流动党员、便民服务、群众满意度和干部队伍六个方面。"]


def test_township_summary_speaks_of_the_township_and_its_rank(tiny_engine):
    s = summary(tiny_engine, Scope.of("T1"), "甲镇")
    assert s.paragraphs[0].startswith("截至2018年6月30日，甲镇共有村（社区）2个，基层党组织5个，党员4名。在设有目标值的7项指标中，3项达到目标，")
    # one township: no "集中在" clause
    assert s.paragraphs[1] == ("甲镇3家非公有制企业中已建立党组织1家，组织覆盖率33.3%，与上年同期持平，低于90.0%的目标；"
                               "仍有1家“两新”组织党员3人以上未建立党组织。"
                               "党的工作覆盖率（含选派党建指导员）为66.7%；社会组织1家，已建立党组织1家，覆盖率100.0%。")
    # T1 2018Q2 95/100 against 2018Q1 90/100: +5.0 points, target reached (达)
    assert s.paragraphs[4] == ("在2018年二季度甲镇群众满意度测评中，受访群众100人，满意率达95.0%，较上期（2018年一季度）提高5.0个百分点，"
                               "达到95.0%的目标；满意及基本满意率99.0%。")
    # T3 has no enterprises, so T1 ranks among the two townships with data
    assert s.points["coverage"][1] == "甲镇非公企业党组织覆盖率在有数据的2个乡镇（街道）中排第2位。"
    assert s.points["satisfaction"][1] == "甲镇群众满意率在有数据的2个乡镇（街道）中排第1位。"


def test_a_township_without_any_data_says_so_in_every_paragraph(tiny_engine):
    s = summary(tiny_engine, Scope.of("T3"), "丙乡")
    assert s.paragraphs == [
        "截至2018年6月30日，丙乡暂无基层党组织和党员数据。",
        "丙乡暂无非公有制企业数据。",
        "丙乡暂无外出流动党员记录。",
        "2018年以来丙乡暂无便民服务工单记录。",
        "丙乡暂无群众满意度测评数据。",
        "丙乡暂无科级干部数据。",
        "各项指标均达到目标，下一步将巩固成果、持续提升。",
    ]
    assert all("None" not in p and "nan" not in p and "—" not in p for p in s.paragraphs)


def test_english_summary_uses_the_same_numbers(tiny_engine):
    s = summary(tiny_engine, lang="en")
    assert s.title == "Grassroots party building in the district: summary"
    assert s.paragraphs[0].startswith("Figures as of 2018-06-30. The district: townships 3, villages and communities 3, "
                                      "grassroots party organizations 7, party members 6.")
    assert s.paragraphs[1].startswith("Non-public enterprises in the district with a party organization: 3 of 7, a coverage "
                                      "of 42.9%, unchanged on a year earlier, below the 90.0% target;")
    assert "up 3.3 points on the previous survey (Q1 2018)" in s.paragraphs[4]
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in s.paragraphs[4])  # no Chinese left in a sentence about surveys


def test_private_summary_writes_small_people_counts_as_fewer_than_five(tiny_engine):
    s = summary(tiny_engine, private=True)
    assert "党员6名" in s.paragraphs[0]  # 6 people is not a small cell
    assert s.paragraphs[2].startswith("全区现有外出流动党员不足5名，")
    assert "其中不足5名超过6个月未联系" in s.paragraphs[2]
    assert s.paragraphs[5].startswith("全区科级干部不足5名，其中40岁以下的不足5名，占50.0%")
    assert "与不足5名流动党员建立或恢复经常性联系" in s.paragraphs[6]
    # organizations and tickets stay exact
    assert "仍有3家“两新”组织" in s.paragraphs[1] and "督办3件超期未办结工单" in s.paragraphs[6]


def test_the_query_hook_runs_every_query(tiny_engine):
    calls = []

    def query(fn, **kw):
        calls.append(fn.__name__)
        return fn(tiny_engine, **kw)

    assert summary(tiny_engine, query=query).paragraphs == DISTRICT
    assert {"kpi_counts", "kpis_by_township", "outflow_by_destination", "satisfaction_by_period"} <= set(calls)


def test_period_text_reads_the_quarter_in_chinese_and_english():
    assert period_text("2018Q3") == "2018年三季度"
    assert period_text("2018Q3", "en") == "Q3 2018"


# --- edge cases on hand-made Facts and small databases ---

def facts(tiny_engine):
    return gather(tiny_engine, scope=Scope.all(), as_of=AS_OF, scope_name="全区")


def test_a_falling_rate_reads_xiajiang_and_names_the_points(tiny_engine):
    f = facts(tiny_engine)
    before = dict(f.previous, nonpublic_org_coverage_rate=0.5)  # 50.0% -> 42.9%: down 7.1 points
    assert "组织覆盖率42.9%，较上年同期下降7.1个百分点，低于90.0%的目标" in Writer(replace(f, previous=before)).coverage()
    before = dict(f.previous, nonpublic_org_coverage_rate=0.4)  # 40.0% -> 42.9%: up 2.9 points
    assert "较上年同期提高2.9个百分点" in Writer(replace(f, previous=before)).coverage()


def test_without_a_previous_period_no_change_is_claimed(tiny_engine):
    f = facts(tiny_engine)
    empty_prev = {k: (0 if k.endswith("_n") else None) for k in f.previous}
    w = Writer(replace(f, previous=empty_prev, sat_periods=f.sat_periods.tail(1)))
    assert w.coverage().startswith("全区7家非公有制企业中已建立党组织3家，组织覆盖率42.9%，低于90.0%的目标；")
    assert "较上期" not in w.satisfaction() and "上年" not in w.services()


def _mini_db(tmp_path, enterprises, townships=(("T1", "甲镇", "镇"),), surveys=()):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'mini.db'}")
    schema.metadata.drop_all(engine)
    db.init_db(engine)
    with engine.begin() as conn:
        conn.execute(schema.township.insert(), [{"code": c, "name": n, "kind": k, "lon": None, "lat": None}
                                                for c, n, k in townships])
        conn.execute(schema.party_org.insert(), [tiny_db.org("O1", "党委", "机关", townships[0][0], date(2000, 1, 1))])
        orgs = [tiny_db.org(e["org_code"], "党支部", "非公企业", e["township_code"], date(2010, 1, 1), parent="O1")
                for e in enterprises if e["org_code"]]
        if orgs:
            conn.execute(schema.party_org.insert(), orgs)
        if enterprises:
            conn.execute(schema.enterprise.insert(), enterprises)
        if surveys:
            conn.execute(schema.survey.insert(), list(surveys))
        db.bump_version(conn, ["township"], "tests")
    return engine


def test_full_coverage_in_a_single_township_district(tmp_path):
    engine = _mini_db(tmp_path, [tiny_db.ent("A1", "非公企业", "T1", 50, 4, org_code="A1org"),
                                 tiny_db.ent("A2", "非公企业", "T1", 30, 3, org_code="A2org")])
    s = overview_summary(engine, scope=Scope.all(), as_of=AS_OF, scope_name="全区")
    # O1, A1org, A2org; only the two coverage rates can be measured, and both meet their targets
    assert s.paragraphs[0] == ("截至2018年6月30日，全区共有乡镇（街道）1个、村（社区）0个，基层党组织3个，党员0名。"
                               "设有目标值的2项指标均达到目标。")
    # no tickets at all (earliest_date None): the year-earlier view counts, and A1org, A2org existed then
    assert s.paragraphs[1] == ("全区2家非公有制企业中已建立党组织2家，组织覆盖率100.0%，与上年同期持平，实现全覆盖；"
                               "党员3人以上的“两新”组织均已建立党组织。党的工作覆盖率（含选派党建指导员）为100.0%。")
    # a single township: no best/worst sentence, no "集中在"
    assert s.points["coverage"] == [s.paragraphs[1].split("党的工作")[0]]


def test_no_enterprises_at_all_gives_no_coverage_figures(tmp_path):
    engine = _mini_db(tmp_path, [], townships=(("T1", "甲镇", "镇"), ("T2", "乙乡", "乡")))
    s = overview_summary(engine, scope=Scope.all(), as_of=AS_OF, scope_name="全区")
    assert s.paragraphs[1] == "全区暂无非公有制企业数据。"
    assert s.points["coverage"] == ["全区暂无非公有制企业数据。"]


def test_a_first_survey_has_nothing_to_compare_with(tmp_path):
    engine = _mini_db(tmp_path, [], surveys=[{"period": "2018Q2", "township_code": "T1", "respondents_n": 50,
                                              "satisfied_n": 49, "basic_satisfied_n": 1, "dissatisfied_n": 0,
                                              "period_end": date(2018, 6, 30)}])
    s = overview_summary(engine, scope=Scope.all(), as_of=AS_OF, scope_name="全区")
    assert "在2018年二季度全区群众满意度测评中，受访群众50人，满意率达98.0%，达到95.0%的目标；满意及基本满意率100.0%。" in s.paragraphs


def test_at_the_first_year_of_data_only_tickets_and_surveys_are_not_compared(tiny_engine):
    # 2017-06-30 lies before the first ticket (2017-11-01) and the first survey (ends 2018-03-31): those figures would
    # be counted from nothing; organisations, members and outflow had data then
    f = facts(tiny_engine)
    assert "tickets_n" not in f.previous and "satisfaction_period" not in f.previous
    assert (f.previous["party_orgs_n"], f.previous["nonpublic_org_coverage_rate"]) == (6, 3 / 7)
    paragraphs = summary(tiny_engine).paragraphs
    assert [i for i, p in enumerate(paragraphs) if "上年" in p] == [1]  # the coverage sentence only
    assert "上年" not in paragraphs[3] and "上年" not in paragraphs[4]
    assert not any("a year earlier" in p for i, p in enumerate(summary(tiny_engine, lang="en").paragraphs) if i != 1)


def test_a_year_later_the_change_against_a_year_earlier_is_told(tiny_engine):
    s = summary(tiny_engine, as_of=date(2018, 12, 31))
    # coverage 4/7 (E2org 2018-09) against 3/7 at 2017-12-31: +14.3 points
    assert s.paragraphs[1].startswith("全区7家非公有制企业中已建立党组织4家，组织覆盖率57.1%，较上年同期提高14.3个百分点，")
    # 2018: K1 K2 K3 K4 K6 K7 K8 = 7 tickets; 2017 up to 2017-12-31: K5 = 1
    assert s.paragraphs[3].startswith("2018年以来，全区便民服务站共受理群众办事7件，较上年同期增加6件；")
    # 2018Q3 (T1 only) 99/100 = 99.0%; no survey by 2017-12-31, so only the previous survey: 2018Q2 90.0%
    assert "满意率达99.0%，较上期（2018年二季度）提高9.0个百分点，达到95.0%的目标" in s.paragraphs[4]
    assert "上年同期" not in s.paragraphs[4]


def test_satisfaction_states_the_cards_year_on_year_change_first_then_the_previous_survey(tiny_engine):
    from lib.overview import kpi_cards

    f = facts(tiny_engine)
    # a survey a year earlier, 2017Q2, at 85.0%: the card and the sentence both say +5.0 points against it
    f = replace(f, previous={"satisfaction_period": "2017Q2", "satisfaction_rate": 0.85})
    card = {c.key: c for _, cs in kpi_cards(f.current, f.previous) for c in cs}["satisfaction_rate"]
    assert card.delta == "+5.0个百分点"
    assert ("满意率为90.0%，较上年同期提高5.0个百分点，较上期（2018年一季度）提高3.3个百分点，低于95.0%的目标"
            in Writer(f).satisfaction())
    # surveys once a year: the previous survey is the year-earlier one, said once
    f2 = replace(f, previous={"satisfaction_period": "2018Q1", "satisfaction_rate": 130 / 150})
    text = Writer(f2).satisfaction()
    assert "满意率为90.0%，较上年同期提高3.3个百分点，低于95.0%的目标" in text and "较上期" not in text
    # a year earlier falling (95.0% -> 90.0%) while the previous survey rose: both named, no contradiction
    f3 = replace(f, previous={"satisfaction_period": "2017Q2", "satisfaction_rate": 0.95})
    card = {c.key: c for _, cs in kpi_cards(f3.current, f3.previous) for c in cs}["satisfaction_rate"]
    assert card.delta == "-5.0个百分点"
    assert "较上年同期下降5.0个百分点，较上期（2018年一季度）提高3.3个百分点" in Writer(f3).satisfaction()
