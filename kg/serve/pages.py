"""The HTML pages: Jinja2 templates (autoescaped) filled from :class:`~kg.serve.site.SiteGraph`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kg.serve.mapsvg import MapPoint, render_map
from kg.serve.site import Place, SiteGraph, TimelineEntry, Value, shorten

__all__ = ["ResultsTable", "map_figures", "render", "results_rows", "timeline_strip"]

_TEMPLATES = Path(__file__).with_name("templates")
_environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

# Places within this distance (degrees) of Constantinople are drawn again, enlarged.
_NEAR_CONSTANTINOPLE = 0.6


def render(template: str, **context: Any) -> str:
    return _environment.get_template(template).render(**context)


class ResultsTable(NamedTuple):
    """A result as a page shows it: columns, rows of values, an ASK's answer."""

    columns: list[str]
    rows: list[list[Value | None]]
    boolean: bool | None
    truncated: bool  # the worker sent the first rows only (QueryRequest.page_rows)


def results_rows(site: SiteGraph, results_json: bytes) -> ResultsTable:
    """The table of a SPARQL JSON result."""
    document = json.loads(results_json)
    if "boolean" in document:
        return ResultsTable([], [], bool(document["boolean"]), False)
    columns = list(document.get("head", {}).get("vars", []))
    rows = []
    for binding in document.get("results", {}).get("bindings", []):
        rows.append([_value(site, binding.get(column)) for column in columns])
    return ResultsTable(columns, rows, None, bool(document.get("truncated")))


def _value(site: SiteGraph, term: dict[str, str] | None) -> Value | None:
    if term is None:
        return None
    kind = term.get("type")
    if kind == "uri":
        link = site.link(term["value"])
        return Value(link.label, link)
    if kind == "bnode":
        return Value(f"_:{term['value']}")
    datatype = term.get("datatype")
    return Value(
        term["value"],
        language=term.get("xml:lang"),
        datatype=shorten(datatype) if datatype else None,
    )


def map_figures(places: Sequence[Place]) -> tuple[str, str]:
    """The overview map of every place and an enlarged map around Constantinople."""
    points = [
        MapPoint(
            key=place.slug,
            label=place.link.label,
            href=place.link.href,
            longitude=place.longitude,
            latitude=place.latitude,
            coarse=(place.precision or "").startswith("coarse"),
        )
        for place in places
    ]
    centre = next((p for p in points if p.key == "constantinople"), None)
    near = [
        p
        for p in points
        if centre is not None
        and abs(p.longitude - centre.longitude) <= _NEAR_CONSTANTINOPLE
        and abs(p.latitude - centre.latitude) <= _NEAR_CONSTANTINOPLE
    ]
    frame = None
    if len(near) > 1:
        frame = (
            min(p.longitude for p in near) - 0.05,
            min(p.latitude for p in near) - 0.05,
            max(p.longitude for p in near) + 0.05,
            max(p.latitude for p in near) + 0.05,
        )
    crowded = {p.key for p in near} - {"constantinople"}
    overview = render_map(
        points,
        svg_id="map-overview",
        title="All places with a point",
        height=340,
        labelled={p.key for p in points} - crowded,
        frame=frame,
        frame_label=f"{len(near)} places, enlarged below" if frame else "",
    )
    detail = render_map(
        near, svg_id="map-detail", title="Constantinople and its surroundings", margin_degrees=0.03
    )
    return overview, detail


def timeline_strip(entries: Sequence[TimelineEntry], width: int = 720, height: int = 70) -> str:
    """A horizontal axis of years with a mark for each dated entry (by Julian Day Number)."""
    days = [e.date.julian_day_number for e in entries if e.date.julian_day_number]
    if not days:
        return ""
    first_year = int(min(e.date.gregorian_iso[:4] for e in entries))
    last_year = int(max(e.date.gregorian_iso[:4] for e in entries)) + 1
    start, end = _jdn_of_year(first_year), _jdn_of_year(last_year)

    def x(day: int) -> float:
        return 20 + (day - start) / max(end - start, 1) * (width - 40)

    parts = [
        f'<svg class="strip" id="timeline-strip" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Dated entries on an axis of years" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<line class="tick" x1="20" y1="30" x2="{width - 20}" y2="30"/>',
    ]
    step = 5 if last_year - first_year > 12 else 1
    for year in range(first_year - first_year % step, last_year + 1, step):
        if year < first_year:
            continue
        px = x(_jdn_of_year(year))
        parts.append(f'<line class="tick" x1="{px:.1f}" y1="24" x2="{px:.1f}" y2="36"/>')
        parts.append(
            f'<text class="tick-label" x="{px:.1f}" y="54" text-anchor="middle">{year}</text>'
        )
    for entry in entries:
        if entry.date.julian_day_number:
            px = x(entry.date.julian_day_number)
            parts.append(
                f'<circle class="mark" cx="{px:.1f}" cy="30" r="5"><title>'
                f"{_escape(entry.date.julian)} (Julian): {_escape(entry.event.label)}"
                "</title></circle>"
            )
    parts.append("</svg>")
    return "\n".join(parts)


def _jdn_of_year(year: int) -> int:
    """Julian Day Number of 1 January of a proleptic Gregorian year."""
    a = 13 // 12
    y = year + 4800 - a
    m = 1 + 12 * a - 3
    return 1 + (153 * m + 2) // 5 + 365 * y + y // 4 - y // 100 + y // 400 - 32045


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
