from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.term import Node

from kg.errors import ParameterError
from kg.parameters import check_term, parse_value

# Module-level rdflib namespaces confuse pytest collection, hence plain IRIs.
XSD_INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
CONSTANTINOPLE = URIRef("https://w3id.org/siege626/id/constantinople")


@pytest.mark.parametrize(
    "text",
    [
        "id:constantinople",
        "constantinople",
        "https://w3id.org/siege626/id/constantinople",
        "<https://w3id.org/siege626/id/constantinople>",
        "  id:constantinople ",
    ],
)
def test_iri_forms_name_the_same_resource(text: str) -> None:
    assert parse_value("iri", text, "place") == CONSTANTINOPLE


def test_iri_with_other_known_prefixes() -> None:
    assert parse_value("iri", "sg:Person") == URIRef("https://w3id.org/siege626/ontology#Person")
    assert parse_value("iri", "skos:exactMatch") == URIRef(
        "http://www.w3.org/2004/02/skos/core#exactMatch"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "x> } ; DROP ALL ; #",
        "id:x> } ; DROP ALL ; #",
        "<https://example.org/a> } DROP ALL { <b>",
        "https://example.org/a b",
        'https://example.org/"quoted"',
        "https://example.org/a\nDROP ALL",
        "id:a{b}",
        "",
        "   ",
        "<>",
        "<urn:x>",
        "urn:example:x",
        "javascript:alert(1)",
    ],
)
def test_invalid_iris_are_refused_in_one_line(hostile: str) -> None:
    with pytest.raises(ParameterError) as caught:
        parse_value("iri", hostile, "place")
    message = str(caught.value)
    assert message.startswith("parameter 'place': ")
    assert "\n" not in message


def test_unknown_prefix_names_the_known_ones() -> None:
    with pytest.raises(ParameterError, match=r"unknown prefix 'nosuch:'.*id:, sg:"):
        parse_value("iri", "nosuch:Person", "who")


def test_string_is_a_plain_literal_escaped_by_rdflib() -> None:
    hostile = '" } ; DROP ALL ; #'
    term = parse_value("string", hostile)
    assert term == Literal(hostile)
    assert term.n3() == '"\\" } ; DROP ALL ; #"'


@pytest.mark.parametrize("text, value", [("12000", 12000), ("+5", 5), ("-3", -3), (" 7 ", 7)])
def test_integers(text: str, value: int) -> None:
    term = parse_value("integer", text)
    assert term == Literal(value, datatype=XSD_INTEGER)


@pytest.mark.parametrize("text", ["twelve", "1.5", "1e3", "", "1 } DROP ALL"])
def test_non_integers_are_refused(text: str) -> None:
    with pytest.raises(ParameterError, match="not an integer"):
        parse_value("integer", text, "minimum")


def test_dates_keep_four_digit_years() -> None:
    assert parse_value("date", "0626-08-03") == Literal("0626-08-03", datatype=XSD_DATE)


@pytest.mark.parametrize("text", ["626-08-03", "0626-02-30", "3 August 626", "0626-08-03T00:00"])
def test_non_dates_are_refused(text: str) -> None:
    with pytest.raises(ParameterError, match=r"not a date \(YYYY-MM-DD\)"):
        parse_value("date", text, "day")


def test_unknown_kind() -> None:
    with pytest.raises(ParameterError, match="unknown kind"):
        parse_value("float", "1.5")


# -- hostile values (issue: kg never prints a traceback) ---------------------------------


@pytest.mark.parametrize("digits", ["9" * 5000, "-" + "1" * 4301, "1" * 31])
def test_huge_integer_parameter_is_a_one_line_parameter_error(digits: str) -> None:
    with pytest.raises(ParameterError) as caught:
        parse_value("integer", digits, "line")
    assert str(caught.value).startswith("parameter 'line': an integer of ")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("text", ["١٢", "۱۲", "१२", "12٣", "１２"])
def test_integer_parameter_takes_ascii_digits_only(text: str) -> None:
    with pytest.raises(ParameterError, match="not an integer"):
        parse_value("integer", text, "line")


def test_date_parameter_takes_ascii_digits_only() -> None:
    with pytest.raises(ParameterError, match="not a date"):
        parse_value("date", "٠٦٢٦-08-03", "day")


@pytest.mark.parametrize("term", [BNode("b0"), Variable("x")])
def test_blank_node_or_variable_cannot_be_bound(term: Node) -> None:
    with pytest.raises(ParameterError, match="cannot be bound"):
        check_term("iri", term, "place")


def test_run_query_refuses_a_variable_with_a_parameter_error() -> None:
    from kg import loading
    from kg.queries import run_query

    store = loading.load_store_parts()
    with pytest.raises(ParameterError, match="parameter 'place': a Variable cannot be bound"):
        run_query(store, "defence-leaders-of-place", {"place": Variable("anything")})


def test_terms_of_the_right_kind_pass_checked() -> None:
    assert check_term("iri", CONSTANTINOPLE, "place") == CONSTANTINOPLE
    assert check_term("integer", Literal(7), "line") == Literal("7", datatype=XSD_INTEGER)
    with pytest.raises(ParameterError, match="is not an xsd:integer literal"):
        check_term("integer", Literal("7"), "line")
    with pytest.raises(ParameterError, match="not an http"):
        check_term("iri", URIRef("urn:x"), "place")
