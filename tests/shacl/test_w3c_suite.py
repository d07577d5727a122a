"""Each SHACL engine of the toolkit against the W3C SHACL test suite.

The suite is the W3C RDF Data Shapes Working Group's (w3c/data-shapes, the ``tests/``
folder of data-shapes-test-suite), vendored unchanged under
tests/fixtures/w3c-shacl-test-suite; $SHACL_TEST_SUITE names another copy. Every
test reached from its root manifest by ``mf:include`` and marked ``sht:approved``
runs once for each engine of :data:`kg.shacl.ENGINES`: 98 SHACL Core and 22 SHACL-SPARQL
tests, ids such as ``pyshacl-core/property/minCount-001``.

Each test loads its data graph with Oxigraph's Turtle reader
(:class:`kg.engines.OxigraphBackedGraph`, as ``kg validate`` does) and its shapes graph
with :func:`kg.shacl.shapes.read_shapes` (literals as written), both fresh for the test,
even where the two are one file (the suite's ``<>``); no test of the suite needs
owl:imports or sh:shapesGraph followed between its files. What is compared, as the
suite's README says:

- ``sh:conforms``: true iff there is no result at all, of any severity (SHACL 3.6.1);
- the results, each as (focus node, path, value, source shape, constraint component,
  severity), any blank node matching any blank node, a path compared as its SPARQL
  property-path text. Messages and sh:sourceConstraint are not compared. The results are
  compared as a multiset, not the README's set: with blank nodes read alike, a set would
  let an engine give one result where the suite expects three (its report graphs,
  compared by isomorphism, count them too).

An ``sht:Failure`` test passes when the engine refuses the shapes: validate_shacl raises
a KgError (ValidationSetupError).
"""

from __future__ import annotations

import pytest

from kg.engines import OxigraphBackedGraph
from kg.errors import KgError, ParseError
from kg.namespaces import DATA_GRAPH
from kg.shacl import validate_shacl
from tests.shacl.w3c_suite import (
    SuiteTest,
    actual_report,
    difference,
    parse_shapes,
    quiet_literals,
    suite_cases,
)

# Tests an engine fails, with why, each checked to fail for that reason (strict xfail):
# none. Every approved test passes on both engines.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(("engine", "test"), suite_cases(KNOWN_FAILURES))
def test_w3c_shacl_suite(engine: str, test: SuiteTest) -> None:
    data = OxigraphBackedGraph()
    try:
        with quiet_literals():
            data.load([test.data], DATA_GRAPH)
    except ParseError as error:
        pytest.fail(f"Oxigraph's Turtle parser cannot read the data graph: {error}")
    shapes = parse_shapes(test.shapes)
    try:
        results = validate_shacl(data, shapes, engine=engine)
    except KgError as error:
        if test.expected is None:
            return  # sht:Failure: the engine refused the shapes, as it should
        pytest.fail(f"{engine} refused the shapes: {error}")
    if test.expected is None:
        pytest.fail(
            f"{engine} accepted shapes the suite says to refuse (sht:Failure) "
            f"and gave {len(results)} result(s)"
        )
    actual = actual_report(results, shapes)
    assert actual == test.expected, difference(actual, test.expected)
