"""Importer: broken files rejected with exact errors, round trips, idempotence, all-or-nothing writes.

Write tests run on a fresh SQLite file and on PostgreSQL (schema `imp_write` of TEST_DATABASE_URL).
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

import pytest
from sqlalchemy import select, text

import tiny_db
from importer_helpers import (FIXTURES, M, NEW_ID, csv_bytes, filled_template, headers, member_row, tiny_rows,
                              tiny_sheet, tiny_workbook, xlsx)
from lib import cli, db, importer, schema
from lib.importer import loader as load_module
from lib.importer import values as V
from lib.importer.contract import BY_TABLE, ENTITIES, Field
from lib.queries.kpis import compute_kpis
from lib.scope import Scope
from test_kpis import DISTRICT_AT_AS_OF, T1_AT_AS_OF, assert_kpis

EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
PG_SCHEMA = "imp_write"

# The data contract of DESIGN.md, copied verbatim: the templates must carry exactly these headers.
DESIGN_HEADERS = {
    "township": "乡镇代码, 乡镇名称, 类型(乡/镇/街道), 【经度】, 【纬度】",
    "village": "村社区代码, 村社区名称, 所属乡镇, 类型(村/社区)",
    "party_org": "组织代码, 组织名称, 组织类别(党委/党总支/党支部/联合党支部), 所属领域(农村/社区/机关/事业单位/国有企业/非公企业/社会组织/流动党员), 所属乡镇, 【所属村社区】, 【上级组织代码】, 成立日期, 【是否软弱涣散】",
    "enterprise": "统一社会信用代码, 名称, 类型(非公企业/社会组织), 行业, 所属乡镇, 从业人员数, 党员数(正式党员), 【党组织代码】, 【党建指导员】, 【未建原因】",
    "member": "身份证号, 姓名, 性别, 出生日期, 学历, 入党日期, 党员类型(正式/预备), 所属党组织代码, 【民族】, 【手机号】",
    "outflow": "身份证号, 姓名, 流出乡镇, 流入省份, 流入城市, 流出日期, 【流动党员党支部代码】, 【最近联系日期】",
    "ticket": "工单编号, 所属乡镇, 【所属村社区】, 服务站点, 事项类别, 受理渠道(窗口/网上/电话/上门), 受理时间, 办结时限(天), 【办结时间】, 【满意度评价(1-5)】",
    "survey": "测评期次(如 2018Q3), 所属乡镇, 受访人数, 满意人数, 基本满意人数, 不满意人数",
    "petition": "月份(如 2018-07), 所属乡镇, 信访件数, 基层化解件数",
    "cadre": "身份证号, 姓名, 性别, 出生日期, 学历, 职级(正处/副处/正科/副科/科员), 现任职务, 任职单位, 【所属乡镇】, 【民族】, 【任现职时间】",
}


def pg_url() -> str:
    from conftest import PG_URL, postgres_engine

    with postgres_engine().begin() as conn:
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}"))
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{PG_SCHEMA}"


@pytest.fixture(params=["sqlite", "postgresql"])
def write_url(request, tmp_path) -> str:
    """A URL of a database holding the tiny rows, that the test may write to."""
    url = f"sqlite:///{tmp_path / 'w.db'}" if request.param == "sqlite" else pg_url()
    engine = db.make_engine(url)
    tiny_db.build(engine)
    engine.dispose()
    return url


@pytest.fixture
def empty_url(write_url) -> str:
    """The same databases, emptied (schema and meta rows only)."""
    engine = db.make_engine(write_url)
    schema.metadata.drop_all(engine)
    db.init_db(engine)
    engine.dispose()
    return write_url


def dump(url: str) -> dict:
    """Return every row of every table, sorted, for before/after comparisons."""
    engine = db.make_engine(url)
    with engine.connect() as conn:
        out = {t.name: sorted(map(repr, conn.execute(select(t)).all())) for t in schema.metadata.sorted_tables}
    engine.dispose()
    return out


def run_cli(url: str, paths, capsys) -> tuple[int, str, str]:
    rc = cli.main(["import", "--db", url, *map(str, paths)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


# --- broken files --------------------------------------------------------------------------------------

def test_every_broken_fixture_file_has_its_expected_errors_listed():
    files = sorted(p.name for p in FIXTURES.iterdir() if p.name != "expected.json")
    assert files == sorted(EXPECTED)
    assert all(EXPECTED[name] for name in files)  # each file is rejected with at least one error


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_file_is_rejected_with_exactly_the_expected_errors(name, tiny_engine):
    plan = importer.check_files([(name, (FIXTURES / name).read_bytes())], tiny_engine)
    assert [p.text() for p in plan.problems] == EXPECTED[name]


def test_importing_every_broken_file_at_once_reports_all_errors_and_writes_nothing(write_url, capsys):
    before = dump(write_url)
    paths = sorted(p for p in FIXTURES.iterdir() if p.name != "expected.json")
    rc, out, err = run_cli(write_url, paths, capsys)
    assert rc == 1
    lines = err.splitlines()
    expected = [line for p in paths for line in EXPECTED[p.name]]
    # together, the same new member in several files also collides across files: reported too, naming both
    across = [line for line in lines[:-1] if line not in expected]
    assert across and all("重复（同一党员出现两次）" in line and "与" in line for line in across)
    assert [line for line in lines[:-1] if line in expected] == [
        line for line in expected if line != EXPECTED["duplicate_keys.csv"][0]]
    assert lines[-1] == f"共发现 {len(lines) - 1} 个问题，本次没有写入任何数据。请修改后重新导入。"
    assert out == ""
    assert dump(write_url) == before


def test_an_old_xls_file_is_answered_with_how_to_save_it_as_xlsx(tmp_path, capsys):
    path = write(tmp_path, "党员.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    rc, _, err = run_cli(f"sqlite:///{tmp_path / 'x.db'}", [path], capsys)
    assert rc == 1
    assert "党员.xls：这是旧版 Excel（.xls）文件，无法直接读取。请在 Excel 或 WPS 中打开，选择“另存为”→“Excel 工作簿（.xlsx）”后再导入。" in err


def test_personal_values_are_masked_in_every_message():
    assert V.mask("张三明") == "张*明"
    assert V.mask("欧阳明日") == "欧**日"
    assert V.mask("411402199002030629", kind="id_number") == "4114**********0629"
    assert V.mask("13800001234", kind="phone") == "138****1234"
    plan = importer.check_files([("p.csv", csv_bytes([M, member_row(name="王小红", gender="男")]))], None)
    shown = " ".join(p.text() for p in plan.problems)
    assert NEW_ID not in shown and "王小红" not in shown


# --- cell values -------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [43496, 43496.0, "43496", "2019-01-31", "2019/1/31", "2019.01.31", "2019年1月31日",
                                 "20190131", datetime(2019, 1, 31), "２０１９－０１－３１", " 2019-01-31\u3000"])
def test_a_date_is_read_from_every_common_spelling(raw):
    assert V.parse_date(raw) == date(2019, 1, 31)


@pytest.mark.parametrize("raw", ["2019.05", "2019年5月", "2019-05", "2019/5"])
def test_month_precision_is_accepted_only_where_the_column_allows_it(raw):
    assert V.parse_date(raw, month_ok=True) == date(2019, 5, 1)
    with pytest.raises(V.Bad, match="只写到了月份"):
        V.parse_date(raw)


def test_a_date_time_keeps_its_time_and_an_excel_serial_its_fraction():
    assert V.parse_datetime("2018-03-01 09:30") == datetime(2018, 3, 1, 9, 30)
    assert V.parse_datetime(43160.5) == datetime(2018, 3, 1, 12, 0)
    assert V.parse_datetime("2018/3/1") == datetime(2018, 3, 1)


def test_integers_ratings_and_percentages_have_their_ranges():
    assert V.parse_int("1,200") == 1200 and V.parse_int(12.0) == 12
    with pytest.raises(V.Bad):
        V.parse_int(-1, low=0)
    assert V.parse_rating("５") == 5
    with pytest.raises(V.Bad, match="1 到 5"):
        V.parse_rating(0)
    assert V.parse_percent("98.1%") == pytest.approx(0.981)
    assert V.parse_percent(98.1) == pytest.approx(0.981)
    assert V.parse_percent(0.5) == 0.5
    with pytest.raises(V.Bad):
        V.parse_percent("120%")


@pytest.mark.parametrize("column,raw,value", [
    ("gender", "男性", "男"), ("gender", "女", "女"), ("education", "本科", "大学本科"),
    ("education", "硕士研究生", "研究生"), ("education", "大学专科", "大专"), ("member_type", "预备党员", "预备"),
])
def test_common_synonyms_of_enumerated_values_are_accepted(column, raw, value):
    f = next(f for f in BY_TABLE["member"].fields if f.column == column)
    assert V.parse_enum(raw, f) == value


def test_synonyms_of_rank_channel_and_organization_category_are_accepted():
    def field(table: str, column: str) -> Field:
        return next(f for f in BY_TABLE[table].fields if f.column == column)

    assert V.parse_enum("副科级", field("cadre", "rank")) == "副科"
    assert V.parse_enum("网办", field("ticket", "channel")) == "网上"
    assert V.parse_enum("党总支部", field("party_org", "category")) == "党总支"
    assert V.parse_enum("非公有制企业", field("party_org", "domain")) == "非公企业"


def test_full_width_digits_letters_and_spaces_are_normalised_before_checking(tiny_engine):
    fw_id = "".join(chr(ord(c) + 0xFEE0) for c in NEW_ID)  # full-width digits
    row = member_row(pid=f"\u3000{fw_id} ", name=" 王小红\u3000", gender="女 ", edu="　本科", org="Ｏ１")
    plan = importer.check_files([("党员.csv", csv_bytes([M, row]))], tiny_engine)
    assert plan.problems == []
    values = plan.sheets[0].rows[0].values
    assert (values["id_number"], values["name"], values["education"], values["org_code"]) == \
        (NEW_ID, "王小红", "大学本科", "O1")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_in_gb18030_or_gbk_reads_the_same(encoding, tiny_engine):
    plan = importer.check_files([("党员.csv", csv_bytes([M, member_row()], encoding=encoding))], tiny_engine)
    assert plan.problems == []
    assert plan.sheets[0].rows[0].values["name"] == "王小红"


def test_blank_gender_and_birth_date_are_taken_from_the_id_number(tiny_engine):
    plan = importer.check_files([("党员.csv", csv_bytes([M, member_row(gender="", born="")]))], tiny_engine)
    assert plan.problems == []
    assert plan.sheets[0].rows[0].values["gender"] == "女"
    assert plan.sheets[0].rows[0].values["birth_date"] == date(1990, 2, 3)


def test_a_header_row_below_a_title_row_and_headers_without_hints_are_recognised(tiny_engine):
    plain = [h.replace("【", "").replace("】", "").split("(")[0] for h in M]
    content = xlsx({"Sheet1": [["某某镇党员花名册"], [], plain, member_row()]})
    plan = importer.check_files([("花名册.xlsx", content)], tiny_engine)
    assert plan.problems == []
    assert plan.sheets[0].entity.table == "member" and plan.sheets[0].rows[0].row == 4


def test_names_are_accepted_in_place_of_township_and_village_codes(tiny_engine):
    rows = [headers("ticket"),
            ["N1", "甲镇", "张庄村", "站点", "代办事项", "窗口", "2018-06-01", 5, "", ""],
            ["N2", "乙街道", "张庄村", "站点", "代办事项", "窗口", "2018-06-01", 5, "", ""]]
    plan = importer.check_files([("工单.csv", csv_bytes(rows))], tiny_engine)
    assert [p.text() for p in plan.problems] == [
        "工单.csv › 第3行 › 所属村社区“张庄村”：库中和本次导入中都没有这个村（社区）（在所属乡镇内）。"
        "请填写已有的村社区代码或名称，或同时导入村社区表。"]
    assert (plan.sheets[0].rows[0].values["township_code"], plan.sheets[0].rows[0].values["village_code"]) == ("T1", "V11")


def test_references_to_rows_of_the_same_import_are_accepted(tiny_engine):
    towns = [headers("township"), ["T9", "丁镇", "镇", "", ""]]
    orgs = [headers("party_org"), ["N1", "丁镇党委", "党委", "机关", "丁镇", "", "", "2018-01-01", "否"],
            ["N2", "丁镇某支部", "党支部", "农村", "T9", "", "N1", "2018-01-01", ""]]
    members = [M, member_row(org="N2")]
    plan = importer.check_files([("book.xlsx", xlsx({"a": members, "b": orgs, "c": towns}))], tiny_engine)
    assert plan.problems == []
    assert {s.entity.table for s in plan.sheets} == {"member", "party_org", "township"}


def test_a_duplicate_key_across_two_files_names_both_places(tiny_engine):
    a, b = csv_bytes([M, member_row()]), xlsx({"党员": [M, member_row()]})
    plan = importer.check_files([("a.csv", a), ("b.xlsx", b)], tiny_engine)
    assert [p.text() for p in plan.problems] == [
        "b.xlsx › 党员 › 第2行 › 身份证号“4114**********0629”：与a.csv › 第2行重复（同一党员出现两次）。请删除或合并重复的行。"]


# --- templates -----------------------------------------------------------------------------------------

def test_templates_carry_the_design_headers_an_example_row_instructions_and_text_cells(tmp_path, capsys):
    from openpyxl import load_workbook

    assert cli.main(["template", "--out", str(tmp_path)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 10
    for entity in ENTITIES:
        wb = load_workbook(tmp_path / f"{entity.label}导入模板.xlsx")
        assert wb.sheetnames == [entity.label, "填写说明"]
        ws = wb[entity.label]
        assert [c.value for c in ws[1]] == DESIGN_HEADERS[entity.table].split(", ")
        assert any(c.value not in (None, "") for c in ws[2])
        for f, cell in zip(entity.fields, ws[2]):
            if f.kind in ("code", "id_number", "credit_code", "ref_township", "ref_org"):
                assert cell.number_format == "@", (entity.table, f.header)
                assert ws.cell(row=500, column=cell.column).number_format == "@"
        lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
        for f, cell in zip(entity.fields, ws[2]):
            if f.kind == "enum":
                assert lists[cell.coordinate] == '"' + ",".join(f.values) + '"'
        notes = [[c.value for c in row] for row in wb["填写说明"].iter_rows(min_row=6)]
        assert [r[0] for r in notes] == [f.header for f in entity.fields]
        assert all(r[1] in ("必填", "选填") and r[2] and r[3] for r in notes)


def test_the_example_rows_of_all_templates_import_together_into_an_empty_database(empty_url, tmp_path, capsys):
    assert cli.main(["template", "--out", str(tmp_path)]) == 0
    rc, out, err = run_cli(empty_url, sorted(tmp_path.glob("*.xlsx")), capsys)
    assert rc == 0, err
    assert db.row_counts(db.make_engine(empty_url)) == {e.table: 1 for e in ENTITIES}


# --- round trips and writes -------------------------------------------------------------------------------

def test_templates_filled_with_the_tiny_database_give_its_hand_worked_kpis(empty_url, tmp_path, capsys):
    paths = [write(tmp_path, f"{e.label}.xlsx", filled_template(e.table, tiny_sheet(e.table)[1:])) for e in ENTITIES]
    rc, out, err = run_cli(empty_url, paths, capsys)
    assert rc == 0, err
    assert "党员：新增 7 行，更新 0 行，未变 0 行" in out.splitlines()
    engine = db.make_engine(empty_url)
    assert_kpis(compute_kpis(engine, scope=Scope.all(), as_of=tiny_db.AS_OF), DISTRICT_AT_AS_OF)
    assert_kpis(compute_kpis(engine, scope=Scope.of("T1"), as_of=tiny_db.AS_OF), T1_AT_AS_OF)


def test_one_workbook_with_unnamed_sheets_is_recognised_by_its_headers(empty_url, tmp_path, capsys):
    names = {e.table: f"Sheet{i}" for i, e in enumerate(reversed(ENTITIES), start=1)}
    path = write(tmp_path, "台账.xlsx", tiny_workbook(names))
    rc, out, err = run_cli(empty_url, [path], capsys)
    assert rc == 0, err
    assert_kpis(compute_kpis(db.make_engine(empty_url), scope=Scope.all(), as_of=tiny_db.AS_OF), DISTRICT_AT_AS_OF)


def test_reimporting_the_same_file_changes_no_data(write_url, tmp_path, capsys):
    path = write(tmp_path, "台账.xlsx", tiny_workbook())
    rc, out, _ = run_cli(write_url, [path], capsys)  # the tiny rows again, the enterprises with new credit codes
    assert rc == 0
    assert "党员：新增 0 行，更新 0 行，未变 7 行" in out.splitlines()
    assert "两新组织：新增 9 行，更新 0 行，未变 0 行" in out.splitlines()
    data = lambda: {k: v for k, v in dump(write_url).items() if k in {t.name for t in schema.CONTRACT_TABLES}}  # noqa: E731
    before = data()
    rc, out, _ = run_cli(write_url, [path], capsys)
    assert rc == 0
    assert all("新增 0 行，更新 0 行" in line for line in out.splitlines()[:-1])
    assert data() == before


def test_a_corrected_file_updates_rows_by_their_natural_keys(write_url, tmp_path, capsys):
    members = tiny_sheet("member")
    members[2][4] = "研究生"  # P2's education corrected
    tickets = tiny_sheet("ticket")
    tickets[3][8] = datetime(2018, 6, 29, 10)  # K3 closed
    path = write(tmp_path, "更正.xlsx", xlsx({"党员": members, "工单": tickets}))
    rc, out, err = run_cli(write_url, [path], capsys)
    assert rc == 0, err
    assert out.splitlines()[:2] == ["党员：新增 0 行，更新 1 行，未变 6 行", "便民服务工单：新增 0 行，更新 1 行，未变 7 行"]
    engine = db.make_engine(write_url)
    assert db.row_counts(engine)["member"] == 7
    with engine.connect() as conn:
        assert conn.execute(select(schema.member.c.education).where(
            schema.member.c.id_number == tiny_rows("member")[1]["id_number"])).scalar_one() == "研究生"
        k3 = conn.execute(select(schema.ticket).where(schema.ticket.c.ticket_no == "K3")).mappings().one()
    assert k3["closed_at"] == datetime(2018, 6, 29, 10) and k3["due_at"] == datetime(2018, 7, 3, 10)


def test_columns_a_file_does_not_have_keep_their_stored_values(write_url, tmp_path, capsys):
    members = [row[:8] for row in tiny_sheet("member")]  # no 民族, 手机号
    members[1][1] = "改名1号"
    rc, out, err = run_cli(write_url, [write(tmp_path, "党员.csv", csv_bytes(members))], capsys)
    assert rc == 0, err
    with db.make_engine(write_url).connect() as conn:
        row = conn.execute(select(schema.member).where(
            schema.member.c.id_number == tiny_rows("member")[0]["id_number"])).mappings().one()
    assert (row["name"], row["ethnicity"]) == ("改名1号", "汉族")


def test_an_error_on_the_last_row_of_the_last_file_writes_nothing(write_url, tmp_path, capsys):
    towns = write(tmp_path, "乡镇.csv", csv_bytes([headers("township"), ["T9", "丁镇", "镇", "", ""]]))
    cadres = tiny_sheet("cadre")
    cadres[-1][4] = "博士后"
    last = write(tmp_path, "干部.xlsx", xlsx({"干部": cadres}))
    before = dump(write_url)
    rc, out, err = run_cli(write_url, [towns, last], capsys)
    assert rc == 1 and out == ""
    assert err.splitlines()[0] == "干部.xlsx › 干部 › 第7行 › 学历“博士后”：不是允许的取值。请填写：研究生、大学本科、大专、中专、高中、初中及以下。"
    assert dump(write_url) == before


def test_a_failure_injected_during_the_write_leaves_the_database_exactly_as_before(write_url, tmp_path, monkeypatch):
    real = load_module._write
    written = []

    def failing(conn, entity, rows):
        if entity.table == "cadre":  # the last table: everything before it has been written in the transaction
            raise RuntimeError("disk full (injected)")
        written.append(entity.table)
        real(conn, entity, rows)

    monkeypatch.setattr(load_module, "_write", failing)
    towns = csv_bytes([headers("township"), ["T9", "丁镇", "镇", "", ""], ["T1", "甲镇改名", "镇", 115.7, 34.5]])
    cadres = tiny_sheet("cadre")
    cadres[1][1] = "改名"
    before = dump(write_url)
    engine = db.make_engine(write_url)
    plan = importer.check_files([("乡镇.csv", towns), ("干部.xlsx", xlsx({"干部": cadres}))], engine)
    assert plan.ok
    with pytest.raises(RuntimeError, match="injected"):
        importer.load(engine, plan, who="测试")
    assert written == ["township"]
    engine.dispose()
    assert dump(write_url) == before


def test_a_load_records_history_bumps_the_data_version_and_refreshes_summaries(write_url, monkeypatch):
    from lib import summaries

    calls = []
    monkeypatch.setattr(summaries, "refresh", lambda conn, tables, townships=None: calls.append((tables, townships)))
    engine = db.make_engine(write_url)
    version = db.data_version(engine)
    content = csv_bytes([M, member_row(org="O2")])
    plan, result = importer.import_files(engine, [("新党员.csv", content)], who="组织部小王")
    assert plan.ok and result["tables"] == {"member": {"inserted": 1, "updated": 0, "unchanged": 0}}
    assert db.data_version(engine) == version + 1
    assert calls == [(["member"], {"T2"})]  # O2 belongs to T2
    with engine.connect() as conn:
        log = conn.execute(select(schema.import_log)).mappings().all()
        load = conn.execute(select(schema.table_load).where(schema.table_load.c.table_name == "member")).mappings().one()
    assert len(log) == 1
    assert (log[0]["file_name"], log[0]["file_sha256"], log[0]["imported_by"]) == \
        ("新党员.csv", hashlib.sha256(content).hexdigest(), "组织部小王")
    assert json.loads(log[0]["rows_json"]) == {"member": {"inserted": 1, "updated": 0, "unchanged": 0}}
    assert load["source"] == "新党员.csv"


def test_an_id_number_in_scientific_notation_from_a_csv_is_rejected_with_an_explanation(tiny_engine):
    plan = importer.check_files([("党员.csv", csv_bytes([M, member_row(pid="4.11402E+17")]))], tiny_engine)
    assert [p.text() for p in plan.problems] == [
        "党员.csv › 第2行 › 身份证号“4.11***E+17”：身份证号被保存成了科学计数法数字，末几位已丢失。"
        "请把该列设置为“文本”格式后重新录入完整的身份证号。"]


def test_an_ambiguous_township_name_or_a_village_of_another_township_is_an_error(tiny_engine):
    towns = [headers("township"), ["T8", "甲镇", "镇", "", ""]]  # a second 甲镇 in the same import
    villages = [headers("village"), ["V99", "新村", "甲镇", "村"], ["V98", "新村二", "T2", "村"]]
    tickets = [headers("ticket"), ["N1", "T2", "V11", "站点", "代办事项", "窗口", "2018-06-01", 5, "", ""]]
    plan = importer.check_files([("乡镇.csv", csv_bytes(towns)), ("村.csv", csv_bytes(villages)),
                                 ("工单.csv", csv_bytes(tickets))], tiny_engine)
    assert [p.text() for p in plan.problems] == [
        "乡镇.csv › 第2行 › 乡镇名称“甲镇”：与乡镇 T1 同名（乡镇名称须唯一）。请核对乡镇名称或代码。",
        "村.csv › 第2行 › 所属乡镇“甲镇”：有2个乡镇叫这个名称。请填写乡镇代码。",
        "工单.csv › 第2行 › 所属村社区“V11”：该村（社区）不属于所属乡镇 T2。请核对所属乡镇或村社区。"]


def test_child_organizations_listed_before_their_parents_are_written_parents_first(write_url):
    orgs = [headers("party_org"),
            ["N3", "孙支部", "党支部", "农村", "T1", "", "N2", "2018-01-01", ""],
            ["N2", "子总支", "党总支", "农村", "T1", "", "N1", "2018-01-01", ""],
            ["N1", "新党委", "党委", "机关", "T1", "", "", "2018-01-01", "是"]]
    engine = db.make_engine(write_url)
    plan, result = importer.import_files(engine, [("党组织.csv", csv_bytes(orgs))], who="测试")
    assert plan.ok and result["tables"]["party_org"] == {"inserted": 3, "updated": 0, "unchanged": 0}
    with engine.connect() as conn:
        parents = dict(conn.execute(select(schema.party_org.c.code, schema.party_org.c.parent_code)
                                    .where(schema.party_org.c.code.in_(["N1", "N2", "N3"]))).all())
    assert parents == {"N1": None, "N2": "N1", "N3": "N2"}


def test_a_value_longer_than_its_column_allows_is_an_error(tiny_engine):
    plan = importer.check_files([("党员.csv", csv_bytes([M, member_row(name="王" * 41)]))], tiny_engine)
    assert [p.text() for p in plan.problems] == [
        f"党员.csv › 第2行 › 姓名“王{'*' * 39}王”：太长了（最多 40 个字符）。请核对内容，或改用简称。"]


def test_importing_into_a_new_database_file_creates_its_tables(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    path = write(tmp_path, "乡镇.csv", csv_bytes(tiny_sheet("township")))
    rc, out, err = run_cli(url, [path], capsys)
    assert rc == 0, err
    assert out.splitlines() == ["乡镇：新增 3 行，更新 0 行，未变 0 行", "导入完成（1 个文件）。"]
    assert db.row_counts(db.make_engine(url))["township"] == 3


def test_sheet_and_file_names_decide_between_entities_whose_headers_match_equally(tiny_engine):
    shared = M[:5]  # 身份证号, 姓名, 性别, 出生日期, 学历: headers of both 党员 and 干部
    row = member_row()[:5]
    cadres = importer.check_files([("干部名册.csv", csv_bytes([shared, row]))], tiny_engine)
    members = importer.check_files([("book.xlsx", xlsx({"党员": [shared, row]}))], tiny_engine)
    assert cadres.sheets[0].entity.table == "cadre"
    assert members.sheets[0].entity.table == "member"
    assert [p.column for p in cadres.problems] == ["职级", "现任职务", "任职单位"]


def test_a_tab_separated_export_is_read_like_a_csv(tiny_engine):
    content = "\r\n".join("\t".join(str(v) for v in row) for row in [M, member_row(born="1990-02-03")]).encode("gb18030")
    plan = importer.check_files([("党员.csv", content)], tiny_engine)
    assert plan.problems == [] and plan.sheets[0].rows[0].values["name"] == "王小红"
