"""`python -m lib.cli briefing … --out FILE.pptx`: the same deck as the download button of 汇报模式."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from lib import db
from lib.narrative import SLIDES
from lib.scope import Scope


def cmd_briefing(args) -> int:
    from lib.briefing import briefing_pptx
    from lib.queries.common import latest_date, townships

    engine = db.make_engine(args.db)
    try:
        db.data_version(engine)
    except db.DatabaseUnavailable as exc:
        print(f"无法读取数据库：{exc}", file=sys.stderr)
        return 2
    as_of = date.fromisoformat(args.as_of) if args.as_of else latest_date(engine)
    if as_of is None:
        print("数据库中还没有数据。", file=sys.stderr)
        return 2
    scope, scope_name = Scope.all(), "全区" if args.lang == "zh" else "Whole district"
    if args.township:
        towns = townships(engine, scope=Scope.of(args.township))
        if towns.empty:
            print(f"没有代码为 {args.township} 的乡镇（街道）。", file=sys.stderr)
            return 2
        scope, scope_name = Scope.of(args.township), str(towns.iloc[0]["name"])
    slides = args.slides.split(",") if args.slides else list(SLIDES)
    unknown = [s for s in slides if s not in SLIDES]
    if unknown:
        print(f"未知的页面：{', '.join(unknown)}（可选：{', '.join(SLIDES)}）", file=sys.stderr)
        return 2
    content = briefing_pptx(engine, scope=scope, as_of=as_of, scope_name=scope_name, slides=slides, lang=args.lang,
                            is_demo=db.is_demo(engine))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"汇报材料已生成：{out}（{len(slides)} 页，数据截至 {as_of.isoformat()}）", file=sys.stderr)
    return 0


def register(add) -> None:
    sp = add("briefing", cmd_briefing, "生成汇报材料（PPTX，原生图表）")
    sp.add_argument("--township", help="乡镇代码（默认全区）")
    sp.add_argument("--as-of", help="数据截至日期 YYYY-MM-DD（默认：数据中最晚日期）")
    sp.add_argument("--slides", help=f"页面及顺序，逗号分隔（默认全部：{','.join(SLIDES)}）")
    sp.add_argument("--lang", choices=["zh", "en"], default="zh")
    sp.add_argument("--out", required=True, help="输出文件 FILE.pptx")
