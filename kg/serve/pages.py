"""The HTML pages: Jinja2 templates (autoescaped) filled from :class:`~kg.serve.site.SiteGraph`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from jinja2 import Environment, FileSystemLoader, select_autoescape

from kg.serve.mapsvg import MapPoint, WaterLabel, render_map
from kg.serve.site import Place, SiteGraph, TimelineEntry, Value, shorten

__all__ = [
    "ResultsTable",
    "map_figures",
    "place_map",
    "render",
    "results_rows",
    "timeline_strip",
]

_TEMPLATES = Path(__file__).with_name("templates")
_environment = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

# The views (west, south, east, north): the region of the story, and the city area,
# where the places near Constantinople are drawn again, enlarged.
_REGION = (26.0, 39.0, 39.0, 43.0)
_CITY = (28.84, 40.95, 29.11, 41.16)
# Water names at fixed places: labels for the reader, not claims of the data. The
# Bosporus is written at the graph's point for it when that point is drawn.
_REGION_WATER = (
    WaterLabel("Black Sea", 31.5, 42.4),
    WaterLabel("Sea of Marmara", 28.1, 40.6),
    WaterLabel("Bosporus", 29.75, 41.3, size="small"),
)
_CITY_WATER = (
    WaterLabel("Sea of Marmara", 28.93, 40.965),
    WaterLabel("Golden Horn", 28.963, 41.026, angle=-33, size="small"),
    WaterLabel("Bosporus", 29.06, 41.11, slug="bosporus"),
)


def render(template: str, **context: Any) -> str:
    _environment.globals.setdefault("place_map", place_map)
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


def _map_point(place: Place) -> MapPoint:
    return MapPoint(
        key=place.slug,
        label=place.link.label,
        href=place.link.href,
        longitude=place.longitude,
        latitude=place.latitude,
        coarse=(place.precision or "").startswith("coarse"),
    )


def _in_city(point: MapPoint) -> bool:
    west, south, east, north = _CITY
    return west <= point.longitude <= east and south <= point.latitude <= north


def map_figures(places: Sequence[Place]) -> tuple[str, str]:
    """The map of the region with every place, and the city area enlarged.

    Each point carries its slug as an id in one figure (the enlarged one when it is
    there), so ``/map#slug`` leads to that point and the style sheet marks it.
    """
    points = [_map_point(place) for place in places]
    near = [p for p in points if _in_city(p)]
    near_keys = {p.key for p in near}
    frame = _CITY if len(near) > 1 else None
    crowded = near_keys - {"constantinople"}
    region = _REGION
    if points:
        region = (
            min(region[0], min(p.longitude for p in points) - 0.5),
            min(region[1], min(p.latitude for p in points) - 0.5),
            max(region[2], max(p.longitude for p in points) + 0.5),
            max(region[3], max(p.latitude for p in points) + 0.5),
        )
    overview = render_map(
        points,
        svg_id="map-overview",
        title="The places of the siege on a map of the region",
        bounds=region,
        height=330,
        labelled={p.key for p in points} - crowded,
        frame=frame,
        water=_REGION_WATER,
        targets={p.key for p in points} - near_keys,
    )
    detail_points = [p for p in points if p.key in near_keys]
    detail = render_map(
        detail_points,
        svg_id="map-detail",
        title="Constantinople and its surroundings, enlarged",
        bounds=_CITY,
        height=540,
        water=_CITY_WATER,
        targets=near_keys,
    )
    return overview, detail


def place_map(place: Place) -> str:
    """A small map of one place's point, for its page; the point leads to ``/map#slug``."""
    point = _map_point(place)
    near = _in_city(point)
    half = 0.07 if near else 1.4
    linked = MapPoint(
        point.key,
        point.label,
        f"/map#{point.key}",
        point.longitude,
        point.latitude,
        point.coarse,
    )
    return render_map(
        [linked],
        svg_id=f"place-map-{point.key}",
        title=f"{point.label} on a map" + (" (an approximate point)" if point.coarse else ""),
        bounds=(
            point.longitude - half,
            point.latitude - half,
            point.longitude + half,
            point.latitude + half,
        ),
        width=420,
        height=280,
        water=_CITY_WATER if near else _REGION_WATER,
        css_class="map place-map",
    )


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
