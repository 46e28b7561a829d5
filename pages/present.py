"""汇报模式: full-screen slides for inspection visits, the briefing deck (.pptx) and the written summary.

Setup view: choose and order the slides, the township, an optional meeting date for the cover, auto-advance;
preview with data tables; download the deck. Slide view (?show=1): no sidebar, toolbar or menu; the slide fills
the window (type in vh, the chart stretches into the free height) and the navigation bar (previous/next, counter,
auto-advance state with pause/resume, as-of date and source, exit) is pinned to the bottom. Nothing scrolls at
1920×1080 or 1366×768 (tests/test_browser_present.py measures it).
"""
import dataclasses
import html
import time
from datetime import date

import streamlit as st

import ui
from lib import briefing, cached, narrative, palette
from lib.narrative import SLIDES

ctx = ui.page_setup("page_present")
ss, qp = st.session_state, st.query_params

# Type in the slide view scales with the screen height (vh), so one layout fits a 1920×1080 projector and a
# 1366×768 one; the setup view's preview overrides it with fixed sizes (.st-key-present_preview_box).
SLIDE_CSS = f"""
<style>
.slide-head {{ display: flex; align-items: baseline; justify-content: space-between; gap: 2vw;
  border-bottom: 2px solid {palette.GRID}; margin-bottom: 1.8vh; padding-bottom: 0.6vh; }}
.slide-title {{ font-size: clamp(1.8rem, 4.6vh, 3.4rem); font-weight: 700; color: {palette.INK};
  border-left: 0.9vh solid {palette.PARTY_RED}; padding-left: 1.6vh; line-height: 1.2; white-space: nowrap; }}
.slide-scope {{ font-size: clamp(1.1rem, 2.6vh, 2rem); color: {palette.MUTED}; white-space: nowrap; }}
.slide-tiles {{ display: grid; gap: 1.6vh 1.2vw; margin-bottom: 0.4vh; }}
.slide-tile {{ background: #F7F8FA; border: 1px solid {palette.GRID}; border-radius: 10px; padding: 1.1vh 1.1vw 1.2vh 1.1vw;
  border-top: 0.5vh solid {palette.BASE_LIGHT}; }}
.slide-tile .l {{ font-size: clamp(0.95rem, 2.3vh, 1.7rem); color: {palette.MUTED}; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; line-height: 1.3; }}
.slide-tile .v {{ font-size: clamp(2rem, 7.2vh, 5.4rem); font-weight: 700; color: {palette.INK}; line-height: 1.1;
  font-variant-numeric: tabular-nums; white-space: nowrap; }}
.slide-tile .n, .slide-tile .s {{ font-size: clamp(0.8rem, 1.8vh, 1.35rem); color: {palette.MUTED}; line-height: 1.35;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.slide-tile .s.good {{ color: {palette.GOOD}; }}
.slide-tile .s.bad {{ color: {palette.BAD}; }}
.slide-tiles.many .slide-tile .v {{ font-size: clamp(1.8rem, 6vh, 4.4rem); }}
.st-key-slide_fill .slide-tiles.many .slide-tile .v {{ font-size: clamp(2rem, 8.2vh, 6rem); }}
.st-key-slide_fill .slide-tiles.many .slide-tile .l {{ font-size: clamp(1rem, 2.6vh, 1.9rem); }}
.st-key-slide_fill .slide-tiles.many .slide-tile .n, .st-key-slide_fill .slide-tiles.many .slide-tile .s {{
  font-size: clamp(0.85rem, 2vh, 1.5rem); }}
.slide-points {{ background: #FBF3F4; border-radius: 10px; padding: 2vh 1.4vw; font-size: clamp(1.05rem, 2.75vh, 2.1rem);
  line-height: 1.6; color: {palette.INK}; border-left: 0.6vh solid {palette.PARTY_RED}; }}
.slide-points h5 {{ color: {palette.PARTY_RED}; font-size: clamp(0.95rem, 2.3vh, 1.7rem); margin: 0 0 1vh 0; padding: 0; }}
.slide-points p {{ margin: 0 0 1.2vh 0; }}
.slide-points p:last-child {{ margin-bottom: 0; }}
.slide-chart-title {{ font-size: clamp(1.05rem, 2.7vh, 2rem); font-weight: 700; color: {palette.INK}; margin: 0.6vh 0 0 0;
  line-height: 1.3; }}
.slide-caption {{ font-size: clamp(0.8rem, 1.7vh, 1.3rem); color: {palette.MUTED}; line-height: 1.35; }}
.slide-cover {{ min-height: 68vh; display: flex; flex-direction: column; justify-content: center;
  padding: 0 3vw; border-left: 1.2vh solid {palette.PARTY_RED}; }}
.slide-cover .t {{ font-size: clamp(2.4rem, 8vh, 6.2rem); font-weight: 700; color: {palette.INK}; line-height: 1.2; }}
.slide-cover .st {{ font-size: clamp(1.2rem, 3.6vh, 2.7rem); color: {palette.MUTED}; margin: 2.6vh 0 6vh 0; line-height: 1.5; }}
.slide-cover .st b {{ color: {palette.INK}; font-weight: 600; }}
.slide-cover .p {{ font-size: clamp(1.1rem, 3.4vh, 2.5rem); line-height: 1.6; color: {palette.INK}; max-width: 82vw; }}
.slide-counter {{ font-size: clamp(0.95rem, 2.2vh, 1.6rem); color: {palette.INK}; text-align: center; white-space: nowrap;
  font-variant-numeric: tabular-nums; line-height: 1.3; }}
.slide-counter .auto {{ display: block; font-size: clamp(0.75rem, 1.5vh, 1.1rem); color: {palette.MUTED}; }}
.slide-footer {{ font-size: clamp(0.75rem, 1.55vh, 1.15rem); color: {palette.MUTED}; line-height: 1.35; text-align: right; }}
.slide-empty {{ font-size: clamp(1.05rem, 2.5vh, 1.8rem); color: {palette.MUTED}; padding: 8vh 2vw; margin-top: 1vh;
  background: #F7F8FA; border: 1px dashed {palette.GRID}; border-radius: 10px; text-align: center; }}
/* the preview in the setup view is the same slide at a smaller, fixed scale */
.st-key-present_preview_box .slide-title {{ font-size: 2rem; border-left-width: 8px; padding-left: 14px; }}
.st-key-present_preview_box .slide-scope {{ font-size: 1.1rem; }}
.st-key-present_preview_box .slide-head {{ margin-bottom: 14px; padding-bottom: 4px; }}
.st-key-present_preview_box .slide-tiles {{ gap: 12px; }}
.st-key-present_preview_box .slide-tile {{ padding: 10px 14px; border-top-width: 4px; }}
.st-key-present_preview_box .slide-tile .v {{ font-size: 2.2rem; }}
.st-key-present_preview_box .slide-tile .l {{ font-size: 1rem; }}
.st-key-present_preview_box .slide-tile .n, .st-key-present_preview_box .slide-tile .s {{ font-size: 0.85rem; }}
.st-key-present_preview_box .slide-points {{ font-size: 1.15rem; padding: 14px 18px; border-left-width: 5px; }}
.st-key-present_preview_box .slide-points h5 {{ font-size: 1.05rem; margin-bottom: 8px; }}
.st-key-present_preview_box .slide-points p {{ margin-bottom: 8px; }}
.st-key-present_preview_box .slide-chart-title {{ font-size: 1.2rem; }}
.st-key-present_preview_box .slide-caption {{ font-size: 0.9rem; }}
.st-key-present_preview_box .slide-cover {{ min-height: 380px; padding: 0 2vw; border-left-width: 10px; }}
.st-key-present_preview_box .slide-cover .t {{ font-size: 2.6rem; }}
.st-key-present_preview_box .slide-cover .st {{ font-size: 1.3rem; margin: 12px 0 24px 0; }}
.st-key-present_preview_box .slide-cover .p {{ font-size: 1.2rem; }}
/* the slide picker: every chosen slide stays visible (chips wrap instead of being cut off) */
.st-key-present_slides [data-baseweb="select"] > div {{ height: auto !important; max-height: none !important; }}
.st-key-present_slides [data-baseweb="select"] > div > div:first-child {{ flex-wrap: wrap !important;
  overflow: visible !important; max-height: none !important; }}
</style>
"""

# The slide view is one screen: the page is exactly the window height, the slide (.st-key-slide_stage) takes
# whatever the navigation bar (.st-key-slide_nav) leaves, the chart grows to fill the body, nothing scrolls.
FULLSCREEN_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], #MainMenu, footer
{ display: none !important; }
[data-testid="stMain"] { margin-left: 0 !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 2.6vh 2.6vw 1.6vh 2.6vw !important;
  max-width: 100% !important; height: 100vh; box-sizing: border-box; display: flex; flex-direction: column; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { flex: 1 1 0; min-height: 0; gap: 0; }
[data-testid="stLayoutWrapper"]:has(.st-key-slide_stage), .st-key-slide_body,
[data-testid="stLayoutWrapper"]:has(> .st-key-slide_body) { flex: 1 1 0 !important; min-height: 0; }
.st-key-slide_show { height: 100%; gap: 1.4vh; }
.st-key-slide_stage { flex: 1 1 0; min-height: 0; gap: 1.2vh; overflow: hidden; }
.st-key-slide_body > [data-testid="stLayoutWrapper"], .st-key-slide_body [data-testid="stHorizontalBlock"] { height: 100%; }
.st-key-slide_body [data-testid="stColumn"] > [data-testid="stVerticalBlock"] { height: 100%; gap: 0.6vh; }
[data-testid="stLayoutWrapper"]:has(> .st-key-slide_chart) { flex: 1 1 0; min-height: 0; }
.st-key-slide_chart { flex: 1 1 0; min-height: 0; height: 100%; }
.st-key-slide_chart > [data-testid="stElementContainer"] { flex: 1 1 0; min-height: 0; }
.st-key-slide_show [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
/* a cover, or a slide without a chart: its first block (the cover, or title and tiles) takes the free height */
[data-testid="stLayoutWrapper"]:has(> .st-key-slide_fill) { flex: 1 1 0; min-height: 0; }
.st-key-slide_fill { flex: 1 1 0; min-height: 0; height: 100%; }
.st-key-slide_fill > [data-testid="stElementContainer"], .st-key-slide_fill .stMarkdown, .st-key-slide_fill .stMarkdown > div,
.st-key-slide_fill [data-testid="stMarkdownContainer"] { height: 100%; }
.st-key-slide_fill [data-testid="stMarkdownContainer"] { display: flex; flex-direction: column; }
.st-key-slide_fill .slide-tiles { flex: 1 1 auto; grid-auto-rows: 1fr; margin-bottom: 0; }
.st-key-slide_fill .slide-tile { display: flex; flex-direction: column; justify-content: center; padding-left: 1.6vw; }
.st-key-slide_fill .slide-cover { height: 100%; min-height: 0; box-sizing: border-box; }
/* a window shorter than a 768-line projector (browser not in full screen): smaller chart labels, still one per row */
@media (max-height: 720px) {
  .st-key-slide_chart .ytick text, .st-key-slide_chart .xtick text { font-size: 12px !important; }
  .st-key-slide_chart text.bartext, .st-key-slide_chart .textpoint text { font-size: 11px !important; }
}
.st-key-slide_nav { flex: 0 0 auto; border-top: 2px solid #E4E7EB; padding-top: 1.2vh; }
.st-key-slide_nav .stButton button { min-height: 5vh; }
.st-key-slide_nav .stButton button p { font-size: clamp(1rem, 2.2vh, 1.6rem) !important; }
</style>
"""


def slide_label(key: str) -> str:
    return ctx.t(f"present_slide_{key}")


# --- state: chosen slides (in order), current slide, view mode; shared links carry ?slides=…&show=1 ---
if "present_slides" not in ss:
    from_url = [s for s in (qp.get("slides") or "").split(",") if s in SLIDES]
    ss["present_slides"] = from_url or list(SLIDES)
    ss["present_show"] = qp.get("show") == "1"
    ss["present_idx"] = 0
    ss["present_last"] = time.time()
    ss["present_auto"] = 0
    ss["present_paused"] = False
# The slide view draws neither the slide picker nor the interval box; re-setting their values keeps them (Streamlit
# would drop a widget's value after a full run that does not draw it, e.g. after 暂停 or a language switch).
for _key in ("present_slides", "present_auto"):
    if _key in ss:
        ss[_key] = ss[_key]
if "present_report_day" not in ss:  # the date of the meeting, set by the presenter; none by default
    try:
        ss["present_report_day"] = date.fromisoformat(qp.get("presented") or "")
    except ValueError:
        ss["present_report_day"] = None


def go(step: int, n: int) -> None:
    ss["present_idx"] = (ss.get("present_idx", 0) + step) % max(n, 1)
    ss["present_last"] = time.time()


def set_show(on: bool) -> None:
    ss["present_show"] = on
    ss["present_idx"] = 0
    ss["present_last"] = time.time()
    ss["present_paused"] = False


def toggle_pause() -> None:
    ss["present_paused"] = not ss.get("present_paused", False)
    ss["present_last"] = time.time()
    ss["_present_rerun_app"] = True  # the auto-advance timer belongs to the whole page, not the fragment


def pick_township() -> None:
    ss["_pending_township"] = ss["present_township_pick"]


def pick_report_day() -> None:
    ss["present_report_day"] = ss.get("present_report_date")


chosen = [s for s in ss["present_slides"] if s in SLIDES]
report_day = ss.get("present_report_day")
slides_param = ",".join(chosen) if chosen != list(SLIDES) else None
for key, value in (("slides", slides_param), ("show", "1" if ss["present_show"] and chosen else None),
                   ("presented", report_day.isoformat() if report_day else None)):
    if value is None:
        qp.pop(key, None)
    elif qp.get(key) != value:
        qp[key] = value

# the slides' queries go through the cache one by one, shared with the summary below and the overview page
deck = briefing.build_slides(ctx.engine, scope=ctx.scope, as_of=ctx.as_of, scope_name=ctx.scope_name,
                             slides=tuple(chosen), lang=ctx.lang, is_demo=ctx.is_demo, query=cached.query) if chosen else None
if deck is not None and report_day:
    # The cover leads with the as-of date; the date of the meeting only when the presenter has set it.
    cover = ctx.t("present_title_sub_dated", date=narrative.date_text(ctx.as_of, ctx.lang),
                  today=narrative.date_text(report_day, ctx.lang))
    deck = dataclasses.replace(deck, slides=[dataclasses.replace(s, subtitle=cover) if s.key == "title" else s
                                             for s in deck.slides])


def tiles_html(tiles) -> str:
    cols = min(4, max(1, len(tiles)))
    many = " many" if len(tiles) > 4 else ""
    parts = [f"<div class='slide-tiles{many}' style='grid-template-columns: repeat({cols}, minmax(0, 1fr))'>"]
    for tile in tiles:
        parts.append(f"<div class='slide-tile'><div class='l'>{html.escape(tile.label)}</div>"
                     f"<div class='v'>{html.escape(tile.value)}</div>")
        if tile.note:
            parts.append(f"<div class='n'>{html.escape(ctx.t('vs_last_year'))} {html.escape(tile.note)}</div>")
        if tile.status_text:
            parts.append(f"<div class='s {tile.status}'>● {html.escape(tile.status_text)}</div>")
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def points_html(points: list[str], *, heading: bool = True) -> str:
    head = f"<h5>{html.escape(ctx.t('present_points'))}</h5>" if heading else ""
    return f"<div class='slide-points'>{head}{''.join(f'<p>{html.escape(p)}</p>' for p in points)}</div>"


def chart_figure(chart, *, height: int | None):
    """Return the slide's plotly figure without its own title (the page draws it); height None fills the slide."""
    big = len(chart.categories) <= 10
    # labels side by side under columns or a line: a size that keeps them level on a 1366-wide projector
    fig = briefing.slide_figure(chart, height=height or 480, font_size=22 if chart.kind == "bar" and big else 18)
    top = 34 if chart.target is not None or len(chart.series) > 1 else 12
    fig.update_layout(title=None, margin={"l": 10, "r": 50, "t": top, "b": 6},
                      uniformtext={"minsize": 15 if big else 13, "mode": "show"})  # value labels stay readable on thin bars
    # every category keeps its label however small the screen (plotly would skip every other one)
    (fig.update_yaxes if chart.kind == "bar" else fig.update_xaxes)(dtick=1)
    if chart.kind != "bar":  # level labels; a masked count's "（<5）" goes on a second line
        fig.update_xaxes(tickangle=0, tickvals=chart.categories,
                         ticktext=[c.replace("（", "<br>（").replace(" (", "<br>(") for c in chart.categories])
    if chart.kind == "line":  # the target's label at the right end, clear of the first points' values
        fig.update_annotations(x=1, xanchor="right")
    if height is None:
        fig.update_layout(height=None, autosize=True)
    return fig


def draw_slide(slide, *, chart_height: int | None, key: str) -> None:
    """Draw one slide of the deck (layout only: the content comes from lib.briefing).

    chart_height None: the chart fills the space the slide view leaves for it (see FULLSCREEN_CSS).
    """
    fill = "slide_fill" if chart_height is None else None
    if slide.key in ("title", "closing"):
        st.container(key=fill).markdown(f"<div class='slide-cover'><div class='t'>{html.escape(slide.title)}</div>"
                    f"<div class='st'>{html.escape(slide.subtitle)}</div>"
                    f"<div class='p'>{''.join(f'<p>{html.escape(p)}</p>' for p in slide.points)}</div></div>",
                    unsafe_allow_html=True)
        return
    (st.container(key=fill) if slide.chart is None else st).markdown(
        f"<div class='slide-head'><div class='slide-title'>{html.escape(slide.title)}</div>"
        f"<div class='slide-scope'>{html.escape(slide.subtitle)}</div></div>" + tiles_html(slide.tiles),
        unsafe_allow_html=True)
    if slide.chart is None:
        st.markdown(points_html(slide.points), unsafe_allow_html=True)
        return
    with st.container(key=f"{key}_body" if key != "show" else "slide_body"):
        left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown(f"<div class='slide-chart-title'>{html.escape(slide.chart.title)}</div>", unsafe_allow_html=True)
        if slide.chart.has_data:
            with st.container(key="slide_chart" if chart_height is None else None):
                st.plotly_chart(chart_figure(slide.chart, height=chart_height), key=f"{key}_{slide.key}_chart",
                                height="stretch" if chart_height is None else "content",
                                config={"displayModeBar": False, "staticPlot": True, "responsive": True})
        else:
            st.markdown(f"<div class='slide-empty'>{html.escape(ctx.t('present_no_chart_data'))}</div>",
                        unsafe_allow_html=True)
        st.markdown(f"<div class='slide-caption'>{html.escape(slide.chart.caption)}</div>", unsafe_allow_html=True)
    with right:
        st.markdown(points_html(slide.points), unsafe_allow_html=True)


st.markdown(SLIDE_CSS, unsafe_allow_html=True)

if ss["present_show"] and deck is not None:
    # --- slide view: the slide above, the navigation bar pinned to the bottom of the screen ---
    st.markdown(FULLSCREEN_CSS, unsafe_allow_html=True)
    n = len(deck.slides)
    interval = int(ss.get("present_auto") or 0)
    running = interval if interval and not ss.get("present_paused") else 0

    def slide_view() -> None:
        if ss.pop("_present_rerun_app", False):
            st.rerun()
        if running and time.time() - ss.get("present_last", 0) >= running - 0.5:
            go(1, n)
        idx = ss.get("present_idx", 0) % n
        with st.container(key="slide_show"):
            with st.container(key="slide_stage"):
                draw_slide(deck.slides[idx], chart_height=None, key="show")
            with st.container(key="slide_nav"):
                c1, c2, c3, c4, c5 = st.columns([1.15, 1.15, 1.6, 2.9, 1.15], vertical_alignment="center")
                c1.button(ctx.t("present_prev"), key="present_prev", icon=":material/chevron_left:", on_click=go,
                          args=(-1, n), width="stretch")
                c2.button(ctx.t("present_next"), key="present_next", icon=":material/chevron_right:", on_click=go,
                          args=(1, n), width="stretch", type="primary")
                if not interval:
                    state = ctx.t("present_auto_off")
                elif running:
                    state = ctx.t("present_auto_on", s=interval)
                else:
                    state = ctx.t("present_auto_paused", s=interval)
                c3.markdown(f"<div class='slide-counter'>{html.escape(ctx.t('present_counter', i=idx + 1, n=n))}"
                            f"<span class='auto'>{html.escape(state)}</span></div>", unsafe_allow_html=True)
                with c4.container(horizontal=True, vertical_alignment="center", gap="medium"):
                    if interval:
                        st.button(ctx.t("present_resume" if ss.get("present_paused") else "present_pause"),
                                  key="present_pause", on_click=toggle_pause, width="content",
                                  icon=":material/play_arrow:" if ss.get("present_paused") else ":material/pause:")
                    st.markdown(f"<div class='slide-footer'>{html.escape(deck.footer)}</div>", unsafe_allow_html=True)
                c5.button(ctx.t("present_exit"), key="present_exit", icon=":material/close:", on_click=set_show,
                          args=(False,), width="stretch")

    (st.fragment(run_every=running)(slide_view) if running else st.fragment(slide_view))()
else:
    # --- setup view ---
    ss["present_show"] = False
    ui.header(ctx, ctx.t("present_heading"))
    st.caption(ctx.t("present_intro"))
    st.multiselect(ctx.t("present_slides"), options=list(SLIDES), key="present_slides", format_func=slide_label)
    c1, c2, c3 = st.columns(3)
    with c1:
        codes = [""] + list(ctx.townships["code"])
        names = dict(zip(ctx.townships["code"], ctx.townships["name"]))
        ss["present_township_pick"] = ctx.township or ""
        st.selectbox(ctx.t("present_township"), codes, key="present_township_pick", on_change=pick_township,
                     format_func=lambda c: names.get(c, ctx.t("all_district")))
    with c2:
        ss["present_report_date"] = report_day
        st.date_input(ctx.t("present_report_date"), value=None, key="present_report_date", on_change=pick_report_day,
                      help=ctx.t("present_report_date_help"), format="YYYY-MM-DD")
    with c3:
        st.number_input(ctx.t("present_auto"), min_value=0, max_value=600, step=5, key="present_auto")
    if not chosen:
        st.info(ctx.t("present_no_slides"))
        st.stop()
    buttons = st.container(horizontal=True, gap="small")
    buttons.button(ctx.t("present_start"), key="present_start", type="primary", icon=":material/slideshow:",
                   on_click=set_show, args=(True,), width="content")
    stem = f"{ctx.t('present_title_main', name=ctx.scope_name)}_{ctx.as_of.isoformat()}"
    buttons.download_button(ctx.t("present_download"), key="present_download", icon=":material/download:",
                            help=ctx.t("present_download_help"), file_name=f"{stem}.pptx", width="content",
                            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                            data=lambda: briefing.to_pptx(deck), on_click="ignore")
    st.caption(ctx.t("present_privacy_note"))

    st.subheader(ctx.t("present_preview"))
    preview = st.segmented_control(ctx.t("present_preview"), options=list(range(len(deck.slides))), key="present_preview_idx",
                                   default=0, format_func=lambda i: f"{i + 1}. {slide_label(deck.slides[i].key)}",
                                   label_visibility="collapsed")
    slide = deck.slides[min(preview or 0, len(deck.slides) - 1)]
    with st.container(border=True, key="present_preview_box"):
        draw_slide(slide, chart_height=440, key="preview")
    if slide.tiles:
        tiles = briefing.tiles_table(slide, item=ctx.t("present_col_item"), value=ctx.t("present_col_value"))
        title = ctx.t("present_table_title", slide=slide_label(slide.key))
        st.dataframe(tiles, hide_index=True, width="stretch", key="present_tiles_table")
        ui.table_downloads(ctx, tiles, title=title, key="present_tiles_dl")
    if slide.chart is not None and slide.chart.categories:
        table = slide.chart.table(ctx.t("present_col_item"))
        st.dataframe(table, hide_index=True, width="stretch", key="present_chart_table")
        ui.table_downloads(ctx, table, title=slide.chart.title, key="present_chart_dl")

    summary = narrative.overview_summary(ctx.engine, scope=ctx.scope, as_of=ctx.as_of, scope_name=ctx.scope_name,
                                         lang=ctx.lang, private=True, query=cached.query)
    with st.expander(ctx.t("present_summary"), expanded=False):
        st.code(summary.text, language=None, wrap_lines=True)
