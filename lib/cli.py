"""Command line: `python -m lib.cli COMMAND`. Commands: init-db, demo, refresh, kpis, and those of PLUGINS.

A feature with its own commands lives in its own module with `register(add)`, where
`add(name, handler, help)` returns the argparse sub-parser (with --db already added).
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from datetime import date

from lib import db
from lib.scope import Scope


def _engine(args):
    return db.make_engine(args.db)


def cmd_init_db(args) -> int:
    db.init_db(_engine(args))
    print("数据库表已创建（已存在的表保持不变）。")
    return 0


def cmd_demo(args) -> int:
    from lib import demo

    engine = _engine(args)
    try:
        has_data = sum(db.row_counts(engine).values()) > 0 and not db.is_demo(engine)
    except Exception:
        has_data = False
    if has_data and not args.force:
        print("数据库中已有非演示数据。重建演示数据会清空它们；确认请加 --force。", file=sys.stderr)
        return 2
    started = time.perf_counter()
    counts = demo.build(engine, scale=args.scale, seed=args.seed,
                        progress=lambda k, n: print(f"  区县 {k}/{n}", file=sys.stderr) if n > 1 else None)
    print(json.dumps(counts, ensure_ascii=False))
    print(f"演示数据已生成（规模 {args.scale}，种子 {args.seed}），用时 {time.perf_counter() - started:.1f} 秒。", file=sys.stderr)
    return 0


def _readable(engine) -> bool:
    """Return True when the database answers, else say why on stderr."""
    try:
        db.data_version(engine)
    except db.DatabaseUnavailable as exc:
        print(f"无法读取数据库：{exc}", file=sys.stderr)
        return False
    return True


def cmd_refresh(args) -> int:
    from lib import schema, summaries

    engine = _engine(args)
    if not _readable(engine):
        return 2
    started = time.perf_counter()
    with engine.begin() as conn:
        summaries.clear(conn)
        summaries.refresh(conn, [t.name for t in schema.CONTRACT_TABLES])
    print(f"汇总表已重建，用时 {time.perf_counter() - started:.1f} 秒。", file=sys.stderr)
    return 0


def cmd_kpis(args) -> int:
    from lib.queries.kpis import compute_kpis

    engine = _engine(args)
    if not _readable(engine):
        return 2
    scope = Scope.of(args.township) if args.township else Scope.all()
    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    print(json.dumps(compute_kpis(engine, scope=scope, as_of=as_of), ensure_ascii=False, indent=2))
    return 0


# Modules that add commands: template/import (importer), briefing (presentation), bench (benchmark).
PLUGINS = ("lib.importer.cli", "lib.briefing_cli", "lib.bench_cli")


def parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command."""
    p = argparse.ArgumentParser(prog="python -m lib.cli", description="基层党建态势看板 命令行")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_text)
        sp.add_argument("--db", default=None, help="SQLAlchemy 数据库 URL（默认：应用的 DATABASE_URL）")
        sp.set_defaults(handler=handler)
        return sp

    add("init-db", cmd_init_db, "创建数据库表")
    sp = add("demo", cmd_demo, "生成演示数据（清空并重建）")
    sp.add_argument("--scale", choices=["district", "city", "province"], default="district")
    sp.add_argument("--seed", type=int, default=2018)
    sp.add_argument("--force", action="store_true", help="即使库中有非演示数据也重建")
    add("refresh", cmd_refresh, "重建汇总表（升级后或改了 settings.toml 的规则后）")
    sp = add("kpis", cmd_kpis, "以 JSON 输出总览指标")
    sp.add_argument("--township", help="乡镇代码（默认全区）")
    sp.add_argument("--as-of", help="数据截至日期 YYYY-MM-DD（默认：数据中最晚日期）")
    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not (exc.name and (name + ".").startswith(exc.name + ".")):  # it exists but lacks a dependency
                raise
            continue
        module.register(add)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
