"""The written summary (综述): KPIs and breakdowns turned into sentences in the register of the seeds.

"全区369家非公有制企业中已建立党组织218家，组织覆盖率59.1%，较上年提高3.2个百分点；仍有12家…"
Every number comes from the data (lib.queries); the wording follows the direction of a change
(提高/下降/持平), the target (达到/低于目标) and missing data (暂无…). Sentence templates are labels
(narr_*), so the English version is the same function with lang="en".

`private=True` (slides and the briefing deck) writes counts of 1–4 people as "不足5" (lib.privacy).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pandas as pd

from lib import config, fmt, privacy
from lib.i18n import t
from lib.queries import briefing as bq
from lib.overview import meets_target, previous_kpis, within_limit
from lib.queries.kpis import kpi_counts, kpis_by_township
from lib.scope import Scope

SLIDES = ("title", "overview", "coverage", "outflow", "services", "satisfaction", "cadres", "closing")
CHANGE_EPS = 0.0005  # a change that rounds to 0.0 points reads as 持平
QUARTERS = "一二三四"


@dataclass(frozen=True)
class Facts:
    """Everything the summary and the slides say, read once from the database."""

    scope: Scope
    as_of: date
    scope_name: str
    current: dict
    previous: dict               # kpi_counts the same day a year earlier; {} when that lies before the data
    towns: pd.DataFrame          # kpis_by_township of the WHOLE district (ranks need every township)
    destinations: pd.DataFrame   # outflow_by_destination
    categories: pd.DataFrame     # tickets_by_category
    sat_periods: pd.DataFrame    # satisfaction_by_period
    age_bands: pd.DataFrame      # cadre_age_bands
    district_name: str | None = None

    @property
    def scope_towns(self) -> pd.DataFrame:
        """Return the township rows inside the scope."""
        if self.scope.is_all:
            return self.towns
        return self.towns[self.towns["township_code"].isin(self.scope.townships)]


@dataclass(frozen=True)
class Summary:
    """The 综述: a title, paragraphs, and 1–2 talking points per slide key."""

    title: str
    paragraphs: list[str]
    points: dict[str, list[str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Return the whole summary as plain text (title, then paragraphs separated by blank lines)."""
        return "\n\n".join([self.title, *self.paragraphs])


def direct_query(engine) -> Callable:
    """Return a query runner that calls fn(engine, **kwargs) without a cache."""
    return lambda fn, **kwargs: fn(engine, **kwargs)


def gather(engine, *, scope: Scope, as_of: date, scope_name: str, query: Callable | None = None) -> Facts:
    """Return the Facts for scope at as_of; `query(fn, **kw)` runs each query (e.g. cached.query)."""
    q = query or direct_query(engine)
    return Facts(
        scope=scope, as_of=as_of, scope_name=scope_name,
        current=q(kpi_counts, scope=scope, as_of=as_of),
        previous=previous_kpis(q, scope=scope, as_of=as_of) or {},  # {}: no data a year earlier, no change
        towns=q(kpis_by_township, scope=Scope.all(), as_of=as_of),
        destinations=q(bq.outflow_by_destination, scope=scope, as_of=as_of),
        categories=q(bq.tickets_by_category, scope=scope, as_of=as_of),
        sat_periods=q(bq.satisfaction_by_period, scope=scope, as_of=as_of),
        age_bands=q(bq.cadre_age_bands, scope=scope, as_of=as_of),
        district_name=q(bq.district_name),
    )


def overview_summary(engine, *, scope: Scope, as_of: date, scope_name: str, lang: str = "zh",
                     query: Callable | None = None, private: bool = False) -> Summary:
    """Return the whole 综述 and the per-slide talking points for scope at as_of."""
    facts = gather(engine, scope=scope, as_of=as_of, scope_name=scope_name, query=query)
    return Writer(facts, lang=lang, private=private).summary()


def period_text(period: str, lang: str = "zh") -> str:
    """Return a survey period for a sentence: 2018Q3 -> '2018年三季度' / 'Q3 2018'."""
    y, q = period[:4], int(period[5])
    return t("narr_period", lang, y=y, q=QUARTERS[q - 1], qn=q)


def date_text(day: date, lang: str = "zh") -> str:
    """Return a date for a sentence: '2018年6月30日' / '2018-06-30'."""
    return t("narr_date", lang, y=day.year, m=day.month, d=day.day, iso=day.isoformat())


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


class Writer:
    """Writes the sentences of one Facts in one language."""

    def __init__(self, facts: Facts, *, lang: str = "zh", private: bool = False):
        self.f, self.lang, self.private = facts, lang, private
        self.c, self.p = facts.current, facts.previous
        self.s = t("narr_all", lang) if facts.scope.is_all else facts.scope_name

    # --- helpers ---
    def tr(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def people(self, n) -> str:
        return privacy.people_text(n, self.lang) if self.private else fmt.num(n)

    def listing(self, items: list[str]) -> str:
        items = [str(i) for i in items]
        if len(items) <= 1:
            return "".join(items)
        return self.tr("narr_list_sep").join(items[:-1]) + self.tr("narr_list_last") + items[-1]

    def cap(self, text: str) -> str:
        """Return text with its first letter capitalised (English)."""
        return text[:1].upper() + text[1:] if self.lang == "en" else text

    def sentence(self, text: str) -> str:
        """Return text capitalised (English) with a full stop."""
        return self.cap(text) + self.tr("narr_end")

    def change_pp(self, key: str, *, against: dict | None = None, up="narr_up_pp", down="narr_down_pp",
                  flat="narr_flat", **values) -> str:
        """Return the clause for the change of rate `key` against `against` (default: a year earlier), or ''."""
        now, before = self.c.get(key), (self.p if against is None else against).get(key)
        if _missing(now) or _missing(before):
            return ""
        delta = now - before
        if abs(delta) < CHANGE_EPS:
            return self.tr(flat, **values)
        return self.tr(up if delta > 0 else down, d=f"{abs(delta) * 100:.1f}", **values)

    def target_clause(self, key: str, value=None) -> str:
        """Return '，达到90.0%的目标' or '，低于90.0%的目标' for rate `key`, or '' without a target or value."""
        value = self.c.get(key) if value is None else value
        goal = config.target(key)
        if goal is None or _missing(value):
            return ""
        return self.tr("narr_target_met" if meets_target(value, goal) else "narr_target_missed", goal=fmt.pct(goal))

    def best_worst(self, key: str, *, what: str | None = None) -> str:
        """Return the sentence naming the best and worst township on rate `key` (district scope), the
        township's rank (township scope), or '' when fewer than two townships have a value."""
        what = what or self.tr(f"narr_what_{key}")
        values = self.f.towns[["township_code", "name", key]].dropna()
        if len(values) < 2:
            return ""
        if not self.f.scope.is_all:
            code = self.f.scope.townships[0] if len(self.f.scope.townships) == 1 else None
            if code is None or code not in set(values["township_code"]):
                return ""
            rank = values[key].rank(method="min", ascending=False)
            r = int(rank[values["township_code"] == code].iloc[0])
            return self.tr("narr_rank", s=self.s, what=what, n=len(values), rank=r)
        values = values.sort_values([key, "township_code"], ascending=[False, True])
        best, worst = values.iloc[0], values.iloc[-1]
        if abs(best[key] - worst[key]) < CHANGE_EPS:
            return self.tr("narr_all_equal", what=what, v=fmt.pct(best[key]))
        return self.tr("narr_best_worst", best=best["name"], worst=worst["name"], what=what,
                       bv=fmt.pct(best[key]), wv=fmt.pct(worst[key]))

    # --- sentences ---
    def organization(self) -> str:
        c = self.c
        if not c["party_orgs_n"] and not c["members_n"] and not c["villages_n"]:
            return self.tr("narr_org_none", s=self.s)
        key = "narr_org" if self.f.scope.is_all else "narr_org_township"
        return self.cap(self.tr(key, s=self.s, towns=fmt.num(c["townships_n"]), villages=fmt.num(c["villages_n"]),
                       orgs=fmt.num(c["party_orgs_n"]), members=self.people(c["members_n"])))

    def missed_targets(self) -> list[str]:
        """Return the short names of KPIs with a target that the scope does not meet (with data only)."""
        return [self.tr(f"narr_what_{k}") for k, goal in config.settings()["targets"].items()
                if not _missing(self.c.get(k)) and not meets_target(self.c[k], goal)]

    def targets(self) -> str:
        measured = [k for k in config.settings()["targets"] if not _missing(self.c.get(k))]
        if not measured:
            return ""
        missed = self.missed_targets()
        if not missed:
            return self.tr("narr_targets_all", n=len(measured))
        text = self.tr("narr_targets", n=len(measured), k=len(measured) - len(missed))
        return self.sentence(text + self.tr("narr_targets_missed", items=self.listing(missed)))

    def should_build_places(self) -> str:
        """Return ', 集中在A、B' for the townships with the most 应建未建 (several townships in scope), or ''."""
        towns = self.f.scope_towns
        if len(towns) < 2:
            return ""
        rows = towns[towns["should_build_not_built_n"] > 0].sort_values(
            ["should_build_not_built_n", "township_code"], ascending=[False, True])
        if rows.empty:
            return ""
        if len(rows) == 1:
            return self.tr("narr_all_in", place=rows.iloc[0]["name"])
        # name the townships that hold most of them: the top ones up to three
        return self.tr("narr_concentrated", places=self.listing(list(rows["name"].head(3))))

    def coverage(self) -> str:
        c = self.c
        if not c["nonpublic_n"]:
            text = self.tr("narr_cov_none", s=self.s)
        else:
            rate = c["nonpublic_org_coverage_rate"]
            text = self.tr("narr_cov", s=self.s, n=fmt.num(c["nonpublic_n"]), k=fmt.num(c["nonpublic_with_org_n"]),
                           rate=fmt.pct(rate))
            text += self.change_pp("nonpublic_org_coverage_rate")
            text += self.tr("narr_full") if rate >= 1 else self.target_clause("nonpublic_org_coverage_rate")
        if c["should_build_not_built_n"]:
            text += self.tr("narr_should_build", m=fmt.num(c["should_build_not_built_n"])) + self.should_build_places()
        elif c["nonpublic_n"] or c["social_orgs_n"]:
            text += self.tr("narr_should_build_none")
        return self.sentence(text)

    def coverage_more(self) -> str:
        c = self.c
        parts = []
        if c["nonpublic_n"]:
            parts.append(self.tr("narr_cov_work", rate=fmt.pct(c["nonpublic_work_coverage_rate"])))
        if c["social_orgs_n"]:
            parts.append(self.tr("narr_cov_social", sep="；" if parts and self.lang == "zh" else "; " if parts else "",
                                 n=fmt.num(c["social_orgs_n"]), k=fmt.num(c["social_with_org_n"]),
                                 rate=fmt.pct(c["social_org_coverage_rate"])))
        return self.sentence("".join(parts)) if parts else ""

    def outflow(self) -> str:
        c = self.c
        if not c["outflow_n"]:
            return self.tr("narr_out_none", s=self.s)
        text = self.tr("narr_out", s=self.s, n=self.people(c["outflow_n"]))
        if c["outflow_branches_n"]:
            text += self.tr("narr_out_branches", b=fmt.num(c["outflow_branches_n"]))
        cities = list(self.f.destinations["dest_city"].head(3))
        if cities:
            text += self.tr("narr_out_dest", places=self.listing(cities))
        return self.sentence(text)

    def outflow_risk(self) -> str:
        c, months = self.c, config.rule("outflow_contact_months")
        if not c["outflow_n"]:
            return ""
        if not c["outflow_at_risk_n"]:
            return self.tr("narr_out_risk_none", months=months)
        rate = c["outflow_at_risk_rate"]
        text = self.tr("narr_out_risk", r=self.people(c["outflow_at_risk_n"]), months=months, rate=fmt.pct(rate))
        cap = config.limit("outflow_at_risk_rate")
        if cap is not None:
            text += self.tr("narr_limit_met" if within_limit(rate, cap) else "narr_limit_missed", limit=fmt.pct(cap))
        return self.sentence(text)

    def services(self) -> str:
        c, year = self.c, self.f.as_of.year
        if not c["tickets_n"]:
            return self.tr("narr_svc_none", s=self.s, year=year)
        text = self.tr("narr_svc", s=self.s, year=year, n=fmt.num(c["tickets_n"]))
        before = self.p.get("tickets_n")
        if before:
            d = c["tickets_n"] - before
            text += self.tr("narr_svc_same") if d == 0 else \
                self.tr("narr_svc_more" if d > 0 else "narr_svc_fewer", d=fmt.num(abs(d)))
        if not _missing(c.get("tickets_on_time_rate")):
            text += self.tr("narr_svc_rate", rate=fmt.pct(c["tickets_on_time_rate"]))
            text += self.target_clause("tickets_on_time_rate")
        return self.sentence(text)

    def services_overdue(self) -> str:
        o = self.c["tickets_open_overdue_n"]
        if not o and not self.c["tickets_n"]:
            return ""
        return self.tr("narr_svc_overdue", o=fmt.num(o)) if o else self.tr("narr_svc_overdue_none")

    def services_top(self) -> str:
        items = list(self.f.categories["category"].head(3))
        return self.tr("narr_svc_top", items=self.listing(items)) if len(items) >= 2 else ""

    def satisfaction(self) -> str:
        c, period = self.c, self.c.get("satisfaction_period")
        rate = c.get("satisfaction_rate")
        if not period or _missing(rate):
            return self.tr("narr_sat_none", s=self.s)
        goal = config.target("satisfaction_rate")
        key = "narr_sat_high" if goal is not None and meets_target(rate, goal) else "narr_sat"
        text = self.tr(key, period=period_text(period, self.lang), s=self.s, resp=self.people(c["respondents_n"]),
                       rate=fmt.pct(rate))
        # first the change the KPI card shows (the latest survey a year earlier), then, when it is another
        # survey, the change against the previous one: each clause names its baseline
        year_ago = self.p.get("satisfaction_period")
        if year_ago and year_ago != period:
            text += self.change_pp("satisfaction_rate")
        periods = self.f.sat_periods
        earlier = periods[periods["period"] < period].dropna(subset=["satisfaction_rate"])
        if not earlier.empty and earlier.iloc[-1]["period"] != year_ago:
            text += self.change_pp("satisfaction_rate", against={"satisfaction_rate": earlier.iloc[-1]["satisfaction_rate"]},
                                   up="narr_sat_up", down="narr_sat_down", flat="narr_sat_flat",
                                   period=period_text(earlier.iloc[-1]["period"], self.lang))
        text += self.target_clause("satisfaction_rate")
        if not _missing(c.get("satisfaction_basic_rate")):
            text += self.tr("narr_sat_basic", rate=fmt.pct(c["satisfaction_basic_rate"]))
        return self.sentence(text)

    def cadres(self) -> str:
        c = self.c
        if not c["cadres_n"]:
            return self.tr("narr_cad_none", s=self.s)
        text = self.tr("narr_cad", s=self.s, n=self.people(c["cadres_n"]), y=self.people(c["cadres_40_or_younger_n"]),
                       yr=fmt.pct(c["cadres_40_or_younger_rate"]))
        text += self.target_clause("cadres_40_or_younger_rate")
        text += self.tr("narr_cad_bach", b=self.people(c["cadres_bachelor_plus_n"]), br=fmt.pct(c["cadres_bachelor_plus_rate"]))
        text += self.target_clause("cadres_bachelor_plus_rate")
        return self.sentence(text)

    def next_steps(self) -> str:
        c, items = self.c, []
        if c["should_build_not_built_n"]:
            items.append(self.tr("narr_next_build", m=fmt.num(c["should_build_not_built_n"])))
        if c["tickets_open_overdue_n"]:
            items.append(self.tr("narr_next_overdue", o=fmt.num(c["tickets_open_overdue_n"])))
        if c["outflow_at_risk_n"]:
            items.append(self.tr("narr_next_contact", r=self.people(c["outflow_at_risk_n"])))
        missed = self.missed_targets()
        if missed:
            items.append(self.tr("narr_next_targets", items=self.listing(missed)))
        if not items:
            return self.tr("narr_next_none")
        return self.tr("narr_next", items=self.tr("narr_next_sep").join(items))

    # --- the whole summary ---
    def summary(self) -> Summary:
        as_of = date_text(self.f.as_of, self.lang)
        org = self.organization()
        first = self.tr("narr_as_of", date=as_of) + org
        paragraphs = [
            self._join(first, self.targets()),
            self._join(self.coverage(), self.coverage_more()),
            self._join(self.outflow(), self.outflow_risk()),
            self._join(self.services(), self.services_overdue(), self.services_top()),
            self.satisfaction(),
            self.cadres(),
            self.next_steps(),
        ]
        points = {
            "title": [self.tr("narr_title_point", date=as_of)],
            "overview": [p for p in (org, self.targets()) if p],
            "coverage": [p for p in (self.coverage(), self.best_worst("nonpublic_org_coverage_rate")) if p],
            "outflow": [p for p in (self.outflow(), self.outflow_risk()) if p],
            "services": [p for p in (self.services(), self.services_overdue()) if p],
            "satisfaction": [p for p in (self.satisfaction(), self.best_worst("satisfaction_rate")) if p],
            "cadres": [self.cadres()],
            "closing": [self.next_steps()],
        }
        return Summary(title=self.tr("narr_summary_title", s=self.s), paragraphs=[p for p in paragraphs if p],
                       points=points)

    def _join(self, *sentences: str) -> str:
        return ("" if self.lang == "zh" else " ").join(s for s in sentences if s)
