"""Commands `template` and `import` of `python -m lib.cli`."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from lib import db


def who() -> str:
    """Return the name of the person running the command."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "命令行"


def cmd_template(args) -> int:
    from lib.importer.template import write_templates

    for path in write_templates(Path(args.out)):
        print(path)
    return 0


def summary_lines(result: dict) -> list[str]:
    """Return the lines that report a successful import (rows per entity)."""
    from lib.importer.contract import BY_TABLE

    lines = []
    for table, c in result["tables"].items():
        lines.append(f"{BY_TABLE[table].label}：新增 {c['inserted']} 行，更新 {c['updated']} 行，未变 {c['unchanged']} 行")
    return lines


def cmd_import(args) -> int:
    from lib import importer

    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"{name}：找不到文件。", file=sys.stderr)
            return 2
        files.append((path.name, path.read_bytes()))
    engine = db.make_engine(args.db)
    try:
        db.init_db(engine)  # importing into a new database creates its tables first
    except Exception as exc:  # noqa: BLE001
        print(f"无法连接数据库：{str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    plan = importer.check_files(files, engine)
    if not plan.ok:
        for problem in plan.problems:
            print(problem.text(), file=sys.stderr)
        print(f"共发现 {len(plan.problems)} 个问题，本次没有写入任何数据。请修改后重新导入。", file=sys.stderr)
        return 1
    try:
        result = importer.load(engine, plan, who=who())
    except Exception as exc:  # noqa: BLE001 - the transaction was rolled back
        print(f"写入数据库时出错，已全部撤销：{str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    for line in summary_lines(result):
        print(line)
    print(f"导入完成（{len(files)} 个文件）。")
    return 0


def register(add) -> None:
    """Add the `template` and `import` commands."""
    sp = add("template", cmd_template, "生成各类数据的 Excel 导入模板")
    sp.add_argument("--out", default="data/templates", help="输出目录（默认 data/templates）")
    sp = add("import", cmd_import, "导入 .xlsx/.csv 文件（全部通过校验才写入）")
    sp.add_argument("files", nargs="+", metavar="FILE")
