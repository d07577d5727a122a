"""validate(): which node fails which constraint, and which sentence it comes from."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputFileError, ParseError, ValidationSetupError
from kg.reporting import render_report, summary_line
from kg.validation import SourceSentence, ValidationReport, validate

VALIDATION = Path(__file__).parent / "fixtures" / "cli" / "validation"
SENTENCE_7 = (
    "The defense of the capital (twelve thousand well-trained imperial troops) is in the "
    "hands of patriarch Sergius I and Bonus as magister militum."
)


def check(data_file: str, **overrides: Path) -> ValidationReport:
    options = {
        "ontology_paths": [VALIDATION / "ontology.ttl"],
        "shapes_path": VALIDATION / "shapes.ttl",
        "qc_dir": VALIDATION / "qc",
        "source_text_path": VALIDATION / "no-source-text.txt",
        **overrides,
    }
    return validate(data_paths=[VALIDATION / data_file], **options)  # type: ignore[arg-type]


def test_valid_data_conforms() -> None:
    report = check("valid.ttl")
    assert report.conforms
    assert report.violations == ()
    assert report.data_triples == 12
    assert report.ontology_triples == 8
    assert report.shape_count == 5  # three node shapes, two property shapes
    assert report.checks == ("sentence-line-range",)
    assert summary_line(report) == (
        "conforms: 12 data triples (+ 8 ontology triples) checked against 5 shapes "
        "and 1 quality check"
    )


def test_missing_label_found_through_the_ontology_subclass_with_its_sentence() -> None:
    report = check("invalid-01-agent-label.ttl")
    assert not report.conforms
    (violation,) = report.violations
    assert violation.focus_node == "id:bonus"
    assert violation.path == "rdfs:label"
    assert violation.constraint == "sh:MinCountConstraintComponent"
    assert violation.shape == "shp:S1-agent-label (property shape)"
    assert violation.severity == "Violation"
    assert violation.message == "An agent needs a label a historian can read."
    assert violation.sentences == (SourceSentence(7, SENTENCE_7),)


def test_sparql_constraint_runs_and_finds_the_describing_sentence() -> None:
    (violation,) = check("invalid-02-self-defence.ttl").violations
    assert violation.focus_node == "id:constantinople"
    assert violation.constraint == "sh:SPARQLConstraintComponent"
    assert violation.shape == "shp:S2-no-self-defence"
    assert violation.message == "Nobody defends themselves."
    # Sentence 1 has no sg:text here and the source file is absent: number only.
    assert violation.sentences == (SourceSentence(1, None),)


def test_sentence_text_falls_back_to_the_source_file(tmp_path: Path) -> None:
    source = tmp_path / "source.txt"
    source.write_text("First sentence.\nSecond sentence.", encoding="utf-8")
    (violation,) = check("invalid-02-self-defence.ttl", source_text_path=source).violations
    assert violation.sentences == (SourceSentence(1, "First sentence."),)


def test_quality_check_row_is_a_violation() -> None:
    report = check("invalid-03-line-range.ttl")
    assert not report.conforms
    (violation,) = report.violations
    assert violation.focus_node == "id:sentence-99"
    assert violation.constraint == "check sentence-line-range"
    assert violation.shape == "sentence-line-range-violation.rq"
    assert violation.message == "Does every sentence stand on one of the 17 lines of the source?"
    assert violation.value == "number=99"
    assert violation.sentences == ()


def test_a_warning_alone_does_not_conform() -> None:
    # SHACL 3.6.1: a report conforms only if it has no result at all, of any severity.
    report = check("warning-01-place-comment.ttl")
    assert not report.conforms and not report.accepted
    (warning,) = report.violations
    assert (warning.focus_node, warning.severity) == ("id:chalcedon", "Warning")


def test_allowed_warnings_are_accepted_but_do_not_conform() -> None:
    report = validate(
        data_paths=[VALIDATION / "warning-01-place-comment.ttl"],
        ontology_paths=[VALIDATION / "ontology.ttl"],
        shapes_path=VALIDATION / "shapes.ttl",
        qc_dir=VALIDATION / "qc",
        allow_warnings=True,
    )
    assert report.accepted and not report.conforms
    assert summary_line(report).startswith("conforms, with 1 warning allowed: ")
    assert not check("invalid-01-agent-label.ttl").accepted


def test_report_text_names_node_constraint_and_sentence() -> None:
    text = render_report(check("invalid-01-agent-label.ttl"))
    assert text.splitlines()[0].startswith("does not conform: ")
    assert "1. Violation: id:bonus" in text
    assert "sh:MinCountConstraintComponent" in text
    assert f"sentence 7: {SENTENCE_7}" in text


def test_malformed_data_is_a_parse_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sg: <https://w3id.org/siege626/ontology#> .\nsg:a sg:b .\n")
    with pytest.raises(ParseError) as caught:
        validate(
            data_paths=[bad],
            ontology_paths=[VALIDATION / "ontology.ttl"],
            shapes_path=VALIDATION / "shapes.ttl",
        )
    assert caught.value.line == 2


def test_missing_shapes_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        check("valid.ttl", shapes_path=tmp_path / "shapes.ttl")


def test_unusable_shape_is_a_one_line_error(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix sg: <https://w3id.org/siege626/ontology#> .\n"
        "sg:BadShape a sh:NodeShape ; sh:targetClass sg:Person ;\n"
        '    sh:property [ sh:path sg:x ; sh:minCount "one" ] .\n'
    )
    with pytest.raises(ValidationSetupError) as caught:
        check("valid.ttl", shapes_path=shapes)
    assert str(caught.value).startswith("shapes: ")
    assert "\n" not in str(caught.value)


def test_backed_graph_loads_in_batches_the_same_triples_on_both_sides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Small batches give rdflib and the Oxigraph mirror every triple, each term once."""
    from rdflib import Graph, URIRef
    from rdflib.compare import isomorphic

    from kg import resources
    from kg.engines import OxigraphBackedGraph, to_rdflib

    monkeypatch.setattr(OxigraphBackedGraph, "BATCH", 7)
    graph_name = URIRef("https://example.org/graph")
    backed = OxigraphBackedGraph()
    backed.load([resources.data_path()], graph_name)

    expected = Graph().parse(resources.data_path(), format="turtle")
    assert isomorphic(Graph() + backed, expected)
    mirror = Graph()
    for quad in backed.oxigraph:
        assert quad.graph_name.value == str(graph_name)
        mirror.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    assert len(mirror) == len(expected)
    # A term that many triples share is one object in rdflib's store, not one per triple.
    types = {id(predicate) for _, predicate, _ in backed if predicate == URIRef(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")}
    assert len(types) == 1


def _pattern_report(tmp_path: Path, constraint: str, engine: str) -> ValidationReport:
    shapes = tmp_path / "pattern-shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <http://example.org/> .\n"
        f"ex:S sh:targetSubjectsOf ex:name ; sh:property [ sh:path ex:name ; {constraint} ] .\n"
    )
    data = tmp_path / "pattern-data.ttl"
    data.write_text('@prefix ex: <http://example.org/> .\nex:a ex:name "Abc" .\n')
    return validate(
        data_paths=[data], ontology_paths=[], shapes_path=shapes, qc_dir=tmp_path, engine=engine
    )


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ('sh:pattern "("', 'shapes: sh:pattern "(" of _:'),
        ('sh:pattern "[z-a]"', 'shapes: sh:pattern "[z-a]" of _:'),
        # Python's re takes a back-reference; XPath's regexes as Oxigraph and RE2 read them
        # do not: refused for both engines alike.
        ('sh:pattern "(A)\\\\1"', 'shapes: sh:pattern "(A)\\\\1" of _:'),
        ('sh:pattern "A" ; sh:flags "iz"', 'shapes: sh:flags "iz" of _:'),
    ],
)
def test_a_pattern_or_flags_no_engine_can_use_is_a_shapes_error(
    engine: str, constraint: str, expected: str, tmp_path: Path
) -> None:
    with pytest.raises(ValidationSetupError) as caught:
        _pattern_report(tmp_path, constraint, engine)
    assert str(caught.value).startswith(expected), str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("pattern", "flags", "conforms"),
    [
        ("(", "q", False),  # with q, a string to find: "Abc" holds no "("
        ("b", "iq", True),
        ("^a.c$", "is", True),
        ("^A b c$", "x", True),  # with x, whitespace in the pattern is left out
    ],
)
def test_flags_pyshacl_would_ignore_are_refused_for_it(
    pattern: str, flags: str, conforms: bool, tmp_path: Path
) -> None:
    constraint = f'sh:pattern "{pattern}" ; sh:flags "{flags}"'
    with pytest.raises(ValidationSetupError) as caught:
        _pattern_report(tmp_path, constraint, "pyshacl")
    assert str(caught.value).startswith(f'shapes: sh:flags "{flags}" of _:'), str(caught.value)
    assert "reads only the flags i and m" in str(caught.value)
    assert _pattern_report(tmp_path, constraint, "oxigraph").conforms is conforms


@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
@pytest.mark.parametrize(
    ("constraint", "conforms"),
    [
        ('sh:pattern "^a"', False),
        ('sh:pattern "^a" ; sh:flags "i"', True),
        ('sh:pattern "^\\\\p{Lu}\\\\p{Ll}+$"', True),  # Unicode classes, which Python's re lacks
        ('sh:pattern "^(A+)+$"', False),
    ],
)
def test_patterns_both_engines_read_alike(
    engine: str, constraint: str, conforms: bool, tmp_path: Path
) -> None:
    report = _pattern_report(tmp_path, constraint, engine)
    assert report.conforms is conforms
    assert [v.constraint for v in report.violations] == (
        [] if conforms else ["sh:PatternConstraintComponent"]
    )
