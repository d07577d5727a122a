"""Phones and accessibility, in a real browser: Debian's chromium driven by Playwright.

Nine pages, and three of other kinds, at 1400 and 400 px, served by a real ``kg serve``:
none scrolls sideways, the skip link is the first thing the keyboard reaches and moves the
focus to the content, the menu marks the current page, every form field has a label, and
axe-core finds no serious or critical violation. The counts of axe-core's findings by
impact go to tests/artifacts/axe-report.json, the screenshots to
tests/artifacts/a11y-<page>-<width>.png. Without chromium, Playwright or axe-core the tests
are skipped, and fail under SIEGE626_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.serve.axe import AXE_VERSION, AxeUnavailable, axe_script, check_integrity
from tests.serve.conftest import ARTIFACTS, RunningServer, require_tool


@dataclass(frozen=True)
class Visit:
    path: str
    # The menu entry marked as the current page; None for pages the menu does not list.
    section: str | None
    # Words the reader must see in the page's main heading.
    heading: str | None


PAGES = {
    "index": Visit("/", "Index", "The Siege of Constantinople (626)"),
    "siege": Visit("/page/siege-of-constantinople", None, "Siege of Constantinople (626)"),
    "person": Visit("/page/sergius-i", None, "Sergius I"),
    "place": Visit("/page/chalcedon", None, "Chalcedon"),
    "source-text": Visit("/page/source-text", None, None),
    "timeline": Visit("/timeline", "Timeline", None),
    "map": Visit("/map", "Map", "Map"),
    "question": Visit("/queries/events-on-date", "Questions", None),
    "search": Visit("/search?q=sergius", "Search", "Search"),
    # Pages of other kinds whose frame is the same.
    "ontology": Visit("/ontology", "Ontology", "ontology"),
    "downloads": Visit("/downloads", "Downloads", "Downloads"),
    "dataset-description": Visit("/void", None, "Dataset description"),
}
WIDTHS = [1400, 400]
# Impacts that fail the test; "moderate" and "minor" findings are counted and reported.
BLOCKING = {"serious", "critical"}

# Form fields a reader fills in, and whether each has a name a screen reader can say.
UNLABELLED_FIELDS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(f => !['hidden', 'submit', 'button', 'reset', 'image'].includes(f.type))
  .filter(f => !([...(f.labels || [])].some(l => l.textContent.trim())
                 || (f.getAttribute('aria-label') || '').trim()
                 || f.getAttribute('aria-labelledby')))
  .map(f => f.outerHTML)"""


@pytest.fixture(scope="module")
def axe() -> str:
    try:
        return axe_script()
    except (AxeUnavailable, OSError) as error:
        require_tool(str(error))
        raise  # not reached: require_tool skips or fails


@pytest.fixture(scope="module")
def axe_tab(browser: Any) -> Iterator[Any]:
    """A tab where the pages' Content-Security-Policy (no scripts at all) lets axe-core in.

    Only this tab is exempt; what a reader sees is checked in ``page``, under the policy.
    """
    opened = browser.new_page()
    try:
        session = browser.new_cdp_session(opened)
        session.send("Page.setBypassCSP", {"enabled": True})
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module")
def axe_report() -> Iterator[dict[str, dict[str, Any]]]:
    """axe-core's findings per page and width, written out when the module is done."""
    report: dict[str, dict[str, Any]] = {}
    yield report
    if report:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        body = {"axe-core": AXE_VERSION, "pages": report}
        (ARTIFACTS / "axe-report.json").write_text(json.dumps(body, indent=2) + "\n")


def _open(page: Any, server: RunningServer, name: str, width: int) -> Any:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(server.url + PAGES[name].path)
    assert response is not None and response.status == 200, f"{name}: {response}"
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_what_a_reader_sees(
    page: Any, running_server: RunningServer, name: str, width: int
) -> None:
    visit = PAGES[name]
    page = _open(page, running_server, name, width)
    page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{width}.png"), full_page=True)

    heading = page.locator("main h1").first
    assert heading.is_visible() and heading.inner_text().strip()
    if visit.heading:
        assert visit.heading in heading.inner_text()

    wide = page.evaluate("document.documentElement.scrollWidth")
    visible = page.evaluate("document.documentElement.clientWidth")
    assert wide <= visible, f"{name} scrolls sideways at {width} px ({wide} > {visible})"

    menu = page.locator("header.site nav")
    assert menu.is_visible()
    current = menu.locator('a[aria-current="page"]')
    if visit.section is None:
        assert current.count() == 0
    else:
        assert current.count() == 1, f"{name}: the menu does not mark the current page"
        assert current.inner_text().strip() == visit.section
    # Every menu entry fits in the width, even when the menu wraps on a phone.
    for box in (menu.locator("a").nth(i).bounding_box() for i in range(menu.locator("a").count())):
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= visible

    assert page.evaluate(UNLABELLED_FIELDS) == []
    # A search box on every page: the header's, or on the search page its own.
    search = page.locator('form[role="search"] input[name="q"]')
    assert search.count() == 1 and search.is_visible()
    header_search = page.locator('header.site form[role="search"]')
    assert header_search.count() == (0 if name == "search" else 1)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["index", "person", "map", "search"])
def test_the_skip_link_leads_the_keyboard_to_the_content(
    page: Any, running_server: RunningServer, name: str, width: int
) -> None:
    page = _open(page, running_server, name, width)
    skip = page.locator("a.skip-link")
    assert skip.bounding_box() is None or not _in_view(skip.bounding_box(), width)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.className, document.activeElement.textContent]"
    )
    assert focused == ["skip-link", "Skip to the content"]
    box = skip.bounding_box()
    assert box is not None and _in_view(box, width), "the focused skip link is not on screen"
    page.screenshot(path=str(ARTIFACTS / f"a11y-skip-link-{name}-{width}.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def _in_view(box: dict[str, float], width: int) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width and box["width"] > 1


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious(
    axe_tab: Any,
    running_server: RunningServer,
    axe: str,
    axe_report: dict[str, dict[str, Any]],
    name: str,
    width: int,
) -> None:
    page = _open(axe_tab, running_server, name, width)
    page.add_script_tag(content=axe)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [", ".join(n["target"]) for n in v["nodes"]],
        }
        for v in results["violations"]
    ]
    counts = Counter(v["impact"] for v in violations for _ in v["nodes"])
    axe_report.setdefault(name, {})[str(width)] = {
        "path": PAGES[name].path,
        "counts": {impact: counts.get(impact, 0) for impact in _IMPACTS},
        "violations": violations,
    }
    print(f"axe-core {name} at {width} px:", dict(counts) or "no violation")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], json.dumps(blocking, indent=1)


_IMPACTS = ["critical", "serious", "moderate", "minor"]


def test_a_tarball_that_is_not_the_pinned_release_is_refused() -> None:
    with pytest.raises(AxeUnavailable, match="does not match"):
        check_integrity(b"not the axe-core release")
