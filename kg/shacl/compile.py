"""Shapes compiled to SPARQL: one query per constraint, over all its focus nodes at once.

Each query selects ``?this`` (the focus node) and, where the component reports one,
``?value``; a row is a validation result. The patterns come from
:mod:`kg.shacl.components` and :mod:`kg.shacl.sparql_based`; this module finds the
shapes that have targets, writes the pattern of their focus nodes, and walks down to
their property shapes.

Anything outside the compiler's reach raises :class:`Unsupported`; the caller then
leaves the shapes to the reference engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kg.shacl.components import TYPE_OF, ComponentCompiler, value_pattern
from kg.shacl.errors import Unsupported
from kg.shacl.paths import sparql_path
from kg.shacl.sparql_based import SparqlConstraint, read_sparql_constraint

__all__ = ["Check", "compile_shapes"]

# Writes a pattern binding the variable it is given to each focus node of a shape.
Focus = Callable[[str], str]


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a SELECT query over all its focus nodes."""

    shape: Node
    component: URIRef
    query: str
    severity: URIRef
    messages: tuple[Node, ...]
    path: Node | None
    sparql: SparqlConstraint | None = None


def _checks_of(
    compiler: ComponentCompiler, shape: Node, focus: Focus, seen: tuple[Node, ...]
) -> Iterator[Check]:
    """The checks of ``shape`` for the focus nodes ``focus`` binds, and those of its
    property shapes (whose focus nodes are its value nodes)."""
    if shape in seen:
        raise Unsupported(f"recursive shape {shape.n3()}")
    g = compiler.shapes
    severity = g.value(shape, SH.severity)
    severity = severity if isinstance(severity, URIRef) else SH.Violation
    messages = tuple(g.objects(shape, SH.message))
    path = compiler.path(shape)
    # A property shape below a property shape has a focus node for each value node
    # of each of its parent's focus nodes: the parents are kept, as SHACL counts them.
    parents = " ".join(
        f"?kg_parent{depth}"
        for depth in range(1, len(seen) + 1)
        if compiler.path(seen[depth - 1]) is not None
    )
    targets = f"{{ SELECT DISTINCT ?this {parents} WHERE {{ {focus('?this')} }} }}"
    for pattern in compiler.constraints(shape, "?this"):
        renamed = [
            f"({var} AS {alias})"
            for var, alias in ((pattern.value, "?value"), (pattern.path, "?path"))
            if var is not None
        ]
        projected = " ".join(["?this", parents, *renamed, *pattern.distinct])
        query = f"SELECT DISTINCT {projected} WHERE {{ {targets} {pattern.text} }}"
        yield Check(shape, pattern.component, query, severity, messages, path)
    path_text = sparql_path(g, path) if path is not None else None
    for constraint in g.objects(shape, SH.sparql):
        if compiler.deactivated(constraint):
            continue
        sparql = read_sparql_constraint(g, constraint, path_text)
        if sparql.per_focus:  # the focus nodes first, then the query once for each
            query = f"SELECT DISTINCT ?this {parents} WHERE {{ {focus('?this')} }}"
        else:
            query = f"SELECT * WHERE {{ {targets} {{ {sparql.text} }} }}"
        yield Check(shape, SH.SPARQLConstraintComponent, query, severity, messages, path, sparql)
    for child in g.objects(shape, SH.property):
        if compiler.deactivated(child):
            continue
        child_focus = (
            focus
            if path is None
            else partial(_value_focus, focus, g, path, f"?kg_parent{len(seen) + 1}", compiler.fresh)
        )
        yield from _checks_of(compiler, child, child_focus, (*seen, shape))


# -- what a shape is -------------------------------------------------------------


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every constraint of every shape reached from a target, as a :class:`Check`.

    Raises Unsupported (naming what) if any shape needs something not compiled here.
    """
    if (None, SH.target, None) in shapes:
        raise Unsupported("sh:target (SHACL-AF custom targets)")
    if shapes.value(None, RDF.type, SH.ConstraintComponent) is not None:
        raise Unsupported("a constraint component declared in the shapes (SHACL-SPARQL)")
    if any(isinstance(node, Literal) for node in shapes.objects(None, SH.targetNode)):
        # The store would compare a literal focus node in its own form, not as written.
        raise Unsupported("a literal sh:targetNode")
    compiler = ComponentCompiler(shapes)
    checks: list[Check] = []
    for shape in _targeted_shapes(shapes):
        if not compiler.deactivated(shape):
            checks.extend(_checks_of(compiler, shape, partial(_focus_pattern, shapes, shape), ()))
    return checks


def _targeted_shapes(shapes: Graph) -> list[Node]:
    found: set[Node] = set()
    for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found.update(shapes.subjects(target, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        # A shape that is also a class targets that class's instances (implicit target).
        found.update(
            s for s in shapes.subjects(RDF.type, kind) if (s, RDF.type, RDFS.Class) in shapes
        )
    return sorted(found, key=lambda node: (isinstance(node, BNode), str(node)))


def _focus_pattern(shapes: Graph, shape: Node, var: str) -> str:
    """A pattern binding ``var`` to each focus node of ``shape`` (perhaps more than once)."""
    branches = [f"{var} {TYPE_OF} {c.n3()} ." for c in shapes.objects(shape, SH.targetClass)]
    if (shape, RDF.type, RDFS.Class) in shapes:
        branches.append(f"{var} {TYPE_OF} {shape.n3()} .")
    nodes = [node.n3() for node in shapes.objects(shape, SH.targetNode)]
    if nodes:
        branches.append(f"VALUES {var} {{ {' '.join(nodes)} }}")
    branches += [f"{var} {p.n3()} [] ." for p in shapes.objects(shape, SH.targetSubjectsOf)]
    branches += [f"[] {p.n3()} {var} ." for p in shapes.objects(shape, SH.targetObjectsOf)]
    return " UNION ".join(f"{{ {branch} }}" for branch in branches)


def _value_focus(
    focus: Focus, shapes: Graph, path: Node, parent: str, fresh: Callable[[str], str], var: str
) -> str:
    """Bind ``var`` to each value node of each focus node (``parent``) of a property shape."""
    return f"{focus(parent)} {value_pattern(shapes, path, parent, var, fresh('reached'))}"
