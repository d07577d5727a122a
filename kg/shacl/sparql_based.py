"""SHACL-SPARQL constraints run once over all focus nodes, not once per node.

SHACL pre-binds ``$this`` to each focus node. Evaluating the query once with ``$this``
free and joining the rows with the focus nodes gives the same rows whenever ``$this`` is
bound, before it is used, by the query's own triple patterns: every FILTER, BIND and
OPTIONAL that mentions it then sees the same value either way. :func:`read_sparql_constraint`
checks that on the query's algebra; any other constraint (``$this`` bound late, an
aggregate, a subquery, LIMIT, GRAPH, ``$currentShape``, its own PREFIX lines) runs once per
focus node, pre-bound as SHACL defines (:mod:`kg.shacl.prebinding`). A query SHACL makes
ill-formed (MINUS, VALUES, SERVICE, a pre-bound variable assigned) is refused, and one
reading ``$shapesGraph`` is left to the reference engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, Variable
from rdflib.namespace import SH
from rdflib.term import Node

from kg.shacl.errors import Unsupported
from kg.shacl.prebinding import PreBindingRefused, check_restrictions

__all__ = ["SparqlConstraint", "format_message", "read_sparql_constraint"]

THIS = Variable("this")
CURRENT_SHAPE = Variable("currentShape")
# Algebra nodes whose rows under a free ``$this`` may differ from those under pre-binding.
_REFUSED = {
    "Minus",
    "ToMultiSet",
    "Group",
    "AggregateJoin",
    "ServiceGraphPattern",
    "values",
    "Slice",
    "OrderBy",
    "SelectQuery",
    "Graph",
}


@dataclass(frozen=True)
class SparqlConstraint:
    """A ``sh:sparql`` constraint of a shape, with its query ready to run."""

    node: Node
    text: str  # the query as written ($PATH written out), without its prefixes
    prefixes: dict[str, str]
    messages: tuple[Node, ...]
    variables: tuple[str, ...]  # what it projects
    # Run once per focus node, pre-bound as SHACL defines (kg.shacl.prebinding): for a
    # query that declares its own prefixes, binds ``$this`` late or reads ``$currentShape``,
    # where one run over all nodes would differ.
    per_focus: bool = False
    prebound: tuple[str, ...] = ("this",)  # the variables pre-bound when run per focus node

    @property
    def full_text(self) -> str:
        """The query with its declared prefixes, as it is parsed and run per focus node."""
        declared = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in self.prefixes.items())
        return declared + self.text


def read_sparql_constraint(
    shapes: Graph, constraint: Node, path_text: str | None
) -> SparqlConstraint:
    """Read a SPARQL constraint; raise Unsupported if it cannot run set at a time."""
    select = shapes.value(constraint, SH.select)
    if not isinstance(select, Literal):
        raise Unsupported(f"{constraint.n3()} has no sh:select")
    text = str(select)
    if "$PATH" in text:
        if path_text is None:
            raise Unsupported("$PATH in a node shape's SPARQL constraint")
        text = text.replace("$PATH", path_text)
    prefixes = _prefixes(shapes, constraint)
    declared = "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in prefixes.items())
    query, own_prologue = _algebra(declared + text, len(prefixes), constraint)
    variables = tuple(str(v) for v in query.algebra.get("PV", ()))
    if "this" not in variables:
        raise Unsupported(f"{constraint.n3()} does not select $this")
    if Variable("shapesGraph") in _variables_of(query.algebra):
        raise Unsupported(f"$shapesGraph in {constraint.n3()}")
    mentioned = _variables_of(query.algebra)
    prebound_names = ("currentShape", "this") if CURRENT_SHAPE in mentioned else ("this",)
    try:
        if len(prebound_names) > 1:
            raise _LateBinding(f"$currentShape in {constraint.n3()}")
        _check_pre_binding(query.algebra["p"])
        if THIS not in _certain(query.algebra["p"]):
            raise _LateBinding(f"$this is not bound by the patterns of {constraint.n3()}")
        # A query with its own PREFIX or BASE cannot be nested in another as a subquery.
        per_focus = own_prologue
    except _LateBinding:
        per_focus = True
    return SparqlConstraint(
        node=constraint,
        text=text,
        prefixes=prefixes,
        messages=tuple(shapes.objects(constraint, SH.message)),
        variables=variables,
        per_focus=per_focus,
        prebound=prebound_names,
    )


def format_message(message: Node, row: Mapping[str, Node]) -> Literal:
    """``{?name}`` and ``{$name}`` replaced by the row's values, as pyshacl does."""
    text = str(message)
    for name, value in row.items():
        text = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _, shown=str(value): shown, text)
    return Literal(text)


def _prefixes(shapes: Graph, constraint: Node) -> dict[str, str]:
    found: dict[str, str] = {}
    for ontology in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                found[str(prefix)] = str(namespace)
    return found


def _algebra(text: str, declared: int, constraint: Node) -> tuple[Any, bool]:
    """The query's algebra, and whether it declares prefixes or a base of its own.

    ``declared`` is how many PREFIX lines were put before it. The text is parsed once:
    parsing is most of the cost of compiling a shapes graph.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except (ParseException, Exception) as error:  # rdflib raises bare Exception for a prefix
        raise Unsupported(f"a query the parser refuses: {error}") from None
    try:
        # SHACL's restrictions on a query with pre-bound variables, on its parse tree.
        check_restrictions(parsed, ("this",))
    except PreBindingRefused as refused:
        raise PreBindingRefused(f"shapes: {constraint.n3()}: {refused}") from None
    try:
        return translateQuery(parsed), len(parsed[0]) > declared
    except (ParseException, Exception) as error:  # rdflib raises bare Exception for a prefix
        raise Unsupported(f"a query the parser refuses: {error}") from None


class _LateBinding(Unsupported):
    """``$this`` used where a free variable would not give the pre-bound rows."""


def _variables_of(node: Any) -> set[Variable]:
    found: set[Variable] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Variable):
            found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return found


def _name(node: Any) -> str | None:
    return getattr(node, "name", None)


def _certain(node: Any) -> set[Variable]:
    """The variables bound in every solution of the algebra pattern ``node``."""
    name = _name(node)
    if name == "BGP":
        return {term for triple in node["triples"] for term in triple if isinstance(term, Variable)}
    if name == "Join":
        return _certain(node["p1"]) | _certain(node["p2"])
    if name == "LeftJoin":
        return _certain(node["p1"])
    if name == "Union":
        return _certain(node["p1"]) & _certain(node["p2"])
    if name in {"Filter", "Extend", "Project", "Distinct", "Reduced"}:
        return _certain(node["p"])
    return set()


def _check_pre_binding(node: Any) -> None:
    """Raise Unsupported where a free ``$this`` could give rows pre-binding would not."""
    name = _name(node)
    if name in _REFUSED:
        raise _LateBinding(f"{name} in a SPARQL constraint")
    if name == "BGP":
        return
    if name in {"Join", "Union"}:
        _check_pre_binding(node["p1"])
        _check_pre_binding(node["p2"])
        return
    if name == "LeftJoin":
        _check_pre_binding(node["p1"])
        _check_pre_binding(node["p2"])
        mentioned = THIS in _variables_of(node["p2"]) or THIS in _variables_of(node.get("expr"))
        if mentioned and THIS not in _certain(node["p1"]):
            raise _LateBinding("$this used in an OPTIONAL before it is bound")
        return
    if name in {"Filter", "Extend"}:
        _check_pre_binding(node["p"])
        if name == "Extend" and node["var"] == THIS:
            raise Unsupported("$this assigned by BIND")
        if THIS in _variables_of(node["expr"]) and THIS not in _certain(node["p"]):
            raise _LateBinding(f"$this used in a {name} before it is bound")
        return
    if name in {"Project", "Distinct", "Reduced"}:
        _check_pre_binding(node["p"])
        return
    raise _LateBinding(f"{name} in a SPARQL constraint")
