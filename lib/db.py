"""One SQLAlchemy engine per URL, schema creation, and the data version kept in `meta`."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, create_engine, event, func, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lib import config, schema


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or has no dashboard schema."""


def make_engine(url: str | None = None) -> Engine:
    """Return an engine for `url` (default: the app's DATABASE_URL)."""
    url = url or config.database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # foreign keys are off by default in SQLite
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    # the most recently used connection first: the statements a page runs again and again are prepared on it
    # (psycopg prepares a statement on its sixth run on a connection; planning one costs up to a millisecond)
    return create_engine(url, pool_pre_ping=True, pool_use_lifo=True)


def reading(engine: Engine) -> Connection:
    """Return a connection for reading (use it in a `with`). On PostgreSQL it is in autocommit: a read needs no
    transaction (each statement sees what is committed, as under the default READ COMMITTED), so neither BEGIN nor
    the ROLLBACK on release go to the server, two round trips fewer per query."""
    conn = engine.connect()
    if conn.dialect.name == "postgresql":
        conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn


def init_db(engine: Engine) -> None:
    """Create every table and index that does not exist yet, and the meta rows."""
    schema.metadata.create_all(engine)
    with engine.begin() as conn:
        for key, value in (("data_version", "0"), ("is_demo", "0")):
            upsert(conn, schema.meta, [{"key": key, "value": value}], keys=("key",), update_existing=False)


def upsert(conn: Connection, table, rows: list[dict], *, keys: tuple[str, ...], update_existing: bool = True) -> None:
    """Insert rows, updating (or keeping) existing ones with the same key. Works on SQLite and PostgreSQL."""
    if not rows:
        return
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table)
    if update_existing:
        changing = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=changing)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    conn.execute(stmt, rows)


def bulk_insert(conn: Connection, table, rows) -> int:
    """Insert many new rows fast in the connection's transaction; return how many.

    `rows` is a list of dicts (missing keys are NULL) or a DataFrame with the table's column names.
    SQLite: the driver's executemany with values prepared by the column types (what table.insert() stores);
    PostgreSQL: COPY. Much faster than table.insert() for hundreds of thousands of rows (no per-row
    parameter processing by SQLAlchemy); use it only for rows known to be new (no upsert).
    """
    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        names = [c.name for c in table.columns if c.name in rows.columns]
        columns = [_column_values(rows[n], table.c[n], conn.dialect) for n in names]
        values = list(zip(*columns)) if columns else []
    else:
        names = [c.name for c in table.columns]
        values = [tuple(r.get(n) for n in names) for r in rows]
        if conn.dialect.name == "sqlite":
            procs = [table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect) for n in names]
            if any(procs):
                columns = [list(col) if p is None else [p(v) for v in col] for p, col in zip(procs, zip(*values))]
                values = list(zip(*columns)) if values else []
    if not values:
        return 0
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(n) for n in names)
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        with driver.cursor() as cur, cur.copy(f"COPY {conn.dialect.identifier_preparer.format_table(table)} "
                                              f"({quoted}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        return len(values)
    marks = ", ".join("?" for _ in names)
    conn.exec_driver_sql(f"INSERT INTO {conn.dialect.identifier_preparer.format_table(table)} ({quoted}) "
                         f"VALUES ({marks})", values)
    return len(values)


def _column_values(series, column, dialect) -> list:
    """Return a DataFrame column as Python values ready for the driver (dates as ISO text, NULL as None)."""
    import numpy as np
    import pandas as pd
    from sqlalchemy import Date, DateTime

    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        arr = series.to_numpy(dtype="datetime64[us]")
        if isinstance(column.type, DateTime):
            text = np.char.replace(np.datetime_as_string(arr, unit="us"), "T", " ")
        elif isinstance(column.type, Date):
            text = np.datetime_as_string(arr, unit="D")
        else:
            raise TypeError(f"{column.name}: datetime values for a {column.type} column")
        out = text.tolist()
        if series.isna().any():
            out = [None if missing else v for v, missing in zip(out, series.isna().tolist())]
        return out
    if series.dtype == object:
        values = series.tolist()
        if dialect.name == "sqlite" and isinstance(column.type, (Date, DateTime)):
            proc = column.type.dialect_impl(dialect).bind_processor(dialect)
            values = [proc(v) for v in values]
        return values
    if series.isna().any():  # NULLs: a nullable integer column arrives as float
        from sqlalchemy import Integer

        cast = int if isinstance(column.type, Integer) else float
        return [None if pd.isna(v) else cast(v) for v in series.tolist()]
    return series.tolist()


def bump_version(conn: Connection, tables: list[str], source: str) -> int:
    """Increase the data version and record when `tables` were loaded; return the new version."""
    version = int(conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "data_version")).scalar_one()) + 1
    conn.execute(update(schema.meta).where(schema.meta.c.key == "data_version").values(value=str(version)))
    now = datetime.now().replace(microsecond=0)
    upsert(conn, schema.table_load, [{"table_name": t, "loaded_at": now, "source": source} for t in tables],
           keys=("table_name",))
    return version


def data_version(engine: Engine) -> int:
    """Return the data version; raises DatabaseUnavailable when the database or schema is missing."""
    try:
        with reading(engine) as conn:
            value = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "data_version")).scalar()
    except Exception as exc:  # any driver error means the same thing to a page: no data to show
        raise DatabaseUnavailable(str(exc).splitlines()[0]) from exc
    if value is None:
        raise DatabaseUnavailable("数据库中没有看板数据表（请先运行 python -m lib.cli init-db 或导入数据）")
    return int(value)


def is_demo(engine: Engine) -> bool:
    """Return True when the database holds generated demo data."""
    with reading(engine) as conn:
        return conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "is_demo")).scalar() == "1"


def set_meta(conn: Connection, key: str, value: str) -> None:
    """Set one meta value."""
    upsert(conn, schema.meta, [{"key": key, "value": value}], keys=("key",))


def row_counts(engine: Engine) -> dict[str, int]:
    """Return the number of rows of every contract table."""
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in schema.CONTRACT_TABLES}
