"""kg validate: SHACL's conforms, --allow-warnings, the report graph, and exit 2 for every error.

Small shapes and data written here; each case runs with both engines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import assert_one_line_error, invoke
from rdflib import Graph, Literal
from rdflib.namespace import SH

from kg.shacl import ENGINES

PREFIXES = """@prefix ex: <http://example.org/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""
DATA = PREFIXES + 'ex:a ex:label "A"@en, "B"@en ; ex:link ex:b .\n'
WARNING_SHAPES = PREFIXES + """
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:property [ sh:path ex:label ; sh:maxCount 1 ; sh:severity sh:Warning ] .
"""


def run(tmp_path: Path, shapes: str, *options: str, data: str = DATA) -> tuple[int, str, str]:
    (tmp_path / "data.ttl").write_text(data, encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(shapes, encoding="utf-8")
    (tmp_path / "empty.ttl").write_text("", encoding="utf-8")
    (tmp_path / "checks").mkdir(exist_ok=True)
    return invoke(
        "validate",
        str(tmp_path / "data.ttl"),
        "--shapes",
        str(tmp_path / "shapes.ttl"),
        "--ontology",
        str(tmp_path / "empty.ttl"),
        "--checks",
        str(tmp_path / "checks"),
        *options,
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_warning_fails_unless_allowed(tmp_path: Path, engine: str) -> None:
    code, out, _ = run(tmp_path, WARNING_SHAPES, "--engine", engine)
    assert code == 1
    assert out.startswith("does not conform: ")
    code, out, _ = run(tmp_path, WARNING_SHAPES, "--engine", engine, "--allow-warnings")
    assert code == 0
    assert out.startswith("conforms, with 1 warning allowed: ")


@pytest.mark.parametrize("engine", ENGINES)
def test_allowed_warnings_do_not_excuse_a_violation(tmp_path: Path, engine: str) -> None:
    shapes = WARNING_SHAPES + "ex:T a sh:NodeShape ; sh:targetNode ex:a ; sh:class ex:Nothing .\n"
    code, out, _ = run(tmp_path, shapes, "--engine", engine, "--allow-warnings")
    assert code == 1 and out.startswith("does not conform: ")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("output_format", ["turtle", "json-ld"])
def test_the_report_graph(tmp_path: Path, engine: str, output_format: str) -> None:
    code, out, _ = run(tmp_path, WARNING_SHAPES, "--engine", engine, "--format", output_format)
    assert code == 1
    graph = Graph().parse(data=out, format=output_format)
    (report,) = graph.subjects(None, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    (result,) = graph.objects(report, SH.result)
    assert graph.value(result, SH.resultSeverity) == SH.Warning
    assert str(graph.value(result, SH.focusNode)) == "http://example.org/a"
    assert str(graph.value(result, SH.resultPath)) == "http://example.org/label"
    assert graph.value(result, SH.sourceConstraintComponent) == SH.MaxCountConstraintComponent
    assert graph.value(result, SH.sourceShape) is not None


PREFIXED_SPARQL = PREFIXES + """
<http://example.org/imported>
  sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
ex:Prefixes owl:imports <http://example.org/imported> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ;
  sh:sparql [ sh:prefixes ex:Prefixes ;
    sh:select "SELECT $this ?value WHERE { $this ex:link ?value . }" ] .
"""


@pytest.mark.parametrize("engine", ENGINES)
def test_prefixes_of_an_imported_ontology(tmp_path: Path, engine: str) -> None:
    # SHACL 5.2.1: sh:prefixes/owl:imports*/sh:declare.
    code, out, err = run(tmp_path, PREFIXED_SPARQL, "--engine", engine)
    assert code == 1, err
    assert "1 violation" in out.splitlines()[0]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("shapes", "expected"),
    [
        (PREFIXED_SPARQL.replace("owl:imports", "ex:seeAlso"), "the query uses the prefix ex:"),
        (PREFIXED_SPARQL.replace('sh:prefix "ex" ;', ""), "a prefix declaration (sh:declare)"),
        (
            PREFIXED_SPARQL.replace("$this ex:link ?value .", "$this ex:link ?value . MINUS { }"),
            "MINUS in a query with pre-bound variables",
        ),
        (
            PREFIXED_SPARQL.replace("$this ex:link ?value .", "BIND (ex:a AS $this)"),
            "the query assigns the pre-bound variable $this (BIND or AS)",
        ),
    ],
    ids=["undeclared-prefix", "declaration-without-prefix", "minus", "bind-this"],
)
def test_ill_formed_shapes_are_refused_naming_the_shape(
    tmp_path: Path, engine: str, shapes: str, expected: str
) -> None:
    code, _, err = run(tmp_path, shapes, "--engine", engine)
    assert code == 2
    assert_one_line_error(err, "shapes: ")
    assert expected in err


def test_a_fault_exits_2_not_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.validation

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something inside went wrong")

    monkeypatch.setattr(kg.validation, "validate", broken)
    code, _, err = run(tmp_path, WARNING_SHAPES)
    assert code == 2
    assert_one_line_error(err, "the validation failed (RuntimeError: something inside")


def test_help_documents_the_exit_codes() -> None:
    code, out, _ = invoke("validate", "--help")
    assert code == 0
    for line in ("0    the data conforms", "1    it does not conform", "2    the validation"):
        assert line in out
    assert "--allow-warnings" in out and "--format FORMAT" in out and "turtle or json-ld" in out
