"""Section-level cadres (科级干部): age and education structure."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, func

from lib import schema as T
from lib.queries.common import count_if, frame, frame_in_order, read, read_rows, summary_select
from lib.rules import minus_years
from lib.scope import Scope


def young_cutoff(as_of: date, age: int = 40) -> date:
    """Return the birth date after which a person is `age` or younger at as_of ("40岁以下" includes 40)."""
    return minus_years(as_of, age + 1)


def cadre_summary(engine: Engine, *, scope: Scope, as_of: date, by_township: bool = False) -> pd.DataFrame:
    """Return cadres_n, cadres_40_or_younger_n and cadres_bachelor_plus_n of section-level cadres.

    Grouped by township, cadres of district units (区直, no township) form the group township_code None.
    """
    c = T.cadre
    stmt = summary_select(c.c.township_code, [
        func.count().label("cadres_n"),
        count_if(c.c.birth_date > young_cutoff(as_of), "cadres_40_or_younger_n"),
        count_if(c.c.education.in_(T.BACHELOR_PLUS), "cadres_bachelor_plus_n"),
    ], by_township=by_township).where(scope.where(c.c.township_code), c.c.rank.in_(T.SECTION_RANKS),
                                      c.c.birth_date <= as_of)
    return read(engine, stmt)


# --- 干部结构 page -------------------------------------------------------------------------------
# 口径: section-level cadres (正科 + 副科) unless section_only=False (every cadre in the table).
# Ages are whole years at as_of, computed with birth-date cutoffs so the SQL is portable.

AGE_BANDS = ("≤35", "36-40", "41-45", "46-50", "51-55", "56+")
EDUCATION_GROUPS = ("研究生", "大学本科", "大专", "中专及以下")
UNIT_TYPES = ("township", "district")  # 乡镇/街道 (a township is set) and 区直 (no township)
PYRAMID_MIN_AGE, PYRAMID_MAX_AGE = 20, 65  # ages outside are counted at the ends (≤20, ≥65)


def _in_view(scope: Scope, as_of: date, section_only: bool) -> list:
    """Conditions every cadre query shares: scope, born by as_of, and section-level ranks unless all are wanted."""
    c = T.cadre
    conds = [scope.where(c.c.township_code), c.c.birth_date <= as_of]
    if section_only:
        conds.append(c.c.rank.in_(T.SECTION_RANKS))
    return conds


def _age_at_least(as_of: date, age: int):
    """Condition: the cadre is `age` or older at as_of."""
    return T.cadre.c.birth_date <= minus_years(as_of, age)


def _age_band(as_of: date):
    from sqlalchemy import case

    b = T.cadre.c.birth_date
    # ≤35 means born after as_of - 36 years, and so on up the bands
    whens = [(b > minus_years(as_of, upper + 1), label) for label, upper in zip(AGE_BANDS[:-1], (35, 40, 45, 50, 55))]
    return case(*whens, else_=AGE_BANDS[-1])


def _age_years(as_of: date):
    """CASE expression: age in whole years at as_of, clamped to PYRAMID_MIN_AGE..PYRAMID_MAX_AGE.

    Age a means born after as_of minus a + 1 years. The cut-offs fall as the age rises, so the CASE is nested
    as a binary search: 6 date comparisons a row instead of up to 45 in a flat CASE (3x faster on SQLite).
    """
    from sqlalchemy import case, literal

    b = T.cadre.c.birth_date
    ages = list(range(PYRAMID_MIN_AGE, PYRAMID_MAX_AGE + 1))

    def pick(lo: int, hi: int):  # the age is one of ages[lo..hi]; ages[-1] is the clamp for everyone older
        if lo == hi:
            return literal(ages[lo])
        mid = (lo + hi) // 2
        return case((b > minus_years(as_of, ages[mid] + 1), pick(lo, mid)), else_=pick(mid + 1, hi))

    return pick(0, len(ages) - 1)


def _education_group():
    from sqlalchemy import case

    e = T.cadre.c.education
    return case((e == "研究生", "研究生"), (e == "大学本科", "大学本科"), (e == "大专", "大专"), else_="中专及以下")


def _unit_type():
    from sqlalchemy import case

    return case((T.cadre.c.township_code.is_(None), "district"), else_="township")


def _counts_by(engine: Engine, group_exprs: dict, *, scope: Scope, as_of: date,
               section_only: bool) -> tuple[list[str], list[tuple]]:
    """Return (names, rows) of cadres_n per combination of `group_exprs` (a few dozen rows at most)."""
    from sqlalchemy import select

    cols = [expr.label(name) for name, expr in group_exprs.items()]
    stmt = (select(*cols, func.count().label("cadres_n")).where(*_in_view(scope, as_of, section_only))
            .group_by(*group_exprs.values()))
    return read_rows(engine, stmt)


def cadres_by_age_gender(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return gender, age_years, cadres_n (the age pyramid), sorted by age then gender."""
    names, rows = _counts_by(engine, {"gender": T.cadre.c.gender, "age_years": _age_years(as_of)},
                             scope=scope, as_of=as_of, section_only=section_only)
    out = frame(names, sorted(((g, int(age), n) for g, age, n in rows), key=lambda r: (r[1], r[0])))
    out["age_years"] = out["age_years"].astype("int64")
    return out


def cadres_by_age_band(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return age_band (AGE_BANDS order, all bands) and cadres_n."""
    return frame_in_order(*_counts_by(engine, {"age_band": _age_band(as_of)}, scope=scope, as_of=as_of,
                                 section_only=section_only), AGE_BANDS)


def cadres_by_education(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return education (研究生, 大学本科, 大专, 中专及以下; all groups) and cadres_n."""
    return frame_in_order(*_counts_by(engine, {"education": _education_group()}, scope=scope, as_of=as_of,
                                 section_only=section_only), EDUCATION_GROUPS)


def cadres_by_rank(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return rank, unit_type, cadres_n: ranks in CADRE_RANKS order (only those in view), split by unit type."""
    names, rows = _counts_by(engine, {"rank": T.cadre.c.rank, "unit_type": _unit_type()},
                             scope=scope, as_of=as_of, section_only=section_only)
    ranks = {r: i for i, r in enumerate(T.CADRE_RANKS)}
    units = {u: i for i, u in enumerate(UNIT_TYPES)}
    return frame(names, sorted(rows, key=lambda r: (ranks.get(r[0], len(ranks)), units[r[1]])))


def cadre_shares_by_unit_type(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return unit_type (township, district; both rows), cadres_n, cadres_40_or_younger_n, cadres_bachelor_plus_n."""
    from sqlalchemy import select

    c = T.cadre
    unit = _unit_type()
    stmt = (select(unit.label("unit_type"), func.count().label("cadres_n"),
                   count_if(c.c.birth_date > young_cutoff(as_of), "cadres_40_or_younger_n"),
                   count_if(c.c.education.in_(T.BACHELOR_PLUS), "cadres_bachelor_plus_n"))
            .where(*_in_view(scope, as_of, section_only)).group_by(unit))
    return frame_in_order(*read_rows(engine, stmt), UNIT_TYPES)


def retirement_age(gender: str) -> int:
    """Return the retirement age of a cadre of `gender` (settings.toml [rules])."""
    from lib import config

    return int(config.rule("retirement_age_male" if gender == "男" else "retirement_age_female"))


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


RETIREMENT_YEARS = (1, 2, 3)


def cadre_retirements(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return gender, unit_type, cadres_n, retire_1y_n, retire_2y_n, retire_3y_n (cumulative) and reached_n.

    retire_Ny_n: cadres whose retirement birthday (60 for men, 55 for women by default) falls after as_of
    and no later than N years after it; reached_n: already at or past retirement age at as_of.
    """
    from sqlalchemy import select

    c = T.cadre
    unit = _unit_type()
    stmt = (select(c.c.gender.label("gender"), unit.label("unit_type"), func.count().label("cadres_n"),
                   *[count_if(_retires_within(as_of, n), f"retire_{n}y_n") for n in RETIREMENT_YEARS],
                   count_if(_reached_retirement(as_of), "reached_n"))
            .where(*_in_view(scope, as_of, section_only)).group_by(c.c.gender, unit))
    names, rows = read_rows(engine, stmt)
    return frame(names, sorted(rows, key=lambda r: (r[0], r[1])))


def cadre_shares_by_township(engine: Engine, *, scope: Scope, as_of: date, section_only: bool = True) -> pd.DataFrame:
    """Return township_code (None: 区直), cadres_n, cadres_40_or_younger_n, cadres_bachelor_plus_n per township."""
    from sqlalchemy import select

    c = T.cadre
    stmt = (select(c.c.township_code.label("township_code"), func.count().label("cadres_n"),
                   count_if(c.c.birth_date > young_cutoff(as_of), "cadres_40_or_younger_n"),
                   count_if(c.c.education.in_(T.BACHELOR_PLUS), "cadres_bachelor_plus_n"))
            .where(*_in_view(scope, as_of, section_only)).group_by(c.c.township_code))
    return read(engine, stmt)
