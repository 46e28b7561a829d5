"""Summary tables kept in step with the raw tables (filled in by the performance work, issue 6).

Every writer of contract tables (demo builder, importer) calls `refresh(conn, tables, townships)`
inside its own transaction after writing, so summaries can never disagree with the raw rows.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection


def refresh(conn: Connection, tables: set[str] | list[str], townships: set[str] | None = None) -> None:
    """Bring summary tables up to date after a write to `tables` (township codes touched, None: all)."""
    return None
