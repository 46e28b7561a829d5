"""Import history and data freshness for the 数据管理 page."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, select

from lib import db, schema
from lib.scope import Scope


def import_history(engine: Engine, *, scope: Scope, as_of: date | None = None, limit: int = 200) -> pd.DataFrame:
    """Return the latest imports: imported_at, file_name, file_sha256, rows (per table, as text), imported_by.

    Imports are district-wide; scope and as_of are accepted like every query but do not filter.
    """
    log = schema.import_log
    stmt = select(log.c.imported_at, log.c.file_name, log.c.file_sha256, log.c.rows_json, log.c.imported_by) \
        .order_by(log.c.id.desc()).limit(limit)
    with db.reading(engine) as conn:
        rows = conn.execute(stmt).mappings().all()
    out = pd.DataFrame([dict(r) for r in rows],
                       columns=["imported_at", "file_name", "file_sha256", "rows_json", "imported_by"])
    out["rows_by_table"] = [json.loads(v) if v else {} for v in out["rows_json"]]
    return out.drop(columns=["rows_json"])


def table_status(engine: Engine, *, scope: Scope, as_of: date | None = None) -> pd.DataFrame:
    """Return one row per contract table: table_name, rows_n, loaded_at (last load), source."""
    load = schema.table_load
    with db.reading(engine) as conn:
        loads = {r.table_name: r for r in conn.execute(select(load)).all()}
        rows = []
        for t in schema.CONTRACT_TABLES:
            n = conn.execute(select(func.count()).select_from(t)).scalar_one()
            last = loads.get(t.name)
            rows.append({"table_name": t.name, "rows_n": int(n), "loaded_at": last.loaded_at if last else None,
                         "source": last.source if last else None})
    return pd.DataFrame(rows)
