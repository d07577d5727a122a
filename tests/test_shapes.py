"""The SHACL shapes, one shape group at a time, with the fixtures in tests/shapes/.

Every fixture is validated together with tests/shapes/context.ttl (the source document,
its first sentence and a quotation), the way ``kg validate`` validates the data: the
ontology as the ontology graph, no inference, SHACL-SPARQL enabled.

* ``SNN-valid.ttl`` conforms.
* ``SNN-invalid-MM.ttl`` says in its first line what is wrong with it, then lists one
  ``# expect: FOCUS SOURCE COMPONENT`` line per violation it must produce; the results
  must be exactly those. SOURCE is the property shape, the node shape (node-level
  constraints) or the SPARQL constraint (``sh:sourceConstraint``) that fails.
* Every constraint of ontology/shapes.ttl is expected by at least one invalid fixture.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.validation import validate as kg_validate

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "shapes"
CONTEXT = FIXTURES / "context.ttl"
SHAPES = REPO_ROOT / "ontology" / "shapes.ttl"
ONTOLOGY = [REPO_ROOT / "ontology" / "siege626.ttl", REPO_ROOT / "ontology" / "alignments.ttl"]
DATA = REPO_ROOT / "data" / "siege626.ttl"

VALID = sorted(FIXTURES.glob("S[0-9][0-9]-valid.ttl"))
INVALID = sorted(FIXTURES.glob("S[0-9][0-9]-invalid-[0-9][0-9].ttl"))

# Invalid fixtures that the shapes do not catch today: why, and what the test fails with.
# Strict: once the shape is fixed the test passes unexpectedly, fails, and the entry goes.

PREFIXES = {
    "id": "https://w3id.org/siege626/id/",
    "sg": "https://w3id.org/siege626/ontology#",
    "shp": "https://w3id.org/siege626/shapes#",
    "sh": str(SH),
}

EXPECT = re.compile(r"^# expect: (\S+) (\S+) (\S+)\s*$")

# Each constraint parameter and its component. sh:qualifiedValueShape is counted through
# the parameter that names its component (sh:qualifiedMinCount, sh:qualifiedMaxCount).
COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH.qualifiedMinCount: SH.QualifiedMinCountConstraintComponent,
    SH.qualifiedMaxCount: SH.QualifiedMaxCountConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
}

# sh: terms a shape may carry that are not constraints of their own (sh:sparql is
# counted apart, one constraint per SPARQL constraint node).
NOT_CONSTRAINTS = {
    SH.path,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.sparql,
    SH.message,
    SH.name,
    SH.description,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.qualifiedValueShape,
    SH.qualifiedValueShapesDisjoint,
    SH.ignoredProperties,
}

Triple = tuple[str, str, str]  # focus node, shape or SPARQL constraint, component
Constraint = tuple[str, str]  # shape or SPARQL constraint, component


def show(term: Node) -> str:
    """An IRI as a CURIE of PREFIXES, anything else in N-Triples syntax."""
    if isinstance(term, URIRef):
        for prefix, namespace in PREFIXES.items():
            if term.startswith(namespace):
                return f"{prefix}:{term[len(namespace) :]}"
    return term.n3()


def expand(curie: str) -> str:
    """A CURIE of an expect line, checked and brought to the form ``show`` gives."""
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {curie!r}; use one of {sorted(PREFIXES)}")
    return show(URIRef(PREFIXES[prefix] + local))


def expected_violations(path: Path) -> set[Triple]:
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            match = EXPECT.match(line)
            assert match, f"{path.name}: malformed line {line!r}"
            focus, source, component = (expand(part) for part in match.groups())
            found.add((focus, source, component))
    return found


def invalid_fixtures() -> list[pytest.ParameterSet]:
    params = []
    for path in INVALID:
        params.append(pytest.param(path, id=path.name))
    return params


@cache
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES)


def all_shapes(shapes: Graph) -> set[Node]:
    """Node and property shapes, declared or used; not the anonymous shapes in sh:or lists."""
    found: set[Node] = set(shapes.subjects(RDF.type, SH.NodeShape))
    found |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.objects(None, SH.property))
    return found


def sparql_constraints(shapes: Graph) -> set[Node]:
    return set(shapes.objects(None, SH.sparql))


@cache
def constraints() -> tuple[Constraint, ...]:
    """Every constraint of the shapes file, sorted by shape."""
    shapes = shapes_graph()
    found: set[Constraint] = set()
    for shape in all_shapes(shapes):
        for predicate in shapes.predicates(shape, None):
            if predicate in COMPONENTS:
                found.add((show(shape), show(COMPONENTS[predicate])))
    for constraint in sparql_constraints(shapes):
        found.add((show(constraint), show(SH.SPARQLConstraintComponent)))
    return tuple(sorted(found))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in ONTOLOGY:
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def context() -> Graph:
    return Graph().parse(CONTEXT)


def validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True
    )
    assert isinstance(results, Graph)
    return bool(conforms), results


def with_context(context: Graph, path: Path) -> Graph:
    data = Graph()
    data += context
    data.parse(path)
    return data


def violations(results: Graph) -> Iterator[tuple[Node, Triple]]:
    """Each result node of a report with its (focus, source, component) as CURIEs."""
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        component = results.value(result, SH.sourceConstraintComponent)
        if component == SH.SPARQLConstraintComponent:
            source = results.value(result, SH.sourceConstraint)
        else:
            source = results.value(result, SH.sourceShape)
        assert focus is not None and source is not None and component is not None
        yield result, (show(focus), show(source), show(component))


def describe(results: Graph) -> str:
    return "\n".join(
        f"  {' '.join(triple)}: {results.value(result, SH.resultMessage)}"
        for result, triple in sorted(violations(results), key=lambda item: item[1])
    )


def listing(triples: set[Triple]) -> str:
    return "\n".join(f"  {' '.join(triple)}" for triple in sorted(triples)) or "  (none)"


# --- the fixtures themselves ----------------------------------------------------------


def test_every_shape_group_has_a_valid_and_an_invalid_fixture() -> None:
    groups = sorted({show(shape).removeprefix("shp:")[:3] for shape in all_shapes(shapes_graph())})
    # Numbered from S01 without gaps: a group whose shapes were dropped leaves none.
    assert groups == [f"S{number:02d}" for number in range(1, len(groups) + 1)]
    for group in groups:
        assert FIXTURES / f"{group}-valid.ttl" in VALID, f"{group}-valid.ttl is missing"
        assert any(path.name.startswith(f"{group}-invalid-") for path in INVALID), (
            f"{group} has no invalid fixture"
        )


@pytest.mark.parametrize("path", INVALID, ids=lambda path: path.name)
def test_invalid_fixture_says_what_is_wrong(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# ") and not first.startswith("# expect:"), (
        f"{path.name}: the first line must be a comment saying what is wrong"
    )
    assert len(first.split()) > 5, f"{path.name}: say in words what is wrong"
    assert expected_violations(path), f"{path.name}: no '# expect:' lines"


# --- validation -----------------------------------------------------------------------


def test_context_conforms_on_its_own(context: Graph, shapes: Graph, ontology: Graph) -> None:
    conforms, results = validate(context, shapes, ontology)
    assert conforms, f"context.ttl does not conform:\n{describe(results)}"


def test_shipped_data_conforms(shapes: Graph, ontology: Graph) -> None:
    conforms, results = validate(Graph().parse(DATA), shapes, ontology)
    assert conforms, f"data/siege626.ttl does not conform:\n{describe(results)}"


@pytest.mark.parametrize("path", VALID, ids=lambda path: path.name)
def test_valid_fixture_conforms(path: Path, context: Graph, shapes: Graph, ontology: Graph) -> None:
    conforms, results = validate(with_context(context, path), shapes, ontology)
    assert conforms, f"{path.name} does not conform:\n{describe(results)}"


@pytest.mark.parametrize("path", invalid_fixtures())
def test_invalid_fixture_fails_exactly_as_expected(
    path: Path, context: Graph, shapes: Graph, ontology: Graph
) -> None:
    conforms, results = validate(with_context(context, path), shapes, ontology)
    found = {triple for _, triple in violations(results)}
    expected = expected_violations(path)
    assert found == expected, (
        f"{path.name}\nexpected but not reported:\n{listing(expected - found)}\n"
        f"reported but not expected:\n{listing(found - expected)}\n"
        f"all results:\n{describe(results)}"
    )
    assert not conforms
    for result, triple in violations(results):
        messages = [m for m in results.objects(result, SH.resultMessage) if str(m).strip()]
        assert messages, f"{path.name}: {' '.join(triple)} has no sh:resultMessage"
    reported = Counter(
        (triple, results.value(result, SH.resultPath), results.value(result, SH.value))
        for result, triple in violations(results)
    )
    twice = [" ".join(triple) for (triple, _, _), count in reported.items() if count > 1]
    assert not twice, f"{path.name}: reported more than once:\n  " + "\n  ".join(twice)


# --- coverage and messages ------------------------------------------------------------


@pytest.mark.parametrize("path", invalid_fixtures())
def test_toolkit_validation_finds_the_same_violations(path: Path, tmp_path: Path) -> None:
    """`kg validate` runs pyshacl through a prepared-query graph; it must report alike."""
    report = kg_validate(data_paths=[CONTEXT, path], qc_dir=tmp_path)
    found = {(v.focus_node, v.constraint) for v in report.violations}
    expected = {(focus, component) for focus, _, component in expected_violations(path)}
    assert found == expected
    assert not report.conforms


def test_every_constraint_fails_in_some_fixture() -> None:
    """Expected by an invalid fixture; the fixture's own test checks that it really fails.

    A constraint that only a KNOWN_SHAPE_FAULTS fixture expects counts here: the strict
    expected failure of that fixture keeps the gap in sight.
    """
    expected = {
        (source, component)
        for path in INVALID
        for _, source, component in expected_violations(path)
    }
    untested = [" ".join(constraint) for constraint in constraints() if constraint not in expected]
    assert not untested, "no invalid fixture makes these fail:\n  " + "\n  ".join(untested)


def test_every_expected_violation_names_a_constraint_of_the_shapes() -> None:
    known = set(constraints())
    for path in INVALID:
        for focus, source, component in sorted(expected_violations(path)):
            assert (source, component) in known, (
                f"{path.name}: {source} has no {component} in ontology/shapes.ttl"
            )
            assert focus.startswith("id:"), f"{path.name}: plant {focus} under id:"


def test_every_shape_parameter_is_known() -> None:
    """A kind of constraint this file does not know would slip past the coverage test."""
    shapes = shapes_graph()
    for shape in all_shapes(shapes):
        assert isinstance(shape, URIRef), f"{shape.n3()} needs an IRI of its own"
        for predicate in set(shapes.predicates(shape, None)):
            if predicate.startswith(str(SH)):
                assert predicate in COMPONENTS or predicate in NOT_CONSTRAINTS, (
                    f"{show(shape)}: unknown parameter {show(predicate)}"
                )


def test_one_sparql_constraint_per_shape() -> None:
    """An engine that reports only sh:sourceShape (Jena) must still name the rule."""
    shapes = shapes_graph()
    for shape in set(shapes.subjects(SH.sparql, None)):
        held = sorted(show(constraint) for constraint in shapes.objects(shape, SH.sparql))
        assert len(held) == 1, f"{show(shape)} holds several SPARQL constraints: {held}"


def test_no_shape_message_over_a_sparql_constraint() -> None:
    """Jena gives a shape's own sh:message for its SPARQL constraint's results."""
    shapes = shapes_graph()
    for shape in set(shapes.subjects(SH.sparql, None)):
        assert shapes.value(shape, SH.message) is None, (
            f"{show(shape)} holds a SPARQL constraint and has an sh:message of its own: "
            "move the other constraints to a shape of their own"
        )


def test_every_message_is_english() -> None:
    for node, message in shapes_graph().subject_objects(SH.message):
        assert isinstance(message, Literal) and message.language == "en", (
            f"{show(node)}: sh:message {message.n3()} is not tagged @en"
        )
        assert str(message).strip(), f"{show(node)}: empty sh:message"


def test_every_constraint_has_a_message() -> None:
    """On the property shape, on the node shape (node-level constraints), on the SPARQL one."""
    shapes = shapes_graph()
    with_constraints = {
        shape
        for shape in all_shapes(shapes)
        if any(predicate in COMPONENTS for predicate in shapes.predicates(shape, None))
    }
    for node in with_constraints | sparql_constraints(shapes):
        messages = [m for m in shapes.objects(node, SH.message) if isinstance(m, Literal)]
        assert any(m.language == "en" for m in messages), f"{show(node)} has no English message"


# --- the command line -----------------------------------------------------------------


def run_kg_validate(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m kg validate ARGS`` in a fresh interpreter, from an unrelated directory."""
    return subprocess.run(
        [sys.executable, "-m", "kg", "validate", *map(str, args)],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_reports_the_planted_node(tmp_path: Path) -> None:
    completed = run_kg_validate(FIXTURES / "S03-invalid-01.ttl", CONTEXT, cwd=tmp_path)
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "id:quantity-without-unit" in completed.stdout
    assert "shp:S03-Quantity-unit" in completed.stdout


def test_cli_accepts_a_valid_fixture(tmp_path: Path) -> None:
    # The quality checks look at the whole text (every line cited, the lines tiling the
    # document), which a one-sentence fixture cannot satisfy: run the shapes alone.
    no_checks = tmp_path / "no-checks"
    no_checks.mkdir()
    completed = run_kg_validate(
        "--checks", no_checks, FIXTURES / "S03-valid.ttl", CONTEXT, cwd=tmp_path
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
