"""The lane of reigns and offices on the timeline, as SVG: one row per span on an axis
of years, the siege's year marked. No script; labels kept inside the drawing."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from kg.serve.site import Link
from kg.serve.views.timeline import LaneSpan

__all__ = ["LANE_WIDTHS", "reigns_lane"]


# The lane is drawn twice, for wide and for narrow screens (the style sheet shows one), so
# that its labels keep one readable size on both: a drawing scaled down to a phone's width
# would shrink them to a few pixels.
LANE_WIDTHS = {"wide": 560, "narrow": 340}
# About how wide a character of the labels (14px sans-serif) is, to keep them in the lane.
_CHARACTER = 7.6


def reigns_lane(
    spans: Sequence[LaneSpan], marks: Sequence[tuple[int, Link]], layout: str = "wide"
) -> str:
    """The lane as SVG: one row per span on an axis of years, the siege's year marked."""
    drawn = [s for s in spans if s.start is not None or s.end is not None]
    if not drawn:
        return ""
    first = int(min(v for s in drawn for v in (s.start, s.end) if v is not None))
    last = int(max(v for s in drawn for v in (s.start, s.end) if v is not None)) + 1
    first -= first % 5
    last += -last % 5
    width, left, right, row = LANE_WIDTHS[layout], 12, 12, 38
    top = 34
    height = top + row * len(drawn) + 30

    def x(year: float) -> float:
        return left + (year - first) / (last - first) * (width - left - right)

    parts = [
        f'<svg class="lane {layout}" id="reigns-lane-{layout}" viewBox="0 0 {width} {height}" '
        f'role="group" aria-labelledby="reigns-lane-{layout}-title" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="reigns-lane-{layout}-title">Reigns, offices, lives and deaths on an axis'
        " of years</title>",
    ]
    for year, link in marks:
        if first <= year <= last:
            x0, x1 = x(year), x(year + 1)
            anchor, tx = _label_place(x1 + 4, x0 - 4, len(link.label), (left, width - right))
            parts.append(
                f'<rect class="siege-year" x="{x0:.1f}" y="{top - 14}" width="{x1 - x0:.1f}" '
                f'height="{height - top - 16}"/>'
                f'<text class="siege-label" x="{tx:.1f}" y="{top - 18}" text-anchor="{anchor}">'
                f"{_escape(link.label)}</text>"
            )
    axis_y = height - 24
    parts.append(
        f'<line class="axis" x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}"/>'
    )
    for year in range(first, last + 1, 5):
        px = x(year)
        parts.append(
            f'<line class="tick" x1="{px:.1f}" y1="{axis_y}" x2="{px:.1f}" y2="{axis_y + 5}"/>'
            f'<text class="tick-label" x="{px:.1f}" y="{axis_y + 18}" text-anchor="middle">'
            f"{year}</text>"
        )
    for index, span in enumerate(drawn):
        parts.append(_lane_row(span, top + index * row, x, (left, width - right)))
    parts.append("</svg>")
    return "\n".join(parts)


def _lane_row(
    span: LaneSpan, y: float, x: Callable[[float], float], limits: tuple[float, float]
) -> str:
    start = span.start if span.start is not None else span.end
    end = span.end if span.end is not None else span.start
    assert start is not None and end is not None
    x0, x1 = x(start), max(x(end), x(start) + 3)
    label = _lane_label(span)
    anchor, tx = _label_place(x0, x1, len(label), limits)
    shape = "span approximate" if span.approximate else "span"
    kind = re.sub(r"[^a-z]+", "-", span.kind.lower())
    return (
        f'<a href="{_escape(span.event.href or "")}" class="lane-row {kind}">'
        f"<title>{_escape(span.event.label)}: {_escape(span.words)}</title>"
        f'<text class="lane-label" x="{tx:.1f}" y="{y + 12}" text-anchor="{anchor}">'
        f"{_escape(label)}</text>"
        f'<rect class="{shape}" x="{x0:.1f}" y="{y + 17}" width="{x1 - x0:.1f}" height="10" '
        'rx="2"/></a>'
    )


def _label_place(
    start: float, end: float, characters: int, limits: tuple[float, float]
) -> tuple[str, float]:
    """(text-anchor, x) of a label: written from ``start``; or ending at ``end``, where it
    would leave the lane on the right; or from the lane's left edge, where it would leave
    it either way."""
    length = _CHARACTER * characters
    if start + length < limits[1]:
        return "start", start
    if end - length > limits[0]:
        return "end", end
    return "start", limits[0]


def _lane_label(span: LaneSpan) -> str:
    years = [int(v) for v in (span.start, span.end) if v is not None]
    if span.end is not None and span.end == int(span.end) and span.end > (span.start or 0):
        years[-1] -= 1  # a year alone was drawn to its end
    low, high = min(years), max(years)
    when = str(low) if low == high else f"{low}–{high}"
    if span.approximate:
        when = "c. " + when
    return f"{span.event.label}, {when}"


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
