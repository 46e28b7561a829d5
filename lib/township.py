"""What the 乡镇画像 page shows, as plain data: coverage parts, satisfaction beside the district, age bands, villages."""
from __future__ import annotations

import pandas as pd

from lib import fmt
from lib.i18n import t
from lib.queries.kpis import ratio
from lib.queries.township import AGE_BANDS


def coverage_parts(summary: pd.DataFrame) -> pd.DataFrame:
    """Return kind (nonpublic/social), org_covered_n, work_only_n, not_covered_n and total_n from coverage_summary's row.

    work_only: work coverage without an organization (a party-building instructor only).
    """
    row = summary.iloc[0]
    rows = []
    for kind, total, org, work in (("nonpublic", "nonpublic_n", "nonpublic_with_org_n", "nonpublic_work_covered_n"),
                                   ("social", "social_orgs_n", "social_with_org_n", "social_work_covered_n")):
        n, covered, worked = int(row[total]), int(row[org]), int(row[work])
        rows.append({"kind": kind, "org_covered_n": covered, "work_only_n": worked - covered,
                     "not_covered_n": n - worked, "total_n": n})
    return pd.DataFrame(rows)


def satisfaction_compare(township: pd.DataFrame, district: pd.DataFrame) -> pd.DataFrame:
    """Return period, township_rate and district_rate (satisfied ÷ respondents) for every period either has."""
    def rates(df: pd.DataFrame, name: str) -> pd.DataFrame:
        return pd.DataFrame({"period": df["period"],
                             name: [ratio(s, r) for s, r in zip(df["satisfied_n"], df["respondents_n"])]})

    out = rates(district, "district_rate").merge(rates(township, "township_rate"), on="period", how="outer")
    out = out.sort_values("period").reset_index(drop=True)
    return out[["period", "township_rate", "district_rate"]].astype(object).where(out.notna(), None)


def age_bands(df: pd.DataFrame) -> pd.DataFrame:
    """Return every age band (in order) with cadres_n, zeros where the query found none."""
    keys = [key for key, _, _ in AGE_BANDS]
    counts = dict(zip(df["age_band"], df["cadres_n"]))
    return pd.DataFrame({"age_band": keys, "cadres_n": [int(counts.get(k, 0)) for k in keys]})


def villages_table(df: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Return the downloadable villages/communities table with display headers."""
    return pd.DataFrame({
        t("twp_col_village_code", lang): df["code"],
        t("twp_col_village", lang): df["name"],
        t("twp_col_kind", lang): [t(f"twp_village_kind_{k}", lang) for k in df["kind"]],
        t("twp_col_orgs", lang): df["party_orgs_n"],
        t("twp_col_members", lang): df["members_n"],
        t("twp_col_tickets", lang): df["tickets_n"],
        t("twp_col_overdue", lang): df["tickets_open_overdue_n"],
    })


# What each township card of the picker shows: (KPI key, is a rate)
PICKER_FIGURES = (("members_n", False), ("nonpublic_org_coverage_rate", True), ("tickets_on_time_rate", True),
                  ("satisfaction_rate", True))


def picker_cards(by_township: pd.DataFrame, *, lang: str = "zh") -> list[dict]:
    """Return one card per township (code order): code, name, kind label and [(label, value text)] figures."""
    cards = []
    for row in by_township.sort_values("township_code").to_dict("records"):
        figures = [(t(f"twp_fig_{key}", lang), fmt.pct(row.get(key)) if rate else fmt.num(row.get(key)))
                   for key, rate in PICKER_FIGURES]
        cards.append({"code": row["township_code"], "name": row["name"], "kind": t(f"twp_type_{row['kind']}", lang),
                      "figures": figures})
    return cards
