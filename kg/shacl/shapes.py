"""The shapes graph as SHACL reads it: literals as written, prefixes declared, ill-formed refused.

:func:`read_shapes` parses with Oxigraph and keeps each literal in its written form:
rdflib's parser would turn ``"1"^^xsd:boolean`` into ``true``, and SHACL activates
``sh:uniqueLang`` for the literal ``true`` only. :func:`prepare_shapes` runs before either
engine and leaves in the shapes graph what both then read alike:

- the server's guard on every SPARQL text (:mod:`kg.shacl.guard`);
- the prefixes of a SPARQL text as SHACL 5.2.1 defines them, the ``sh:declare`` of
  ``sh:prefixes/owl:imports*``: those reached through ``owl:imports`` are declared on the
  ``sh:prefixes`` node itself, where both engines look. A declaration without exactly one
  ``sh:prefix`` and one ``sh:namespace``, one prefix declared with two namespaces, or a
  prefix the query uses and nobody declares, refuses the shapes;
- the restrictions of SHACL 5.3.1 on the queries of constraints and validators: no
  ``MINUS``, ``VALUES`` or ``SERVICE``, no ``AS`` of a pre-bound variable, subqueries that
  return ``$this``. The suite's ``sht:Failure`` tests are such shapes;
- ``sh:uniqueLang`` only where it is the literal ``true``: pyshacl would read any true
  boolean (``"1"``) as on.

Every refusal is a ValidationSetupError naming the shape: one line, exit status 2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import OWL, RDF, SH, XSD
from rdflib.term import Node

from kg.engines import bcp47_case, read_turtle
from kg.errors import ParseError, ValidationSetupError
from kg.loading import new_graph
from kg.shacl.guard import guard_shapes, shape_of
from kg.shacl.prebinding import (
    PreBindingRefused,
    check_restrictions,
    parsed_query,
    query_variables,
)

__all__ = ["prepare_shapes", "read_shapes"]


def read_shapes(paths: Iterable[Path | str]) -> Graph:
    """The shapes files in one graph, each literal as written, the files' prefixes bound.

    Raises ParseError (with line and column) or InputFileError.
    """
    graph = new_graph()
    for path in paths:
        try:
            graph.addN(
                (*(_as_written(term) for term in triple), graph) for triple in read_turtle(path)
            )
        except ValueError as error:
            # A value Python will not make, such as an integer of more digits than it
            # converts (sys.get_int_max_str_digits): no engine could compare with it.
            reason = str(error).split(";")[0]
            raise ParseError(path, None, None, f"rdflib cannot read a value ({reason})") from None
        # The file's prefixes name the shapes in the report; a second pass of the parser,
        # which read_turtle has just found without error, costs little beside the first.
        parser = pyoxigraph.parse(
            path=str(path),
            format=pyoxigraph.RdfFormat.TURTLE,
            base_iri=Path(path).resolve().as_uri(),
        )
        for _ in parser:
            pass
        for prefix, namespace in parser.prefixes.items():
            graph.bind(prefix, namespace, override=False)
    return graph


def _as_written(term: Any) -> Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=bcp47_case(term.language))
    datatype = term.datatype.value
    if datatype in (str(XSD.string), str(RDF.langString)):
        return Literal(term.value)
    if datatype in _INTEGER_TYPES:
        digits = term.value.lstrip("+-")
        if digits.isascii() and digits.isdigit():
            int(term.value)  # ValueError past Python's limit of digits, said by the caller
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


# XML Schema's integer and the types derived from it, whose values rdflib makes with int().
_INTEGER_TYPES = frozenset(
    str(XSD[name])
    for name in (
        "integer", "long", "int", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte",
    )
)


def prepare_shapes(shapes: Graph) -> None:
    """Check ``shapes`` and put them in the form both engines read alike (see the module)."""
    guard_shapes(shapes)
    _declare_imported_prefixes(shapes)
    for holder, text in _sparql_texts(shapes):
        prefixes = _declared(shapes, holder)
        _check_prefixes_used(shapes, holder, text, prefixes)
        _check_restrictions(shapes, holder, text, prefixes, _pre_bound(shapes, holder))
    for shape, flag in list(shapes.subject_objects(SH.uniqueLang)):
        if not (isinstance(flag, Literal) and flag.datatype == XSD.boolean and str(flag) == "true"):
            shapes.remove((shape, SH.uniqueLang, flag))


# -- prefixes (SHACL 5.2.1) -----------------------------------------------------------------


def _declare_imported_prefixes(shapes: Graph) -> None:
    """Each sh:prefixes node declares what it and the ontologies it imports declare."""
    for prefixes_node in set(shapes.objects(None, SH.prefixes)):
        reached = _imports_closure(shapes, prefixes_node)
        declarations = {d for node in reached for d in shapes.objects(node, SH.declare)}
        seen: dict[str, str] = {}
        for declaration in declarations:
            prefix, namespace = _declaration(shapes, declaration)
            if seen.get(prefix, namespace) != namespace:
                raise ValidationSetupError(
                    f"shapes: {shape_of(shapes, prefixes_node)}: prefix {prefix!r} is declared "
                    f"with two namespaces, {seen[prefix]} and {namespace}"
                )
            seen[prefix] = namespace
        for declaration in declarations:
            shapes.add((prefixes_node, SH.declare, declaration))


def _imports_closure(shapes: Graph, start: Node) -> set[Node]:
    reached, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in reached:
            reached.add(node)
            todo.extend(shapes.objects(node, OWL.imports))
    return reached


def _declaration(shapes: Graph, declaration: Node) -> tuple[str, str]:
    prefixes = list(shapes.objects(declaration, SH.prefix))
    namespaces = list(shapes.objects(declaration, SH.namespace))
    if len(prefixes) != 1 or len(namespaces) != 1:
        raise ValidationSetupError(
            f"shapes: {shape_of(shapes, declaration)}: a prefix declaration (sh:declare) needs "
            f"exactly one sh:prefix and one sh:namespace; it has {len(prefixes)} and "
            f"{len(namespaces)}"
        )
    return str(prefixes[0]), str(namespaces[0])


def _declared(shapes: Graph, holder: Node) -> dict[str, str]:
    found: dict[str, str] = {}
    for prefixes_node in shapes.objects(holder, SH.prefixes):
        for declaration in shapes.objects(prefixes_node, SH.declare):
            prefix, namespace = _declaration(shapes, declaration)
            found[prefix] = namespace
    return found


_EMPTY_STORE = pyoxigraph.Store()


def _check_prefixes_used(shapes: Graph, holder: Node, text: str, prefixes: dict[str, str]) -> None:
    """Refuse a query that uses a prefix its sh:prefixes do not declare.

    Oxigraph parses the query with those prefixes only (on an empty store, where it
    answers at once), as both engines later do.
    """
    try:
        _EMPTY_STORE.query(text, prefixes=prefixes)
    except SyntaxError as error:
        message = str(error)
        if "Prefix not found" not in message:
            return  # not this check's business: the engines say what else is wrong
        name = _undeclared_prefix(text, prefixes)
        declared = ", ".join(f"{p}:" for p in sorted(prefixes)) or "none"
        raise ValidationSetupError(
            f"shapes: {shape_of(shapes, holder)}: the query uses the prefix {name} that its "
            f"sh:prefixes do not declare (declared: {declared})"
        ) from None
    except (RuntimeError, ValueError, TypeError):
        return  # it parses; evaluation is the engines' business


def _undeclared_prefix(text: str, prefixes: dict[str, str]) -> str:
    """The first prefix name the query uses that is not declared, as far as a scan tells."""
    bare = _IRIS_AND_STRINGS.sub(" ", text)
    for found in _PREFIXED_NAME.finditer(bare):
        if found.group(1) not in prefixes:
            return f"{found.group(1)}:"
    return "a prefix"


_IRIS_AND_STRINGS = re.compile(r'<[^<>\s]*>|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|#[^\n]*')
_PREFIXED_NAME = re.compile(r"(?<![\w?$:])([A-Za-z][\w.-]*)?:(?=[\w%\\])")


# -- restrictions on pre-bound queries (SHACL 5.3.1) ----------------------------------------

_VALIDATORS = (SH.validator, SH.nodeValidator, SH.propertyValidator)


def _sparql_texts(shapes: Graph) -> Iterator[tuple[Node, str]]:
    """The query of each SPARQL constraint and validator, and its holder."""
    holders = set(shapes.objects(None, SH.sparql))
    for predicate in _VALIDATORS:
        holders.update(shapes.objects(None, predicate))
    for holder in sorted(holders, key=str):
        for predicate in (SH.select, SH.ask):
            for text in shapes.objects(holder, predicate):
                yield holder, str(text)


def _pre_bound(shapes: Graph, holder: Node) -> set[Variable]:
    """The variables SHACL may pre-bind in the query of ``holder``."""
    names = {"this", "shapesGraph", "currentShape"}
    components = {c for p in _VALIDATORS for c in shapes.subjects(p, holder)}
    if components:
        names.add("value")
        for component in components:
            for parameter in shapes.objects(component, SH.parameter):
                path = shapes.value(parameter, SH.path)
                if isinstance(path, URIRef):
                    names.add(re.split(r"[#/:]", str(path))[-1])
    return {Variable(name) for name in names}


def _check_restrictions(
    shapes: Graph, holder: Node, text: str, prefixes: dict[str, str], pre_bound: set[Variable]
) -> None:
    """Refuse, naming the shape, a query that SHACL's pre-binding makes ill-formed: the rules
    are kg.shacl.prebinding's, which the engines apply when they run the query."""
    declared = "".join(f"PREFIX {name}: <{namespace}>\n" for name, namespace in prefixes.items())
    full_text = declared + text
    try:
        mentioned = query_variables(full_text)
        names = {"this"} | {str(v) for v in pre_bound if str(v) in mentioned}
        check_restrictions(parsed_query(full_text), names)
    except PreBindingRefused as refused:
        raise ValidationSetupError(f"shapes: {shape_of(shapes, holder)}: {refused}") from None
