"""A question with parameters and a search, in a real browser at desktop and phone widths.

A reader picks a Julian day from the lists and asks; the answer's table scrolls inside its
own box on a phone, and the page itself never scrolls sideways. Screenshots go to
tests/artifacts/ (question-1400.png, question-400.png, search-1400.png, search-400.png).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.serve.conftest import ARTIFACTS, NO_SIDEWAYS_SCROLL, RunningServer

WIDTHS = (1400, 400)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_julian_day_is_picked_and_asked(
    page: Any, running_server: RunningServer, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(running_server.url + "/queries/events-on-date")
    page.select_option("#julian-day", "7")
    page.select_option("#julian-month", "8")
    page.locator("#julian-form button[type=submit]").click()
    page.wait_for_url("**/queries/events-on-date?julian_day=7&julian_month=8&julian_year=626")
    asked = page.locator("#day-asked").inner_text()
    assert "7 August 626" in asked and "10 August 626" in asked and "0626-08-10" in asked
    headings = page.locator("table.results th").all_inner_texts()
    assert headings[:3] == ["Julian date as given", "Julian day number", "Event"]
    assert page.locator("table.results tbody tr").count() >= 1
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    if width == 400:
        # The table is wider than a phone: it scrolls in its own box.
        box = page.locator(".results-scroll")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    page.screenshot(path=str(ARTIFACTS / f"question-{width}.png"), full_page=True)


def test_a_place_is_chosen_from_the_list(page: Any, running_server: RunningServer) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(running_server.url + "/queries/events-at-or-against-place")
    page.get_by_label("Place").select_option(label="Constantinople")
    page.locator("#parameters-form button[type=submit]").click()
    page.wait_for_url("**/queries/events-at-or-against-place?place=constantinople")
    assert page.locator("#param-place option:checked").inner_text() == "Constantinople"
    assert page.locator("table.results tbody tr").count() >= 1


@pytest.mark.parametrize("width", WIDTHS)
def test_a_search_finds_names_in_any_script(
    page: Any, running_server: RunningServer, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(running_server.url + "/search")
    page.get_by_label("A name, or part of one, in any language").fill("ΣΕΡΓΙΟΣ")
    page.locator("form.search-form button[type=submit]").click()
    page.wait_for_url("**/search?q=*")
    first = page.locator("li.hit").first
    assert "Sergius I" in first.inner_text() and "Σέργιος" in first.inner_text()
    page.get_by_label("A name, or part of one, in any language").fill("constantinople")
    page.locator("form.search-form button[type=submit]").click()
    page.wait_for_url("**/search?q=constantinople")
    assert page.locator("li.hit").first.locator("a").inner_text() == "Constantinople"
    assert page.locator("li.hit").count() > 5
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(ARTIFACTS / f"search-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_list_and_a_query_that_does_not_parse_fit_a_phone(
    page: Any, running_server: RunningServer, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(running_server.url + "/queries")
    assert page.locator("section.theme h2").all_inner_texts()[0] == "People and forces"
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(ARTIFACTS / f"questions-list-{width}.png"), full_page=False)
    page.goto(running_server.url + "/query")
    page.locator("#query-text").fill("SELECT ?x WHERE {\n  ?x ?y\n}")
    page.locator("#run-query").click()
    problem = page.locator("#parse-problem")
    assert "line 2" in problem.inner_text() and "three parts" in problem.inner_text()
    page.locator("#prefixes summary").click()
    assert page.locator("#prefixes").get_by_text("crm:", exact=True).is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path=str(ARTIFACTS / f"query-error-{width}.png"), full_page=True)
