"""AppTest: every page runs without an exception; the overview shows the hand-worked numbers."""
from pathlib import Path

import pytest

import page_helpers

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))

run_page = page_helpers.open_page
markdown_text = page_helpers.markdown_text


@pytest.mark.parametrize("path", PAGES)
def test_every_page_runs_without_exception_for_the_district(path, monkeypatch, tiny_url):
    at = run_page(path, monkeypatch, tiny_url)
    assert not at.exception, at.exception


@pytest.mark.parametrize("path", PAGES)
def test_every_page_runs_without_exception_for_a_township_from_the_url(path, monkeypatch, tiny_url):
    at = run_page(path, monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    assert not at.exception, at.exception


def test_overview_shows_the_township_kpis_chosen_in_the_url(monkeypatch, tiny_url):
    at = run_page("pages/overview.py", monkeypatch, tiny_url, township="T1", as_of="2018-06-30")
    text = markdown_text(at)
    assert at.title[0].value == "甲镇基层党建态势"
    assert "全区 › <b>甲镇</b>" in text
    assert "数据截至 2018-06-30" in text
    # T1: coverage 1/3, on-time 1/3, satisfaction 95/100 in 2018Q2, 4 outflow members of whom 2 at risk
    assert "data-kpi='nonpublic_org_coverage_rate'><div class='label'>非公企业党组织覆盖率</div><div class='value'>33.3%" in text
    assert "<div class='value'>95.0%</div>" in text
    assert "群众满意率（2018Q2）" in text
    assert "2 名流动党员超过 6 个月未联系或无联系记录（失联风险）。" in text


def test_overview_of_the_district_ranks_townships_by_coverage(monkeypatch, tiny_url):
    at = run_page("pages/overview.py", monkeypatch, tiny_url, as_of="2018-06-30")
    assert at.title[0].value == "全区基层党建态势"
    assert not at.dataframe  # the table is drawn when asked for (its scripts are not part of the first view)
    at.toggle(key="ranking_table_shown").set_value(True).run()
    table = at.dataframe[0].value
    # T2 2/4 = 50.0%, T1 1/3 = 33.3%, T3 has no enterprises (no rank)
    assert list(table.iloc[:, 1]) == ["乙街道", "甲镇", "丙乡"]
    assert list(table.iloc[:, 2]) == ["50.0%", "33.3%", "—"]
    assert "3 家“两新”组织党员3人以上尚未建立党组织（应建未建）。" in markdown_text(at)


def test_overview_in_english_uses_english_labels(monkeypatch, tiny_url):
    at = run_page("pages/overview.py", monkeypatch, tiny_url, lang="en", as_of="2018-06-30")
    assert at.title[0].value == "Grassroots party building: Whole district"
    assert "Enterprise org coverage" in markdown_text(at)


def test_a_missing_database_gives_a_clear_message_not_a_traceback(monkeypatch, tmp_path):
    at = run_page("pages/overview.py", monkeypatch, f"sqlite:///{tmp_path / 'missing.db'}")
    assert not at.exception
    assert "无法连接数据库" in at.error[0].value


def test_an_empty_database_says_so(monkeypatch, tmp_path):
    from lib import db

    url = f"sqlite:///{tmp_path / 'empty.db'}"
    db.init_db(db.make_engine(url))
    at = run_page("pages/overview.py", monkeypatch, url)
    assert not at.exception
    assert "数据库中还没有数据" in at.info[0].value


def test_overview_runs_on_postgresql_with_the_same_numbers(monkeypatch):
    import tiny_db
    from conftest import PG_URL, postgres_engine

    tiny_db.build(postgres_engine())
    at = run_page("pages/overview.py", monkeypatch, PG_URL, township="T1", as_of="2018-06-30")
    assert not at.exception, at.exception
    assert at.title[0].value == "甲镇基层党建态势"
    assert "<div class='value'>33.3%</div>" in markdown_text(at)
