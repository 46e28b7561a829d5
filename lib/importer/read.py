"""Reading uploaded files into sheets of raw cells: .xlsx (openpyxl) and .csv (UTF-8 or GB18030).

Row numbers are the ones Excel shows (1-based, blank rows counted), so messages point at the cell.
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from lib.importer.contract import ENTITIES, header_key
from lib.importer.messages import Msg, msg

INSTRUCTION_SHEETS = {"填写说明", "说明", "使用说明", "instructions"}
KNOWN_HEADERS = {f.name for e in ENTITIES for f in e.fields}
HEADER_SCAN_ROWS = 10  # a title row or two above the headers is common in ledgers


@dataclass
class RawSheet:
    """One sheet (or a CSV file): its header row and data rows, each with its Excel row number."""

    file: str
    sheet: str  # the sheet name; empty for a CSV file
    header_row: int = 0
    headers: list[object] = field(default_factory=list)
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    empty: bool = False  # no cells at all


@dataclass
class RawFile:
    """One uploaded file: name, SHA-256, its sheets, and why it could not be read (if so)."""

    name: str
    sha256: str
    sheets: list[RawSheet] = field(default_factory=list)
    error: tuple[Msg, Msg] | None = None  # (message, fix)


def read_file(name: str, content: bytes) -> RawFile:
    """Return the sheets of one file, or a RawFile with `error` saying why it cannot be read."""
    out = RawFile(name=PurePath(name).name, sha256=hashlib.sha256(content).hexdigest())
    suffix = PurePath(name).suffix.lower()
    if suffix == ".xls" or content[:4] == b"\xd0\xcf\x11\xe0":
        out.error = (msg("imp_old_xls"), msg("imp_fix_save_xlsx"))
        return out
    if not content.strip():
        out.error = (msg("imp_file_empty"), msg("imp_fix_choose_filled"))
        return out
    if suffix == ".csv":
        return _read_csv(out, content)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(out, content)
    out.error = (msg("imp_unsupported_type", suffix=suffix or msg("imp_no_extension")), msg("imp_fix_upload_types"))
    return out


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", content, 0, 1, "neither UTF-8 nor GB18030")


def _read_csv(out: RawFile, content: bytes) -> RawFile:
    try:
        text = _decode(content)
    except UnicodeDecodeError:
        out.error = (msg("imp_bad_encoding"), msg("imp_fix_save_csv_utf8"))
        return out
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","  # Excel writes commas; some systems tabs
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    out.sheets.append(_sheet(out.name, "", enumerate(rows, start=1)))  # a CSV file has no sheet name
    return out


def _read_xlsx(out: RawFile, content: bytes) -> RawFile:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parse failure means the same to the user
        out.error = (msg("imp_cannot_open"), msg("imp_fix_resave_xlsx"))
        return out
    try:
        for ws in book.worksheets:
            if ws.title.strip().lower() in INSTRUCTION_SHEETS:
                continue
            out.sheets.append(_sheet(out.name, ws.title, enumerate(ws.iter_rows(values_only=True), start=1)))
    finally:
        book.close()
    return out


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip().strip("\u3000"))


def _sheet(file: str, sheet: str, numbered_rows) -> RawSheet:
    rows = []
    for n, values in numbered_rows:
        values = list(values)
        while values and _blank(values[-1]):
            values.pop()
        if values and not all(_blank(v) for v in values):
            rows.append((n, values))
    out = RawSheet(file=file, sheet=sheet)
    if not rows:
        out.empty = True
        return out
    best, best_hits = 0, -1
    for i, (_n, values) in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = sum(1 for v in values if not _blank(v) and header_key(v) in KNOWN_HEADERS)
        if hits > best_hits:
            best, best_hits = i, hits
    if best_hits < 2:
        best = 0
    out.header_row, out.headers = rows[best][0], rows[best][1]
    out.rows = rows[best + 1:]
    return out
