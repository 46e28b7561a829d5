"""Defects from the screenshot review (fixD): targets at display precision, neutral 持平, import report, date hint,
per-family comparison, station labels, histogram, outflow at-risk card, English labels, mini map label."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

import ui
from lib import narrative, overview
from lib import satisfaction as sat
from lib import services
from lib.overview import Card, kpi_cards
from lib.scope import Scope


# --- 1. a rate that rounds to its target meets it (94.97% shows as 95.0%) ---

def test_a_rate_that_shows_as_its_target_meets_it():
    # 1889 of 1989 = 94.97%: shown as 95.0%, target 95.0%
    rate = 1889 / 1989
    assert f"{rate:.4f}" == "0.9497"
    cards = {c.key: c for _, cs in kpi_cards({"tickets_on_time_rate": rate}, None) for c in cs}
    on_time = cards["tickets_on_time_rate"]
    assert (on_time.value, on_time.status, on_time.status_text) == ("95.0%", "good", "达到目标 95.0%")
    # one step under display precision still misses: 94.94% shows as 94.9%
    cards = {c.key: c for _, cs in kpi_cards({"tickets_on_time_rate": 0.9494}, None) for c in cs}
    assert (cards["tickets_on_time_rate"].status, cards["tickets_on_time_rate"].status_text) == ("bad", "低于目标 95.0%")
    # a share that shows as its limit stays within it: 5.04% shows as 5.0%
    cards = {c.key: c for _, cs in kpi_cards({"outflow_at_risk_rate": 0.0504}, None) for c in cs}
    assert cards["outflow_at_risk_rate"].status_text == "不超过 5.0%"


def test_services_satisfaction_and_narrative_agree_with_the_card():
    rate = 1889 / 1989
    _, svc = services.cards({"tickets_n": 1989, "tickets_on_time_rate": rate, "tickets_open_n": 0,
                             "tickets_open_overdue_n": 0}, {}, lang="zh")
    on_time = {c.key: c for c in svc}["tickets_on_time_rate"]
    assert (on_time.status, on_time.status_text) == ("good", "达到目标 95.0%")
    card = sat._rate_card("sat_card_rate", 0.9496, "zh", goal=0.95)
    assert (card.status, card.status_text) == ("good", "达到目标 95.0%")
    facts = SimpleNamespace(current={"tickets_on_time_rate": rate}, previous={}, scope=Scope.all(), scope_name="全区")
    writer = narrative.Writer(facts, lang="zh")
    assert writer.target_clause("tickets_on_time_rate") == "，达到95.0%的目标"
    assert "按时办结率" not in "".join(writer.missed_targets())
    facts.current["tickets_on_time_rate"] = 0.9494
    assert writer.target_clause("tickets_on_time_rate") == "，低于95.0%的目标"


# --- 2. 持平 is never red or green ---

def board_html(cards: list[Card], monkeypatch) -> str:
    shown = []
    monkeypatch.setattr(ui.st, "markdown", lambda body, **kw: shown.append(body))
    ui.kpi_board([("S", cards)], delta_label="较上年")
    return shown[0]


def test_unchanged_delta_is_neutral(monkeypatch):
    def card(key, delta, color):
        return Card(key=key, label=key, value="1", delta=delta, delta_color=color, status=None, status_text=None)
    html = board_html([card("a", "持平", "normal"), card("b", "+0.0个百分点", "inverse"), card("c", "-0", "normal"),
                       card("d", "-3", "normal"), card("e", "+2", "inverse"), card("f", "+1.2个百分点", "normal")],
                      monkeypatch)
    parts = {k: html[html.index(f"data-kpi='{k}'"):] for k in "abcdef"}
    for k in "abc":
        assert parts[k].split("</div>")[2].startswith("<div class='delta '"), parts[k][:200]
        assert "▲" not in parts[k].split("</div>")[2] and "▼" not in parts[k].split("</div>")[2]
    assert parts["d"].split("</div>")[2].startswith("<div class='delta bad'")
    assert parts["e"].split("</div>")[2].startswith("<div class='delta bad'")
    assert parts["f"].split("</div>")[2].startswith("<div class='delta good'")


def test_satisfaction_unchanged_card_is_off():
    card = sat._rate_card("sat_card_rate", 0.9, "zh", delta=0.0002, goal=0.95)
    assert (card.delta, card.delta_color) == ("持平", "off")
    card = sat._rate_card("sat_card_rate", 0.9, "zh", delta=-0.02, goal=0.95)
    assert (card.delta, card.delta_color) == ("-2.0个百分点", "normal")


# --- 3. a file-level import problem has a blank row number ---

def test_import_report_blanks_the_row_of_a_file_problem(tiny_engine):
    from pathlib import Path

    from lib import importer
    from lib.i18n import t
    from lib.importer.report import problems_frame

    fixtures = Path(__file__).parent / "fixtures" / "import"
    plan = importer.check_files([("old_format.xls", (fixtures / "old_format.xls").read_bytes())], tiny_engine)
    frame = problems_frame(plan, lambda k, **kw: t(k, "zh", **kw))
    assert list(frame["行号"]) == [""]
    plan = importer.check_files([("bad_dates.xlsx", (fixtures / "bad_dates.xlsx").read_bytes())], tiny_engine)
    frame = problems_frame(plan, lambda k, **kw: t(k, "zh", **kw))
    assert list(frame["行号"]) == ["2", "3", "3"]
    assert "请写成 1991-04-01" in list(frame["处理办法"])[1]


# --- 6. stations of one township do not repeat it in brackets ---

def test_station_labels_name_the_township_only_in_a_multi_township_view(monkeypatch, tiny_url):
    from page_helpers import figures, run_page

    # T1's stations this year up to 2018-06-30: 甲镇 has one, "T1便民服务中心" (K1 K2 K3 K7)
    at = run_page("services", monkeypatch, tiny_url, as_of="2018-06-30")
    labels = figures(at)["受理量前 15 的服务站点（本年）"]["data"][0]["y"]
    assert sorted(labels) == ["T1便民服务中心（甲镇）", "T2便民服务中心（乙街道）"]
    at = run_page("services", monkeypatch, tiny_url, as_of="2018-06-30", township="T1")
    assert figures(at)["受理量前 15 的服务站点（本年）"]["data"][0]["y"] == ["T1便民服务中心"]


# --- 7. the histogram folds where its caption says ---

def test_close_days_histogram_folds_at_the_days_its_caption_names(monkeypatch, tiny_url):
    from lib.charts import services as charts
    from lib.i18n import t

    hist = pd.DataFrame({"close_days": [0, 2, 29, 30, 31, 45], "tickets_n": [1, 2, 3, 4, 5, 6]})
    fig = charts.close_days_histogram(hist, p50=2.0, p90=40.0, title="t", x_title="x", y_title="y", p50_label="a",
                                      p90_label="b")
    bar = fig.data[0]
    assert list(bar.x) == [0, 2, 29, 30] and list(bar.y) == [1, 2, 3, 15]  # 30 + 31 + 45 days: 4 + 5 + 6
    assert list(bar.customdata) == ["0", "2", "29", "30+"]
    assert fig.layout.xaxis.range == (-0.6, 30.6) and fig.layout.xaxis.ticktext[-1] == "30+"
    assert fig.layout.shapes[1].x0 == 30  # P90 40 days sits on the folded bar
    caption = t("svc_caliber_close", "zh", days=charts.CLOSE_DAYS_FOLD)
    assert "30天及以上并入最后一档（30+）" in caption and "60" not in caption
    from page_helpers import run_page
    at = run_page("services", monkeypatch, tiny_url, as_of="2018-06-30")
    assert any("30天及以上并入最后一档" in c.value for c in at.caption)


# --- 9. English labels: consistent, short, half-width brackets; contact wording ---

def test_english_labels_are_consistent_and_short():
    from lib.i18n import t

    assert t("download_xlsx", "en") == "Download Excel" and t("download_xlsx", "zh") == "下载 Excel"
    assert (t("data_template_zip_name", "zh"), t("data_template_zip_name", "en")) == ("导入模板.zip", "import-templates.zip")
    assert len(t("kpi_should_build_not_built_n", "en")) <= 28
    assert t("axis_with_unit", "en", label="Enterprise org coverage", unit="%") == "Enterprise org coverage (%)"
    assert t("axis_with_unit", "zh", label="非公企业党组织覆盖率", unit="%") == "非公企业党组织覆盖率（%）"
    assert t("narr_next_contact", "zh", r="75") == "与75名流动党员建立或恢复经常性联系"


def test_overview_ranking_axis_uses_half_width_brackets_in_english(monkeypatch, tiny_url):
    from page_helpers import figures, run_page

    at = run_page("overview", monkeypatch, tiny_url, as_of="2018-06-30", lang="en")
    titles = [f["layout"]["xaxis"]["title"]["text"] for f in figures(at).values()]
    assert any(title.endswith(" (%)") for title in titles), titles
    assert not any("（" in title for title in titles)


# --- 10. the selected township's name on the mini map is whole and inside the view ---

def test_selected_label_is_boxed_in_red_and_kept_inside_the_view():
    import json
    import math

    from lib import geo, maps
    from test_maps import CODES, _towns

    fc, _ = geo.township_polygons(_towns())
    for code in CODES:
        spec = json.loads(maps.district_highlight(fc, code, width_px=440, height_px=300).to_json())
        layers = {x["id"]: x for x in spec["layers"]}
        (label,) = layers["township-label-selected"]["data"]
        assert label["code"] == code and label["color"][:3] == [255, 255, 255]
        assert layers["township-label-selected"]["getBackgroundColor"][:3] == list(maps.PARTY_RED)
        assert code not in [x["code"] for x in layers["township-labels"]["data"]]
    # a label centred on the view's left edge is moved right until its box (4 em of 13 px + padding) fits
    view = maps.fit_view((114.0, 33.5, 114.4, 33.8), width_px=440, height_px=300)
    scale = 512 * 2 ** view.zoom / (2 * math.pi)
    left_edge = view.longitude - math.degrees(220 / scale)
    moved = maps.keep_inside({"text": "白云街道", "lon": left_edge, "lat": view.latitude}, view, width_px=440,
                             height_px=300, size_px=13)
    # half box = 4 * 13 / 2 + 4 + 6 = 36 px from the edge
    assert abs((moved["lon"] - left_edge) * math.pi / 180 * scale - 36) < 0.01
    inside = {"text": "白云街道", "lon": view.longitude, "lat": view.latitude}
    assert maps.keep_inside(inside, view, width_px=440, height_px=300, size_px=13)["lon"] == round(view.longitude, 6)
