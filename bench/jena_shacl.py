"""Apache Jena SHACL as a peer of ``kg validate``: its input, its command and its answer.

Jena's ``shacl validate`` reads one data file (a second ``--data`` replaces the first)
and takes no ontology graph, so the ontology, data and links are written as one
N-Triples file before any timing starts (class targets then reach subclasses through
the ontology's rdfs:subClassOf, as tests/test_shacl_engines.py validates them). The
process timed is Jena's own JVM, started directly (JVM start included), with the
classpath of :mod:`kg.stores.jena`.

Jena writes no sh:sourceConstraint. Every shape of ontology/shapes.ttl holds at most one
SPARQL constraint, so the source shape names the rule: the answer fills in that
constraint, and is then read as every other engine's (:mod:`bench.shacl_peers`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

__all__ = ["ENGINE", "HEAP", "answer_of_report", "command", "merged_ntriples", "unavailable"]

ENGINE = "Jena SHACL"
# Jena holds the whole graph in its heap: 3 GB lets it finish at 1000× (about 1.8 million
# triples) and keeps the process under the 4 GB the toolkit's own jobs are held to.
HEAP = "3g"
# With this flag a JVM out of heap exits (status 3) saying so, rather than hanging on.
_OUT_OF_MEMORY = "-XX:+ExitOnOutOfMemoryError"


def merged_ntriples(paths: Sequence[Path], target: Path) -> Path:
    """The files as one N-Triples file; each file's blank nodes stay its own."""
    import pyoxigraph

    from kg.engines import read_turtle

    with target.open("wb") as out:
        pyoxigraph.serialize(
            itertools.chain.from_iterable(read_turtle(path) for path in paths),
            out,
            format=pyoxigraph.RdfFormat.N_TRIPLES,
        )
    return target


def unavailable() -> str | None:
    """Why Jena SHACL cannot run here (no Jena, no java), or None."""
    from kg.errors import KgError
    from kg.stores.jena import jena_command

    try:
        jena_command("shacl.shacl", [])
    except KgError as error:
        return str(error)
    return None


def command(shapes: Path, data: Path) -> tuple[str, ...]:
    """The whole process: Jena's ``shacl validate`` of one data file."""
    from kg.stores.jena import jena_command

    argv = jena_command("shacl.shacl", ["validate", "--shapes", str(shapes), "--data", str(data)],
                        heap=HEAP)
    return (argv[0], _OUT_OF_MEMORY, *argv[1:])


def _sole_sparql_constraints(shapes: Path) -> dict[object, object]:
    """Each shape with exactly one SPARQL constraint, and that constraint."""
    from rdflib import Graph
    from rdflib.namespace import SH

    graph = Graph().parse(shapes, format="turtle")
    found: dict[object, list[object]] = {}
    for shape, constraint in graph.subject_objects(SH.sparql):
        found.setdefault(shape, []).append(constraint)
    return {shape: constraints[0] for shape, constraints in found.items() if len(constraints) == 1}


def answer_of_report(report: bytes, shapes: Path) -> object:
    """The sorted answer of Jena's report (Turtle), or why it could not be read."""
    from rdflib import RDF, Graph
    from rdflib.namespace import SH

    from bench.shacl_peers import answer_of_results_graph

    graph = Graph()
    try:
        graph.parse(data=report.decode("utf-8"), format="turtle")
    except Exception as error:  # noqa: BLE001 - an unreadable report is an answer that differs
        return f"unreadable report: {type(error).__name__}"
    constraints = _sole_sparql_constraints(shapes)
    for result in list(graph.subjects(RDF.type, SH.ValidationResult)):
        shape = graph.value(result, SH.sourceShape)
        if graph.value(result, SH.sourceConstraint) is None and shape in constraints:
            graph.add((result, SH.sourceConstraint, constraints[shape]))  # type: ignore[arg-type]
    return sorted([list(item) for item in answer_of_results_graph(graph)])
