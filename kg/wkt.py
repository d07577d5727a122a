"""Read GeoSPARQL WKT literals (``POINT(long lat)``) as GeoJSON geometries."""

from __future__ import annotations

import re
from typing import Any

from kg.errors import KgError

__all__ = ["WktError", "wkt_to_geojson"]

# GeoSPARQL's default reference system: WGS 84 with longitude first, as GeoJSON has it.
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

_GEOMETRY = re.compile(r"(?P<kind>[A-Za-z]+)\s*(?P<body>\(.*\))", re.DOTALL)
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_POSITION = re.compile(rf"\s*({_NUMBER})\s+({_NUMBER})\s*")


class WktError(KgError):
    """A WKT literal that is not a 2D POINT, LINESTRING or POLYGON in CRS84."""


def wkt_to_geojson(text: str) -> dict[str, Any]:
    """The GeoJSON geometry of a WKT literal; an optional leading CRS IRI must be CRS84."""
    body = text.strip()
    if body.startswith("<"):
        crs, _, body = body[1:].partition(">")
        if crs.rstrip("/") != CRS84:
            raise WktError(f"reference system <{crs}> is not CRS84 (longitude latitude)")
    match = _GEOMETRY.fullmatch(body.strip())
    if match is None:
        raise WktError(f"not a WKT geometry: {text!r}")
    kind, inner = match.group("kind").upper(), match.group("body")
    if kind == "POINT":
        return {"type": "Point", "coordinates": _position(_strip_parens(inner))}
    if kind == "LINESTRING":
        line = _positions(_strip_parens(inner))
        if len(line) < 2:
            raise WktError(f"a LINESTRING needs two positions or more: {text!r}")
        return {"type": "LineString", "coordinates": line}
    if kind == "POLYGON":
        rings = [_positions(ring) for ring in re.findall(r"\(([^()]*)\)", _strip_parens(inner))]
        if not rings or any(len(ring) < 4 or ring[0] != ring[-1] for ring in rings):
            raise WktError(f"a POLYGON needs closed rings of four positions or more: {text!r}")
        return {"type": "Polygon", "coordinates": rings}
    raise WktError(f"{kind} is not read; only POINT, LINESTRING and POLYGON are")


def _strip_parens(text: str) -> str:
    text = text.strip()
    if not (text.startswith("(") and text.endswith(")")):
        raise WktError(f"expected parentheses around {text!r}")
    return text[1:-1]


def _position(text: str) -> list[float]:
    match = _POSITION.fullmatch(text)
    if match is None:
        raise WktError(f"expected 'longitude latitude', got {text.strip()!r}")
    longitude, latitude = float(match.group(1)), float(match.group(2))
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise WktError(f"position out of range: {text.strip()!r}")
    return [longitude, latitude]


def _positions(text: str) -> list[list[float]]:
    return [_position(item) for item in text.split(",")]
