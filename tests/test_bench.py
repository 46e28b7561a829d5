"""The benchmark runs end to end on the district demo database and ends with a valid SUMMARY line.

Timings are not asserted (they depend on the machine); the budgets are read from the output by people.
"""
from __future__ import annotations

import re

from lib import bench, cli

SUMMARY = re.compile(
    r"^SUMMARY scale=district dialect=sqlite worst_page_uncached_ms=(\d+) worst_page_warm_ms=(\d+) "
    r"worst_apptest_cold_ms=(\d+) worst_apptest_warm_ms=(\d+) min_speedup_vs_pandas=([\d.]+) "
    r"max_ratio_vs_duckdb=([\d.]+) peak_rss_mb=(\d+)$")


def test_bench_command_prints_a_table_and_a_summary_line(demo_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)  # bench sets it for lib.cached; restored after the test
    code = cli.main(["bench", "--scale", "district", "--db", demo_url, "--repeat", "1", "--pages", "overview",
                     "--no-browser", "--out", str(tmp_path)])
    assert code == 0
    out = capsys.readouterr().out.strip().splitlines()
    match = SUMMARY.match(out[-1])
    assert match, out[-1]
    assert all(float(v) > 0 for v in match.groups())
    table = "\n".join(out)
    assert "| **pages/overview.py** | **合计** |" in table
    assert "kpis.kpi_counts（上年同期）" in table
    written = (tmp_path / "results-district-sqlite.md").read_text(encoding="utf-8").strip()
    assert written.splitlines()[-1] == out[-1]


def test_the_benchmark_times_the_queries_a_page_really_makes(demo_url, monkeypatch):
    """discover_calls records the page's own cached.query calls (page_setup's included), with their arguments."""
    from datetime import date

    from lib import db
    from lib.scope import Scope

    monkeypatch.setenv("DATABASE_URL", demo_url)
    ctx = bench.context(db.make_engine(demo_url))
    assert ctx.as_of == date(2018, 12, 31)
    found = bench.discover_calls(ctx, ["pages/overview.py", "pages/township.py"])
    overview = found["pages/overview.py"]
    names = [n for n, _ in overview]
    assert names[:3] == ["lib.queries.common.latest_date", "lib.queries.common.townships", "lib.queries.common.earliest_date"]
    kpis = [kw for n, kw in overview if n == "lib.queries.kpis.kpi_counts"]
    assert {"scope": Scope.all(), "as_of": date(2018, 12, 31)} in kpis
    assert {"scope": Scope.all(), "as_of": date(2017, 12, 31)} in kpis  # the year-earlier comparison
    # the township profile is opened on the busiest township (PAGE_PARAMS), so its queries are scoped to it
    scoped = [kw["scope"] for n, kw in found["pages/township.py"] if n == "lib.queries.township.villages_profile"]
    assert scoped == [Scope.of(ctx.township)]
    assert all(bench.resolve(n) is not None for n, _ in overview)


def test_a_run_at_another_date_opens_every_page_at_that_date(demo_url, monkeypatch):
    """--as-of 2018-12-15: the pages are opened with ?as_of=, so their queries ask for that day and its year-earlier."""
    from datetime import date

    from lib import db

    monkeypatch.setenv("DATABASE_URL", demo_url)
    ctx = bench.context(db.make_engine(demo_url), date(2018, 12, 15))
    assert (ctx.as_of, ctx.as_of_param) == (date(2018, 12, 15), "2018-12-15")
    assert bench.page_params("pages/township.py", ctx) == {"township": ctx.township, "as_of": "2018-12-15"}
    found = bench.discover_calls(ctx, ["pages/services.py"])["pages/services.py"]
    asked = {kw["as_of"] for n, kw in found if n == "lib.queries.services.tickets_by_township"}
    assert asked == {date(2018, 12, 15), date(2017, 12, 15)}
    assert bench.context(db.make_engine(demo_url), date(2018, 12, 31)).as_of_param is None  # the default view


def test_every_reference_runs_in_pandas_and_duckdb(demo_url):
    """Each domain the references stand for computes in pandas and in DuckDB on the demo district."""
    from datetime import date

    import duckdb

    from lib import db

    engine = db.make_engine(demo_url)
    tables = sorted({t for ts in bench.DOMAIN_TABLES.values() for t in ts})
    frames = {t: bench.read_raw(engine, t) for t in tables}
    con = duckdb.connect()
    for table, frame in frames.items():
        con.register("frame_view", frame)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM frame_view")
        con.unregister("frame_view")
    for domain in bench.DOMAIN_TABLES:
        bench._pandas_domain(domain, frames, date(2018, 12, 31), "2018Q3")
        for sql in bench._duckdb_sql(domain, date(2018, 12, 31), "2018Q3"):
            assert con.execute(sql).fetchall(), (domain, sql)
    assert set(d for ds in bench.DOMAINS.values() for d in ds) <= set(bench.DOMAIN_TABLES)


def test_the_outflow_reference_counts_what_the_page_shows(demo_url):
    from datetime import date

    import duckdb

    from lib import db
    from lib.queries.outflow import outflow_totals
    from lib.scope import Scope

    engine = db.make_engine(demo_url)
    con = duckdb.connect()
    con.register("outflow", bench.read_raw(engine, "outflow"))
    sql = bench._duckdb_sql("outflow_breakdowns", date(2018, 12, 31), None)[0]
    n, risk, in_branch, cities, provinces = con.execute(sql).fetchone()
    ours = outflow_totals(engine, scope=Scope.all(), as_of=date(2018, 12, 31))
    assert (n, risk, in_branch, cities, provinces) == (ours["outflow_n"], ours["at_risk_n"], ours["in_branch_n"],
                                                       ours["cities_n"], ours["provinces_n"])
    assert n == 1027  # the published figure the demo is built on


def test_references_compute_the_same_ticket_counts_as_the_queries(demo_url):
    """The DuckDB reference aggregates what ticket_summary returns (so the ratio compares like with like)."""
    from datetime import date

    import duckdb

    from lib import db
    from lib.queries.tickets import ticket_summary
    from lib.scope import Scope

    engine = db.make_engine(demo_url)
    as_of = date(2017, 8, 31)
    frame = bench.read_raw(engine, "ticket")
    con = duckdb.connect()
    con.register("frame_view", frame)
    con.execute("CREATE TABLE ticket AS SELECT * FROM frame_view")
    rows = con.execute(bench._duckdb_sql("tickets", as_of, None)[0]).fetchall()
    totals = [sum(r[i] for r in rows) for i in range(1, 5)]
    ours = ticket_summary(engine, scope=Scope.all(), as_of=as_of).iloc[0]
    assert totals == [int(ours["tickets_n"]), int(ours["tickets_on_time_n"]), int(ours["tickets_on_time_base_n"]),
                      int(ours["tickets_open_overdue_n"])]


def test_the_list_references_return_the_rows_the_pages_list(demo_url):
    """The 应建未建 and 失联风险 references sort and cut the same rows as the queries (DuckDB and pandas alike)."""
    from datetime import date

    import duckdb

    from lib import db
    from lib.queries.coverage import coverage_by_township, should_build_list
    from lib.queries.outflow import at_risk_members, outflow_totals
    from lib.scope import Scope

    engine = db.make_engine(demo_url)
    as_of = date(2018, 12, 31)
    frames = {t: bench.read_raw(engine, t) for t in bench.DOMAIN_TABLES["coverage_lists"] + bench.DOMAIN_TABLES["outflow_lists"]}
    con = duckdb.connect()
    for table, frame in frames.items():
        con.register(table, frame)
    [build_sql] = bench._duckdb_sql("coverage_lists", as_of, None)
    ours = should_build_list(engine, scope=Scope.all(), as_of=as_of, kind="非公企业")
    assert [r[0] for r in con.execute(build_sql).fetchall()] == list(ours["credit_code"])
    assert len(ours) == coverage_by_township(engine, scope=Scope.all(), as_of=as_of, kind="非公企业")["should_build_n"].sum()
    [risk_sql] = bench._duckdb_sql("outflow_lists", as_of, None)
    ours = at_risk_members(engine, scope=Scope.all(), as_of=as_of)
    rows = con.execute(risk_sql).fetchall()
    assert [(r[0], r[9]) for r in rows] == list(zip(ours["id_number"], ours["phone"].where(ours["phone"].notna(), None)))
    assert len(ours) == outflow_totals(engine, scope=Scope.all(), as_of=as_of)["at_risk_n"]


def test_the_coverage_reference_counts_the_year_earlier_totals_the_page_shows(demo_url):
    """coverage_structure also gives the totals a year earlier (KPI cards): its reference computes the same."""
    from datetime import date

    import duckdb

    from lib import db
    from lib.queries.coverage import coverage_structure
    from lib.scope import Scope

    engine = db.make_engine(demo_url)
    con = duckdb.connect()
    for table in bench.DOMAIN_TABLES["coverage_year_ago"]:
        con.register(table, bench.read_raw(engine, table))
    [sql] = bench._duckdb_sql("coverage_year_ago", date(2018, 12, 31), None)
    ours = coverage_structure(engine, scope=Scope.all(), as_of=date(2018, 12, 31), kind="非公企业")
    assert con.execute(sql).fetchone() == ours.totals_year_ago
    assert ours.totals_year_ago != ours.totals  # a year earlier is another answer
    assert {"coverage_breakdowns", "coverage_year_ago", "coverage_lists"} == set(
        bench.DOMAINS["lib.queries.coverage.coverage_structure"])
