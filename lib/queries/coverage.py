"""Coverage of "两新" organizations: organization coverage, work coverage, 应建未建.

The 两新覆盖 page reads `coverage_structure` once (every township, the scope's totals now and a year earlier, by
industry and size, organizations founded by month) and the 应建未建 list. The whole area reads the coverage summaries
(lib.small_summaries); a set of townships, or a database whose summaries are not maintained, aggregates the
enterprises. The *_raw functions are the definitions tests/test_small_summaries.py holds the fast paths to.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Date, Engine, Integer, and_, or_

from lib import db, schema as T
from lib.queries.common import count_if, frame, frame_in_order, read, read_rows, summary_select, townships_select
from lib.rules import SHOULD_BUILD_MIN_MEMBERS, SIZE_BAND_STARTS, SIZE_BANDS, minus_years
from lib.scope import Scope


def _covered(as_of: date):
    """An enterprise is organizationally covered when its organization exists at as_of."""
    return and_(T.party_org.c.code.is_not(None), T.party_org.c.founded_on <= as_of)


def _work_covered(as_of: date):
    """Work coverage: organization coverage, or a party-building instructor is assigned."""
    e = T.enterprise
    return or_(_covered(as_of), and_(e.c.instructor.is_not(None), e.c.instructor != ""))


SUMMARY_COLUMNS = ["nonpublic_n", "nonpublic_with_org_n", "nonpublic_work_covered_n", "social_orgs_n",
                   "social_with_org_n", "social_work_covered_n", "should_build_not_built_n"]


def coverage_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return counts of non-public enterprises and social organizations, covered, work-covered, should-build
    (one row, or one per township with enterprises, by code). From the summaries when they are maintained."""
    where = {} if scope.is_all else {"value": list(scope.townships)}
    with db.reading(engine) as conn:
        found = _counts(conn, {"township": [as_of]}, {"kind": ["非公企业", "社会组织"], **where})
    if found is None:
        return coverage_summary_raw(engine, scope=scope, as_of=as_of, by_township=by_township)
    towns: dict[str, list[int]] = {}
    for (_, kind, code), (counts,) in found["township"].items():
        row = towns.setdefault(code, [0] * len(SUMMARY_COLUMNS))
        n, with_org, work, should = counts
        first = 0 if kind == "非公企业" else 3
        row[first:first + 3] = [n, with_org, work]
        row[6] += should
    if by_township:
        return frame(["township_code", *SUMMARY_COLUMNS], [(code, *towns[code]) for code in sorted(towns)])
    return frame(SUMMARY_COLUMNS, [tuple(sum(r[i] for r in towns.values()) for i in range(len(SUMMARY_COLUMNS)))])


def coverage_summary_raw(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """coverage_summary aggregated from the enterprises (the definition the summary must equal)."""
    e, o = T.enterprise, T.party_org
    nonpublic, social = e.c.kind == "非公企业", e.c.kind == "社会组织"
    stmt = summary_select(e.c.township_code, [
        count_if(nonpublic, "nonpublic_n"),
        count_if(and_(nonpublic, _covered(as_of)), "nonpublic_with_org_n"),
        count_if(and_(nonpublic, _work_covered(as_of)), "nonpublic_work_covered_n"),
        count_if(social, "social_orgs_n"),
        count_if(and_(social, _covered(as_of)), "social_with_org_n"),
        count_if(and_(social, _work_covered(as_of)), "social_work_covered_n"),
        # 3+ formal members and no organization: should have built one (应建未建)
        count_if(and_(e.c.members_n >= SHOULD_BUILD_MIN_MEMBERS, ~_covered(as_of)), "should_build_not_built_n"),
    ], by_township=by_township).select_from(e.outerjoin(o, e.c.org_code == o.c.code)).where(scope.where(e.c.township_code))
    if by_township:
        stmt = stmt.order_by(e.c.township_code)
    return frame(*read_rows(engine, stmt))


# --- 两新覆盖 page -------------------------------------------------------------------------------

COUNTS = ["enterprises_n", "with_org_n", "work_covered_n", "should_build_n"]


def _counts(conn, dims: dict[str, list[date]], filters: dict, series=None) -> dict[str, dict[tuple, list[tuple]]] | None:
    """Return, per dim, per coverage group (dim, kind, value), the COUNTS at each day of dims[dim], from the
    summaries (None when they are not maintained). The group's static counts and its running totals of covered
    enterprises give: work covered = with an instructor + covered without one; should build = with 3+ formal
    members - covered among them. With `series` ({dim: day}), also per dim 'series' and group its running totals
    of covered enterprises at every month end up to that day: [(month_end, covered), ...]."""
    from lib import small_summaries

    found = small_summaries.counts_at(conn, "coverage", dims, filters, series=series)
    if found is None:
        return None
    out = {}
    for dim, groups in found.items():
        out[dim] = {}
        for key, at in groups.at.items():
            enterprises, instructor, eligible = groups.static[key]
            out[dim][key] = [(enterprises, covered, instructor + covered - covered_instructor, eligible - covered_eligible)
                             for covered, covered_instructor, covered_eligible in at]
    out["series"] = {key: [(day, values[0]) for day, values in ends]
                     for dim in (series or {}) for key, ends in found[dim].series.items()}
    return out


@dataclass(frozen=True)
class CoverageStructure:
    """What the 两新覆盖 page shows of one kind of organization, as plain rows (COUNTS: enterprises_n, with_org_n,
    work_covered_n, should_build_n):

    townships: (township_code, *COUNTS) at as_of of every township of the whole area with such enterprises (the
    page compares them, whatever the scope), by code; totals / totals_year_ago: COUNTS of the scope at as_of and a
    year earlier; industries: (industry, *COUNTS), largest first; sizes: (size_band, *COUNTS) in SIZE_BANDS order;
    founded: (year, month, covered_n): enterprises whose organization was founded that month, up to as_of;
    should_build: the 应建未建 list's first `limit` rows (should_build_list's columns, SHOULD_BUILD_COLUMNS)."""

    townships: tuple
    totals: tuple[int, int, int, int]
    totals_year_ago: tuple[int, int, int, int]
    industries: tuple
    sizes: tuple
    founded: tuple
    should_build: tuple


def coverage_structure(engine: Engine, *, scope: Scope, as_of: date, kind: str, limit: int = 2000) -> CoverageStructure:
    """Return the 两新覆盖 page's data for `kind` (see CoverageStructure): the whole area in one connection from the
    summaries; a set of townships, or a database without maintained summaries, from the enterprises."""
    year_ago = minus_years(as_of, 1)
    found = _structure_from_summary(engine, scope=scope, as_of=as_of, year_ago=year_ago, kind=kind, limit=limit)
    if found is not None:
        return found
    towns = coverage_by_township(engine, scope=Scope.all(), as_of=as_of, kind=kind)
    in_scope = [coverage_by_township(engine, scope=scope, as_of=day, kind=kind) for day in (as_of, year_ago)]
    founded = coverage_founded_by_month_raw(engine, scope=scope, as_of=as_of, kind=kind)
    return CoverageStructure(
        townships=_rows(towns.loc[towns["enterprises_n"] > 0, ["township_code", *COUNTS]]),
        totals=_total(in_scope[0]), totals_year_ago=_total(in_scope[1]),
        industries=_rows(coverage_by_industry_raw(engine, scope=scope, as_of=as_of, kind=kind)),
        sizes=_rows(coverage_by_size_raw(engine, scope=scope, as_of=as_of, kind=kind)),
        founded=_rows(founded[["year", "month", "covered_n"]]),
        should_build=_rows(should_build_list(engine, scope=scope, as_of=as_of, kind=kind, limit=limit)))


def _rows(df: pd.DataFrame) -> tuple:
    return tuple(df.itertuples(index=False, name=None))


def _total(df: pd.DataFrame) -> tuple[int, ...]:
    return tuple(int(df[c].sum()) for c in COUNTS)


def _structure_from_summary(engine: Engine, *, scope: Scope, as_of: date, year_ago: date, kind: str,
                            limit: int) -> CoverageStructure | None:
    from lib import small_summaries

    if not scope.is_all:
        return None
    with db.reading(engine) as conn:
        found = _counts(conn, {"township": [as_of], "industry": [as_of], "size": [as_of], "total": [as_of, year_ago]},
                        {"kind": kind}, series={"total": small_summaries.month_before(as_of)})
        if found is None:
            return None
        _, should_build = read_rows(conn, *_should_build_query(scope, as_of=as_of, kind=kind, limit=limit))
    total = found["total"].get(("total", kind, ""), [(0, 0, 0, 0)] * 2)
    # organizations founded per month: differences of the month-end running totals, the as-of month's to as_of
    ends = found["series"].get(("total", kind, ""), [])
    founded, before = [], 0
    for day, covered in [*ends, (as_of, total[0][1])]:
        if covered > before:
            founded.append((day.year, day.month, covered - before))
        before = covered
    towns = sorted((value, *at[0]) for (_, _, value), at in found["township"].items() if at[0][0])
    industries = sorted(((value, *at[0]) for (_, _, value), at in found["industry"].items()),
                        key=lambda r: (-r[1], r[0]))
    sizes = {value: at[0] for (_, _, value), at in found["size"].items()}
    return CoverageStructure(
        townships=tuple(towns), totals=total[0], totals_year_ago=total[1], industries=tuple(industries),
        sizes=tuple((band, *sizes.get(band, (0, 0, 0, 0))) for band in SIZE_BANDS), founded=tuple(founded),
        should_build=tuple(should_build))


def townships_frame(structure: CoverageStructure, towns: pd.DataFrame) -> pd.DataFrame:
    """Return coverage_by_township of the whole area from a coverage_structure and the townships (code, name, kind:
    common.townships), with zeros for those without such enterprises."""
    return _per_township(zip(towns["code"], towns["name"], towns["kind"]), {row[0]: row[1:] for row in structure.townships})


def _per_township(towns, counts: dict) -> pd.DataFrame:
    """Return coverage_by_township's frame: one row per (code, name, kind) of `towns`, its COUNTS (zeros if none)."""
    zeros = (0,) * len(COUNTS)
    return frame(["township_code", "name", "township_kind", *COUNTS],
                 [(code, name, kind, *counts.get(code, zeros)) for code, name, kind in towns])


def industries_frame(structure: CoverageStructure) -> pd.DataFrame:
    """Return coverage_by_industry from a coverage_structure."""
    return frame(["industry", *COUNTS], list(structure.industries))


def sizes_frame(structure: CoverageStructure) -> pd.DataFrame:
    """Return coverage_by_size from a coverage_structure."""
    return frame(["size_band", *COUNTS], list(structure.sizes))


def should_build_frame(structure: CoverageStructure) -> pd.DataFrame:
    """Return should_build_list from a coverage_structure."""
    return pd.DataFrame(list(structure.should_build), columns=list(SHOULD_BUILD_COLUMNS))


def founded_frame(structure: CoverageStructure) -> pd.DataFrame:
    """Return coverage_founded_by_month from a coverage_structure."""
    out = frame(["year", "month", "covered_n"], list(structure.founded))
    out["enterprises_n"] = structure.totals[0]
    return out.astype({"year": "int64", "month": "int64", "enterprises_n": "int64"})


def _size_band():
    """CASE expression: the size band (从业人员 <50 / 50–99 / 100–499 / 500+) of an enterprise."""
    from sqlalchemy import case

    n = T.enterprise.c.employees_n
    return case(*[(n < start, band) for start, band in zip(SIZE_BAND_STARTS, SIZE_BANDS)], else_=SIZE_BANDS[-1])


def _coverage_counts(group_col, *, scope: Scope, as_of: date, kind: str):
    """Return SELECT group, enterprises_n, with_org_n, work_covered_n, should_build_n for `kind`, grouped by group_col."""
    from sqlalchemy import func, select

    e, o = T.enterprise, T.party_org
    return (select(group_col, func.count().label("enterprises_n"),
                   count_if(_covered(as_of), "with_org_n"),
                   count_if(_work_covered(as_of), "work_covered_n"),
                   count_if(and_(e.c.members_n >= SHOULD_BUILD_MIN_MEMBERS, ~_covered(as_of)), "should_build_n"))
            .select_from(e.outerjoin(o, e.c.org_code == o.c.code))
            .where(scope.where(e.c.township_code), e.c.kind == kind)
            .group_by(group_col))


def coverage_by_township(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """Return one row per township in scope (empty ones too), by code: township_code, name, township_kind and the
    coverage counts of `kind`. From the summaries when they are maintained."""
    where = {} if scope.is_all else {"value": list(scope.townships)}
    with db.reading(engine) as conn:
        found = _counts(conn, {"township": [as_of]}, {"kind": kind, **where})
        _, towns = read_rows(conn, townships_select(scope))
    if found is None:
        return coverage_by_township_raw(engine, scope=scope, as_of=as_of, kind=kind)
    return _per_township((town[:3] for town in towns), {value: at[0] for (_, _, value), at in found["township"].items()})


def coverage_by_township_raw(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """coverage_by_township aggregated from the enterprises."""
    e = T.enterprise
    names, rows = read_rows(engine, _coverage_counts(e.c.township_code.label("township_code"), scope=scope,
                                                     as_of=as_of, kind=kind))
    found = {row[0]: row[1:] for row in rows}
    _, towns = read_rows(engine, townships_select(scope))
    return _per_township((town[:3] for town in towns), found)


def coverage_by_industry(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """Return industry and the coverage counts of `kind` per industry (行业), largest first."""
    if not scope.is_all:  # read as the structure would, without its whole-area parts
        return coverage_by_industry_raw(engine, scope=scope, as_of=as_of, kind=kind)
    return industries_frame(coverage_structure(engine, scope=scope, as_of=as_of, kind=kind))


def coverage_by_industry_raw(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """coverage_by_industry aggregated from the enterprises."""
    e = T.enterprise
    stmt = _coverage_counts(e.c.industry.label("industry"), scope=scope, as_of=as_of, kind=kind)
    names, rows = read_rows(engine, stmt)
    return frame(names, sorted(rows, key=lambda r: (-int(r[1] or 0), r[0] is None, r[0] or "")))


def coverage_by_size(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """Return one row per size band (SIZE_BANDS order, empty bands as zeros) with the coverage counts of `kind`."""
    if not scope.is_all:  # read as the structure would, without its whole-area parts
        return coverage_by_size_raw(engine, scope=scope, as_of=as_of, kind=kind)
    return sizes_frame(coverage_structure(engine, scope=scope, as_of=as_of, kind=kind))


def coverage_by_size_raw(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """coverage_by_size aggregated from the enterprises."""
    band = _size_band().label("size_band")
    return frame_in_order(*read_rows(engine, _coverage_counts(band, scope=scope, as_of=as_of, kind=kind)), SIZE_BANDS)


def coverage_founded_by_month(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """Return year, month, covered_n: enterprises of `kind` whose organization was founded that month (up to as_of).

    With `enterprises_n` (all enterprises of `kind` in scope today) on every row, the page accumulates
    these into organization coverage over time.
    """
    if not scope.is_all:  # read as the structure would, without its whole-area parts
        return coverage_founded_by_month_raw(engine, scope=scope, as_of=as_of, kind=kind)
    return founded_frame(coverage_structure(engine, scope=scope, as_of=as_of, kind=kind))


def coverage_founded_by_month_raw(engine: Engine, *, scope: Scope, as_of: date, kind: str) -> pd.DataFrame:
    """coverage_founded_by_month aggregated from the enterprises and their organizations."""
    from sqlalchemy import extract, func, select

    e, o = T.enterprise, T.party_org
    year, month = extract("year", o.c.founded_on), extract("month", o.c.founded_on)
    stmt = (select(year.label("year"), month.label("month"), func.count().label("covered_n"))
            .select_from(e.join(o, e.c.org_code == o.c.code))
            .where(scope.where(e.c.township_code), e.c.kind == kind, o.c.founded_on <= as_of)
            .group_by(year, month).order_by(year, month))
    with db.reading(engine) as conn:
        rows = conn.execute(stmt).fetchall()
        total = conn.execute(select(func.count()).select_from(e)
                             .where(scope.where(e.c.township_code), e.c.kind == kind)).scalar() or 0
    return frame(["year", "month", "covered_n", "enterprises_n"],
                 [(int(y), int(m), n, total) for y, m, n in rows]).astype({"year": "int64", "month": "int64"})


SHOULD_BUILD_COLUMNS = ("credit_code", "name", "kind", "industry", "township_code", "township_name", "employees_n",
                        "members_n", "instructor", "not_built_reason")


def should_build_list(engine: Engine, *, scope: Scope, as_of: date, kind: str | None = None,
                      limit: int = 2000) -> pd.DataFrame:
    """Return the 应建未建 enterprises (≥3 formal members, no organization at as_of), most members first.

    Columns: credit_code, name, kind, industry, township_code, township_name, employees_n, members_n,
    instructor, not_built_reason. At most `limit` rows.
    """
    return read(engine, *_should_build_query(scope, as_of=as_of, kind=kind, limit=limit))


def _should_build_query(scope: Scope, *, as_of: date, kind: str | None, limit: int):
    """The statement of should_build_list and its parameters."""
    params = {"kinds": [kind] if kind else list(T.ENTERPRISE_KINDS), "as_of": as_of, "limit": limit}
    if not scope.is_all:
        params["townships"] = list(scope.townships)
    return _should_build_statement(scope.is_all), params


@functools.lru_cache(maxsize=None)
def _should_build_statement(whole_area: bool):
    """The 应建未建 list as two index ranges (ix_enterprise_kind_org): enterprises without an organization, and those
    whose organization is founded after as_of (an organization code always names an organization: foreign key).
    Bound parameters: kinds, as_of, limit and, unless `whole_area`, townships. Built once."""
    from sqlalchemy import bindparam, select, true, union_all

    e, o, t = T.enterprise, T.party_org, T.township
    in_scope = true() if whole_area else e.c.township_code.in_(bindparam("townships", expanding=True))

    def part(no_organization_yet):
        return (select(*[e.c[c] for c in SHOULD_BUILD_COLUMNS if c != "township_name"], t.c.name.label("township_name"))
                .select_from(e.join(t, e.c.township_code == t.c.code))
                .where(e.c.kind.in_(bindparam("kinds", expanding=True)), e.c.members_n >= SHOULD_BUILD_MIN_MEMBERS,
                       in_scope, no_organization_yet))

    later = select(o.c.code).where(o.c.founded_on > bindparam("as_of", type_=Date))
    rows = union_all(part(e.c.org_code.is_(None)), part(e.c.org_code.in_(later))).subquery()
    return (select(*[rows.c[c] for c in SHOULD_BUILD_COLUMNS])
            .order_by(rows.c.members_n.desc(), rows.c.employees_n.desc(), rows.c.credit_code)
            .limit(bindparam("limit", type_=Integer)))


def should_build_list_raw(engine: Engine, *, scope: Scope, as_of: date, kind: str | None = None,
                          limit: int = 2000) -> pd.DataFrame:
    """should_build_list as the definition: enterprises with 3+ formal members not covered at as_of."""
    from sqlalchemy import select

    e, o, t = T.enterprise, T.party_org, T.township
    stmt = (select(e.c.credit_code, e.c.name, e.c.kind, e.c.industry, e.c.township_code,
                   t.c.name.label("township_name"), e.c.employees_n, e.c.members_n, e.c.instructor,
                   e.c.not_built_reason)
            .select_from(e.outerjoin(o, e.c.org_code == o.c.code).join(t, e.c.township_code == t.c.code))
            .where(scope.where(e.c.township_code), e.c.members_n >= SHOULD_BUILD_MIN_MEMBERS, ~_covered(as_of))
            .order_by(e.c.members_n.desc(), e.c.employees_n.desc(), e.c.credit_code)
            .limit(limit))
    if kind:
        stmt = stmt.where(e.c.kind == kind)
    return read(engine, stmt)
