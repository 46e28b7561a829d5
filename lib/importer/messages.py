"""Messages of the importer as label keys plus values, rendered in the reader's language when shown.

    m = msg("imp_not_allowed")                       # what is wrong
    f = msg("imp_fix_one_of", values=("男", "女"))    # what to do; a tuple is joined with the language's 、/,
    m.render("en")

A value may itself be a `Msg` (rendered in the same language) or a tuple (a list of data values).
Values are data (column headers, codes, masked cell values) and are never translated.
"""
from __future__ import annotations

from dataclasses import dataclass

from lib.i18n import t


@dataclass(frozen=True)
class Msg:
    """A label key and the values of its placeholders (kept as sorted pairs so a Msg is hashable)."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def render(self, lang: str = "zh") -> str:
        """Return the message in `lang` (zh or en)."""
        return t(self.key, lang, **{k: _value(v, lang) for k, v in self.values})

    def __str__(self) -> str:  # Chinese, as the command line and logs show it
        return self.render("zh")


def msg(key: str, **values) -> Msg:
    """Return the message `key` with `values` for its placeholders."""
    return Msg(key, tuple(sorted(values.items())))


def _value(v: object, lang: str) -> object:
    if isinstance(v, Msg):
        return v.render(lang)
    if isinstance(v, (tuple, list)):
        return t("imp_list_sep", lang).join(str(_value(x, lang)) for x in v)
    return v


def render(m: Msg | str | None, lang: str = "zh") -> str:
    """Return `m` in `lang`, or "" when there is no message (plain text, from older callers, shows as is)."""
    if m is None:
        return ""
    return m if isinstance(m, str) else m.render(lang)
