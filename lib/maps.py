"""Pure map builders: aggregated DataFrame + GeoJSON -> pydeck.Deck, drawn fully offline.

Every deck uses ``map_provider=None`` (no basemap tiles: the page background shows through),
gives every layer an explicit ``id`` (Streamlit needs it to keep a selection across reruns) and
sets ``character_set = "auto"`` on text layers so deck.gl builds its font atlas from the Chinese
characters actually used (its default atlas is ASCII only, which draws CJK as empty boxes).

Reading a click on a page::

    event = st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key="town_map")
    code = maps.selected_township_code(event)   # None when nothing is selected

``event.selection`` is ``{"indices": {layer_id: [i]}, "objects": {layer_id: [object]}}``; for the
GeoJSON layer ``"townships"`` the object is the clicked Feature, so its code is
``objects["townships"][0]["properties"]["code"]``. While a selection is active, Streamlit itself
fades the fill of unselected objects.
"""
from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pydeck as pdk
from shapely.geometry import shape
from shapely.ops import polylabel

# One restrained palette: greys for context, a grey -> deep red ramp for values,
# party red (#C8102E) only to highlight the selected or home township.
PARTY_RED = (200, 16, 46)
LAND_GREY = (236, 236, 236)
NEUTRAL_FILL = (226, 228, 232)
NO_DATA_FILL = (246, 246, 246)
BORDER_WHITE = (255, 255, 255)
TEXT_DARK = (51, 51, 51)
TEXT_LIGHT = (255, 255, 255)
LINE_GREY = (150, 150, 150)
SEQUENTIAL = (  # light grey -> deep red
    (238, 238, 238),
    (246, 210, 196),
    (232, 150, 125),
    (204, 86, 68),
    (160, 32, 36),
    (103, 0, 13),
)
ARC_SOURCE = (160, 32, 36, 200)
ARC_TARGET = (232, 150, 125, 220)
DESTINATION_FILL = (160, 32, 36, 210)

# Fonts the browser may have: Windows intranet PCs (Microsoft YaHei), Kylin/UOS and Debian
# (Noto/Source Han, WenQuanYi), macOS (PingFang). No web fonts are fetched.
FONT_FAMILY = ('"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", '
               '"WenQuanYi Micro Hei", sans-serif')

TOWNSHIP_LAYER = "townships"
DESTINATION_LAYER = "destinations"
ARC_LAYER = "arcs"

# deck.gl's MapView: the whole world is 512 px wide at zoom 0.
_WORLD_PX = 512.0
# Arc widths in pixels: the largest flow gets ARC_MAX_PX, a flow of zero would get ARC_MIN_PX.
ARC_MIN_PX = 1.0
ARC_MAX_PX = 6.0
# Destination circle radii in pixels, scaled by the square root of the count (area ~ count).
DOT_MIN_PX = 4.0
DOT_MAX_PX = 16.0
# What an overview of eastern China must show at least (lon/lat box), whatever the data.
EASTERN_CHINA = (108.0, 21.5, 123.0, 41.0)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _plain(layer: pdk.Layer, **props: Any) -> pdk.Layer:
    """Return `layer` with literal props set after construction.

    pydeck turns string keyword arguments into JavaScript expressions ("@@=..."), so literal
    strings such as a font family or ``"auto"`` must be assigned as attributes instead.
    """
    for key, value in props.items():
        setattr(layer, key, value)
    return layer


def _text_layer(layer_id: str, data: list[dict], *, size_px: float | None = None, weight: int = 500,
                pixel_offset: bool = False, min_px: float = 8, max_px: float = 15,
                boxed: bool = False) -> pdk.Layer:
    """Return a TextLayer of rows {text, lon, lat, color[, offset][, size_m]} that can draw Chinese.

    With `size_px` every label has that pixel size; without it each row's `size_m` (metres) is used,
    so labels grow and shrink with the map and stay inside their polygon, clamped to min_px..max_px.
    `boxed` draws a translucent white box behind each label so it stays readable over arcs.
    """
    layer = pdk.Layer(
        "TextLayer",
        data=data,
        id=layer_id,
        get_position=["lon", "lat"],
        get_text="text",
        get_color="color",
        get_size=size_px if size_px is not None else "size_m",
        get_pixel_offset="offset" if pixel_offset else [0, 0],
        pickable=False,
    )
    _plain(layer, character_set="auto", font_family=FONT_FAMILY, font_weight=weight,
           get_text_anchor="middle", get_alignment_baseline="center", line_height=1.15)
    if size_px is None:
        _plain(layer, size_units="meters", size_min_pixels=min_px, size_max_pixels=max_px)
    if boxed:
        _plain(layer, background=True, get_background_color=[255, 255, 255, 215],
               background_padding=[3, 1, 3, 1])
    return layer


def _text_width_em(text: str) -> float:
    """Return the width of the longest line of `text` in em (CJK 1 em, other characters ~0.6 em)."""
    return max((sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in line) for line in text.split("\n")),
               default=0.0)


def _label_size_m(geometry: dict, text: str) -> float:
    """Return a label size in metres that fits `text` inside the polygon's largest inscribed circle."""
    geom = shape(geometry)
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    if geom.is_empty:
        return 0.0
    centre = polylabel(geom, tolerance=1e-4)
    radius_deg = geom.exterior.distance(centre) if not geom.interiors else geom.boundary.distance(centre)
    # degrees -> metres: latitude degrees are ~111 km; the circle radius is measured mostly in
    # longitude here, so shrink by cos(latitude) to stay on the safe side
    radius_m = radius_deg * 111_320 * math.cos(math.radians(centre.y))
    lines = text.count("\n") + 1
    return round(min(1.7 * radius_m / max(_text_width_em(text), 1.0), 1.5 * radius_m / (1.15 * lines)), 1)


MIN_LABEL_PX = 11  # no map label smaller than this


def fit_polygon_labels(labels: list[dict], view: pdk.ViewState, *, min_px: float = MIN_LABEL_PX,
                       max_px: float = 15, first: str | None = None) -> list[dict]:
    """Return the polygon labels that can be read at the initial `view` without overlapping.

    Each row {text, lon, lat, size_m, ...} is drawn at its metre size clamped to min_px..max_px;
    the largest labels are placed first and a label whose box would overlap one already placed is
    left out (the township's tooltip still names it). Dense clusters of small townships then show
    a few readable names instead of a pile of tiny overlapping ones. The row whose `code` is
    `first` (the selected township) is placed before all others.
    """
    scale = _WORLD_PX * 2 ** view.zoom / (2 * math.pi)  # pixels per radian of Mercator x/y
    placed: list[tuple[float, float, float, float]] = []
    keep = set()
    order = sorted(range(len(labels)), key=lambda i: (first is None or labels[i].get("code") != first,
                                                      -labels[i]["size_m"]))
    for i in order:
        lab = labels[i]
        x, y = math.radians(lab["lon"]) * scale, -_merc_y(lab["lat"]) * scale
        metres_per_px = 2 * math.pi * 6_378_137 * math.cos(math.radians(lab["lat"])) / (_WORLD_PX * 2 ** view.zoom)
        px = min(max(lab["size_m"] / metres_per_px, min_px), max_px)
        lines = lab["text"].split("\n")
        w, h = _text_width_em(lab["text"]) * px + 8, 1.15 * px * len(lines) + 8  # air between labels
        box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in placed):
            continue
        placed.append(box)
        keep.add(i)
    return [lab for i, lab in enumerate(labels) if i in keep]


def _rgb(color: tuple[int, ...], alpha: int = 255) -> list[int]:
    """Return [r, g, b, a] for a colour tuple."""
    return [int(c) for c in color[:3]] + [int(color[3]) if len(color) > 3 else alpha]


def sequential_color(value: float | None, *, vmin: float, vmax: float) -> list[int]:
    """Return the [r, g, b, a] of `value` on the grey -> deep red ramp between vmin and vmax."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _rgb(NO_DATA_FILL)
    t = 0.5 if vmax <= vmin else min(max((value - vmin) / (vmax - vmin), 0.0), 1.0)
    pos = t * (len(SEQUENTIAL) - 1)
    i = min(int(pos), len(SEQUENTIAL) - 2)
    f = pos - i
    lo, hi = SEQUENTIAL[i], SEQUENTIAL[i + 1]
    return [round(lo[k] + (hi[k] - lo[k]) * f) for k in range(3)] + [235]


def _text_color_on(fill: list[int]) -> list[int]:
    """Return white on dark fills and dark grey on light ones (relative luminance < 0.45)."""
    r, g, b = (c / 255 for c in fill[:3])
    return _rgb(TEXT_LIGHT) if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else _rgb(TEXT_DARK)


def _format(value: float | None, value_format: str, no_data: str) -> str:
    """Return value formatted with `value_format` (a str.format pattern), or `no_data`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return no_data
    return value_format.format(value)


def _label_point(geometry: dict) -> tuple[float, float]:
    """Return a point well inside the polygon (pole of inaccessibility of its largest part)."""
    geom = shape(geometry)
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    if geom.is_empty:
        return (0.0, 0.0)
    p = polylabel(geom, tolerance=1e-4)
    return (round(p.x, 5), round(p.y, 5))


def _bounds(geojson: dict) -> tuple[float, float, float, float]:
    """Return (min lon, min lat, max lon, max lat) of all features."""
    boxes = [shape(f["geometry"]).bounds for f in geojson["features"] if f.get("geometry")]
    if not boxes:
        return EASTERN_CHINA
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _merc_y(lat: float) -> float:
    """Return the Web Mercator y (radians) of a latitude in degrees."""
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit_view(bounds: tuple[float, float, float, float], *, width_px: int, height_px: int,
             padding: float = 0.06, max_zoom: float = 13.0) -> pdk.ViewState:
    """Return a ViewState centred on `bounds` with the largest zoom that shows all of it.

    `padding` is the share of the viewport kept free on each side.
    """
    minx, miny, maxx, maxy = bounds
    usable_w = width_px * (1 - 2 * padding)
    usable_h = height_px * (1 - 2 * padding)
    dx = max(math.radians(maxx - minx), 1e-9)
    y0, y1 = _merc_y(miny), _merc_y(maxy)
    dy = max(y1 - y0, 1e-9)
    zoom = min(math.log2(usable_w * 2 * math.pi / (_WORLD_PX * dx)),
               math.log2(usable_h * 2 * math.pi / (_WORLD_PX * dy)), max_zoom)
    lat_c = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2)) - math.pi / 2)
    return pdk.ViewState(longitude=round((minx + maxx) / 2, 5), latitude=round(lat_c, 5),
                         zoom=round(zoom, 2), pitch=0, bearing=0)


def _deck(layers: list[pdk.Layer], view: pdk.ViewState) -> pdk.Deck:
    """Return an offline Deck: no basemap provider, tooltip text taken from each object's `tip`."""
    return pdk.Deck(
        layers=layers,
        initial_view_state=view,
        views=[pdk.View(type="MapView", controller=True)],
        map_provider=None,  # NOT map_style=None, which falls back to Carto tiles
        tooltip={"text": "{tip}",
                 "style": {"backgroundColor": "#ffffff", "color": "#333333", "fontSize": "13px",
                           "border": "1px solid #d0d0d0", "padding": "6px 8px"}},
    )


def legend(df: pd.DataFrame, *, value_col: str, value_format: str = "{:,.0f}",
           steps: int = 5) -> list[tuple[str, str]]:
    """Return (hex colour, label) pairs from the lowest to the highest value, for a page legend."""
    values = pd.to_numeric(df[value_col], errors="coerce").dropna()
    if values.empty:
        return []
    vmin, vmax = float(values.min()), float(values.max())
    if vmax <= vmin:
        steps = 1
    out = []
    for k in range(steps):
        v = vmin if steps == 1 else vmin + (vmax - vmin) * k / (steps - 1)
        r, g, b, _ = sequential_color(v, vmin=vmin, vmax=vmax)
        out.append((f"#{r:02X}{g:02X}{b:02X}", value_format.format(v)))
    return out


# ---------------------------------------------------------------------------------------------
# Township maps
# ---------------------------------------------------------------------------------------------
def _selected_layers(features: list[dict], selected_code: str | None) -> list[pdk.Layer]:
    """Return a white halo and a party-red outline around the selected township (none if absent)."""
    chosen = [f for f in features if f["properties"]["code"] == selected_code]
    if not chosen:
        return []
    fc = {"type": "FeatureCollection", "features": chosen}
    common = dict(data=fc, filled=False, stroked=True, pickable=False, line_joint_rounded=True)
    halo = pdk.Layer("GeoJsonLayer", id="township-selected-halo", get_line_color=_rgb(BORDER_WHITE),
                     get_line_width=7, **common)
    line = pdk.Layer("GeoJsonLayer", id="township-selected", get_line_color=_rgb(PARTY_RED),
                     get_line_width=3, **common)
    return [_plain(halo, line_width_units="pixels"), _plain(line, line_width_units="pixels")]


def township_map(
    df: pd.DataFrame,
    geojson: dict,
    *,
    value_col: str,
    label_col: str = "name",
    value_label: str = "数值",
    value_format: str = "{:,.0f}",
    no_data_label: str = "无数据",
    selected_code: str | None = None,
    show_values: bool = False,
    width_px: int = 760,
    height_px: int = 500,
) -> pdk.Deck:
    """Return a choropleth Deck of townships coloured by `value_col` (grey -> deep red).

    `df` has one row per township: code, `label_col`, `value_col`. `geojson` is a FeatureCollection
    with property `code` (see lib.geo.township_polygons). Townships in the GeoJSON but not in `df`
    are drawn as "no data". Hover shows "name\\nvalue_label：value"; labels sit inside each
    polygon (with the value too when `show_values`); `selected_code` is outlined in party red.
    The initial view fits the polygons into a `width_px` x `height_px` chart.
    """
    rows = {str(r["code"]): r for r in df.to_dict(orient="records")}
    values = pd.to_numeric(df[value_col], errors="coerce").dropna()
    vmin = float(values.min()) if not values.empty else 0.0
    vmax = float(values.max()) if not values.empty else 0.0

    features, labels = [], []
    for f in geojson["features"]:
        code = str(f["properties"]["code"])
        row = rows.get(code, {})
        name = str(row.get(label_col) or f["properties"].get("name") or code)
        raw = row.get(value_col)
        value = None if raw is None or pd.isna(raw) else float(raw)
        fill = sequential_color(value, vmin=vmin, vmax=vmax)
        text = _format(value, value_format, no_data_label)
        features.append({
            "type": "Feature",
            "properties": {"code": code, "name": name, "value": value, "value_text": text,
                           "fill": fill, "tip": f"{name}\n{value_label}：{text}"},
            "geometry": f["geometry"],
        })
        lon, lat = _label_point(f["geometry"])
        label = f"{name}\n{text}" if show_values else name
        labels.append({"text": label, "lon": lon, "lat": lat, "color": _text_color_on(fill), "code": code,
                       "size_m": _label_size_m(f["geometry"], label)})
    fc = {"type": "FeatureCollection", "features": features}

    townships = pdk.Layer(
        "GeoJsonLayer",
        data=fc,
        id=TOWNSHIP_LAYER,
        filled=True,
        stroked=True,
        get_fill_color="properties.fill",
        get_line_color=_rgb(BORDER_WHITE),
        get_line_width=1,
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 255, 255, 70],
    )
    _plain(townships, line_width_units="pixels")
    view = fit_view(_bounds(fc), width_px=width_px, height_px=height_px)
    layers = [townships, *_selected_layers(features, selected_code),
              _text_layer("township-labels", fit_polygon_labels(labels, view, first=selected_code),
                          min_px=MIN_LABEL_PX)]
    return _deck(layers, view)


def district_highlight(
    geojson: dict,
    selected_code: str | None,
    *,
    width_px: int = 420,
    height_px: int = 360,
) -> pdk.Deck:
    """Return an outline Deck of all townships with `selected_code` filled in party red.

    Other townships are light grey with white borders; every township is labelled and clickable
    (layer id "townships", like township_map), the tooltip is its name.
    """
    features, labels = [], []
    for f in geojson["features"]:
        code = str(f["properties"]["code"])
        name = str(f["properties"].get("name") or code)
        chosen = code == selected_code
        fill = _rgb(PARTY_RED) if chosen else _rgb(NEUTRAL_FILL)
        features.append({"type": "Feature",
                         "properties": {"code": code, "name": name, "fill": fill, "tip": name},
                         "geometry": f["geometry"]})
        lon, lat = _label_point(f["geometry"])
        labels.append({"text": name, "lon": lon, "lat": lat, "code": code,
                       "color": _rgb(TEXT_LIGHT) if chosen else _rgb(TEXT_DARK, 200),
                       "size_m": _label_size_m(f["geometry"], name)})
    fc = {"type": "FeatureCollection", "features": features}
    townships = pdk.Layer(
        "GeoJsonLayer",
        data=fc,
        id=TOWNSHIP_LAYER,
        filled=True,
        stroked=True,
        get_fill_color="properties.fill",
        get_line_color=_rgb(BORDER_WHITE),
        get_line_width=1,
        pickable=True,
        auto_highlight=True,
        highlight_color=[0, 0, 0, 30],
    )
    _plain(townships, line_width_units="pixels")
    view = fit_view(_bounds(fc), width_px=width_px, height_px=height_px)
    shown = fit_polygon_labels(labels, view, max_px=13, first=selected_code)
    chosen = [dict(lab, color=_rgb(TEXT_LIGHT)) for lab in shown if lab["code"] == selected_code]
    others = [lab for lab in shown if lab["code"] != selected_code]
    layers = [townships, _text_layer("township-labels", others, min_px=MIN_LABEL_PX, max_px=13)]
    if chosen:
        # the selected name is often wider than its (small) polygon: white on grey would lose its first and last
        # characters, so it sits on a red box of its own, moved inside the view when it would cross an edge
        label = keep_inside(chosen[0], view, width_px=width_px, height_px=height_px, size_px=SELECTED_LABEL_PX)
        layer = _text_layer("township-label-selected", [label], size_px=SELECTED_LABEL_PX, weight=600)
        _plain(layer, background=True, get_background_color=_rgb(PARTY_RED), background_padding=[4, 2, 4, 2])
        layers.append(layer)
    return _deck(layers, view)


SELECTED_LABEL_PX = 13


def keep_inside(label: dict, view: pdk.ViewState, *, width_px: int, height_px: int, size_px: float,
                margin_px: float = 6) -> dict:
    """Return `label` moved (lon/lat) so that its text box of `size_px` lies inside the `width_px` x `height_px`
    view with `margin_px` to spare; unchanged when it already does."""
    scale = _WORLD_PX * 2 ** view.zoom / (2 * math.pi)  # pixels per radian of Mercator x/y
    cx, cy = math.radians(view.longitude) * scale, -_merc_y(view.latitude) * scale
    x, y = math.radians(label["lon"]) * scale, -_merc_y(label["lat"]) * scale
    half_w = _text_width_em(label["text"]) * size_px / 2 + 4 + margin_px
    half_h = 1.15 * size_px * (label["text"].count("\n") + 1) / 2 + 2 + margin_px
    x = min(max(x, cx - width_px / 2 + half_w), cx + width_px / 2 - half_w)
    y = min(max(y, cy - height_px / 2 + half_h), cy + height_px / 2 - half_h)
    lat = math.degrees(2 * math.atan(math.exp(-y / scale)) - math.pi / 2)
    return dict(label, lon=round(math.degrees(x / scale), 6), lat=round(lat, 6))


# ---------------------------------------------------------------------------------------------
# Outflow (mobile members) map
# ---------------------------------------------------------------------------------------------
def arc_width_px(members_n: float, *, max_n: float) -> float:
    """Return an arc's width in pixels: linear in its count, ARC_MAX_PX for the largest flow."""
    if max_n <= 0:
        return ARC_MIN_PX
    return round(ARC_MIN_PX + (ARC_MAX_PX - ARC_MIN_PX) * members_n / max_n, 2)


def dot_radius_px(total_n: float, *, max_n: float) -> float:
    """Return a destination circle's radius in pixels, area proportional to its count."""
    if max_n <= 0:
        return DOT_MIN_PX
    return round(DOT_MIN_PX + (DOT_MAX_PX - DOT_MIN_PX) * math.sqrt(total_n / max_n), 2)


def outflow_arcs(
    df: pd.DataFrame,
    provinces_geojson: dict,
    *,
    home_points: pd.DataFrame,
    maritime_geojson: dict | None = None,
    home_label: str | None = None,
    city_label: str = "{city} {n}人",
    arc_tip: str = "{home} → {city}：{n} 人",
    city_tip: str = "{province} {city}：{n} 人",
    width_px: int = 760,
    height_px: int = 560,
) -> pdk.Deck:
    """Return a Deck of arcs from home townships to destination cities over China's provinces.

    `df` has aggregated rows: home_code, home_name, home_lon, home_lat, dest_province, dest_city,
    dest_lon, dest_lat, members_n. Missing home_lon/home_lat are filled from `home_points`
    (code, name, lon, lat), which are also drawn as small party-red dots (the home district,
    labelled `home_label`). Rows without destination coordinates are left out (fill them with
    lib.geo.city_coordinates first). Arc widths are linear in members_n (arc_width_px);
    destination circles and labels show each city's total. Label and tooltip patterns take
    {home}, {province}, {city}, {n}, so a caller can pass English text.
    """
    home = home_points[["code", "name", "lon", "lat"]].copy()
    home["code"] = home["code"].astype(str)
    flows = df.copy()
    flows["home_code"] = flows["home_code"].astype(str)
    lookup = home.set_index("code")
    for col, src in (("home_lon", "lon"), ("home_lat", "lat"), ("home_name", "name")):
        if col not in flows:
            flows[col] = None
        flows[col] = flows[col].where(flows[col].notna(), flows["home_code"].map(lookup[src]))
    flows = flows.dropna(subset=["home_lon", "home_lat", "dest_lon", "dest_lat"])
    flows = flows[flows["members_n"] > 0]
    flows = flows.sort_values(["members_n", "home_code", "dest_province", "dest_city"],
                              ascending=[False, True, True, True], kind="stable")

    max_flow = float(flows["members_n"].max()) if not flows.empty else 0.0
    arcs = [{
        "source": [round(float(r.home_lon), 5), round(float(r.home_lat), 5)],
        "target": [round(float(r.dest_lon), 5), round(float(r.dest_lat), 5)],
        "members_n": int(r.members_n),
        "width": arc_width_px(float(r.members_n), max_n=max_flow),
        "home_code": r.home_code, "home_name": str(r.home_name),
        "dest_province": str(r.dest_province), "dest_city": str(r.dest_city),
        "tip": arc_tip.format(home=r.home_name, province=r.dest_province, city=r.dest_city,
                              n=int(r.members_n)),
    } for r in flows.itertuples(index=False)]

    totals = (flows.groupby(["dest_province", "dest_city"], as_index=False, sort=True)
              .agg(dest_lon=("dest_lon", "first"), dest_lat=("dest_lat", "first"),
                   members_n=("members_n", "sum"))
              .sort_values(["members_n", "dest_province", "dest_city"],
                           ascending=[False, True, True], kind="stable"))
    max_total = float(totals["members_n"].max()) if not totals.empty else 0.0
    dots, city_labels = [], []
    for r in totals.itertuples(index=False):
        n = int(r.members_n)
        radius = dot_radius_px(n, max_n=max_total)
        lon, lat = round(float(r.dest_lon), 5), round(float(r.dest_lat), 5)
        dots.append({"lon": lon, "lat": lat, "radius": radius, "members_n": n,
                     "dest_province": str(r.dest_province), "dest_city": str(r.dest_city),
                     "tip": city_tip.format(home="", province=r.dest_province, city=r.dest_city, n=n)})
        city_labels.append({"text": city_label.format(home="", province=r.dest_province,
                                                      city=r.dest_city, n=n),
                            "lon": lon, "lat": lat, "color": _rgb(TEXT_DARK), "radius": radius})

    home_dots = [{"lon": round(float(r.lon), 5), "lat": round(float(r.lat), 5), "tip": str(r.name)}
                 for r in home.dropna(subset=["lon", "lat"]).itertuples(index=False)]

    points = [a["source"] for a in arcs] + [a["target"] for a in arcs]
    points += [[d["lon"], d["lat"]] for d in home_dots]
    minx, miny, maxx, maxy = EASTERN_CHINA
    for x, y in points:
        minx, miny, maxx, maxy = min(minx, x), min(miny, y), max(maxx, x), max(maxy, y)
    view = fit_view((minx, miny, maxx, maxy), width_px=width_px, height_px=height_px, padding=0.04)
    home_text = []
    if home_label and home_dots:
        hx = round(sum(d["lon"] for d in home_dots) / len(home_dots), 5)
        hy = round(sum(d["lat"] for d in home_dots) / len(home_dots), 5)
        home_text = [{"text": home_label, "lon": hx, "lat": hy, "color": _rgb(PARTY_RED), "radius": 6}]
    # the home label is placed first so city labels give way to it
    placed = place_labels(home_text + city_labels, zoom=view.zoom, size_px=13)
    home_text, city_labels = placed[: len(home_text)], placed[len(home_text):]

    layers = [_plain(pdk.Layer("GeoJsonLayer", data=provinces_geojson, id="provinces", filled=True,
                               stroked=True, get_fill_color=_rgb(LAND_GREY),
                               get_line_color=_rgb(BORDER_WHITE), get_line_width=1, pickable=False),
                     line_width_units="pixels")]
    if maritime_geojson is not None:
        layers.append(_plain(pdk.Layer("GeoJsonLayer", data=maritime_geojson, id="maritime-boundary",
                                       filled=False, stroked=True, get_line_color=_rgb(LINE_GREY),
                                       get_line_width=1.5, pickable=False),
                             line_width_units="pixels"))
    # arcs rise above the ground (z > 0): without depthTest off they would hide the labels drawn later
    layers.append(_plain(pdk.Layer("ArcLayer", data=arcs, id=ARC_LAYER, get_source_position="source",
                                   get_target_position="target", get_width="width",
                                   get_source_color=list(ARC_SOURCE), get_target_color=list(ARC_TARGET),
                                   get_height=0.6, pickable=True, auto_highlight=True,
                                   highlight_color=[200, 16, 46, 255]),
                         parameters={"depthTest": False}))
    layers.append(_plain(pdk.Layer("ScatterplotLayer", data=dots, id=DESTINATION_LAYER,
                                   get_position=["lon", "lat"], get_radius="radius",
                                   get_fill_color=list(DESTINATION_FILL),
                                   get_line_color=_rgb(BORDER_WHITE), stroked=True,
                                   line_width_min_pixels=1, pickable=True, auto_highlight=True),
                         radius_units="pixels"))
    layers.append(_plain(pdk.Layer("ScatterplotLayer", data=home_dots, id="home",
                                   get_position=["lon", "lat"], get_radius=3,
                                   get_fill_color=_rgb(PARTY_RED), pickable=False),
                         radius_units="pixels"))
    layers.append(_text_layer("destination-labels", [lab for lab in city_labels if lab["offset"]],
                              size_px=13, pixel_offset=True, boxed=True))
    if home_text and home_text[0]["offset"]:
        layers.append(_text_layer("home-label", home_text, size_px=14, weight=700, pixel_offset=True,
                                  boxed=True))
    return _deck(layers, view)


def place_labels(labels: list[dict], *, zoom: float, size_px: float) -> list[dict]:
    """Return copies of label rows with a pixel `offset` that keeps them apart at `zoom`.

    Rows are {text, lon, lat, radius (px of the marker they annotate), ...}, most important first.
    Each label tries above, below, right and left of its marker; a label that overlaps an earlier
    one (or a marker) everywhere gets offset None (the caller leaves it out; its tooltip remains).
    """
    scale = _WORLD_PX * 2 ** zoom / (2 * math.pi)  # pixels per radian of Mercator x/y
    markers = []
    for lab in labels:
        x, y = math.radians(lab["lon"]) * scale, -_merc_y(lab["lat"]) * scale
        r = lab["radius"]
        markers.append((x - r, y - r, x + r, y + r))
    taken: list[tuple[float, float, float, float]] = []
    out = []
    for i, lab in enumerate(labels):
        x, y = math.radians(lab["lon"]) * scale, -_merc_y(lab["lat"]) * scale
        # +6/+2 px: the white box drawn behind the text
        r, w, h = lab["radius"], _text_width_em(lab["text"]) * size_px + 6, 1.2 * size_px + 2
        gap = 4.0
        chosen = None
        for dx, dy in ((0, -(r + gap + h / 2)), (0, r + gap + h / 2),
                       (r + gap + w / 2, 0), (-(r + gap + w / 2), 0)):
            box = (x + dx - w / 2, y + dy - h / 2, x + dx + w / 2, y + dy + h / 2)
            others = taken + [m for j, m in enumerate(markers) if j != i]
            if not any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in others):
                chosen, taken = [round(dx), round(dy)], taken + [box]
                break
        out.append({k: v for k, v in lab.items() if k != "radius"} | {"offset": chosen})
    return out


# ---------------------------------------------------------------------------------------------
# Reading selections from st.pydeck_chart(..., on_select="rerun")
# ---------------------------------------------------------------------------------------------
def _selected_objects(event: Any, layer_id: str) -> list[dict]:
    """Return the selected objects of one layer from a pydeck selection event (or [])."""
    try:
        objects = event["selection"]["objects"]
    except (KeyError, TypeError):
        return []
    return list(objects.get(layer_id) or [])


def selected_township_code(event: Any, *, layer_id: str = TOWNSHIP_LAYER) -> str | None:
    """Return the code of the township clicked in township_map/district_highlight, or None."""
    for obj in _selected_objects(event, layer_id):
        code = (obj.get("properties") or {}).get("code")
        if code is not None:
            return str(code)
    return None


def selected_destination(event: Any) -> tuple[str, str] | None:
    """Return (province, city) of the destination circle or arc clicked in outflow_arcs, or None."""
    for layer_id in (DESTINATION_LAYER, ARC_LAYER):
        for obj in _selected_objects(event, layer_id):
            if obj.get("dest_city") is not None:
                return (str(obj.get("dest_province")), str(obj["dest_city"]))
    return None
