"""The pages for readers: the text and the story first, in plain language.

Through the ASGI test client (``client``), checked against the data; and in a real browser
(Debian's chromium driven by Playwright) at 1400 and 400 px, screenshots in
tests/artifacts/. Without chromium or Playwright the browser tests are skipped, and fail
under SIEGE626_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.namespaces import ID, SG
from tests.serve.conftest import ARTIFACTS, REPO_ROOT, RunningServer

DATA = REPO_ROOT / "data"
# A link named by a slug or a prefixed name ("avar-horde-strength", "sg:men", "exactMatch").
SLUG_LOOKING = re.compile(r"<a [^>]*>\s*((?:[a-z0-9]+-)+[a-z0-9]+|\w+:\w+|[a-z]+[A-Z]\w*)\s*</a>")


def _store() -> ox.Store:
    store = ox.Store()
    for name in ("siege626.ttl", "links.ttl"):
        store.load(path=str(DATA / name), format=ox.RdfFormat.TURTLE)
    return store


def _reading_part(html: str) -> str:
    """The page without its collapsed "Data details" section and its head."""
    body = re.split(r"<main[^>]*>", html, maxsplit=1)[1].split("</main>", 1)[0]
    return re.sub(r'<details class="data-details">.*?</details>', "", body, flags=re.S)


def _slugs(client: Any) -> list[str]:
    found = set()
    for name in ("siege626.ttl", "links.ttl"):
        found.update(re.findall(r"^id:([a-z0-9-]+)\s*$", (DATA / name).read_text(), re.M))
    return sorted(slug for slug in found if client.get(f"/page/{slug}").status_code == 200)


# -- 1. the text and the story first ---------------------------------------------------------


def test_the_source_text_page_shows_the_17_sentences_with_their_quotations(client) -> None:
    html = client.get("/page/source-text").text
    lines = re.findall(r'<li value="(\d+)" class="line"', html)
    assert lines == [str(n) for n in range(1, 18)]
    text = (DATA / "source" / "siege626.txt").read_text().splitlines()
    reading = _reading_part(html)
    plain = re.sub(r"<[^>]+>", "", reading).replace("&#39;", "'").replace("&#34;", '"')
    for sentence in text:
        assert sentence in plain
    quotes = re.findall(r'<a class="quote" href="/page/(quote-\d\d-\d\d)"><mark>', reading)
    assert len(quotes) >= 17
    # Each highlighted quotation leads to a page with the facts it states.
    quote = client.get(f"/page/{quotes[0]}").text
    assert "What the sources say" in quote and "<mark>" in quote
    assert "sha256" not in reading.lower()


def test_sentence_pages_have_previous_and_next(client) -> None:
    first = client.get("/page/sentence-01").text
    assert 'rel="prev"' not in first and 'rel="next" class="next" href="/page/sentence-02"' in first
    middle = client.get("/page/sentence-07").text
    assert 'rel="prev" class="prev" href="/page/sentence-06"' in middle
    assert 'rel="next" class="next" href="/page/sentence-08"' in middle
    last = client.get("/page/sentence-17").text
    assert 'rel="next"' not in last and 'rel="prev" class="prev" href="/page/sentence-16"' in last


@pytest.mark.parametrize("path", ["/", "/page/siege-of-constantinople"])
def test_the_index_and_the_siege_open_with_a_summary_and_key_facts(client, path: str) -> None:
    html = client.get(path).text
    summary, facts = html.find('id="summary"'), html.find('id="key-facts"')
    assert 0 < summary < facts < html.find("<table")
    key = html[facts : html.find("</section>", facts)]
    # Both calendars, the sides with strengths and hedges, leaders, outcome.
    assert "31 July 626" in key and "Gregorian 3 August 626" in key
    assert "7 August 626" in key and "Gregorian 10 August 626" in key
    assert "The side of the Avars and the Persians" in key and "The side of the Romans" in key
    assert "about 80,000 men" in key and "about eighty thousand men" in key
    assert "12,000 men, as stated" in key
    assert "presumably more than 50,000 men" in key and "of unknown size" in key
    assert 'href="/page/sergius-i">Sergius I</a>, patriarch' in key
    assert 'href="/page/bonus">Bonus</a>, magister militum' in key
    assert "Decisive victory at Blachernae" in key


def test_lines_and_dates_sort_as_numbers_and_days(client) -> None:
    html = client.get("/").text
    lines = [int(n) for n in re.findall(r'href="/page/sentence-\d+">line (\d+)</a>', html)]
    assert lines == sorted(lines) and len(lines) == 17
    julian_days = []
    store = _store()
    for slug in re.findall(r'href="/page/(date-[0-9-]+)"', html):
        (row,) = store.query(f"SELECT ?j WHERE {{ <{ID}{slug}> <{SG}julianDayNumber> ?j }}")
        julian_days.append(int(row["j"].value))
    assert julian_days and julian_days == sorted(julian_days)


# -- 4. pages in plain language --------------------------------------------------------------


def test_figures_are_shown_with_the_hedges_of_the_data(client) -> None:
    store = _store()
    rows = store.query(
        f"""SELECT ?force ?value ?qualifier WHERE {{
            ?force <{SG}strength> ?q . ?q <{SG}numericValue> ?value ; <{SG}qualifier> ?qualifier
        }}"""
    )
    seen = {}
    for row in rows:
        slug = row["force"].value.rsplit("/", 1)[-1]
        seen[slug] = (int(row["value"].value), row["qualifier"].value.rsplit("#", 1)[-1])
    assert seen["avar-horde"] == (80000, "approximate")
    assert seen["imperial-garrison"] == (12000, "asStated")
    horde = _reading_part(client.get("/page/avar-horde").text)
    assert "about 80,000 men" in horde
    garrison = _reading_part(client.get("/page/imperial-garrison").text)
    assert "12,000 men, as stated" in garrison


def test_every_page_reads_in_plain_language(client) -> None:
    slugs = _slugs(client)
    assert len(slugs) > 200
    for slug in slugs:
        html = client.get(f"/page/{slug}").text
        reading = _reading_part(html)
        assert "xsd:" not in reading, slug
        assert "@en" not in reading and not re.search(r"@[a-z]{2,3}\b<", reading), slug
        assert "Pointed at by" not in reading, slug
        looking = SLUG_LOOKING.findall(reading)
        assert not looking, (slug, looking)
        assert '<details class="data-details">' in html, slug
        assert "<summary>Data details</summary>" in html, slug
    sergius = client.get("/page/sergius-i").text
    assert 'lang="grc"' in _reading_part(sergius)  # language attributes stay
    assert "<h2>Related</h2>" in sergius


def test_plumbing_is_in_the_collapsed_data_details(client) -> None:
    html = client.get("/page/constantinople").text
    details = html[html.find('<details class="data-details">') :]
    assert "https://w3id.org/siege626/id/constantinople" in details
    assert "exactMatch" in details
    assert "https://w3id.org/siege626/id/constantinople</code>" not in _reading_part(html)
    assert '<details class="data-details" open' not in html


def test_other_accounts_disagree_box_on_contested_pages(client) -> None:
    # A page shows an account that contests its own facts (or the parts it plays), the
    # contested words' pages, and the siege's; not every page a claim concerns.
    contested = ["imperial-garrison", "shahin-vahmanzadegan", "persian-allies-under-shahrbaraz"]
    for slug in [*contested, "siege-of-constantinople", "sentence-07", "quote-07-02"]:
        html = client.get(f"/page/{slug}").text
        assert "<h2>Other accounts disagree</h2>" in html, slug
        # Near the top: before the statements, the text and the tables of parts played.
        box = html.find('id="other-accounts"')
        for later in ('class="statements"', 'class="participants"', 'class="text"'):
            assert html.find(later) == -1 or box < html.find(later), (slug, later)
    for slug in ("shahrbaraz", "theodore", "chalcedon"):
        assert "<h2>Other accounts disagree</h2>" not in client.get(f"/page/{slug}").text, slug
    garrison = client.get("/page/imperial-garrison").text
    box = garrison[garrison.find('id="other-accounts"') :]
    assert "fewer than 8,000 men, as stated" in box and "about 15,000 men" in box
    assert 'href="/page/quote-07-02"' in box
    assert "Other accounts disagree" not in client.get("/page/pontus").text


def test_person_pages_show_offices_with_dates(client) -> None:
    sergius = client.get("/page/sergius-i").text
    offices = sergius[sergius.find('<section class="offices">') :]
    offices = offices[: offices.find("</section>")]
    assert 'href="/page/patriarch">patriarch</a>' in offices
    assert "from 18 April 610" in offices and "to 9 December 638" in offices
    heraclius = client.get("/page/heraclius").text
    assert "from 5 October 610" in heraclius and "to 11 February 641" in heraclius


def test_wikipedia_and_wikidata_citations_link_out(client) -> None:
    sergius = client.get("/page/sergius-i").text
    assert 'href="https://en.wikipedia.org/wiki/Sergius_I_of_Constantinople"' in sergius
    pontus = client.get("/page/pontus").text
    assert 'href="https://www.wikidata.org/wiki/Q621672"' in pontus


# -- in a browser ----------------------------------------------------------------------------

PAGES = {
    "index": "/",
    "siege": "/page/siege-of-constantinople",
    "sergius": "/page/sergius-i",
    "source-text": "/page/source-text",
}


@pytest.fixture()
def reader(page: Any) -> Iterator[Any]:
    yield page
    page.set_viewport_size({"width": 1200, "height": 900})


@pytest.mark.parametrize("width", [1400, 400])
@pytest.mark.parametrize("name", list(PAGES))
def test_reading_pages_in_a_browser(
    reader: Any, running_server: RunningServer, name: str, width: int
) -> None:
    reader.set_viewport_size({"width": width, "height": 900})
    reader.goto(running_server.url + PAGES[name])
    shot = Path(ARTIFACTS) / f"reading-{name}-{width}.png"
    reader.screenshot(path=str(shot), full_page=True)
    scroll = reader.evaluate("document.documentElement.scrollWidth")
    client_width = reader.evaluate("document.documentElement.clientWidth")
    assert scroll <= client_width, f"{name} scrolls sideways at {width} px"
    details = reader.locator("details.data-details")
    assert details.count() == 0 or not details.first.evaluate("d => d.open")
