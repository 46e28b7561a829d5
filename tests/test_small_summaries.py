"""The small-table summaries (lib.small_summaries) always give the answers of the raw aggregation, on SQLite and
PostgreSQL: cadres (干部结构), "两新" coverage (两新覆盖) and outflow members (流动党员).

The tiny database (tests/tiny_db.py) is loaded without summaries; the `refreshed` fixture builds them, every test
compares the summary-backed queries with their *_raw twins at the days where an answer can change (birthdays at the
ages the pages cut at, founding days, leaving days, the days contacts become too old, month ends and the days around
them), and the fixture clears them again so other tests see the database as it was.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import delete, event, select, update

from lib import schema, small_summaries, summaries
from lib.queries import cadres, common, coverage, kpis, outflow
from lib.rules import minus_months, minus_years
from lib.scope import Scope
from conftest import same_frames

SCOPES = [Scope.all(), Scope.of("T1"), Scope.of("T2", "T3")]


def around(days, months: bool = True) -> list[date]:
    """Each day, the day before and the day after and, with `months`, the month's 15th and last day and the previous
    month's last day (a summary starts from a month's end and adds the days after it)."""
    out = set()
    for d in days:
        out |= {d - timedelta(days=1), d, d + timedelta(days=1)}
        if months:
            out |= {d.replace(day=15), small_summaries.month_before(d),
                    minus_months(d.replace(day=1), -1) - timedelta(days=1)}
    return sorted(out)


def _dates(engine, column, *where) -> list[date]:
    with engine.connect() as conn:
        values = [r[0] for r in conn.execute(select(column).where(*where).distinct()) if r[0] is not None]
    return [v if isinstance(v, date) else date.fromisoformat(str(v)[:10]) for v in values]


CADRE_AGES = (0, 21, 36, 41, 52, 55, 57, 60, 65, 66)  # ages the pages cut at (bands, young, retirement, pyramid ends)


def cadre_days(engine) -> list[date]:
    """The days on which a cadre reaches an age a page cuts at, the days around them (tiny_db's birthdays fall on a
    month's last day, its first, and inside a month), and a few 15ths."""
    births = _dates(engine, schema.cadre.c.birth_date)
    return around([minus_years(b, -a) for b in births for a in CADRE_AGES], months=False) + [
        date(2018, 6, 15), date(2018, 7, 15), date(2035, 1, 15)]


def assert_cadres_equal_raw(engine, days=None) -> int:
    """The cadre structure and everything drawn from it equal the raw queries; return comparisons made. (A set of
    townships reads its cadres on both sides: one scope checks what is drawn from the structure.)"""
    checked = 0
    for as_of in days or cadre_days(engine):
        for scope in SCOPES[:2]:
            for section_only in (True, False):
                args = dict(scope=scope, as_of=as_of, section_only=section_only)
                s = cadres.cadre_structure(engine, **args)
                for derived, raw in ((cadres.age_pyramid(s), cadres.cadres_by_age_gender_raw(engine, **args)),
                                     (cadres.age_bands(s), cadres.cadres_by_age_band_raw(engine, **args)),
                                     (cadres.education_counts(s), cadres.cadres_by_education_raw(engine, **args)),
                                     (cadres.rank_counts(s), cadres.cadres_by_rank_raw(engine, **args)),
                                     (cadres.unit_type_shares(s), cadres.cadre_shares_by_unit_type_raw(engine, **args)),
                                     (cadres.retirements(s), cadres.cadre_retirements_raw(engine, **args))):
                    same_frames(derived, raw, f"{list(raw.columns)} {args}")
                everyone = dict(args, scope=Scope.all())
                same_frames(cadres.township_shares(s), cadres.cadre_shares_by_township_raw(engine, **everyone), f"towns {args}")
                same_frames(cadres.cadre_shares_by_township(engine, **args),
                      cadres.cadre_shares_by_township_raw(engine, **args), f"towns in scope {args}")
                checked += 8
            for by_township in (False, True):
                same_frames(cadres.cadre_summary(engine, scope=scope, as_of=as_of, by_township=by_township),
                      cadres.cadre_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township), "summary")
                checked += 1
    return checked


def coverage_days(engine) -> list[date]:
    """The days the enterprises' organizations were founded, a year later (the year-earlier totals), the days around
    them and a day before any."""
    o, e = schema.party_org, schema.enterprise
    founded = _dates(engine, o.c.founded_on, o.c.code.in_(select(e.c.org_code)))
    return around(founded + [minus_years(d, -1) for d in founded] + [date(2018, 6, 30)]) + [date(2000, 1, 1)]


def assert_coverage_equal_raw(engine, days=None) -> int:
    checked = 0
    for as_of in days or coverage_days(engine):
        for scope in SCOPES[:2]:
            for kind in ("非公企业", "社会组织"):
                args = dict(scope=scope, as_of=as_of, kind=kind)
                s = coverage.coverage_structure(engine, **args)
                town_rows = coverage.coverage_by_township_raw(engine, **dict(args, scope=Scope.all()))
                in_scope = [coverage.coverage_by_township_raw(engine, **dict(args, as_of=day))
                            for day in (as_of, minus_years(as_of, 1))]
                same_frames(coverage.townships_frame(s, common.townships(engine, scope=Scope.all())), town_rows,
                      f"townships {args}")
                assert s.totals == tuple(int(in_scope[0][c].sum()) for c in coverage.COUNTS), args
                assert s.totals_year_ago == tuple(int(in_scope[1][c].sum()) for c in coverage.COUNTS), args
                same_frames(coverage.industries_frame(s), coverage.coverage_by_industry_raw(engine, **args), f"industry {args}")
                same_frames(coverage.sizes_frame(s), coverage.coverage_by_size_raw(engine, **args), f"size {args}")
                same_frames(coverage.founded_frame(s), coverage.coverage_founded_by_month_raw(engine, **args), f"founded {args}")
                same_frames(coverage.coverage_by_township(engine, **args), in_scope[0], f"townships in scope {args}")
                for limit in (2000, 1):
                    raw_list = coverage.should_build_list_raw(engine, **args, limit=limit)
                    same_frames(coverage.should_build_list(engine, **args, limit=limit), raw_list, f"list {args}")
                    same_frames(coverage.should_build_frame(coverage.coverage_structure(engine, **args, limit=limit)),
                          raw_list, f"list of the structure {args}")
                checked += 8
            same_frames(coverage.should_build_list(engine, scope=scope, as_of=as_of),
                  coverage.should_build_list_raw(engine, scope=scope, as_of=as_of), "list of both kinds")
            for by_township in (False, True):
                same_frames(coverage.coverage_summary(engine, scope=scope, as_of=as_of, by_township=by_township),
                      coverage.coverage_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township), "summary")
            checked += 3
    return checked


def outflow_days(engine) -> list[date]:
    """Leaving days, the first days each last contact counts as too old, and the days around them."""
    from lib import config

    months = int(config.rule("outflow_contact_months"))
    contacts = _dates(engine, schema.outflow.c.last_contact_on)
    return around(_dates(engine, schema.outflow.c.out_on) + contacts
                  + [small_summaries.at_risk_from(c, months) for c in contacts] + [date(2018, 6, 30)])


OUTFLOW_QUERIES = [("outflow_totals", {}), ("outflow_by_destination", {"level": "city"}),
                   ("outflow_by_destination", {"level": "province"}), ("outflow_by_township", {}),
                   ("outflow_branches", {})]


def assert_outflow_equal_raw(engine, days=None) -> int:
    checked = 0
    for as_of in days or outflow_days(engine):
        for scope in SCOPES:
            for name, kwargs in OUTFLOW_QUERIES:
                same_frames(getattr(outflow, name)(engine, scope=scope, as_of=as_of, **kwargs),
                      getattr(outflow, f"{name}_raw")(engine, scope=scope, as_of=as_of, **kwargs), f"{name} {as_of} {scope}")
            for by_township in (False, True):
                same_frames(outflow.outflow_summary(engine, scope=scope, as_of=as_of, by_township=by_township),
                      outflow.outflow_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township), "summary")
            checked += len(OUTFLOW_QUERIES) + 2
    return checked


# ---------------------------------------------------------------- the rules behind the summaries

def test_month_before_is_the_snapshot_a_day_starts_from():
    assert small_summaries.month_before(date(2018, 6, 30)) == date(2018, 6, 30)
    assert small_summaries.month_before(date(2018, 6, 29)) == date(2018, 5, 31)
    assert small_summaries.month_before(date(2018, 3, 1)) == date(2018, 2, 28)
    assert small_summaries.month_before(date(2016, 2, 29)) == date(2016, 2, 29)


def test_at_risk_from_is_the_first_day_the_last_contact_is_too_old():
    # tests/tiny_db.py: at 2018-06-30 the cut-off is 2017-12-30; a contact on 2017-12-29 is too old, on 12-30 not
    assert small_summaries.at_risk_from(date(2017, 12, 29), 6) == date(2018, 6, 30)
    assert small_summaries.at_risk_from(date(2017, 12, 30), 6) == date(2018, 7, 1)
    # the cut-off of 29-31 August is 28 February (clamped): a contact then is too old from 1 September
    assert small_summaries.at_risk_from(date(2018, 2, 28), 6) == date(2018, 9, 1)
    assert small_summaries.at_risk_from(date(2018, 8, 31), 6) == date(2019, 3, 1)


# ---------------------------------------------------------------- the summaries equal the raw aggregation

def test_the_cadre_summaries_equal_the_raw_aggregation(refreshed):
    with refreshed.connect() as conn:
        for table in (schema.cadre_group, schema.cadre_monthly, schema.cadre_daily):
            assert conn.execute(select(table)).first() is not None, table.name
    assert assert_cadres_equal_raw(refreshed) > 2000
    # not vacuous: the hand-worked figures of tests/tiny_db.py through the summaries
    shares = cadres.unit_type_shares(cadres.cadre_structure(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30)))
    assert shares[["cadres_n", "cadres_40_or_younger_n", "cadres_bachelor_plus_n"]].sum().tolist() == [4, 2, 2]


def test_a_cadre_born_on_29_february_ages_on_1_march_in_other_years(refreshed):
    c = schema.cadre
    row = {"id_number": "41140219760229001X", "name": "闰年", "gender": "女", "birth_date": date(1976, 2, 29),
           "education": "大学本科", "rank": "正科", "position": "科长", "unit": "乡镇", "township_code": "T2",
           "ethnicity": "汉族", "appointed_on": None}
    try:
        with refreshed.begin() as conn:
            conn.execute(c.insert(), [row])
            summaries.refresh(conn, ["cadre"])
        days = around([date(2016, 2, 29), date(2017, 2, 28), date(2017, 3, 1), date(2031, 2, 28), date(2036, 2, 29)])
        assert assert_cadres_equal_raw(refreshed, days) > 100
        ages = cadres.cadre_structure(refreshed, scope=Scope.of("T2"), as_of=date(2017, 2, 28)).ages
        assert ("township", "女", 40, 1) in ages  # 41 only from 1 March 2017
        ages = cadres.cadre_structure(refreshed, scope=Scope.all(), as_of=date(2017, 3, 1)).ages
        assert ("township", "女", 41, 1) in ages
    finally:
        with refreshed.begin() as conn:
            conn.execute(delete(c).where(c.c.id_number == row["id_number"]))
            summaries.refresh(conn, ["cadre"])


def test_the_coverage_summaries_equal_the_raw_aggregation(refreshed):
    assert assert_coverage_equal_raw(refreshed) > 500
    # tests/tiny_db.py at 2018-06-30: non-public coverage 3/7, work 5/7, should build E2 and E5
    s = coverage.coverage_structure(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30), kind="非公企业")
    assert s.totals == (7, 3, 5, 2)
    # at 2017-01-01 only J1 covers (E3, E4); a year earlier nothing does, E2 and E6 have instructors
    s = coverage.coverage_structure(refreshed, scope=Scope.all(), as_of=date(2017, 1, 1), kind="非公企业")
    assert (s.totals, s.totals_year_ago) == ((7, 2, 4, 3), (7, 0, 2, 3))
    assert s.founded == ((2016, 5, 2),)


def test_the_outflow_summaries_equal_the_raw_aggregation(refreshed):
    assert assert_outflow_equal_raw(refreshed) > 500
    totals = outflow.outflow_totals(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30))
    assert totals == {"outflow_n": 4, "at_risk_n": 2, "in_branch_n": 2, "cities_n": 3, "provinces_n": 3}


def test_the_kpis_read_from_the_summaries_equal_the_raw_kpis(refreshed):
    for as_of in (date(2017, 6, 30), date(2018, 6, 30), date(2018, 7, 15)):
        fast = kpis.kpis_by_township(refreshed, scope=Scope.all(), as_of=as_of)
        with refreshed.begin() as conn:
            summaries.clear(conn)
        raw = kpis.kpis_by_township(refreshed, scope=Scope.all(), as_of=as_of)
        with refreshed.begin() as conn:
            summaries.refresh(conn, [t.name for t in schema.CONTRACT_TABLES])
        pd.testing.assert_frame_equal(fast, raw)


# ---------------------------------------------------------------- the summaries are what is read

READS = {name: re.compile(rf"\b(FROM|JOIN)\s+{name}\b(?!_)", re.IGNORECASE) for name in ("cadre", "enterprise", "outflow")}
AGGREGATES = re.compile(r"\bGROUP BY\b|\bcount\(", re.IGNORECASE)


def aggregates(statements: list[str], table: str) -> list[str]:
    """The statements that aggregate rows of `table` (the 应建未建 list may read its few enterprises by index)."""
    return [s for s in statements if READS[table].search(s) and AGGREGATES.search(s)]


def _statements(engine, run) -> list[str]:
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def test_the_whole_area_pages_read_no_raw_rows_of_the_small_tables(refreshed):
    whole = dict(scope=Scope.all(), as_of=date(2018, 6, 15))
    page_reads = {
        "cadre": lambda: cadres.cadre_structure(refreshed, **whole),
        "enterprise": lambda: coverage.coverage_structure(refreshed, **whole, kind="非公企业"),
        "outflow": lambda: [outflow.outflow_totals(refreshed, **whole), outflow.outflow_branches(refreshed, **whole),
                            outflow.outflow_by_destination(refreshed, **whole), outflow.outflow_by_township(refreshed, **whole)],
    }
    for table, run in page_reads.items():
        statements = _statements(refreshed, run)
        assert statements and not aggregates(statements, table), table
    # the check can see a raw read: without summaries the same calls aggregate the table
    with refreshed.begin() as conn:
        summaries.clear(conn)
    for table, run in page_reads.items():
        assert aggregates(_statements(refreshed, run), table), table


def test_stale_small_summaries_would_be_caught(refreshed):
    """The comparisons are not vacuous: raw rows changed without a refresh make them fail."""
    from tiny_db import pid

    c, o, f = schema.cadre, schema.party_org, schema.outflow
    changes = [  # C22 gets a degree; E2's organization is founded before 2018-06-30; F2 is contacted again
        (c, c.c.id_number, pid(22, date(1977, 7, 1), male=False), "education", "研究生", assert_cadres_equal_raw),
        (o, o.c.code, "E2org", "founded_on", date(2018, 3, 1), assert_coverage_equal_raw),
        (f, f.c.id_number, pid(12, date(1980, 1, 1)), "last_contact_on", date(2018, 6, 1), assert_outflow_equal_raw),
    ]
    for table, key, value, column, new, check in changes:
        with refreshed.connect() as conn:
            old = conn.execute(select(table.c[column]).where(key == value)).scalar_one()
        try:
            with refreshed.begin() as conn:
                conn.execute(update(table).where(key == value).values({column: new}))
            with pytest.raises(AssertionError):
                check(refreshed, [date(2018, 6, 30)])
        finally:
            with refreshed.begin() as conn:
                conn.execute(update(table).where(key == value).values({column: old}))
        check(refreshed, [date(2018, 6, 30)])  # as it was: equal again


def test_an_import_refreshes_the_small_summaries(refreshed):
    """An import of cadres, enterprises and outflow members keeps every small summary equal to the raw rows."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import tiny_db
    from importer_helpers import tiny_sheet, xlsx

    from lib import importer
    from lib.importer.contract import BY_TABLE

    def changed(table, column, value, row=1):
        sheet = [list(r) for r in tiny_sheet(table)]
        columns = [fld.column for fld in BY_TABLE[table].fields]
        sheet[row][columns.index(column)] = value
        return sheet

    org_row = 1 + [o["code"] for o in tiny_db.ROWS["party_org"]].index("E2org")
    sheets = {"干部": changed("cadre", "education", "研究生", row=2),  # C22: 大专 -> 研究生
              "党组织": changed("party_org", "founded_on", "2018-03-01", row=org_row),  # E2 covered from March
              "流动党员": changed("outflow", "last_contact_on", "2018-06-20", row=2)}  # F2 contacted again
    originals = {name: tiny_sheet(table) for name, table in (("干部", "cadre"), ("党组织", "party_org"), ("流动党员", "outflow"))}
    try:
        plan, result = importer.import_files(refreshed, [("台账.xlsx", xlsx(sheets))], who="测试")
        assert plan.ok, plan
        assert {k: t["updated"] for k, t in result["tables"].items()} == {"cadre": 1, "party_org": 1, "outflow": 1}
        days = [date(2018, 6, 30), date(2018, 12, 31), date(2019, 1, 15)]
        assert assert_cadres_equal_raw(refreshed, days) > 50
        assert assert_coverage_equal_raw(refreshed, days) > 50
        assert assert_outflow_equal_raw(refreshed, days) > 50
        # and the change shows: 3 bachelor-or-above section cadres now (C22 became 研究生)
        s = cadres.cadre_structure(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30))
        assert sum(b for *_, b in s.in_view) == 3
        s = coverage.coverage_structure(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30), kind="非公企业")
        assert s.totals == (7, 4, 5, 1)
        assert outflow.outflow_totals(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30))["at_risk_n"] == 1
    finally:
        plan, _ = importer.import_files(refreshed, [("台账.xlsx", xlsx(originals))], who="测试")
        assert plan.ok


def test_a_new_contact_rule_is_not_read_from_summaries_built_with_the_old_one(refreshed, monkeypatch):
    from lib import config

    rule = config.rule
    monkeypatch.setattr(config, "rule", lambda key: 3 if key == "outflow_contact_months" else rule(key))
    days = around([date(2018, 3, 29), date(2018, 6, 30)])
    assert assert_outflow_equal_raw(refreshed, days) > 50  # the raw rows are read: the summaries say 6 months
    assert outflow.outflow_totals(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30))["at_risk_n"] == 3  # F5 too
    with refreshed.begin() as conn:  # the next refresh rebuilds them for the new rule
        summaries.refresh(conn, ["survey"])
        assert small_summaries.outflow_months(conn) == 3
    statements = _statements(refreshed, lambda: outflow.outflow_totals(refreshed, scope=Scope.all(), as_of=date(2018, 6, 30)))
    assert statements and not aggregates(statements, "outflow")
    assert assert_outflow_equal_raw(refreshed, days) > 50


def test_the_demo_builder_maintains_the_small_summaries(demo_url):
    from lib import db

    engine = db.make_engine(demo_url)
    days = [date(2016, 12, 31), date(2017, 3, 15), date(2018, 12, 31)]
    for as_of in days:
        for section_only in (True, False):
            args = dict(scope=Scope.all(), as_of=as_of, section_only=section_only)
            s = cadres.cadre_structure(engine, **args)
            same_frames(cadres.age_pyramid(s), cadres.cadres_by_age_gender_raw(engine, **args), "pyramid")
            same_frames(cadres.township_shares(s), cadres.cadre_shares_by_township_raw(engine, **args), "towns")
        s = coverage.coverage_structure(engine, scope=Scope.all(), as_of=as_of, kind="非公企业")
        same_frames(coverage.townships_frame(s, common.townships(engine, scope=Scope.all())),
              coverage.coverage_by_township_raw(engine, scope=Scope.all(), as_of=as_of, kind="非公企业"), "coverage")
        same_frames(outflow.outflow_branches(engine, scope=Scope.all(), as_of=as_of),
              outflow.outflow_branches_raw(engine, scope=Scope.all(), as_of=as_of), "branches")
    statements = _statements(engine, lambda: cadres.cadre_structure(engine, scope=Scope.all(), as_of=days[-1]))
    assert statements and not aggregates(statements, "cadre")


def test_a_database_from_before_the_small_summaries_reads_the_raw_rows(tmp_path):
    """An older database marked ready but without these tables (dropped here) still answers, from the raw rows."""
    import tiny_db

    from lib import db

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    tiny_db.build(engine)
    with engine.begin() as conn:
        summaries.refresh(conn, [t.name for t in schema.CONTRACT_TABLES])
    for table in schema.SMALL_SUMMARIES:
        table.drop(engine)
    as_of = date(2018, 6, 30)
    s = cadres.cadre_structure(engine, scope=Scope.all(), as_of=as_of)
    same_frames(cadres.age_bands(s), cadres.cadres_by_age_band_raw(engine, scope=Scope.all(), as_of=as_of), "bands")
    assert coverage.coverage_structure(engine, scope=Scope.all(), as_of=as_of, kind="非公企业").totals == (7, 3, 5, 2)
    assert outflow.outflow_totals(engine, scope=Scope.all(), as_of=as_of)["at_risk_n"] == 2
