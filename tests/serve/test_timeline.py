"""The timeline tells the siege: every event of the data once, in an order that keeps every
date and every before/after relation of the graph, days merged, reigns in a lane of spans.

Through the ASGI test client, checked against the data files read here on their own; in a
real browser (Debian's chromium, as in test_serve_browser.py) at 1400 and 400 px, with
screenshots under tests/artifacts/. Pure ordering rules through timeline_order.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
import pytest

from kg.namespaces import ID, SG
from kg.serve.views.timeline_order import Constraint, Item, order_story
from tests.serve.conftest import ARTIFACTS, REPO_ROOT, RunningServer

DATA = REPO_ROOT / "data"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
PREFIXES = f"PREFIX sg: <{SG}>\nPREFIX rdfs: <{RDFS}>\n"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """The asserted data (the text's and the references'), with the ontology's classes."""
    graph = ox.Store()
    for path in (DATA / "siege626.ttl", DATA / "links.ttl", REPO_ROOT / "ontology/siege626.ttl"):
        graph.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return graph


@pytest.fixture(scope="module")
def page_text(client: Any) -> str:
    response = client.get("/timeline")
    assert response.status_code == 200
    return str(response.text)


def _slug(term: Any) -> str:
    return str(term.value)[len(str(ID)) :]


def _rows(store: ox.Store, query: str) -> list[Any]:
    return list(store.query(PREFIXES + query))  # type: ignore[arg-type]


def _story_order(page_text: str) -> list[str]:
    story = page_text[page_text.index('<ol class="story">') : page_text.index('id="reigns"')]
    return re.findall(r'<li class="event" id="event-[a-z0-9-]+" data-event="([a-z0-9-]+)"', story)


def _steps(page_text: str) -> list[str]:
    story = page_text[page_text.index('<ol class="story">') : page_text.index('id="reigns"')]
    return re.split(r'<li class="step ', story)[1:]


# -- what the page holds -----------------------------------------------------------------


def test_every_event_of_the_data_appears_once(store: ox.Store, page_text: str) -> None:
    events = {
        _slug(row["event"])
        for row in _rows(store, "SELECT ?event WHERE { ?event a/rdfs:subClassOf* sg:Event }")
    }
    # A rite the text names only as the setting of what still goes on is no step of it.
    events.discard("lenten-service")
    shown = re.findall(r'data-event="([a-z0-9-]+)"', page_text)
    assert len(events) > 30
    assert sorted(shown) == sorted(events)  # each once, none missing, none invented


def test_the_story_tells_the_advance_the_naval_defeat_blachernae_and_the_celebration(
    page_text: str,
) -> None:
    order = _story_order(page_text)
    for slug in (
        "persian-advance-to-the-bosporus",
        "defeat-of-the-canoes",
        "victory-at-blachernae",
        "celebration-of-the-victory",
    ):
        assert slug in order
    assert order.index("persian-advance-to-the-bosporus") < order.index("attack-of-31-july")


def test_the_order_keeps_every_date(store: ox.Store, page_text: str) -> None:
    dated = _rows(
        store,
        "SELECT ?event ?day WHERE { ?event sg:date ?date . ?date sg:julianDayNumber ?day }",
    )
    order = _story_order(page_text)
    days = sorted((int(row["day"].value), order.index(_slug(row["event"]))) for row in dated)
    assert len(days) >= 4
    positions = [position for _, position in days]
    # An earlier day never stands after a later one.
    for (day_a, pos_a), (day_b, pos_b) in zip(days, days[1:], strict=False):
        assert day_a == day_b or pos_a < pos_b
    assert positions


@pytest.mark.parametrize(
    ("relation", "subject_is_later"),
    [("after", True), ("triggeredBy", True), ("celebrates", True), ("prepares", False)],
)
def test_the_order_keeps_every_before_after_relation(
    store: ox.Store, page_text: str, relation: str, subject_is_later: bool
) -> None:
    order = _story_order(page_text)
    pairs = _rows(store, f"SELECT ?a ?b WHERE {{ ?a sg:{relation} ?b }}")
    assert pairs, f"the data has no sg:{relation}"
    for row in pairs:
        a, b = order.index(_slug(row["a"])), order.index(_slug(row["b"]))
        assert (a > b) if subject_is_later else (a < b), (relation, row["a"], row["b"])


def test_events_of_one_day_are_merged_under_it(store: ox.Store, page_text: str) -> None:
    rows = _rows(
        store,
        "SELECT ?event ?day WHERE { ?event sg:date ?date . ?date sg:julianDayNumber ?day }",
    )
    by_day: dict[int, set[str]] = {}
    for row in rows:
        by_day.setdefault(int(row["day"].value), set()).add(_slug(row["event"]))
    day_steps = [step for step in _steps(page_text) if step.startswith("day")]
    assert len(day_steps) == len(by_day) == 2
    for day, slugs in by_day.items():
        step = next(s for s in day_steps if f'id="day-{day}"' in s)
        assert slugs <= set(re.findall(r'data-event="([a-z0-9-]+)"', step))
        assert f"day number (JDN) {day}" in step
    august = next(s for s in day_steps if "7 August 626" in s)
    assert len(re.findall(r'data-event="', august)) == 3
    assert "7 days after 31 July 626" in august
    assert 'the end date of <a href="/page/siege-of-constantinople">' in august


def test_undated_events_say_so_and_why_they_stand_there(page_text: str) -> None:
    undated = [step for step in _steps(page_text) if step.startswith("undated")]
    assert len(undated) > 20
    for step in undated:
        assert "Date not given in the text" in step
        assert "Placed here: " in step
    withdrawal = next(s for s in undated if 'data-event="avar-withdrawal"' in s)
    assert re.search(r"prompted by <a [^>]*>Roman ships defeat the Slav canoes</a>", withdrawal)
    assert "read by the editors" in withdrawal
    blachernae = next(s for s in undated if 'data-event="victory-at-blachernae"' in s)
    assert re.search(r"told after <a [^>]*>the Avars [^<]*</a> in the text", blachernae)
    assert 'class="sentence-link" href="/page/sentence-14"' in blachernae


def test_a_part_of_a_dated_attack_stands_under_its_day_and_says_why(page_text: str) -> None:
    july = next(s for s in _steps(page_text) if "31 July 626" in s and s.startswith("day"))
    assert 'data-event="main-effort-of-31-july"' in july
    assert "No date of its own in the text" in july


def test_each_event_links_to_its_page_and_its_sentence(page_text: str) -> None:
    story = page_text[page_text.index('<ol class="story">') : page_text.index('id="reigns"')]
    entries = re.split(r'<li class="event" ', story)[1:]
    assert len(entries) == len(_story_order(page_text))
    for entry in entries:
        slug = re.match(r'id="event-([a-z0-9-]+)"', entry)
        assert slug is not None
        assert f'href="/page/{slug.group(1)}"' in entry
        assert re.search(r'class="sentence-link" href="/page/sentence-\d\d">line \d+<', entry)


def test_the_dates_explain_the_calendars_and_the_day_number(page_text: str) -> None:
    assert "Julian calendar" in page_text and "Gregorian calendar" in page_text
    assert "falls 3 days later, so 31 July 626 (Julian) is 3 August 626 (Gregorian" in page_text
    assert "<strong>day number (JDN)</strong>" in page_text
    assert "It is not a date in the Julian" in page_text


def test_the_text_s_silence_on_the_start_of_the_siege_is_said(page_text: str) -> None:
    sentence = (
        "The text does not say on which day the Siege of Constantinople (626) began: it says "
        "only “in 626 surrounding and almost occupying Constantinople itself” (line 1)."
    )
    assert page_text.count(sentence) == 2  # in the note on the dates and at the siege


def test_the_reigns_lane_draws_spans(store: ox.Store, page_text: str) -> None:
    start = page_text.index('<svg class="lane wide"')
    lane = page_text[start : page_text.index("</svg>", start)]
    tenures = _rows(store, "SELECT ?t WHERE { ?t a sg:Tenure }")
    rows = re.findall(r'<a href="/page/([a-z0-9-]+)" class="lane-row ([a-z-]+)">', lane)
    assert {slug for slug, kind in rows if kind == "tenure"} == {_slug(r["t"]) for r in tenures}
    heraclius = re.search(
        r'href="/page/reign-of-heraclius".*?>Reign of Heraclius as emperor, 610–641<.*?'
        r'<rect class="span" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"',
        lane,
        re.S,
    )
    assert heraclius is not None and float(heraclius.group(2)) > 200  # 30 years, not a dot
    assert "Siege of Constantinople (626)" in lane and 'class="siege-year"' in lane
    assert "Not drawn: no year is given in numbers." in page_text  # the life of Romanos


def test_the_page_is_marked_in_the_menu(page_text: str) -> None:
    assert '<link rel="stylesheet" href="/static/timeline.css">' in page_text
    assert re.search(r'<a href="/timeline" aria-current="page">', page_text)


# -- the ordering rules ------------------------------------------------------------------


def test_a_relation_moves_an_event_before_the_words_that_tell_it_first() -> None:
    items = [Item("a", "A", text=(1, 0)), Item("b", "B", text=(1, 5)), Item("c", "C", text=(2, 0))]
    steps = order_story(items, [Constraint("b", "a", "prompted by")])
    assert [s.keys for s in steps] == [["b"], ["a"], ["c"]]
    assert str(steps[1].reasons["a"][0]) == "prompted by “B”"


def test_days_keep_their_order_against_the_text() -> None:
    items = [
        Item("late", "Late", day=20, text=(1, 0)),
        Item("between", "Between", text=(2, 0)),
        Item("early", "Early", day=10, text=(3, 0)),
        Item("same", "Same", day=10, text=(4, 0)),
    ]
    steps = order_story(items, [])
    assert [s.keys for s in steps] == [["between"], ["early", "same"], ["late"]]


def test_a_contradiction_still_shows_every_event_once() -> None:
    items = [Item("a", "A", text=(1, 0)), Item("b", "B", text=(2, 0))]
    cycle = [Constraint("a", "b", "after"), Constraint("b", "a", "after")]
    keys = [key for step in order_story(items, cycle) for key in step.keys]
    assert sorted(keys) == ["a", "b"]


# -- in a browser ------------------------------------------------------------------------


@pytest.mark.parametrize("width", [1400, 400])
def test_the_timeline_in_a_browser(browser: Any, running_server: RunningServer, width: int) -> None:
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    try:
        page.goto(running_server.url + "/timeline")
        page.screenshot(path=str(ARTIFACTS / f"timeline-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator("ol.story li.day").count() == 2
        lane = page.locator("svg.lane:visible")
        assert lane.count() == 1  # the drawing for this width
        box = lane.bounding_box()
        assert box is not None and box["height"] > 200 and box["x"] + box["width"] <= width
        # Every label readable, and inside the drawing: none cut at an edge.
        labels = lane.locator(".lane-label, .siege-label")
        assert labels.count() == 8
        for index in range(labels.count()):
            label = labels.nth(index).bounding_box()
            assert label is not None and label["height"] >= 13
            assert box["x"] <= label["x"] and label["x"] + label["width"] <= box["x"] + box["width"]
        page.locator("a", has_text="7 August 626").first.click()
        page.wait_for_url("**/timeline#day-*")
        assert page.locator("li.day", has_text="7 August 626").is_visible()
    finally:
        page.close()
