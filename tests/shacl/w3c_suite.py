"""The W3C SHACL test suite's manifests: each approved test, its files, its expected report.

The suite is a tree of Turtle manifests: ``mf:include`` names further manifests, and
``mf:entries`` lists the tests a file holds (most test files are at once their own
manifest, data graph and shapes graph, named ``<>``). A test's expected outcome is either
a validation report (``sh:conforms`` and its ``sh:result``s) or ``sht:Failure``: the
engine must refuse the shapes.

Results are put in a comparison form, :data:`ResultKey`, the same for the suite's
expected results and for an engine's :class:`kg.shacl.ShaclResult` values: every blank
node reads as :data:`BLANK`, so a blank node matches any blank node, and a path reads as
its SPARQL property-path text, rendered from the graph its node lives in.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg.literal_positions import quiet_literal_conversion_warnings
from kg.shacl import ENGINES, ShaclResult
from kg.shacl.errors import Unsupported
from kg.shacl.paths import path_text
from kg.shacl.shapes import read_shapes

__all__ = [
    "BLANK",
    "Report",
    "ResultKey",
    "SuiteTest",
    "actual_report",
    "parse_shapes",
    "parse_turtle",
    "read_report",
    "read_suite",
    "quiet_literals",
    "suite_location",
]

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

REPO_ROOT = Path(__file__).resolve().parents[2]
# Vendored, so that a fresh clone runs it (its README says where it comes from).
DEFAULT_SUITE = REPO_ROOT / "tests" / "fixtures" / "w3c-shacl-test-suite"

# How every blank node reads: any blank node matches any other, and nothing else.
BLANK = "[]"

# (focus node, path, value, source shape, constraint component, severity), as text.
ResultKey = tuple[str, str | None, str | None, str, str, str]


@dataclass(frozen=True)
class Report:
    """A validation report: conforms iff there are no results (SHACL 3.6.1).

    The results are counted: where blank nodes make two results read alike (27 results of
    core/property/nodeKind-001 read as 9), an engine must still give each of them.
    """

    conforms: bool
    results: tuple[ResultKey, ...]  # sorted, so that == compares them as a multiset

    def counted(self) -> Counter[ResultKey]:
        return Counter(self.results)


def _report(conforms: bool, keys: Iterable[ResultKey]) -> Report:
    return Report(conforms=conforms, results=tuple(sorted(keys, key=repr)))


@dataclass(frozen=True)
class SuiteTest:
    """One ``sht:Validate`` test of the suite."""

    name: str  # the test's IRI relative to the suite folder: core/property/minCount-001
    data: Path
    shapes: Path
    expected: Report | None  # None: sht:Failure, the shapes must be refused

    @property
    def part(self) -> str:
        """``core`` (SHACL Core) or ``sparql`` (SHACL-SPARQL)."""
        return self.name.split("/", 1)[0]


def suite_location() -> Path:
    """The suite's folder: $SHACL_TEST_SUITE, else the copy in tests/fixtures."""
    given = os.environ.get("SHACL_TEST_SUITE")
    return Path(given).expanduser().resolve() if given else DEFAULT_SUITE.resolve()


def read_suite(root: Path) -> list[SuiteTest]:
    """The approved tests reached from ``root/manifest.ttl`` by ``mf:include``, in order."""
    root = root.resolve()
    tests: list[SuiteTest] = []
    seen: set[Path] = set()
    todo = [root / "manifest.ttl"]
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        manifest = parse_turtle(path)
        here = URIRef(path.as_uri())
        todo.extend(_file(include) for include in manifest.objects(here, MF.include))
        for entries in manifest.objects(here, MF.entries):
            for test in Collection(manifest, entries):
                # Tests a manifest marks sht:proposed (or anything but approved) do not count.
                if (test, MF.status, SHT.approved) in manifest:
                    tests.append(_suite_test(manifest, test, root))
    return tests


def actual_report(results: Iterable[ShaclResult], shapes: Graph) -> Report:
    """An engine's results in the comparison form; paths are read from ``shapes``."""
    keys = [
        (
            _text(result.focus),
            _path_text(shapes, result.path) if result.path is not None else None,
            _text(result.value) if result.value is not None else None,
            _text(result.shape),
            _text(result.component),
            _text(result.severity),
        )
        for result in results
    ]
    return _report(not keys, keys)


def parse_turtle(path: Path) -> Graph:
    """A suite file read by rdflib, its base the file's own URI.

    That is the base Oxigraph's reader (kg.engines.read_turtle) sets, so that <> and
    relative IRIs name the same resources in the data, the shapes and the manifest.
    """
    with quiet_literals():
        return Graph().parse(path, format="turtle", publicID=path.as_uri())


def parse_shapes(path: Path) -> Graph:
    """A suite file read as a shapes graph, as kg validate reads one: by Oxigraph, each
    literal as written ("1"^^xsd:boolean stays "1"), the base the file's own URI."""
    with quiet_literals():
        return read_shapes([path])


def read_report(graph: Graph) -> Report:
    """The comparison form of the one sh:ValidationReport in ``graph`` (kg validate's
    ``--format turtle`` output, or a manifest's expected report)."""
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    if len(reports) != 1:
        raise ValueError(f"{len(reports)} sh:ValidationReport in the graph, not one")
    return _expected_report(graph, reports[0], "the report")


@contextmanager
def quiet_literals() -> Iterator[None]:
    """No warnings for the suite's deliberately ill-typed literals ("none"^^xsd:boolean)."""
    with quiet_literal_conversion_warnings(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Parsing weird boolean", category=UserWarning)
        yield


def _file(iri: Node) -> Path:
    parsed = urlparse(str(iri))
    if parsed.scheme != "file":
        raise ValueError(f"the suite names a file outside itself: {iri}")
    return Path(unquote(parsed.path))


def _suite_test(manifest: Graph, test: Node, root: Path) -> SuiteTest:
    name = _file(test).relative_to(root).as_posix()
    if (test, RDF.type, SHT.Validate) not in manifest:
        raise ValueError(f"{name}: not an sht:Validate test")
    action = manifest.value(test, MF.action)
    data = manifest.value(action, SHT.dataGraph)
    shapes = manifest.value(action, SHT.shapesGraph)
    if data is None or shapes is None:
        raise ValueError(f"{name}: no sht:dataGraph or sht:shapesGraph")
    result = manifest.value(test, MF.result)
    expected = None if result == SHT.Failure else _expected_report(manifest, result, name)
    return SuiteTest(name=name, data=_file(data), shapes=_file(shapes), expected=expected)


def _expected_report(manifest: Graph, report: Node | None, name: str) -> Report:
    conforms = manifest.value(report, SH.conforms)
    if not isinstance(conforms, Literal):
        raise ValueError(f"{name}: the expected report has no sh:conforms")
    results = manifest.objects(report, SH.result)
    keys = [result_key(manifest, result) for result in results]
    return _report(bool(conforms.toPython()), keys)


def result_key(manifest: Graph, result: Node) -> ResultKey:
    """The comparison form of one sh:result node of a report graph."""

    def text(predicate: URIRef) -> str | None:
        found = manifest.value(result, predicate)
        return _text(found) if found is not None else None

    path = manifest.value(result, SH.resultPath)
    return (
        text(SH.focusNode) or BLANK,
        _path_text(manifest, path) if path is not None else None,
        text(SH.value),
        text(SH.sourceShape) or BLANK,
        text(SH.sourceConstraintComponent) or BLANK,
        text(SH.resultSeverity) or _text(SH.Violation),
    )


def _text(node: Node) -> str:
    return BLANK if isinstance(node, BNode) else node.n3()


def _path_text(graph: Graph, path: Node) -> str:
    """A SHACL path in SPARQL property-path syntax, a blank node that is no path as BLANK.

    A list is read as a sequence before anything else the same node says: the suite's
    "strange" paths, a list that is also an sh:inversePath, expect the sequence.
    """
    try:
        return path_text(graph, path, _text)
    except Unsupported:
        return BLANK


def suite_cases(known_failures: Mapping[tuple[str, str], str]) -> list[object]:
    """One pytest case per SHACL engine and approved test of the suite, an engine's known
    failure a strict xfail with its reason; one skipped case per engine, saying why, where
    the suite is not at :func:`suite_location`."""
    import pytest


    suite = suite_location()
    if not (suite / "manifest.ttl").is_file():
        reason = f"the W3C SHACL test suite is not here: {suite}"
        return [
            pytest.param(engine, None, id=f"{engine}-suite", marks=pytest.mark.skip(reason=reason))
            for engine in ENGINES
        ]

    def marks(engine: str, test: SuiteTest) -> list[pytest.MarkDecorator]:
        reason = known_failures.get((engine, test.name))
        return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []

    return [
        pytest.param(engine, test, id=f"{engine}-{test.name}", marks=marks(engine, test))
        for engine in ENGINES
        for test in read_suite(suite)
    ]


def difference(actual: Report, expected: Report) -> str:
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
