"""AppTest of 数据管理: a bad upload lists every error and writes nothing; a good one, once confirmed, loads."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import page_helpers
import tiny_db
from importer_helpers import M, csv_bytes, member_row, xlsx
from lib import db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fresh_tiny(url: str) -> str:
    engine = db.make_engine(url)
    tiny_db.build(engine)
    engine.dispose()
    return url


@pytest.fixture
def tiny_copy(tmp_path) -> str:
    return fresh_tiny(f"sqlite:///{tmp_path / 'page.db'}")


def open_page(monkeypatch, url: str, **params) -> AppTest:
    return page_helpers.run_page("data", monkeypatch, url, **params)


def frame_with(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def member_rows(at: AppTest) -> int:
    status = frame_with(at, "数据表")
    return int(status.loc[status["数据表"] == "党员", "行数"].iloc[0])


def test_the_data_page_works_on_an_empty_database_and_offers_every_template(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    db.init_db(db.make_engine(url))
    at = open_page(monkeypatch, url)
    assert at.title[0].value == "数据管理"
    assert at.selectbox(key="data_template").options == ["乡镇", "村社区", "党组织", "两新组织", "党员", "流动党员",
                                                          "便民服务工单", "满意度测评", "信访", "干部"]
    assert "还没有导入记录。" in [c.value for c in at.caption]
    assert set(frame_with(at, "数据表")["行数"]) == {0}


def test_without_a_database_the_page_says_so_and_still_offers_templates(monkeypatch, tmp_path):
    at = open_page(monkeypatch, f"sqlite:///{tmp_path / 'no' / 'such.db'}")
    assert at.error[0].value == "无法连接数据库，暂时不能导入；模板仍可下载。"
    assert len(at.get("download_button")) == 2
    assert not at.get("file_uploader")


def test_a_bad_upload_lists_every_error_and_writes_nothing(monkeypatch, tiny_copy):
    at = open_page(monkeypatch, tiny_copy)
    assert member_rows(at) == 7
    bad = csv_bytes([M, member_row(gender="未知"), member_row(edu="博士后")])
    at.file_uploader(key="imp_files").set_value([("党员.csv", bad, "text/csv")]).run()
    assert not at.exception, at.exception
    assert at.error[0].value == "发现 3 个问题，本次没有写入任何数据。请按下表修改后重新上传。"
    problems = frame_with(at, "处理办法")
    assert list(problems["行号"]) == ["2", "3", "3"]
    assert list(problems["列"]) == ["性别", "学历", "身份证号"]
    assert list(problems["问题"])[-1] == "与第2行重复（同一党员出现两次）"
    assert "4114**********0629" in list(problems["值"])
    assert "imp_confirm" not in [b.key for b in at.button]
    assert member_rows(at) == 7
    assert db.row_counts(db.make_engine(tiny_copy))["member"] == 7


def test_a_good_upload_is_loaded_after_confirmation_and_the_counts_change(monkeypatch, tiny_copy):
    at = open_page(monkeypatch, tiny_copy)
    good = xlsx({"新党员": [M, member_row(), member_row(pid=tiny_db.pid(33, tiny_db.date(1992, 1, 1)), name="赵六",
                                                          gender="男", born="1992-01-01")]})
    at.file_uploader(key="imp_files").set_value([("新党员.xlsx", good, XLSX)]).run()
    assert not at.exception, at.exception
    assert at.success[0].value == "校验通过：共 2 行数据，可以导入。"
    assert at.expander[0].label == "预览：新党员.xlsx › 新党员（党员，前10行）"
    preview = frame_with(at, "学历")
    assert list(preview["行号"]) == [2, 3]
    assert list(preview["姓名"]) == ["王*红", "赵*"]
    assert list(preview["身份证号"])[0] == "4114**********0629"
    assert db.row_counts(db.make_engine(tiny_copy))["member"] == 7  # nothing before the confirmation
    at.button(key="imp_confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "导入完成。\n\n党员：新增 2 行，更新 0 行，未变 0 行"
    assert db.row_counts(db.make_engine(tiny_copy))["member"] == 9
    assert member_rows(at) == 9
    history = frame_with(at, "导入人")
    assert list(history["文件"]) == ["新党员.xlsx"]
    assert list(history["各类数据行数"]) == ["党员 新增2/更新0/未变0"]
    assert list(history["导入人"]) == ["数据管理页"]


def test_the_data_page_in_english_uses_english_labels(monkeypatch, tiny_copy):
    at = open_page(monkeypatch, tiny_copy, lang="en")
    assert at.title[0].value == "Data management"
    assert "Rows" in frame_with(at, "Table").columns


def test_the_data_page_loads_a_good_upload_on_postgresql(monkeypatch):
    from test_importer import pg_url

    url = fresh_tiny(pg_url())
    at = open_page(monkeypatch, url)
    at.file_uploader(key="imp_files").set_value([("党员.csv", csv_bytes([M, member_row()]), "text/csv")]).run()
    at.button(key="imp_confirm").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "导入完成。\n\n党员：新增 1 行，更新 0 行，未变 0 行"
    assert member_rows(at) == 8
