"""The first day of each kind of data: a change against a year earlier is shown only where data existed then."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine, func, select

from lib import db, schema as T

# indicator family -> the column whose earliest value is the family's first day of data
FIRST_COLUMNS = {
    "tickets": T.ticket.c.received_at,
    "satisfaction": T.survey.c.period_end,
    "organisations": T.party_org.c.founded_on,
    "members": T.member.c.joined_on,
    "outflow": T.outflow.c.out_on,
}


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def first_dates(engine: Engine) -> dict[str, date | None]:
    """Return {family: first day of its data, None without rows} for every family of FIRST_COLUMNS, in one query."""
    stmt = select(*[select(func.min(col)).scalar_subquery().label(name) for name, col in FIRST_COLUMNS.items()])
    with db.reading(engine) as conn:
        row = conn.execute(stmt).one()
    return {name: _day(row._mapping[name]) for name in FIRST_COLUMNS}
