"""An SVG map of points that needs nothing from the network: a graticule and the points.

Longitude and latitude are drawn in an equirectangular projection whose horizontal scale
is shrunk by the cosine of the middle latitude, so distances look right near the centre.
Labels are placed beside their points, trying four positions to avoid one another.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["MapPoint", "render_map"]


@dataclass(frozen=True)
class MapPoint:
    key: str  # a slug: the point's element id and the page it links to
    label: str
    href: str
    longitude: float
    latitude: float
    coarse: bool = False


def _step(span: float) -> float:
    """A graticule spacing giving about four to eight lines across ``span`` degrees."""
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0):
        if span / step <= 8:
            return step
    return 45.0


def _format_degrees(value: float, step: float, positive: str, negative: str) -> str:
    decimals = 0 if step >= 1 else 1 if step >= 0.1 else 2
    return f"{abs(value):.{decimals}f}°{positive if value >= 0 else negative}"


def render_map(
    points: Sequence[MapPoint],
    *,
    svg_id: str,
    title: str,
    width: int = 720,
    height: int = 480,
    margin_degrees: float | None = None,
    labelled: set[str] | None = None,
    frame: tuple[float, float, float, float] | None = None,
    frame_label: str = "",
) -> str:
    """An ``<svg>`` element with a graticule and one linked circle per point.

    Only the points whose keys are in ``labelled`` get a label (all when it is None);
    ``frame`` (west, south, east, north) outlines an area that another map enlarges.
    """
    if not points:
        return (
            f'<svg id="{escape(svg_id)}" class="map" role="img">'
            f"<title>{escape(title)}</title></svg>"
        )
    west = min(p.longitude for p in points)
    east = max(p.longitude for p in points)
    south = min(p.latitude for p in points)
    north = max(p.latitude for p in points)
    pad = (
        margin_degrees
        if margin_degrees is not None
        else max(east - west, north - south, 0.02) * 0.12
    )
    west, east, south, north = west - pad, east + pad, south - pad, north + pad
    squeeze = math.cos(math.radians((south + north) / 2))
    inner_w, inner_h = width - 60, height - 50
    scale = min(inner_w / ((east - west) * squeeze), inner_h / (north - south))
    # Centre the drawing: the unused space goes to both sides.
    offset_x = 40 + (inner_w - (east - west) * squeeze * scale) / 2
    offset_y = 10 + (inner_h - (north - south) * scale) / 2

    def x(longitude: float) -> float:
        return offset_x + (longitude - west) * squeeze * scale

    def y(latitude: float) -> float:
        return offset_y + (north - latitude) * scale

    parts = [
        f'<svg id="{escape(svg_id)}" class="map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{escape(svg_id)}-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(svg_id)}-title">{escape(title)}</title>',
        f'<rect class="sea" x="0" y="0" width="{width}" height="{height}"/>',
    ]
    step = _step(max(east - west, north - south))
    longitude = math.ceil(west / step) * step
    while longitude <= east:
        px = x(longitude)
        parts.append(
            f'<line class="graticule" x1="{px:.1f}" y1="0" x2="{px:.1f}" y2="{height - 20}"/>'
        )
        parts.append(
            f'<text class="graticule-label" x="{px:.1f}" y="{height - 6}" text-anchor="middle">'
            f"{_format_degrees(longitude, step, 'E', 'W')}</text>"
        )
        longitude += step
    latitude = math.ceil(south / step) * step
    while latitude <= north:
        py = y(latitude)
        parts.append(f'<line class="graticule" x1="36" y1="{py:.1f}" x2="{width}" y2="{py:.1f}"/>')
        parts.append(
            f'<text class="graticule-label" x="4" y="{py + 4:.1f}">'
            f"{_format_degrees(latitude, step, 'N', 'S')}</text>"
        )
        latitude += step
    placed: list[tuple[float, float, float, float]] = []
    if frame is not None:
        left, top = x(frame[0]), y(frame[3])
        right, bottom = x(frame[2]), y(frame[1])
        parts.append(
            f'<rect class="frame" x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
            f'height="{bottom - top:.1f}"/>'
        )
        if frame_label:
            parts.append(
                f'<text class="frame-label" x="{left:.1f}" y="{bottom + 14:.1f}">'
                f"{escape(frame_label)}</text>"
            )
            placed.append((left, bottom, left + 7.2 * len(frame_label), bottom + 16))
    ordered = sorted(
        points,
        key=lambda p: (labelled is not None and p.key not in labelled, -p.latitude, p.longitude),
    )
    for point in ordered:
        px, py = x(point.longitude), y(point.latitude)
        label_x, label_y, anchor = _place_label(point.label, px, py, width, height, placed)
        coarse = " coarse" if point.coarse else ""
        shown = labelled is None or point.key in labelled
        parts.append(
            f'<a class="place-link" href="{escape(point.href)}" data-slug="{escape(point.key)}">'
            f"<title>{escape(point.label)} ({point.latitude:.4f}° N, {point.longitude:.4f}° E)"
            f"{' — coarse point' if point.coarse else ''}</title>"
            f'<circle class="place{coarse}" cx="{px:.1f}" cy="{py:.1f}" r="6" '
            f'data-slug="{escape(point.key)}"/>'
            + (
                f'<text class="place-label" x="{label_x:.1f}" y="{label_y:.1f}" '
                f'text-anchor="{anchor}">{escape(point.label)}</text>'
                if shown
                else ""
            )
            + "</a>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


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
    ]

    def box(cx: float, cy: float, anchor: str) -> tuple[float, float, float, float]:
        left = (
            cx if anchor == "start" else cx - text_width if anchor == "end" else cx - text_width / 2
        )
        return (left, cy - 12, left + text_width, cy + 3)

    def fits(b: tuple[float, float, float, float]) -> bool:
        inside = b[0] >= 0 and b[2] <= width and b[1] >= 0 and b[3] <= height - 20
        return inside and not any(
            b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in placed
        )

    for cx, cy, anchor in candidates:
        candidate = box(cx, cy, anchor)
        if fits(candidate):
            placed.append(candidate)
            return cx, cy, anchor
    cx, cy, anchor = candidates[0] if px + 10 + text_width <= width else candidates[1]
    placed.append(box(cx, cy, anchor))
    return cx, cy, anchor
