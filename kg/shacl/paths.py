"""SHACL property paths written as SPARQL 1.1 property paths."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.shacl.errors import Unsupported

__all__ = ["can_be_empty", "list_members", "path_text", "sparql_path"]

_REPEATS = ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?"))


def sparql_path(shapes: Graph, path: Node) -> str:
    """The SPARQL property path for the SHACL path ``path`` (full IRIs)."""
    return path_text(shapes, path, lambda term: term.n3())


def path_text(graph: Graph, path: Node, show: Callable[[Node], str]) -> str:
    """A SHACL path in SPARQL property-path syntax, each IRI written by ``show``.

    ``^sg:p``, ``sg:a/sg:b``, ``(sg:a|sg:b)``, ``(sg:p)*``. Raises Unsupported for a
    blank node that is no path (or a list of fewer than two steps, or a cycle).
    """
    return _text(graph, path, show, nested=False)


def can_be_empty(graph: Graph, path: Node) -> bool:
    """Whether ``path`` can match a path of length zero: then every focus node is one of
    its own value nodes, whether or not the data graph mentions it.

    SPARQL gives that node only where the path's subject is a constant (SHACL pre-binds
    ``$this``); a query joining a variable subject with the focus nodes finds it only if
    the node is in the graph. The compiled queries add it themselves.
    """
    if not isinstance(path, BNode):
        return False
    if graph.value(path, RDF.first) is not None:
        return all(can_be_empty(graph, step) for step in list_members(graph, path))
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return can_be_empty(graph, inverse)
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        return any(can_be_empty(graph, option) for option in list_members(graph, alternatives))
    if graph.value(path, SH.oneOrMorePath) is not None:
        return can_be_empty(graph, graph.value(path, SH.oneOrMorePath))  # type: ignore[arg-type]
    return any(graph.value(path, p) is not None for p in (SH.zeroOrMorePath, SH.zeroOrOnePath))


def list_members(graph: Graph, head: Node) -> Iterator[Node]:
    """The members of an RDF list; Unsupported if it runs in a circle or breaks off."""
    seen: set[Node] = set()
    while head != RDF.nil:
        if head in seen:
            raise Unsupported(f"an RDF list that runs in a circle at {head.n3()}")
        seen.add(head)
        first = graph.value(head, RDF.first)
        rest = graph.value(head, RDF.rest)
        if first is None or rest is None:
            raise Unsupported(f"an RDF list that breaks off at {head.n3()}")
        yield first
        head = rest


def _text(graph: Graph, path: Node, show: Callable[[Node], str], nested: bool) -> str:
    if not isinstance(path, BNode):
        return show(path)
    if graph.value(path, RDF.first) is not None:  # a list is a sequence, whatever else it says
        steps = [_text(graph, step, show, nested=True) for step in list_members(graph, path)]
        if len(steps) < 2:
            raise Unsupported("a sequence path of fewer than two steps")
        sequence = "/".join(steps)
        return f"({sequence})" if nested else sequence
    if (inverse := graph.value(path, SH.inversePath)) is not None:
        return f"^{_text(graph, inverse, show, nested=True)}"
    if (alternatives := graph.value(path, SH.alternativePath)) is not None:
        options = [
            _text(graph, option, show, nested=True) for option in list_members(graph, alternatives)
        ]
        if not options:
            raise Unsupported("an empty sh:alternativePath")
        return "(" + "|".join(options) + ")"
    for predicate, suffix in _REPEATS:
        if (inner := graph.value(path, predicate)) is not None:
            return f"({_text(graph, inner, show, nested=False)}){suffix}"
    raise Unsupported(f"a path blank node of no known kind: {path.n3()}")
