"""Build ``land.json``: Natural Earth's land, clipped to the region of the siege of 626.

The map pages draw land and water from ``land.json`` (next to this file); the server reads
it with the standard library only. This script makes it, once, from the TopoJSON of the
npm package ``world-atlas`` (a redistribution of Natural Earth 4.1.0, public domain), and
needs shapely (build time only, never at run time)::

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m venv /tmp/geobuild && /tmp/geobuild/bin/pip install shapely==2.2.0
    /tmp/geobuild/bin/python kg/serve/geodata/build_coastline.py package/land-10m.json

(run the last line from the repository root, giving the path of the unpacked
``land-10m.json``). The steps: decode the TopoJSON arcs (delta-encoded, quantized
integers, see the TopoJSON specification §2.1.3–2.2), build the land polygons, clip them
to ``REGION`` with shapely, simplify by ``TOLERANCE`` degrees outside the city area
(``CITY``, kept at full detail), round to ``DECIMALS`` places and write the rings.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

# (west, south, east, north), degrees: the Aegean coast to Pontus, the Balkans to Bithynia.
REGION = (25.0, 38.0, 39.5, 43.5)
# Around Constantinople: no simplification here, the city map is drawn from it.
CITY = (28.6, 40.8, 29.4, 41.35)
TOLERANCE = 0.004  # degrees, about 400 m; outside CITY only
DECIMALS = 4  # about 10 m
OUTPUT = Path(__file__).with_name("land.json")
SOURCE = {
    "name": "Natural Earth 1:10m land (version 4.1.0), via world-atlas 2.0.2 land-10m.json",
    "url": "https://www.naturalearthdata.com/downloads/10m-physical-vectors/",
    "package": "https://www.npmjs.com/package/world-atlas/v/2.0.2",
    "licence": "public domain (Natural Earth terms of use)",
}


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Every arc as absolute longitude/latitude, undoing the delta encoding and quantization."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y, *_ in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """A ring from its arc indices; a negative index ~i is arc i reversed."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def land_polygons(topology: dict[str, Any]) -> list[list[list[tuple[float, float]]]]:
    arcs = decode_arcs(topology)
    polygons = []
    for geometry in topology["objects"]["land"]["geometries"]:
        if geometry["type"] == "Polygon":
            parts = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            parts = geometry["arcs"]
        else:
            continue
        for polygon in parts:
            polygons.append([ring(indices, arcs) for indices in polygon])
    return polygons


def build(source: Path) -> dict[str, Any]:
    from shapely.geometry import MultiPolygon, Polygon, box
    from shapely.ops import unary_union

    topology = json.loads(source.read_text())
    region, city = box(*REGION), box(*CITY)
    clipped = []
    for rings in land_polygons(topology):
        shape = Polygon(rings[0], rings[1:]).buffer(0)
        if shape.intersects(region):
            clipped.append(shape.intersection(region))
    land = unary_union(clipped)
    near, far = land.intersection(city), land.difference(city)
    land = unary_union([near, far.simplify(TOLERANCE, preserve_topology=True)])
    polygons = list(land.geoms) if isinstance(land, MultiPolygon) else [land]

    def rounded(coordinates: Any) -> list[list[float]]:
        out: list[list[float]] = []
        for x, y in coordinates:
            point = [round(x, DECIMALS), round(y, DECIMALS)]
            if not out or out[-1] != point:
                out.append(point)
        return out

    shapes = []
    for polygon in sorted(polygons, key=lambda p: -p.area):
        if polygon.is_empty or polygon.area < 1e-6:
            continue  # specks below about 0.01 km²
        rings = [rounded(polygon.exterior.coords)]
        rings += [rounded(hole.coords) for hole in polygon.interiors]
        shapes.append([r for r in rings if len(r) >= 4])
    return {
        "about": "Land polygons (outer ring, then holes), longitude/latitude WGS 84, "
        "clipped to the bounds. Made by build_coastline.py; see README.md.",
        "source": SOURCE,
        "bounds": list(REGION),
        "polygons": shapes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("land_10m", type=Path, help="world-atlas 2.0.2 land-10m.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    document = build(args.land_10m)
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    args.output.write_text(text + "\n", encoding="utf-8")
    points = sum(len(r) for p in document["polygons"] for r in p)
    print(f"{args.output}: {len(document['polygons'])} polygons, {points} points, {len(text)} B")


if __name__ == "__main__":
    main()
