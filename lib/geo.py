"""Offline geography: the district outline, China's provinces, township polygons and city points.

Everything here reads files under data/geo/ (WGS-84 GeoJSON, see data/geo/README.md); nothing
reaches the network. Loaders are cached per file path and modification time, so replacing a
file takes effect without a restart. Returned dicts are shared: treat them as read-only.
"""
from __future__ import annotations

import copy
import csv
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
import shapely.affinity
from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"

DISTRICT_FILE = "district.geojson"
PROVINCES_FILE = "provinces.geojson"
MARITIME_FILE = "maritime.geojson"
TOWNSHIPS_FILE = "townships.geojson"
OFFICIAL_TOWNSHIPS_FILE = "townships.official.geojson"
CITIES_FILE = "cities.csv"

# Decimal places kept in generated polygons: 5 decimals is about 1 m, far below what a map shows.
COORD_DECIMALS = 5


# ---------------------------------------------------------------------------------------------
# GCJ-02 (the "Mars" datum of Amap/Tencent maps) <-> WGS-84
# ---------------------------------------------------------------------------------------------
_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 obfuscation
_EE = 0.00669342162296594323  # its first eccentricity squared


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the GCJ-02 offset (dlon, dlat) in degrees added to WGS-84 points."""
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    # GCJ-02 leaves points outside this box (roughly: outside China) unshifted
    outside = (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return GCJ-02 (lon, lat) arrays for WGS-84 input (scalars or arrays)."""
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return WGS-84 (lon, lat) arrays for GCJ-02 input, by fixed-point iteration (< 1 cm error)."""
    glon, glat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    # The offset varies slowly (a few hundred metres over many km), so this converges fast.
    for _ in range(30):
        elon, elat = wgs84_to_gcj02(wlon, wlat)
        dx, dy = elon - glon, elat - glat
        wlon, wlat = wlon - dx, wlat - dy
        if max(np.max(np.abs(dx), initial=0.0), np.max(np.abs(dy), initial=0.0)) < 1e-9:
            break
    return wlon, wlat


# ---------------------------------------------------------------------------------------------
# Loaders
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def _read_json(path: str, mtime_ns: int) -> dict:
    """Return the parsed JSON file (cached per path and modification time)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _load(name: str) -> dict:
    """Return the GeoJSON file `name` from DATA_DIR, raising FileNotFoundError with a hint."""
    path = DATA_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; rebuild it with tools/build_geo.py "
                                "(see data/geo/README.md)")
    return _read_json(str(path), path.stat().st_mtime_ns)


def district_outline() -> dict:
    """Return the district outline as a FeatureCollection with one feature (property `name`)."""
    return _load(DISTRICT_FILE)


def provinces() -> dict:
    """Return China's province-level outlines as a FeatureCollection (property `name`, e.g. 河南省)."""
    return _load(PROVINCES_FILE)


def maritime_boundary() -> dict:
    """Return the South China Sea dashed boundary (南海断续线) as a FeatureCollection of lines."""
    return _load(MARITIME_FILE)


@lru_cache(maxsize=4)
def _district_shape(path: str, mtime_ns: int) -> BaseGeometry:
    """Return the union of the district outline's features as one shapely geometry."""
    fc = _read_json(path, mtime_ns)
    return shapely.union_all([shape(f["geometry"]) for f in fc["features"]])


def district_shape() -> BaseGeometry:
    """Return the district outline as a shapely (Multi)Polygon."""
    path = DATA_DIR / DISTRICT_FILE
    _load(DISTRICT_FILE)  # raises the helpful error when missing
    return _district_shape(str(path), path.stat().st_mtime_ns)


# ---------------------------------------------------------------------------------------------
# Township polygons
# ---------------------------------------------------------------------------------------------
def _round_coords(geom: BaseGeometry, decimals: int = COORD_DECIMALS) -> dict:
    """Return the GeoJSON geometry of `geom` with coordinates rounded to `decimals`."""
    rounded = shapely.set_precision(geom, 10.0 ** -decimals)
    return mapping(rounded)


def voronoi_cells(*, points: list[tuple[float, float]], clip: BaseGeometry) -> list[BaseGeometry]:
    """Return one Voronoi cell per point (same order), clipped to `clip`.

    Cells are computed in a local equirectangular projection (longitude scaled by cos(latitude)),
    so a cell boundary lies halfway between two centres in kilometres, not in degrees.
    """
    if not points:
        return []
    lat0 = float(np.mean([p[1] for p in points]))
    kx = math.cos(math.radians(lat0))
    proj, seen = [], set()
    for lon, lat in points:
        p = (lon * kx, lat)
        # Imported data may repeat a point (e.g. two townships given the town hall's position):
        # nudge repeats ~10 m apart so each still gets a (small) cell instead of failing.
        while p in seen:
            p = (p[0] + 1e-4, p[1] + 1e-4)
        seen.add(p)
        proj.append(p)
    clip_proj = shapely.affinity.scale(clip, xfact=kx, yfact=1.0, origin=(0, 0))
    if len(proj) == 1:
        cells_proj = [clip_proj]
    else:
        region = clip_proj.envelope.buffer(clip_proj.envelope.length + 1.0).envelope
        # ordered=True (GEOS >= 3.12) returns the cells in the order of the input points
        diagram = shapely.voronoi_polygons(MultiPoint(proj), extend_to=region, ordered=True)
        cells_proj = list(shapely.intersection(np.asarray(diagram.geoms), clip_proj))
    return [shapely.affinity.scale(c, xfact=1.0 / kx, yfact=1.0, origin=(0, 0)) for c in cells_proj]


def _feature_collection(features: list[dict]) -> dict:
    """Return a GeoJSON FeatureCollection of `features`."""
    return {"type": "FeatureCollection", "features": features}


def voronoi_townships(*, rows: list[tuple[str, str, float, float]], clip: BaseGeometry) -> dict:
    """Return approximate township polygons (Voronoi cells clipped to `clip`) as a FeatureCollection.

    `rows` are (code, name, lon, lat); features carry properties code, name, approximate=True.
    """
    cells = voronoi_cells(points=[(lon, lat) for _, _, lon, lat in rows], clip=clip)
    return _feature_collection([
        {"type": "Feature",
         "properties": {"code": code, "name": name, "approximate": True},
         "geometry": _round_coords(cell)}
        for (code, name, _, _), cell in zip(rows, cells)
    ])


def _runtime_clip(points: list[tuple[float, float]]) -> BaseGeometry:
    """Return the district outline if it holds every point, else a buffered convex hull of them."""
    try:
        outline = district_shape()
    except FileNotFoundError:
        outline = None
    if outline is not None and all(outline.contains(Point(p)) for p in points):
        return outline
    hull = MultiPoint(points).convex_hull
    minx, miny, maxx, maxy = hull.bounds
    # Pad by a tenth of the extent (at least ~2 km) so border townships get a sensible cell.
    pad = max(0.1 * math.hypot(maxx - minx, maxy - miny), 0.02)
    return hull.buffer(pad, quad_segs=4)


@lru_cache(maxsize=16)
def _township_polygons(rows: tuple[tuple[str, str, float | None, float | None], ...],
                       district_mtime: int, official_mtime: int, committed_mtime: int,
                       data_dir: str) -> tuple[dict, bool]:
    """Return (FeatureCollection, is_approximate) for hashable township rows (see township_polygons)."""
    codes = [code for code, _, _, _ in rows]
    names = {code: name for code, name, _, _ in rows}
    wanted = set(codes)

    official = Path(data_dir) / OFFICIAL_TOWNSHIPS_FILE
    if official.exists():
        fc = _read_json(str(official), official_mtime)
        by_code = {str(f["properties"].get("code")): f for f in fc["features"]}
        if wanted <= set(by_code):
            return _feature_collection([
                {"type": "Feature",
                 "properties": {"code": code, "name": names[code]},
                 "geometry": by_code[code]["geometry"]}
                for code in codes
            ]), False

    committed = Path(data_dir) / TOWNSHIPS_FILE
    if committed.exists():
        fc = _read_json(str(committed), committed_mtime)
        by_code = {str(f["properties"]["code"]): f for f in fc["features"]}
        if set(by_code) == wanted:
            return _feature_collection([
                {"type": "Feature",
                 "properties": {"code": code, "name": names[code], "approximate": True},
                 "geometry": by_code[code]["geometry"]}
                for code in codes
            ]), True

    located = [(c, n, float(lon), float(lat)) for c, n, lon, lat in rows
               if lon is not None and lat is not None and not (math.isnan(lon) or math.isnan(lat))]
    if not located:
        return _feature_collection([]), True
    clip = _runtime_clip([(lon, lat) for _, _, lon, lat in located])
    return voronoi_townships(rows=located, clip=clip), True


def _mtime(path: Path) -> int:
    """Return the file's modification time in ns, or 0 when it does not exist."""
    return path.stat().st_mtime_ns if path.exists() else 0


def township_polygons(townships: pd.DataFrame) -> tuple[dict, bool]:
    """Return (FeatureCollection with properties code/name, is_approximate) for these townships.

    `townships` has columns code, name, lon, lat (lon/lat may be missing). Source, first match wins:
    1. data/geo/townships.official.geojson when it has a feature for every code (exact: False);
    2. the committed data/geo/townships.geojson when its codes are exactly these codes;
    3. Voronoi cells around the given points (rows without lon/lat are left out), clipped to the
       district outline when every point lies inside it, else to a buffered convex hull of the
       points (imported or city-scale data).
    The result is a fresh copy: callers may modify it.
    """
    def _num(v: Any) -> float | None:
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None
        return None if math.isnan(f) else f

    rows = tuple(
        (str(r.code), str(r.name), _num(r.lon), _num(r.lat))
        for r in townships.reindex(columns=["code", "name", "lon", "lat"]).itertuples(index=False)
    )
    fc, approximate = _township_polygons(
        rows,
        _mtime(DATA_DIR / DISTRICT_FILE),
        _mtime(DATA_DIR / OFFICIAL_TOWNSHIPS_FILE),
        _mtime(DATA_DIR / TOWNSHIPS_FILE),
        str(DATA_DIR),
    )
    return copy.deepcopy(fc), approximate


# ---------------------------------------------------------------------------------------------
# Cities
# ---------------------------------------------------------------------------------------------
def _short(name: str) -> str:
    """Return a place name without its administrative suffix (北京市 -> 北京, 河南省 -> 河南)."""
    name = name.strip()
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=4)
def _city_table(path: str, mtime_ns: int) -> dict[tuple[str, str], tuple[float, float]]:
    """Return {(short province, short city): (lon, lat)} from the bundled cities.csv."""
    table: dict[tuple[str, str], tuple[float, float]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            table[(_short(row["province"]), _short(row["city"]))] = (float(row["lon"]), float(row["lat"]))
    return table


@lru_cache(maxsize=4)
def _province_points(path: str, mtime_ns: int) -> dict[str, tuple[float, float]]:
    """Return {short province name: representative point (lon, lat)} of the province polygons."""
    fc = _read_json(path, mtime_ns)
    points = {}
    for f in fc["features"]:
        geom = shape(f["geometry"])
        if geom.geom_type == "MultiPolygon":
            geom = max(geom.geoms, key=lambda g: g.area)  # the mainland part, not an island
        p = geom.representative_point()
        points[_short(f["properties"]["name"])] = (round(p.x, 4), round(p.y, 4))
    return points


def city_coordinates(province: str, city: str) -> tuple[float, float] | None:
    """Return the WGS-84 (lon, lat) of a destination city, or None when the province is unknown.

    Looks in lib.places.DESTINATIONS, then data/geo/cities.csv (names with or without 省/市),
    then falls back to a point inside the province's polygon.
    """
    from lib.places import DESTINATIONS

    p, c = _short(province or ""), _short(city or "")
    for dp, dc, lon, lat, _ in DESTINATIONS:
        if (_short(dp), _short(dc)) == (p, c):
            return (lon, lat)
    cities_path = DATA_DIR / CITIES_FILE
    if cities_path.exists():
        table = _city_table(str(cities_path), cities_path.stat().st_mtime_ns)
        if (p, c) in table:
            return table[(p, c)]
        if not p:  # province not given: accept a unique city name
            hits = [v for (tp, tc), v in table.items() if tc == c]
            if len(hits) == 1:
                return hits[0]
    prov_path = DATA_DIR / PROVINCES_FILE
    if p and prov_path.exists():
        return _province_points(str(prov_path), prov_path.stat().st_mtime_ns).get(p)
    return None
