"""Business rules of DESIGN.md that more than one module needs: derived columns and thresholds."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta


def ticket_derived(received_at: datetime, due_days: int) -> dict:
    """Return the derived ticket columns: due_at (受理时间 + 办结时限 days) and received_month."""
    return {"due_at": received_at + timedelta(days=due_days), "received_month": f"{received_at:%Y-%m}"}


def quarter_end(period: str) -> date:
    """Return the last day of a survey period written like 2018Q3."""
    year, quarter = int(period[:4]), int(period[5])
    month = quarter * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def month_end(month: str) -> date:
    """Return the last day of a month written like 2018-07."""
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1])


def minus_months(day: date, months: int) -> date:
    """Return the same day `months` earlier, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, mon = divmod(index, 12)
    mon += 1
    return date(year, mon, min(day.day, calendar.monthrange(year, mon)[1]))


def minus_years(day: date, years: int) -> date:
    """Return the same day `years` earlier (29 February becomes 28 February)."""
    return minus_months(day, years * 12)


def age_years(birth: date, on: date) -> int:
    """Return age in whole years at `on`."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def recommended_org(formal_members_n: int) -> str:
    """Return the organization a 两新 organization should form for its formal members."""
    if formal_members_n >= 100:
        return "党委"
    if formal_members_n >= 50:
        return "党总支"
    if formal_members_n >= 7:
        return "党支部（设支委会）"
    if formal_members_n >= 3:
        return "党支部"
    return "联合党支部"


SHOULD_BUILD_MIN_MEMBERS = 3  # 3+ formal members must form their own organization

# Groups the pages count by, defined once for the SQL (CASE) and for the summaries built in Python
EDUCATION_GROUPS = ("研究生", "大学本科", "大专", "中专及以下")  # the first three as they are, the rest together
SIZE_BANDS = ("<50", "50-99", "100-499", "500+")  # 从业人员数
SIZE_BAND_STARTS = (50, 100, 500)  # the first employees count of each band after the first


def education_group(education: str) -> str:
    """Return the group of EDUCATION_GROUPS an education of the contract belongs to."""
    return education if education in EDUCATION_GROUPS[:-1] else EDUCATION_GROUPS[-1]


def size_band(employees_n: int) -> str:
    """Return the band of SIZE_BANDS of an enterprise with `employees_n` employees."""
    return SIZE_BANDS[sum(1 for start in SIZE_BAND_STARTS if employees_n >= start)]
