"""Map builders: offline decks (no basemap, no URLs), layer ids, Chinese text, exact sizes."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from lib import geo, maps
from lib.places import TOWNSHIPS

CODES = [c for c, *_ in TOWNSHIPS]


def _towns() -> pd.DataFrame:
    return pd.DataFrame([(c, n, lon, lat) for c, n, _k, lon, lat in TOWNSHIPS],
                        columns=["code", "name", "lon", "lat"])


def _flows() -> pd.DataFrame:
    return pd.DataFrame({
        "home_code": [CODES[0], CODES[1], CODES[0]],
        "home_name": ["平原街道", "白云街道", "平原街道"],
        "home_lon": [None, None, None], "home_lat": [None, None, None],
        "dest_province": ["北京市", "河南省", "上海市"],
        "dest_city": ["北京市", "郑州市", "上海市"],
        "dest_lon": [116.404, 113.625, 121.473], "dest_lat": [39.915, 34.747, 31.230],
        "members_n": [40, 20, 10],
    })


def _decks() -> dict:
    fc, _ = geo.township_polygons(_towns())
    values = _towns().assign(rate=[i / 20 for i in range(16)])
    return {
        "township_map": maps.township_map(values, fc, value_col="rate", value_format="{:.1%}",
                                          selected_code=CODES[3], show_values=True),
        "district_highlight": maps.district_highlight(fc, CODES[3]),
        "outflow_arcs": maps.outflow_arcs(_flows(), geo.provinces(), home_points=_towns(),
                                          maritime_geojson=geo.maritime_boundary(), home_label="梁园区"),
    }


@pytest.mark.parametrize("name", ["township_map", "district_highlight", "outflow_arcs"])
def test_deck_is_offline_with_ids_and_chinese_text(name):
    deck = _decks()[name]
    text = deck.to_json()
    spec = json.loads(text)
    low = text.lower()
    assert "mapbox" not in low and "carto" not in low and "http" not in low
    assert deck.map_provider is None
    assert "mapProvider" not in spec  # pydeck drops a None provider
    assert spec["mapStyle"] == "__MAP_STYLE__"  # Streamlit's "no basemap" sentinel
    ids = [layer["id"] for layer in spec["layers"]]
    assert all(isinstance(i, str) and 0 < len(i) < 30 for i in ids)  # explicit, not a uuid4
    assert len(set(ids)) == len(ids)
    texts = [layer for layer in spec["layers"] if layer["@@type"] == "TextLayer"]
    assert texts
    for layer in texts:
        assert layer["characterSet"] == "auto"
        assert not str(layer["fontFamily"]).startswith("@@=")


def test_builders_are_pure():
    a, b = _decks(), _decks()
    for name in a:
        assert a[name].to_json() == b[name].to_json()


def test_township_map_colours_tooltips_and_selection():
    fc, _ = geo.township_polygons(_towns())
    df = pd.DataFrame({"code": CODES[:2], "name": ["平原街道", "白云街道"], "rate": [0.5, 1.0]})
    deck = maps.township_map(df, fc, value_col="rate", value_label="覆盖率", value_format="{:.0%}",
                             selected_code=CODES[1])
    spec = json.loads(deck.to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    feats = {f["properties"]["code"]: f["properties"] for f in layers["townships"]["data"]["features"]}
    assert feats[CODES[0]]["fill"] == [*maps.SEQUENTIAL[0], 235]
    assert feats[CODES[1]]["fill"] == [*maps.SEQUENTIAL[-1], 235]
    assert feats[CODES[2]]["fill"] == [*maps.NO_DATA_FILL, 255]
    assert feats[CODES[1]]["tip"] == "白云街道\n覆盖率：100%"
    assert feats[CODES[2]]["tip"].endswith("无数据")
    assert layers["townships"]["pickable"] is True
    selected = layers["township-selected"]["data"]["features"]
    assert [f["properties"]["code"] for f in selected] == [CODES[1]]
    assert layers["township-selected"]["getLineColor"] == [*maps.PARTY_RED, 255]
    assert deck._tooltip["text"] == "{tip}"  # Streamlit sends the tooltip beside the JSON


def test_township_map_view_fits_the_district():
    fc, _ = geo.township_polygons(_towns())
    deck = maps.township_map(_towns().assign(v=1), fc, value_col="v", width_px=760, height_px=500)
    view = deck.initial_view_state
    minx, miny, maxx, maxy = geo.district_shape().bounds
    assert minx < view.longitude < maxx and miny < view.latitude < maxy
    assert 9.5 < view.zoom < 11.5  # a 40 km district in a 500 px high chart


def test_district_highlight_fills_only_the_selected_township_red():
    fc, _ = geo.township_polygons(_towns())
    spec = json.loads(maps.district_highlight(fc, CODES[5]).to_json())
    feats = spec["layers"][0]["data"]["features"]
    red = [f["properties"]["code"] for f in feats if f["properties"]["fill"][:3] == list(maps.PARTY_RED)]
    assert red == [CODES[5]]


def test_outflow_arc_widths_and_dot_sizes_scale_with_counts():
    spec = json.loads(maps.outflow_arcs(_flows(), geo.provinces(), home_points=_towns()).to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    arcs = layers["arcs"]["data"]
    # width = 1 + 5 * n / max(n): 40 -> 6, 20 -> 3.5, 10 -> 2.25
    assert [(a["dest_city"], a["members_n"], a["width"]) for a in arcs] == [
        ("北京市", 40, 6.0), ("郑州市", 20, 3.5), ("上海市", 10, 2.25)]
    home = _towns().set_index("code")
    assert arcs[0]["source"] == [home.loc[CODES[0], "lon"], home.loc[CODES[0], "lat"]]
    assert arcs[0]["tip"] == "平原街道 → 北京市：40 人"
    dots = {d["dest_city"]: d["radius"] for d in layers["destinations"]["data"]}
    # radius = 4 + 12 * sqrt(n / max(n)): 40 -> 16, 20 -> 12.49, 10 -> 10
    assert dots == {"北京市": 16.0, "郑州市": 12.49, "上海市": 10.0}
    labels = [lab["text"] for lab in layers["destination-labels"]["data"]]
    assert labels == ["北京市 40人", "郑州市 20人", "上海市 10人"]
    assert layers["provinces"]["pickable"] is False


def test_outflow_view_shows_eastern_china():
    view = maps.outflow_arcs(_flows(), geo.provinces(), home_points=_towns()).initial_view_state
    assert 108 < view.longitude < 123 and 25 < view.latitude < 37
    assert 3.5 < view.zoom < 5.5


def test_outflow_labels_can_be_given_in_english():
    spec = json.loads(maps.outflow_arcs(_flows(), geo.provinces(), home_points=_towns(),
                                        city_label="{city} ({n})", arc_tip="{home} to {city}: {n}").to_json())
    layers = {layer["id"]: layer for layer in spec["layers"]}
    assert layers["destination-labels"]["data"][0]["text"] == "北京市 (40)"
    assert layers["arcs"]["data"][0]["tip"] == "平原街道 to 北京市: 40"


def test_place_labels_moves_or_drops_overlapping_labels():
    rows = [{"text": f"城市{i} 40人", "lon": 116.40, "lat": 39.90, "radius": 6} for i in range(5)]
    placed = maps.place_labels(rows, zoom=4.0, size_px=13)
    # text box: 3 CJK (1 em) + 4 other characters (0.6 em) = 5.4 em -> 70.2 + 6 px wide, 17.6 px high;
    # above, below, right, left of the marker (radius 6, gap 4: 6 + 4 + 76.2 / 2 = 48), then no room
    assert [p["offset"] for p in placed] == [[0, -19], [0, 19], [48, 0], [-48, 0], None]


def test_selected_township_code_reads_the_streamlit_selection_event():
    event = {"selection": {"indices": {"townships": [3]},
                           "objects": {"townships": [{"type": "Feature",
                                                      "properties": {"code": CODES[3], "name": "x"}}]}}}
    assert maps.selected_township_code(event) == CODES[3]
    assert maps.selected_township_code({"selection": {"indices": {}, "objects": {}}}) is None
    assert maps.selected_township_code(None) is None
    dest = {"selection": {"indices": {"destinations": [0]},
                          "objects": {"destinations": [{"dest_province": "北京市", "dest_city": "北京市"}]}}}
    assert maps.selected_destination(dest) == ("北京市", "北京市")


def test_legend_runs_from_grey_to_deep_red():
    df = pd.DataFrame({"v": [0.2, 0.6, 1.0]})
    items = maps.legend(df, value_col="v", value_format="{:.0%}", steps=3)
    assert items[0] == ("#EEEEEE", "20%")
    assert items[-1] == ("#67000D", "100%")
    assert len(items) == 3


def test_polygon_labels_that_would_overlap_are_left_out_largest_first():
    view = maps.fit_view((113.9, 33.5, 114.1, 33.7), width_px=400, height_px=400)
    labels = [{"text": "小街道", "lon": 114.0, "lat": 33.6, "size_m": 50.0, "code": "A"},
              {"text": "大镇", "lon": 114.0005, "lat": 33.6, "size_m": 900.0, "code": "B"},
              {"text": "远乡", "lon": 113.92, "lat": 33.52, "size_m": 10.0, "code": "C"}]
    assert [lab["code"] for lab in maps.fit_polygon_labels(labels, view)] == ["B", "C"]
    # the selected township is placed first, so its name is the one that shows
    assert [lab["code"] for lab in maps.fit_polygon_labels(labels, view, first="A")] == ["A", "C"]


def test_real_district_labels_never_overlap_and_are_readable():
    fc, _ = geo.township_polygons(_towns())
    for deck in (maps.township_map(_towns().assign(v=1), fc, value_col="v", width_px=560, height_px=420),
                 maps.district_highlight(fc, CODES[0], width_px=440, height_px=300)):
        spec = json.loads(deck.to_json())
        layer = next(x for x in spec["layers"] if x["id"] == "township-labels")
        assert layer["sizeMinPixels"] >= 11
        assert 0 < len(layer["data"]) <= len(CODES)
    # the selected township always keeps its name on the small map
    small = json.loads(maps.district_highlight(fc, CODES[0], width_px=440, height_px=300).to_json())
    names = [x["code"] for x in next(x for x in small["layers"] if x["id"] == "township-label-selected")["data"]]
    assert names == [CODES[0]]
