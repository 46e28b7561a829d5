"""What the 流动党员 page shows, as plain data: cards, map rows, top destinations, masked 失联风险 list."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from lib import fmt, geo
from lib.i18n import t
from lib.overview import Card


def mask_id(id_number: str | None) -> str:
    """Return a 身份证号 with the birth date hidden: the first 6 and last 4 characters kept (411402********0277)."""
    if not id_number:
        return ""
    text = str(id_number)
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_phone(phone: str | None) -> str:
    """Return a phone number with its middle four digits hidden (138****5678); empty when missing."""
    if not phone or (isinstance(phone, float) and pd.isna(phone)):
        return ""
    text = str(phone)
    if len(text) < 7:
        return "*" * len(text)
    return text[:3] + "****" + text[7:]


def share(part: int, whole: int) -> float | None:
    """Return part / whole, or None when whole is 0."""
    return part / whole if whole else None


def at_risk_kpis(totals: dict) -> dict:
    """Return outflow_totals as the overview's KPI keys (outflow_n, outflow_at_risk_n, outflow_at_risk_rate)."""
    return {"outflow_n": totals["outflow_n"], "outflow_at_risk_n": totals["at_risk_n"],
            "outflow_at_risk_rate": share(totals["at_risk_n"], totals["outflow_n"])}


def cards(totals: dict, *, lang: str, previous: dict | None = None) -> list[tuple[str, list[Card]]]:
    """Return the KPI board of the page (one section) from outflow_totals; `previous` is outflow_totals a year
    earlier (None: no data then, no change). The at-risk share card is the overview's (same flag, same change)."""
    from lib.overview import kpi_card

    n = totals["outflow_n"]

    def card(key: str, value: str, note: str | None = None) -> Card:
        return Card(key=key, label=t(key, lang), value=value, delta=None, delta_color="off", status=None,
                    status_text=None, rank_text=note)

    now, before = at_risk_kpis(totals), (at_risk_kpis(previous) if previous is not None else None)
    return [(t("out_section", lang), [
        replace(kpi_card("outflow_n", now, before, lang=lang), key="out_card_total", label=t("out_card_total", lang)),
        replace(kpi_card("outflow_at_risk_n", now, before, lang=lang), key="out_card_at_risk",
                label=t("out_card_at_risk", lang)),
        kpi_card("outflow_at_risk_rate", now, before, lang=lang),
        card("out_card_in_branch", fmt.num(totals["in_branch_n"]),
             f"{t('out_card_in_branch_share', lang)} {fmt.pct(share(totals['in_branch_n'], n))}"),
        card("out_card_cities", fmt.num(totals["cities_n"]),
             f"{t('out_card_provinces', lang)} {fmt.num(totals['provinces_n'])}"),
    ])]


def map_rows(flows: pd.DataFrame, townships: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (rows for maps.outflow_arcs with home names and destination coordinates, rows that cannot be placed)."""
    names = dict(zip(townships["code"].astype(str), townships["name"]))
    out = flows.copy()
    out["home_code"] = out["home_code"].astype(str)
    out["home_name"] = out["home_code"].map(names)
    points = [geo.city_coordinates(p, c) for p, c in zip(out["dest_province"], out["dest_city"])]
    out["dest_lon"] = [p[0] if p else None for p in points]
    out["dest_lat"] = [p[1] if p else None for p in points]
    placed = out["dest_lon"].notna()
    return out[placed].reset_index(drop=True), out[~placed].reset_index(drop=True)


def top_destinations(df: pd.DataFrame, *, level: str, top: int, lang: str) -> tuple[pd.DataFrame, int]:
    """Return (rows with a `label` column, largest first, the rest merged into 其他; members grouped as other).

    `df` comes from outflow_by_destination (ordered largest first).
    """
    rows = df.copy()
    if level == "province":
        rows["label"] = rows["dest_province"]
    else:
        rows["label"] = [c if geo._short(c) == geo._short(p) else f"{p} {c}"
                         for p, c in zip(rows["dest_province"], rows["dest_city"])]
    rows = rows[["label", "members_n", "at_risk_n"]].reset_index(drop=True)
    if len(rows) <= top:
        return rows, 0
    head, rest = rows.iloc[:top], rows.iloc[top:]
    other = pd.DataFrame([{"label": t("out_other", lang), "members_n": int(rest["members_n"].sum()),
                           "at_risk_n": int(rest["at_risk_n"].sum())}])
    return pd.concat([head, other], ignore_index=True), int(rest["members_n"].sum())


def branch_table(df: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """Return the outflow branches with display headers."""
    return pd.DataFrame({
        t("out_col_branch", lang): df["branch_name"],
        t("out_col_branch_town", lang): df["township_name"],
        t("out_col_founded", lang): [d.isoformat() if hasattr(d, "isoformat") else str(d) for d in df["founded_on"]],
        t("out_col_members", lang): df["members_n"].astype("int64"),
        t("out_col_at_risk", lang): df["at_risk_n"].astype("int64"),
    })


def _as_date(value) -> date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if hasattr(value, "date") and not type(value) is date else value


def risk_table(df: pd.DataFrame, *, as_of: date, lang: str) -> pd.DataFrame:
    """Return the 失联风险 list with masked ID and phone numbers and days without contact.

    Days without contact run from the last contact or, for members never contacted, from the day they left.
    """
    contacts = [_as_date(v) for v in df["last_contact_on"]]
    left = [_as_date(v) for v in df["out_on"]]
    days = pd.array([(as_of - (c or o)).days for c, o in zip(contacts, left)], dtype="Int64")
    return pd.DataFrame({
        t("out_col_name", lang): df["name"],
        t("out_col_id", lang): [mask_id(v) for v in df["id_number"]],
        t("out_col_phone", lang): [mask_phone(v) for v in df["phone"]],
        t("out_col_home", lang): df["township_name"],
        t("out_col_dest", lang): [c if geo._short(c) == geo._short(p) else f"{p}{c}"
                                  for p, c in zip(df["dest_province"], df["dest_city"])],
        t("out_col_branch", lang): [b if isinstance(b, str) and b else t("out_no_branch", lang) for b in df["branch_name"]],
        t("out_col_out_on", lang): [d.isoformat() for d in left],
        t("out_col_last_contact", lang): [d.isoformat() if d else t("out_never", lang) for d in contacts],
        t("out_col_days", lang): days,
    })


def home_label(townships: pd.DataFrame, township_name: str | None) -> str:
    """Return the label of the home point on the map: the township, else the district's name."""
    if township_name:
        return township_name
    try:
        return str(geo.district_outline()["features"][0]["properties"].get("name") or "")
    except (FileNotFoundError, IndexError, KeyError):
        return ""


def home_points(townships: pd.DataFrame, code: str | None) -> pd.DataFrame:
    """Return the home points of the map: the selected township only, else every township."""
    if code is None:
        return townships
    return townships[townships["code"].astype(str) == str(code)]


def top_townships(by_town: pd.DataFrame, *, top: int, selected: str | None) -> tuple[pd.DataFrame, int]:
    """Return (the `top` townships with the most mobile members plus the selected one, how many were left out)."""
    ranked = by_town.sort_values(["members_n", "township_code"], ascending=[False, True], kind="stable")
    keep = ranked.head(top)
    if selected is not None and selected not in set(keep["township_code"]):
        keep = pd.concat([keep, ranked[ranked["township_code"] == selected]])
    return keep.reset_index(drop=True), len(by_town) - len(keep)
