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


def test_page_registry_names_functions_that_exist():
    for page, entries in bench.PAGES.items():
        for name, _ in entries:
            if name.startswith(("lib.queries.kpis.", "lib.queries.common.", "lib.queries.tickets.")):
                assert bench.resolve(name) is not None, (page, name)
    assert bench.resolve("lib.queries.nothing.here") is None


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
