"""Commands `template` and `import` of `python -m lib.cli`."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from lib import db
from lib.i18n import t


def who() -> str:
    """Return the name of the person running the command."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return t("imp_who_cli")


def cmd_template(args) -> int:
    from lib.importer.template import write_templates

    for path in write_templates(Path(args.out)):
        print(path)
    return 0


def summary_lines(result: dict, lang: str = "zh") -> list[str]:
    """Return the lines that report a successful import (rows per entity)."""
    from lib.importer.report import result_lines

    return result_lines(result, lambda key, **values: t(key, lang, **values))


def cmd_import(args) -> int:
    from lib import importer

    lang = getattr(args, "lang", "zh")
    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(t("imp_cli_no_file", lang, name=name), file=sys.stderr)
            return 2
        files.append((path.name, path.read_bytes()))
    engine = db.make_engine(args.db)
    try:
        db.init_db(engine)  # importing into a new database creates its tables first
    except Exception as exc:  # noqa: BLE001
        print(t("imp_cli_db_down", lang, error=str(exc).splitlines()[0]), file=sys.stderr)
        return 2
    plan = importer.check_files(files, engine)
    if not plan.ok:
        for problem in plan.problems:
            print(problem.text(lang), file=sys.stderr)
        print(t("imp_cli_problems", lang, n=len(plan.problems)), file=sys.stderr)
        return 1
    try:
        result = importer.load(engine, plan, who=who())
    except Exception as exc:  # noqa: BLE001 - the transaction was rolled back
        print(t("imp_cli_load_failed", lang, error=str(exc).splitlines()[0]), file=sys.stderr)
        return 1
    for line in summary_lines(result, lang):
        print(line)
    print(t("imp_cli_done", lang, n=len(files)))
    return 0


def register(add) -> None:
    """Add the `template` and `import` commands."""
    sp = add("template", cmd_template, "生成各类数据的 Excel 导入模板")
    sp.add_argument("--out", default="data/templates", help="输出目录（默认 data/templates）")
    sp = add("import", cmd_import, "导入 .xlsx/.csv 文件（全部通过校验才写入）")
    sp.add_argument("files", nargs="+", metavar="FILE")
    sp.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言（默认中文 zh；英文 en）")
