"""Import templates: one .xlsx per entity with the exact headers, an example row and instructions."""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

from lib.importer.contract import ENTITIES, Entity, Field

TEXT_KINDS = {"code", "id_number", "credit_code", "phone", "period", "month", "ref_township", "ref_village", "ref_org"}
TEXT_ROWS = 2000  # rows pre-formatted as text so Excel keeps every digit of codes and ID numbers
FORMATS = {
    "text": "文字", "code": "文字（代码，按文本保存）", "int": "整数", "float": "数字（小数）",
    "date": "日期，精确到日：2019-05-01、2019/5/1、2019.05.01 或 2019年5月1日",
    "month_date": "日期，可只写到月：2019-05-01 或 2019.05、2019年5月",
    "datetime": "日期和时间：2019-05-01 09:30（时间可省略）", "enum": "从允许的取值中选择", "bool": "是 / 否",
    "rating": "1 到 5 的整数", "id_number": "18位身份证号（文本格式，末位可为X）",
    "credit_code": "18位统一社会信用代码（文本格式）", "phone": "11位手机号（文本格式）",
    "period": "年份+季度，如 2018Q3", "month": "年-月，如 2018-07", "ref_township": "乡镇代码或唯一的乡镇名称",
    "ref_village": "村社区代码或本乡镇内唯一的村社区名称", "ref_org": "组织代码（须已在库中或在本次导入中）",
}


def _example(f: Field):
    value = f.example
    if f.kind in ("date",) and isinstance(value, str) and value:
        return date.fromisoformat(value)
    if f.kind == "datetime" and isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    return value if value != "" else None


def allowed(f: Field) -> str:
    """Return the allowed values and formats of a field, as the instructions sheet states them."""
    if f.kind == "enum":
        text = "、".join(f.values)
        if f.synonyms:
            text += "（也接受：" + "、".join(f"{k}→{v}" for k, v in f.synonyms.items()) + "）"
        return text
    out = FORMATS[f.kind]
    if f.low is not None or f.high is not None:
        out += f"，范围 {f.low if f.low is not None else ''}～{f.high if f.high is not None else ''}"
    return out


def workbook(entity: Entity) -> bytes:
    """Return the template workbook of one entity as .xlsx bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = entity.label
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9E7")
    optional_fill = PatternFill("solid", fgColor="F2F2F2")
    for i, f in enumerate(entity.fields, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i, value=f.header)
        head.font, head.fill = bold, required_fill if f.required else optional_fill
        ws.column_dimensions[letter].width = max(12, min(40, len(f.header) * 2 + 2))
        cell = ws.cell(row=2, column=i, value=_example(f))
        if f.kind in TEXT_KINDS:
            cell.value = None if cell.value is None else str(cell.value)
            for r in range(2, TEXT_ROWS + 2):
                ws.cell(row=r, column=i).number_format = "@"
        elif f.kind in ("date",):
            cell.number_format = "yyyy-mm-dd"
        elif f.kind == "datetime":
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif f.kind == "month_date":
            cell.value = None if cell.value is None else str(cell.value)
            cell.number_format = "@"
    for i, f in enumerate(entity.fields, start=1):
        if f.kind in ("enum", "bool"):  # a drop-down of the allowed values (synonyms are still accepted)
            choices = f.values if f.kind == "enum" else ("是", "否")
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                showErrorMessage=False)
            letter = get_column_letter(i)
            dv.add(f"{letter}2:{letter}{TEXT_ROWS + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    notes.append([f"{entity.label}导入模板：第1行为表头（请勿修改），第2行为示例，请替换为实际数据。"])
    notes.append(["红色表头为必填列，灰色表头为选填列；可整行复制粘贴，多余的空行会被忽略。"])
    notes.append(["代码、身份证号、统一社会信用代码列已设为文本格式，请勿改为数字，否则身份证号末几位会丢失。"])
    notes.append([])
    notes.append(["表头", "是否必填", "含义", "允许的取值 / 格式"])
    for cell in notes[5]:
        cell.font = bold
    for f in entity.fields:
        notes.append([f.header, "必填" if f.required else "选填", f.meaning, allowed(f)])
    for letter, width in zip("ABCD", (34, 10, 48, 70)):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=6):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_name(entity: Entity) -> str:
    """Return the template's file name, e.g. 党员导入模板.xlsx."""
    return f"{entity.label}导入模板.xlsx"


def write_templates(out_dir: Path) -> list[Path]:
    """Write every entity's template into `out_dir`; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for entity in ENTITIES:
        path = out_dir / file_name(entity)
        path.write_bytes(workbook(entity))
        paths.append(path)
    return paths
