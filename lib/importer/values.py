"""Reading one cell: real-world spellings of dates, numbers, codes and enumerations, and masking.

Each parser takes the raw cell (str, int, float, datetime from openpyxl) and returns the value, or
raises `Bad(message, fix)` saying what is wrong and what to do.
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from lib import idcodes
from lib.importer.contract import Field, normalize_text
from lib.importer.messages import Msg, msg


class Bad(ValueError):
    """A cell value that cannot be read: what is wrong (message) and what to do (fix), as label messages."""

    def __init__(self, message: Msg, fix: Msg | None = None):
        super().__init__(str(message))  # Chinese, so logs and pytest.raises(match=...) read as before
        self.message, self.fix = message, fix


EXCEL_EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year bug folded in)
_NUMERIC_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$")
_SERIAL_TEXT = re.compile(r"^\d{5}(\.\d+)?$")
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_TIME = re.compile(r"^(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?)?$")
_PERIOD = re.compile(r"^(\d{4})\s*(?:年\s*第?\s*([1-4一二三四])\s*季度?|-?\s*[Qq]\s*([1-4]))$")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}


def is_blank(raw: object) -> bool:
    """Return True for an empty cell (None, empty or whitespace-only text)."""
    return raw is None or (isinstance(raw, str) and normalize_text(raw) == "") or (
        isinstance(raw, float) and math.isnan(raw))


def text(raw: object) -> str:
    """Return the cell as trimmed half-width text (an integral float loses its .0)."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date().isoformat() if raw.time() == time(0) else raw.isoformat(sep=" ")
    return normalize_text(str(raw))


def code(raw: object) -> str:
    """Return a code with every space removed (case is kept: codes are compared exactly)."""
    return re.sub(r"\s+", "", text(raw))


def _serial(value: float) -> datetime:
    if not 1 <= value < 2958466:  # 1900-01-01 .. 9999-12-31
        raise Bad(msg("imp_bad_serial"), msg("imp_fix_write_date"))
    return EXCEL_EPOCH + timedelta(days=float(value))


def _datetime_value(raw: object, *, month_ok: bool, with_time: bool) -> datetime:
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime.combine(raw, time(0))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _serial(raw)
    s = text(raw)
    if _SERIAL_TEXT.match(s):  # an Excel serial number that arrived as text (CSV)
        return _serial(float(s))
    clock = time(0)
    if with_time:
        parts = s.split(maxsplit=1) if " " in s else s.split("T", 1) if "T" in s else [s]
        if len(parts) == 2:
            m = _TIME.match(parts[1].strip())
            if not m:
                raise Bad(msg("imp_bad_time"), msg("imp_fix_write_datetime"))
            hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
            if hour > 23 or minute > 59 or second > 59:
                raise Bad(msg("imp_no_such_time"), msg("imp_fix_write_datetime"))
            clock = time(hour, minute, second)
            s = parts[0].strip()
    m = _DAY.match(s) or _COMPACT_DAY.match(s)
    if m:
        try:
            return datetime.combine(date(int(m[1]), int(m[2]), int(m[3])), clock)
        except ValueError:
            raise Bad(msg("imp_no_such_date"), msg("imp_fix_check_ymd")) from None
    m = _MONTH.match(s)
    if m:
        if not month_ok:
            year, month = int(m[1]), int(m[2])  # the user's own month, completed to its first day
            day = f"{year:04d}-{month:02d}-01" if 1 <= month <= 12 else "YYYY-MM-DD"
            raise Bad(msg("imp_month_only"), msg("imp_fix_write_day", day=day))
        if not 1 <= int(m[2]) <= 12:
            raise Bad(msg("imp_no_such_month"), msg("imp_fix_check_ym"))
        return datetime(int(m[1]), int(m[2]), 1)
    raise Bad(msg("imp_bad_date"), msg("imp_fix_date_formats_month" if month_ok else "imp_fix_date_formats"))


def parse_date(raw: object, *, month_ok: bool = False) -> date:
    """Return a date from a datetime cell, an Excel serial number or text like 2019/5/1 (or 2019.05)."""
    value = _datetime_value(raw, month_ok=month_ok, with_time=False)
    return value.date()


def parse_datetime(raw: object) -> datetime:
    """Return a date and time (time optional) from a cell."""
    return _datetime_value(raw, month_ok=False, with_time=True).replace(microsecond=0)


def parse_int(raw: object, *, low: float | None = None, high: float | None = None) -> int:
    """Return a whole number; 12.0 is accepted, 12.5 and text are not."""
    if isinstance(raw, bool):
        raise Bad(msg("imp_not_integer"), msg("imp_fix_whole_number"))
    if isinstance(raw, (int, float)):
        value = raw
    else:
        s = text(raw).replace(",", "")
        if not _NUMERIC_TEXT.match(s):
            raise Bad(msg("imp_not_integer"), msg("imp_fix_digits_only"))
        value = float(s)
    if float(value) != int(value):
        raise Bad(msg("imp_not_integer"), msg("imp_fix_whole_number"))
    value = int(value)
    _in_range(value, low, high)
    return value


def parse_float(raw: object, *, low: float | None = None, high: float | None = None) -> float:
    """Return a decimal number within [low, high]."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        s = text(raw).replace(",", "")
        if not _NUMERIC_TEXT.match(s):
            raise Bad(msg("imp_not_number"), msg("imp_fix_digits_only"))
        value = float(s)
    _in_range(value, low, high)
    return value


def parse_percent(raw: object) -> float:
    """Return a share between 0 and 1 from 95%, 95, 0.95 or 95.0%."""
    s = text(raw) if not isinstance(raw, (int, float)) else None
    if s is not None and s.endswith("%"):
        value = parse_float(s[:-1]) / 100
    else:
        value = parse_float(raw)
        if value > 1:
            value = value / 100
    _in_range(value, 0, 1, shown=lambda v: f"{v:.0%}")
    return value


def _in_range(value: float, low: float | None, high: float | None, shown=lambda v: f"{v:g}") -> None:
    if low is not None and value < low:
        raise Bad(msg("imp_below", limit=shown(low)), msg("imp_fix_check_value"))
    if high is not None and value > high:
        raise Bad(msg("imp_above", limit=shown(high)), msg("imp_fix_check_value"))


def parse_rating(raw: object) -> int:
    """Return a satisfaction rating 1–5."""
    try:
        return parse_int(raw, low=1, high=5)
    except Bad:
        raise Bad(msg("imp_bad_rating"), msg("imp_fix_rating")) from None


def parse_enum(raw: object, f: Field) -> str:
    """Return the allowed value of an enumeration, accepting the field's synonyms."""
    s = re.sub(r"\s+", "", text(raw))
    if s in f.values:
        return s
    for spelling, value in f.synonyms.items():
        if s.upper() == spelling.upper():
            return value
    raise Bad(msg("imp_not_allowed"), msg("imp_fix_one_of", values=tuple(f.values)))


TRUE_WORDS = {"是", "Y", "YES", "TRUE", "1", "√"}
FALSE_WORDS = {"否", "N", "NO", "FALSE", "0", "×"}


def parse_bool(raw: object) -> bool:
    """Return True for 是/Y/1, False for 否/N/0."""
    s = text(raw).upper()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise Bad(msg("imp_not_bool"), msg("imp_fix_bool"))


def parse_id_number(raw: object) -> str:
    """Return a valid 18-character 身份证号 (check digit verified, x made X)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise Bad(msg("imp_id_as_number"), msg("imp_fix_id_as_text"))
    s = code(raw).upper()
    if re.match(r"^\d(\.\d+)?E\+?\d+$", s):
        raise Bad(msg("imp_id_scientific"), msg("imp_fix_id_as_text"))
    issue = idcodes.id_number_issue(s)
    if issue:
        raise Bad(msg("imp_id_invalid", reason=msg(issue[0], **issue[1])), msg("imp_fix_check_id"))
    return s


def parse_credit_code(raw: object) -> str:
    """Return a valid 统一社会信用代码."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise Bad(msg("imp_credit_as_number"), msg("imp_fix_credit_as_text"))
    s = code(raw).upper()
    issue = idcodes.credit_code_issue(s)
    if issue:
        raise Bad(msg("imp_credit_invalid", reason=msg(issue[0], **issue[1])), msg("imp_fix_check_credit"))
    return s


def parse_phone(raw: object) -> str:
    """Return an 11-digit mobile number."""
    s = re.sub(r"[\s-]", "", text(raw))
    if s.startswith("+86"):
        s = s[3:]
    if not re.fullmatch(r"1\d{10}", s):
        raise Bad(msg("imp_bad_phone"), msg("imp_fix_check_phone"))
    return s


def parse_period(raw: object) -> str:
    """Return a survey period like 2018Q3 from 2018Q3, 2018-Q3 or 2018年第三季度."""
    m = _PERIOD.match(re.sub(r"\s+", "", text(raw)))
    if not m:
        raise Bad(msg("imp_bad_period"), msg("imp_fix_period"))
    quarter = m[2] or m[3]
    return f"{m[1]}Q{_QUARTERS.get(quarter, quarter)}"


def parse_month(raw: object) -> str:
    """Return a month like 2018-07 from 2018-07, 2018.7, 2018年7月 or a date."""
    try:
        value = _datetime_value(raw, month_ok=True, with_time=False)
    except Bad:
        raise Bad(msg("imp_bad_month"), msg("imp_fix_month")) from None
    return f"{value:%Y-%m}"


def mask(value: object, *, kind: str = "text") -> str:
    """Return personal data masked for messages and logs: 张*明, 4101**********1234, 138****5678."""
    s = text(value) if not (isinstance(value, float) and not value.is_integer()) else f"{value:.0f}"
    if not s:
        return s
    if kind == "id_number" or (len(s) >= 15 and s[:6].isdigit()):
        return s[:4] + "*" * max(len(s) - 8, 1) + s[-4:] if len(s) > 8 else "*" * len(s)
    if kind == "phone":
        return s[:3] + "*" * max(len(s) - 7, 1) + s[-4:] if len(s) > 7 else "*" * len(s)
    if len(s) == 1:
        return "*"
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]
