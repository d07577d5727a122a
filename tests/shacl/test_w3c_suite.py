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
from kg.shacl import ENGINES, validate_shacl
from tests.shacl.w3c_suite import (
    Report,
    SuiteTest,
    actual_report,
    parse_shapes,
    quiet_literals,
    read_suite,
    suite_location,
)

SUITE = suite_location()

# Tests an engine fails, with why, each checked to fail for that reason (strict xfail):
# none. Every approved test passes on both engines.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def cases() -> list[object]:
    if not (SUITE / "manifest.ttl").is_file():
        reason = f"the W3C SHACL test suite is not here: {SUITE}"
        return [
            pytest.param(engine, None, id=f"{engine}-suite", marks=pytest.mark.skip(reason=reason))
            for engine in ENGINES
        ]
    tests = read_suite(SUITE)
    return [
        pytest.param(engine, test, id=f"{engine}-{test.name}", marks=_marks(engine, test))
        for engine in ENGINES
        for test in tests
    ]


def _marks(engine: str, test: SuiteTest) -> list[pytest.MarkDecorator]:
    reason = KNOWN_FAILURES.get((engine, test.name))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.mark.parametrize(("engine", "test"), cases())
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
    assert actual == test.expected, _difference(actual, test.expected)


def _difference(actual: Report, expected: Report) -> str:
    lines = [f"conforms: {actual.conforms}, expected {expected.conforms}"]
    for title, results in (
        ("missing", expected.counted() - actual.counted()),
        ("unexpected", actual.counted() - expected.counted()),
    ):
        lines += [
            f"{title}: {_show(result)}" + (f" (x{count})" if count > 1 else "")
            for result, count in sorted(results.items(), key=repr)
        ]
    return "\n".join(lines)


def _show(result: tuple[str | None, ...]) -> str:
    names = ("focus", "path", "value", "shape", "component", "severity")
    return ", ".join(f"{name}={part}" for name, part in zip(names, result, strict=True) if part)
