"""Streamlit glue shared by every page: page config, language, global filters kept in the URL, header.

Every page starts with `ctx = ui.page_setup("page_key")`, so each page also runs on its own
(`AppTest.from_file("pages/overview.py")`). The URL holds the view (`?township=…&as_of=…&lang=en`)
so a view can be shared by link; clicking a township anywhere calls `ui.open_township(code)`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Callable

import pandas as pd
import streamlit as st

from lib import cached, db, palette
from lib.i18n import t
from lib.queries import common
from lib.scope import Scope

ICON = Path(__file__).parent / "data" / "favicon.png"

CSS = f"""
<style>
html, body, [class*="css"], .stApp {{ font-family: {palette.FONT_FAMILY}; }}
[data-testid="stMetricValue"] {{ font-size: 1.9rem; font-weight: 600; }}
[data-testid="stMetricLabel"] p {{ font-size: 0.95rem; color: {palette.MUTED}; }}
.kpi-board {{ display: flex; flex-wrap: wrap; gap: 14px; margin: 4px 0 8px 0; }}
.kpi-section {{ border: 1px solid {palette.GRID}; border-radius: 10px; padding: 12px 16px 10px 16px; background: #FFFFFF; }}
.kpi-section h4 {{ font-size: 0.98rem; font-weight: 600; margin: 0 0 8px 0; padding: 0; color: {palette.INK};
  border-left: 3px solid {palette.PARTY_RED}; padding-left: 8px; }}
.kpi-grid {{ display: grid; gap: 6px 18px; }}
.kpi-card .label {{ font-size: 0.86rem; color: {palette.MUTED}; line-height: 1.25; min-height: 2.2em; }}
.kpi-card .value {{ font-size: 1.75rem; font-weight: 650; color: {palette.INK}; line-height: 1.2;
  font-variant-numeric: tabular-nums; white-space: nowrap; }}
.kpi-card .delta {{ font-size: 0.8rem; color: {palette.MUTED}; white-space: nowrap; }}
.kpi-card .delta.good {{ color: {palette.GOOD}; }}
.kpi-card .delta.bad {{ color: {palette.BAD}; }}
.kpi-card .status {{ font-size: 0.78rem; margin-top: 2px; }}
.kpi-card .status.good {{ color: {palette.GOOD}; }}
.kpi-card .status.bad {{ color: {palette.BAD}; }}
.kpi-card .rank {{ font-size: 0.78rem; color: {palette.INK}; background: #F4F6F8; border-radius: 3px; padding: 0 5px;
  display: inline-block; margin-top: 2px; }}
.demo-badge {{ display: inline-block; background: #FFF4E5; color: {palette.WARN}; border: 1px solid #F3C98B;
  border-radius: 4px; padding: 0 8px; font-size: 0.85rem; margin-left: 8px; }}
.asof {{ color: {palette.MUTED}; font-size: 0.95rem; }}
.crumb {{ color: {palette.MUTED}; font-size: 0.95rem; }}
.crumb b {{ color: {palette.INK}; }}
</style>
"""


@dataclass(frozen=True)
class Context:
    """What a page needs: engine, language, scope, as-of date, the selected township, helpers."""

    engine: object
    lang: str
    scope: Scope
    as_of: date
    township: str | None
    township_name: str | None
    townships: pd.DataFrame
    is_demo: bool
    t: Callable[..., str]

    @property
    def scope_name(self) -> str:
        return self.township_name or self.t("all_district")


def _sync_from_url() -> None:
    """On a new session the URL decides the view; afterwards the widgets do, mirrored to the URL."""
    ss, qp = st.session_state, st.query_params
    if "_ui_init" not in ss:
        ss["_ui_init"] = True
        ss["lang"] = "en" if qp.get("lang") == "en" else "zh"
        ss["township"] = qp.get("township") or ""
        ss["as_of_text"] = qp.get("as_of") or ""
    else:
        # Widget values belong to the page that drew them; re-setting them here carries the
        # global filters over when the user moves to another page.
        for key in ("lang", "township", "as_of"):
            if key in ss:
                ss[key] = ss[key]
    if "_pending_township" in ss:
        ss["township"] = ss.pop("_pending_township")


def open_township(code: str | None) -> None:
    """Open township `code` (None: the whole district) in the current page, keeping it in the URL."""
    st.session_state["_pending_township"] = code or ""
    st.rerun()


def _language_switch() -> str:
    st.sidebar.segmented_control("语言 / Language", options=["zh", "en"], key="lang",
                                 format_func=lambda v: "中文" if v == "zh" else "English", selection_mode="single")
    return st.session_state.get("lang") or "zh"  # deselecting the current language keeps Chinese


def _run_through_app() -> None:
    """Run app.py instead when Streamlit ran this page file on its own (first visit of a fresh server).

    Until some session has called st.navigation, Streamlit treats `pages/` as an old-style page
    folder and runs e.g. pages/data.py directly for /data: no logo, raw file names as navigation.
    app.py declares the pages (which switches Streamlit to st.navigation for good) and runs the
    requested page properly; this run then stops.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        import runpy

        runpy.run_path(str(Path(__file__).parent / "app.py"), run_name="__main__")
        st.stop()


def page_setup(title_key: str, *, require_data: bool = True) -> Context:
    """Configure the page, draw the sidebar filters and return the page's Context.

    A page that shows data stops with a clear message when the database is down or empty. A page
    that must work without data (数据管理: importing is how data arrives) passes require_data=False
    and gets a Context whose `townships` is empty and `as_of` is today; `engine` is None when the
    database cannot be reached.
    """
    _run_through_app()
    try:
        st.set_page_config(page_title=t(title_key), page_icon=str(ICON), layout="wide")
    except Exception:  # already set by app.py in this run
        pass
    st.markdown(CSS, unsafe_allow_html=True)
    _sync_from_url()
    lang = _language_switch()
    tr = partial(t, lang=lang)
    try:
        engine = cached.engine()
        cached.data_version()
    except db.DatabaseUnavailable as exc:
        if not require_data:
            return _bare_context(None, lang, tr)
        st.error(tr("db_unavailable", error=exc))
        st.info(tr("db_unavailable_help"))
        st.stop()
    latest = cached.query(common.latest_date)
    towns = cached.query(common.townships, scope=Scope.all())
    if latest is None or towns.empty:
        if not require_data:
            return _bare_context(engine, lang, tr)
        st.title(tr(title_key))
        st.info(tr("db_empty"))
        st.stop()
    earliest = cached.query(common.earliest_date) or date(latest.year, 1, 1)

    names = dict(zip(towns["code"], towns["name"]))
    if st.session_state.get("township") not in names:
        st.session_state["township"] = ""
    st.sidebar.selectbox(tr("filter_township"), options=[""] + list(names), key="township",
                         format_func=lambda c: names.get(c, tr("all_district")))
    try:
        wanted = date.fromisoformat(st.session_state.get("as_of_text") or "")
    except ValueError:
        wanted = latest
    wanted = min(max(wanted, earliest), latest)
    if "as_of" not in st.session_state or st.session_state.get("_as_of_bounds") != (earliest, latest):
        st.session_state["as_of"] = wanted
        st.session_state["_as_of_bounds"] = (earliest, latest)
    as_of = st.sidebar.date_input(tr("filter_as_of"), key="as_of", min_value=earliest, max_value=latest,
                                  format="YYYY-MM-DD")
    st.session_state["as_of_text"] = as_of.isoformat() if as_of != latest else ""

    code = st.session_state["township"] or None
    params = {"township": code, "as_of": as_of.isoformat() if as_of != latest else None,
              "lang": "en" if lang == "en" else None}
    for key, value in params.items():
        if value is None:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != value:
            st.query_params[key] = value
    is_demo = cached.query(db_is_demo)
    return Context(engine=engine, lang=lang, scope=Scope.of(code) if code else Scope.all(), as_of=as_of,
                   township=code, township_name=names.get(code), townships=towns, is_demo=is_demo, t=tr)


def _bare_context(engine, lang: str, tr) -> Context:
    columns = ["code", "name", "kind"]
    return Context(engine=engine, lang=lang, scope=Scope.all(), as_of=date.today(), township=None,
                   township_name=None, townships=pd.DataFrame(columns=columns), is_demo=False, t=tr)


def url_choice(key: str, options: list, *, label: str, default=None, format_func=str,
               widget: str = "segmented") -> object:
    """Draw a page-level choice whose value lives in the URL (`?key=value`) so the view can be shared.

    `widget` is "segmented", "radio" or "selectbox". Options are compared as strings with the URL.
    """
    ss, qp = st.session_state, st.query_params
    by_text = {str(o): o for o in options}
    state_key = f"url_{key}"
    if state_key not in ss:
        ss[state_key] = by_text.get(qp.get(key) or "", default if default in options else options[0])
    elif ss[state_key] not in options:
        ss[state_key] = default if default in options else options[0]
    if widget == "selectbox":
        value = st.selectbox(label, options, key=state_key, format_func=format_func)
    elif widget == "radio":
        value = st.radio(label, options, key=state_key, format_func=format_func, horizontal=True)
    else:
        value = st.segmented_control(label, options, key=state_key, format_func=format_func,
                                     selection_mode="single")
        if value is None:  # deselecting keeps the default rather than showing nothing
            value = default if default in options else options[0]
    wanted = None if value == (default if default in options else options[0]) else str(value)
    if wanted is None:
        qp.pop(key, None)
    elif qp.get(key) != wanted:
        qp[key] = wanted
    return value


def table_downloads(ctx: Context, df: pd.DataFrame, *, title: str, key: str,
                    filters: dict[str, str] | None = None) -> None:
    """Draw .xlsx and CSV download buttons for table `df` (Chinese headers as shown, title, filters, as-of).

    The scope (全区 or the township) is always written into the file's filter row.
    """
    from lib import export

    applied = {ctx.t("filter_township"): ctx.scope_name, **(filters or {})}
    stem = f"{title}_{ctx.scope_name}_{ctx.as_of.isoformat()}"
    # side by side at their natural width, wrapping rather than truncating in a narrow column
    row = st.container(horizontal=True, gap="small", width="stretch")
    # files are written when the button is clicked (deferred), not on every run of the page
    as_of = ctx.as_of
    row.download_button(ctx.t("download_xlsx"), lambda: export.to_xlsx(df, title=title, filters=applied, as_of=as_of),
                         file_name=f"{stem}.xlsx", key=f"{key}_xlsx", icon=":material/download:",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", width="content",
                         on_click="ignore")
    row.download_button(ctx.t("download_csv"), lambda: export.to_csv(df), file_name=f"{stem}.csv", key=f"{key}_csv",
                        icon=":material/download:", mime="text/csv", width="content", on_click="ignore")


def db_is_demo(engine) -> bool:
    """Return True when the database holds demo data (cached through lib.cached)."""
    return db.is_demo(engine)


def header(ctx: Context, title: str) -> None:
    """Draw the page title, the breadcrumb (全区 › 白云街道), 数据截至 and the demo mark."""
    st.title(title)
    left, right = st.columns([4, 1])
    with left:
        crumb = f"<span class='crumb'>{ctx.t('all_district')}</span>"
        if ctx.township_name:
            crumb = f"<span class='crumb'>{ctx.t('all_district')} › <b>{ctx.township_name}</b></span>"
        badge = f"<span class='demo-badge' title='{ctx.t('demo_note')}'>{ctx.t('demo_badge')}</span>" if ctx.is_demo else ""
        st.markdown(f"{crumb} &nbsp;·&nbsp; <span class='asof'>{ctx.t('data_as_of', date=ctx.as_of.isoformat())}</span>{badge}",
                    unsafe_allow_html=True)
    with right:
        if ctx.township:
            if st.button(ctx.t("back_to_district"), icon=":material/arrow_back:", key="back_to_district"):
                open_township(None)


def selected_township(event) -> str | None:
    """Return the township code a plotly selection event points at (customdata), or None."""
    try:
        points = event.selection.points if hasattr(event, "selection") else event["selection"]["points"]
    except (KeyError, TypeError, AttributeError):
        return None
    for point in points or []:
        code = point.get("customdata")
        if isinstance(code, list):
            code = code[0]
        if code:
            return str(code)
    return None


def kpi_board(sections, *, delta_label: str) -> None:
    """Draw KPI sections (from lib.overview.kpi_cards) as one responsive board of cards."""
    import html

    parts = ["<div class='kpi-board'>"]
    for label, cards in sections:
        n = len(cards)
        parts.append(f"<div class='kpi-section' style='flex: {n} 1 {n * 170}px'><h4>{html.escape(label)}</h4>"
                     f"<div class='kpi-grid' style='grid-template-columns: repeat({n}, minmax(0, 1fr))'>")
        for card in cards:
            parts.append(f"<div class='kpi-card' data-kpi='{card.key}'><div class='label'>{html.escape(card.label)}</div>"
                         f"<div class='value'>{html.escape(card.value)}</div>")
            if card.delta:
                up, down = card.delta.startswith("+"), card.delta.startswith("-")
                if up or down:  # '+0.0' / '-0' read as unchanged too
                    up = up and any(ch in "123456789" for ch in card.delta)
                    down = down and any(ch in "123456789" for ch in card.delta)
                tone = ""  # 持平 / unchanged / zero: neutral
                if card.delta_color != "off" and (up or down):
                    tone = "good" if up == (card.delta_color == "normal") else "bad"
                arrow = "▲" if up else "▼" if down else ""
                parts.append(f"<div class='delta {tone}' title='{html.escape(delta_label)}'>{arrow} {html.escape(card.delta)}"
                             f" <span style='color:{palette.MUTED}'>{html.escape(delta_label)}</span></div>")
            if card.status_text:
                parts.append(f"<div class='status {card.status}'>● {html.escape(card.status_text)}</div>")
            if card.rank_text:
                parts.append(f"<div class='rank'>{html.escape(card.rank_text)}</div>")
            parts.append("</div>")
        parts.append("</div></div>")
    parts.append("</div>")
    st.markdown("".join(parts), unsafe_allow_html=True)
