"""SHACL's pre-binding of variables, evaluated as SHACL defines it.

SHACL defines the evaluation of a query with pre-bound variables μ (``$this``,
``$value``, a component's parameters, ``$currentShape``, ``$shapesGraph``) as the
evaluation of ``Replace(E, μ)``: the query's algebra ``E`` with each basic graph pattern,
property path and ``GRAPH ?var`` joined with ``Table(μ)``, the one solution μ. It also
makes a query that could not mean that ill-formed: ``MINUS``, ``VALUES``, ``SERVICE``,
a potentially pre-bound variable assigned by ``BIND`` or ``AS``, and a subquery that does
not project the pre-bound variables (``$shapesGraph`` and ``$currentShape`` excepted).
:func:`prebound` decides on rdflib's parse tree and raises :class:`PreBindingRefused`,
one line, for those.

**On Oxigraph** the text runs with ``VALUES (?this …) { (<f> …) }`` as the first element
of each of its groups (``{ … }``: the WHERE clause, OPTIONAL, UNION branches, GRAPH,
EXISTS, a subquery's WHERE). That is ``Replace(E, μ)``: a group's algebra starts from
the empty pattern and joins its elements in order, so each group's algebra becomes
``Join(Table(μ), …)`` where ``Replace`` joins ``Table(μ)`` with the group's basic graph
patterns. Under the restrictions above every leaf of the algebra is a basic graph pattern
or path (joined with ``Table(μ)`` in both) or a subquery projecting μ's variables, so every
solution of every part binds μ's variables to μ's values in both algebras, and a join with
``Table(μ)`` (one solution, compatible with all of them) leaves such a part as it is: the
two algebras differ only by such joins. The rewritten text is parsed again and must have
the inserted ``VALUES`` first in every group, as many as the query has groups; a text
that does not check out is not run on Oxigraph.

**On rdflib**, where a value cannot be written in a query (a blank node) or the rewritten
text did not check out: rdflib's engine evaluates ``Replace(E, μ)`` itself, built on the
algebra, over the rdflib graph. A pattern without a zero-length path (``*``, ``?``) is
evaluated with μ's values bound first, which gives the rows of the join; one with such a
path is evaluated free and then joined, as SHACL says (a node outside the graph has no
zero-length path there).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MethodType
from typing import Any

from rdflib import BNode, Graph, Variable
from rdflib.paths import MulPath
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from kg.errors import ValidationSetupError
from kg.sparql_guard import QueryRefused, parse_query

__all__ = [
    "OPTIONAL_PREBOUND",
    "PreBindingRefused",
    "Prebound",
    "check_restrictions",
    "parsed_query",
    "prebound",
    "query_variables",
]

# Potentially pre-bound variables a subquery need not project (SHACL 5.3.1, 6.2).
OPTIONAL_PREBOUND = frozenset({"shapesGraph", "currentShape"})
# Pre-bound wherever the engine knows them, so never assigned by the query itself.
_ALWAYS_PREBOUND = frozenset({"this", "shapesGraph", "currentShape"})
# Stands for each value while the rewritten text is checked.
_PLACEHOLDER = "<urn:siege626:prebound>"


class PreBindingRefused(ValidationSetupError):
    """A query SHACL's pre-binding makes ill-formed, or one this module cannot run as
    SHACL defines it; the message says why, on one line."""


@dataclass(frozen=True)
class Prebound:
    """A query ready to run with the variables ``names`` pre-bound."""

    names: tuple[str, ...]
    text: str  # as written
    pieces: tuple[str, ...] | None  # the text, cut where each VALUES goes; None: not checked

    def text_for(self, values: Mapping[str, Node]) -> str | None:
        """The text with each group joined with ``values``; None if a value cannot be
        written in a query (a blank node) or the rewrite did not check out."""
        if self.pieces is None:
            return None
        written = []
        for name in self.names:
            term = values[name]
            if isinstance(term, BNode):
                return None
            written.append(_written(term))
        return _values_clause(self.names, " ".join(written)).join(self.pieces)

    def evaluate_rdflib(self, graph: Graph, values: Mapping[str, Node]) -> Any:
        """rdflib's answer to ``Replace(E, μ)`` on ``graph``: an rdflib query Result."""
        from rdflib.plugins.sparql.evaluate import evalQuery
        from rdflib.plugins.sparql.processor import SPARQLResult
        from rdflib.plugins.sparql.sparql import Query

        mapping = {Variable(name): values[name] for name in self.names}
        query = _translated(self.text)
        algebra = _replaced(query.algebra, mapping)
        return SPARQLResult(evalQuery(graph, Query(query.prologue, algebra), {}))


def _replaced(node: Any, mapping: dict[Variable, Node]) -> Any:
    """``Replace(node, μ)``, built anew where it differs: the translated query is kept."""
    if isinstance(node, CompValue):
        if node.name == "BGP":
            return _joined(node, mapping)
        parts = {key: _replaced(value, mapping) for key, value in node.items()}
        if any(parts[key] is not value for key, value in node.items()):
            node = _copy(node, parts)
        if node.name == "Graph" and isinstance(dict.get(node, "term"), Variable):
            return _joined(node, mapping)
        return node
    if isinstance(node, list):
        items = [_replaced(item, mapping) for item in node]
        return items if any(a is not b for a, b in zip(items, node, strict=True)) else node
    return node


def _copy(node: CompValue, parts: dict[str, Any]) -> CompValue:
    """``node`` with ``parts``: its class, and what rdflib keeps beside the parts (the
    variables, an expression's function, bound anew to the copy)."""
    copy = type(node).__new__(type(node))
    dict.update(copy, parts)
    copy.__dict__.update(node.__dict__)
    function = node.__dict__.get("_evalfn")
    if isinstance(function, MethodType):
        copy._evalfn = MethodType(function.__func__, copy)
    return copy


def _joined(pattern: CompValue, mapping: dict[Variable, Node]) -> CompValue:
    table = CompValue("ToMultiSet", p=CompValue("values", res=[dict(mapping)]))
    if pattern.name == "BGP" and not any(_zero_length(t[1]) for t in pattern["triples"]):
        # μ bound first: a triple pattern (or a path of one edge or more) matches the same
        # triples with a variable bound as with its value written in.
        join = CompValue("Join", p1=table, p2=pattern, lazy=True)
    else:
        join = CompValue("Join", p1=pattern, p2=table, lazy=False)
    join["_vars"] = set(getattr(pattern, "_vars", set())) | set(mapping)
    return join


def _zero_length(predicate: Any) -> bool:
    """Whether a path can match a zero-length path (``*``, ``?``), at any depth."""
    if isinstance(predicate, MulPath) and predicate.zero:
        return True
    return any(_zero_length(part) for part in getattr(predicate, "args", ()) or ()) or (
        _zero_length(predicate.path) if hasattr(predicate, "path") else False
    )


def _written(term: Node) -> str:
    """A term as N-Triples writes it (an IRI or a literal), which SPARQL reads alike."""
    from kg.engines import to_oxigraph

    return str(to_oxigraph(term))


def _values_clause(names: tuple[str, ...], row: str) -> str:
    variables = " ".join(f"?{name}" for name in names)
    return f" VALUES ({variables}) {{ ({row}) }} "


@lru_cache(maxsize=1024)
def _prebound(text: str, names: tuple[str, ...]) -> Prebound:
    tree = _tree(text)
    check_restrictions(tree, names)
    return Prebound(names, text, _rewritten(text, tree, names))


@lru_cache(maxsize=256)
def _translated(text: str) -> Any:
    from rdflib.plugins.sparql.algebra import translateQuery

    try:
        return translateQuery(_parsed(text))
    except Exception as error:  # rdflib raises bare Exception for an undeclared prefix
        raise PreBindingRefused(f"the query does not translate: {_one_line(error)}") from None


def prebound(text: str, names: Iterable[str]) -> Prebound:
    """``text`` (a canonical query, its prefixes declared in it) made ready to run with
    ``names`` pre-bound; raises PreBindingRefused where SHACL makes it ill-formed."""
    return _prebound(text, tuple(sorted(set(names))))


def parsed_query(text: str) -> Any:
    """The parse tree of ``text`` (kept; never change it), or PreBindingRefused."""
    return _tree(text)


def query_variables(text: str) -> frozenset[str]:
    """The names of the variables ``text`` mentions anywhere (parsed, never matched)."""
    return _variables(text)


@lru_cache(maxsize=1024)
def _variables(text: str) -> frozenset[str]:
    return frozenset(str(node) for node in _nodes(_tree(text)) if isinstance(node, Variable))


@lru_cache(maxsize=1024)
def _tree(text: str) -> Any:
    """The parse tree of ``text``, kept: read here, never changed (translating gets its own)."""
    return _parsed(text)


def _parsed(text: str) -> Any:
    from pyparsing import ParseBaseException

    try:
        return parse_query(text)
    except QueryRefused as refused:
        raise PreBindingRefused(str(refused)) from None
    except (ParseBaseException, ValueError, TypeError) as error:
        raise PreBindingRefused(f"the query does not parse: {_one_line(error)}") from None


# -- the restrictions -----------------------------------------------------------------


_FORBIDDEN = {
    "MinusGraphPattern": "MINUS",
    "ServiceGraphPattern": "SERVICE",
    "InlineData": "VALUES",
    "ValuesClause": "VALUES",
}


def check_restrictions(tree: Any, names: Iterable[str]) -> None:
    """Refuse what SHACL's pre-binding makes ill-formed (one line, naming the cause)."""
    names = set(names)
    potential = _ALWAYS_PREBOUND | names
    required = sorted(names - OPTIONAL_PREBOUND)
    for node in _nodes(tree):
        if not isinstance(node, CompValue):
            continue
        if node.name in _FORBIDDEN:
            raise PreBindingRefused(
                f"{_FORBIDDEN[node.name]} in a query with pre-bound variables "
                "(SHACL forbids it there)"
            )
        assigned = None
        if node.name in {"Bind", "GroupAs"}:
            assigned = dict.get(node, "var")
        elif node.name == "vars":
            assigned = dict.get(node, "evar")
        if assigned is not None and str(assigned) in potential:
            raise PreBindingRefused(
                f"the query assigns the pre-bound variable ${assigned} (BIND or AS), "
                "which SHACL forbids"
            )
        if node.name == "SubSelect":
            projection = dict.get(node, "projection")
            if projection is None:
                raise PreBindingRefused(
                    "a subquery selects *, which SHACL forbids: it must name the pre-bound "
                    f"variables it returns ({', '.join('$' + n for n in required)})"
                )
            named = {str(v["var"]) for v in projection if dict.get(v, "var") is not None}
            missing = [name for name in required if name not in named]
            if missing:
                raise PreBindingRefused(
                    "a subquery does not return the pre-bound variable "
                    f"{', '.join('$' + n for n in missing)}, which SHACL requires"
                )


def _nodes(tree: object) -> Iterator[object]:
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, dict):
            todo.extend(dict.values(node))
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            todo.extend(node)


# -- the rewritten text ---------------------------------------------------------------


def _groups(tree: Any) -> list[CompValue]:
    return [
        n for n in _nodes(tree) if isinstance(n, CompValue) and n.name == "GroupGraphPatternSub"
    ]


def _rewritten(text: str, tree: Any, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """``text`` cut after each opening brace of a group; None if the cut text, with a VALUES
    in each cut, does not parse to every group starting with it (one per group)."""
    openings = list(_group_openings(text))
    pieces, start = [], 0
    for position in openings:
        pieces.append(text[start : position + 1])
        start = position + 1
    pieces.append(text[start:])
    clause = _values_clause(names, " ".join([_PLACEHOLDER] * len(names)))
    try:
        checked = parse_query(clause.join(pieces))
    except Exception:  # noqa: BLE001 - a text that does not parse is not run, whatever the error
        return None
    groups = _groups(checked)
    expected = [Variable(name) for name in names]
    if len(groups) != len(_groups(tree)) or len(groups) != len(openings):
        return None
    for group in groups:
        parts = dict.get(group, "part") or []
        first = parts[0] if parts else None
        if not (isinstance(first, CompValue) and first.name == "InlineData"):
            return None
        if list(dict.get(first, "var") or []) != expected:
            return None
    return tuple(pieces)


def _group_openings(text: str) -> Iterator[int]:
    """The positions of the ``{`` that open a group graph pattern (not ``{ SELECT``).

    Comments, strings and IRIs are skipped as a SPARQL tokenizer skips them; the caller
    checks the result by parsing it, so a misreading is refused, never run.
    """
    from kg.sparql_guard import _IRI, _LONG_STRING, _SHORT_STRING

    position, end = 0, len(text)
    while position < end:
        char = text[position]
        if char == "#":
            line_end = text.find("\n", position)
            position = end if line_end < 0 else line_end
            continue
        if char in "'\"":
            if text.startswith(char * 3, position):
                found = _LONG_STRING[char].match(text, position)
            else:
                found = _SHORT_STRING.match(text, position)
            if found is None:
                return
            position = found.end()
            continue
        if char == "<":
            found = _IRI.match(text, position)
            if found is not None:
                position = found.end()
                continue
        elif char == "\\":
            position += 2
            continue
        elif char == "{":
            rest = text[position + 1 :].lstrip()
            if not rest[:6].upper() == "SELECT":
                yield position
        position += 1


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__

