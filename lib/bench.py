"""Benchmark of every page at a demo scale: query times, AppTest page runs, memory, and two references.

`run(url, scale)` builds (or reuses) the demo database at `scale`, records the query calls of every page
(one AppTest run each, `discover_calls`), then for every page:
- each query function's uncached time (median of `repeat` runs) and the page's queries together,
  uncached (median of `repeat`) and warm (through lib.cached, the app's st.cache_data layer);
and for every pages/*.py file that exists: a full AppTest run with a cold cache and again warm;
the peak RSS of the process after the page work (the app's own footprint); then the references on the
same data: (a) the naive way, `pd.read_sql` of the raw columns and a pandas groupby, (b) DuckDB
running the same aggregates on a copy of the data (loaded from the same pandas frames).
It prints one table, writes it to bench/results-<scale>-<dialect>.md and ends with one SUMMARY line.

Only functions that run AppTest or lib.cached import streamlit (inside the function).
"""
from __future__ import annotations

import gc
import importlib
import os
import platform
import resource
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from sqlalchemy import Engine

from lib import db
from lib.rules import minus_months, minus_years
from lib.scope import Scope

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Ctx:
    """What a page's query arguments are computed from: the data's as-of date and one township."""

    engine: Engine
    as_of: date
    township: str
    period: str | None
    as_of_param: str | None = None  # set when the run is at another date than the data's last day (`--as-of`)


ALL = Scope.all()

# Query parameters a page is opened with, in AppTest and when its queries are discovered (its default view
# otherwise): the township profile needs a township, the busiest one (Ctx.township).
PAGE_PARAMS: dict[str, Callable[[Ctx], dict[str, str]]] = {
    "pages/township.py": lambda c: {"township": c.township},
}


def page_params(path: str, ctx: Ctx) -> dict[str, str]:
    """Return the URL query parameters the page is opened with (PAGE_PARAMS, and as_of when one is given)."""
    params = dict(PAGE_PARAMS.get(path, lambda c: {})(ctx))
    if ctx.as_of_param:
        params["as_of"] = ctx.as_of_param
    return params


def page_files(only: list[str] | None = None) -> list[str]:
    """Return the pages/*.py files (as 'pages/x.py'), those named in `only` (paths or stems) if given."""
    paths = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    return [p for p in paths if not only or p in only or Path(p).stem in only]


def _app_test(path: str, ctx: Ctx, timeout: float, manager=None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
    if manager is not None and hasattr(at, "_bidi_component_manager"):
        at._bidi_component_manager = manager
    for key, value in page_params(path, ctx).items():
        at.query_params[key] = value
    return at


def discover_calls(ctx: Ctx, pages: list[str], timeout: float = 300) -> dict[str, list[tuple[str, dict]]]:
    """Return, per page, the query calls (function "module.name", keyword arguments) one run of the page makes.

    The page runs once in AppTest with lib.cached.query recording every call (ui.page_setup's included), so
    the benchmark times exactly what the page asks for, in its order; nothing to keep in step by hand.
    """
    from lib import cached

    original = cached.query
    found: dict[str, list[tuple[str, dict]]] = {}
    for page in pages:
        calls: list[tuple[str, dict]] = []
        seen: set[str] = set()

        def recording(fn, **kwargs):
            name = f"{fn.__module__}.{fn.__qualname__}"
            key = name + repr(sorted(kwargs.items()))
            if key not in seen:
                seen.add(key)
                calls.append((name, dict(kwargs)))
            return original(fn, **kwargs)

        cached.query = recording
        try:
            at = _app_test(page, ctx, timeout)
            at.run()
        finally:
            cached.query = original
        found[page] = calls
    return found


# Which raw aggregations a query function stands for: the references compute these the naive way and in DuckDB.
DOMAINS: dict[str, tuple[str, ...]] = {
    "lib.queries.kpis.kpi_counts": ("orgs", "members", "coverage", "outflow", "tickets", "satisfaction", "cadres"),
    "lib.queries.kpis.kpis_by_township": ("orgs", "members", "coverage", "outflow", "tickets", "satisfaction", "cadres"),
    "lib.queries.coverage.coverage_summary": ("coverage",),
    "lib.queries.outflow.outflow_summary": ("outflow",),
    "lib.queries.tickets.ticket_summary": ("tickets",),
    "lib.queries.satisfaction.satisfaction_summary": ("satisfaction",),
    "lib.queries.cadres.cadre_summary": ("cadres",),
    "lib.queries.orgs.org_summary": ("orgs", "members"),
    # the 便民服务 breakdowns (volume by township and station, by month and category, on time by month,
    # category x township, close-days histogram, categories) and the ratings by month of 满意度
    "lib.queries.services.tickets_by_township": ("services",),
    "lib.queries.services.tickets_by_station": ("services",),
    "lib.queries.services.tickets_by_month": ("services",),
    "lib.queries.services.on_time_by_month": ("services",),
    "lib.queries.services.tickets_by_category_township": ("services",),
    "lib.queries.services.close_days_histogram": ("services",),
    "lib.queries.services.ticket_categories": ("services",),
    "lib.queries.satisfaction.ticket_ratings_by_month": ("ratings",),
    "lib.queries.briefing.tickets_by_category": ("categories",),
    # the small-table pages: 两新覆盖, 流动党员, 干部结构 breakdowns, surveys and petitions of 满意度
    "lib.queries.coverage.coverage_by_township": ("coverage_breakdowns",),
    "lib.queries.coverage.coverage_by_industry": ("coverage_breakdowns",),
    "lib.queries.coverage.coverage_by_size": ("coverage_breakdowns",),
    "lib.queries.coverage.coverage_founded_by_month": ("coverage_breakdowns",),
    "lib.queries.outflow.outflow_totals": ("outflow_breakdowns",),
    "lib.queries.outflow.outflow_flows": ("outflow_breakdowns",),
    "lib.queries.outflow.outflow_by_destination": ("outflow_breakdowns",),
    "lib.queries.outflow.outflow_by_township": ("outflow_breakdowns",),
    "lib.queries.outflow.outflow_branches": ("outflow_breakdowns",),
    # the two lists the pages show: 应建未建 enterprises and 失联风险 members (with the phone from the member roll)
    "lib.queries.coverage.should_build_list": ("coverage_lists",),
    "lib.queries.outflow.at_risk_members": ("outflow_lists",),
    "lib.queries.briefing.outflow_by_destination": ("outflow_breakdowns",),
    "lib.queries.township.outflow_by_destination": ("outflow_breakdowns",),
    # the pages' one read each: the cadres' structure (every chart of 干部结构), coverage (every chart of 两新覆盖)
    "lib.queries.cadres.cadre_structure": ("cadre_breakdowns",),
    "lib.queries.coverage.coverage_structure": ("coverage_breakdowns", "coverage_year_ago", "coverage_lists"),
    "lib.queries.cadres.cadre_shares_by_unit_type": ("cadre_breakdowns",),
    "lib.queries.cadres.cadre_retirements": ("cadre_breakdowns",),
    "lib.queries.cadres.cadres_by_age_gender": ("cadre_breakdowns",),
    "lib.queries.cadres.cadres_by_age_band": ("cadre_breakdowns",),
    "lib.queries.cadres.cadres_by_education": ("cadre_breakdowns",),
    "lib.queries.cadres.cadres_by_rank": ("cadre_breakdowns",),
    "lib.queries.cadres.cadre_shares_by_township": ("cadre_breakdowns",),
    "lib.queries.briefing.cadre_age_bands": ("cadre_breakdowns",),
    "lib.queries.township.cadres_by_age_band": ("cadre_breakdowns",),
    "lib.queries.satisfaction.satisfaction_by_period": ("surveys",),
    "lib.queries.satisfaction.satisfaction_by_township_period": ("surveys",),
    "lib.queries.briefing.satisfaction_by_period": ("surveys",),
    "lib.queries.township.survey_by_period": ("surveys",),
    "lib.queries.petitions.petitions_by_month": ("petitions",),
    "lib.queries.petitions.petitions_by_township": ("petitions",),
    # composite: the slides and the written summary read every KPI family and the breakdowns above
    "lib.briefing.build_slides": ("orgs", "members", "coverage", "outflow", "tickets", "satisfaction", "cadres",
                                  "categories", "outflow_breakdowns", "cadre_breakdowns", "surveys"),
    "lib.narrative.overview_summary": ("orgs", "members", "coverage", "outflow", "tickets", "satisfaction", "cadres",
                                       "categories", "outflow_breakdowns", "cadre_breakdowns", "surveys"),
}


def resolve(name: str) -> Callable | None:
    """Return the function `module.name`, or None when it does not exist (yet)."""
    module, func = name.rsplit(".", 1)
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError):
        return None


def _args(kwargs: dict, ctx: Ctx) -> dict:
    return dict(kwargs)


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return _ms(statistics.median(times))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if platform.system() != "Darwin" else kb / 1024.0 / 1024.0


# ---------------------------------------------------------------- database

BUILD_INFO: dict = {}


def default_url(scale: str) -> str:
    return f"sqlite:///{ROOT / 'bench' / f'{scale}.db'}"


def ensure_demo(url: str, scale: str, *, force: bool = False, log=print) -> tuple[Engine, float | None]:
    """Return an engine on a demo database at `scale`, building it unless it is there; and the build seconds."""
    from lib import summaries

    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            from sqlalchemy import select

            from lib import schema

            found = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "demo_scale")).scalar()
            ready = summaries.is_ready(conn)
        if found == scale and not ready and db.is_demo(engine) and not force:  # built before these summaries
            log("为已有的演示数据库生成汇总表…")
            # in a child process, like the build: its memory is not the app's
            import subprocess

            subprocess.run([sys.executable, "-m", "lib.cli", "refresh", "--db",
                            engine.url.render_as_string(hide_password=False)], cwd=ROOT, check=True)
            ready = True
        if found == scale and ready and db.is_demo(engine) and not force:
            log(f"复用已有的 {scale} 规模演示数据库：{engine.url.render_as_string(hide_password=True)}")
            ensure_indexes(engine, log=log)
            return engine, None
        if not db.is_demo(engine) and sum(db.row_counts(engine).values()) and not force:
            raise SystemExit("该数据库中已有非演示数据，基准测试不会覆盖它；请换一个 --db 或加 --force。")
    except SystemExit:
        raise
    except Exception:  # noqa: BLE001 - no schema yet: build
        pass
    log(f"正在生成 {scale} 规模演示数据（{engine.url.render_as_string(hide_password=True)}）…")
    # in a child process, so its time and peak memory are its own and do not count as the app's
    import subprocess

    started = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    subprocess.run([sys.executable, "-m", "lib.cli", "demo", "--scale", scale, "--force", "--db",
                    engine.url.render_as_string(hide_password=False)], cwd=ROOT, check=True)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_mb = usage.ru_maxrss / 1024.0
    BUILD_INFO.update(seconds=seconds, peak_mb=child_mb if child_mb > before / 1024.0 else None,
                      cpu_s=usage.ru_utime + usage.ru_stime - cpu_before)
    engine.dispose()
    return engine, seconds


def ensure_indexes(engine: Engine, log=print) -> None:
    """Create the indexes of lib.schema that a database built by an earlier version lacks."""
    from sqlalchemy import inspect

    from lib import schema

    inspector = inspect(engine)
    for table in schema.metadata.sorted_tables:
        have = {ix["name"] for ix in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in have:
                log(f"  创建索引 {index.name}")
                index.create(engine)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


def context(engine: Engine, as_of: date | None = None) -> Ctx:
    """Return the run's context: at `as_of` (default: the data's last day) and on the busiest township."""
    from sqlalchemy import select

    from lib import schema
    from lib.queries.common import latest_date
    from lib.queries.satisfaction import latest_period

    latest = latest_date(engine) or date.today()
    param = as_of.isoformat() if as_of and as_of != latest else None
    as_of = as_of or latest
    with engine.connect() as conn:
        # the busiest township: the one a drill-down is slowest for
        from sqlalchemy import func

        k = schema.ticket
        town = conn.execute(select(k.c.township_code).group_by(k.c.township_code).order_by(func.count().desc()).limit(1)).scalar()
        town = town or conn.execute(select(schema.township.c.code).limit(1)).scalar()
    return Ctx(engine, as_of, town, latest_period(engine, scope=Scope.all(), as_of=as_of), param)


# ---------------------------------------------------------------- page queries

@dataclass
class QueryTime:
    name: str
    label: str
    uncached_ms: float | None


@dataclass
class PageResult:
    page: str
    queries: list[QueryTime] = field(default_factory=list)
    uncached_ms: float | None = None
    aggregates_ms: float | None = None  # uncached time of the queries the references also compute (not SETUP)
    warm_ms: float | None = None
    apptest_cold_ms: float | None = None
    apptest_warm_ms: float | None = None
    apptest_error: str | None = None
    pandas_ms: float | None = None
    duckdb_ms: float | None = None
    domains: tuple[str, ...] = ()

    @property
    def speedup_vs_pandas(self) -> float | None:
        return self.pandas_ms / self.aggregates_ms if self.pandas_ms and self.aggregates_ms else None

    @property
    def ratio_vs_duckdb(self) -> float | None:
        return self.aggregates_ms / self.duckdb_ms if self.duckdb_ms and self.aggregates_ms else None


def _label(name: str, kwargs: dict, ctx: Ctx) -> str:
    short = name.replace("lib.queries.", "")
    extra = []
    for k, v in kwargs.items():
        if k == "as_of" and v != ctx.as_of:
            extra.append("上年同期" if v == minus_years(ctx.as_of, 1) else f"截至 {v}")
        elif k == "scope" and isinstance(v, Scope) and not v.is_all:
            extra.append("单个乡镇" if len(v.townships) == 1 else f"{len(v.townships)} 个乡镇")
        elif k == "by_township" and v:
            extra.append("分乡镇")
        elif k in ("by", "level", "kind", "limit", "section_only", "lang") and v is not None:
            extra.append(f"{k}={v}")
    return short + (f"（{'，'.join(extra)}）" if extra else "")


def measure_queries(ctx: Ctx, pages: dict[str, list], repeat: int, log=None) -> dict[str, PageResult]:
    """Time every page's query functions uncached, the page's queries together uncached and warm."""
    from lib import cached

    results = {}
    for page, entries in pages.items():
        if log:
            log(f"  {page}")
        calls = [(name, resolve(name), kwargs) for name, kwargs in entries]
        calls = [(n, f, kw) for n, f, kw in calls if f is not None]
        result = PageResult(page, domains=tuple(sorted({d for n, _, _ in calls for d in DOMAINS.get(n, ())})))
        ok = []
        for name, fn, kwargs in calls:
            args = _args(kwargs, ctx)
            try:
                fn(ctx.engine, **args)
            except Exception as exc:  # noqa: BLE001 - a registry entry out of date: report it, measure the rest
                result.queries.append(QueryTime(name, f"{_label(name, kwargs, ctx)} 出错：{type(exc).__name__}: {exc}"[:160], None))
                continue
            ok.append((name, fn, kwargs))
            result.queries.append(QueryTime(name, _label(name, kwargs, ctx),
                                            median_ms(lambda: fn(ctx.engine, **args), repeat)))
        calls = ok

        def page_uncached():
            for _, fn, kwargs in calls:
                fn(ctx.engine, **_args(kwargs, ctx))

        def page_warm():
            for _, fn, kwargs in calls:
                cached.query(fn, **_args(kwargs, ctx))

        def page_aggregates():
            for name, fn, kwargs in calls:
                if name in DOMAINS:
                    fn(ctx.engine, **_args(kwargs, ctx))

        if calls:
            result.uncached_ms = median_ms(page_uncached, repeat)
            if any(name in DOMAINS for name, _, _ in calls):
                result.aggregates_ms = median_ms(page_aggregates, repeat)
            page_warm()  # fill the cache
            result.warm_ms = median_ms(page_warm, repeat)
        results[page] = result
    return results


# ---------------------------------------------------------------- AppTest

def measure_apptest(results: dict[str, PageResult], ctx: Ctx, timeout: float = 120, only: list[str] | None = None) -> None:
    """Run every pages/*.py (or those in `only`) in AppTest with a cold cache, then warm (same process: shared cache)."""
    import streamlit as st

    # The harness scans installed packages for components on each new AppTest (~0.5 s); a server does it once
    # at start-up. Scan once here and share the result, so the times are the page's own.
    manager = None
    try:
        from streamlit.components.v2.component_manager import BidiComponentManager

        manager = BidiComponentManager()
        manager.discover_and_register_components(start_file_watching=False)
    except Exception:  # noqa: BLE001 - another Streamlit version: leave the harness as it is
        manager = None

    paths = page_files(only)
    if paths:  # imports (plotly, pydeck, ui) happen once per server process: not part of a page's cold run
        try:
            _app_test(paths[0], ctx, timeout, manager).run()
        except Exception:  # noqa: BLE001 - measured (and reported) below
            pass
    for page in paths:
        result = results.setdefault(page, PageResult(page))
        st.cache_data.clear()
        st.cache_resource.clear()
        times = []
        for _ in range(2):
            at = _app_test(page, ctx, timeout, manager)
            started = time.perf_counter()
            try:
                at.run()
            except Exception as exc:  # noqa: BLE001 - a page that times out is reported, not fatal
                result.apptest_error = f"{type(exc).__name__}: {exc}"[:200]
                break
            times.append(_ms(time.perf_counter() - started))
            if at.exception:
                result.apptest_error = str(at.exception[0].message)[:200]
        if len(times) == 2:
            result.apptest_cold_ms, result.apptest_warm_ms = times


# ---------------------------------------------------------------- references

# Columns the naive way reads per table (the columns the aggregates need, not SELECT *: a fair reference).
REF_COLUMNS = {
    "township": ["code", "name"],
    "village": ["township_code"],
    "party_org": ["code", "name", "township_code", "domain", "founded_on"],
    "member": ["org_code", "joined_on"],
    "enterprise": ["credit_code", "name", "township_code", "kind", "industry", "employees_n", "org_code", "instructor",
                   "members_n", "not_built_reason"],
    "outflow": ["id_number", "name", "township_code", "dest_province", "dest_city", "branch_code", "out_on",
                "last_contact_on"],
    "member_contacts": ["id_number", "phone"],
    "ticket": ["township_code", "received_at", "due_at", "closed_at"],
    "survey": ["township_code", "period", "period_end", "respondents_n", "satisfied_n", "basic_satisfied_n"],
    "cadre": ["township_code", "rank", "gender", "birth_date", "education"],
    "petition": ["month", "township_code", "petitions_n", "resolved_n"],
    # the ticket columns the 便民服务 breakdowns and ratings need (read from the ticket table)
    "ticket_services": ["township_code", "station", "category", "received_month", "received_at", "due_at",
                        "closed_at", "rating"],
}
REF_SOURCE = {"ticket_services": "ticket", "member_contacts": "member"}
DOMAIN_TABLES = {
    "orgs": ("township", "village", "party_org"), "members": ("member", "party_org"),
    "coverage": ("enterprise", "party_org"), "outflow": ("outflow",), "tickets": ("ticket",),
    "satisfaction": ("survey",), "cadres": ("cadre",),
    "services": ("ticket_services",), "ratings": ("ticket_services",), "categories": ("ticket_services",),
    "coverage_breakdowns": ("enterprise", "party_org"), "outflow_breakdowns": ("outflow", "party_org", "township"),
    "cadre_breakdowns": ("cadre",), "surveys": ("survey", "township"), "petitions": ("petition", "township"),
    "coverage_lists": ("enterprise", "party_org", "township"), "coverage_year_ago": ("enterprise", "party_org"),
    "outflow_lists": ("outflow", "party_org", "township", "member_contacts"),
}
LIST_LIMIT = 2000  # the lists' default limit (the pages ask for 200; the sort is the work either way)
DATE_COLUMNS = {"founded_on", "joined_on", "out_on", "last_contact_on", "received_at", "due_at", "closed_at", "birth_date",
                "period_end"}


def read_raw(engine: Engine, table: str) -> pd.DataFrame:
    """The naive way's first step: pd.read_sql of the raw rows."""
    from sqlalchemy import select

    from lib import schema

    t = schema.metadata.tables[REF_SOURCE.get(table, table)]
    with engine.connect() as conn:
        frame = pd.read_sql(select(*[t.c[c] for c in REF_COLUMNS[table]]), conn)
    for col in frame.columns:
        if col in DATE_COLUMNS:
            frame[col] = pd.to_datetime(frame[col])
    return frame


def _pandas_domain(domain: str, f: dict[str, pd.DataFrame], as_of: date, period: str | None) -> None:
    """Compute the domain's counts at as_of, for the whole area and per township, with pandas."""
    end = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    cut = pd.Timestamp(as_of)
    if domain == "orgs":
        f["township"].groupby("code").size()
        f["village"].groupby("township_code").size()
        o = f["party_org"][f["party_org"]["founded_on"] <= cut]
        o.assign(flow=o["domain"] == "流动党员").groupby("township_code").agg(n=("code", "size"), flow=("flow", "sum"))
    elif domain == "members":
        m = f["member"][f["member"]["joined_on"] <= cut].merge(f["party_org"][["code", "township_code"]],
                                                                 left_on="org_code", right_on="code")
        m.groupby("township_code").size()
    elif domain == "coverage":
        e = f["enterprise"].merge(f["party_org"][["code", "founded_on"]], left_on="org_code", right_on="code", how="left")
        covered = e["founded_on"].notna() & (e["founded_on"] <= cut)
        work = covered | (e["instructor"].notna() & (e["instructor"] != ""))
        e.assign(np_=e["kind"] == "非公企业", cov=covered & (e["kind"] == "非公企业"), work=work,
                 sb=(e["members_n"] >= 3) & ~covered).groupby("township_code")[["np_", "cov", "work", "sb"]].sum()
    elif domain == "outflow":
        o = f["outflow"][f["outflow"]["out_on"] <= cut]
        risk = o["last_contact_on"].isna() | (o["last_contact_on"] < pd.Timestamp(minus_months(as_of, 6)))
        o.assign(risk=risk).groupby("township_code").agg(n=("risk", "size"), risk=("risk", "sum"))
    elif domain == "tickets":
        k = f["ticket"]
        k = k[k["received_at"] < end]
        this_year = k["received_at"] >= pd.Timestamp(as_of.year, 1, 1)
        closed = k["closed_at"].notna() & (k["closed_at"] < end)
        k.assign(n=this_year, on_time=this_year & closed & (k["closed_at"] <= k["due_at"]),
                 base=this_year & (closed | (k["due_at"] < end)), overdue=~closed & (k["due_at"] < end)) \
            .groupby("township_code")[["n", "on_time", "base", "overdue"]].sum()
    elif domain == "services":
        k = f["ticket_services"]
        k = k[k["received_at"] < end]
        this_year = k["received_at"] >= pd.Timestamp(as_of.year, 1, 1)
        closed = k["closed_at"].notna() & (k["closed_at"] < end)
        on_time = closed & (k["closed_at"] <= k["due_at"])
        base = closed | (k["due_at"] < end)
        flags = k.assign(n=this_year, on_time=this_year & on_time, base=this_year & base, open=~closed,
                         overdue=~closed & (k["due_at"] < end))
        cols = ["n", "on_time", "base", "open", "overdue"]
        flags.groupby("township_code")[cols].sum()
        flags.groupby(["station", "township_code"])[cols].sum()
        window = k["received_at"] >= pd.Timestamp(minus_months(as_of.replace(day=1), 11))
        k[window].groupby(["received_month", "category"]).size()
        k[window].assign(on_time=on_time[window], base=base[window]).groupby("received_month")[["on_time", "base"]].sum()
        k[this_year].groupby(["category", "township_code"]).size()
        c = k[this_year & closed]
        days = (c["closed_at"].dt.normalize() - c["received_at"].dt.normalize()).dt.days
        c.assign(d=days).groupby(["category", "d"]).size()
        sorted(k["category"].unique())
    elif domain == "ratings":
        k = f["ticket_services"]
        r = k[k["rating"].notna() & k["closed_at"].notna() & (k["closed_at"] < end)]
        r.assign(high=r["rating"] >= 4).groupby("received_month").agg(n=("rating", "size"), s=("rating", "sum"),
                                                                      h=("high", "sum"))
    elif domain == "categories":
        k = f["ticket_services"]
        k[(k["received_at"] >= pd.Timestamp(as_of.year, 1, 1)) & (k["received_at"] < end)].groupby("category").size()
    elif domain == "coverage_breakdowns":
        e = f["enterprise"][f["enterprise"]["kind"] == "非公企业"].merge(
            f["party_org"][["code", "founded_on"]], left_on="org_code", right_on="code", how="left")
        covered = e["founded_on"].notna() & (e["founded_on"] <= cut)
        flags = e.assign(cov=covered, work=covered | (e["instructor"].notna() & (e["instructor"] != "")),
                         sb=(e["members_n"] >= 3) & ~covered,
                         band=pd.cut(e["employees_n"], [-1, 49, 99, 499, 10**9], labels=False))
        for key in ("township_code", "industry", "band"):
            flags.groupby(key)[["cov", "work", "sb"]].agg(["size", "sum"])
        c = e[covered]
        c.groupby([c["founded_on"].dt.year, c["founded_on"].dt.month]).size()
    elif domain == "coverage_year_ago":  # the totals a year earlier (the KPI cards' comparison)
        e = f["enterprise"][f["enterprise"]["kind"] == "非公企业"].merge(
            f["party_org"][["code", "founded_on"]], left_on="org_code", right_on="code", how="left")
        covered = e["founded_on"].notna() & (e["founded_on"] <= pd.Timestamp(minus_years(as_of, 1)))
        e.assign(cov=covered, work=covered | (e["instructor"].notna() & (e["instructor"] != "")),
                 sb=(e["members_n"] >= 3) & ~covered)[["cov", "work", "sb"]].agg(["size", "sum"])
    elif domain == "outflow_breakdowns":
        o = f["outflow"][f["outflow"]["out_on"] <= cut]
        o = o.assign(risk=o["last_contact_on"].isna() | (o["last_contact_on"] < pd.Timestamp(minus_months(as_of, 6))))
        (len(o), o["risk"].sum(), o["branch_code"].notna().sum(), o[["dest_province", "dest_city"]].drop_duplicates().shape,
         o["dest_province"].nunique())
        o.groupby(["township_code", "dest_province", "dest_city"]).size().sort_values(ascending=False).head(2000)
        o.groupby(["dest_province", "dest_city"])["risk"].agg(["size", "sum"]).sort_values("size", ascending=False)
        f["township"].merge(o.groupby("township_code")["risk"].agg(["size", "sum"]), left_on="code",
                            right_index=True, how="left")
        b = f["party_org"][(f["party_org"]["domain"] == "流动党员") & (f["party_org"]["founded_on"] <= cut)]
        b.merge(o.groupby("branch_code")["risk"].agg(["size", "sum"]), left_on="code", right_index=True, how="left")
    elif domain == "coverage_lists":
        e = f["enterprise"].merge(f["party_org"][["code", "founded_on"]].rename(columns={"code": "org"}),
                                  left_on="org_code", right_on="org", how="left")
        covered = e["founded_on"].notna() & (e["founded_on"] <= cut)
        s = e[(e["members_n"] >= 3) & ~covered & (e["kind"] == "非公企业")]
        s = s.merge(f["township"].rename(columns={"code": "t", "name": "township_name"}), left_on="township_code",
                    right_on="t")
        s.sort_values(["members_n", "employees_n", "credit_code"], ascending=[False, False, True]).head(LIST_LIMIT)
    elif domain == "outflow_lists":
        o = f["outflow"][f["outflow"]["out_on"] <= cut]
        o = o[o["last_contact_on"].isna() | (o["last_contact_on"] < pd.Timestamp(minus_months(as_of, 6)))]
        o = (o.merge(f["township"].rename(columns={"code": "t", "name": "township_name"}), left_on="township_code",
                     right_on="t")
             .merge(f["party_org"][["code", "name"]].rename(columns={"code": "b", "name": "branch_name"}),
                    left_on="branch_code", right_on="b", how="left")
             .merge(f["member_contacts"], on="id_number", how="left"))
        o.assign(contacted=o["last_contact_on"].notna()).sort_values(
            ["contacted", "last_contact_on", "out_on", "township_code", "id_number"]).head(LIST_LIMIT)
    elif domain == "cadre_breakdowns":
        c = f["cadre"][f["cadre"]["rank"].isin(["正科", "副科"]) & (f["cadre"]["birth_date"] <= cut)]
        b = c["birth_date"]
        age = (as_of.year - b.dt.year) - ((b.dt.month * 100 + b.dt.day) > as_of.month * 100 + as_of.day)
        c = c.assign(age=age.clip(20, 65), young=age <= 40, ba=c["education"].isin(["大学本科", "研究生"]),
                     unit=c["township_code"].isna(), band=pd.cut(age, [0, 35, 40, 45, 50, 55, 200], labels=False))
        c.groupby("unit")[["young", "ba"]].agg(["size", "sum"])
        c.groupby(["gender", "unit"]).size()
        c.groupby(["gender", "age"]).size()
        c.groupby("band").size()
        c.groupby("education").size()
        c.groupby(["rank", "unit"]).size()
        c.groupby("township_code", dropna=False)[["young", "ba"]].agg(["size", "sum"])
    elif domain == "surveys":
        s = f["survey"][f["survey"]["period_end"] <= cut]
        s.groupby("period")[["respondents_n", "satisfied_n", "basic_satisfied_n"]].sum()
        s.merge(f["township"], left_on="township_code", right_on="code").sort_values(["period", "township_code"])
    elif domain == "petitions":
        p = f["petition"][f["petition"]["month"] <= as_of.strftime("%Y-%m")]
        p.groupby("month")[["petitions_n", "resolved_n"]].sum()
        f["township"].merge(p.groupby("township_code")[["petitions_n", "resolved_n"]].sum(), left_on="code",
                            right_index=True, how="left")
    elif domain == "satisfaction":
        s = f["survey"][f["survey"]["period"] == (period or "")]
        s.groupby("township_code")[["respondents_n", "satisfied_n", "basic_satisfied_n"]].sum()
    elif domain == "cadres":
        c = f["cadre"][f["cadre"]["rank"].isin(["正科", "副科"]) & (f["cadre"]["birth_date"] <= cut)]
        c.assign(young=c["birth_date"] > pd.Timestamp(minus_years(as_of, 41)),
                 ba=c["education"].isin(["大学本科", "研究生"])).groupby("township_code", dropna=False)[["young", "ba"]].sum()


def _duckdb_sql(domain: str, as_of: date, period: str | None) -> list[str]:
    """The same aggregates in DuckDB SQL (per township; the whole-area row is their sum)."""
    end = (as_of + timedelta(days=1)).isoformat()
    d = as_of.isoformat()
    y0 = date(as_of.year, 1, 1).isoformat()
    if domain == "orgs":
        return ["SELECT code, count(*) FROM township GROUP BY code",
                "SELECT township_code, count(*) FROM village GROUP BY township_code",
                f"SELECT township_code, count(*), count(*) FILTER (WHERE domain = '流动党员') FROM party_org "
                f"WHERE founded_on <= DATE '{d}' GROUP BY township_code"]
    if domain == "members":
        return [f"SELECT o.township_code, count(*) FROM member m JOIN party_org o ON m.org_code = o.code "
                f"WHERE m.joined_on <= DATE '{d}' GROUP BY o.township_code"]
    if domain == "coverage":
        cov = f"(o.code IS NOT NULL AND o.founded_on <= DATE '{d}')"
        return [f"SELECT e.township_code, count(*) FILTER (WHERE kind = '非公企业'), "
                f"count(*) FILTER (WHERE kind = '非公企业' AND {cov}), "
                f"count(*) FILTER (WHERE {cov} OR coalesce(instructor, '') <> ''), "
                f"count(*) FILTER (WHERE members_n >= 3 AND NOT {cov}) "
                f"FROM enterprise e LEFT JOIN party_org o ON e.org_code = o.code GROUP BY e.township_code"]
    if domain == "outflow":
        cut = minus_months(as_of, 6).isoformat()
        return [f"SELECT township_code, count(*), count(*) FILTER (WHERE last_contact_on IS NULL OR "
                f"last_contact_on < DATE '{cut}') FROM outflow WHERE out_on <= DATE '{d}' GROUP BY township_code"]
    if domain == "tickets":
        closed = f"(closed_at IS NOT NULL AND closed_at < TIMESTAMP '{end}')"
        year = f"received_at >= TIMESTAMP '{y0}'"
        return [f"SELECT township_code, count(*) FILTER (WHERE {year}), "
                f"count(*) FILTER (WHERE {year} AND {closed} AND closed_at <= due_at), "
                f"count(*) FILTER (WHERE {year} AND ({closed} OR due_at < TIMESTAMP '{end}')), "
                f"count(*) FILTER (WHERE NOT {closed} AND due_at < TIMESTAMP '{end}') "
                f"FROM ticket WHERE received_at < TIMESTAMP '{end}' GROUP BY township_code"]
    if domain in ("services", "ratings"):
        closed = f"(closed_at IS NOT NULL AND closed_at < TIMESTAMP '{end}')"
        if domain == "ratings":
            return [f"SELECT received_month, count(*), sum(rating), count(*) FILTER (WHERE rating >= 4) "
                    f"FROM ticket_services WHERE rating IS NOT NULL AND {closed} GROUP BY received_month"]
        year = f"received_at >= TIMESTAMP '{y0}'"
        w0 = minus_months(as_of.replace(day=1), 11).isoformat()
        on_time, base = f"({closed} AND closed_at <= due_at)", f"({closed} OR due_at < TIMESTAMP '{end}')"
        volume = (f"count(*) FILTER (WHERE {year}), count(*) FILTER (WHERE {year} AND {on_time}), "
                  f"count(*) FILTER (WHERE {year} AND {base}), count(*) FILTER (WHERE NOT {closed}), "
                  f"count(*) FILTER (WHERE NOT {closed} AND due_at < TIMESTAMP '{end}')")
        recv = f"received_at < TIMESTAMP '{end}'"
        return [f"SELECT township_code, {volume} FROM ticket_services WHERE {recv} GROUP BY township_code",
                f"SELECT station, township_code, {volume} FROM ticket_services WHERE {recv} GROUP BY 1, 2",
                f"SELECT received_month, category, count(*) FROM ticket_services WHERE {recv} "
                f"AND received_at >= TIMESTAMP '{w0}' GROUP BY 1, 2",
                f"SELECT received_month, count(*) FILTER (WHERE {on_time}), count(*) FILTER (WHERE {base}) "
                f"FROM ticket_services WHERE {recv} AND received_at >= TIMESTAMP '{w0}' GROUP BY 1",
                f"SELECT category, township_code, count(*) FROM ticket_services WHERE {recv} AND {year} GROUP BY 1, 2",
                f"SELECT category, date_diff('day', CAST(received_at AS DATE), CAST(closed_at AS DATE)) AS d, count(*) "
                f"FROM ticket_services WHERE {recv} AND {year} AND {closed} GROUP BY 1, 2",
                f"SELECT DISTINCT category FROM ticket_services WHERE {recv} ORDER BY 1"]
    if domain == "categories":
        return [f"SELECT category, count(*) FROM ticket_services WHERE received_at >= TIMESTAMP '{y0}' "
                f"AND received_at < TIMESTAMP '{end}' GROUP BY 1 ORDER BY 2 DESC"]
    if domain == "coverage_breakdowns":
        cov = f"(o.code IS NOT NULL AND o.founded_on <= DATE '{d}')"
        counts = (f"count(*), count(*) FILTER (WHERE {cov}), count(*) FILTER (WHERE {cov} OR coalesce(instructor, '') <> ''), "
                  f"count(*) FILTER (WHERE members_n >= 3 AND NOT {cov})")
        base = "FROM enterprise e LEFT JOIN party_org o ON e.org_code = o.code WHERE e.kind = '非公企业'"
        band = "CASE WHEN employees_n < 50 THEN 0 WHEN employees_n < 100 THEN 1 WHEN employees_n < 500 THEN 2 ELSE 3 END"
        return [f"SELECT e.township_code, {counts} {base} GROUP BY 1", f"SELECT industry, {counts} {base} GROUP BY 1",
                f"SELECT {band}, {counts} {base} GROUP BY 1",
                f"SELECT year(o.founded_on), month(o.founded_on), count(*) FROM enterprise e JOIN party_org o "
                f"ON e.org_code = o.code WHERE e.kind = '非公企业' AND o.founded_on <= DATE '{d}' GROUP BY 1, 2 ORDER BY 1, 2"]
    if domain == "coverage_year_ago":
        cov = f"(o.code IS NOT NULL AND o.founded_on <= DATE '{minus_years(as_of, 1).isoformat()}')"
        return [f"SELECT count(*), count(*) FILTER (WHERE {cov}), count(*) FILTER (WHERE {cov} OR coalesce(instructor, '') "
                f"<> ''), count(*) FILTER (WHERE members_n >= 3 AND NOT {cov}) FROM enterprise e LEFT JOIN party_org o "
                f"ON e.org_code = o.code WHERE e.kind = '非公企业'"]
    if domain == "outflow_breakdowns":
        cut = minus_months(as_of, 6).isoformat()
        risk = f"count(*) FILTER (WHERE last_contact_on IS NULL OR last_contact_on < DATE '{cut}')"
        left = f"out_on <= DATE '{d}'"
        return [f"SELECT count(*), {risk}, count(branch_code), count(DISTINCT dest_province || '|' || dest_city), "
                f"count(DISTINCT dest_province) FROM outflow WHERE {left}",
                f"SELECT township_code, dest_province, dest_city, count(*) FROM outflow WHERE {left} GROUP BY 1, 2, 3 "
                f"ORDER BY 4 DESC LIMIT 2000",
                f"SELECT dest_province, dest_city, count(*), {risk} FROM outflow WHERE {left} GROUP BY 1, 2 ORDER BY 3 DESC",
                f"SELECT t.code, t.name, count(f.township_code), count(f.township_code) FILTER (WHERE f.last_contact_on IS NULL "
                f"OR f.last_contact_on < DATE '{cut}') FROM township t LEFT JOIN outflow f ON f.township_code = t.code "
                f"AND f.{left} GROUP BY 1, 2 ORDER BY 1",
                f"SELECT o.code, o.name, count(f.branch_code), count(f.branch_code) FILTER (WHERE f.last_contact_on IS NULL "
                f"OR f.last_contact_on < DATE '{cut}') FROM party_org o LEFT JOIN outflow f ON f.branch_code = o.code "
                f"AND f.{left} WHERE o.domain = '流动党员' AND o.founded_on <= DATE '{d}' GROUP BY 1, 2 ORDER BY 3 DESC"]
    if domain == "coverage_lists":
        return [f"SELECT e.credit_code, e.name, e.kind, e.industry, e.township_code, t.name, e.employees_n, e.members_n, "
                f"e.instructor, e.not_built_reason FROM enterprise e LEFT JOIN party_org o ON e.org_code = o.code "
                f"JOIN township t ON t.code = e.township_code WHERE e.kind = '非公企业' AND e.members_n >= 3 "
                f"AND NOT (o.code IS NOT NULL AND o.founded_on <= DATE '{d}') "
                f"ORDER BY e.members_n DESC, e.employees_n DESC, e.credit_code LIMIT {LIST_LIMIT}"]
    if domain == "outflow_lists":
        cut = minus_months(as_of, 6).isoformat()
        return [f"SELECT f.id_number, f.name, f.township_code, t.name, f.dest_province, f.dest_city, f.out_on, o.name, "
                f"f.last_contact_on, m.phone FROM outflow f JOIN township t ON t.code = f.township_code "
                f"LEFT JOIN party_org o ON o.code = f.branch_code LEFT JOIN member_contacts m ON m.id_number = f.id_number "
                f"WHERE f.out_on <= DATE '{d}' AND (f.last_contact_on IS NULL OR f.last_contact_on < DATE '{cut}') "
                f"ORDER BY CASE WHEN f.last_contact_on IS NULL THEN 0 ELSE 1 END, f.last_contact_on, f.out_on, "
                f"f.township_code, f.id_number LIMIT {LIST_LIMIT}"]
    if domain == "cadre_breakdowns":
        age = (f"({as_of.year} - year(birth_date) - CASE WHEN month(birth_date) * 100 + day(birth_date) > "
               f"{as_of.month * 100 + as_of.day} THEN 1 ELSE 0 END)")
        view = f"FROM cadre WHERE rank IN ('正科', '副科') AND birth_date <= DATE '{d}'"
        unit = "township_code IS NULL"
        shares = f"count(*), count(*) FILTER (WHERE {age} <= 40), count(*) FILTER (WHERE education IN ('大学本科', '研究生'))"
        return [f"SELECT {unit}, {shares} {view} GROUP BY 1", f"SELECT gender, {unit}, count(*) {view} GROUP BY 1, 2",
                f"SELECT gender, least(greatest({age}, 20), 65), count(*) {view} GROUP BY 1, 2",
                f"SELECT CASE WHEN {age} <= 35 THEN 0 WHEN {age} <= 40 THEN 1 WHEN {age} <= 45 THEN 2 WHEN {age} <= 50 "
                f"THEN 3 WHEN {age} <= 55 THEN 4 ELSE 5 END, count(*) {view} GROUP BY 1",
                f"SELECT education, count(*) {view} GROUP BY 1", f"SELECT rank, {unit}, count(*) {view} GROUP BY 1, 2",
                f"SELECT township_code, {shares} {view} GROUP BY 1"]
    if domain == "surveys":
        return [f"SELECT period, sum(respondents_n), sum(satisfied_n), sum(basic_satisfied_n) FROM survey "
                f"WHERE period_end <= DATE '{d}' GROUP BY 1 ORDER BY 1",
                f"SELECT s.period, s.township_code, t.name, s.respondents_n, s.satisfied_n, s.basic_satisfied_n FROM survey s "
                f"JOIN township t ON t.code = s.township_code WHERE s.period_end <= DATE '{d}' ORDER BY 1, 2"]
    if domain == "petitions":
        month = as_of.strftime("%Y-%m")
        return [f"SELECT month, sum(petitions_n), sum(resolved_n) FROM petition WHERE month <= '{month}' GROUP BY 1 ORDER BY 1",
                f"SELECT t.code, t.name, sum(p.petitions_n), sum(p.resolved_n) FROM township t LEFT JOIN petition p "
                f"ON p.township_code = t.code AND p.month <= '{month}' GROUP BY 1, 2 ORDER BY 1"]
    if domain == "satisfaction":
        return [f"SELECT township_code, sum(respondents_n), sum(satisfied_n), sum(basic_satisfied_n) FROM survey "
                f"WHERE period = '{period or ''}' GROUP BY township_code"]
    if domain == "cadres":
        young = minus_years(as_of, 41).isoformat()
        return [f"SELECT township_code, count(*), count(*) FILTER (WHERE birth_date > DATE '{young}'), "
                f"count(*) FILTER (WHERE education IN ('大学本科', '研究生')) FROM cadre "
                f"WHERE rank IN ('正科', '副科') AND birth_date <= DATE '{d}' GROUP BY township_code"]
    raise KeyError(domain)


def _page_calls(entries: list, ctx: Ctx) -> list[tuple[str, date]]:
    """Return (domain, as_of) aggregations a page's queries stand for (each once)."""
    out = []
    for name, kwargs in entries:
        if resolve(name) is None:
            continue
        as_of = _args(kwargs, ctx).get("as_of", ctx.as_of)
        for d in DOMAINS.get(name, ()):
            if (d, as_of) not in out:
                out.append((d, as_of))
    return out


def measure_references(ctx: Ctx, results: dict[str, PageResult], pages: dict[str, list], repeat: int, log=print) -> dict:
    """Time the naive pandas way and DuckDB for each page's aggregations; return the per-table read times."""
    import duckdb

    needed = sorted({t for r in results.values() for d in r.domains for t in DOMAIN_TABLES[d]})
    frames, read_ms = {}, {}
    for table in needed:
        started = time.perf_counter()
        frames[table] = read_raw(ctx.engine, table)
        read_ms[table] = _ms(time.perf_counter() - started)
        log(f"  pd.read_sql {table}: {len(frames[table]):,} 行 {read_ms[table]:,.0f} ms")
    con = duckdb.connect()
    for table, frame in frames.items():
        con.register("frame_view", frame)
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM frame_view")
        con.unregister("frame_view")
    for page, result in results.items():
        calls = _page_calls(pages.get(page, []), ctx)
        if not calls:
            continue
        tables = sorted({t for d, _ in calls for t in DOMAIN_TABLES[d]})

        def naive():  # the reads were timed once above (read_ms): add them instead of reading again
            for domain, as_of in calls:
                _pandas_domain(domain, frames, as_of, ctx.period)

        def floor():
            for domain, as_of in calls:
                for sql in _duckdb_sql(domain, as_of, ctx.period):
                    con.execute(sql).fetchall()

        result.pandas_ms = sum(read_ms[t] for t in tables) + median_ms(naive, 1)
        result.duckdb_ms = median_ms(floor, repeat)
    con.close()
    frames.clear()
    gc.collect()
    return read_ms


# ---------------------------------------------------------------- browser

def measure_browser(url: str, port: int = 8661, timeout_s: float = 120, query: str = "") -> float | None:
    """Start the app on `url`, open the overview in headless Chromium, return ms until the last chart is drawn."""
    import shutil

    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists() and not shutil.which("chromium"):
        return None
    from playwright.sync_api import sync_playwright

    from lib import serve

    try:
        with serve.running_app(url, port=port) as base:
            with sync_playwright() as p:
                # Nothing may leave localhost: names other than 127.0.0.1 do not resolve. (Not page.route: routing
                # every request through Playwright made the load itself about a second slower.)
                browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
                page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
                page.goto(base + "/" + query, wait_until="commit")
                # first load: server-side script run and every chart (plotly SVG, deck.gl canvas) drawn
                page.wait_for_function("""() => { const a = document.querySelector('[data-testid="stApp"]');
                    return a && a.getAttribute('data-test-script-state') === 'notRunning'
                      && document.querySelectorAll('.js-plotly-plot .main-svg').length > 0
                      && document.querySelectorAll('canvas').length > 0; }""", timeout=timeout_s * 1000)
                drawn = page.evaluate("() => performance.now()")
                browser.close()
                return float(drawn)
    except serve.AppDidNotStart:
        return None


# ---------------------------------------------------------------- report

BUDGETS = {"uncached_ms": 300, "warm_ms": 30, "apptest_cold_ms": 1500, "apptest_warm_ms": 500, "rss_mb": 600,
           "speedup": 20, "duckdb_ratio": 3}


def _f(value, fmt="{:,.0f}") -> str:
    return "—" if value is None else fmt.format(value)


def summary_values(results: dict[str, PageResult], rss_mb: float) -> dict[str, Any]:
    rs = list(results.values())

    def worst(attr):
        vals = [getattr(r, attr) for r in rs if getattr(r, attr) is not None]
        return round(max(vals)) if vals else None

    speedups = [r.speedup_vs_pandas for r in rs if r.speedup_vs_pandas]
    ratios = [r.ratio_vs_duckdb for r in rs if r.ratio_vs_duckdb]
    return {
        "worst_page_uncached_ms": worst("uncached_ms"), "worst_page_warm_ms": worst("warm_ms"),
        "worst_apptest_cold_ms": worst("apptest_cold_ms"), "worst_apptest_warm_ms": worst("apptest_warm_ms"),
        "min_speedup_vs_pandas": round(min(speedups), 1) if speedups else None,
        "max_ratio_vs_duckdb": round(max(ratios), 2) if ratios else None,
        "peak_rss_mb": round(rss_mb),
    }


def summary_line(scale: str, dialect: str, values: dict) -> str:
    return "SUMMARY " + " ".join([f"scale={scale}", f"dialect={dialect}"] +
                                 [f"{k}={'na' if v is None else v}" for k, v in values.items()])


def report(*, scale: str, dialect: str, url: str, ctx: Ctx, counts: dict, results: dict[str, PageResult],
           rss_mb: float, build_s: float | None, read_ms: dict, browser_ms: float | None, repeat: int,
           notes: list[str]) -> str:
    """Return the markdown report (the printed table), ending with the SUMMARY line."""
    values = summary_values(results, rss_mb)
    lines = [f"# 基准测试结果：{scale} 规模，{dialect}", "",
             f"- 生成于 {datetime.now():%Y-%m-%d %H:%M}，机器：{platform.machine()}，{os.cpu_count()} 核，"
             f"Python {platform.python_version()}，{platform.system()}",
             f"- 数据库：{dialect}（{url.split('@')[-1] if '@' in url else url.rsplit('/', 1)[-1]}），数据截至 {ctx.as_of}，"
             f"单乡镇视图用 {ctx.township}",
             "- 行数：" + "，".join(f"{k} {v:,}" for k, v in counts.items()),
             f"- 生成演示库用时：{'复用已有数据库' if build_s is None else f'{build_s:,.0f} 秒'}"
             + (f"（其中生成进程 CPU 时间 {BUILD_INFO['cpu_s']:,.0f} 秒）" if BUILD_INFO.get("cpu_s") else "")
             + (f"，生成进程峰值内存 {BUILD_INFO['peak_mb']:,.0f} MB" if BUILD_INFO.get("peak_mb") else ""),
             f"- 无缓存时间为 {repeat} 次的中位数；warm 为经 lib.cached（st.cache_data）读取；AppTest 冷启动前清空缓存"
             "（st.cache_data 与 st.cache_resource），热 = 紧接着再跑一次；两者都不含测试框架自身的组件扫描"
             "（每个 AppTest 约 0.5 s，服务器只在启动时做一次）和首次 import。",
             "- 无缓存 = 页面全部查询（含 page_setup 的 latest_date 等）；聚合 = 其中参照也要算的聚合查询，"
             "与参照比较的是聚合这一列。",
             "- pandas 参照：pd.read_sql 读出所需列（含读取时间）再 groupby；DuckDB 参照：同样的聚合在 DuckDB 内存库上"
             "（数据经 pandas 复制进去，不含复制时间）。",
             *[f"- {n}" for n in notes], "",
             "| 页面 | 查询 | 无缓存 ms | warm ms | AppTest 冷 ms | AppTest 热 ms | 聚合 ms | pandas ms | 快于 pandas | DuckDB ms | 相对 DuckDB |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for page, r in results.items():
        speed = r.speedup_vs_pandas
        ratio = r.ratio_vs_duckdb
        lines.append(f"| **{page}** | **合计** | **{_f(r.uncached_ms, '{:,.1f}')}** | {_f(r.warm_ms, '{:,.1f}')} | "
                     f"{_f(r.apptest_cold_ms)} | {_f(r.apptest_warm_ms)} | {_f(r.aggregates_ms, '{:,.1f}')} | {_f(r.pandas_ms)} | "
                     f"{_f(speed, '{:,.0f}×')} | {_f(r.duckdb_ms, '{:,.1f}')} | {_f(ratio, '{:.2f}×')} |")
        for q in r.queries:
            lines.append(f"| | {q.label.replace('|', '/')} | {_f(q.uncached_ms, '{:,.1f}')} | | | | | | | | |")
        if r.apptest_error:
            lines.append(f"| | AppTest 出错：{r.apptest_error.replace('|', '/')} | | | | | | | | | |")
    lines += ["", "预算（issue 6）：每页查询合计无缓存 ≤ 300 ms、warm ≤ 30 ms；AppTest 冷 ≤ 1.5 s、热 ≤ 0.5 s；"
              "内存 ≤ 600 MB；至少快于 pandas 20 倍；不慢于 DuckDB 3 倍。", ""]
    checks = [("worst_page_uncached_ms", "≤", BUDGETS["uncached_ms"]), ("worst_page_warm_ms", "≤", BUDGETS["warm_ms"]),
              ("worst_apptest_cold_ms", "≤", BUDGETS["apptest_cold_ms"]), ("worst_apptest_warm_ms", "≤", BUDGETS["apptest_warm_ms"]),
              ("peak_rss_mb", "≤", BUDGETS["rss_mb"]), ("min_speedup_vs_pandas", "≥", BUDGETS["speedup"]),
              ("max_ratio_vs_duckdb", "≤", BUDGETS["duckdb_ratio"])]
    for key, op, limit in checks:
        v = values[key]
        ok = None if v is None else (v <= limit if op == "≤" else v >= limit)
        lines.append(f"- {key} = {'—' if v is None else v}（预算 {op} {limit}）：{'—' if ok is None else '达标' if ok else '未达标'}")
    big = [r for r in results.values() if r.pandas_ms and r.pandas_ms >= 1000 and r.speedup_vs_pandas]
    small = [r for r in results.values() if r.pandas_ms and r.pandas_ms < 1000 and r.speedup_vs_pandas]
    if big:
        lines.append(f"- 读大表的页面（pandas 参照 ≥ 1 s：{'、'.join(Path(r.page).stem for r in big)}）："
                     f"最少快于 pandas {min(r.speedup_vs_pandas for r in big):,.0f} 倍，"
                     f"相对 DuckDB 最多 {max(r.ratio_vs_duckdb for r in big if r.ratio_vs_duckdb):.2f} 倍")
    if small:
        def per_query(r: PageResult) -> str:
            n = sum(1 for q in r.queries if q.name in DOMAINS)
            return (f"{Path(r.page).stem} {n} 个查询共 {r.aggregates_ms:,.1f} ms（每个约 {r.aggregates_ms / max(n, 1):,.1f} ms），"
                    f"pandas 连读表 {r.pandas_ms:,.0f} ms，快 20 倍须整页 ≤ {r.pandas_ms / BUDGETS['speedup']:,.1f} ms")
        lines.append("- 只读小表的页面（表只有几千到一万多行，pandas 一次读完就能分组；页面读小表汇总 lib.small_summaries）："
                     + "；".join(per_query(r) for r in small))
    lines.append(f"- 进程峰值内存（页面查询与 AppTest 之后、参照计算之前）：{rss_mb:,.0f} MB")
    if read_ms:
        lines.append("- pd.read_sql 读表用时：" + "，".join(f"{t} {ms:,.0f} ms" for t, ms in read_ms.items()))
    lines.append(f"- 浏览器首次加载总览到最后一个图表绘出：{'未测' if browser_ms is None else f'{browser_ms:,.0f} ms'}"
                 "（只报告，不作断言）")
    lines += ["", summary_line(scale, dialect, values)]
    return "\n".join(lines)


def run(*, scale: str, url: str | None = None, repeat: int = 5, apptest: bool = True, references: bool = True,
        browser: bool | None = None, out_dir: Path | None = None, force: bool = False, port: int = 8661,
        notes: list[str] | None = None, pages: list[str] | None = None, as_of: date | None = None,
        log=print) -> tuple[str, dict]:
    """Run the benchmark; return (report text, summary values). Writes bench/results-<scale>-<dialect>.md
    (…-<as_of>.md when `as_of` is given).

    `pages` restricts the run to some pages (file paths or names like 'overview'); default: all. `as_of`
    opens every page at that date (default: the data's last day, the page's default view).
    """
    url = url or default_url(scale)
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    engine, build_s = ensure_demo(url, scale, force=force, log=log)
    if build_s is not None:
        log(f"演示数据生成用时 {build_s:,.1f} 秒（CPU {BUILD_INFO.get('cpu_s', 0):,.0f} 秒），"
            f"生成进程峰值内存 {BUILD_INFO.get('peak_mb') or 0:,.0f} MB")
    os.environ["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    dialect = engine.dialect.name
    ctx = context(engine, as_of)
    counts = db.row_counts(engine)
    log("记录每个页面的查询（AppTest 运行一次）…")
    registry = discover_calls(ctx, page_files(pages))
    log("测量页面查询…")
    results = measure_queries(ctx, registry, repeat, log=log)
    if apptest:
        log("AppTest 运行每个页面（冷、热）…")
        measure_apptest(results, ctx, only=pages)
    rss = peak_rss_mb()
    read_ms = {}
    if references:
        log("参照：pandas 与 DuckDB…")
        read_ms = measure_references(ctx, results, registry, repeat, log=log)
    if browser is None:
        browser = scale != "district"
    query = f"?as_of={ctx.as_of_param}" if ctx.as_of_param else ""
    browser_ms = measure_browser(os.environ["DATABASE_URL"], port=port, query=query) if browser else None
    text = report(scale=scale, dialect=dialect, url=url, ctx=ctx, counts=counts, results=results, rss_mb=rss,
                  build_s=build_s, read_ms=read_ms, browser_ms=browser_ms, repeat=repeat, notes=notes or [])
    out_dir = out_dir or ROOT / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    suffix = f"-{ctx.as_of_param}" if ctx.as_of_param else ""
    (out_dir / f"results-{scale}-{dialect}{suffix}.md").write_text(text + "\n", encoding="utf-8")
    return text, summary_values(results, rss)
