"""Downloads: .xlsx with a title row, the filters applied and the as-of date; CSV in UTF-8 with BOM."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd


def to_xlsx(df: pd.DataFrame, *, title: str, filters: dict[str, str] | None = None, as_of: date | None = None,
            sheet: str = "数据") -> bytes:
    """Return an .xlsx file: title in row 1, filters and 数据截至 in row 2, Chinese headers, then the rows."""
    buffer = io.BytesIO()
    notes = [f"{k}：{v}" for k, v in (filters or {}).items()]
    if as_of is not None:
        notes.append(f"数据截至：{as_of.isoformat()}")
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        df.to_excel(writer, sheet_name=sheet, startrow=3, index=False)
        book, ws = writer.book, writer.sheets[sheet]
        ws.write(0, 0, title, book.add_format({"bold": True, "font_size": 14, "font_name": "Microsoft YaHei"}))
        ws.write(1, 0, "；".join(notes), book.add_format({"font_color": "#6B7785", "font_name": "Microsoft YaHei"}))
        header = book.add_format({"bold": True, "bg_color": "#F4F6F8", "border": 1, "font_name": "Microsoft YaHei"})
        for i, name in enumerate(df.columns):
            ws.write(3, i, str(name), header)
            width = max([len(str(name))] + [len(str(v)) for v in df[name].head(200)]) * 2 + 2
            ws.set_column(i, i, min(max(width, 8), 50))
        ws.freeze_panes(4, 0)
    return buffer.getvalue()


def to_csv(df: pd.DataFrame) -> bytes:
    """Return CSV bytes in UTF-8 with a BOM, so Excel opens Chinese text correctly."""
    return df.to_csv(index=False).encode("utf-8-sig")
