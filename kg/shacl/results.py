"""One SHACL validation result, as every engine of the toolkit gives it."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

__all__ = ["ShaclResult"]


@dataclass(frozen=True)
class ShaclResult:
    """A ``sh:ValidationResult``, engine-neutral.

    Terms of the data are rdflib terms; ``shape`` and a blank-node ``path`` are nodes of
    the shapes graph the engine was given, so results of two engines given the same
    shapes Graph compare equal. ``path`` is the shape's own path node where the result's
    path is the shape's, or the IRI a SPARQL constraint bound to ``?path``.
    """

    focus: Node
    path: Node | None
    value: Node | None
    shape: Node
    component: URIRef
    severity: URIRef
    messages: frozenset[Node]
    constraint: Node | None = None  # sh:sourceConstraint (SHACL-SPARQL constraints)
