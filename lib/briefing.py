"""The slides of 汇报模式 as plain data, and the briefing deck (.pptx) built from the same slides.

`build_slides(...)` returns a Deck: per slide a title, KPI tiles, one chart spec and 1–2 talking
points from lib.narrative. The presentation page draws a Deck with HTML and plotly
(`slide_figure`); `to_pptx(deck)` writes it with python-pptx NATIVE charts (editable in PowerPoint
and WPS), an East Asian font on every run of text, and a footer with the as-of date and source.

No slide carries personal data: only aggregates, people counts of 1–4 shown as "<5" (lib.privacy).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pandas as pd

from lib import config, fmt, palette, privacy
from lib.i18n import t
from lib.narrative import SLIDES, Facts, Writer, date_text, gather
from lib.overview import kpi_cards
from lib.scope import Scope

PEOPLE_KEYS = {"members_n", "outflow_n", "outflow_at_risk_n", "cadres_n", "respondents_n"}
EA_FONT = "Microsoft YaHei"  # 微软雅黑: on every Windows PC; LibreOffice falls back to Noto Sans CJK SC here
LATIN_FONT = "Microsoft YaHei"


@dataclass(frozen=True)
class Tile:
    """One big number on a slide."""

    label: str
    value: str
    note: str | None = None      # change against a year earlier, e.g. '+3.2个百分点'
    status: str | None = None    # 'good' / 'bad' / None
    status_text: str | None = None


def _vals(values) -> list:
    """Return values as plain floats/ints with None for missing (NaN breaks the chart workbook)."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v) or pd.isna(v):
            out.append(None)
        else:
            out.append(float(v) if isinstance(v, float) or hasattr(v, "dtype") and "float" in str(v.dtype) else int(v))
    return out


@dataclass(frozen=True)
class Chart:
    """A chart spec both plotly and python-pptx can draw: categories x series of values."""

    kind: str                                  # 'bar' (horizontal), 'column' or 'line'
    title: str
    categories: list[str]
    series: list[tuple[str, list]]             # (name, values); None values leave a gap
    is_rate: bool
    value_title: str
    caption: str
    target: float | None = None
    target_label: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "series", [(name, _vals(values)) for name, values in self.series])
        object.__setattr__(self, "categories", [str(c) for c in self.categories])

    @property
    def has_data(self) -> bool:
        """Return True when at least one value can be drawn (all masked or zero: nothing to chart)."""
        return any(v for _, values in self.series for v in values if v is not None)

    def table(self, first_col: str) -> pd.DataFrame:
        """Return the chart's data as a table (rates as percentages, counts as integers)."""
        data = {first_col: self.categories}
        for name, values in self.series:
            data[name] = [fmt.pct(v) if self.is_rate else ("" if v is None else int(v)) for v in values]
        return pd.DataFrame(data)


@dataclass(frozen=True)
class Slide:
    key: str
    title: str
    subtitle: str
    tiles: list[Tile] = field(default_factory=list)
    chart: Chart | None = None
    points: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Deck:
    title: str
    as_of: date
    source: str
    footer: str
    lang: str
    slides: list[Slide]


def _tiles(facts: Facts, keys: list[str], lang: str, *, labels: dict[str, str] | None = None) -> list[Tile]:
    """Return tiles for KPI `keys`, reusing the overview's cards (change, target) with people counts masked."""
    cards = {c.key: c for _, section in kpi_cards(facts.current, facts.previous, lang=lang) for c in section}
    extra = {"nonpublic_n", "respondents_n"}  # not overview cards: value only
    out = []
    for key in keys:
        value = facts.current.get(key)
        card = cards.get(key)
        label = (labels or {}).get(key) or (card.label if card else t(f"kpi_{key}", lang))
        if key in PEOPLE_KEYS:
            before = (facts.previous or {}).get(key)
            small_change = before is not None and value is not None and abs(value - before) < privacy.THRESHOLD
            note = None if (card is None or small_change and value != before) else card.delta
            out.append(Tile(label, privacy.people(value), note, card.status if card else None,
                            card.status_text if card else None))
        elif card is not None and key not in extra:
            out.append(Tile(label, card.value, card.delta, card.status, card.status_text))
        else:
            out.append(Tile(label, fmt.pct(value) if key.endswith("_rate") else fmt.num(value)))
    return out


def _coverage_chart(facts: Facts, lang: str) -> Chart:
    goal = config.target("nonpublic_org_coverage_rate")
    towns = facts.scope_towns.dropna(subset=["nonpublic_org_coverage_rate"])
    if len(towns) >= 2:
        towns = towns.sort_values(["nonpublic_org_coverage_rate", "township_code"], ascending=[False, True])
        return Chart(kind="bar", title=t("present_chart_coverage", lang), categories=list(towns["name"]),
                     series=[(t("present_series_org", lang), list(towns["nonpublic_org_coverage_rate"]))],
                     is_rate=True, value_title=t("present_axis_rate", lang), caption=t("present_caliber_coverage", lang),
                     target=goal, target_label=t("target_line", lang, target=fmt.pct(goal)))
    c = facts.current
    cats = [("present_cat_nonpublic_org", "nonpublic_org_coverage_rate"), ("present_cat_nonpublic_work", "nonpublic_work_coverage_rate"),
            ("present_cat_social_org", "social_org_coverage_rate")]
    return Chart(kind="column", title=t("present_chart_coverage_one", lang, s=facts.scope_name),
                 categories=[t(k, lang) for k, _ in cats],
                 series=[(t("present_axis_rate", lang), [c.get(v) for _, v in cats])], is_rate=True,
                 value_title=t("present_axis_rate", lang), caption=t("present_caliber_coverage", lang),
                 target=goal, target_label=t("target_line", lang, target=fmt.pct(goal)))


OUTFLOW_CITIES = 8  # bars on the outflow slide, 其他 included


def outflow_caption(destinations: pd.DataFrame, lang: str, *, max_rows: int = OUTFLOW_CITIES) -> str:
    """Return the 口径 of the outflow chart, saying truly what 其他 holds (mirrors privacy.chart_rows)."""
    counts = destinations["outflow_n"]
    small = counts.map(privacy.is_small)
    shown = int((~small & (counts > 0)).sum())
    if shown > max_rows:
        rest = t("present_caliber_outflow_top", lang, k=max_rows - 1)
    elif int(counts[small].sum()) >= privacy.THRESHOLD:
        rest = t("present_caliber_outflow_small", lang)
    elif small.any():
        rest = t("present_caliber_outflow_hidden", lang)
    else:
        rest = ""
    return t("present_caliber_outflow", lang, rest=rest).strip()


def _outflow_chart(facts: Facts, lang: str) -> Chart:
    rows = privacy.chart_rows(facts.destinations, label_col="dest_city", value_col="outflow_n",
                              other_label=t("present_other", lang), max_rows=OUTFLOW_CITIES)
    return Chart(kind="bar", title=t("present_chart_outflow", lang), categories=list(rows["dest_city"]),
                 series=[(t("present_axis_people", lang), [int(v) for v in rows["outflow_n"]])], is_rate=False,
                 value_title=t("present_axis_people", lang), caption=outflow_caption(facts.destinations, lang))


def _services_chart(facts: Facts, lang: str) -> Chart:
    cats = facts.categories.head(10)
    return Chart(kind="bar", title=t("present_chart_services", lang, year=facts.as_of.year), categories=list(cats["category"]),
                 series=[(t("present_axis_tickets", lang), [int(v) for v in cats["tickets_n"]])], is_rate=False,
                 value_title=t("present_axis_tickets", lang), caption=t("present_caliber_services", lang))


def _satisfaction_chart(facts: Facts, lang: str) -> Chart:
    p = facts.sat_periods
    goal = config.target("satisfaction_rate")
    return Chart(kind="line", title=t("present_chart_satisfaction", lang), categories=list(p["period"]),
                 series=[(t("kpi_satisfaction_rate", lang), list(p["satisfaction_rate"]))], is_rate=True,
                 value_title=t("present_axis_satisfaction", lang), caption=t("present_caliber_satisfaction", lang),
                 target=goal, target_label=t("target_line", lang, target=fmt.pct(goal)))


def _cadres_chart(facts: Facts, lang: str) -> Chart:
    rows = privacy.band_rows(facts.age_bands, value_col="cadres_n")
    bands = [t(f"present_age_band_{i}", lang) for i in range(len(rows))]
    mask = f"（{privacy.MASK}）" if lang == "zh" else f" ({privacy.MASK})"
    cats = [b + mask if privacy.is_small(n) else b for b, n in zip(bands, facts.age_bands["cadres_n"])]
    return Chart(kind="column", title=t("present_chart_cadres", lang), categories=cats,
                 series=[(t("present_axis_people", lang), list(rows["cadres_n"]))], is_rate=False,
                 value_title=t("present_axis_people", lang), caption=t("present_caliber_cadres", lang))


def build_slides(engine, *, scope: Scope, as_of: date, scope_name: str, slides: list[str] | tuple[str, ...] = SLIDES,
                 lang: str = "zh", query: Callable | None = None, is_demo: bool = False,
                 today: date | None = None) -> Deck:
    """Return the Deck of `slides` (keys of narrative.SLIDES, in the order given) for scope at as_of."""
    facts = gather(engine, scope=scope, as_of=as_of, scope_name=scope_name, query=query)
    writer = Writer(facts, lang=lang, private=True)
    summary = writer.summary()
    district = facts.district_name or ""
    if scope.is_all:
        name = district or scope_name
    else:
        name = f"{district}{scope_name}" if lang == "zh" else (f"{scope_name}, {district}" if district else scope_name)
    app = t("app_title", lang)
    source = t("present_source_demo" if is_demo else "present_source", lang, app=app)
    footer = t("present_footer", lang, date=as_of.isoformat(), source=source)
    sub = scope_name
    c = facts.current
    period = c.get("satisfaction_period")
    sat_label = t("kpi_satisfaction_rate", lang) + ((f"（{period}）" if lang == "zh" else f" ({period})") if period else "")
    made: list[Slide] = []
    for key in slides:
        title = t(f"present_slide_{key}", lang)
        points = summary.points.get(key, [])
        if key == "title":
            made.append(Slide(key, t("present_title_main", lang, name=name),
                              t("present_title_sub", lang, today=date_text(today or date.today(), lang),
                                date=date_text(as_of, lang)), points=points))
        elif key == "overview":
            made.append(Slide(key, title, sub, _tiles(facts, [
                "party_orgs_n", "members_n", "nonpublic_org_coverage_rate", "outflow_n",
                "tickets_n", "tickets_on_time_rate", "satisfaction_rate", "cadres_n"], lang,
                labels={"satisfaction_rate": sat_label}), points=points))
        elif key == "coverage":
            made.append(Slide(key, title, sub, _tiles(facts, [
                "nonpublic_n", "nonpublic_org_coverage_rate", "nonpublic_work_coverage_rate", "should_build_not_built_n"],
                lang), _coverage_chart(facts, lang), points))
        elif key == "outflow":
            made.append(Slide(key, title, sub, _tiles(facts, [
                "outflow_n", "outflow_branches_n", "outflow_at_risk_n", "outflow_at_risk_rate"], lang),
                _outflow_chart(facts, lang), points))
        elif key == "services":
            made.append(Slide(key, title, sub, _tiles(facts, [
                "tickets_n", "tickets_on_time_rate", "tickets_open_overdue_n"], lang), _services_chart(facts, lang), points))
        elif key == "satisfaction":
            made.append(Slide(key, title, sub, _tiles(facts, [
                "satisfaction_rate", "satisfaction_basic_rate", "respondents_n"], lang,
                labels={"satisfaction_rate": sat_label, "respondents_n": t("present_respondents", lang)}),
                _satisfaction_chart(facts, lang), points))
        elif key == "cadres":
            made.append(Slide(key, title, sub, _tiles(facts, [
                "cadres_n", "cadres_40_or_younger_rate", "cadres_bachelor_plus_rate"], lang), _cadres_chart(facts, lang), points))
        elif key == "closing":
            made.append(Slide(key, t("present_closing_title", lang), t("present_closing_sub", lang), points=points))
        else:
            raise ValueError(f"unknown slide: {key}")
    return Deck(title=t("present_title_main", lang, name=name), as_of=as_of, source=source, footer=footer,
                lang=lang, slides=made)


def tiles_table(slide: Slide, *, item: str, value: str) -> pd.DataFrame:
    """Return a slide's tiles as a two-column table (indicator, value as shown)."""
    return pd.DataFrame({item: [x.label for x in slide.tiles], value: [x.value for x in slide.tiles]})


# --- plotly (the presentation page) ---

def slide_figure(chart: Chart, *, height: int = 560, font_size: int = 20):
    """Return a plotly Figure of `chart` with type large enough for a projector."""
    import plotly.graph_objects as go

    from lib.charts import base_layout

    fig = go.Figure()
    scale = 100 if chart.is_rate else 1
    colours = [palette.BASE, palette.BASE_LIGHT, palette.CATEGORICAL[2]]
    for i, (name, values) in enumerate(chart.series):
        ys = [None if v is None else v * scale for v in values]
        text = ["" if v is None else (f"{v:.1f}%" if chart.is_rate else f"{int(v):,}") for v in ys]
        if chart.kind == "line":
            fig.add_trace(go.Scatter(x=chart.categories, y=ys, name=name, mode="lines+markers+text", text=text,
                                     textposition="top center", line={"color": palette.BASE, "width": 4},
                                     marker={"size": 12}, cliponaxis=False))
        elif chart.kind == "bar":
            fig.add_trace(go.Bar(y=chart.categories[::-1], x=ys[::-1], name=name, orientation="h", text=text[::-1],
                                 textposition="outside", cliponaxis=False, marker_color=colours[i % len(colours)]))
        else:
            fig.add_trace(go.Bar(x=chart.categories, y=ys, name=name, text=text, textposition="outside",
                                 cliponaxis=False, marker_color=colours[i % len(colours)]))
    horizontal = chart.kind == "bar"
    base_layout(fig, title=chart.title, height=height,
                x_title=chart.value_title if horizontal else None, y_title=None if horizontal else chart.value_title)
    fig.update_layout(font={"size": font_size}, title={"font": {"size": font_size + 6}}, showlegend=len(chart.series) > 1,
                      legend={"font": {"size": font_size}}, margin={"l": 10, "r": 40, "t": 80, "b": 10},
                      barmode="group", dragmode=False)
    values = [v * scale for _, vs in chart.series for v in vs if v is not None]
    top = max(values + ([chart.target * scale] if chart.target is not None else []) + [0])
    axis = {"ticksuffix": "%" if chart.is_rate else "", "range": [0, top * 1.18 or 1]}
    if chart.kind == "line" and values:
        low = min(values + ([chart.target * scale] if chart.target is not None else []))
        axis["range"] = [max(0, low - (top - low) * 0.6 - 1), min(100 if chart.is_rate else top * 1.1, top + (top - low) * 0.4 + 1)]
    (fig.update_xaxes if horizontal else fig.update_yaxes)(**axis)
    fig.update_xaxes(tickfont={"size": font_size - 2}, title_font={"size": font_size - 2})
    fig.update_yaxes(tickfont={"size": font_size - 2}, title_font={"size": font_size - 2})
    fig.update_traces(textfont={"size": font_size - 2})
    if chart.target is not None:
        line = {"line_color": palette.PARTY_RED, "line_dash": "dash", "line_width": 2,
                "annotation_text": chart.target_label or "", "annotation_font_color": palette.PARTY_RED,
                "annotation_font_size": font_size - 2}
        if horizontal:
            fig.add_vline(x=chart.target * scale, annotation_position="top", **line)
        else:
            fig.add_hline(y=chart.target * scale, annotation_position="top left", **line)
    return fig


# --- python-pptx (the briefing deck) ---

def _set_fonts(rpr, *, latin: str = LATIN_FONT, ea: str = EA_FONT) -> None:
    """Set latin, ea (East Asian) and cs typefaces on an a:rPr / a:defRPr / a:endParaRPr, in schema order."""
    from pptx.oxml.ns import qn

    for tag in ("a:latin", "a:ea", "a:cs"):
        for el in rpr.findall(qn(tag)):
            rpr.remove(el)
    after = {qn(x) for x in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")}
    idx = next((i for i, child in enumerate(rpr) if child.tag in after), len(rpr))
    for j, (tag, face) in enumerate((("a:latin", latin), ("a:ea", ea), ("a:cs", latin))):
        rpr.insert(idx + j, rpr.makeelement(qn(tag), {"typeface": face}))


def _fonts_everywhere(element) -> None:
    """Give every run, default and end-of-paragraph text property under `element` the CJK font."""
    from pptx.oxml.ns import qn

    for r in element.iter(qn("a:r")):
        rpr = r.find(qn("a:rPr"))
        if rpr is None:
            rpr = r.makeelement(qn("a:rPr"), {})
            r.insert(0, rpr)
    for tag in ("a:rPr", "a:defRPr", "a:endParaRPr"):
        for rpr in element.iter(qn(tag)):
            _set_fonts(rpr)


def _fit(text: str, width, size: int, *, min_size: int = 9, lines: int = 1) -> int:
    """Return the largest font size <= size at which `text` fits `width` (EMU) in `lines` lines.

    Widths are estimated: CJK characters 1 em, others 0.62 em (the fallback fonts are wide).
    """
    ems = sum(1.0 if ord(ch) >= 0x2E80 else 0.62 for ch in text)
    width_pt = width / 12700 * 0.92
    while size > min_size and ems * size > width_pt * lines:
        size -= 1
    return size


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#"))


def _text(slide, x, y, w, h, text: str, *, size: int, bold: bool = False, colour: str = palette.INK,
          align=None, anchor=None, wrap: bool = True):
    from pptx.util import Pt

    box = slide.shapes.add_textbox(x, y, w, h)
    tf = box.text_frame
    tf.word_wrap = wrap
    if anchor is not None:
        tf.vertical_anchor = anchor
    for i, line in enumerate(text.split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, _rgb(colour)
    return box


def _rect(slide, x, y, w, h, colour: str, line: str | None = None):
    from pptx.enum.shapes import MSO_SHAPE

    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, y, w, h)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    if line:
        shape.line.color.rgb = _rgb(line)
        shape.line.width = 9525
    else:
        shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def _add_chart(slide, chart: Chart, x, y, w, h) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION
    from pptx.util import Pt

    data = CategoryChartData(number_format="0.0%" if chart.is_rate else "#,##0")
    horizontal = chart.kind == "bar"
    cats = chart.categories[::-1] if horizontal else chart.categories  # PowerPoint draws bar charts bottom-up
    data.categories = cats
    for name, values in chart.series:
        data.add_series(name, values[::-1] if horizontal else values)
    if chart.kind == "line" and chart.target is not None:
        data.add_series(chart.target_label or "", [chart.target] * len(chart.categories))
    kind = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
            "line": XL_CHART_TYPE.LINE_MARKERS}[chart.kind]
    frame = slide.shapes.add_chart(kind, x, y, w, h, data)
    ch = frame.chart
    ch.font.size = Pt(13)
    ch.font.name = LATIN_FONT
    ch.has_title = True
    title = chart.title
    unit = re.search(r"[（(]([^）)]+)[）)]", chart.value_title)  # '覆盖率（%）' -> '%'
    notes = ([unit.group(1) if unit else chart.value_title] if len(chart.categories) > 10 else []) + \
        ([chart.target_label] if chart.target is not None and chart.kind != "line" and chart.target_label else [])
    if notes:
        title += f"（{'，'.join(notes)}）"
    ch.chart_title.text_frame.text = title
    for p in ch.chart_title.text_frame.paragraphs:
        for r in p.runs:
            r.font.size, r.font.bold, r.font.color.rgb = Pt(15), True, _rgb(palette.INK)
    multi = len(chart.series) > 1 or (chart.kind == "line" and chart.target is not None)
    ch.has_legend = multi
    if multi:
        ch.legend.position = XL_LEGEND_POSITION.BOTTOM
        ch.legend.include_in_layout = False
        ch.legend.font.size = Pt(12)
    plot = ch.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = "0.0%" if chart.is_rate else "#,##0"
    labels.number_format_is_linked = False
    labels.font.size = Pt(10 if len(chart.categories) > 10 else 13)
    if chart.kind == "line":
        from pptx.enum.chart import XL_LABEL_POSITION

        labels.position = XL_LABEL_POSITION.ABOVE
    if chart.kind != "line":
        plot.gap_width = 60 if len(chart.series) == 1 else 40
        if len(chart.series) > 1:
            plot.overlap = -10
    colours = [palette.BASE, palette.BASE_LIGHT, palette.CATEGORICAL[2]]
    for i, series in enumerate(plot.series):
        if chart.kind == "line":
            colour = palette.PARTY_RED if (chart.target is not None and i == len(plot.series) - 1) else palette.BASE
            series.format.line.color.rgb = _rgb(colour)
            series.format.line.width = Pt(3 if colour == palette.BASE else 1.5)
            series.smooth = False
            if colour == palette.PARTY_RED:  # the target line: no markers, no labels
                series.marker.style = XL_MARKER_STYLE.NONE
                series.data_labels.show_value = False
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = _rgb(colours[i % len(colours)])
    value_axis = ch.value_axis
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = _rgb(palette.GRID)
    value_axis.tick_labels.number_format = "0%" if chart.is_rate else "#,##0"
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.tick_labels.font.size = Pt(12)
    value_axis.minimum_scale = 0
    values = [v for _, vs in chart.series for v in vs if v is not None]
    if chart.is_rate:
        top = max(values + [chart.target or 0, 0.01])
        value_axis.maximum_scale = 1.0 if top > 0.85 else round(top * 1.2 + 0.05, 1)
        if chart.kind == "line" and values:
            low = min(values + [chart.target or 1])
            value_axis.minimum_scale = max(0.0, round(low - 0.05, 2))
            value_axis.maximum_scale = 1.0
    crowded = len(chart.categories) > 10  # 16 townships: every row needs the height the axis title would take
    value_axis.has_title = not crowded
    if not crowded:
        value_axis.axis_title.text_frame.text = chart.value_title
        for p in value_axis.axis_title.text_frame.paragraphs:
            for r in p.runs:
                r.font.size, r.font.bold = Pt(12), False
    cat_axis = ch.category_axis
    cat_axis.tick_labels.font.size = Pt(9 if len(chart.categories) > 10 else 13)
    _label_every_category(cat_axis._element)
    cat_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    cat_axis.format.line.color.rgb = _rgb(palette.GRID)
    _fonts_everywhere(ch._chartSpace)


def _label_every_category(cat_ax) -> None:
    """Ask for a label on every category (c:tickLblSkip=1): renderers otherwise skip some of 16 townships."""
    from pptx.oxml.ns import qn

    for el in cat_ax.findall(qn("c:tickLblSkip")):
        cat_ax.remove(el)
    skip = cat_ax.makeelement(qn("c:tickLblSkip"), {"val": "1"})
    after = [cat_ax.find(qn(tag)) for tag in ("c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")]
    after = [el for el in after if el is not None]
    if after:
        after[0].addprevious(skip)
    else:
        cat_ax.append(skip)


def to_pptx(deck: Deck) -> bytes:
    """Return the deck as .pptx bytes: 16:9, one slide per Slide, native charts, CJK fonts on every run."""
    from pptx import Presentation
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    W, H = prs.slide_width, prs.slide_height
    n = len(deck.slides)
    prs.core_properties.title = deck.title
    prs.core_properties.author = t("app_title", deck.lang)
    prs.core_properties.subject = deck.footer
    for i, s in enumerate(deck.slides, start=1):
        slide = prs.slides.add_slide(blank)
        _rect(slide, 0, 0, Inches(0.18), H, palette.PARTY_RED)
        if s.key in ("title", "closing"):
            _rect(slide, Inches(0.18), Inches(2.2), W - Inches(0.18), Inches(0.06), palette.PARTY_RED)
            _text(slide, Inches(0.9), Inches(2.5), W - Inches(1.8), Inches(1.3), s.title,
                  size=_fit(s.title, W - Inches(1.8), 40 if s.key == "title" else 54, min_size=24), bold=True,
                  anchor=MSO_ANCHOR.TOP)
            _text(slide, Inches(0.9), Inches(3.9), W - Inches(1.8), Inches(0.6), s.subtitle, size=20, colour=palette.MUTED)
            if s.points:
                _text(slide, Inches(0.9), Inches(4.8), W - Inches(1.8), Inches(1.7), "\n".join(s.points), size=18)
        else:
            _text(slide, Inches(0.6), Inches(0.3), Inches(9.0), Inches(0.8), s.title, size=32, bold=True,
                  anchor=MSO_ANCHOR.MIDDLE)
            _text(slide, Inches(9.6), Inches(0.4), Inches(3.3), Inches(0.6), s.subtitle, size=16, colour=palette.MUTED,
                  align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE)
            _rect(slide, Inches(0.6), Inches(1.12), W - Inches(1.2), Emu(19050), palette.GRID)
            y = Inches(1.35)
            per_row = 4
            tile_w = (W - Inches(1.2) - Inches(0.25) * (per_row - 1)) / per_row
            tile_h = Inches(1.5)
            for j, tile in enumerate(s.tiles):
                row, col = divmod(j, per_row)
                x0 = Inches(0.6) + int((tile_w + Inches(0.25)) * col)
                y0 = y + int((tile_h + Inches(0.2)) * row)
                _rect(slide, x0, y0, int(tile_w), tile_h, "#F7F8FA", line=palette.GRID)
                _text(slide, x0 + Inches(0.15), y0 + Inches(0.08), int(tile_w) - Inches(0.3), Inches(0.4), tile.label,
                      size=_fit(tile.label, int(tile_w) - Inches(0.3), 14), colour=palette.MUTED,
                      align=PP_ALIGN.LEFT)
                _text(slide, x0 + Inches(0.15), y0 + Inches(0.4), int(tile_w) - Inches(0.3), Inches(0.6), tile.value,
                      size=28, bold=True)
                if tile.note:
                    _text(slide, x0 + Inches(0.15), y0 + Inches(0.93), int(tile_w) - Inches(0.3), Inches(0.26),
                          f"{t('vs_last_year', deck.lang)} {tile.note}", size=11, colour=palette.MUTED)
                if tile.status_text:
                    colour = palette.GOOD if tile.status == "good" else palette.BAD if tile.status == "bad" else palette.MUTED
                    _text(slide, x0 + Inches(0.15), y0 + Inches(1.16), int(tile_w) - Inches(0.3), Inches(0.26),
                          tile.status_text, size=11, colour=colour)
            rows = (len(s.tiles) + per_row - 1) // per_row
            body_y = y + int((tile_h + Inches(0.2)) * rows) + Inches(0.05)
            body_h = H - Inches(0.6) - body_y
            if s.chart is not None:
                if s.chart.has_data:
                    _add_chart(slide, s.chart, Inches(0.6), body_y, Inches(8.0), body_h)
                else:  # nothing to chart (no data, or every cell too small to show)
                    _text(slide, Inches(0.6), body_y, Inches(8.0), Inches(0.5), s.chart.title, size=16, bold=True)
                    _text(slide, Inches(0.6), body_y + Inches(0.6), Inches(8.0), Inches(1.0),
                          f"{t('present_no_chart_data', deck.lang)}\n{s.chart.caption}", size=14, colour=palette.MUTED)
                _rect(slide, Inches(8.85), body_y, Inches(3.88), body_h, "#FBF3F4")
                _text(slide, Inches(9.0), body_y + Inches(0.1), Inches(3.6), Inches(0.45), t("present_points", deck.lang),
                      size=15, bold=True, colour=palette.PARTY_RED)
                _text(slide, Inches(9.0), body_y + Inches(0.55), Inches(3.6), body_h - Inches(0.65), "\n".join(s.points),
                      size=15)
            elif s.points:
                _text(slide, Inches(0.6), body_y + Inches(0.1), W - Inches(1.2), body_h - Inches(0.2), "\n".join(s.points),
                      size=20)
        _text(slide, Inches(0.6), H - Inches(0.5), Inches(10.5), Inches(0.4), deck.footer, size=11, colour=palette.MUTED,
              anchor=MSO_ANCHOR.MIDDLE)
        _text(slide, W - Inches(1.9), H - Inches(0.5), Inches(1.4), Inches(0.4), f"{i} / {n}", size=11,
              colour=palette.MUTED, align=PP_ALIGN.RIGHT, anchor=MSO_ANCHOR.MIDDLE)
        _fonts_everywhere(slide.shapes._spTree)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def briefing_pptx(engine, *, scope: Scope, as_of: date, scope_name: str, slides=SLIDES, lang: str = "zh",
                  query: Callable | None = None, is_demo: bool = False) -> bytes:
    """Return the briefing deck (.pptx bytes) of `slides` for scope at as_of."""
    return to_pptx(build_slides(engine, scope=scope, as_of=as_of, scope_name=scope_name, slides=slides, lang=lang,
                                query=query, is_demo=is_demo))
