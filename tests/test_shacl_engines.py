"""pyshacl and Apache Jena SHACL give the same results with ontology/shapes.ttl.

Each engine validates the same graphs: the shipped graph (ontology, data and links, as
``kg validate`` validates them) and every fixture of tests/shapes/ with its context and
the ontology. Jena SHACL takes no ontology graph, so the ontology is merged into the
data for both engines (class targets reach subclasses through its rdfs:subClassOf).

A result is compared as (focus node, source shape, message, path, value), counted, so
that a result reported twice differs too. Jena writes no sh:sourceConstraint: the shapes
hold one SPARQL constraint each, so the source shape names the rule in both reports.

Jena runs once for all graphs (tests/tools/ShaclEach.java, each graph validated on its
own): a JVM per graph would cost about two seconds each.
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pyshacl
import pytest
from rdflib import RDF, BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from kg import resources
from kg.engines import PreparedQueryGraph
from kg.literal_positions import quiet_literal_conversion_warnings
from kg.stores.jena import JavaMissing, JenaMissing, jena_command, run_jena

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "shapes"
CONTEXT = FIXTURES / "context.ttl"
SHAPES = REPO_ROOT / "ontology" / "shapes.ttl"
RUNNER = REPO_ROOT / "tests" / "tools" / "ShaclEach.java"
FIXTURE_FILES = sorted(FIXTURES.glob("S[0-9][0-9]-*.ttl"))
SHIPPED = "shipped graph"

Result = tuple[str, str, str, str, str]  # focus, source shape, message, path, value


def require_tool(message: str) -> None:
    if os.environ.get("SIEGE626_REQUIRE_TOOLS") == "1":
        pytest.fail(message + "; SIEGE626_REQUIRE_TOOLS=1 requires it")
    pytest.skip(message)


@cache
def cases() -> dict[str, tuple[Path, ...]]:
    """Each graph to validate, by name: the files merged into it."""
    ontology = resources.ontology_paths()
    found = {SHIPPED: (*ontology, resources.data_path(), resources.links_path())}
    for path in FIXTURE_FILES:
        found[path.name] = (*ontology, CONTEXT, path)
    return found


@cache
def parsed(path: Path) -> Graph:
    with quiet_literal_conversion_warnings():  # the fixtures' ill-typed literals
        return Graph().parse(path)


def merged(name: str) -> PreparedQueryGraph:
    # pyshacl hands rdflib the text of a SPARQL constraint for each focus node, and
    # rdflib parses it each time: this graph parses each text once (still rdflib's engine).
    graph = PreparedQueryGraph()
    for path in cases()[name]:
        graph += parsed(path)
    return graph


def path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL syntax: blank-node paths compared by meaning."""
    if not isinstance(path, BNode):
        return path.n3()
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return f"^{path_text(graph, inverse)}"
    if graph.value(path, SH.alternativePath) is not None:
        return "(" + "|".join(path_text(graph, p) for p in alternatives(graph, path)) + ")"
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        if (inner := graph.value(path, predicate)) is not None:
            return f"({path_text(graph, inner)}){suffix}"
    if graph.value(path, RDF.first) is not None:
        return "/".join(path_text(graph, p) for p in Collection(graph, path))
    return "_:path"


def alternatives(graph: Graph, path: Node) -> list[Node]:
    """The members of an alternative path, nested ones flattened: Jena writes (a|b|c)
    as the alternative of (a|b) and c."""
    members = graph.value(path, SH.alternativePath)
    if members is None:
        return [path]
    return [leaf for member in Collection(graph, members) for leaf in alternatives(graph, member)]


def term_text(term: Node | None) -> str:
    if term is None:
        return ""
    return "_:blank" if isinstance(term, BNode) else term.n3()


def results(report: Graph) -> tuple[bool, Counter[Result]]:
    """Whether the report says the graph conforms, and its results."""
    (validation,) = report.subjects(RDF.type, SH.ValidationReport)
    conforms = report.value(validation, SH.conforms)
    assert isinstance(conforms, Literal), "the report has no sh:conforms"
    found: Counter[Result] = Counter()
    for result in report.objects(validation, SH.result):
        path = report.value(result, SH.resultPath)
        messages = sorted(term_text(m) for m in report.objects(result, SH.resultMessage))
        found[
            (
                term_text(report.value(result, SH.focusNode)),
                term_text(report.value(result, SH.sourceShape)),
                " | ".join(messages),
                path_text(report, path) if path is not None else "",
                term_text(report.value(result, SH.value)),
            )
        ] += 1
    return bool(conforms.toPython()), found


def pyshacl_results(name: str) -> tuple[bool, Counter[Result]]:
    # As `kg validate` runs it: the ontology already in the data, no inference.
    with quiet_literal_conversion_warnings():
        _, report, _ = pyshacl.validate(
            merged(name),
            shacl_graph=parsed(SHAPES),
            inplace=True,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    assert isinstance(report, Graph)
    return results(report)


def jena_ready() -> None:
    try:
        command = jena_command(str(RUNNER), [])
    except (JenaMissing, JavaMissing) as error:
        require_tool(f"Apache Jena SHACL cannot run: {error}")
    # Source-file mode (java File.java) compiles in memory: it needs a JDK, not a JRE.
    modules = subprocess.run(
        [command[0], "--list-modules"], capture_output=True, text=True, check=False
    ).stdout
    if "jdk.compiler@" not in modules:
        require_tool("java has no jdk.compiler module: apt-get install openjdk-17-jdk-headless")


Reports = dict[str, tuple[bool, Counter[Result]]]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Reports, Reports]:
    """Every case validated by Jena SHACL (in one JVM) and by pyshacl, meanwhile."""
    jena_ready()
    work = tmp_path_factory.mktemp("jena-shacl")
    names = list(cases())
    # Jena parses the files itself: one graph each, the files joined as in a classpath.
    data = [os.pathsep.join(map(str, cases()[name])) for name in names]
    out = work / "reports"
    out.mkdir()
    with ThreadPoolExecutor(max_workers=1) as pool:
        jena_run = pool.submit(run_jena, str(RUNNER), [str(SHAPES), str(out), *data], timeout=300)
        pyshacl_reports = {name: pyshacl_results(name) for name in names}
        completed = jena_run.result()
    assert completed.returncode == 0, completed.stderr[-3000:]
    jena_reports = {
        name: results(Graph().parse(out / f"{index}.ttl", format="turtle"))
        for index, name in enumerate(names)
    }
    return jena_reports, pyshacl_reports


def listing(found: Counter[Result]) -> str:
    lines = [f"  {count}× {' ; '.join(result)}" for result, count in sorted(found.items())]
    return "\n".join(lines) or "  (none)"


def assert_agree(name: str, reports: tuple[Reports, Reports]) -> None:
    jena_conforms, jena_found = reports[0][name]
    pyshacl_conforms, pyshacl_found = reports[1][name]
    assert jena_found == pyshacl_found, (
        f"{name}\nonly pyshacl:\n{listing(pyshacl_found - jena_found)}\n"
        f"only Jena:\n{listing(jena_found - pyshacl_found)}"
    )
    assert jena_conforms == pyshacl_conforms


def test_both_engines_find_the_shipped_graph_conforms(reports: tuple[Reports, Reports]) -> None:
    assert_agree(SHIPPED, reports)
    conforms, found = reports[0][SHIPPED]
    assert conforms and not found


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_both_engines_report_the_fixture_alike(
    path: Path, reports: tuple[Reports, Reports]
) -> None:
    assert_agree(path.name, reports)
    conforms, found = reports[0][path.name]
    # The fixture's name says whether it conforms: a fixture that fails on both
    # engines alike, or on neither, must not pass as agreement by accident.
    assert conforms == path.name.endswith("-valid.ttl"), listing(found)


def test_the_runner_reports_as_jenas_own_command(
    reports: tuple[Reports, Reports], tmp_path: Path
) -> None:
    """ShaclEach.java gives what `shacl validate` gives, on a fixture with SPARQL results."""
    name = "S07-invalid-02.ttl"
    data = tmp_path / "data.nt"
    merged(name).serialize(data, format="nt", encoding="utf-8")
    completed = run_jena("shacl.shacl_validate", ["--shapes", str(SHAPES), "--data", str(data)])
    assert completed.returncode == 0, completed.stderr[-3000:]
    own = results(Graph().parse(data=completed.stdout, format="turtle"))
    assert own == reports[0][name]
    assert own[1], "the fixture must produce results for the comparison to mean anything"
