"""/search: any resource by any of its names, whatever the case and accents, Greek and
Persian included; best matches first; hostile search texts answered, never a 500."""

from __future__ import annotations

import re

import pytest

from kg.publish import DYNAMIC_PATHS
from kg.serve.pages.search import MAX_QUERY_CHARS, copied_files, normalise, search


def _hits(text: str) -> list[str]:
    """The href of each hit, in the order shown."""
    return re.findall(r'<li class="hit"><a href="([^"]+)"', text)


def test_names_compare_without_case_accents_or_extra_spaces() -> None:
    assert normalise("Σέργιος") == normalise("ΣΕΡΓΙΟΣ") == normalise("σεργιοσ") == "σεργιοσ"
    assert normalise("Ἡράκλειος") == "ηρακλειοσ"  # breathing, accent and final sigma
    assert normalise("  Shāhēn \t Vahūmanzādagān ") == "shahen vahumanzadagan"
    assert normalise("ﬁre") == "fire"  # NFKD unfolds the ligature


@pytest.mark.parametrize(
    "q, href, name, language",
    [
        # Greek without accents and in capitals: the name is Σέργιος.
        ("ΣΕΡΓΙΟΣ", "/page/sergius-i", "Σέργιος", "Ancient Greek"),
        ("ηρακλειος", "/page/heraclius", "Ἡράκλειος", "Ancient Greek"),
        ("shahen vahumanzadagan", "/page/shahin-vahmanzadegan", "Shāhēn Vahūmanzādagān", None),
        ("خسرو", "/page/khosrau-ii", "خسرو پرویز", "Persian"),
        ("THE CAPITAL", "/page/constantinople", "the capital", "English"),  # skos:altLabel
        ("sows", "/page/mobile-armored-shelters", "sows", "English"),
    ],
)
def test_any_name_in_any_language_finds_its_resource(
    client, q: str, href: str, name: str, language: str | None
) -> None:
    response = client.get("/search", params={"q": q})
    assert response.status_code == 200
    assert href in _hits(response.text)
    hit = re.search(rf'<li class="hit"><a href="{href}">.*?</li>', response.text, re.DOTALL)
    assert hit is not None
    assert f">{name}</span>”" in hit.group(0)
    if language:
        assert f'matched the <span class="language">{language}</span> name' in hit.group(0)


def test_a_hit_shows_its_class_in_words(client) -> None:
    text = client.get("/search", params={"q": "sergius"}).text
    hit = re.search(r'<li class="hit"><a href="/page/sergius-i">Sergius I</a>(.*?)</li>', text)
    assert hit is not None and '<span class="kind">Person</span>' in hit.group(1)


def test_a_document_known_by_its_iri_is_named_by_its_title(client) -> None:
    text = client.get("/search", params={"q": "ontology"}).text
    assert '<a href="/ontology">The Siege of Constantinople (626) ontology</a>' in text
    assert ">https://w3id.org" not in text


def test_exact_names_come_before_prefixes_before_the_rest(client) -> None:
    site = client.app.state.server.site
    hits = search(site, "constantinople")
    ranks = [hit.rank for hit in hits]
    assert ranks == sorted(ranks) and set(ranks) == {0, 1, 2}
    assert hits[0].link.iri.endswith("/constantinople")
    walls = search(site, "theodosian")
    assert walls[0].rank == 1 and walls[0].link.label == "Theodosian Walls"
    assert any(hit.rank == 2 for hit in walls)
    shown = _hits(client.get("/search", params={"q": "Constantinople"}).text)
    assert shown[0] == "/page/constantinople" and len(shown) == len(hits)


def test_the_search_form_has_a_labelled_field(client) -> None:
    text = client.get("/search").text
    assert '<label for="search-q">' in text and '<input id="search-q"' in text
    assert "found for" not in text and "Nothing found" not in text  # no query, no answer
    assert 'href="/static/questions.css"' in text


@pytest.mark.parametrize("q", ["", "   ", "\u0301\u0301", "\x00\x07"])
def test_an_empty_search_shows_the_form_only(client, q: str) -> None:
    response = client.get("/search", params={"q": q})
    assert response.status_code == 200
    assert 'id="hits-title"' not in response.text


def test_a_long_search_text_is_refused_in_words(client) -> None:
    response = client.get("/search", params={"q": "x" * 10_000})
    assert response.status_code == 400
    assert (
        f"The search text is 10,000 characters long; a search takes at most {MAX_QUERY_CHARS}"
        in (response.text)
    )
    assert "x" * 300 not in response.text
    assert client.get("/search", params={"q": "a" * MAX_QUERY_CHARS}).status_code == 200


@pytest.mark.parametrize(
    "q",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "Sergius\x00\x1b[31m",
        "\U0001f600 Σ",
        "%00%0a{{7*7}}",
        "\\u0000' OR 1=1 --",
    ],
)
def test_hostile_search_texts_are_escaped(client, q: str) -> None:
    response = client.get("/search", params={"q": q})
    assert response.status_code == 200
    assert "<script>alert" not in response.text and "<img src=x" not in response.text
    assert "\x00" not in response.text and "\x1b" not in response.text
    assert "49" not in re.sub(r"<[^>]+>", "", response.text.split('id="hits-title"')[-1])


def test_a_control_character_does_not_hide_a_name(client) -> None:
    text = client.get("/search", params={"q": "Sergius\x00"}).text
    assert "/page/sergius-i" in _hits(text)


@pytest.mark.parametrize(
    "control", ["\u202e", "\u202d", "\u202b", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f"]
)
def test_direction_controls_are_not_echoed_and_hide_no_name(client, control: str) -> None:
    text = client.get("/search", params={"q": f"Serg{control}ius"}).text
    assert control not in text
    assert "found for “Sergius”" in text
    assert "/page/sergius-i" in _hits(text)


def test_joiners_of_persian_names_are_kept(client) -> None:
    text = client.get("/search", params={"q": "a\u200cb"}).text
    assert "for “a\u200cb”" in text


def test_the_static_copy_has_no_search_and_knows_it() -> None:
    assert copied_files(None) == []  # type: ignore[arg-type]
    assert "/search" in DYNAMIC_PATHS
