"""What a person sees, in a real browser: Debian's chromium driven by Playwright.

The newcomer's path: the index, the siege, Sergius, the sentence that names him; then the
timeline and the map. Screenshots go to tests/artifacts/ (git-ignored). Without chromium
or Playwright the tests are skipped, and fail under SIEGE626_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

from typing import Any

from tests.serve.conftest import ARTIFACTS, RunningServer


def test_from_the_index_to_the_sentence_that_names_sergius(
    page: Any, running_server: RunningServer
) -> None:
    page.goto(running_server.url + "/")
    assert page.title().startswith("The Siege of Constantinople (626)")
    page.screenshot(path=str(ARTIFACTS / "serve-index.png"), full_page=True)

    siege = page.locator("a#start-link")
    assert siege.inner_text() == "the Siege of Constantinople (626)"
    siege.click()
    page.wait_for_url("**/page/siege-of-constantinople")
    assert page.locator("h1").inner_text() == "Siege of Constantinople (626)"
    assert "7 August 626" in page.locator("section.dates").inner_text()

    sergius = page.locator("section.participants a", has_text="Sergius I").first
    assert sergius.get_attribute("href") == "/page/sergius-i"
    sergius.click()
    page.wait_for_url("**/page/sergius-i")
    assert page.locator("h1").inner_text() == "Sergius I"
    names = page.locator("section.names").inner_text()
    assert "Sergius I" in names and "Σέργιος" in names
    statement = page.locator("tr.statement", has_text="holds office")
    assert "in the hands of patriarch Sergius I" in statement.inner_text()
    page.screenshot(path=str(ARTIFACTS / "serve-entity-sergius.png"), full_page=True)

    line = statement.locator("a.sentence-link")
    assert line.inner_text() == "line 7"
    line.click()
    page.wait_for_url("**/page/sentence-07")
    sentence = page.locator("blockquote.sentence-text")
    assert "is in the hands of patriarch Sergius I and Bonus" in sentence.inner_text()
    marked = sentence.locator("mark", has_text="patriarch Sergius I")
    assert marked.count() == 1 and marked.is_visible()
    page.screenshot(path=str(ARTIFACTS / "serve-sentence-07.png"), full_page=True)


def test_the_timeline_tells_the_dated_days(page: Any, running_server: RunningServer) -> None:
    page.goto(running_server.url + "/timeline")
    days = page.locator("ol.story li.day")
    assert days.count() == 2
    first, last = days.nth(0).inner_text(), days.nth(1).inner_text()
    assert "31 July 626" in first and "Gregorian 3 August 626" in first
    assert "7 August 626" in last and "day number (JDN) 1949923" in last
    attack = page.locator("#event-attack-of-31-july")
    assert attack.locator("a.sentence-link").get_attribute("href") == "/page/sentence-09"
    assert page.locator("#reigns-lane-wide a.lane-row").count() == 7
    page.screenshot(path=str(ARTIFACTS / "serve-timeline.png"), full_page=True)


def test_the_map_shows_every_place_and_leads_to_it(
    page: Any, running_server: RunningServer
) -> None:
    page.goto(running_server.url + "/map")
    overview = page.locator("#map-overview circle.place")
    assert overview.count() == 8
    assert page.locator("#map-detail circle.place").count() == 7
    box = page.locator("#map-overview").bounding_box()
    assert box is not None and box["width"] > 300  # drawn, not an empty frame
    page.screenshot(path=str(ARTIFACTS / "serve-map.png"), full_page=True)
    page.locator('#map-overview a[data-slug="pontus"]').click()
    page.wait_for_url("**/page/pontus")
    assert page.locator("h1").inner_text() == "Pontus"


def test_the_query_page_answers_in_a_table(page: Any, running_server: RunningServer) -> None:
    page.goto(running_server.url + "/query")
    page.fill(
        "#query-text",
        "PREFIX sg: <https://w3id.org/siege626/ontology#>\n"
        "SELECT ?person WHERE { ?person a sg:Person } ORDER BY ?person",
    )
    page.click("#run-query")
    page.wait_for_selector("table.results")
    # The text names eight persons; Christ and the Virgin, only
    # depicted and honoured, are holy figures (sg:HolyFigure), not persons.
    assert page.locator("table.results tbody tr").count() == 8
    assert page.locator("table.results a", has_text="Sergius I").count() == 1
    assert page.locator("table.results a", has_text="Christ").count() == 0
    page.screenshot(path=str(ARTIFACTS / "serve-query.png"), full_page=True)
