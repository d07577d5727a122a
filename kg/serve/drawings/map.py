"""SVG maps that need nothing from the network: land, water, a graticule, a scale and points.

Land comes from ``kg/serve/geodata/land.json``, Natural Earth's 1:10m land clipped to the region
of the siege (public domain; see ``geodata/README.md`` for how it was made). Longitude and
latitude are drawn in an equirectangular projection whose horizontal scale is shrunk by
the cosine of the middle latitude, so distances and shapes look right near the centre and
one scale bar holds for the whole (small) area. Labels are placed beside their points,
trying a few positions to avoid one another.

A point whose precision is coarse is drawn as a dashed ring, its title saying it is
approximate. Each point is a link; the one that carries ``id=slug`` (``targets``) is
what ``/map#slug`` scrolls to and the style sheet marks (``:target``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

__all__ = ["MapPoint", "WaterLabel", "fit_bounds", "land_bounds", "land_polygons", "render_map"]

_LAND = Path(__file__).parents[1] / "geodata" / "land.json"
KM_PER_DEGREE = 111.195  # a degree of latitude on a sphere of radius 6371 km

Bounds = tuple[float, float, float, float]  # west, south, east, north
Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class MapPoint:
    key: str  # a slug: the page it links to, and the point's element id where asked
    label: str
    href: str
    longitude: float
    latitude: float
    coarse: bool = False


@dataclass(frozen=True)
class WaterLabel:
    """The name of a body of water, written on it: a label, not a claim of the data.

    When ``slug`` names a (precise) point on the map, that point's own label is written
    as the water's name instead, at the point the references give.
    """

    text: str
    longitude: float
    latitude: float
    slug: str | None = None
    angle: float = 0.0
    size: str = ""  # "" or "small"


@cache
def _land() -> dict[str, Any]:
    return dict(json.loads(_LAND.read_text(encoding="utf-8")))


def land_polygons() -> tuple[tuple[Ring, ...], ...]:
    """The land polygons of ``geodata/land.json``: each an outer ring, then its holes."""
    return _polygons()


@cache
def _polygons() -> tuple[tuple[Ring, ...], ...]:
    return tuple(
        tuple(tuple((float(x), float(y)) for x, y in ring) for ring in polygon)
        for polygon in _land()["polygons"]
    )


def land_bounds() -> Bounds:
    """The area the coastline data covers; beyond it, land and water are unknown."""
    west, south, east, north = (float(v) for v in _land()["bounds"])
    return (west, south, east, north)


def _shift_inside(low: float, high: float, limit_low: float, limit_high: float) -> float:
    """How far to move the span ``low``–``high`` along one axis into the limit's span."""
    if low < limit_low:
        return limit_low - low
    if high > limit_high and high - low <= limit_high - limit_low:
        return limit_high - high
    return 0.0


def _within(bounds: Bounds, limit: Bounds) -> Bounds:
    """``bounds`` moved (not resized) to lie inside ``limit`` where it fits, so that a
    map near the edge of the data draws no unknown area as water."""
    west, south, east, north = bounds
    centre_x, centre_y = (west + east) / 2, (south + north) / 2
    if not (limit[0] <= centre_x <= limit[2] and limit[1] <= centre_y <= limit[3]):
        return bounds
    dx = _shift_inside(west, east, limit[0], limit[2])
    dy = _shift_inside(south, north, limit[1], limit[3])
    return (west + dx, south + dy, east + dx, north + dy)


def _step(span: float) -> float:
    """A graticule spacing giving about three to six lines across ``span`` degrees."""
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0):
        if span / step <= 6:
            return step
    return 45.0


def _format_degrees(value: float, step: float, positive: str, negative: str) -> str:
    decimals = 0 if step >= 1 else 1 if step >= 0.1 else 2
    return f"{abs(value):.{decimals}f}°{positive if value >= 0 else negative}"


def _nice_length(km: float) -> float:
    """The largest of 1, 2, 5 × 10ⁿ km not above ``km``."""
    power = 10 ** math.floor(math.log10(km))
    return max(m * power for m in (1, 2, 5) if m * power <= km)


@dataclass(frozen=True)
class _Projection:
    west: float
    north: float
    squeeze: float  # cos(middle latitude)
    scale: float  # pixels per degree of latitude

    def x(self, longitude: float) -> float:
        return (longitude - self.west) * self.squeeze * self.scale

    def y(self, latitude: float) -> float:
        return (self.north - latitude) * self.scale

    @property
    def px_per_km(self) -> float:
        return self.scale / KM_PER_DEGREE


def fit_bounds(bounds: Bounds, width: int, height: int) -> Bounds:
    """``bounds`` widened in one direction so that it fills ``width`` × ``height``."""
    west, south, east, north = bounds
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * squeeze, north - south
    if span_x / span_y < width / height:
        extra = (span_y * width / height / squeeze - (east - west)) / 2
        return (west - extra, south, east + extra, north)
    extra = (span_x * height / width - span_y) / 2
    return (west, south - extra, east, north + extra)


def _land_path(projection: _Projection, bounds: Bounds, width: int, height: int) -> str:
    """One SVG path of the land inside ``bounds``, points closer than a pixel dropped."""
    west, south, east, north = bounds
    pieces = []
    for polygon in land_polygons():
        outer = polygon[0]
        if (
            max(x for x, _ in outer) < west
            or min(x for x, _ in outer) > east
            or max(y for _, y in outer) < south
            or min(y for _, y in outer) > north
        ):
            continue
        for ring in polygon:
            kept: list[tuple[float, float]] = []
            for longitude, latitude in ring:
                px, py = projection.x(longitude), projection.y(latitude)
                if kept and abs(px - kept[-1][0]) < 0.8 and abs(py - kept[-1][1]) < 0.8:
                    continue
                kept.append((px, py))
            if len(kept) < 3:
                continue
            pieces.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in kept) + "Z")
    if not pieces:
        return ""
    return f'<path class="land" fill-rule="evenodd" d="{"".join(pieces)}"/>'


def _scale_bar(projection: _Projection, width: int, height: int) -> str:
    km = _nice_length(width * 0.22 / projection.px_per_km)
    length = km * projection.px_per_km
    left, base = 12.0, height - 14.0
    label = f"{km:g} km"
    return (
        f'<g class="scale-bar" aria-label="scale: {label}">'
        f'<rect class="scale-back" x="{left - 6:.1f}" y="{base - 20:.1f}" '
        f'width="{length + 12:.1f}" height="28" rx="3"/>'
        f'<path class="scale" d="M{left:.1f},{base - 5:.1f}V{base:.1f}H{left + length:.1f}'
        f'V{base - 5:.1f}"/>'
        f'<text class="scale-label" x="{left + length / 2:.1f}" y="{base - 6:.1f}" '
        f'text-anchor="middle">{label}</text></g>'
    )


def render_map(
    points: Sequence[MapPoint],
    *,
    svg_id: str,
    title: str,
    bounds: Bounds,
    width: int = 720,
    height: int = 480,
    labelled: set[str] | None = None,
    frame: Bounds | None = None,
    frame_label: str = "",
    water: Sequence[WaterLabel] = (),
    targets: set[str] | frozenset[str] = frozenset(),
    css_class: str = "map",
) -> str:
    """An ``<svg>`` element: sea, land, graticule, water names, points, a scale bar.

    ``bounds`` is widened to the shape of the picture. Only the points whose keys are in
    ``labelled`` get a label (all when it is None); ``frame`` outlines an area that
    another map enlarges; the links of the points in ``targets`` get their slugs as ids.
    """
    bounds = _within(fit_bounds(bounds, width, height), land_bounds())
    west, south, east, north = bounds
    squeeze = math.cos(math.radians((south + north) / 2))
    projection = _Projection(west, north, squeeze, height / (north - south))
    x, y = projection.x, projection.y

    parts = [
        f'<svg id="{escape(svg_id)}" class="{escape(css_class)}" viewBox="0 0 {width} {height}" '
        # A group, not an image: the points are links a screen reader must reach.
        f'width="{width}" height="{height}" role="group" aria-labelledby="{escape(svg_id)}-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(svg_id)}-title">{escape(title)}</title>',
        f'<rect class="sea" x="0" y="0" width="{width}" height="{height}"/>',
        _land_path(projection, bounds, width, height),
    ]
    placed: list[tuple[float, float, float, float]] = [
        (0, height - 42, 0.26 * width + 24, height),  # the scale bar
    ]
    step = _step(max(east - west, north - south))
    longitude = math.ceil(west / step) * step
    while longitude <= east:
        px = x(longitude)
        parts.append(f'<line class="graticule" x1="{px:.1f}" y1="0" x2="{px:.1f}" y2="{height}"/>')
        if 40 < px < width - 30:
            parts.append(
                f'<text class="graticule-label" x="{px + 3:.1f}" y="11">'
                f"{_format_degrees(longitude, step, 'E', 'W')}</text>"
            )
            placed.append((px, 0, px + 40, 14))
        longitude += step
    latitude = math.ceil(south / step) * step
    while latitude <= north:
        py = y(latitude)
        parts.append(f'<line class="graticule" x1="0" y1="{py:.1f}" x2="{width}" y2="{py:.1f}"/>')
        if 20 < py < height - 40:
            parts.append(
                f'<text class="graticule-label" x="{width - 3}" y="{py - 3:.1f}" '
                f'text-anchor="end">{_format_degrees(latitude, step, "N", "S")}</text>'
            )
            placed.append((width - 44, py - 14, width, py))
        latitude += step

    if frame is not None:
        left, top = x(frame[0]), y(frame[3])
        right, bottom = x(frame[2]), y(frame[1])
        parts.append(
            f'<rect class="frame" x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
            f'height="{bottom - top:.1f}"/>'
        )
        placed.append((left, top, right, bottom))
        if frame_label:
            label_box = (left, bottom + 2, left + 6.6 * len(frame_label), bottom + 16)
            parts.append(
                f'<text class="frame-label" x="{left:.1f}" y="{bottom + 14:.1f}">'
                f"{escape(frame_label)}</text>"
            )
            placed.append(label_box)

    precise = {p.key for p in points if not p.coarse}
    water_points = {w.slug: w for w in water if w.slug in precise}
    for label in water:
        if label.slug in water_points:
            continue
        px, py = x(label.longitude), y(label.latitude)
        if not (0 <= px <= width and 0 <= py <= height):
            continue
        size = " small" if label.size == "small" else ""
        rotate = f' transform="rotate({label.angle:g} {px:.1f} {py:.1f})"' if label.angle else ""
        parts.append(
            f'<text class="water-label{size}" x="{px:.1f}" y="{py:.1f}" text-anchor="middle"'
            f"{rotate}>{escape(label.text)}</text>"
        )
        half = (5.5 if size else 7.0) * len(label.text) / 2
        if not label.angle:
            placed.append((px - half, py - 12, px + half, py + 3))

    # The markers first, so that no label is written over another point.
    for point in points:
        px, py = x(point.longitude), y(point.latitude)
        placed.append((px - 6, py - 6, px + 6, py + 6))
    ordered = sorted(
        points,
        key=lambda p: (labelled is not None and p.key not in labelled, -p.latitude, p.longitude),
    )
    for point in ordered:
        px, py = x(point.longitude), y(point.latitude)
        shown = labelled is None or point.key in labelled
        as_water = point.key in water_points
        text = water_points[point.key].text if as_water else point.label
        if point.coarse:
            text += " (approximate)"
        label = ""
        if shown:
            label_x, label_y, anchor = _place_label(text, px, py, width, height, placed)
            label = (
                f'<text class="{"water-label" if as_water else "place-label"}" '
                f'x="{label_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}">'
                f"{escape(text)}</text>"
            )
        coarse = " coarse" if point.coarse else ""
        element_id = f' id="{escape(point.key)}"' if point.key in targets else ""
        note = " — an approximate point (coarse precision)" if point.coarse else ""
        parts.append(
            f'<a class="place-link{coarse}"{element_id} href="{escape(point.href)}" '
            f'data-slug="{escape(point.key)}">'
            f"<title>{escape(point.label)} ({point.latitude:.4f}° N, {point.longitude:.4f}° E)"
            f"{note}</title>"
            f'<circle class="target-ring" cx="{px:.1f}" cy="{py:.1f}" r="14"/>'
            f'<circle class="place{coarse}" cx="{px:.1f}" cy="{py:.1f}" '
            f'r="{12 if point.coarse else 6}" data-slug="{escape(point.key)}"/>'
            f"{label}</a>"
        )
    parts.append(_scale_bar(projection, width, height))
    parts.append("</svg>")
    return "\n".join(part for part in parts if part)


def _place_label(
    label: str,
    px: float,
    py: float,
    width: int,
    height: int,
    placed: list[tuple[float, float, float, float]],
) -> tuple[float, float, str]:
    text_width = 7.2 * len(label)
    candidates = [
        (px + 10, py + 4, "start"),
        (px - 10, py + 4, "end"),
        (px, py - 12, "middle"),
        (px, py + 20, "middle"),
        (px + 10, py + 18, "start"),
        (px - 10, py - 10, "end"),
        (px + 14, py - 10, "start"),
        (px - 14, py + 18, "end"),
    ]

    def box(cx: float, cy: float, anchor: str) -> tuple[float, float, float, float]:
        left = (
            cx if anchor == "start" else cx - text_width if anchor == "end" else cx - text_width / 2
        )
        return (left, cy - 12, left + text_width, cy + 3)

    def overlaps(b: tuple[float, float, float, float]) -> int:
        return sum(1 for o in placed if b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3])

    def inside(b: tuple[float, float, float, float]) -> bool:
        return b[0] >= 2 and b[2] <= width - 2 and b[1] >= 2 and b[3] <= height - 2

    boxes = [(c, box(*c)) for c in candidates]
    fitting = [(c, b) for c, b in boxes if inside(b)] or boxes
    # A point's own marker is in ``placed``; it overlaps none of these candidates.
    (cx, cy, anchor), chosen = min(fitting, key=lambda cb: overlaps(cb[1]))
    placed.append(chosen)
    return cx, cy, anchor
