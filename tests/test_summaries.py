"""Summary tables always equal the raw aggregation (lib.summaries), on SQLite and PostgreSQL.

The tiny database (tests/tiny_db.py) is loaded without summaries; each test refreshes them, compares
every as-of date of interest with the raw GROUP BY, and clears them again so other tests see the
database as it was.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import delete, select, update

from lib import schema, summaries
from lib.queries import briefing, kpis, satisfaction, services
from lib.queries.orgs import org_summary as org_summary_raw
from lib.queries.tickets import ticket_summary, ticket_summary_raw
from lib.scope import Scope
from conftest import same_frames

TICKET_COLS = ["tickets_n", "tickets_on_time_n", "tickets_on_time_base_n", "tickets_open_overdue_n"]


def as_of_dates(engine) -> list[date]:
    """Every day on which a ticket was received, closed or due, the day before each, and a few far-away days."""
    k = schema.ticket
    with engine.connect() as conn:
        rows = conn.execute(select(k.c.received_at, k.c.closed_at, k.c.due_at)).fetchall()
    days = set()
    for row in rows:
        for value in row:
            if value is not None:
                value = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
                days |= {value.date(), value.date() - timedelta(days=1)}
    days |= {date(2000, 1, 1), date(2030, 6, 30)}
    for d in sorted(days):  # year and month boundaries matter for the year-to-date and whole-month counts
        month_end = (date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1))
        days |= {date(d.year, 1, 1), date(d.year - 1, 12, 31), date(d.year, 12, 31), date(d.year, d.month, 1),
                 month_end, date(d.year, d.month, 15)}
    return sorted(days)


def scopes(engine) -> list[Scope]:
    with engine.connect() as conn:
        codes = [r[0] for r in conn.execute(select(schema.township.c.code).order_by(schema.township.c.code))]
    return [Scope.all(), Scope.of(codes[0]), Scope.of(*codes[1:])]


def _norm(frame: pd.DataFrame) -> pd.DataFrame:
    if "township_code" in frame:
        frame = frame.sort_values("township_code")
    return frame.reset_index(drop=True).astype({c: "int64" for c in frame.columns if c.endswith("_n")})


def assert_summaries_equal_raw(engine) -> int:
    """Compare summary reads with raw aggregation at every interesting as-of date; return comparisons made."""
    checked = 0
    for scope in scopes(engine):
        for as_of in as_of_dates(engine):
            for by_township in (False, True):
                fast = ticket_summary(engine, scope=scope, as_of=as_of, by_township=by_township)
                raw = ticket_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township)
                pd.testing.assert_frame_equal(_norm(fast), _norm(raw[list(fast.columns)]), obj=f"tickets {scope} {as_of}")
                fast = kpis.org_summary(engine, scope=scope, as_of=as_of, by_township=by_township)
                raw = org_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township)
                pd.testing.assert_frame_equal(_norm(fast), _norm(raw[list(fast.columns)]), obj=f"orgs {scope} {as_of}")
                checked += 1
    return checked


def _same(fast, raw, what: str) -> None:
    same_frames(fast, raw, what, ints=("rating_sum", "close_days", "overdue_days"))


# (fast function, raw function, extra keyword arguments)
BREAKDOWNS = [
    (services.tickets_by_month, services.tickets_by_month_raw, {"by": "category"}),
    (services.tickets_by_month, services.tickets_by_month_raw, {"by": "channel", "months": 3}),
    (services.on_time_by_month, services.on_time_by_month_raw, {}),
    (services.tickets_by_township, services.tickets_by_township_raw, {}),
    (services.tickets_by_station, services.tickets_by_station_raw, {"limit": 1000}),
    (services.tickets_by_station, services.tickets_by_station_raw, {"limit": 2}),
    (services.tickets_by_category_township, services.tickets_by_category_township_raw, {}),
    (services.close_days_histogram, services.close_days_histogram_raw, {}),
    (services.close_days_histogram, services.close_days_histogram_raw, {"by": "category"}),
    (services.close_days_histogram, services.close_days_histogram_raw, {"by": "township_code"}),
    (services.ticket_categories, services.ticket_categories_raw, {}),
    (services.overdue_days_histogram, services.overdue_days_histogram_raw, {}),
    (satisfaction.ticket_ratings_by_month, satisfaction.ticket_ratings_by_month_raw, {}),
    (briefing.tickets_by_category, briefing.tickets_by_category_raw, {}),
]


def assert_breakdowns_equal_raw(engine) -> int:
    """Every summary-backed breakdown of the 便民服务/满意度 pages equals its raw aggregation, at every as-of date."""
    with engine.connect() as conn:
        assert summaries.is_ready(conn)
    checked = 0
    for scope in scopes(engine):
        for as_of in as_of_dates(engine):
            for fast_fn, raw_fn, kwargs in BREAKDOWNS:
                fast = fast_fn(engine, scope=scope, as_of=as_of, **kwargs)
                raw = raw_fn(engine, scope=scope, as_of=as_of, **kwargs)
                _same(fast, raw, f"{fast_fn.__name__} {kwargs} {scope} {as_of}")
                checked += 1
    return checked


def test_queries_read_summaries_only_once_refreshed(tiny_engine):
    with tiny_engine.connect() as conn:
        assert not summaries.is_ready(conn)  # tiny_db loads rows without refresh: raw aggregation is used


def test_ticket_and_member_summaries_equal_the_raw_aggregation(refreshed):
    with refreshed.connect() as conn:
        assert summaries.is_ready(conn)
        assert conn.execute(select(schema.ticket_daily.c.day)).first() is not None
        assert conn.execute(select(schema.member_daily.c.day)).first() is not None
    assert assert_summaries_equal_raw(refreshed) > 100


def test_breakdown_summaries_equal_the_raw_aggregation(refreshed):
    with refreshed.connect() as conn:
        for table in schema.SUMMARY_TABLES:
            assert conn.execute(select(table)).first() is not None, table.name
    dates = as_of_dates(refreshed)
    assert any(d.day == 15 for d in dates) and any((d + timedelta(days=1)).day == 1 for d in dates)
    assert assert_breakdowns_equal_raw(refreshed) > 1000
    # not vacuous: the summary path is taken, and gives non-empty answers
    row = services.tickets_by_township(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30))
    assert row["tickets_n"].sum() > 0


def test_summary_reproduces_the_hand_worked_tiny_figures(refreshed):
    # tests/test_kpis.py: T1 at 2018-06-30 has on-time 1/3
    row = ticket_summary(refreshed, scope=Scope.of("T1"), as_of=date(2018, 6, 30)).iloc[0]
    raw = ticket_summary_raw(refreshed, scope=Scope.of("T1"), as_of=date(2018, 6, 30)).iloc[0]
    assert (row["tickets_on_time_n"], row["tickets_on_time_base_n"]) == (1, 3)
    assert row.to_dict() == raw.to_dict()


def test_incremental_refresh_of_some_townships_keeps_summaries_equal(refreshed):
    """Simulate an import that changes tickets and members of one township, then refreshes only that township."""
    k, m = schema.ticket, schema.member
    with refreshed.connect() as conn:
        tickets = [dict(r._mapping) for r in conn.execute(select(k).order_by(k.c.ticket_no))]
        members = [dict(r._mapping) for r in conn.execute(select(m).order_by(m.c.id_number))]
        orgs = {r.code: r.township_code for r in conn.execute(select(schema.party_org.c.code, schema.party_org.c.township_code))}
    first = tickets[0]
    town = first["township_code"]
    others = [t for t in tickets if t["township_code"] != town]
    moved_member = next(x for x in members if orgs[x["org_code"]] == town)
    try:
        with refreshed.begin() as conn:
            # re-open one ticket, add one closed late, move a member's joining date
            conn.execute(update(k).where(k.c.ticket_no == first["ticket_no"]).values(
                closed_at=None, rating=None))
            received = datetime(2018, 5, 20, 9, 0, 0)
            conn.execute(k.insert(), [dict(first, ticket_no="BENCH-NEW-1", received_at=received, due_days=3,
                                           due_at=received + timedelta(days=3), received_month="2018-05",
                                           closed_at=received + timedelta(days=5), rating=None)])
            conn.execute(update(m).where(m.c.id_number == moved_member["id_number"]).values(joined_on=date(2018, 6, 1)))
            summaries.refresh(conn, ["ticket", "member"], {town})
        assert others, "the tiny database has tickets in more than one township"
        assert assert_summaries_equal_raw(refreshed) > 100
        assert assert_breakdowns_equal_raw(refreshed) > 1000
    finally:  # put the tiny database back as it was
        with refreshed.begin() as conn:
            conn.execute(delete(k).where(k.c.ticket_no == "BENCH-NEW-1"))
            conn.execute(update(k).where(k.c.ticket_no == first["ticket_no"]).values(
                closed_at=first["closed_at"], rating=first["rating"]))
            conn.execute(update(m).where(m.c.id_number == moved_member["id_number"]).values(
                joined_on=moved_member["joined_on"]))


def test_a_stale_summary_would_be_caught(refreshed):
    """The comparison is not vacuous: changing raw rows without refresh makes it fail."""
    k = schema.ticket
    with refreshed.connect() as conn:
        first = conn.execute(select(k.c.ticket_no, k.c.closed_at).where(k.c.closed_at.is_not(None))
                             .order_by(k.c.ticket_no)).first()
    try:
        with refreshed.begin() as conn:
            conn.execute(update(k).where(k.c.ticket_no == first.ticket_no).values(closed_at=None))
        with pytest.raises(AssertionError):
            assert_summaries_equal_raw(refreshed)
        with pytest.raises(AssertionError):
            assert_breakdowns_equal_raw(refreshed)
    finally:
        with refreshed.begin() as conn:
            conn.execute(update(k).where(k.c.ticket_no == first.ticket_no).values(closed_at=first.closed_at))


def test_the_demo_builder_maintains_the_summaries(demo_url):
    from lib import db

    engine = db.make_engine(demo_url)
    with engine.connect() as conn:
        assert summaries.is_ready(conn)
    for as_of in (date(2016, 12, 31), date(2017, 3, 15), date(2018, 12, 31)):
        for by_township in (False, True):
            fast = ticket_summary(engine, scope=Scope.all(), as_of=as_of, by_township=by_township)
            raw = ticket_summary_raw(engine, scope=Scope.all(), as_of=as_of, by_township=by_township)
            pd.testing.assert_frame_equal(_norm(fast), _norm(raw[list(fast.columns)]))


def test_moving_rows_between_townships_keeps_summaries_equal(refreshed):
    """A ticket moved to another township (both refreshed) and an organization moved with its members
    (party_org changes rebuild member counts even when only the new township is passed)."""
    k, o, m = schema.ticket, schema.party_org, schema.member
    with refreshed.connect() as conn:
        ticket = conn.execute(select(k.c.ticket_no, k.c.township_code, k.c.village_code).order_by(k.c.ticket_no)).first()
        org = conn.execute(select(o.c.code, o.c.township_code, o.c.village_code)
                           .where(o.c.code.in_(select(m.c.org_code))).order_by(o.c.code)).first()
        towns = [r[0] for r in conn.execute(select(schema.township.c.code).order_by(schema.township.c.code))]
    ticket_to = next(t for t in towns if t != ticket.township_code)
    org_to = next(t for t in towns if t != org.township_code)
    try:
        with refreshed.begin() as conn:
            conn.execute(update(k).where(k.c.ticket_no == ticket.ticket_no).values(township_code=ticket_to, village_code=None))
            conn.execute(update(o).where(o.c.code == org.code).values(township_code=org_to, village_code=None))
            summaries.refresh(conn, ["ticket"], {ticket.township_code, ticket_to})
            summaries.refresh(conn, ["party_org"], {org_to})
        assert assert_summaries_equal_raw(refreshed) > 100
        assert assert_breakdowns_equal_raw(refreshed) > 1000
    finally:
        with refreshed.begin() as conn:
            conn.execute(update(k).where(k.c.ticket_no == ticket.ticket_no).values(
                township_code=ticket.township_code, village_code=ticket.village_code))
            conn.execute(update(o).where(o.c.code == org.code).values(
                township_code=org.township_code, village_code=org.village_code))


def test_an_import_moving_a_ticket_to_another_township_keeps_summaries_equal(refreshed):
    """The importer passes the ticket's old township to summaries.refresh too (its totals lose the ticket)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from importer_helpers import tiny_sheet, xlsx

    from lib import importer
    from lib.importer.contract import BY_TABLE

    columns = [f.column for f in BY_TABLE["ticket"].fields]
    town_i, village_i, no_i = columns.index("township_code"), columns.index("village_code"), columns.index("ticket_no")
    sheet = tiny_sheet("ticket")
    original = [sheet[0], list(sheet[1])]
    moved = [sheet[0], list(sheet[1])]
    with refreshed.connect() as conn:
        towns = [r[0] for r in conn.execute(select(schema.township.c.code).order_by(schema.township.c.code))]
        old_town = conn.execute(select(schema.ticket.c.township_code)
                                .where(schema.ticket.c.ticket_no == moved[1][no_i])).scalar_one()
    moved[1][town_i] = next(t for t in towns if t != old_town)
    moved[1][village_i] = None
    try:
        plan, result = importer.import_files(refreshed, [("工单.xlsx", xlsx({"工单": moved}))], who="测试")
        assert plan.ok and result["tables"]["ticket"]["updated"] == 1
        with refreshed.connect() as conn:
            assert conn.execute(select(schema.ticket.c.township_code)
                                .where(schema.ticket.c.ticket_no == moved[1][no_i])).scalar_one() == moved[1][town_i]
        assert assert_summaries_equal_raw(refreshed) > 100
        assert assert_breakdowns_equal_raw(refreshed) > 1000
    finally:  # move it back the same way
        plan, result = importer.import_files(refreshed, [("工单.xlsx", xlsx({"工单": original}))], who="测试")
        assert plan.ok


def test_the_whole_area_mid_month_reads_no_tickets(refreshed):
    """For the whole area at a date inside a month, the breakdowns read summaries only (the ticket table is what
    makes a city-scale page slow); a single township may read its few tickets of the as-of month."""
    import re

    from sqlalchemy import event

    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    reads_tickets = re.compile(r"\b(FROM|JOIN)\s+ticket\b(?!_)", re.IGNORECASE)
    event.listen(refreshed, "before_cursor_execute", record)
    try:
        for fn, kwargs in [(services.close_days_histogram, {}), (services.close_days_histogram, {"by": "category"}),
                           (services.tickets_by_month, {"by": "category"}), (services.ticket_categories, {}),
                           (services.tickets_by_category_township, {}), (briefing.tickets_by_category, {})]:
            statements.clear()
            fn(refreshed, scope=Scope.all(), as_of=date(2018, 6, 15), **kwargs)
            assert statements and not [q for q in statements if reads_tickets.search(q)], fn.__name__
        statements.clear()
        services.tickets_by_month(refreshed, scope=Scope.of("T1"), as_of=date(2018, 6, 15))
        assert [q for q in statements if reads_tickets.search(q)]  # the check can see a read of the tickets
    finally:
        event.remove(refreshed, "before_cursor_execute", record)
