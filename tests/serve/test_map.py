"""The map: land and water from the shipped coastline, names, a scale, points, and more.

Through the ASGI test client: what /map and the place pages contain. In a real browser
(Debian's chromium, as in test_serve_browser.py): screenshots at 1400 and 400 px wide
under tests/artifacts/, no page scrolling sideways, and /map#slug marking its point.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from kg.serve.drawings import map as mapsvg
from kg.serve.drawings.map import MapPoint, fit_bounds, render_map
from tests.serve.conftest import ARTIFACTS, RunningServer

GEODATA = Path(mapsvg.__file__).parents[1] / "geodata"


def _svg(text: str, svg_id: str) -> str:
    start = text.index(f'<svg id="{svg_id}"')
    return text[start : text.index("</svg>", start)]


@pytest.fixture(scope="module")
def map_text(client: Any) -> str:
    response = client.get("/map")
    assert response.status_code == 200
    return str(response.text)


def _place_slugs(map_text: str) -> list[str]:
    return re.findall(r'<tr id="row-([a-z0-9-]+)">', map_text)


# -- the coastline data ---------------------------------------------------------


def test_the_coastline_ships_small_with_its_credit() -> None:
    land = GEODATA / "land.json"
    assert 5_000 < land.stat().st_size < 300_000
    document = json.loads(land.read_text(encoding="utf-8"))
    assert "Natural Earth" in document["source"]["name"]
    assert "public domain" in document["source"]["licence"]
    west, south, east, north = document["bounds"]
    assert west <= 26 and east >= 38 and south <= 39 and north >= 43
    readme = (GEODATA / "README.md").read_text(encoding="utf-8")
    assert "world-atlas 2.0.2" in readme and "public domain" in readme
    assert "build_coastline.py" in readme
    # Constantinople's point, Thrace and Bithynia are land; the Sea of Marmara, the
    # Bosporus and the Black Sea are water.
    assert _on_land(28.9653517, 41.0063714) and _on_land(27.5, 41.5) and _on_land(30.0, 40.2)
    assert not any(_on_land(*water) for water in [(28.2, 40.75), (29.06, 41.1), (31.5, 42.5)])


def _on_land(longitude: float, latitude: float) -> bool:
    inside = False
    for polygon in mapsvg.land_polygons():
        for ring in polygon:  # even-odd: holes count again
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > latitude) != (y2 > latitude) and longitude < x1 + (latitude - y1) * (
                    x2 - x1
                ) / (y2 - y1):
                    inside = not inside
    return inside


def test_the_scale_bar_matches_the_projection() -> None:
    svg = render_map(
        [MapPoint("a", "A", "/page/a", 29.0, 41.0)],
        svg_id="t",
        title="t",
        bounds=(28.5, 40.5, 29.5, 41.5),
        width=600,
        height=600,
    )
    label = re.search(r'class="scale-label"[^>]*>([\d.]+) km<', svg)
    path = re.search(r'class="scale" d="M([\d.]+),[\d.]+V[\d.]+H([\d.]+)V', svg)
    assert label is not None and path is not None
    length_px = float(path.group(2)) - float(path.group(1))
    # 600 px for one degree of latitude (111.195 km) after fitting the bounds.
    west, south, east, north = fit_bounds((28.5, 40.5, 29.5, 41.5), 600, 600)
    px_per_km = 600 / (north - south) / mapsvg.KM_PER_DEGREE
    assert abs(length_px - float(label.group(1)) * px_per_km) < 0.2


# -- /map -------------------------------------------------------------------------


def test_the_map_draws_land_and_names_the_waters(map_text: str) -> None:
    for svg_id in ("map-overview", "map-detail"):
        svg = _svg(map_text, svg_id)
        land = re.search(r'<path class="land"[^>]* d="([^"]+)"', svg)
        assert land is not None and land.group(1).count("L") > 100
        assert '<rect class="sea"' in svg
    waters = set(re.findall(r'class="water-label[^"]*"[^>]*>([^<]+)<', map_text))
    assert {"Bosporus", "Golden Horn", "Sea of Marmara"} <= waters
    detail_waters = re.findall(
        r'class="water-label[^"]*"[^>]*>([^<]+)<', _svg(map_text, "map-detail")
    )
    assert {"Bosporus", "Golden Horn", "Sea of Marmara"} <= set(detail_waters)


def test_each_map_has_a_scale_bar_in_km(map_text: str) -> None:
    for svg_id in ("map-overview", "map-detail"):
        svg = _svg(map_text, svg_id)
        assert '<g class="scale-bar"' in svg
        assert re.search(r'class="scale-label"[^>]*>\d+ km<', svg)


def test_the_coarse_point_is_drawn_as_approximate(map_text: str) -> None:
    detail = _svg(map_text, "map-detail")
    link = re.search(r'<a class="place-link coarse" id="golden-horn".*?</a>', detail, re.S)
    assert link is not None
    assert "approximate" in link.group(0)
    assert '<circle class="place coarse"' in link.group(0)
    assert "Golden Horn (approximate)" in link.group(0)
    # The precise points are not drawn so.
    chalcedon = re.search(r'<a class="place-link" id="chalcedon".*?</a>', detail, re.S)
    assert chalcedon is not None and "approximate" not in chalcedon.group(0)


def test_places_without_coordinates_are_listed_with_the_reason(map_text: str) -> None:
    aside = map_text[map_text.index('<aside class="map-aside">') : map_text.index("</aside>")]
    assert "the references give no coordinates" in aside
    listed = re.findall(r'<li><a href="/page/([a-z0-9-]+)">', aside)
    assert {"mesoteichion", "anatolia", "balkan-peninsula"} <= set(listed)
    assert not set(listed) & set(_place_slugs(map_text))  # none of them has a point


def test_the_walls_are_a_point_because_the_references_give_no_line(map_text: str) -> None:
    assert "not a line" in map_text
    assert 'data-slug="theodosian-walls"' in _svg(map_text, "map-detail")
    assert "<polyline" not in map_text and 'class="walls"' not in map_text


def test_every_point_is_a_target_once(map_text: str) -> None:
    slugs = _place_slugs(map_text)
    assert len(slugs) == 8
    figures = _svg(map_text, "map-overview") + _svg(map_text, "map-detail")
    for slug in slugs:
        assert map_text.count(f'id="{slug}"') == 1, slug
        assert re.search(rf'<a class="place-link[^"]*" id="{slug}"', figures), slug
    # Places near the city take their ids in the enlarged map, the others in the overview.
    assert 'id="chalcedon"' in _svg(map_text, "map-detail")
    assert 'id="pontus"' in _svg(map_text, "map-overview")


def test_every_place_page_has_a_small_map_of_its_point(client: Any, map_text: str) -> None:
    for slug in _place_slugs(map_text):
        text = client.get(f"/page/{slug}").text
        assert f'href="/map#{slug}">on the map</a>' in text
        svg = _svg(text, f"place-map-{slug}")
        assert '<path class="land"' in svg and '<g class="scale-bar"' in svg
        points = re.findall(r'<a class="place-link[^"]*" href="([^"]+)"', svg)
        assert points == [f"/map#{slug}"]
    # Near the edge of the coastline data (Pontus), the small map moves inside it: no
    # unknown area is drawn as sea.
    pontus = _svg(client.get("/page/pontus").text, "place-map-pontus")
    circle = re.search(r'<circle class="place" cx="([\d.]+)"', pontus)
    assert circle is not None and float(circle.group(1)) > 420 / 2 + 40
    coarse = _svg(client.get("/page/golden-horn").text, "place-map-golden-horn")
    assert '<circle class="place coarse"' in coarse and "approximate" in coarse


def test_a_page_without_a_point_has_no_map(client: Any) -> None:
    text = client.get("/page/mesoteichion").text
    assert "place-map" not in text and "/map#" not in text


# -- in a browser -----------------------------------------------------------------


@pytest.mark.parametrize("width", [1400, 400])
@pytest.mark.parametrize("path", ["/map", "/page/chalcedon"])
def test_screenshots_and_no_sideways_scrolling(
    browser: Any, running_server: RunningServer, path: str, width: int
) -> None:
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    try:
        page.goto(running_server.url + path)
        name = "map" if path == "/map" else "place-" + path.rsplit("/", 1)[1]
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        maps = page.locator("svg.map")
        assert maps.count() >= 1
        for index in range(maps.count()):
            box = maps.nth(index).bounding_box()
            assert box is not None and box["width"] > 200 and box["x"] + box["width"] <= width
    finally:
        page.close()


def test_on_the_map_leads_to_the_marked_point(browser: Any, running_server: RunningServer) -> None:
    page = browser.new_page()
    page.set_viewport_size({"width": 1400, "height": 900})
    try:
        page.goto(running_server.url + "/page/chalcedon")
        page.locator("section.where a", has_text="on the map").click()
        page.wait_for_url("**/map#chalcedon")
        ring = page.locator("#chalcedon .target-ring")
        assert ring.evaluate("e => getComputedStyle(e).stroke") != "none"
        other = page.locator("#constantinople .target-ring")
        assert other.evaluate("e => getComputedStyle(e).stroke") == "none"
        assert page.locator("#chalcedon").is_visible()
        page.screenshot(path=str(ARTIFACTS / "map-target-chalcedon.png"))
    finally:
        page.close()
