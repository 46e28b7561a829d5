"""Identifiers, dates, formats and the overview's card model."""
from datetime import date, datetime

import pytest

from lib import fmt
from lib.idcodes import credit_check_char, credit_code_problem, id_birth_date, id_gender, id_number_problem, make_id_number
from lib.overview import alerts, kpi_cards, ranking_table, ranks
from lib.rules import age_years, minus_months, minus_years, quarter_end, recommended_org, ticket_derived


def test_a_published_id_number_example_has_a_valid_check_digit():
    assert id_number_problem("11010519491231002X") is None
    assert id_number_problem("110105194912310021") == "校验位不正确"
    assert id_birth_date("11010519491231002X") == date(1949, 12, 31)
    assert id_gender("11010519491231002X") == "女"


def test_generated_id_numbers_encode_birth_date_and_gender():
    value = make_id_number("411402", date(1985, 2, 28), 17, male=True)
    assert id_number_problem(value) is None
    assert id_birth_date(value) == date(1985, 2, 28)
    assert id_gender(value) == "男"


def test_credit_code_check_character_of_a_known_code():
    assert credit_check_char("91350100M000100Y4") == "3"
    assert credit_code_problem("91350100M000100Y43") is None
    assert credit_code_problem("91350100M000100Y44") == "校验位不正确"


def test_date_arithmetic_clamps_month_ends_and_leap_days():
    assert minus_months(date(2018, 8, 31), 6) == date(2018, 2, 28)
    assert minus_years(date(2020, 2, 29), 41) == date(1979, 2, 28)
    assert quarter_end("2018Q3") == date(2018, 9, 30)
    assert age_years(date(1977, 7, 1), date(2018, 6, 30)) == 40
    assert age_years(date(1977, 6, 30), date(2018, 6, 30)) == 41


def test_ticket_due_time_is_received_plus_days():
    derived = ticket_derived(datetime(2018, 12, 30, 9), 3)
    assert derived == {"due_at": datetime(2019, 1, 2, 9), "received_month": "2018-12"}


@pytest.mark.parametrize("members,expected", [(2, "联合党支部"), (3, "党支部"), (7, "党支部（设支委会）"), (50, "党总支"), (100, "党委")])
def test_recommended_organization_follows_member_thresholds(members, expected):
    assert recommended_org(members) == expected


def test_numbers_are_formatted_the_chinese_way():
    assert fmt.num(21239) == "21,239"
    assert fmt.pct(218 / 369) == "59.1%"
    assert fmt.pp(0.032) == "+3.2个百分点"
    assert fmt.pp(-0.0149, "en") == "-1.5 pp"
    assert fmt.pct(None) == "—"


def test_cards_show_change_and_target_status():
    current = {"nonpublic_org_coverage_rate": 0.6, "satisfaction_rate": 0.96, "satisfaction_period": "2018Q4",
               "should_build_not_built_n": 12, "outflow_at_risk_n": 3, "outflow_at_risk_rate": 0.03}
    previous = {"nonpublic_org_coverage_rate": 0.5, "should_build_not_built_n": 15}
    cards = {c.key: c for _, cs in kpi_cards(current, previous) for c in cs}
    cov = cards["nonpublic_org_coverage_rate"]
    assert (cov.value, cov.delta, cov.status, cov.status_text) == ("60.0%", "+10.0个百分点", "bad", "低于目标 90.0%")
    sat = cards["satisfaction_rate"]
    assert (sat.label, sat.status, sat.delta) == ("群众满意率（2018Q4）", "good", None)
    sb = cards["should_build_not_built_n"]
    assert (sb.value, sb.delta, sb.delta_color, sb.status) == ("12", "-3", "inverse", "bad")
    # the 5% limit is on the share: the share card carries the flag, the head count none
    assert (cards["outflow_at_risk_n"].status, cards["outflow_at_risk_n"].status_text) == (None, None)
    assert (cards["outflow_at_risk_rate"].value, cards["outflow_at_risk_rate"].status,
            cards["outflow_at_risk_rate"].status_text) == ("3.0%", "good", "不超过 5.0%")


def test_an_unchanged_kpi_says_so_instead_of_plus_zero():
    cards = {c.key: c for _, cs in kpi_cards({"villages_n": 244, "cadres_bachelor_plus_rate": 0.5566},
                                            {"villages_n": 244, "cadres_bachelor_plus_rate": 0.5563}) for c in cs}
    assert (cards["villages_n"].delta, cards["villages_n"].delta_color) == ("持平", "off")
    assert cards["cadres_40_or_younger_rate"].delta is None  # no value: nothing to compare


def test_roster_based_cadre_cards_never_show_a_change():
    # the cadre roster has no history: head count and education would always read 持平, so they show nothing;
    # the share aged 40 or younger moves with age and keeps its change
    now = {"cadres_n": 1015, "cadres_bachelor_plus_rate": 0.557, "cadres_40_or_younger_rate": 0.175}
    before = {"cadres_n": 1015, "cadres_bachelor_plus_rate": 0.557, "cadres_40_or_younger_rate": 0.2}
    cards = {c.key: c for _, cs in kpi_cards(now, before) for c in cs}
    assert (cards["cadres_n"].value, cards["cadres_n"].delta) == ("1,015", None)
    assert (cards["cadres_bachelor_plus_rate"].value, cards["cadres_bachelor_plus_rate"].delta) == ("55.7%", None)
    assert (cards["cadres_40_or_younger_rate"].delta, cards["cadres_40_or_younger_rate"].delta_color) == (
        "-2.5个百分点", "normal")


def test_without_data_a_year_earlier_no_card_shows_a_change():
    now = {"tickets_n": 21239, "tickets_open_overdue_n": 73, "members_n": 11589, "nonpublic_org_coverage_rate": 0.447}
    assert all(c.delta is None for _, cs in kpi_cards(now, None) for c in cs)


def test_the_comparison_date_is_a_year_earlier_unless_before_the_first_data():
    from lib.overview import comparison_date
    assert comparison_date(date(2016, 12, 31), date(2016, 1, 1)) is None       # 2015-12-31: no data then
    assert comparison_date(date(2017, 1, 1), date(2016, 1, 1)) == date(2016, 1, 1)  # the first day itself counts
    assert comparison_date(date(2018, 6, 30), None) == date(2017, 6, 30)
    assert comparison_date(date(2020, 2, 29), date(2016, 1, 1)) == date(2019, 2, 28)


def test_survey_cards_compare_only_with_an_earlier_survey():
    now = {"satisfaction_rate": 0.98, "satisfaction_basic_rate": 0.996, "satisfaction_period": "2018Q4"}
    same = dict(now, satisfaction_rate=0.97, satisfaction_basic_rate=0.99)  # no newer survey a year ago
    cards = {c.key: c for _, cs in kpi_cards(now, same) for c in cs}
    assert cards["satisfaction_rate"].delta is None and cards["satisfaction_basic_rate"].delta is None
    older = dict(same, satisfaction_period="2017Q4")
    cards = {c.key: c for _, cs in kpi_cards(now, older) for c in cs}
    assert (cards["satisfaction_rate"].delta, cards["satisfaction_basic_rate"].delta) == ("+1.0个百分点", "+0.6个百分点")


def test_rank_badges_name_the_townships_ranked_when_not_all_are():
    from lib.overview import rank_text
    assert rank_text("members_n", (2, 16, 16)) == "第 2/16"
    assert rank_text("outflow_at_risk_rate", (1, 9, 16)) == "第 1/9（有流动党员的乡镇）"
    assert rank_text("outflow_at_risk_rate", (1, 9, 16), "en") == "#1 of 9 (townships with outflow members)"
    assert rank_text("members_n", (1, 2, 3)) == "第 1/2（有数据的乡镇）"
    assert rank_text("members_n", (3, 5)) == "第 3/5"


def test_alerts_name_what_needs_attention():
    assert alerts({"should_build_not_built_n": 12, "tickets_open_overdue_n": 0, "nonpublic_org_coverage_rate": 0.95}) == [
        "12 家“两新”组织党员3人以上尚未建立党组织（应建未建）。"]


def test_ranks_share_places_on_ties_and_skip_missing_values():
    import pandas as pd

    df = pd.DataFrame({"township_code": ["A", "B", "C"], "name": ["甲", "乙", "丙"],
                       "nonpublic_org_coverage_rate": [0.5, 0.8, 0.5], "satisfaction_rate": [0.9, None, 0.95]})
    for key in ("nonpublic_work_coverage_rate", "tickets_on_time_rate", "outflow_at_risk_rate", "should_build_not_built_n",
                "tickets_open_overdue_n", "cadres_40_or_younger_rate", "members_n"):
        df[key] = None
    r = ranks(df, "C")
    # (rank, ranked, all townships): B has no survey, so C ranks among 2 of the 3
    assert r["nonpublic_org_coverage_rate"] == (2, 3, 3)
    assert r["satisfaction_rate"] == (1, 2, 3)
    cards = {c.key: c for _, cs in kpi_cards({"satisfaction_rate": 0.95, "nonpublic_org_coverage_rate": 0.5}, None,
                                             ranks=r) for c in cs}
    assert cards["nonpublic_org_coverage_rate"].rank_text == "第 2/3"
    assert cards["satisfaction_rate"].rank_text == "第 1/2（有测评数据的乡镇）"
    table = ranking_table(df, "nonpublic_org_coverage_rate")
    assert list(table["township_code"]) == ["B", "A", "C"]
    assert list(table["rank"]) == [1, 2, 2]


def test_a_long_ranking_shows_its_two_ends_and_the_selected_township():
    import pandas as pd

    from lib.overview import ranking_ends

    # T1..T9 with rates 0.1..0.9 (T9 best); T0 has no value: it is neither an end nor left in the chart
    df = pd.DataFrame({"township_code": [f"T{i}" for i in range(10)],
                       "nonpublic_org_coverage_rate": [None] + [i / 10 for i in range(1, 10)]})
    shown, hidden = ranking_ends(df, "nonpublic_org_coverage_rate", each=2, selected="T5")
    assert list(shown["township_code"]) == ["T1", "T2", "T5", "T8", "T9"] and hidden == 5
    # overdue tickets: lower is better, so the ends are the same townships in the other sense
    df = df.rename(columns={"nonpublic_org_coverage_rate": "tickets_open_overdue_n"})
    shown, hidden = ranking_ends(df, "tickets_open_overdue_n", each=2, selected=None)
    assert list(shown["township_code"]) == ["T1", "T2", "T8", "T9"] and hidden == 6
    shown, hidden = ranking_ends(df, "tickets_open_overdue_n", each=5, selected=None)
    assert len(shown) == 10 and hidden == 0  # short enough to show whole
