"""Section-level cadres (科级干部): age and education structure.

The 干部结构 page asks one question, `cadre_structure`: the cadres in view by unit type, gender and age, with
their education and rank; the pyramid, age bands, retirements due and shares follow from it (the functions of
the same names below, also callable with an engine). For the whole area it reads the cadre summaries
(lib.small_summaries: counts at birth-date cut-offs); a set of townships, or a database whose summaries are not
maintained, aggregates the cadres in one GROUP BY. The *_raw functions aggregate each answer from the cadres on
its own: they are the definitions tests/test_small_summaries.py holds the fast paths to.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, func

from lib import db, schema as T
from lib.queries.common import count_if, frame, frame_in_order, read_rows, summary_select
from lib.rules import EDUCATION_GROUPS, minus_years
from lib.scope import Scope


def young_cutoff(as_of: date, age: int = 40) -> date:
    """Return the birth date after which a person is `age` or younger at as_of ("40岁以下" includes 40)."""
    return minus_years(as_of, age + 1)


YOUNG_AGE = 40  # "40岁以下" includes 40 (young_cutoff)
SUMMARY_COLUMNS = ["cadres_n", "cadres_40_or_younger_n", "cadres_bachelor_plus_n"]


def cadre_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return cadres_n, cadres_40_or_younger_n and cadres_bachelor_plus_n of section-level cadres.

    Grouped by township (区直 first, then by code), cadres of district units (区直, no township) form the group
    township_code None. Read from the cadre summaries when they are maintained (else as cadre_summary_raw).
    """
    towns = _township_rows(engine, scope=scope, as_of=as_of, section_only=True)
    if by_township:
        return frame(["township_code", *SUMMARY_COLUMNS], towns)
    return frame(SUMMARY_COLUMNS, [tuple(sum(row[i] for row in towns) for i in range(1, 4))])


def cadre_summary_raw(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """cadre_summary aggregated from the cadres (the definition the summary must equal)."""
    if by_township:
        return frame(["township_code", *SUMMARY_COLUMNS],
                     _township_rows_raw(engine, scope=scope, as_of=as_of, section_only=True))
    c = T.cadre
    stmt = summary_select(c.c.township_code, [
        func.count().label("cadres_n"),
        count_if(c.c.birth_date > young_cutoff(as_of), "cadres_40_or_younger_n"),
        count_if(c.c.education.in_(T.BACHELOR_PLUS), "cadres_bachelor_plus_n"),
    ], by_township=False).where(scope.where(c.c.township_code), c.c.rank.in_(T.SECTION_RANKS), c.c.birth_date <= as_of)
    return frame(*read_rows(engine, stmt))


# --- 干部结构 page -------------------------------------------------------------------------------
# 口径: section-level cadres (正科 + 副科) unless section_only=False (every cadre in the table).
# Ages are whole years at as_of, computed with birth-date cutoffs so the SQL is portable.

AGE_BANDS = ("≤35", "36-40", "41-45", "46-50", "51-55", "56+")
BAND_STARTS = (0, 36, 41, 46, 51, 56)  # the youngest age of each of AGE_BANDS
UNIT_TYPES = ("township", "district")  # 乡镇/街道 (a township is set) and 区直 (no township)
PYRAMID_MIN_AGE, PYRAMID_MAX_AGE = 20, 65  # ages outside are counted at the ends (≤20, ≥65)
RETIREMENT_YEARS = (1, 2, 3)


def retirement_age(gender: str) -> int:
    """Return the retirement age of a cadre of `gender` (settings.toml [rules])."""
    from lib import config

    return int(config.rule("retirement_age_male" if gender == "男" else "retirement_age_female"))


def structure_ages() -> list[int]:
    """Return the ages cadre_structure counts: PYRAMID_MIN_AGE (and younger) up to the pyramid's top or the highest
    retirement age, whichever is higher (and older)."""
    top = max(PYRAMID_MAX_AGE, *(retirement_age(g) for g in T.GENDERS))
    return list(range(PYRAMID_MIN_AGE, top + 1))


def _in_view(scope: Scope, as_of: date, section_only: bool) -> list:
    """Conditions every cadre query shares: scope, born by as_of, and section-level ranks unless all are wanted."""
    c = T.cadre
    conds = [scope.where(c.c.township_code), c.c.birth_date <= as_of]
    if section_only:
        conds.append(c.c.rank.in_(T.SECTION_RANKS))
    return conds


def _age_band(as_of: date):
    from sqlalchemy import case

    b = T.cadre.c.birth_date
    # ≤35 means born after as_of - 36 years, and so on up the bands
    whens = [(b > minus_years(as_of, upper + 1), label) for label, upper in zip(AGE_BANDS[:-1], (35, 40, 45, 50, 55))]
    return case(*whens, else_=AGE_BANDS[-1])


def _age_years(as_of: date, ages: list[int]):
    """CASE expression: age in whole years at as_of, clamped to ages[0]..ages[-1].

    Age a means born after as_of minus a + 1 years. The cut-offs fall as the age rises, so the CASE is nested
    as a binary search: 6 date comparisons a row instead of up to 45 in a flat CASE (3x faster on SQLite).
    """
    from sqlalchemy import case, literal

    b = T.cadre.c.birth_date

    def pick(lo: int, hi: int):  # the age is one of ages[lo..hi]; ages[-1] is the clamp for everyone older
        if lo == hi:
            return literal(ages[lo])
        mid = (lo + hi) // 2
        return case((b > minus_years(as_of, ages[mid] + 1), pick(lo, mid)), else_=pick(mid + 1, hi))

    return pick(0, len(ages) - 1)


def _education_group():
    from sqlalchemy import case

    e = T.cadre.c.education
    return case(*[(e == group, group) for group in EDUCATION_GROUPS[:-1]], else_=EDUCATION_GROUPS[-1])


def _unit_type():
    from sqlalchemy import case

    return case((T.cadre.c.township_code.is_(None), "district"), else_="township")


# --- the structure: one read for the whole page -------------------------------------------------------------

@dataclass(frozen=True)
class CadreStructure:
    """The cadres in view at as_of, as plain rows (the frames are built for what is drawn: age_pyramid, ...).

    ages: (unit_type, gender, age_years, cadres_n) per combination with cadres, ages clamped to structure_ages()
    (the youngest and the oldest also count everyone younger / older), sorted; in_view: (unit_type, gender,
    cadres_n, bachelor_n) per unit type and gender with cadres; education: (education, cadres_n) for every one of
    EDUCATION_GROUPS; ranks: (rank, unit_type, cadres_n) of the ranks with cadres, in CADRE_RANKS order;
    townships: (township_code (None: 区直), cadres_n, cadres_40_or_younger_n, cadres_bachelor_plus_n) of every
    township of the whole area with cadres, whatever the scope (the page compares them), 区直 first then by code."""

    ages: tuple[tuple[str, str, int, int], ...]
    in_view: tuple[tuple[str, str, int, int], ...]
    education: tuple[tuple[str, int], ...]
    ranks: tuple[tuple[str, str, int], ...]
    townships: tuple[tuple[str | None, int, int, int], ...]


def cadre_structure(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> CadreStructure:
    """Return the cadres in view at as_of (section-level unless section_only=False): see CadreStructure. The
    whole area reads the summaries in one statement; a set of townships, or a database without maintained
    summaries, aggregates its cadres in one GROUP BY."""
    found = _structure_from_summary(engine, scope=scope, as_of=as_of, section_only=section_only)
    if found is None:
        found = (*_structure_from_cadres(engine, scope=scope, as_of=as_of, section_only=section_only),
                 _township_rows(engine, scope=Scope.all(), as_of=as_of, section_only=section_only))
    ages, in_view, education, ranks, townships = found
    return CadreStructure(
        ages=tuple(sorted((k + (n,) for k, n in ages.items() if n), key=_unit_first)),
        in_view=tuple(sorted((k + tuple(v) for k, v in in_view.items() if v[0]), key=_unit_first)),
        education=tuple((e, education.get(e, 0)) for e in EDUCATION_GROUPS),
        ranks=tuple(_rank_order([k + (n,) for k, n in ranks.items() if n])),
        townships=tuple(townships))


def _unit_first(row: tuple) -> tuple:
    return (UNIT_TYPES.index(row[0]), *row[1:])


def _rank_order(rows: list[tuple]) -> list[tuple]:
    ranks = {r: i for i, r in enumerate(T.CADRE_RANKS)}
    return sorted(rows, key=lambda r: (ranks.get(r[0], len(ranks)), UNIT_TYPES.index(r[1])))


def _structure_from_cadres(engine: Engine, *, scope: Scope, as_of: date, section_only: bool):
    """The structure's counts from one GROUP BY over the cadres in view."""
    from sqlalchemy import select

    c = T.cadre
    keys = {"unit_type": _unit_type(), "gender": c.c.gender, "age_years": _age_years(as_of, structure_ages()),
            "education": _education_group(), "rank": c.c.rank}
    stmt = (select(*[e.label(k) for k, e in keys.items()], func.count().label("cadres_n"))
            .where(*_in_view(scope, as_of, section_only)).group_by(*keys.values()))
    ages, in_view, education, ranks = {}, {}, {}, {}
    for unit, gender, age, group, rank, n in read_rows(engine, stmt)[1]:
        ages[unit, gender, int(age)] = ages.get((unit, gender, int(age)), 0) + n
        view = in_view.setdefault((unit, gender), [0, 0])
        view[0] += n
        view[1] += n if group in T.BACHELOR_PLUS else 0
        education[group] = education.get(group, 0) + n
        ranks[rank, unit] = ranks.get((rank, unit), 0) + n
    return ages, in_view, education, ranks


def _structure_from_summary(engine: Engine, *, scope: Scope, as_of: date, section_only: bool):
    """The structure's counts and townships from the cadre summaries in one statement (the whole area only; None
    otherwise, or when they are not maintained): the cadres aged a or more at as_of are those born on or before
    minus_years(as_of, a)."""
    from lib import small_summaries

    if not scope.is_all:
        return None
    ages = structure_ages()
    with db.reading(engine) as conn:
        found = small_summaries.counts_at(conn, "cadre", {
            # by unit type and gender: in view (born by as_of), then aged at least each age above the youngest
            "age": [as_of, *[minus_years(as_of, a) for a in ages[1:]]],
            "education": [as_of], "rank": [as_of], "township": [as_of, minus_years(as_of, YOUNG_AGE + 1)],
        }, {"section": [1] if section_only else [0, 1]})
    if found is None:
        return None
    counts, views, education, ranks = {}, {}, {}, {}
    for (_, _, unit, gender, _), at in found["age"].at.items():  # at[i]: (cadres, bachelor+) born by the i-th day
        view = views.setdefault((unit, gender), [0, 0])
        view[0] += at[0][0]
        view[1] += at[0][1]
        at_least = [n for n, _ in at] + [0]
        for i, age in enumerate(ages):
            key = (unit, gender, age)
            counts[key] = counts.get(key, 0) + at_least[i] - at_least[i + 1]
    for (_, _, _, _, group), at in found["education"].at.items():
        education[group] = education.get(group, 0) + at[0][0]
    for (_, _, unit, _, rank), at in found["rank"].at.items():
        ranks[rank, unit] = ranks.get((rank, unit), 0) + at[0][0]
    return counts, views, education, ranks, _by_town(found["township"])


# --- what follows from the structure: pure functions of it, and the same read through an engine ---------------

def age_pyramid(structure: CadreStructure) -> pd.DataFrame:
    """Return gender, age_years, cadres_n (ages clamped to PYRAMID_MIN_AGE..PYRAMID_MAX_AGE), sorted by age then
    gender."""
    counts: dict[tuple[str, int], int] = {}
    for _, gender, age, n in structure.ages:
        key = (gender, min(age, PYRAMID_MAX_AGE))
        counts[key] = counts.get(key, 0) + n
    out = frame(["gender", "age_years", "cadres_n"], sorted(((g, a, n) for (g, a), n in counts.items()),
                                                            key=lambda r: (r[1], r[0])))
    out["age_years"] = out["age_years"].astype("int64")
    return out


def age_bands(structure: CadreStructure) -> pd.DataFrame:
    """Return age_band (AGE_BANDS order, all bands) and cadres_n."""
    bands = [0] * len(AGE_BANDS)
    for _, _, age, n in structure.ages:
        bands[sum(1 for start in BAND_STARTS[1:] if age >= start)] += n
    return frame(["age_band", "cadres_n"], list(zip(AGE_BANDS, bands)))


def education_counts(structure: CadreStructure) -> pd.DataFrame:
    """Return education (研究生, 大学本科, 大专, 中专及以下; all groups) and cadres_n."""
    return frame(["education", "cadres_n"], list(structure.education))


def rank_counts(structure: CadreStructure) -> pd.DataFrame:
    """Return rank, unit_type, cadres_n: ranks in CADRE_RANKS order (only those in view), split by unit type."""
    return frame(["rank", "unit_type", "cadres_n"], list(structure.ranks))


SHARE_COLUMNS = ["unit_type", "cadres_n", "cadres_40_or_younger_n", "cadres_bachelor_plus_n"]


def unit_type_shares(structure: CadreStructure) -> pd.DataFrame:
    """Return unit_type (township, district; both rows), cadres_n, cadres_40_or_younger_n, cadres_bachelor_plus_n."""
    units = {u: [0, 0, 0] for u in UNIT_TYPES}
    for unit, _, age, n in structure.ages:
        units[unit][0] += n
        units[unit][1] += n if age <= YOUNG_AGE else 0
    for unit, _, _, bachelor in structure.in_view:
        units[unit][2] += bachelor
    return frame(SHARE_COLUMNS, [(u, *units[u]) for u in UNIT_TYPES])


RETIRE_COLUMNS = ["gender", "unit_type", "cadres_n", *[f"retire_{n}y_n" for n in RETIREMENT_YEARS], "reached_n"]


def retirements(structure: CadreStructure) -> pd.DataFrame:
    """Return gender, unit_type, cadres_n, retire_1y_n, retire_2y_n, retire_3y_n (cumulative) and reached_n, one row
    per gender and unit type with cadres.

    retire_Ny_n: cadres whose retirement birthday (60 for men, 55 for women by default) falls after as_of
    and no later than N years after it (aged retirement age - N or more, not yet the retirement age);
    reached_n: already at or past retirement age at as_of.
    """
    rows: dict[tuple[str, str], list[int]] = {}
    for unit, gender, age, n in structure.ages:
        retire = retirement_age(gender)
        row = rows.setdefault((gender, unit), [0] * (len(RETIREMENT_YEARS) + 2))
        row[0] += n
        for i, years in enumerate(RETIREMENT_YEARS):
            row[1 + i] += n if retire - years <= age < retire else 0
        row[-1] += n if age >= retire else 0
    return frame(RETIRE_COLUMNS, sorted(k + tuple(v) for k, v in rows.items()))


def cadres_by_age_gender(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return gender, age_years, cadres_n (the age pyramid), sorted by age then gender."""
    return age_pyramid(cadre_structure(engine, scope=scope, as_of=as_of, section_only=section_only))


def cadres_by_age_band(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return age_band (AGE_BANDS order, all bands) and cadres_n."""
    return age_bands(cadre_structure(engine, scope=scope, as_of=as_of, section_only=section_only))


def cadres_by_education(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return education (研究生, 大学本科, 大专, 中专及以下; all groups) and cadres_n."""
    return education_counts(cadre_structure(engine, scope=scope, as_of=as_of, section_only=section_only))


def cadres_by_rank(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return rank, unit_type, cadres_n: ranks in CADRE_RANKS order (only those in view), split by unit type."""
    return rank_counts(cadre_structure(engine, scope=scope, as_of=as_of, section_only=section_only))


def cadre_shares_by_unit_type(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return unit_type (township, district; both rows), cadres_n, cadres_40_or_younger_n, cadres_bachelor_plus_n."""
    return unit_type_shares(cadre_structure(engine, scope=scope, as_of=as_of, section_only=section_only))


def cadre_retirements(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return the retirements due by gender and unit type (see retirements)."""
    return retirements(cadre_structure(engine, scope=scope, as_of=as_of, section_only=section_only))


# --- cadres by township: the whole area's townships compared ----------------------------------------------------

def _by_town(groups) -> list[tuple]:
    """Rows (township_code (None: 区直), cadres, 40 or younger, bachelor+) of the summary's 'township' groups read at
    (as_of, the young cut-off), sections summed, townships with cadres only, 区直 first then by code."""
    towns: dict[str | None, list[int]] = {}
    for (_, _, _, _, value), ((n, bachelor), (older, _)) in groups.at.items():
        town = towns.setdefault(value or None, [0, 0, 0])
        town[0] += n
        town[1] += n - older
        town[2] += bachelor
    return sorted([(code, *v) for code, v in towns.items() if v[0]], key=lambda r: (r[0] is not None, r[0] or ""))


def _township_rows(engine: Engine, *, scope: Scope, as_of: date, section_only: bool) -> list[tuple]:
    """Rows of cadre_shares_by_township: from the summaries (any scope), else from the cadres."""
    from lib import small_summaries

    where = {} if scope.is_all else {"value": list(scope.townships), "unit_type": "township"}
    with db.reading(engine) as conn:
        found = small_summaries.counts_at(conn, "cadre", {"township": [as_of, minus_years(as_of, YOUNG_AGE + 1)]},
                                          {"section": [1] if section_only else [0, 1], **where})
    if found is None:
        return _township_rows_raw(engine, scope=scope, as_of=as_of, section_only=section_only)
    return _by_town(found["township"])


def cadre_shares_by_township(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return township_code (None: 区直), cadres_n, cadres_40_or_younger_n, cadres_bachelor_plus_n per township
    with cadres in view, 区直 first, then by code."""
    return frame(["township_code", *SHARE_COLUMNS[1:]],
                 _township_rows(engine, scope=scope, as_of=as_of, section_only=section_only))


def township_shares(structure: CadreStructure) -> pd.DataFrame:
    """Return cadre_shares_by_township of the whole area from a cadre_structure."""
    return frame(["township_code", *SHARE_COLUMNS[1:]], list(structure.townships))


# --- the definitions: each answer aggregated from the cadres on its own ------------------------------------------

def _counts_by(engine: Engine, group_exprs: dict, *, scope: Scope, as_of: date,
               section_only: bool) -> tuple[list[str], list[tuple]]:
    """Return (names, rows) of cadres_n per combination of `group_exprs` (a few dozen rows at most)."""
    from sqlalchemy import select

    cols = [expr.label(name) for name, expr in group_exprs.items()]
    stmt = (select(*cols, func.count().label("cadres_n")).where(*_in_view(scope, as_of, section_only))
            .group_by(*group_exprs.values()))
    return read_rows(engine, stmt)


def cadres_by_age_gender_raw(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """cadres_by_age_gender aggregated from the cadres."""
    pyramid = list(range(PYRAMID_MIN_AGE, PYRAMID_MAX_AGE + 1))
    names, rows = _counts_by(engine, {"gender": T.cadre.c.gender, "age_years": _age_years(as_of, pyramid)},
                             scope=scope, as_of=as_of, section_only=section_only)
    out = frame(names, sorted(((g, int(age), n) for g, age, n in rows), key=lambda r: (r[1], r[0])))
    out["age_years"] = out["age_years"].astype("int64")
    return out


def cadres_by_age_band_raw(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """cadres_by_age_band aggregated from the cadres."""
    return frame_in_order(*_counts_by(engine, {"age_band": _age_band(as_of)}, scope=scope, as_of=as_of,
                                 section_only=section_only), AGE_BANDS)


def cadres_by_education_raw(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """cadres_by_education aggregated from the cadres."""
    return frame_in_order(*_counts_by(engine, {"education": _education_group()}, scope=scope, as_of=as_of,
                                 section_only=section_only), EDUCATION_GROUPS)


def cadres_by_rank_raw(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """cadres_by_rank aggregated from the cadres."""
    names, rows = _counts_by(engine, {"rank": T.cadre.c.rank, "unit_type": _unit_type()},
                             scope=scope, as_of=as_of, section_only=section_only)
    return frame(names, _rank_order(rows))


def cadre_shares_by_unit_type_raw(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """cadre_shares_by_unit_type aggregated from the cadres."""
    from sqlalchemy import select

    c = T.cadre
    unit = _unit_type()
    stmt = (select(unit.label("unit_type"), func.count().label("cadres_n"),
                   count_if(c.c.birth_date > young_cutoff(as_of), "cadres_40_or_younger_n"),
                   count_if(c.c.education.in_(T.BACHELOR_PLUS), "cadres_bachelor_plus_n"))
            .where(*_in_view(scope, as_of, section_only)).group_by(unit))
    return frame_in_order(*read_rows(engine, stmt), UNIT_TYPES)


def _retires_within(as_of: date, years: int):
    """Condition: the cadre reaches retirement age after as_of and at most `years` years after it."""
    from sqlalchemy import or_

    c = T.cadre
    parts = []
    for gender in T.GENDERS:
        age = retirement_age(gender)
        # birthday number `age` falls in (as_of, as_of + years]
        parts.append(and_(c.c.gender == gender, c.c.birth_date > minus_years(as_of, age),
                          c.c.birth_date <= minus_years(as_of, age - years)))
    return or_(*parts)


def _reached_retirement(as_of: date):
    from sqlalchemy import or_

    c = T.cadre
    return or_(*[and_(c.c.gender == g, c.c.birth_date <= minus_years(as_of, retirement_age(g))) for g in T.GENDERS])


def cadre_retirements_raw(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """cadre_retirements aggregated from the cadres."""
    from sqlalchemy import select

    c = T.cadre
    unit = _unit_type()
    stmt = (select(c.c.gender.label("gender"), unit.label("unit_type"), func.count().label("cadres_n"),
                   *[count_if(_retires_within(as_of, n), f"retire_{n}y_n") for n in RETIREMENT_YEARS],
                   count_if(_reached_retirement(as_of), "reached_n"))
            .where(*_in_view(scope, as_of, section_only)).group_by(c.c.gender, unit))
    names, rows = read_rows(engine, stmt)
    return frame(names, sorted(rows, key=lambda r: (r[0], r[1])))


def _township_rows_raw(engine: Engine, *, scope: Scope, as_of: date, section_only: bool) -> list[tuple]:
    from sqlalchemy import select

    c = T.cadre
    stmt = (select(c.c.township_code.label("township_code"), func.count().label("cadres_n"),
                   count_if(c.c.birth_date > young_cutoff(as_of), "cadres_40_or_younger_n"),
                   count_if(c.c.education.in_(T.BACHELOR_PLUS), "cadres_bachelor_plus_n"))
            .where(*_in_view(scope, as_of, section_only)).group_by(c.c.township_code))
    return sorted(read_rows(engine, stmt)[1], key=lambda r: (r[0] is not None, r[0] or ""))


def cadre_shares_by_township_raw(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """cadre_shares_by_township aggregated from the cadres."""
    return frame(["township_code", *SHARE_COLUMNS[1:]],
                 _township_rows_raw(engine, scope=scope, as_of=as_of, section_only=section_only))
