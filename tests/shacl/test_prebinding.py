"""SHACL-SPARQL as SHACL defines it, in both engines: pre-binding, components, results.

Each test is a small shapes graph and data graph, validated by both engines of
:data:`kg.shacl.ENGINES` through :func:`kg.shacl.validate_shacl`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from kg.engines import OxigraphBackedGraph
from kg.namespaces import DATA_GRAPH
from kg.shacl import ENGINES, validate_shacl

EX = "http://example.org/"
PREFIXES = f"""
@prefix ex: <{EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


def validate(tmp_path: Path, engine: str, shapes: str, data: str) -> list:
    path = tmp_path / "data.ttl"
    path.write_text(PREFIXES + data, encoding="utf-8")
    graph = OxigraphBackedGraph()
    graph.load([path], DATA_GRAPH)
    return validate_shacl(graph, Graph().parse(data=PREFIXES + shapes, format="turtle"), engine)


def sparql_shape(select: str, target: str = "sh:targetNode ex:a") -> str:
    return f"""
ex:Shape a sh:NodeShape ; {target} ;
    sh:sparql [ sh:prefixes ex:decl ; sh:select \"\"\"{select}\"\"\" ] .
ex:decl sh:declare [ sh:prefix "ex" ; sh:namespace "{EX}"^^xsd:anyURI ] .
"""


# $this where a query sees it only by pre-binding: an inner group's FILTER, a BIND before
# any pattern, a FILTER in a group before the pattern that binds it (W3C pre-binding-003..5).
LATE_THIS = {
    "filter-in-inner-group": (
        "SELECT $this WHERE { { { FILTER ($this = ex:a) } FILTER bound($this) } FILTER (true) }"
    ),
    "bind-before-patterns": "SELECT $this WHERE { BIND ($this AS ?that) FILTER (?that = ex:a) }",
    "filter-group-first": 'SELECT $this WHERE { { FILTER (bound($this)) } $this ex:p "x" }',
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(LATE_THIS))
def test_this_is_pre_bound_wherever_the_query_reads_it(
    tmp_path: Path, engine: str, name: str
) -> None:
    results = validate(tmp_path, engine, sparql_shape(LATE_THIS[name]), 'ex:a ex:p "x" .')
    assert [r.focus for r in results] == [URIRef(EX + "a")]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_blank_focus_node_is_pre_bound_too(tmp_path: Path, engine: str) -> None:
    # A blank node cannot be written in a query; it is evaluated by rdflib's engine instead.
    shapes = sparql_shape(
        "SELECT $this WHERE { BIND ($this AS ?that) FILTER (isBlank(?that)) }",
        "sh:targetSubjectsOf ex:p",
    )
    results = validate(tmp_path, engine, shapes, 'ex:a ex:p "x" . [] ex:p "y" .')
    assert len(results) == 1 and results[0].focus.n3().startswith("_:")


@pytest.mark.parametrize("engine", ENGINES)
def test_one_result_per_solution(tmp_path: Path, engine: str) -> None:
    # Two solutions alike (two ways to the same value): SHACL makes a result of each.
    shapes = sparql_shape(
        "SELECT $this ?value WHERE { $this ex:p ?x . ?x ex:q ?value }", "sh:targetSubjectsOf ex:p"
    )
    data = "ex:a ex:p ex:x1 , ex:x2 . ex:x1 ex:q ex:v . ex:x2 ex:q ex:v ."
    results = validate(tmp_path, engine, shapes, data)
    assert [(r.focus, r.value) for r in results] == [(URIRef(EX + "a"), URIRef(EX + "v"))] * 2


@pytest.mark.parametrize("engine", ENGINES)
def test_shapes_graph_and_current_shape(tmp_path: Path, engine: str) -> None:
    shapes = sparql_shape(
        "SELECT $this WHERE { GRAPH $shapesGraph { $currentShape ex:mark 42 } }"
    ).replace("ex:Shape a sh:NodeShape ;", "ex:Shape a sh:NodeShape ; ex:mark 42 ;")
    results = validate(tmp_path, engine, shapes, "ex:a ex:p ex:b .")
    assert [(r.focus, r.shape) for r in results] == [(URIRef(EX + "a"), URIRef(EX + "Shape"))]


COMPONENT = """
ex:Component a sh:ConstraintComponent ;
    sh:parameter [ sh:path ex:suffix ] , [ sh:path ex:fallback ; sh:optional true ] ;
    sh:validator [ a sh:SPARQLAskValidator ;
        sh:ask "ASK { FILTER (STRENDS(STR($value), COALESCE(?fallback, $suffix))) }" ] ;
    sh:propertyValidator [ a sh:SPARQLSelectValidator ;
        sh:select "SELECT $this ?value WHERE { $this $PATH ?value \
FILTER (!STRENDS(STR(?value), $suffix)) }" ] .
ex:NodeShape a sh:NodeShape ; sh:targetNode "one-x" , "two-y" ; ex:suffix "x" .
ex:PropertyShape a sh:NodeShape ; sh:targetNode ex:a ;
    sh:property [ sh:path ex:p ; ex:suffix "x" ] .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_sparql_based_constraint_components(tmp_path: Path, engine: str) -> None:
    # An ASK validator (its parameter unprojected, an optional one absent) and a SELECT
    # property validator; Oxigraph used to refuse to bind what the query does not project.
    results = validate(tmp_path, engine, COMPONENT, 'ex:a ex:p "1-x" , "2-z" .')
    found = sorted((r.focus.n3(), r.value.n3() if r.value else None) for r in results)
    assert found == [('"two-y"', '"two-y"'), (f"<{EX}a>", '"2-z"')]
    assert {r.component for r in results} == {URIRef(EX + "Component")}


ILL_FORMED = {
    "minus": "SELECT $this WHERE { $this ?p ?o MINUS { $this ?p 1 } }",
    "values": "SELECT $this WHERE { VALUES ?x { 1 } }",
    "bind-this": "SELECT $this WHERE { BIND (ex:a AS $this) }",
    "select-star": "SELECT $this WHERE { { SELECT * WHERE { $this ?p ?o } } }",
    "subquery-without-this": "SELECT $this WHERE { $this ?p ?o { SELECT ?o WHERE { ?s ?p ?o } } }",
}


@pytest.mark.parametrize("name", sorted(ILL_FORMED))
def test_the_refusal_says_its_cause(name: str) -> None:
    from kg.shacl.prebinding import PreBindingRefused, prebound

    with pytest.raises(PreBindingRefused, match="SHACL"):
        prebound(f"PREFIX ex: <{EX}>\n" + ILL_FORMED[name], ["this"])


def test_every_group_is_joined_with_the_values() -> None:
    from kg.shacl.prebinding import prebound

    plan = prebound(
        "SELECT $this WHERE { { FILTER (true) } UNION { ?s ?p $this "
        "FILTER NOT EXISTS { ?s ?q '{' } } OPTIONAL { { SELECT $this WHERE { } } } }",
        ["this"],
    )
    text = plan.text_for({"this": URIRef(EX + "a")})
    assert text is not None and text.count(f"VALUES (?this) {{ (<{EX}a>) }}") == 6

