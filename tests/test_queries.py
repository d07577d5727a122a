"""Running canned and ad hoc queries: binding, parameters, syntax errors, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import to_isomorphic

from kg.catalogue import Catalogue
from kg.errors import (
    ParameterError,
    QuerySyntaxError,
    UnknownQueryError,
    UnsupportedQueryError,
)
from kg.parameters import bind_values, find_where_brace
from kg.queries import get_query, list_queries, load_query_file, prepare, run_query

ADHOC = Path(__file__).parent / "fixtures" / "cli" / "adhoc"
ID = "https://w3id.org/siege626/id/"


def names(result_rows: tuple[tuple[object, ...], ...]) -> list[str]:
    return [str(row[0]).removeprefix(ID) for row in result_rows]


# --- locating the outer WHERE -------------------------------------------------------------


def test_where_in_comments_strings_iris_and_names_is_skipped() -> None:
    text = (
        "# WHERE { in a comment\n"
        "PREFIX ex: <http://example.org/where#>\n"
        "SELECT ?where ex:WHERE (\"WHERE {\" AS ?s) ('''WHERE {\n''' AS ?t)\n"
        "where  # a comment between the keyword and its brace\n"
        "  { ?where ex:p ?o }"
    )
    brace = find_where_brace(text)
    assert brace is not None
    assert text[brace] == "{"
    assert text[:brace].rstrip().endswith("its brace")


def test_hash_inside_an_iri_does_not_start_a_comment() -> None:
    text = "SELECT ?s FROM <http://example.org/graph#> WHERE { ?s ?p ?o }"
    assert find_where_brace(text) == text.index("{")


def test_less_than_operator_is_not_an_iri() -> None:
    text = "SELECT (1 < 2 AS ?x) WHERE { }"
    assert find_where_brace(text) == text.index("{")


def test_values_go_into_the_outer_group_not_the_subquery(mini_catalogue: Catalogue) -> None:
    query = mini_catalogue.get("defenders-of-place")
    bound = bind_values(query.text, {"place": URIRef(ID + "constantinople")})
    values_at = bound.index("VALUES (?place)")
    assert bound.index("SELECT ?person ?label\nWHERE {") < values_at
    assert values_at < bound.index("SELECT ?person (SAMPLE")
    prepare(bound, "bound")  # still a valid query


def test_query_without_where_cannot_take_parameters() -> None:
    with pytest.raises(ParameterError, match="no 'WHERE \\{'"):
        bind_values("ASK { ?s ?p ?o }", {"s": URIRef("http://example.org/a")})


def test_no_parameters_leaves_the_text_alone() -> None:
    text = "ASK { ?s ?p ?o }"
    assert bind_values(text, {}) is text


# --- canned queries ----------------------------------------------------------------------


def test_default_parameter(mini_graph: Graph, mini_queries_dir: Path) -> None:
    result = run_query(mini_graph, "defenders-of-place", directory=mini_queries_dir)
    assert result.columns == ("person", "label")
    assert names(result.rows) == ["bonus", "sergius"]


def test_given_parameter_in_each_iri_form(mini_graph: Graph, mini_queries_dir: Path) -> None:
    for value in ("chalcedon", "id:chalcedon", f"<{ID}chalcedon>"):
        result = run_query(
            mini_graph, "defenders-of-place", {"place": value}, directory=mini_queries_dir
        )
        assert result.rows == ()


def test_integer_and_date_parameters(mini_graph: Graph, mini_queries_dir: Path) -> None:
    at_least = run_query(
        mini_graph, "forces-of-at-least", {"minimum": "20000"}, directory=mini_queries_dir
    )
    assert names(at_least.rows) == ["shahin"]
    everyone = run_query(
        mini_graph, "forces-of-at-least", {"minimum": 0}, directory=mini_queries_dir
    )
    assert names(everyone.rows) == ["sergius", "shahin"]
    day = run_query(mini_graph, "events-on-date", directory=mini_queries_dir)
    assert names(day.rows) == ["great-assault"]
    assert day.rows[0][2] is None  # OPTIONAL that did not match stays unbound


def test_required_parameter(mini_graph: Graph, mini_queries_dir: Path) -> None:
    with pytest.raises(ParameterError) as caught:
        run_query(mini_graph, "people-labelled", directory=mini_queries_dir)
    assert str(caught.value) == (
        "missing parameter 'label' (string) for query 'people-labelled': "
        "The label, without language tag."
    )
    result = run_query(
        mini_graph, "people-labelled", {"label": "Bonus"}, directory=mini_queries_dir
    )
    assert names(result.rows) == ["bonus"]


def test_unknown_parameter(mini_graph: Graph, mini_queries_dir: Path) -> None:
    with pytest.raises(ParameterError) as caught:
        run_query(mini_graph, "defenders-of-place", {"city": "x"}, directory=mini_queries_dir)
    assert str(caught.value) == (
        "unknown parameter 'city' for query 'defenders-of-place' (parameters: place)"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        '" } ; DROP ALL ; #',
        '"""} DROP ALL {"""',
        'Bonus" ) } INSERT DATA { <http://e/a> <http://e/b> <http://e/c> } #',
        "Bonus\n} ; DROP ALL ; #",
        "\\",
    ],
)
def test_hostile_string_matches_nothing_and_changes_nothing(
    mini_graph: Graph, mini_queries_dir: Path, hostile: str
) -> None:
    before = to_isomorphic(mini_graph)
    result = run_query(
        mini_graph, "people-labelled", {"label": hostile}, directory=mini_queries_dir
    )
    assert result.rows == ()
    assert to_isomorphic(mini_graph) == before


def test_hostile_iri_is_refused_before_the_graph_is_touched(
    mini_graph: Graph, mini_queries_dir: Path
) -> None:
    before = to_isomorphic(mini_graph)
    with pytest.raises(ParameterError, match="not a valid IRI"):
        run_query(
            mini_graph,
            "defenders-of-place",
            {"place": "x> } ; DROP ALL ; #"},
            directory=mini_queries_dir,
        )
    assert to_isomorphic(mini_graph) == before


def test_rdflib_term_is_used_as_given(mini_graph: Graph, mini_queries_dir: Path) -> None:
    result = run_query(
        mini_graph, "people-labelled", {"label": Literal("Bonus")}, directory=mini_queries_dir
    )
    assert names(result.rows) == ["bonus"]


def test_unknown_query_suggests_the_closest_name(mini_queries_dir: Path) -> None:
    with pytest.raises(UnknownQueryError) as caught:
        get_query("defenders", mini_queries_dir)
    assert str(caught.value) == "unknown query 'defenders' (did you mean 'defenders-of-place'?)"
    assert caught.value.suggestion == "defenders-of-place"


def test_unknown_query_without_anything_close(mini_queries_dir: Path) -> None:
    with pytest.raises(UnknownQueryError) as caught:
        get_query("zzzzzz", mini_queries_dir)
    assert str(caught.value) == "unknown query 'zzzzzz'"


def test_list_is_sorted_by_name(mini_queries_dir: Path) -> None:
    assert [query.name for query in list_queries(mini_queries_dir)] == [
        "defenders-of-place",
        "events-on-date",
        "forces-of-at-least",
        "people-labelled",
    ]


# --- ad hoc queries ----------------------------------------------------------------------


def test_adhoc_syntax_error_has_file_line_and_column(mini_graph: Graph) -> None:
    path = ADHOC / "syntax-error.rq"
    with pytest.raises(QuerySyntaxError) as caught:
        run_query(mini_graph, load_query_file(path))
    error = caught.value
    assert (error.source, error.line, error.column) == (str(path), 4, 3)
    assert str(error).startswith(f"{path}:4:3: Expected")
    assert "(at char" not in str(error)


def test_update_is_refused(mini_graph: Graph) -> None:
    before = len(mini_graph)
    with pytest.raises(UnsupportedQueryError, match="updates are refused"):
        run_query(mini_graph, load_query_file(ADHOC / "drop-all.rq"))
    assert len(mini_graph) == before


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR DEFAULT",
        "LOAD <http://example.org/x>",
    ],
)
def test_every_update_form_is_refused(update: str) -> None:
    with pytest.raises(UnsupportedQueryError):
        prepare(update, "inline")


def test_unknown_prefix_is_a_syntax_error(mini_graph: Graph) -> None:
    with pytest.raises(QuerySyntaxError, match="unknown prefix 'nope:'"):
        run_query(mini_graph, load_query_file(ADHOC / "unknown-prefix.rq"))


def test_known_prefixes_need_no_declaration(mini_graph: Graph) -> None:
    query = load_query_file(ADHOC / "labels.rq")
    assert query.question == ""  # the header is optional for ad hoc files
    result = run_query(mini_graph, query)
    assert [str(row[0]) for row in result.rows] == ["Sergius I"]


def test_ask_and_construct(mini_graph: Graph) -> None:
    ask = run_query(mini_graph, load_query_file(ADHOC / "ask-places.rq"))
    assert (ask.form, ask.boolean, ask.columns) == ("ASK", True, ("boolean",))
    built = run_query(mini_graph, load_query_file(ADHOC / "construct-places.rq"))
    assert built.form == "CONSTRUCT"
    assert built.columns == ("subject", "predicate", "object")
    assert len(built.rows) == 2


@pytest.mark.parametrize(
    ("stored", "printed"),
    [
        ("pal-latn", "pal-Latn"),
        ("en", "en"),
        ("en-gb", "en-GB"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("de-ch-1996", "de-CH-1996"),
        ("en-x-abcd-ef", "en-x-abcd-ef"),
    ],
)
def test_language_tags_from_oxigraph_get_their_conventional_case(stored: str, printed: str) -> None:
    # Oxigraph answers lower-cased tags; rdflib keeps the file's. Both must print alike.
    from kg.engines import bcp47_case

    assert bcp47_case(stored) == printed
