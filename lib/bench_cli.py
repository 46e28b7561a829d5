"""`python -m lib.cli bench --scale district|city [--db URL]`: the page benchmark of lib.bench."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def cmd_bench(args) -> int:
    from lib import bench

    notes = [n for n in (args.note or [])]
    text, _ = bench.run(scale=args.scale, url=args.db, repeat=args.repeat, apptest=not args.no_apptest,
                        references=not args.no_references, browser=args.browser, force=args.force, port=args.port,
                        notes=notes, as_of=args.as_of, pages=args.pages.split(",") if args.pages else None,
                        out_dir=Path(args.out) if args.out else None, log=lambda msg: print(msg, file=sys.stderr, flush=True))
    print(text, flush=True)
    return 0


def register(add) -> None:
    sp = add("bench", cmd_bench, "基准测试：每个页面的查询、AppTest、内存，对比 pandas 与 DuckDB")
    sp.add_argument("--scale", choices=["district", "city", "province"], default="city")
    sp.add_argument("--repeat", type=int, default=5, help="无缓存时间取几次的中位数（默认 5）")
    sp.add_argument("--no-apptest", action="store_true", help="不运行 AppTest")
    sp.add_argument("--no-references", action="store_true", help="不测 pandas 与 DuckDB 参照")
    sp.add_argument("--browser", action=argparse_bool(), default=None,
                    help="测浏览器首次加载（默认：district 以外的规模才测）")
    sp.add_argument("--port", type=int, default=8661, help="浏览器测量时应用使用的端口")
    sp.add_argument("--force", action="store_true", help="重建演示数据库（即使已有同规模的）")
    sp.add_argument("--pages", help="只测这些页面，逗号分隔（如 overview,services；默认全部）")
    sp.add_argument("--out", help="结果文件目录（默认 bench/）")
    sp.add_argument("--note", action="append", help="写进结果文件的说明（可多次）")
    sp.add_argument("--as-of", type=date.fromisoformat, help="在这一天测（YYYY-MM-DD，默认：数据的最后一天）")


def argparse_bool():
    import argparse

    return argparse.BooleanOptionalAction
