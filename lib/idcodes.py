"""Check digits of the two national identifiers: 身份证号 (GB 11643) and 统一社会信用代码 (GB 32100)."""
from __future__ import annotations

from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# GB 32100: 31 characters (no I, O, S, V, Z), weights 3^i mod 31.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_digit(first17: str) -> str:
    """Return the check character of an 18-character 身份证号 from its first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def make_id_number(area: str, birth: date, seq: int, male: bool) -> str:
    """Return a well-formed 身份证号: area code, birth date, sequence (odd for men), check digit."""
    seq = seq % 500 * 2 + (1 if male else 0)
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def id_number_issue(value: str) -> tuple[str, dict] | None:
    """Return why `value` is not a valid 身份证号 as (label key, values), or None when it is."""
    if len(value) != 18:
        return "imp_code_length", {"n": len(value)}
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "imp_id_chars", {}
    if id_check_digit(value[:17]) != value[17]:
        return "imp_check_char", {}
    try:
        id_birth_date(value)
    except ValueError:
        return "imp_id_bad_birth", {}
    return None


def id_number_problem(value: str, lang: str = "zh") -> str | None:
    """Return why `value` is not a valid 身份证号, or None when it is."""
    return _said(id_number_issue(value), lang)


def _said(issue: tuple[str, dict] | None, lang: str) -> str | None:
    from lib.i18n import t

    return None if issue is None else t(issue[0], lang, **issue[1])


def id_birth_date(value: str) -> date:
    """Return the birth date encoded in a 身份证号."""
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_gender(value: str) -> str:
    """Return 男 or 女 from the 17th digit of a 身份证号 (odd: male)."""
    return "男" if int(value[16]) % 2 == 1 else "女"


def credit_check_char(first17: str) -> str:
    """Return the check character of a 统一社会信用代码 from its first 17 characters."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_issue(value: str) -> tuple[str, dict] | None:
    """Return why `value` is not a valid 统一社会信用代码 as (label key, values), or None when it is."""
    if len(value) != 18:
        return "imp_code_length", {"n": len(value)}
    if any(c not in CREDIT_ALPHABET for c in value):
        return "imp_credit_chars", {}
    if credit_check_char(value[:17]) != value[17]:
        return "imp_check_char", {}
    return None


def credit_code_problem(value: str, lang: str = "zh") -> str | None:
    """Return why `value` is not a valid 统一社会信用代码, or None when it is."""
    return _said(credit_code_issue(value), lang)
