"""AppTest of 汇报模式: setup view, slide view, previous/next, chosen slides, township, no personal data."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

import page_helpers

ROOT = Path(__file__).resolve().parent.parent


def run(monkeypatch, url: str, **params) -> AppTest:
    return page_helpers.run_page("present", monkeypatch, url, **params)


markdown = page_helpers.markdown_text


def counter(at) -> str:
    import re

    found = re.findall(r"第 (\d+) / (\d+) 页", markdown(at))
    assert len(found) == 1, found
    return "/".join(found[0])


def test_setup_view_lists_the_slides_and_offers_the_deck(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30")
    assert at.title[0].value == "汇报模式"
    assert at.multiselect(key="present_slides").value == ["title", "overview", "coverage", "outflow", "services",
                                                          "satisfaction", "cadres", "closing"]
    assert at.button(key="present_start").label == "开始放映"
    # the whole written summary, with a copy button (st.code)
    summary = at.code[0].value
    assert summary.startswith("全区基层党建工作综述\n\n截至2018年6月30日，全区共有乡镇（街道）3个、村（社区）3个，基层党组织7个，党员6名。")
    assert "全区7家非公有制企业中已建立党组织3家，组织覆盖率42.9%，与上年同期持平，低于90.0%的目标" in summary


def test_preview_of_the_cover_shows_title_and_talking_point(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30")
    text = markdown(at)
    assert "基层党建工作情况汇报" in text and "数据截至 2018年6月30日" in text
    assert "本次汇报数据截至2018年6月30日" in text


def test_previewing_a_slide_shows_its_table_with_downloads(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30")
    at.segmented_control(key="present_preview_idx").set_value(2).run()  # 两新组织覆盖
    assert not at.exception
    tiles = at.dataframe[0].value
    assert list(tiles.iloc[:, 1]) == ["7", "42.9%", "71.4%", "3"]
    chart = at.dataframe[1].value
    # T2 2/4 = 50.0% first, then T1 1/3 = 33.3% (T3 has no enterprises)
    assert list(chart.iloc[:, 0]) == ["乙街道", "甲镇"] and list(chart.iloc[:, 1]) == ["50.0%", "33.3%"]
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("下载 Excel") == 2 and labels.count("下载 CSV") == 2
    assert "下载汇报材料（PPTX）" in labels


def test_slide_view_counts_slides_and_next_previous_move_through_them(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30", show="1")
    assert not at.title  # no page header in the slide view
    assert counter(at) == "1/8"
    at.button(key="present_next").click().run()
    assert counter(at) == "2/8"
    assert "总体情况" in markdown(at)
    at.button(key="present_prev").click().run()
    at.button(key="present_prev").click().run()
    assert counter(at) == "8/8"  # wraps to the closing slide
    assert "谢谢！" in markdown(at)
    at.button(key="present_exit").click().run()
    assert at.title[0].value == "汇报模式"


def test_chosen_slides_play_in_the_chosen_order(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30", show="1", slides="coverage,title")
    assert counter(at) == "1/2"
    text = markdown(at)
    assert "两新组织覆盖" in text and "全区7家非公有制企业中已建立党组织3家" in text
    assert "各乡镇（街道）中，乙街道非公企业党组织覆盖率最高（50.0%），甲镇最低（33.3%）。" in text


def test_a_township_is_presented_with_small_people_counts_masked(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30", show="1", township="T1", slides="outflow")
    text = markdown(at)
    assert "流动党员管理" in text and "甲镇" in text
    # 4 outflow members, 2 at risk: shown as <5; the one outflow branch is an organization, shown exactly
    assert "<div class='v'>&lt;5</div>" in text
    assert "<div class='v'>1</div>" in text
    assert "甲镇现有外出流动党员不足5名" in text


def test_no_slide_shows_personal_data(monkeypatch, tiny_url):
    from sqlalchemy import select

    from lib import db, schema

    at = run(monkeypatch, tiny_url, as_of="2018-06-30", show="1")
    seen = []
    for _ in range(8):
        seen.append(markdown(at) + "\n".join(c.value for c in at.caption))
        at.button(key="present_next").click().run()
    text = "\n".join(seen)
    with db.make_engine(tiny_url).connect() as conn:
        people = [tuple(r) for t in (schema.member, schema.outflow, schema.cadre)
                  for r in conn.execute(select(t.c.name, t.c.id_number))]
    assert len(people) == 18
    for name, id_number in people:
        assert name not in text and id_number not in text


def test_slide_view_in_english(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30", show="1", lang="en")
    assert counter_en(at) == "1/8"
    at.button(key="present_next").click().run()
    assert "Overview" in markdown(at)


def counter_en(at) -> str:
    import re

    found = re.findall(r"Slide (\d+) of (\d+)", markdown(at))
    return "/".join(found[0])


OVERVIEW_LINES = '''
import streamlit as st
import ui
from lib import cached, narrative

ctx = ui.page_setup("page_overview")
summary = narrative.overview_summary(ctx.engine, scope=ctx.scope, as_of=ctx.as_of, scope_name=ctx.scope_name,
                                     lang=ctx.lang, query=cached.query)
with st.expander(ctx.t("present_summary"), expanded=False):
    st.code(summary.text, language=None, wrap_lines=True)
'''


def test_the_lines_proposed_for_the_overview_show_the_summary_with_a_copy_button(monkeypatch, tiny_url, tmp_path):
    monkeypatch.setenv("DATABASE_URL", tiny_url)
    monkeypatch.syspath_prepend(str(ROOT))
    script = tmp_path / "overview_summary.py"
    script.write_text(OVERVIEW_LINES, encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=30)
    at.query_params["township"] = "T1"
    at.query_params["as_of"] = "2018-06-30"
    at.run()
    assert not at.exception, at.exception
    assert at.code[0].value.startswith("甲镇基层党建工作综述\n\n截至2018年6月30日，甲镇共有村（社区）2个，基层党组织5个，党员4名。")


def test_cover_leads_with_the_as_of_date_and_shows_a_meeting_date_only_when_set(monkeypatch, tiny_url):
    from datetime import date

    at = run(monkeypatch, tiny_url, as_of="2018-06-30")
    cover = markdown(at)
    assert "<div class='st'>数据截至 2018年6月30日</div>" in cover
    assert "汇报日期" not in cover  # never the machine's date
    assert at.date_input(key="present_report_date").value is None
    at.date_input(key="present_report_date").set_value(date(2018, 7, 15)).run()
    assert not at.exception
    assert "<div class='st'>数据截至 2018年6月30日　·　汇报日期 2018年7月15日</div>" in markdown(at)
    assert at.query_params["presented"] in ("2018-07-15", ["2018-07-15"])
    # the slide view (and a shared link) keeps it
    at.button(key="present_start").click().run()
    assert counter(at) == "1/8" and "汇报日期 2018年7月15日" in markdown(at)


def test_meeting_date_from_a_shared_link_reaches_the_deck(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30", show="1", presented="2018-07-15", lang="en")
    assert "Data as of 2018-06-30  ·  Presented on 2018-07-15" in markdown(at)


def test_english_footer_separates_date_and_source(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30", show="1", lang="en", slides="coverage")
    text = markdown(at)
    assert "<div class='slide-footer'>Data as of 2018-06-30 · Source: " in text
    assert "Slide 1 of 1" in text and "Manual advance" in text


def test_auto_advance_state_and_pause_in_the_navigation_bar(monkeypatch, tiny_url):
    at = run(monkeypatch, tiny_url, as_of="2018-06-30")
    at.number_input(key="present_auto").set_value(30).run()
    at.button(key="present_start").click().run()
    assert not at.exception
    assert "自动翻页 · 每 30 秒" in markdown(at)
    at.button(key="present_next").click().run()
    at.button(key="present_pause").click().run()
    assert not at.exception
    text = markdown(at)
    assert "自动翻页已暂停（每 30 秒）" in text and counter(at) == "2/8"  # paused where it was, interval kept
    assert at.button(key="present_pause").label == "继续"
