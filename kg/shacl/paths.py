"""SHACL property paths written as SPARQL 1.1 property paths."""

from __future__ import annotations

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.shacl.errors import Unsupported

__all__ = ["sparql_path"]


def sparql_path(shapes: Graph, path: Node) -> str:
    """The SPARQL property path for the SHACL path ``path`` (full IRIs, bracketed)."""
    if isinstance(path, URIRef):
        return path.n3()
    if not isinstance(path, BNode):
        raise Unsupported(f"a path that is neither an IRI nor a blank node: {path.n3()}")
    if shapes.value(path, RDF.first) is not None:  # a list is a sequence, whatever else it says
        steps = [sparql_path(shapes, step) for step in Collection(shapes, path)]
        if len(steps) < 2:
            raise Unsupported("a sequence path of fewer than two steps")
        return "(" + "/".join(steps) + ")"
    if (inverse := shapes.value(path, SH.inversePath)) is not None:
        return f"^({sparql_path(shapes, inverse)})"
    if (alternatives := shapes.value(path, SH.alternativePath)) is not None:
        options = [sparql_path(shapes, option) for option in Collection(shapes, alternatives)]
        if not options:
            raise Unsupported("an empty sh:alternativePath")
        return "(" + "|".join(options) + ")"
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        if (inner := shapes.value(path, predicate)) is not None:
            return f"({sparql_path(shapes, inner)}){suffix}"
    raise Unsupported(f"a path blank node of no known kind: {path.n3()}")
