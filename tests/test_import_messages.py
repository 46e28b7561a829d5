"""Importer messages come from the one label dictionary: Chinese unchanged, English for every failure mode.

The Chinese lines are checked byte for byte by tests/test_importer.py (fixtures/import/expected.json);
here the same broken files must read in English, with column headers, codes and (masked) values kept
exactly as they are in the user's file.
"""
from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from importer_helpers import FIXTURES, M, NEW_ID, csv_bytes, headers, member_row, xlsx
from lib import cli, importer
from lib.i18n import LABELS
from lib.importer import values as V
from lib.importer.contract import BY_TABLE, ENTITIES
from lib.importer.messages import Msg, msg
from lib.importer.report import problems_frame
from test_data_page import frame_with, open_page, tiny_copy  # noqa: F401 - a fixture
from test_importer import write_url  # noqa: F401 - a fixture

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")

# One broken file per failure mode of tests/fixtures/import, as an English reader sees it.
EXPECTED_EN = {
    "bad_counts.xlsx": [
        "bad_counts.xlsx › 满意度 › row 2 › 受访人数 “100”: Satisfied, fairly satisfied and dissatisfied add up to 103, "
        "more than the respondents. Check each count.",
        "bad_counts.xlsx › 信访 › row 2 › 基层化解件数 “4”: More than the number of petitions (3). Check the counts."],
    "bad_credit_code.csv": [
        "bad_credit_code.csv › row 2 › 统一社会信用代码 “91411402MA00000N10”: Not a valid unified social credit code: "
        "the check character is wrong. Check the unified social credit code."],
    "bad_dates.xlsx": [
        "bad_dates.xlsx › 党员 › row 2 › 入党日期 “2019-13-01”: No such date. Check the year, month and day.",
        "bad_dates.xlsx › 党员 › row 3 › 出生日期 “1991.04”: Only the month is given; this column needs the day. "
        "Write it as 1991-04-01.",
        "bad_dates.xlsx › 党员 › row 3 › 入党日期 “去年七月”: The date is not recognised. "
        "Write it as YYYY-MM-DD (or YYYY/M/D, YYYY.MM.DD), or only the month: YYYY.MM."],
    "bad_enums.csv": [
        "bad_enums.csv › row 2 › 性别 “未知”: Not an allowed value. Enter one of: 男, 女.",
        "bad_enums.csv › row 2 › 学历 “博士后”: Not an allowed value. Enter one of: 研究生, 大学本科, 大专, 中专, 高中, 初中及以下.",
        "bad_enums.csv › row 2 › 党员类型 “积极分子”: Not an allowed value. Enter one of: 正式, 预备."],
    "bad_id_numbers.csv": [
        "bad_id_numbers.csv › row 2 › 身份证号 “4114**********0620”: Not a valid ID number: the check character is wrong. "
        "Check the ID number.",
        "bad_id_numbers.csv › row 3 › 身份证号 “4114*********3062”: Not a valid ID number: it should have 18 characters "
        "but has 17. Check the ID number."],
    "bad_numbers.csv": [
        "bad_numbers.csv › row 2 › 从业人员数 “十二”: Should be a whole number. Enter digits only.",
        "bad_numbers.csv › row 3 › 从业人员数 “12.5”: Should be a whole number. Enter a whole number.",
        "bad_numbers.csv › row 3 › 党员数 “-1”: Cannot be less than 0. Check the number."],
    "bad_rating.csv": [
        "bad_rating.csv › row 2 › 满意度评价 “6”: The satisfaction rating should be a whole number from 1 to 5. "
        "Enter 1, 2, 3, 4 or 5.",
        "bad_rating.csv › row 3 › 办结时间 “2018-05-30 10:00”: Earlier than the time the ticket was received. "
        "Check the closing time."],
    "bad_references.csv": [
        "bad_references.csv › row 2 › 所属乡镇 “不存在镇”: No such township in the database or in this import. "
        "Enter the code or name of an existing township, or import the township sheet as well.",
        "bad_references.csv › row 3 › 所属村社区 “建设社区”: No such village/community in its township, in the database "
        "or in this import. Enter the code or name of an existing village/community, or import the village/community "
        "sheet as well.",
        "bad_references.csv › row 3 › 上级组织代码 “O99”: No party organization has this code in the database or in this "
        "import. Enter the code of an existing organization, or import the party organization sheet as well.",
        "bad_references.csv › row 4 › 上级组织代码 “N4”: The parent organizations form a loop: N3 → N4 → N3. "
        "Check the parent organization codes."],
    "duplicate_header.csv": [
        "duplicate_header.csv › row 1 › 姓名: Duplicate header (columns 2 and 11). Delete the repeated column."],
    "duplicate_keys.csv": [
        "duplicate_keys.csv › row 3 › 身份证号 “4114**********0629”: Same as row 2 (a record of Party members appears "
        "twice). Delete or merge the repeated rows."],
    "empty.csv": ["empty.csv: The file is empty. Choose a file that holds the data."],
    "empty_sheet.xlsx": ["empty_sheet.xlsx › Sheet1: The sheet is empty. Fill in the data, or delete this empty sheet."],
    "header_only.csv": [
        "header_only.csv: There is a header row but no data rows. Fill in the data, or delete this empty sheet."],
    "id_as_number.xlsx": [
        "id_as_number.xlsx › 党员 › row 2 › 身份证号 “4114**********0592”: The ID number was saved as a number; Excel keeps "
        "only 15 significant digits, so the last digits are lost. Format the column as Text, then enter the full ID "
        "numbers again."],
    "id_disagrees.csv": [
        "id_disagrees.csv › row 2 › 出生日期 “1990-02-04”: Does not match the birth date 1990-02-03 in the ID number. "
        "Check the birth date or the ID number.",
        "id_disagrees.csv › row 2 › 性别 “男”: Does not match the ID number (its 17th digit says female). "
        "Check the gender or the ID number."],
    "missing_header.csv": [
        "missing_header.csv › row 1 › 入党日期: A required column is missing (this sheet was recognised as "
        "“Party members”). Add a column “入党日期” to the header row."],
    "old_format.xls": [
        "old_format.xls: This is an old-format Excel (.xls) file, which cannot be read. Open it in Excel or WPS, "
        "choose Save As → Excel Workbook (.xlsx), then import that file."],
    "several_sheets.xlsx": [
        "several_sheets.xlsx › Sheet2 › row 2 › 所属党组织代码 “O77”: No party organization has this code in the database "
        "or in this import. Enter the code of an existing organization, or import the party organization sheet as well.",
        "several_sheets.xlsx › Sheet3: The sheet is empty. Fill in the data, or delete this empty sheet."],
    "unknown_header.csv": [
        "unknown_header.csv › row 1 › 备用: Unknown header (this sheet was recognised as “Party members”). "
        "Delete the column, or use a header of the template."],
    "unrecognised.csv": [
        "unrecognised.csv › row 1: Cannot tell what kind of data this sheet holds (its headers match no template). "
        "Use the headers of a template from the Data management page or from python -m lib.cli template."],
}


def _check(name: str, engine):
    return importer.check_files([(name, (FIXTURES / name).read_bytes())], engine)


def _data(m: Msg | None) -> list[str]:
    """Return the data values (not labels) a message carries, nested ones included."""
    out = []
    for _k, v in (m.values if m else ()):
        if isinstance(v, Msg):
            out += _data(v)
        elif isinstance(v, (tuple, list)):
            out += [str(x) for x in v]
        else:
            out.append(str(v))
    return out


# Chinese that English labels quote on purpose: a date format staff may type, and the yes/no words of the file
QUOTED = ("2019年5月1日", "是", "否")


def _english_only(text: str, data: list[str]) -> str:
    for d in sorted(data + list(QUOTED), key=len, reverse=True):
        text = text.replace(d, "")
    return text


# --- the broken files in English ------------------------------------------------------------------------

def test_every_failure_mode_has_english_expectations():
    assert sorted(EXPECTED_EN) == sorted(p.name for p in FIXTURES.iterdir() if p.name != "expected.json")


@pytest.mark.parametrize("name", sorted(EXPECTED_EN))
def test_each_broken_file_reads_in_english(name, tiny_engine):
    plan = _check(name, tiny_engine)
    assert [p.text("en") for p in plan.problems] == EXPECTED_EN[name]
    assert [p.text() for p in plan.problems] == [p.text("zh") for p in plan.problems]  # Chinese is the default


@pytest.mark.parametrize("name", sorted(EXPECTED_EN))
def test_english_messages_hold_no_chinese_except_the_users_data(name, tiny_engine):
    for p in _check(name, tiny_engine).problems:
        for text, m in ((p.problem_text("en"), p.message), (p.fix_text("en"), p.fix)):
            assert text and not CJK.search(_english_only(text, _data(m))), text
        assert p.problem_text("zh") != p.problem_text("en")


def test_masked_values_stay_masked_in_english():
    rows = [M, member_row(name="王小红", gender="男"), member_row(name="王小红", gender="男")]
    plan = importer.check_files([("p.csv", csv_bytes(rows))], None)
    shown = " ".join(p.text("en") for p in plan.problems) + " ".join(p.text("zh") for p in plan.problems)
    assert len(plan.problems) == 5  # 2× gender, 2× org (no database), duplicate
    assert NEW_ID not in shown and "王小红" not in shown
    assert plan.problems[-1].text("en").startswith("p.csv › row 3 › 身份证号 “4114**********0629”: Same as row 2")


def test_a_duplicate_across_files_names_the_other_file_in_either_language(tiny_engine):
    a, b = csv_bytes([M, member_row()]), xlsx({"党员": [M, member_row()]})
    [p] = importer.check_files([("a.csv", a), ("b.xlsx", b)], tiny_engine).problems
    assert p.text("en") == ("b.xlsx › 党员 › row 2 › 身份证号 “4114**********0629”: Same as a.csv › row 2 "
                            "(a record of Party members appears twice). Delete or merge the repeated rows.")
    assert p.text() == "b.xlsx › 党员 › 第2行 › 身份证号“4114**********0629”：与a.csv › 第2行重复（同一党员出现两次）。请删除或合并重复的行。"


def test_reference_problems_not_in_the_fixtures_read_in_english(tiny_engine):
    towns = [headers("township"), ["T8", "甲镇", "镇", "", ""]]  # 甲镇 is T1's name already
    orgs = [headers("party_org"), ["N1", "某党委", "党委", "机关", "T1", "建设社区", "N1", "2018-01-01", "是"],
            ["N2", "某支部", "党支部", "农村", "T1", "V21", "", "2018-01-01", ""],  # V21 is in T2
            ["N3", "某支部", "党支部", "农村", "甲镇", "", "", "2018-01-01", ""]]  # T1 or T8?
    plan = importer.check_files([("t.csv", csv_bytes(towns)), ("o.csv", csv_bytes(orgs))], tiny_engine)
    assert [(p.row, p.problem_text("en"), p.fix_text("en")) for p in plan.problems] == [
        (2, "Same name as township T1 (township names must be unique)", "Check the township name or code"),
        (2, "No such village/community in its township, in the database or in this import",
         "Enter the code or name of an existing village/community, or import the village/community sheet as well"),
        (2, "An organization cannot be its own parent", "Enter the code of the parent organization"),
        (2, "The parent organizations form a loop: N1 → N1", "Check the parent organization codes"),
        (3, "This village/community is not in township T1", "Check the township or the village/community"),
        (4, "2 townships have this name", "Enter the township code")]
    assert [p.problem_text() for p in plan.problems] == [
        "与乡镇 T1 同名（乡镇名称须唯一）", "库中和本次导入中都没有这个村（社区）（在所属乡镇内）", "上级组织不能是自己",
        "上级组织关系形成了循环：N1 → N1", "该村（社区）不属于所属乡镇 T1", "有2个乡镇叫这个名称"]


@pytest.mark.parametrize("call,zh,en", [
    (lambda: V.parse_date(1), None, None),  # a valid serial: no problem (guards the table below)
    (lambda: V.parse_date(0.5), "不是有效的 Excel 日期序号", "Not a valid Excel date serial number"),
    (lambda: V.parse_datetime("2019-05-01 9点"), "时间无法识别", "The time is not recognised"),
    (lambda: V.parse_datetime("2019-05-01 25:00"), "时间不存在", "No such time of day"),
    (lambda: V.parse_date("2019-13", month_ok=True), "月份不存在", "No such month"),
    (lambda: V.parse_float("abc"), "应为数字", "Should be a number"),
    (lambda: V.parse_int(7, high=5), "不能大于 5", "Cannot be more than 5"),
    (lambda: V.parse_percent("120%"), "不能大于 100%", "Cannot be more than 100%"),
    (lambda: V.parse_bool("也许"), "应为“是”或“否”", "Should be 是 (yes) or 否 (no)"),
    (lambda: V.parse_id_number(4.11402199e17), "身份证号被保存成了数字，Excel 只保留15位有效数字，末几位已丢失",
     "The ID number was saved as a number; Excel keeps only 15 significant digits, so the last digits are lost"),
    (lambda: V.parse_id_number("4.11402E+17"), "身份证号被保存成了科学计数法数字，末几位已丢失",
     "The ID number was saved in scientific notation, so the last digits are lost"),
    (lambda: V.parse_id_number("41140219900203062A"), "不是有效的身份证号：前17位应为数字，末位为数字或X",
     "Not a valid ID number: the first 17 characters should be digits and the last a digit or X"),
    (lambda: V.parse_id_number("411402199002300625"), "不是有效的身份证号：其中的出生日期不存在",
     "Not a valid ID number: the birth date in it does not exist"),
    (lambda: V.parse_credit_code(12345), "统一社会信用代码应为18位文本",
     "The unified social credit code should be 18 characters of text"),
    (lambda: V.parse_credit_code("91411402MA0000000I"),
     "不是有效的统一社会信用代码：含有不允许的字符（只允许数字和除I、O、S、V、Z外的大写字母）",
     "Not a valid unified social credit code: it holds characters that are not allowed (only digits and capital "
     "letters except I, O, S, V, Z)"),
    (lambda: V.parse_phone("12345"), "手机号应为1开头的11位数字", "A mobile number should be 11 digits starting with 1"),
    (lambda: V.parse_period("2018年秋"), "测评期次无法识别", "The survey period is not recognised"),
    (lambda: V.parse_month("七月"), "月份无法识别", "The month is not recognised"),
])
def test_every_kind_of_cell_problem_reads_in_both_languages(call, zh, en):
    if zh is None:
        call()
        return
    with pytest.raises(V.Bad) as caught:
        call()
    bad = caught.value
    assert (str(bad), bad.message.render("zh"), bad.message.render("en")) == (zh, zh, en)
    assert bad.fix is not None and bad.fix.render("en") and not CJK.search(_english_only(bad.fix.render("en"), []))


@pytest.mark.parametrize("name,content,zh,en", [
    ("a.txt", b"x", "不支持的文件类型“.txt”", "Unsupported file type “.txt”"),
    ("noext", b"x", "不支持的文件类型“无扩展名”", "Unsupported file type “none”"),
    ("a.csv", b"\xff\xfe\x00\xd8\x00", "文件编码无法识别", "The file's text encoding is not recognised"),
    ("a.xlsx", b"not a workbook", "文件无法打开，可能已损坏或不是 Excel 工作簿",
     "The file cannot be opened: it may be damaged or not an Excel workbook"),
])
def test_files_that_cannot_be_read_say_why_in_both_languages(name, content, zh, en):
    [p] = importer.check_files([(name, content)], None).problems
    assert (p.problem_text(), p.problem_text("en")) == (zh, en)
    assert p.fix_text("en") and not CJK.search(_english_only(p.fix_text("en"), []))


def test_too_long_text_reads_in_both_languages():
    plan = importer.check_files([("t.csv", csv_bytes([headers("township"), ["T9", "镇" * 300, "镇", "", ""]]))], None)
    [p] = [p for p in plan.problems if p.column == "乡镇名称"]
    assert p.problem_text().startswith("太长了（最多 ") and p.problem_text("en").startswith("Too long (at most ")
    assert p.fix_text("en") == "Check the text, or use a shorter name"


# --- the dictionary ---------------------------------------------------------------------------------------

MSG_KEY = re.compile(r"""\bmsg\(\s*["']([A-Za-z0-9_]+)["']""")
ISSUE_KEY = re.compile(r"""["'](imp_[a-z0-9_]+)["']""")


def test_every_message_key_used_by_the_importer_is_defined_in_both_languages():
    sources = [*(ROOT / "lib" / "importer").glob("*.py"), ROOT / "lib" / "idcodes.py"]
    used = {key for path in sources for key in MSG_KEY.findall(path.read_text(encoding="utf-8"))}
    used |= set(ISSUE_KEY.findall((ROOT / "lib" / "idcodes.py").read_text(encoding="utf-8")))
    assert len(used) > 60  # the regexes do find the messages
    missing = sorted(k for k in used if k not in LABELS or not LABELS[k][0].strip() or not LABELS[k][1].strip())
    assert missing == []


def test_the_importer_writes_no_chinese_message_in_code():
    """Every problem, cell error, unreadable-file reason and printed line is a message key, never Chinese text.

    Column headers (`column=`) and cell values (`value=`) are the user's data and may be Chinese.
    """
    import ast

    def chinese(node) -> bool:
        return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and CJK.search(n.value)
                   for n in ast.walk(node))

    calls = 0
    for name in ("validate.py", "values.py", "read.py", "loader.py", "cli.py", "report.py"):
        tree = ast.parse((ROOT / "lib" / "importer" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                    "Problem", "Bad", "p", "print", "ImportRejected"):
                calls += 1
                said = [*node.args, *(k.value for k in node.keywords if k.arg not in ("column", "value"))]
                assert not any(chinese(a) for a in said), (name, ast.unparse(node))
            if isinstance(node, ast.Assign) and any(getattr(t, "attr", "") == "error" for t in node.targets):
                calls += 1
                assert not chinese(node.value), (name, ast.unparse(node))
    assert calls > 60


def test_entity_names_of_messages_are_the_template_sheet_names_in_chinese():
    assert {e.table: LABELS[f"imp_entity_{e.table}"][0] for e in ENTITIES} == {e.table: e.label for e in ENTITIES}


def test_lists_of_allowed_values_use_the_separator_of_the_language():
    m = msg("imp_fix_one_of", values=BY_TABLE["member"].field_by_name("性别").values)
    assert (m.render("zh"), m.render("en"), str(m)) == ("请填写：男、女", "Enter one of: 男, 女", "请填写：男、女")


def test_nested_placeholders_match_between_languages():
    def fields(text):
        return {n for _, n, _, _ in string.Formatter().parse(text) if n}

    assert all(fields(zh) == fields(en) for k, (zh, en) in LABELS.items() if k.startswith("imp_"))


# --- command line ---------------------------------------------------------------------------------------

def test_the_command_line_stays_chinese_and_speaks_english_with_lang_en(write_url, tmp_path, capsys):
    path = tmp_path / "bad_enums.csv"
    path.write_bytes((FIXTURES / "bad_enums.csv").read_bytes())
    assert cli.main(["import", "--db", write_url, str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "bad_enums.csv › 第2行 › 性别“未知”：不是允许的取值。请填写：男、女。"
    assert err[-1] == "共发现 3 个问题，本次没有写入任何数据。请修改后重新导入。"
    assert cli.main(["import", "--db", write_url, "--lang", "en", str(path)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:-1] == EXPECTED_EN["bad_enums.csv"]
    assert err[-1] == "Problems found: 3. Nothing was written; fix them and import again."
    assert cli.main(["import", "--db", write_url, "--lang", "en", str(tmp_path / "nope.csv")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'nope.csv'}: file not found.\n"


def test_a_good_import_is_summed_up_in_the_chosen_language(write_url, tmp_path, capsys):
    path = tmp_path / "党员.csv"
    path.write_bytes(csv_bytes([M, member_row()]))
    assert cli.main(["import", "--db", write_url, "--lang", "en", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Party members: 1 inserted, 0 updated, 0 unchanged", "Import finished (files: 1)."]
    assert cli.main(["import", "--db", write_url, str(path)]) == 0  # the same file again changes nothing
    assert capsys.readouterr().out.splitlines() == ["党员：新增 0 行，更新 0 行，未变 1 行", "导入完成（1 个文件）。"]


# --- the 数据管理 page ------------------------------------------------------------------------------------

def test_the_problem_table_of_the_page_is_english_in_english_mode(monkeypatch, tiny_copy):  # noqa: F811
    at = open_page(monkeypatch, tiny_copy, lang="en")
    bad = csv_bytes([M, member_row(gender="未知"), member_row(edu="博士后")])
    at.file_uploader(key="imp_files").set_value([("党员.csv", bad, "text/csv")]).run()
    assert not at.exception, at.exception
    assert at.error[0].value == "Problems found: 3. Nothing was written; fix them as listed below and upload again."
    problems = frame_with(at, "What to do")
    assert list(problems.columns) == ["File", "Sheet", "Row", "Column", "Value", "Problem", "What to do"]
    assert list(problems["Row"]) == ["2", "3", "3"]
    assert list(problems["Column"]) == ["性别", "学历", "身份证号"]  # the headers of the user's file
    assert list(problems["Value"]) == ["未知", "博士后", "4114**********0629"]
    assert list(problems["Problem"]) == ["Not an allowed value", "Not an allowed value",
                                         "Same as row 2 (a record of Party members appears twice)"]
    assert list(problems["What to do"]) == ["Enter one of: 男, 女",
                                            "Enter one of: 研究生, 大学本科, 大专, 中专, 高中, 初中及以下",
                                            "Delete or merge the repeated rows"]


def test_the_problem_table_follows_a_language_switch_without_checking_again(tiny_engine):
    plan = importer.check_files([("bad_enums.csv", (FIXTURES / "bad_enums.csv").read_bytes())], tiny_engine)
    from lib.i18n import t

    zh = problems_frame(plan, lambda k, **v: t(k, "zh", **v))
    en = problems_frame(plan, lambda k, **v: t(k, "en", **v), "en")
    assert list(zh["问题"]) == ["不是允许的取值"] * 3 and list(en["Problem"]) == ["Not an allowed value"] * 3
    assert list(zh["列"]) == list(en["Column"]) == ["性别", "学历", "党员类型"]


def test_the_preview_in_english_labels_only_the_row_number(monkeypatch, tiny_copy):  # noqa: F811
    at = open_page(monkeypatch, tiny_copy, lang="en")
    at.file_uploader(key="imp_files").set_value([("党员.csv", csv_bytes([M, member_row()]), "text/csv")]).run()
    assert not at.exception, at.exception
    preview = frame_with(at, "学历")
    assert list(preview.columns)[:3] == ["Row", "身份证号", "姓名"] and list(preview["Row"]) == [2]

