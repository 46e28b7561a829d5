"""Numbers that must agree: no change against a year without data, roster-based cadre cards without change,
the 失联风险 limit on the share card, rank badges that name their denominator, slide footnotes that tell the truth.
Answers worked out by hand from tests/tiny_db.py (first ticket K5 on 2017-11-01)."""
from datetime import date

import pandas as pd

from lib.briefing import build_slides, outflow_caption
from lib.scope import Scope
from page_helpers import card, markdown_text, run_page
from tiny_db import AS_OF


def deltas(text: str) -> list[str]:
    return [line for line in text.split("<div class='kpi-card'") if "<div class='delta" in line]


def card_delta(text: str, key: str) -> str | None:
    block = text[text.index(f"data-kpi='{key}'"):]
    block = block[:block.index("data-kpi=", 10)] if "data-kpi=" in block[10:] else block
    if "<div class='delta" not in block:
        return None
    start = block.index("<div class='delta")
    return block[start:block.index("<span", start)]


def test_overview_at_the_first_year_of_data_hides_only_the_changes_without_data_and_says_which(monkeypatch, tiny_url):
    # a year before 2018-06-30 is 2017-06-30: before the first ticket (2017-11-01) and the first survey (2018Q1, ends
    # 2018-03-31), but organisations (2000), members (1990) and outflow (2015) have data then: only tickets and
    # satisfaction show no change
    at = run_page("overview", monkeypatch, tiny_url, as_of="2018-06-30")
    text = markdown_text(at)
    assert card(text, "tickets_n") == "6"
    for key in ("tickets_n", "tickets_on_time_rate", "tickets_open_overdue_n", "satisfaction_rate",
                "satisfaction_basic_rate", "cadres_n", "cadres_bachelor_plus_rate"):
        assert card_delta(text, key) is None, key
    # party organisations 7 against 6 (S1org founded 2018-01-15)
    assert card_delta(text, "party_orgs_n") == "<div class='delta good' title='较上年同期'>▲ +1 "
    # members 6 against 6 (P4 joined 2017-05-01, P3 2018-07-01): 持平, neutral
    assert card_delta(text, "members_n") == "<div class='delta ' title='较上年同期'> 持平 "
    # social organisations 1/2 against 0/2: +50.0 points; should build, not built 3 against 4 (S1 had no org): -1, good
    assert card_delta(text, "social_org_coverage_rate") == "<div class='delta good' title='较上年同期'>▲ +50.0个百分点 "
    assert card_delta(text, "should_build_not_built_n") == "<div class='delta good' title='较上年同期'>▼ -1 "
    # outflow 4 against 3 (F3 left 2018-02-20)
    assert card_delta(text, "outflow_n") == "<div class='delta good' title='较上年同期'>▲ +1 "
    # 40 or younger: 2/4 against 3/4 at 2017-06-30 (C1 born 1977-06-30 was 40): -25.0 points
    assert card_delta(text, "cadres_40_or_younger_rate") == "<div class='delta bad' title='较上年同期'>▼ -25.0个百分点 "
    captions = [c.value for c in at.caption]
    assert ("所选日期一年前（2017-06-30）尚无以下数据，相关指标不显示较上年变化：便民服务工单（数据始于 2017-11-01）、"
            "满意度测评（数据始于 2018-03-31）。") in captions
    assert any(c.startswith("口径：变化均为较上年同期") and "40岁以下含40岁" in c for c in captions)


def test_previous_kpis_keep_only_the_families_with_data_a_year_earlier(tiny_engine):
    from lib.overview import comparison_gaps, no_comparison_note, previous_kpis
    from lib.queries.firsts import first_dates

    def query(fn, **kw):
        return fn(tiny_engine, **kw)

    firsts = first_dates(tiny_engine)
    assert firsts == {"tickets": date(2017, 11, 1), "satisfaction": date(2018, 3, 31), "organisations": date(2000, 1, 1),
                      "members": date(1990, 7, 1), "outflow": date(2015, 4, 1)}
    before = previous_kpis(query, scope=Scope.all(), as_of=AS_OF)
    assert "tickets_n" not in before and "satisfaction_rate" not in before and "satisfaction_period" not in before
    assert (before["party_orgs_n"], before["members_n"], before["outflow_n"]) == (6, 6, 3)
    # 1991-06-30: a year earlier (1990-06-30) P1 had not joined (1990-07-01) and organisations start in 2000: nothing
    # had data; a day later P1 had
    assert sorted(comparison_gaps(firsts, date(1991, 6, 30))) == ["members", "organisations", "outflow", "satisfaction",
                                                                  "tickets"]
    assert sorted(comparison_gaps(firsts, date(1991, 7, 1))) == ["organisations", "outflow", "satisfaction", "tickets"]
    assert previous_kpis(query, scope=Scope.all(), as_of=date(1991, 6, 30)) is None
    assert no_comparison_note(query, as_of=date(2019, 6, 30)) is None  # 2018-06-30: every family has data
    assert no_comparison_note(query, as_of=AS_OF, lang="en") == (
        "A year before the chosen date (2017-06-30) there were no data yet for: service tickets (data from 2017-11-01); "
        "satisfaction surveys (data from 2018-03-31); their indicators show no change.")


def test_overview_a_year_later_compares_with_a_year_earlier_except_the_cadre_roster(monkeypatch, tiny_url):
    at = run_page("overview", monkeypatch, tiny_url, as_of="2018-12-31")
    text = markdown_text(at)
    assert not any("无上年同期数据" in c.value for c in at.caption)

    def delta(key):
        block = text[text.index(f"data-kpi='{key}'"):]
        block = block[:block.index("data-kpi=", 10)] if "data-kpi=" in block[10:] else block
        if "<div class='delta" not in block:
            return None
        start = block.index("<div class='delta")
        return block[block.index(">", start) + 1:block.index("<span", start)].strip()

    # coverage 4/7 (E2org 2018-09-01) against 3/7 at 2017-12-31: +14.3 points
    assert card(text, "nonpublic_org_coverage_rate") == "57.1%" and delta("nonpublic_org_coverage_rate") == "▲ +14.3个百分点"
    # tickets in 2018: K1 K2 K3 K4 K6 K7 K8 = 7; in 2017 up to 2017-12-31: K5 = 1
    assert card(text, "tickets_n") == "7" and delta("tickets_n") == "▲ +6"
    # the roster has no history: 4 section-level cadres, 2 with a bachelor's, whatever the date: no change shown
    assert card(text, "cadres_n") == "4" and delta("cadres_n") is None
    assert card(text, "cadres_bachelor_plus_rate") == "50.0%" and delta("cadres_bachelor_plus_rate") is None
    # ages move: 40 or younger at 2017-12-31 C1 C2 C3 = 3/4, at 2018-12-31 only C3 = 1/4: -50.0 points
    assert card(text, "cadres_40_or_younger_rate") == "25.0%" and delta("cadres_40_or_younger_rate") == "▼ -50.0个百分点"


def test_the_lost_contact_limit_sits_on_the_share_card_not_the_head_count(monkeypatch, tiny_url):
    at = run_page("overview", monkeypatch, tiny_url, as_of="2018-06-30")
    text = markdown_text(at)
    # 2 of 4 outflow members at risk (F2, F3): 50.0% against the 5% limit
    assert card(text, "outflow_at_risk_n") == "2" and card(text, "outflow_at_risk_n", "status") == ""
    assert card(text, "outflow_at_risk_rate") == "50.0%"
    assert card(text, "outflow_at_risk_rate", "status") == "● 超过控制值 5.0%"
    assert "应建未建（两新组织）" in text


def test_rank_badges_name_their_denominator_and_cover_social_orgs_and_basic_satisfaction(monkeypatch, tiny_url):
    at = run_page("overview", monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    text = markdown_text(at)
    # only T1 has outflow members at 2018-06-30
    assert card(text, "outflow_at_risk_rate", "rank") == "第 1/1（有流动党员的乡镇）"
    assert card(text, "outflow_at_risk_n", "rank") == ""
    # social organizations: T1 S1 covered (100%), T2 S2 not (0%); T3 has none
    assert card(text, "social_org_coverage_rate", "rank") == "第 1/2（有社会组织的乡镇）"
    # satisfied or fairly satisfied in 2018Q2: T1 99/100, T2 95/100
    assert card(text, "satisfaction_basic_rate") == "99.0%"
    assert card(text, "satisfaction_basic_rate", "rank") == "第 1/2（有测评数据的乡镇）"
    assert card(text, "members_n", "rank") == "第 1/3"  # every township has a value: no qualifier


def test_services_page_at_the_first_year_of_data_shows_no_change(monkeypatch, tiny_url):
    at = run_page("services", monkeypatch, tiny_url, as_of="2018-06-30")
    text = markdown_text(at)
    assert card(text, "tickets_n") == "6" and deltas(text) == []
    assert "所选日期一年前（2017-06-30）早于数据起始日期（2017-11-01），无上年同期数据，不显示变化。" in [
        c.value for c in at.caption]
    later = markdown_text(run_page("services", monkeypatch, tiny_url, as_of="2018-12-31"))
    assert card(later, "tickets_n") == "7" and "+6" in later.split("data-kpi='tickets_n'")[1].split("data-kpi=")[0]


def test_slides_put_the_limit_on_the_share_and_name_both_kinds_of_should_build(tiny_engine):
    deck = build_slides(tiny_engine, scope=Scope.all(), as_of=AS_OF, scope_name="全区",
                        slides=["outflow", "coverage", "cadres"])
    tiles = {s.key: {t.label: t for t in s.tiles} for s in deck.slides}
    risk, share = tiles["outflow"]["失联风险"], tiles["outflow"]["失联风险占比"]
    assert (risk.value, risk.status, risk.status_text) == ("<5", None, None)
    assert (share.value, share.status, share.status_text) == ("50.0%", "bad", "超过控制值 5.0%")
    assert tiles["coverage"]["应建未建（两新组织）"].value == "3"  # E2, E5 and S2
    # organisations and outflow had data a year earlier (2017-06-30): coverage 3/7 then too, 应建未建 4 (S1 had no
    # org), at risk 0 of 3 then
    notes = {t.label: t.note for t in deck.slides[0].tiles + deck.slides[1].tiles}
    assert (notes["非公企业党组织覆盖率"], notes["应建未建（两新组织）"], notes["失联风险占比"]) == ("持平", "-1", "+50.0个百分点")
    later = build_slides(tiny_engine, scope=Scope.all(), as_of=date(2018, 12, 31), scope_name="全区", slides=["cadres"])
    cadres = {t.label: t for t in later.slides[0].tiles}
    assert cadres["科级干部"].note is None and cadres["本科以上占比"].note is None
    assert cadres["40岁以下占比"].note == "-50.0个百分点"


def test_outflow_footnote_says_what_other_holds():
    nine = pd.DataFrame({"dest_city": [f"城{i}" for i in range(9)] + ["小城"], "outflow_n": [50, 40, 30, 20, 10, 9, 8, 7, 6, 3]})
    assert outflow_caption(nine, "zh") == ("口径：截至所选日期已流出的党员，按流入城市。"
                                           "列出人数最多的7个城市，其余城市合并为“其他”；不足5人的城市不单列。")
    small = pd.DataFrame({"dest_city": ["北京市", "甲", "乙"], "outflow_n": [20, 3, 4]})
    assert outflow_caption(small, "zh").endswith("不足5人的城市合并为“其他”。")
    hidden = pd.DataFrame({"dest_city": ["北京市", "甲"], "outflow_n": [20, 3]})
    assert outflow_caption(hidden, "zh").endswith("不足5人的城市合计不足5人，未列出。")
    plain = pd.DataFrame({"dest_city": ["北京市"], "outflow_n": [20]})
    assert outflow_caption(plain, "zh") == "口径：截至所选日期已流出的党员，按流入城市。"
    assert outflow_caption(nine, "en").startswith("Definition: members who left by the chosen date, by destination city. "
                                                  "The 7 largest cities are shown;")
