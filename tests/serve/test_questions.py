"""Questions without SPARQL: the list by theme, parameters picked from lists, the date
question in the Julian calendar, readable result tables, and /query's prefixes and plain
explanations of a query that does not parse."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kg.catalogue import THEMES
from kg.errors import ParameterError
from kg.julian import (
    JulianDay,
    gregorian_to_julian,
    julian_day_number,
    julian_to_gregorian,
    parse_julian,
)
from kg.namespaces import KNOWN_PREFIXES
from kg.serve.pages.query_form import _unknown_prefix, explain_parse_error
from kg.serve.pages.results import columns_of, heading

HTML = {"accept": "text/html"}


def _section(text: str, element_id: str) -> str:
    start = text.index(f'id="{element_id}"')
    return text[start : text.index("</section>", start)]


def _select(text: str, name: str) -> str:
    start = text.index(f'<select id="param-{name}"')
    return text[start : text.index("</select>", start)]


def _options(select: str) -> dict[str, str]:
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def _selected(select: str) -> str:
    found = re.search(r'<option value="([^"]*)" selected>', select)
    assert found is not None, select[:300]
    return found.group(1)


# -- the list of questions, by theme -------------------------------------------------------


def test_the_questions_are_links_grouped_by_theme(client) -> None:
    text = client.get("/queries").text
    positions = [text.index(f'id="theme-{theme}"') for theme in THEMES]
    assert positions == sorted(positions)  # in the order of THEMES
    dates = _section(text, "theme-dates")
    assert '<a href="/queries/events-on-date">What happened on a given day?</a>' in dates
    assert '<small class="query-name">events-on-date</small>' in dates
    people = _section(text, "theme-people")
    assert 'href="/queries/roles-of-person"' in people and "events-on-date" not in people
    # Every question is listed once.
    assert len(re.findall(r'<li><a href="/queries/', text)) == 45


# -- parameters picked from lists ----------------------------------------------------------


def test_a_place_is_picked_from_a_list_of_places(client) -> None:
    text = client.get("/queries/defence-leaders-of-place", headers=HTML).text
    assert '<label for="param-place">Place</label>' in text
    select = _select(text, "place")
    options = _options(select)
    assert options["constantinople"] == "Constantinople" and "chalcedon" in options
    assert "sergius-i" not in options  # a person is no place
    assert _selected(select) == "constantinople"  # the default
    labels = list(options.values())
    assert labels == sorted(labels, key=str.casefold)


def test_the_chosen_value_stays_selected_and_is_asked(client) -> None:
    text = client.get("/queries/defence-leaders-of-place?place=id:chalcedon", headers=HTML).text
    assert _selected(_select(text, "place")) == "chalcedon"
    assert "The graph holds no answer to this question for this choice." in text


def test_a_person_a_property_and_any_resource_have_lists_of_their_own(client) -> None:
    person = _options(_select(client.get("/queries/roles-of-person", headers=HTML).text, "person"))
    assert person["sergius-i"] == "Sergius I" and "constantinople" not in person
    fact = client.get("/queries/quotations-stating-fact", headers=HTML).text
    predicate = _select(fact, "predicate")
    assert _selected(predicate) == "sg:holdsOffice" and "constantinople" not in predicate
    subject = _options(_select(fact, "subject"))
    assert {"bonus", "constantinople", "akathistos"} <= set(subject)


# -- the date question in the Julian calendar ----------------------------------------------


def test_julian_31_july_626_is_gregorian_3_august() -> None:
    assert julian_to_gregorian(JulianDay(626, 7, 31)) == date(626, 8, 3)
    assert julian_to_gregorian(JulianDay(626, 8, 7)) == date(626, 8, 10)
    # The graph's own Julian Day Number of the day (sg:julianDayNumber 1949916).
    assert julian_day_number(JulianDay(626, 7, 31)) == 1_949_916
    # 1582: the Gregorian reform skipped from Julian 4 October to Gregorian 15 October.
    assert julian_to_gregorian(JulianDay(1582, 10, 5)) == date(1582, 10, 15)


@pytest.mark.parametrize("day", [date(626, 8, 3), date(700, 3, 1), date(610, 4, 21), date(4, 3, 1)])
def test_the_two_conversions_undo_each_other(day: date) -> None:
    assert julian_to_gregorian(gregorian_to_julian(day)) == day


def test_a_julian_leap_day_that_gregorian_lacks() -> None:
    # 700 is a leap year in the Julian calendar only.
    assert julian_to_gregorian(JulianDay(700, 2, 29)) == date(700, 3, 4)
    with pytest.raises(ParameterError, match="has no day 29"):
        julian_to_gregorian(JulianDay(627, 2, 29))
    with pytest.raises(ParameterError, match="not written YEAR-MM-DD"):
        parse_julian("31 July 626")


def test_the_date_question_takes_a_julian_day(client) -> None:
    by_gregorian = client.get("/queries/events-on-date.csv?date=0626-08-03").text
    assert client.get("/queries/events-on-date.csv?julian=626-07-31").text == by_gregorian
    page = client.get(
        "/queries/events-on-date?julian_day=31&julian_month=7&julian_year=626", headers=HTML
    )
    assert page.status_code == 200
    asked = page.text[page.text.index('id="day-asked"') :]
    assert "You asked for <strong>31 July 626</strong> in the Julian calendar" in asked
    assert "<strong>3 August 626</strong> in the proleptic Gregorian calendar (0626-08-03)" in (
        asked
    )
    assert "Attack along the Theodosian Walls on 31 July" in page.text
    for label in ("julian-day", "julian-month", "julian-year", "param-date"):
        assert f'<label for="{label}">' in page.text and f'id="{label}"' in page.text
    # The form shows the day asked, and the answer's links carry the Gregorian date.
    assert '<option value="31" selected>' in page.text
    assert '<option value="7" selected>July</option>' in page.text
    assert 'href="/queries/events-on-date.json?date=0626-08-03"' in page.text


def test_a_gregorian_date_is_shown_with_its_julian_day(client) -> None:
    page = client.get("/queries/events-on-date?date=0626-08-10", headers=HTML).text
    assert "The day asked: <strong>7 August 626</strong> in the Julian calendar" in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("julian=626-02-30", "February 626 of the Julian calendar has no day 30"),
        ("julian=626-07-31&date=0626-08-03", "not both"),
        ("julian_day=x&julian_month=7&julian_year=626", "the Julian day &#39;x&#39; is not"),
        ("julian=626-13-01", "month 13 is not a month"),
    ],
)
def test_a_wrong_julian_day_is_explained(client, query: str, message: str) -> None:
    response = client.get(f"/queries/events-on-date?{query}", headers=HTML)
    assert response.status_code == 400
    assert message in response.text


# -- readable result tables ----------------------------------------------------------------


@pytest.mark.parametrize(
    "variable, words",
    [
        ("eventLabel", "Event"),
        ("julianDayNumber", "Julian day number"),
        ("start_date", "Start date"),
        ("label", "Label"),
        ("wktIRI", "Wkt IRI"),
    ],
)
def test_headings_are_words(variable: str, words: str) -> None:
    assert heading(variable) == words


def test_a_thing_and_its_label_make_one_column() -> None:
    columns = columns_of(["person", "personLabel", "targetLabel", "line"])
    assert [(c.heading, c.variable, c.thing) for c in columns] == [
        ("Person", "personLabel", "person"),
        ("Target", "targetLabel", None),
        ("Line", "line", None),
    ]


def test_the_answer_has_one_column_per_thing_linked_on_its_label(client) -> None:
    text = client.get("/queries/defence-leaders-of-place", headers=HTML).text
    head = re.search(r"<thead>(.*?)</thead>", text, re.DOTALL)
    assert head is not None
    assert re.findall(r"<th[^>]*>([^<]*)</th>", head.group(1)) == ["Person", "Office", "Defence"]
    body = text[text.index("<tbody>") : text.index("</tbody>")]
    assert '<td><a href="/page/sergius-i">Sergius I</a></td>' in body
    assert "w3id.org" not in body  # no column of IRIs
    # The table scrolls in its own box.
    assert '<div class="table-scroll results-scroll"' in text
    assert 'href="/static/questions.css"' in text


# -- /query: every prefix, and parse errors in plain words ---------------------------------


def test_the_query_page_lists_and_knows_every_prefix(client) -> None:
    text = client.get("/query").text
    listed = text[text.index('id="prefixes"') : text.index("</details>", text.index("prefixes"))]
    for prefix, namespace in KNOWN_PREFIXES.items():
        assert f"<code>{prefix}:</code></td><td><code>{namespace}</code>" in listed
    query = (
        "SELECT ?name WHERE { id:sergius-i a crm:E21_Person, sg:Person ; rdfs:label ?name . "
        'FILTER(LANG(?name) = "grc") }'
    )
    response = client.get("/query", params={"query": query})
    assert response.status_code == 200 and "Σέργιος" in response.text


def test_a_pattern_of_two_parts_is_explained(client) -> None:
    response = client.get("/query", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    problem = response.text[response.text.index('id="parse-problem"') :]
    summary = problem[: problem.index("</strong>")]
    assert "line 1, column 19, where it says “?x”" in summary
    assert "(at char" not in summary
    assert "three parts" in problem and "subject, property, value" in problem
    assert "SELECT ?x WHERE { ?x ?y }\n" + " " * 18 + "^" in problem


@pytest.mark.parametrize(
    "query, words",
    [
        ("SELECT ?x WHERE { ?x a sg:Person ", "A closing brace “}” is missing"),
        ("SELEC ?x WHERE { ?x ?y ?z }", "A query begins with SELECT, ASK, CONSTRUCT or DESCRIBE"),
        ("SELECT ?x WHERE { ?x a nowhere:Thing }", "The prefix “nowhere:” is not known here"),
        ('SELECT ?x WHERE { ?x rdfs:label "Bonus }', "A quotation mark is not closed"),
        ("SELECT ?x WHERE { FILTER((?x) }", "A bracket is not closed"),
    ],
)
def test_parse_errors_are_explained_in_plain_words(client, query: str, words: str) -> None:
    response = client.get("/query", params={"query": query})
    assert response.status_code == 400
    problem = response.text[response.text.index('id="parse-problem"') :]
    assert words in problem.replace("&#34;", '"')


def test_a_message_that_is_not_about_syntax_is_left_as_it_is() -> None:
    assert explain_parse_error("SELECT * { ?s ?p ?o }", "query timed out after 2 s") is None
    explained = explain_parse_error(
        "ASK {\n  ?s ?p\n}",
        "the query does not parse: Expected X, found '}' (at char 14), (line:3, col:1)",
    )
    assert explained is not None
    assert (explained.line, explained.column, explained.found) == (3, 1, "}")
    assert explained.source_line == "}"


def test_a_long_prefixed_name_and_open_strings_are_read_as_before() -> None:
    # The pieces a query is read in: an open string stays (its quotation mark counts),
    # a long prefixed name is one name, and a declared prefix is not a use.
    long_name = "SELECT * WHERE { ?s sg:" + "a-" * 7000 + "a ?o . ?s ?p nowhere:x }"
    explained = explain_parse_error(long_name, "error at 1:14046: Prefix not found")
    assert explained is not None and explained.summary.startswith("The prefix “nowhere:”")
    declared = "PREFIX ex: <http://e.org/#> SELECT * { ?s ex:p 'it''s' . # nowhere:x\n ?s ?p ?o }"
    assert _unknown_prefix(declared) is None
    assert _unknown_prefix(declared.replace("# nowhere:x", "nowhere:x")) == "nowhere"
    open_string = explain_parse_error(
        'SELECT ?x WHERE { ?x rdfs:label "Bonus }',
        "the query does not parse: Expected X, found '\"' (at char 32), (line:1, col:33)",
    )
    assert open_string is not None and "quotation mark is not closed" in open_string.hint
