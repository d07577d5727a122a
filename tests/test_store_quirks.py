"""Each store quirk that kg.stores.virtuoso undoes, on answers recorded from the store itself.

The JSON documents below are what Virtuoso Open Source 7.2.5 answered (trimmed to the
members that matter); tests/stores/ checks the same quirks against a running server.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from kg.stores.presets import StoreError
from kg.stores.queries import boolean_columns, query_form, with_known_prefixes
from kg.stores.virtuoso import VIRTUOSO, read_json_results, term_from_json

XSD = "http://www.w3.org/2001/XMLSchema#"
QUIRKS = {VIRTUOSO}


def _select(*bindings: dict[str, dict[str, str]], columns: tuple[str, ...] = ("o",)) -> dict:
    return {"head": {"link": [], "vars": list(columns)}, "results": {"bindings": list(bindings)}}


def test_legacy_typed_literal_is_a_literal_with_its_datatype() -> None:
    value = {"type": "typed-literal", "datatype": f"{XSD}date", "value": "0626-08-03"}
    term = term_from_json(value, QUIRKS)
    assert term == Literal("0626-08-03", datatype=URIRef(f"{XSD}date"))


def test_legacy_typed_literal_is_refused_from_other_stores() -> None:
    value = {"type": "typed-literal", "datatype": f"{XSD}date", "value": "0626-08-03"}
    with pytest.raises(StoreError, match="unknown SPARQL JSON term type 'typed-literal'"):
        term_from_json(value)


@pytest.mark.parametrize(("stored", "meant"), [("1", "true"), ("0", "false"), ("true", "true")])
def test_a_stored_boolean_comes_back_as_its_canonical_word(stored: str, meant: str) -> None:
    value = {"type": "typed-literal", "datatype": f"{XSD}boolean", "value": stored}
    term = term_from_json(value, QUIRKS)
    assert (str(term), term.datatype) == (meant, URIRef(f"{XSD}boolean"))  # type: ignore[union-attr]


def test_other_stores_keep_the_lexical_form_they_send() -> None:
    value = {"type": "literal", "datatype": f"{XSD}boolean", "value": "1"}
    assert str(term_from_json(value)) == "1"
    decimal = {"type": "literal", "datatype": f"{XSD}decimal", "value": "5.70"}
    assert str(term_from_json(decimal)) == "5.70"  # not normalised by rdflib either


def test_a_projected_boolean_expression_comes_back_as_a_boolean() -> None:
    document = _select(
        {
            "b": {"type": "typed-literal", "datatype": f"{XSD}integer", "value": "1"},
            "n": {"type": "typed-literal", "datatype": f"{XSD}integer", "value": "1"},
        },
        columns=("b", "n"),
    )
    result = read_json_results(document, "SELECT", QUIRKS, boolean_columns={"b"})
    assert result.rows == ((Literal(True), Literal(1)),)
    # Without the quirk set the integer stays an integer: only Virtuoso is corrected.
    plain = read_json_results(
        _select(
            {"b": {"type": "literal", "datatype": f"{XSD}integer", "value": "1"}}, columns=("b",)
        ),
        "SELECT",
        boolean_columns={"b"},
    )
    assert plain.rows == ((Literal(1),),)


@pytest.mark.parametrize(
    ("bindings", "answer"),
    [
        (
            [
                {
                    "__ASK_RETVAL": {
                        "type": "typed-literal",
                        "datatype": f"{XSD}integer",
                        "value": "1",
                    }
                }
            ],
            True,
        ),
        ([], False),
    ],
)
def test_ask_answered_as_a_table_is_a_boolean(bindings: list, answer: bool) -> None:
    document = _select(*bindings, columns=("__ASK_RETVAL",))
    result = read_json_results(document, "ASK", QUIRKS)
    assert result.boolean is answer
    assert result.rows == ((Literal(answer),),)


def test_a_standard_ask_answer_needs_no_quirk() -> None:
    assert read_json_results({"head": {}, "boolean": False}, "ASK").boolean is False


def test_an_ask_answer_without_a_boolean_is_an_error() -> None:
    with pytest.raises(StoreError, match="an ASK query without a boolean"):
        read_json_results(_select(columns=("__ASK_RETVAL",)), "ASK")


def test_virtuoso_blank_node_labels_become_labels() -> None:
    term = term_from_json({"type": "bnode", "value": "nodeID://b10000"}, QUIRKS)
    assert term == BNode("b10000")


def test_virtuoso_geometry_is_a_wkt_literal_again() -> None:
    value = {
        "type": "typed-literal",
        "datatype": "http://www.openlinksw.com/schemas/virtrdf#Geometry",
        "value": "POINT(28.875 41.125)",
    }
    term = term_from_json(value, QUIRKS)
    wkt = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
    assert (str(term), term.datatype) == ("POINT(28.875 41.125)", wkt)  # type: ignore[union-attr]


def test_xsd_string_is_a_simple_literal_everywhere() -> None:
    value = {"type": "literal", "datatype": f"{XSD}string", "value": "x"}
    assert term_from_json(value) == Literal("x")


def test_language_tags_are_kept() -> None:
    term = term_from_json({"type": "literal", "xml:lang": "grc", "value": "Κωνσταντινούπολις"})
    assert term == Literal("Κωνσταντινούπολις", lang="grc")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", set()),
        ("SELECT (?o < 2 AS ?b) WHERE { ?x ?p ?o }", {"b"}),
        ("SELECT ?e WHERE { ?x ?p ?o BIND(EXISTS { ?o ?p ?x } AS ?e) }", {"e"}),
        ("SELECT ?n WHERE { ?x ?p ?o BIND(NOT EXISTS { ?o ?p ?x } AS ?n) }", {"n"}),
        ("SELECT (BOUND(?o) && isIRI(?x) AS ?both) WHERE { ?x ?p ?o }", {"both"}),
        ("SELECT (IF(?o > 1, true, false) AS ?i) WHERE { ?x ?p ?o }", {"i"}),
        ("SELECT (IF(?o > 1, 1, 0) AS ?i) WHERE { ?x ?p ?o }", set()),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?x ?p ?o }", set()),
        ("SELECT (STR(?o) AS ?s) WHERE { ?x ?p ?o }", set()),
    ],
)
def test_boolean_columns_are_found_in_the_query(query: str, expected: set[str]) -> None:
    assert boolean_columns(prepareQuery(query)) == expected


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("ASK { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/a>", "DESCRIBE"),
    ],
)
def test_query_form(query: str, form: str) -> None:
    assert query_form(prepareQuery(query)) == form


def test_known_prefixes_are_declared_for_the_store_when_used() -> None:
    text = "PREFIX sg: <https://w3id.org/siege626/ontology#>\nSELECT * WHERE { ?s sg:p id:x }"
    declared = with_known_prefixes(text)
    assert declared.startswith("PREFIX id: <https://w3id.org/siege626/id/>\n")
    assert declared.count("PREFIX sg:") == 1
    assert with_known_prefixes("SELECT * WHERE { ?s ?p ?o }") == "SELECT * WHERE { ?s ?p ?o }"
