"""The one label dictionary: every key used in code exists, both languages are filled, placeholders agree."""
import re
import string
from pathlib import Path

from lib.i18n import LABELS, t

ROOT = Path(__file__).resolve().parent.parent
USED = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_]+)["']""")


def _sources():
    yield ROOT / "app.py"
    yield ROOT / "ui.py"
    yield from (ROOT / "pages").glob("*.py")
    yield from (ROOT / "lib").rglob("*.py")


def test_every_label_key_used_in_code_is_defined():
    missing = sorted({(path.relative_to(ROOT).as_posix(), key) for path in _sources()
                      for key in USED.findall(path.read_text(encoding="utf-8")) if key not in LABELS})
    assert missing == []


# Dates are written differently by language; their callers pass every field either language uses
DATE_FORMATS = {"narr_date", "narr_period"}
# Chinese measure words (家, 人) that English writes as nothing
MEASURE_WORDS = {"cov_unit_orgs"}


def test_every_label_has_chinese_and_english_text():
    empty = [key for key, (zh, en) in LABELS.items()
             if not zh.strip() or (not en.strip() and key not in MEASURE_WORDS)]
    assert empty == []


def test_chinese_and_english_labels_take_the_same_placeholders():
    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    differing = [key for key, (zh, en) in LABELS.items() if fields(zh) != fields(en) and key not in DATE_FORMATS]
    assert differing == []


def test_unknown_key_shows_itself_and_english_switch_works():
    assert t("page_overview") == "总览"
    assert t("page_overview", lang="en") == "Overview"
    assert t("no_such_label_key") == "no_such_label_key"
