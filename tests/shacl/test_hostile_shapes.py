"""``kg validate`` with hostile shapes never reaches the network, with either engine.

A shapes graph carries SPARQL in constraints, targets, rules and functions, and both
engines run it. The listener standing in for "another host" is a socket on loopback in
this process that counts the connections it is offered.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, invoke

from tests.listener import Listener, listening

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "cli" / "validation"
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""


@pytest.fixture
def listener() -> Iterator[Listener]:
    yield from listening()


def _validate_fixtures(shapes: Path, *options: str) -> tuple[int, str, str]:
    """``kg validate`` of the valid fixture data against ``shapes``."""
    return invoke(
        "validate",
        str(FIXTURES / "valid.ttl"),
        "--ontology",
        str(FIXTURES / "ontology.ttl"),
        "--shapes",
        str(shapes),
        "--checks",
        str(FIXTURES / "qc"),
        *options,
    )


def _literal(query: str) -> str:
    """``query`` as a Turtle string, control characters escaped."""
    return '"' + query.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n") + '"'


def _shapes(kind: str, call: str) -> str:
    if kind == "target":
        return f"""ex:TargetShape a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:select {_literal(f"SELECT ?this WHERE {{ {call} }}")} ] ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""
    if kind == "rule":
        query = f"CONSTRUCT {{ $this ex:p ?o }} WHERE {{ {call} }}"
        return f"""ex:RuleShape a sh:NodeShape ;
    sh:targetClass rdfs:Class ;
    sh:rule [ a sh:SPARQLRule ; sh:construct {_literal(query)} ] .
"""
    if kind == "constraint-cr":  # a comment that Oxigraph ends at the CR
        query = f"SELECT $this WHERE {{ $this ?p ?o . #\r {call} \n}}"
        return f"""ex:ConstraintShape a sh:NodeShape ;
    sh:targetSubjectsOf rdfs:label ;
    sh:sparql [ a sh:SPARQLConstraint ; sh:select {_literal(query)} ] .
"""
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["target", "rule", "constraint-cr"])
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_service_in_any_sparql_of_the_shapes_is_refused_before_any_call(
    listener: Listener, kind: str, engine: str, tmp_path: Path
) -> None:
    shapes = tmp_path / "shapes.ttl"
    call = f"SERVICE <{listener.url}> {{ ?this ?p ?o }}"
    shapes.write_text(PREFIXES + _shapes(kind, call))
    code, _, err = _validate_fixtures(shapes, "--engine", engine)
    assert code == 2, err
    assert_one_line_error(err, "shapes: ex:")
    assert "SERVICE is refused" in err
    assert listener.connections == 0


def test_a_prefix_declaration_cannot_carry_a_query(listener: Listener, tmp_path: Path) -> None:
    # An engine writes "PREFIX p: <namespace>" before the text: a namespace that closes
    # the IRI could start a query of its own there.
    shapes = tmp_path / "shapes.ttl"
    namespace = f"http://x/> SELECT $this WHERE {{ SERVICE <{listener.url}> {{ }} }} #"
    shapes.write_text(
        PREFIXES
        + f"""ex:Prefixes sh:declare [ sh:prefix "p" ; sh:namespace {_literal(namespace)} ] .
ex:ConstraintShape a sh:NodeShape ;
    sh:targetSubjectsOf rdfs:label ;
    sh:sparql [ sh:prefixes ex:Prefixes ; sh:select "SELECT $this WHERE {{ $this ?p ?o }}" ] .
"""
    )
    code, _, err = _validate_fixtures(shapes)
    assert code == 2, err
    assert_one_line_error(err, "shapes: ex:Prefixes: the declaration of prefix p")
    assert listener.connections == 0
