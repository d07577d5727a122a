"""``/map``: the places of the siege on a drawn map (no tiles, no script), the places
without coordinates beside it, and the small map of each place page."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.serve.drawings.map import MapPoint, WaterLabel, render_map
from kg.serve.responses import HTML, CopiedFile, html
from kg.serve.site import Place
from kg.serve.state import Server, server_of
from kg.serve.views.places import places_with_points, places_without_points

__all__ = ["ROUTES", "copied_files", "map_figures", "place_map"]

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


async def map_page(request: Request) -> Response:
    server = server_of(request)
    places = places_with_points(server.site)
    overview, detail = map_figures(places)
    return html(
        server.page(
            "map",
            "map.html",
            title="Map",
            section="map",
            places=places,
            unplaced=places_without_points(server.site),
            overview=overview,
            detail=detail,
        )
    )


ROUTES = [Route("/map", map_page)]


def copied_files(server: Server) -> list[CopiedFile]:
    return [CopiedFile("/map", "map.html", HTML)]


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
