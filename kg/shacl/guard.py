"""Validation never reaches the network: the SPARQL texts of a shapes graph, checked first.

A shapes graph carries SPARQL in constraints, validators, targets, rules and functions
(``sh:select``, ``sh:ask``, ``sh:construct``, and ``sh:update`` where an engine reads
one). Both engines run those texts, and a ``SERVICE`` in any of them would send the data
to another host. :func:`guard_shapes` decides on each text with the server's own guard
(:mod:`kg.sparql_guard`) and puts the canonical text, the one it decided on, in the
shapes graph in its place, so the engines run exactly that. The prefix declarations an
engine writes before a text (``sh:prefixes``) must be a prefix name and an IRI, so that
no declaration can carry a query of its own.
"""

from __future__ import annotations

import pyoxigraph
from pyparsing import ParseBaseException
from rdflib import BNode, Graph, Literal
from rdflib.namespace import SH
from rdflib.plugins.sparql import parser as sparql_grammar
from rdflib.term import Node

from kg.errors import ValidationSetupError
from kg.sparql_guard import QueryRefused, canonical_text, checked_query

__all__ = ["SPARQL_TEXTS", "guard_shapes", "shape_of"]

SPARQL_TEXTS = (SH.select, SH.ask, SH.construct, SH.update)


def guard_shapes(shapes: Graph) -> None:
    """Refuse (ValidationSetupError, naming the shape) a SPARQL text of ``shapes`` that
    calls another endpoint, nests too deeply or does not parse; make the others canonical."""
    for declaration in shapes.subjects(SH.namespace, None):
        _check_declaration(shapes, declaration)
    for predicate in SPARQL_TEXTS:
        for holder, text in list(shapes.subject_objects(predicate)):
            where = f"{shape_of(shapes, holder)} ({_local(predicate)})"
            try:
                if not isinstance(text, Literal):
                    raise QueryRefused("the query is not a literal")
                canonical = checked_query(str(text), update=predicate == SH.update)
            except QueryRefused as refused:
                raise ValidationSetupError(f"shapes: {where}: {refused}") from None
            if canonical != str(text):
                shapes.remove((holder, predicate, text))
                shapes.add(
                    (
                        holder,
                        predicate,
                        Literal(canonical, lang=text.language, datatype=text.datatype),
                    )
                )


def _check_declaration(shapes: Graph, declaration: Node) -> None:
    prefix = shapes.value(declaration, SH.prefix)
    namespace = shapes.value(declaration, SH.namespace)
    try:
        sparql_grammar.PN_PREFIX.parse_string(canonical_text(str(prefix)), parse_all=True)
        pyoxigraph.NamedNode(canonical_text(str(namespace)))
    except (ParseBaseException, ValueError, QueryRefused):
        raise ValidationSetupError(
            f"shapes: {shape_of(shapes, declaration)}: the declaration of prefix {prefix!s:.40} "
            f"as {namespace!s:.60} is not a prefix name and an IRI"
        ) from None


def shape_of(shapes: Graph, node: Node) -> str:
    """The nearest named node above ``node`` (the shape, the rule, the constraint)."""
    seen = {node}
    while isinstance(node, BNode):
        parent = next((s for s in shapes.subjects(None, node) if s not in seen), None)
        if parent is None:
            break
        seen.add(parent)
        node = parent
    return node.n3(shapes.namespace_manager)


def _local(predicate: Node) -> str:
    return "sh:" + str(predicate).rsplit("#", 1)[-1]
