"""Helpers for importer tests: building .xlsx/.csv files, the tiny database as import sheets, and the
deliberately broken files of tests/fixtures/import/ (regenerate with `python tests/importer_helpers.py`).
"""
from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import tiny_db  # noqa: E402
from lib.idcodes import credit_check_char  # noqa: E402
from lib.importer.contract import BY_TABLE, ENTITIES  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "import"


def xlsx(sheets: dict[str, list[list]], *, text_columns: dict[str, set[int]] | None = None) -> bytes:
    """Return a workbook with one sheet per entry (rows as lists; row 1 is usually the header)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig") -> bytes:
    """Return CSV bytes (UTF-8 with BOM by default, as Excel writes it)."""
    import csv

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def credit(suffix: str) -> str:
    """Return a valid 统一社会信用代码 ending the first 17 characters with `suffix`."""
    first17 = f"91411402MA{suffix:0>7}".replace("E", "8").replace("S", "5")
    return first17 + credit_check_char(first17)


def headers(table: str) -> list[str]:
    """Return the template headers of a table, exactly as in DESIGN.md."""
    return [f.header for f in BY_TABLE[table].fields]


def _cell(kind: str, value):
    if value is None:
        return None
    if kind == "bool":
        return "是" if value else "否"
    return value


def tiny_rows(table: str) -> list[dict]:
    """Return the rows of tests/tiny_db.py for `table`, with valid credit codes for enterprises."""
    if table in ("member", "outflow", "cadre"):
        return tiny_db._people(table)
    rows = [dict(r) for r in tiny_db.ROWS[table]]
    if table == "enterprise":
        for r in rows:
            r["credit_code"] = credit(r["name"].removeprefix("企业"))
    return rows


def tiny_sheet(table: str) -> list[list]:
    """Return the tiny database's rows of `table` as an import sheet (header row first)."""
    fields = BY_TABLE[table].fields
    out = [headers(table)]
    for r in tiny_rows(table):
        out.append([_cell(f.kind, r.get(f.column)) for f in fields])
    return out


def tiny_workbook(sheet_names: dict[str, str] | None = None) -> bytes:
    """Return one workbook holding every entity of the tiny database, one per sheet."""
    names = sheet_names or {}
    return xlsx({names.get(e.table, e.label): tiny_sheet(e.table) for e in ENTITIES})


def filled_template(table: str, rows: list[list]) -> bytes:
    """Return the entity's template with its example row replaced by `rows` (as staff fill it in)."""
    from openpyxl import load_workbook

    from lib.importer.template import workbook

    wb = load_workbook(io.BytesIO(workbook(BY_TABLE[table])))
    ws = wb[BY_TABLE[table].label]
    ws.delete_rows(2)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            ws.cell(row=i, column=j, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- the broken files: one per failure mode, checked against the tiny database -----------------------
P1 = tiny_db.pid(1, date(1960, 5, 10))  # 411402196005100013 is P1 of tiny_db (exists in the database)
NEW_ID = tiny_db.pid(31, date(1990, 2, 3), male=False)
NEW_ID2 = tiny_db.pid(32, date(1991, 4, 5))
M = headers("member")


def member_row(pid=NEW_ID, name="王小红", gender="女", born=date(1990, 2, 3), edu="大学本科", joined="2015-07-01",
               kind="正式", org="O1"):
    return [pid, name, gender, born, edu, joined, kind, org, "汉族", "13800001234"]


def _broken() -> dict[str, bytes]:
    bad_check = NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")
    return {
        "empty.csv": b"",
        "old_format.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "empty_sheet.xlsx": xlsx({"Sheet1": []}),
        "header_only.csv": csv_bytes([M]),
        "unrecognised.csv": csv_bytes([["序号", "项目", "金额"], [1, "办公用品", 300]]),
        "missing_header.csv": csv_bytes([M[:5] + M[6:], member_row()[:5] + member_row()[6:]]),
        "unknown_header.csv": csv_bytes([M + ["备用"], member_row() + ["x"]]),
        "duplicate_header.csv": csv_bytes([M + ["姓名"], member_row() + ["王小红"]]),
        "bad_dates.xlsx": xlsx({"党员": [M,
                                          member_row(joined="2019-13-01"),
                                          member_row(pid=NEW_ID2, name="李四", gender="男", born="1991.04",
                                                     joined="去年七月")]}),
        "bad_numbers.csv": csv_bytes([headers("enterprise"),
                                      [credit("N1"), "甲公司", "非公企业", "制造业", "T1", "十二", 3, "", "", ""],
                                      [credit("N2"), "乙公司", "非公企业", "制造业", "T1", "12.5", -1, "", "", ""]]),
        "bad_rating.csv": csv_bytes([headers("ticket"),
                                     ["N1", "T1", "", "甲镇便民服务中心", "代办事项", "窗口", "2018-06-01 09:00", 5,
                                      "2018-06-02 10:00", 6],
                                     ["N2", "T1", "", "甲镇便民服务中心", "代办事项", "窗口", "2018-06-01 09:00", 5,
                                      "2018-05-30 10:00", ""]]),
        "bad_enums.csv": csv_bytes([M, member_row(gender="未知", edu="博士后", kind="积极分子")]),
        "bad_id_numbers.csv": csv_bytes([M, member_row(pid=bad_check), member_row(pid=NEW_ID[:17])]),
        "id_as_number.xlsx": xlsx({"党员": [M, member_row(pid=float(NEW_ID[:17] + "0"))]}),
        "id_disagrees.csv": csv_bytes([M, member_row(gender="男", born="1990-02-04")]),
        "bad_credit_code.csv": csv_bytes([headers("enterprise"),
                                          [credit("N1")[:17] + "0", "甲公司", "非公企业", "制造业", "T1", 12, 3, "", "",
                                           ""]]),
        "bad_references.csv": csv_bytes([headers("party_org"),
                                         ["N1", "新支部", "党支部", "农村", "不存在镇", "", "", "2018-01-01", ""],
                                         ["N2", "新支部二", "党支部", "农村", "甲镇", "建设社区", "O99", "2018-01-01", ""],
                                         ["N3", "新支部三", "党支部", "农村", "T1", "", "N4", "2018-01-01", ""],
                                         ["N4", "新支部四", "党支部", "农村", "T1", "", "N3", "2018-01-01", ""]]),
        "duplicate_keys.csv": csv_bytes([M, member_row(), member_row(name="王小红二")]),
        "bad_counts.xlsx": xlsx({"满意度": [headers("survey"), ["2018Q4", "T1", 100, 90, 8, 5]],
                                 "信访": [headers("petition"), ["2018-08", "T2", 3, 4]]}),
        "several_sheets.xlsx": xlsx({"Sheet1": [headers("township"), ["T9", "丁镇", "镇", "", ""]],
                                     "Sheet2": [M, member_row(org="O77")],
                                     "Sheet3": []}),
    }


def write_fixtures(folder: Path = FIXTURES) -> list[Path]:
    """Write the broken files into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in _broken().items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write_fixtures():
        print(p.relative_to(ROOT))
