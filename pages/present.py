"""汇报模式: full-screen slides for inspection visits, the briefing deck (.pptx) and the written summary.

Setup view: choose and order the slides, the township, auto-advance; preview with data tables;
download the deck. Slide view (?show=1): no sidebar, toolbar or menu, large type for 1920×1080,
previous/next buttons, a slide counter and optional auto-advance (a fragment that reruns itself).
"""
import html
import time

import streamlit as st

import ui
from lib import briefing, cached, narrative, palette
from lib.narrative import SLIDES

ctx = ui.page_setup("page_present")
ss, qp = st.session_state, st.query_params

SLIDE_CSS = f"""
<style>
.slide-head {{ display: flex; align-items: baseline; justify-content: space-between;
  border-bottom: 2px solid {palette.GRID}; margin-bottom: 18px; }}
.slide-title {{ font-size: 2.9rem; font-weight: 700; color: {palette.INK}; border-left: 10px solid {palette.PARTY_RED};
  padding-left: 18px; line-height: 1.3; }}
.slide-scope {{ font-size: 1.5rem; color: {palette.MUTED}; }}
.slide-tiles {{ display: grid; gap: 16px; margin-bottom: 14px; }}
.slide-tile {{ background: #F7F8FA; border: 1px solid {palette.GRID}; border-radius: 10px; padding: 12px 18px; }}
.slide-tile .l {{ font-size: 1.25rem; color: {palette.MUTED}; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.slide-tile .v {{ font-size: 3.1rem; font-weight: 700; color: {palette.INK}; line-height: 1.15;
  font-variant-numeric: tabular-nums; }}
.slide-tile .n {{ font-size: 1.05rem; color: {palette.MUTED}; }}
.slide-tile .s.good {{ font-size: 1.05rem; color: {palette.GOOD}; }}
.slide-tile .s.bad {{ font-size: 1.05rem; color: {palette.BAD}; }}
.slide-points {{ background: #FBF3F4; border-radius: 10px; padding: 18px 22px; font-size: 1.55rem; line-height: 1.65;
  color: {palette.INK}; }}
.slide-points h5 {{ color: {palette.PARTY_RED}; font-size: 1.3rem; margin: 0 0 8px 0; padding: 0; }}
.slide-points p {{ margin: 0 0 10px 0; }}
.slide-cover {{ padding: 9vh 2vw 2vh 2vw; border-top: 8px solid {palette.PARTY_RED}; }}
.slide-cover .t {{ font-size: 4.2rem; font-weight: 700; color: {palette.INK}; line-height: 1.25; }}
.slide-cover .st {{ font-size: 1.8rem; color: {palette.MUTED}; margin: 22px 0 40px 0; }}
.slide-cover .p {{ font-size: 1.7rem; line-height: 1.7; color: {palette.INK}; max-width: 70vw; }}
.slide-counter {{ font-size: 1.3rem; color: {palette.MUTED}; text-align: center; padding-top: 6px; }}
.slide-footer {{ font-size: 1rem; color: {palette.MUTED}; }}
.slide-empty {{ font-size: 1.4rem; color: {palette.MUTED}; padding: 40px 0; }}
/* the preview in the setup view is the same slide at a smaller scale */
.st-key-present_preview_box .slide-title {{ font-size: 2rem; }}
.st-key-present_preview_box .slide-scope {{ font-size: 1.1rem; }}
.st-key-present_preview_box .slide-tile .v {{ font-size: 2.2rem; }}
.st-key-present_preview_box .slide-tile .l {{ font-size: 1rem; }}
.st-key-present_preview_box .slide-points {{ font-size: 1.15rem; }}
.st-key-present_preview_box .slide-cover {{ padding: 3vh 1vw 1vh 1vw; }}
.st-key-present_preview_box .slide-cover .t {{ font-size: 2.6rem; }}
.st-key-present_preview_box .slide-cover .st {{ font-size: 1.3rem; margin: 12px 0 20px 0; }}
.st-key-present_preview_box .slide-cover .p {{ font-size: 1.2rem; }}
</style>
"""

FULLSCREEN_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"], #MainMenu, footer
{ display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 1.6rem 3rem 0.6rem 3rem !important; max-width: 100% !important; }
[data-testid="stMain"] { margin-left: 0 !important; }
[data-testid="stCaptionContainer"] { font-size: 1.05rem !important; }
.stButton button p { font-size: 1.25rem !important; }
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


def go(step: int, n: int) -> None:
    ss["present_idx"] = (ss.get("present_idx", 0) + step) % max(n, 1)
    ss["present_last"] = time.time()


def set_show(on: bool) -> None:
    ss["present_show"] = on
    ss["present_idx"] = 0
    ss["present_last"] = time.time()


def pick_township() -> None:
    ss["_pending_township"] = ss["present_township_pick"]


chosen = [s for s in ss["present_slides"] if s in SLIDES]
slides_param = ",".join(chosen) if chosen != list(SLIDES) else None
for key, value in (("slides", slides_param), ("show", "1" if ss["present_show"] and chosen else None)):
    if value is None:
        qp.pop(key, None)
    elif qp.get(key) != value:
        qp[key] = value

deck = cached.query(briefing.build_slides, scope=ctx.scope, as_of=ctx.as_of, scope_name=ctx.scope_name,
                    slides=tuple(chosen), lang=ctx.lang, is_demo=ctx.is_demo) if chosen else None


def tiles_html(tiles) -> str:
    cols = min(4, max(1, len(tiles)))
    parts = [f"<div class='slide-tiles' style='grid-template-columns: repeat({cols}, minmax(0, 1fr))'>"]
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


def draw_slide(slide, *, chart_height: int, key: str) -> None:
    """Draw one slide of the deck (layout only: the content comes from lib.briefing)."""
    if slide.key in ("title", "closing"):
        st.markdown(f"<div class='slide-cover'><div class='t'>{html.escape(slide.title)}</div>"
                    f"<div class='st'>{html.escape(slide.subtitle)}</div>"
                    f"<div class='p'>{''.join(f'<p>{html.escape(p)}</p>' for p in slide.points)}</div></div>",
                    unsafe_allow_html=True)
        return
    st.markdown(f"<div class='slide-head'><div class='slide-title'>{html.escape(slide.title)}</div>"
                f"<div class='slide-scope'>{html.escape(slide.subtitle)}</div></div>" + tiles_html(slide.tiles),
                unsafe_allow_html=True)
    if slide.chart is None:
        st.markdown(points_html(slide.points), unsafe_allow_html=True)
        return
    left, right = st.columns([3, 2], gap="large")
    with left:
        if slide.chart.has_data:
            st.plotly_chart(briefing.slide_figure(slide.chart, height=chart_height), key=f"{key}_{slide.key}_chart",
                            config={"displayModeBar": False, "staticPlot": True})
        else:
            st.markdown(f"<div class='slide-empty'><b>{html.escape(slide.chart.title)}</b><br>"
                        f"{html.escape(ctx.t('present_no_chart_data'))}</div>", unsafe_allow_html=True)
        st.caption(slide.chart.caption)
    with right:
        st.markdown(points_html(slide.points), unsafe_allow_html=True)


st.markdown(SLIDE_CSS, unsafe_allow_html=True)

if ss["present_show"] and deck is not None:
    # --- slide view ---
    st.markdown(FULLSCREEN_CSS, unsafe_allow_html=True)
    n = len(deck.slides)
    interval = int(ss.get("present_auto") or 0)

    def slide_view() -> None:
        if interval and time.time() - ss.get("present_last", 0) >= interval - 0.5:
            go(1, n)
        idx = ss.get("present_idx", 0) % n
        draw_slide(deck.slides[idx], chart_height=540, key="show")
        c1, c2, c3, c4, c5 = st.columns([1.2, 1.2, 3, 1.2, 1.2], vertical_alignment="center")
        c1.button(ctx.t("present_prev"), key="present_prev", icon=":material/chevron_left:", on_click=go, args=(-1, n),
                  width="stretch")
        c2.button(ctx.t("present_next"), key="present_next", icon=":material/chevron_right:", on_click=go, args=(1, n),
                  width="stretch", type="primary")
        c3.markdown(f"<div class='slide-counter'>{html.escape(ctx.t('present_counter', i=idx + 1, n=n))}"
                    f"　·　<span class='slide-footer'>{html.escape(deck.footer)}</span></div>", unsafe_allow_html=True)
        c5.button(ctx.t("present_exit"), key="present_exit", icon=":material/close:", on_click=set_show, args=(False,),
                  width="stretch")

    (st.fragment(run_every=interval)(slide_view) if interval else st.fragment(slide_view))()
else:
    # --- setup view ---
    ss["present_show"] = False
    ui.header(ctx, ctx.t("present_heading"))
    st.caption(ctx.t("present_intro"))
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.multiselect(ctx.t("present_slides"), options=list(SLIDES), key="present_slides", format_func=slide_label)
    with right:
        codes = [""] + list(ctx.townships["code"])
        names = dict(zip(ctx.townships["code"], ctx.townships["name"]))
        ss["present_township_pick"] = ctx.township or ""
        st.selectbox(ctx.t("present_township"), codes, key="present_township_pick", on_change=pick_township,
                     format_func=lambda c: names.get(c, ctx.t("all_district")))
        st.number_input(ctx.t("present_auto"), min_value=0, max_value=600, step=5, key="present_auto")
    if not chosen:
        st.info(ctx.t("present_no_slides"))
        st.stop()
    b1, b2, _ = st.columns([1, 1.4, 2])
    b1.button(ctx.t("present_start"), key="present_start", type="primary", icon=":material/slideshow:",
              on_click=set_show, args=(True,), width="stretch")
    stem = f"{ctx.t('present_title_main', name=ctx.scope_name)}_{ctx.as_of.isoformat()}"
    b2.download_button(ctx.t("present_download"), key="present_download", icon=":material/download:",
                       help=ctx.t("present_download_help"), file_name=f"{stem}.pptx", width="stretch",
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

    summary = cached.query(narrative.overview_summary, scope=ctx.scope, as_of=ctx.as_of, scope_name=ctx.scope_name,
                           lang=ctx.lang, private=True)
    with st.expander(ctx.t("present_summary"), expanded=False):
        st.code(summary.text, language=None, wrap_lines=True)
