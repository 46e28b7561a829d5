"""Writing a checked import: one transaction for the whole run, upserts by natural key, history.

Rows identical to what the database holds are left alone, so re-importing a file changes nothing;
a corrected file updates rows by key. Columns a sheet does not have keep their stored values.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Engine, and_, bindparam, select, update
from sqlalchemy.engine import Connection

from lib import db, rules, schema, summaries
from lib.importer.contract import ENTITIES, Entity
from lib.importer.validate import Plan, Row

CHUNK = 500  # keys per IN (...) lookup, well under SQLite's parameter limit


class ImportRejected(Exception):
    """The import has problems; nothing was written."""

    def __init__(self, plan: Plan):
        from lib.i18n import t

        super().__init__(t("imp_rejected", n=len(plan.problems)))
        self.plan = plan


def _full_row(entity: Entity, values: dict, existing: dict | None) -> dict:
    """Return every column of the table: stored values, overwritten by the columns the file has."""
    table = entity.schema_table
    row = dict(existing) if existing else {c.name: None for c in table.columns}
    row.update(values)
    if entity.table == "party_org" and row.get("is_weak") is None:
        row["is_weak"] = False
    if entity.table == "ticket":
        row.update(rules.ticket_derived(row["received_at"], row["due_days"]))
    if entity.table == "survey":
        row["period_end"] = rules.quarter_end(row["period"])
    return row


def _existing(conn: Connection, entity: Entity, keys: list[tuple]) -> dict[tuple, dict]:
    table = entity.schema_table
    cols = [table.c[k] for k in entity.keys]
    out: dict[tuple, dict] = {}
    for i in range(0, len(keys), CHUNK):
        chunk = keys[i:i + CHUNK]
        cond = and_(*(col.in_({k[j] for k in chunk}) for j, col in enumerate(cols)))
        for r in conn.execute(select(table).where(cond)).mappings():
            out[tuple(r[k] for k in entity.keys)] = dict(r)
    return out


def _parents_first(rows: list[dict]) -> list[dict]:
    """Return party organizations ordered so that a parent is written before its children."""
    by_code = {r["code"]: r for r in rows}
    done: set[str] = set()
    out: list[dict] = []

    def visit(r: dict) -> None:
        if r["code"] in done:
            return
        done.add(r["code"])
        parent = by_code.get(r.get("parent_code"))
        if parent is not None:
            visit(parent)
        out.append(r)

    for r in rows:
        visit(r)
    return out


def _write(conn: Connection, entity: Entity, rows: list[dict]) -> None:
    """Upsert rows of one table (a seam for tests that inject a failure)."""
    for i in range(0, len(rows), 5000):
        db.upsert(conn, entity.schema_table, rows[i:i + 5000], keys=entity.keys)


def load(engine: Engine, plan: Plan, *, who: str) -> dict:
    """Write a checked plan in one transaction; return {"tables": {table: counts}, "files": {...}}.

    Raises ImportRejected (writing nothing) when the plan has problems. Any error during the write
    rolls the whole run back.
    """
    if not plan.ok:
        raise ImportRejected(plan)
    rows_of: dict[str, list[Row]] = {}
    for s in plan.sheets:
        rows_of.setdefault(s.entity.table, []).extend(s.rows)
    tables: dict[str, dict[str, int]] = {}
    files: dict[str, dict[str, dict[str, int]]] = {f.name: {} for f in plan.files}
    changed_tables: list[str] = []
    townships: set[str] = set()
    with engine.begin() as conn:
        org_town = dict(conn.execute(select(schema.party_org.c.code, schema.party_org.c.township_code)).all())
        org_town_before = dict(org_town)  # a member's old township is that of its old organization before this run
        for entity in ENTITIES:
            rows = rows_of.get(entity.table)
            if not rows:
                continue
            keyed = [(tuple(r.values[k] for k in entity.keys), r) for r in rows]
            existing = _existing(conn, entity, [k for k, _ in keyed])
            counts = {"inserted": 0, "updated": 0, "unchanged": 0}
            writes = []
            for key, r in keyed:
                old = existing.get(key)
                new = _full_row(entity, r.values, old)
                outcome = "inserted" if old is None else "unchanged" if new == old else "updated"
                counts[outcome] += 1
                per_file = files[r.file].setdefault(entity.table, {"inserted": 0, "updated": 0, "unchanged": 0})
                per_file[outcome] += 1
                if outcome != "unchanged":
                    writes.append(new)
                    if entity.table == "party_org":
                        org_town[new["code"]] = new["township_code"]
                    town = new.get("township_code") or (new["code"] if entity.table == "township" else None)
                    if entity.table == "member":
                        town = org_town.get(new["org_code"])
                    if town:
                        townships.add(town)
                    if old is not None:  # a row moved away: its old township's summaries lose it
                        was = org_town_before.get(old.get("org_code")) if entity.table == "member" else old.get("township_code")
                        if was:
                            townships.add(was)
            if entity.table == "party_org":
                writes = _parents_first(writes)
            if writes:
                _write(conn, entity, writes)
                changed_tables.append(entity.table)
            tables[entity.table] = counts
        source = "、".join(f.name for f in plan.files)
        version = db.bump_version(conn, changed_tables, source)
        by_table = {t: "、".join(name for name, per in files.items() if t in per) for t in changed_tables}
        if any(v != source for v in by_table.values()):  # say which file fed each table
            conn.execute(update(schema.table_load).where(schema.table_load.c.table_name == bindparam("t"))
                         .values(source=bindparam("s")), [{"t": t, "s": v} for t, v in by_table.items()])
        if changed_tables:
            summaries.refresh(conn, changed_tables, townships)
        now = datetime.now().replace(microsecond=0)
        conn.execute(schema.import_log.insert(), [
            {"imported_at": now, "file_name": f.name, "file_sha256": f.sha256,
             "rows_json": json.dumps(files[f.name], ensure_ascii=False), "imported_by": who}
            for f in plan.files])
    return {"tables": tables, "files": files, "version": version, "changed_tables": changed_tables}
