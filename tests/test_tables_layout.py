"""Table sizing and the overview's written summary (layout fixes from the screenshot review)."""
from __future__ import annotations

import page_helpers
from lib import tables


def test_table_height_shows_every_row_up_to_the_limit():
    # header + rows at 35 px, plus the border
    assert tables.table_height(12) == 35 * 13 + 3
    assert tables.table_height(16) == 35 * 17 + 3  # a table of every township fits
    assert tables.table_height(75) == tables.table_height(16)  # longer tables scroll
    assert tables.table_height(0) == tables.table_height(1) == 35 * 2 + 3
    assert tables.table_height(40, max_rows=5) == 35 * 6 + 3


def test_overview_summary_reads_as_paragraphs_with_a_copy_of_the_text(monkeypatch, tiny_url):
    at = page_helpers.run_page("overview", monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    text = at.code[0].value  # the copy (code block with its copy button) holds the whole text
    first = "截至2018年6月30日，甲镇共有村（社区）2个，基层党组织5个，党员4名。"
    assert text.startswith("甲镇基层党建工作综述\n\n" + first)
    shown = [m.value for m in at.markdown]
    paragraphs = next(v for v in shown if v.startswith("甲镇基层党建工作综述"))
    assert paragraphs.split("\n\n")[1].startswith(first)  # each line of the text its own paragraph
    assert "\n\n\n" not in paragraphs

