"""Tables the 数据管理 page shows about an import: what was recognised, problems, results, history."""
from __future__ import annotations

import functools
import io
import zipfile

import pandas as pd

from lib.importer.contract import BY_TABLE, ENTITIES
from lib.importer.validate import Plan


def entity_name(table: str, tr) -> str:
    """Return the entity's display name in the interface language."""
    return tr(f"imp_entity_{table}")


def sheets_frame(plan: Plan, tr) -> pd.DataFrame:
    """Return one row per recognised sheet: file, sheet, entity, data rows without problems."""
    return pd.DataFrame([{tr("data_col_file"): s.file, tr("data_col_sheet"): s.sheet,
                          tr("data_col_entity"): entity_name(s.entity.table, tr), tr("data_col_rows"): len(s.rows)}
                         for s in plan.sheets],
                        columns=[tr("data_col_file"), tr("data_col_sheet"), tr("data_col_entity"), tr("data_col_rows")])


def problems_frame(plan: Plan, tr, lang: str = "zh") -> pd.DataFrame:
    """Return every problem as a row: file, sheet, Excel row, column, value (masked), problem, what to do.

    The problem and what to do are rendered in `lang`; file, sheet, column and value are the user's data.
    """
    cols = ["data_col_file", "data_col_sheet", "data_col_row", "data_col_column", "data_col_value", "data_col_problem",
            "data_col_fix"]
    rows = [(p.file, p.sheet, p.row, p.column, p.value, p.problem_text(lang), p.fix_text(lang)) for p in plan.problems]
    out = pd.DataFrame(rows, columns=[tr(c) for c in cols])
    # a file-level problem has no row: a blank cell, not "None"/"<NA>"
    out[tr("data_col_row")] = ["" if r is None or pd.isna(r) else str(int(r)) for r in out[tr("data_col_row")]]
    return out


def result_lines(result: dict, tr) -> list[str]:
    """Return one line per entity loaded: inserted, updated, unchanged."""
    return [tr("data_result_line", entity=entity_name(table, tr), **counts) for table, counts in result["tables"].items()]


def history_frame(history: pd.DataFrame, tr) -> pd.DataFrame:
    """Return the import history with display headers and rows per entity as one text cell."""
    def rows_text(by_table: dict) -> str:
        return "；".join(tr("imp_rows_cell", entity=entity_name(t, tr), **c) for t, c in by_table.items())

    return pd.DataFrame({
        tr("data_col_when"): history["imported_at"],
        tr("data_col_file"): history["file_name"],
        tr("data_col_rows_by_entity"): [rows_text(v) for v in history["rows_by_table"]],
        tr("data_col_who"): history["imported_by"],
        tr("data_col_hash"): history["file_sha256"],
    })


def status_frame(status: pd.DataFrame, tr) -> pd.DataFrame:
    """Return per-table row counts and last load time with display headers."""
    return pd.DataFrame({
        tr("data_col_table"): [entity_name(t, tr) for t in status["table_name"]],
        tr("data_col_rows_n"): status["rows_n"],
        tr("data_col_loaded_at"): status["loaded_at"],
        tr("data_col_source"): [tr("data_source_demo") if s == "demo" else s for s in status["source"]],
    })


@functools.lru_cache(maxsize=None)
def template_bytes(table: str) -> bytes:
    """Return the template workbook of one table (built once per process)."""
    from lib.importer.template import workbook

    return workbook(BY_TABLE[table])


@functools.lru_cache(maxsize=1)
def templates_zip() -> bytes:
    """Return every template in one .zip."""
    from lib.importer.template import file_name

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for e in ENTITIES:
            z.writestr(file_name(e), template_bytes(e.table))
    return buf.getvalue()


def preview_frame(sheet, limit: int = 10, tr=None) -> pd.DataFrame:
    """Return the first rows of a recognised sheet as read (Excel row number first), personal data masked.

    Columns are the template headers (the user's data); only the row-number column is a label.
    """
    from lib.i18n import t
    from lib.importer.values import mask

    row_col = (tr or t)("data_col_row")
    fields = [f for f in sheet.entity.fields if f.column in sheet.columns]
    rows = []
    for r in sheet.rows[:limit]:
        row = {row_col: r.row}
        for f in fields:
            value = r.values.get(f.column)
            row[f.name] = mask(value, kind=f.kind) if f.personal and value is not None else value
        rows.append(row)
    return pd.DataFrame(rows, columns=[row_col, *(f.name for f in fields)]).astype(object)
