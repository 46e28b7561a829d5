"""便民服务: queries on the tiny database (answers worked out by hand below), display logic, charts, AppTest, browser.

The tickets of tests/tiny_db.py at AS_OF = 2018-06-30 (day end 2018-07-01 00:00):
  K1 T1 2018-01-10 due 01-15, closed 01-12 (2 days, on time)   学生困难证明 窗口
  K2 T1 2018-02-01 due 02-04, closed 02-06 (5 days, late)      代办事项     窗口
  K3 T1 2018-06-28 due 07-03, open, not yet due                 学生困难证明 网上
  K4 T2 2018-06-01 due 06-11, open, overdue 19 days             学生困难证明 电话
  K5 T2 2017-11-01 due 11-06, open, overdue 236 days            学生困难证明 窗口
  K6 T2 2018-03-01 due 03-06 10:00, closed 03-06 10:00 (5 days, on time: exactly at due)
  K7 T1 2018-06-20 due 06-23, closed 07-02 (after AS_OF: open and overdue 7 days at AS_OF; 12 days to close)
  K8 T2 2018-07-05 (after AS_OF)                                 due 07-08
Stations are "<township>便民服务中心". T3 has no tickets.
"""
from datetime import date

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import services
from lib.charts import services as charts
from lib.queries import services as q
from lib.queries.tickets import ticket_summary
from lib.scope import Scope
from tiny_db import AS_OF

import page_helpers as helpers
from page_helpers import CHARTS_DRAWN, card, figures, markdown_text
ALL, T1, T2, T3 = Scope.all(), Scope.of("T1"), Scope.of("T2"), Scope.of("T3")
LATER = date(2018, 7, 31)


def rows(df: pd.DataFrame) -> list[tuple]:
    return [tuple(int(v) if isinstance(v, (int, np.integer)) else v for v in r) for r in df.itertuples(index=False)]


# --- queries ----------------------------------------------------------------------------------
def test_monthly_volume_by_category_counts_the_last_twelve_months(tiny_engine):
    df = q.tickets_by_month(tiny_engine, scope=ALL, as_of=AS_OF, by="category")
    # window 2017-07..2018-06: K5 in 2017-11, K1 2018-01, K2 2018-02, K6 2018-03, K3 K4 K7 2018-06; K8 is later
    assert rows(df) == [("2017-11", "学生困难证明", 1), ("2018-01", "学生困难证明", 1), ("2018-02", "代办事项", 1),
                        ("2018-03", "学生困难证明", 1), ("2018-06", "学生困难证明", 3)]


def test_monthly_volume_by_channel(tiny_engine):
    df = q.tickets_by_month(tiny_engine, scope=ALL, as_of=AS_OF, by="channel")
    assert rows(df) == [("2017-11", "窗口", 1), ("2018-01", "窗口", 1), ("2018-02", "窗口", 1), ("2018-03", "窗口", 1),
                        ("2018-06", "电话", 1), ("2018-06", "窗口", 1), ("2018-06", "网上", 1)]


def test_monthly_volume_of_a_township_and_of_the_empty_township(tiny_engine):
    df = q.tickets_by_month(tiny_engine, scope=T1, as_of=AS_OF, by="category")
    assert rows(df) == [("2018-01", "学生困难证明", 1), ("2018-02", "代办事项", 1), ("2018-06", "学生困难证明", 2)]
    assert q.tickets_by_month(tiny_engine, scope=T3, as_of=AS_OF).empty


def test_monthly_window_moves_with_the_as_of_date(tiny_engine):
    # as of 2018-07-31 the window is 2017-08..2018-07, so K8 (2018-07) comes in
    df = q.tickets_by_month(tiny_engine, scope=T2, as_of=LATER, by="channel")
    assert rows(df) == [("2017-11", "窗口", 1), ("2018-03", "窗口", 1), ("2018-06", "电话", 1), ("2018-07", "窗口", 1)]
    # as of 2018-10-31 the window starts 2017-11-01, still holding K5; as of 2018-11-30 it does not
    assert "2017-11" in set(q.tickets_by_month(tiny_engine, scope=T2, as_of=date(2018, 10, 31))["month"])
    assert "2017-11" not in set(q.tickets_by_month(tiny_engine, scope=T2, as_of=date(2018, 11, 30))["month"])


def test_on_time_by_month_judges_each_month_at_the_as_of_date(tiny_engine):
    df = q.on_time_by_month(tiny_engine, scope=ALL, as_of=AS_OF)
    # 2017-11 K5 past due: 0/1; 2018-01 K1 1/1; 2018-02 K2 late 0/1; 2018-03 K6 1/1; 2018-06 K4 K7 0/2 (K3 not yet due)
    assert rows(df) == [("2017-11", 0, 1), ("2018-01", 1, 1), ("2018-02", 0, 1), ("2018-03", 1, 1), ("2018-06", 0, 2)]
    assert rows(q.on_time_by_month(tiny_engine, scope=T2, as_of=AS_OF)) == [("2017-11", 0, 1), ("2018-03", 1, 1), ("2018-06", 0, 1)]
    assert q.on_time_by_month(tiny_engine, scope=T3, as_of=AS_OF).empty


def test_volume_by_township_lists_every_township_and_matches_the_kpis(tiny_engine):
    df = q.tickets_by_township(tiny_engine, scope=ALL, as_of=AS_OF)
    # columns: code, name, this year, on time, on-time base, open, open overdue
    assert rows(df) == [("T1", "甲镇", 4, 1, 3, 2, 1),   # K1 K2 K3 K7; on time K1; base K1 K2 K7; open K3 K7; overdue K7
                        ("T2", "乙街道", 2, 1, 2, 2, 2),  # K4 K6; on time K6; base K4 K6; open K4 K5, both overdue
                        ("T3", "丙乡", 0, 0, 0, 0, 0)]
    kpi = ticket_summary(tiny_engine, scope=ALL, as_of=AS_OF).iloc[0]
    total = services.totals(df)
    assert total["tickets_n"] == kpi["tickets_n"] == 6
    assert total["tickets_on_time_n"] == kpi["tickets_on_time_n"] == 2
    assert total["tickets_on_time_base_n"] == kpi["tickets_on_time_base_n"] == 5
    assert total["tickets_open_overdue_n"] == kpi["tickets_open_overdue_n"] == 3
    assert total["tickets_open_n"] == 4
    assert total["tickets_on_time_rate"] == pytest.approx(0.4)


def test_volume_by_township_of_the_empty_township_is_one_row_of_zeros(tiny_engine):
    assert rows(q.tickets_by_township(tiny_engine, scope=T3, as_of=AS_OF)) == [("T3", "丙乡", 0, 0, 0, 0, 0)]


def test_volume_by_township_later_counts_k8_and_the_close_of_k7(tiny_engine):
    df = q.tickets_by_township(tiny_engine, scope=ALL, as_of=LATER)
    # T1: K7 closed 07-02, late: base still 3, open only K3 (due 07-03: overdue now)
    # T2: K8 received 07-05, due 07-08, open and overdue
    assert rows(df) == [("T1", "甲镇", 4, 1, 4, 1, 1), ("T2", "乙街道", 3, 1, 3, 3, 3), ("T3", "丙乡", 0, 0, 0, 0, 0)]


def test_volume_by_station(tiny_engine):
    df = q.tickets_by_station(tiny_engine, scope=ALL, as_of=AS_OF)
    assert rows(df) == [("T1便民服务中心", "T1", "甲镇", 4, 1, 3, 2, 1), ("T2便民服务中心", "T2", "乙街道", 2, 1, 2, 2, 2)]
    assert rows(q.tickets_by_station(tiny_engine, scope=T2, as_of=AS_OF, limit=1)) == [
        ("T2便民服务中心", "T2", "乙街道", 2, 1, 2, 2, 2)]
    assert q.tickets_by_station(tiny_engine, scope=T3, as_of=AS_OF).empty


def test_category_by_township_cells(tiny_engine):
    df = q.tickets_by_category_township(tiny_engine, scope=ALL, as_of=AS_OF)
    assert rows(df) == [("代办事项", "T1", "甲镇", 1), ("学生困难证明", "T1", "甲镇", 3), ("学生困难证明", "T2", "乙街道", 2)]
    wide = services.category_township_matrix(df)
    assert list(wide.index) == ["学生困难证明", "代办事项"] and list(wide.columns) == ["甲镇", "乙街道"]
    assert wide.values.tolist() == [[3, 2], [1, 0]]


def test_ticket_categories_in_name_order(tiny_engine):
    assert q.ticket_categories(tiny_engine, scope=ALL, as_of=AS_OF) == ["代办事项", "学生困难证明"]
    assert q.ticket_categories(tiny_engine, scope=T2, as_of=AS_OF) == ["学生困难证明"]
    assert q.ticket_categories(tiny_engine, scope=T3, as_of=AS_OF) == []


def test_close_days_histogram_counts_calendar_days(tiny_engine):
    assert rows(q.close_days_histogram(tiny_engine, scope=ALL, as_of=AS_OF)) == [(2, 1), (5, 2)]  # K1; K2 K6
    assert rows(q.close_days_histogram(tiny_engine, scope=T1, as_of=AS_OF)) == [(2, 1), (5, 1)]
    assert q.close_days_histogram(tiny_engine, scope=T3, as_of=AS_OF).empty
    # later K7 is closed: 06-20 -> 07-02 = 12 days
    assert rows(q.close_days_histogram(tiny_engine, scope=ALL, as_of=LATER)) == [(2, 1), (5, 2), (12, 1)]
    by_cat = q.close_days_histogram(tiny_engine, scope=ALL, as_of=AS_OF, by="category")
    assert rows(by_cat) == [("代办事项", 5, 1), ("学生困难证明", 2, 1), ("学生困难证明", 5, 1)]
    by_town = q.close_days_histogram(tiny_engine, scope=ALL, as_of=AS_OF, by="township_code")
    assert rows(by_town) == [("T1", 2, 1), ("T1", 5, 1), ("T2", 5, 1)]


@pytest.mark.parametrize("scope, as_of, p50, p90", [
    (ALL, AS_OF, 5.0, 5.0),     # [2, 5, 5]: rank 1 and rank 1.8 are both 5
    (T1, AS_OF, 3.5, 4.7),      # [2, 5]: 2 + 0.5*3; 2 + 0.9*3
    (ALL, LATER, 5.0, 9.9),     # [2, 5, 5, 12]: rank 1.5 -> 5; rank 2.7 -> 5 + 0.7*7
    (T1, LATER, 5.0, 10.6),     # [2, 5, 12]: rank 1 -> 5; rank 1.8 -> 5 + 0.8*7
    (T2, AS_OF, 5.0, 5.0),      # [5]
    (T3, AS_OF, None, None),    # nothing closed
])
def test_median_and_90th_percentile_days_to_close(tiny_engine, scope, as_of, p50, p90):
    stats = services.close_time_stats(q.close_days_histogram(tiny_engine, scope=scope, as_of=as_of)).iloc[0]
    for got, want in ((stats["close_days_p50"], p50), (stats["close_days_p90"], p90)):
        assert (got is None or pd.isna(got)) if want is None else got == pytest.approx(want)


def test_percentiles_by_category_from_the_grouped_histogram(tiny_engine):
    hist = q.close_days_histogram(tiny_engine, scope=ALL, as_of=AS_OF, by="category")
    stats = services.close_time_stats(hist, by="category").set_index("category")
    assert stats.loc["代办事项", "close_days_p50"] == 5 and stats.loc["代办事项", "tickets_n"] == 1
    assert stats.loc["学生困难证明", "close_days_p50"] == pytest.approx(3.5)
    assert stats.loc["学生困难证明", "close_days_p90"] == pytest.approx(4.7)
    assert stats.loc["学生困难证明", "close_days_mean"] == pytest.approx(3.5)


def test_percentile_from_a_histogram_equals_numpy_on_the_expanded_values():
    rng = np.random.default_rng(7)
    for _ in range(50):
        values = rng.integers(0, 40, size=rng.integers(1, 60))
        days, counts = np.unique(values, return_counts=True)
        hist = pd.DataFrame({"close_days": days, "tickets_n": counts})
        for quantile in (0.1, 0.5, 0.9, 1.0):
            assert services.percentile(hist, quantile) == pytest.approx(np.percentile(values, quantile * 100))


def test_overdue_days_of_open_tickets(tiny_engine):
    assert rows(q.overdue_days_histogram(tiny_engine, scope=ALL, as_of=AS_OF)) == [(7, 1), (19, 1), (236, 1)]  # K7 K4 K5
    assert rows(q.overdue_days_histogram(tiny_engine, scope=T1, as_of=AS_OF)) == [(7, 1)]
    # later: K8 due 07-08 (23), K3 due 07-03 (28), K4 (50), K5 (267); K7 is closed
    assert rows(q.overdue_days_histogram(tiny_engine, scope=ALL, as_of=LATER)) == [(23, 1), (28, 1), (50, 1), (267, 1)]
    assert q.overdue_days_histogram(tiny_engine, scope=T3, as_of=AS_OF).empty


def test_overdue_bands_keep_every_band(tiny_engine):
    bands = services.overdue_bands(q.overdue_days_histogram(tiny_engine, scope=ALL, as_of=AS_OF))
    assert rows(bands) == [("0-7", 1), ("8-30", 1), ("31-90", 0), ("91+", 1)]
    empty = services.overdue_bands(q.overdue_days_histogram(tiny_engine, scope=T3, as_of=AS_OF))
    assert list(empty["tickets_n"]) == [0, 0, 0, 0]


# --- display logic ----------------------------------------------------------------------------
def test_month_matrix_fills_every_month_of_the_window_with_zeros(tiny_engine):
    df = q.tickets_by_month(tiny_engine, scope=ALL, as_of=AS_OF, by="channel")
    wide = services.month_matrix(df, by="channel", as_of=AS_OF, order=["窗口", "网上", "电话", "上门"])
    assert list(wide.index) == [f"2017-{m:02d}" for m in range(7, 13)] + [f"2018-{m:02d}" for m in range(1, 7)]
    assert list(wide.columns) == ["窗口", "网上", "电话", "上门"]
    assert wide["窗口"].tolist() == [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1]
    assert wide.loc["2018-06"].tolist() == [1, 1, 1, 0]
    assert int(wide.values.sum()) == 7


def test_on_time_trend_leaves_months_without_due_tickets_empty(tiny_engine):
    trend = services.on_time_trend(q.on_time_by_month(tiny_engine, scope=ALL, as_of=AS_OF), as_of=AS_OF)
    assert len(trend) == 12
    rates = dict(zip(trend["month"], trend["tickets_on_time_rate"]))
    assert rates["2018-01"] == 1.0 and rates["2018-06"] == 0.0 and pd.isna(rates["2017-07"])


def test_cards_show_the_scope_figures(tiny_engine):
    total = services.totals(q.tickets_by_township(tiny_engine, scope=T1, as_of=AS_OF))
    close = services.close_time_stats(q.close_days_histogram(tiny_engine, scope=T1, as_of=AS_OF)).iloc[0].to_dict()
    label, cards = services.cards(total, close)
    assert label == "便民服务"
    assert [(c.key, c.value) for c in cards] == [
        ("tickets_n", "4"), ("tickets_on_time_rate", "33.3%"), ("close_days_p50", "3.5 天"),
        ("close_days_p90", "4.7 天"), ("tickets_open_n", "2"), ("tickets_open_overdue_n", "1")]
    assert cards[1].status == "bad" and cards[5].status == "bad"
    _, english = services.cards(total, close, lang="en")
    assert english[2].value == "3.5 days"


def test_cards_compare_with_a_year_earlier(tiny_engine):
    def figures_at(day):
        total = services.totals(q.tickets_by_township(tiny_engine, scope=ALL, as_of=day))
        return total, services.close_time_stats(q.close_days_histogram(tiny_engine, scope=ALL, as_of=day)).iloc[0].to_dict()

    # 2017-11-30: only K5 (open, due 11-06): 1 ticket, on time 0/1, 1 open and overdue, nothing closed
    # 2018-11-30: K1..K8 but K5 received in 2018 = 7; on time K1 K6 of 7 closed or past due; open K3 K4 K5 K8, all
    # overdue; closed [2, 5, 5, 12] days
    now, close = figures_at(date(2018, 11, 30))
    before, close_before = figures_at(date(2017, 11, 30))
    _, cards = services.cards(now, close, previous_total=before, previous_close=close_before)
    assert [(c.key, c.value, c.delta) for c in cards] == [
        ("tickets_n", "7", "+6"), ("tickets_on_time_rate", "28.6%", "+28.6个百分点"), ("close_days_p50", "5.0 天", None),
        ("close_days_p90", "9.9 天", None), ("tickets_open_n", "4", "+3"), ("tickets_open_overdue_n", "4", "+3")]
    assert [c.delta_color for c in cards] == ["normal", "normal", "off", "off", "inverse", "inverse"]
    _, same = services.cards(now, close, previous_total=now, previous_close=close)
    assert {c.delta for c in same} == {"持平"} and {c.delta_color for c in same} == {"off"}
    _, later = services.cards(now, close, previous_total=now, previous_close={"close_days_p50": 3.5, "close_days_p90": 9.9})
    assert later[2].delta == "+1.5 天" and later[2].delta_color == "inverse"


# --- charts -----------------------------------------------------------------------------------
def test_stacked_months_has_one_trace_per_category_in_fixed_colours(tiny_engine):
    df = q.tickets_by_month(tiny_engine, scope=ALL, as_of=AS_OF, by="category")
    wide = services.month_matrix(df, by="category", as_of=AS_OF, order=["代办事项", "学生困难证明"])
    fig = charts.stacked_months(wide, title="t", x_title="x", y_title="y", colours={"代办事项": "#111111", "学生困难证明": "#222222"})
    assert [tr.name for tr in fig.data] == ["代办事项", "学生困难证明"]
    assert list(fig.data[1].y) == [0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 3]
    assert fig.data[0].marker.color == "#111111" and fig.layout.barmode == "stack"


def test_station_bars_carry_the_township_code_for_a_click(tiny_engine):
    fig = charts.station_bars(q.tickets_by_station(tiny_engine, scope=ALL, as_of=AS_OF), title="t", x_title="x")
    assert list(fig.data[0].customdata) == ["T2", "T1"]  # busiest at the top (last drawn)
    assert list(fig.data[0].x) == [2, 4]
    assert list(fig.data[0].y) == ["T2便民服务中心（乙街道）", "T1便民服务中心（甲镇）"]


def test_close_days_histogram_draws_median_and_p90_lines(tiny_engine):
    hist = q.close_days_histogram(tiny_engine, scope=T1, as_of=AS_OF)
    fig = charts.close_days_histogram(hist, p50=3.5, p90=4.7, title="t", x_title="x", y_title="y",
                                      p50_label="中位数", p90_label="90分位")
    assert list(fig.data[0].x) == [2, 5] and list(fig.data[0].y) == [1, 1]
    assert sorted(s.x0 for s in fig.layout.shapes) == [3.5, 4.7]
    folded = charts.close_days_histogram(pd.DataFrame({"close_days": [1, 70, 90], "tickets_n": [1, 2, 3]}), p50=None,
                                         p90=None, title="t", x_title="x", y_title="y", p50_label="", p90_label="")
    assert list(folded.data[0].x) == [1, 30] and list(folded.data[0].y) == [1, 5]


def test_on_time_line_in_percent_with_the_target(tiny_engine):
    trend = services.on_time_trend(q.on_time_by_month(tiny_engine, scope=ALL, as_of=AS_OF), as_of=AS_OF)
    fig = charts.on_time_line(trend, title="t", x_title="x", y_title="y", target=0.95, target_label="目标", name="n")
    assert list(fig.data[0].y)[6:] == [100.0, 0.0, 100.0, None, None, 0.0]
    assert fig.layout.shapes[0].y0 == pytest.approx(95.0)


def test_overdue_bars_and_heatmap(tiny_engine):
    bands = services.overdue_bands(q.overdue_days_histogram(tiny_engine, scope=ALL, as_of=AS_OF))
    fig = charts.overdue_bars(bands, labels={"0-7": "7天以内"}, title="t", x_title="x", y_title="y")
    assert list(fig.data[0].x) == ["7天以内", "8-30", "31-90", "91+"] and list(fig.data[0].y) == [1, 1, 0, 1]
    wide = services.category_township_matrix(q.tickets_by_category_township(tiny_engine, scope=ALL, as_of=AS_OF))
    heat = charts.count_heatmap(wide, title="t", x_title="x", y_title="y", colour_title="c")
    assert list(heat.data[0].y) == ["代办事项", "学生困难证明"]  # busiest category drawn at the top
    assert np.asarray(heat.data[0].z).tolist() == [[1, 0], [3, 2]]


# --- the page ---------------------------------------------------------------------------------
def run_page(monkeypatch, url: str, **params) -> AppTest:
    return helpers.run_page("services", monkeypatch, url, **params)


def test_page_for_a_township_from_the_url_shows_its_numbers(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    assert at.title[0].value == "甲镇便民服务"
    text = markdown_text(at)
    assert [card(text, k) for k in ("tickets_n", "tickets_on_time_rate", "close_days_p50", "close_days_p90",
                                    "tickets_open_n", "tickets_open_overdue_n")] == ["4", "33.3%", "3.5 天", "4.7 天", "2", "1"]
    table = at.dataframe[0].value
    assert table.values.tolist() == [["甲镇", 4, 1, 3, "33.3%", 2, 1]]
    figs = figures(at)
    monthly = figs["近12个月各月受理工单（按事项类别）"]
    assert {t["name"]: sum(t["y"]) for t in monthly["data"]} == {"代办事项": 1, "学生困难证明": 3}
    towns = figs["各乡镇（街道）本年受理工单"]["data"][0]
    assert dict(zip(towns["customdata"], towns["x"])) == {"T1": 4, "T2": 2, "T3": 0}
    assert "近12个月各事项类别受理工单（类别 × 月份）" in figs  # one township: category x month
    overdue = figs["超期未办结工单的超期天数"]["data"][0]
    assert overdue["y"] == [1, 0, 0, 0]


def test_page_for_the_district_lists_every_township(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, as_of="2018-06-30")
    assert at.title[0].value == "全区便民服务"
    text = markdown_text(at)
    assert card(text, "tickets_n") == "6" and card(text, "tickets_on_time_rate") == "40.0%"
    assert card(text, "close_days_p50") == "5.0 天" and card(text, "tickets_open_overdue_n") == "3"
    assert at.dataframe[0].value.iloc[:, 0].tolist() == ["甲镇", "乙街道", "丙乡"]
    heat = figures(at)["事项类别 × 乡镇（街道）本年受理工单"]
    assert heat["data"][0]["x"] == ["甲镇", "乙街道"]


def test_page_for_the_empty_township_says_there_is_nothing(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T3", as_of="2018-06-30")
    infos = [i.value for i in at.info]
    assert "所选范围内本年尚无已办结工单。" in infos and "所选范围内本年尚无工单。" in infos
    assert card(markdown_text(at), "close_days_p50") == "—"


def test_page_in_english_at_a_later_date(monkeypatch, tiny_url):
    at = run_page(monkeypatch, tiny_url, township="T1", as_of="2018-07-31", lang="en")
    assert at.title[0].value == "Convenience services: 甲镇"
    text = markdown_text(at)
    assert card(text, "close_days_p50") == "5.0 days" and card(text, "close_days_p90") == "10.6 days"


def test_page_runs_on_postgresql_with_the_same_numbers(monkeypatch):
    import tiny_db
    from conftest import PG_URL, postgres_engine

    tiny_db.build(postgres_engine())
    at = run_page(monkeypatch, PG_URL, township="T1", as_of="2018-06-30")
    assert card(markdown_text(at), "close_days_p90") == "4.7 天"


# --- in the browser ---------------------------------------------------------------------------
def test_services_page_draws_every_chart_offline(page, app_url):
    from conftest import ARTIFACTS, wait_ready

    page.goto(app_url + "/services", wait_until="domcontentloaded")
    wait_ready(page)
    assert page.get_by_test_id("stException").count() == 0
    assert page.locator("h1").first.inner_text().strip() == "全区便民服务"
    page.wait_for_function(CHARTS_DRAWN, arg=8, timeout=30000)
    assert page.locator(".kpi-card").count() == 6
    assert page.locator(".js-plotly-plot .bars .point path").count() > 50
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "services.png"), full_page=True)
    assert page.blocked == []


def test_services_page_click_on_a_township_bar_filters_to_it(page, app_url):
    from conftest import wait_ready

    page.goto(app_url + "/services?as_of=2018-06-30", wait_until="domcontentloaded")
    wait_ready(page)
    plot = page.locator(".js-plotly-plot").nth(2)  # monthly, on-time, then the township bars
    top_label = plot.locator(".ytick text").last.text_content()
    plot.locator(".bars .point path").last.click(force=True)
    page.wait_for_function(f"() => document.querySelector('h1') && document.querySelector('h1').innerText.startsWith('{top_label}')",
                           timeout=30000)
    wait_ready(page)
    assert page.locator("h1").first.inner_text().strip() == f"{top_label}便民服务"
    assert "township=" in page.url
    assert page.get_by_test_id("stException").count() == 0
    assert page.blocked == []
