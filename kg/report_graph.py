"""A ValidationReport as the SHACL validation report graph (SHACL 3.6), for programs.

One ``sh:ValidationReport`` with ``sh:conforms`` (SHACL's: no result at all) and an
``sh:result`` for each result: ``sh:focusNode``, ``sh:resultPath`` (a blank-node path
copied from the shapes), ``sh:value``, ``sh:sourceShape``, ``sh:sourceConstraintComponent``,
``sh:sourceConstraint`` (SHACL-SPARQL), ``sh:resultSeverity`` and ``sh:resultMessage``.
What kg validate finds beside SHACL has a component of its own: a row of a quality check
is ``kgv:QualityCheck`` (its source shape the check's file), an ill-typed literal that no
``sh:datatype`` reported is ``kgv:IllTypedLiteral`` (no source shape).
"""

from __future__ import annotations

from rdflib import RDF, BNode, Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from kg.validation import KGV, ValidationReport

__all__ = ["FORMATS", "report_graph", "serialize_report"]

# --format value → rdflib serializer.
FORMATS = {"turtle": "turtle", "json-ld": "json-ld"}


def report_graph(report: ValidationReport) -> Graph:
    """The report as an RDF graph of the SHACL vocabulary."""
    graph = Graph(bind_namespaces="core")
    graph.bind("sh", SH)
    graph.bind("kgv", KGV)
    if report.shapes is not None:
        for prefix, namespace in report.shapes.namespaces():
            graph.bind(prefix, namespace, override=False)
    root = BNode()
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, Literal(report.conforms)))
    for violation in report.violations:
        result = violation.result
        if result is None:
            continue
        node = BNode()
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        if result.focus != KGV.QualityCheck:
            graph.add((node, SH.focusNode, result.focus))
        if result.path is not None:
            graph.add((node, SH.resultPath, result.path))
            _copy_path(report.shapes, result.path, graph)
        if result.value is not None:
            graph.add((node, SH.value, result.value))
        if result.shape != KGV.IllTypedLiteral:
            graph.add((node, SH.sourceShape, result.shape))
        graph.add((node, SH.sourceConstraintComponent, result.component))
        if result.constraint is not None:
            graph.add((node, SH.sourceConstraint, result.constraint))
        graph.add((node, SH.resultSeverity, result.severity))
        for message in sorted(result.messages, key=str):
            graph.add((node, SH.resultMessage, message))
    return graph


def serialize_report(report: ValidationReport, output_format: str) -> str:
    """The report graph in ``output_format`` (one of FORMATS)."""
    return report_graph(report).serialize(format=FORMATS[output_format])


def _copy_path(shapes: Graph | None, path: Node, graph: Graph) -> None:
    """The triples of a blank-node path (a list, sh:inversePath…) as the shapes write it."""
    if shapes is None:
        return
    todo, seen = [path], set()
    while todo:
        node = todo.pop()
        if not isinstance(node, BNode) or node in seen:
            continue
        seen.add(node)
        for predicate, obj in shapes.predicate_objects(node):
            graph.add((node, predicate, obj))
            todo.append(obj)
