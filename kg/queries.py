"""Run canned and ad hoc SPARQL queries over a graph, with parameters bound safely."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pyparsing import ParseException
from rdflib import Graph, Literal
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result as SparqlResult
from rdflib.query import ResultRow
from rdflib.term import Node

from kg import resources
from kg.catalogue import Catalogue, Parameter, QueryFile, read_query_file
from kg.errors import ParameterError, QuerySyntaxError, UnsupportedQueryError
from kg.namespaces import KNOWN_PREFIXES
from kg.parameters import bind_values, parse_value

__all__ = [
    "QueryFile",
    "Result",
    "bind_parameters",
    "bind_query",
    "default_catalogue",
    "get_query",
    "list_queries",
    "load_query_file",
    "prepare",
    "run_query",
]

ParameterValue = str | int | Node


@dataclass(frozen=True)
class Result:
    """Column names and rows of rdflib terms (``None`` where a variable is unbound).

    ASK results have one row with the single column ``boolean``; CONSTRUCT and DESCRIBE results
    are the triples of the built graph as columns ``subject``, ``predicate``, ``object``.
    """

    form: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    boolean: bool | None = field(default=None)


def default_catalogue() -> Catalogue:
    return Catalogue(resources.queries_dir())


def _catalogue(directory: Path | str | None) -> Catalogue:
    return default_catalogue() if directory is None else Catalogue(Path(directory))


def list_queries(directory: Path | str | None = None) -> list[QueryFile]:
    """Every canned query, sorted by name (``directory`` defaults to the shipped queries/)."""
    return list(_catalogue(directory))


def get_query(name: str, directory: Path | str | None = None) -> QueryFile:
    """The canned query called ``name``; UnknownQueryError suggests the closest name."""
    return _catalogue(directory).get(name)


def load_query_file(path: Path | str) -> QueryFile:
    """An ad hoc query from a file; its header (Question, Parameter...) is optional."""
    return read_query_file(Path(path), require_question=False)


def prepare(text: str, source: str | Path) -> Query:
    """Parse a SELECT, ASK, CONSTRUCT or DESCRIBE query; refuse updates.

    ``source`` names the text in error messages (``source:line:column``).
    """
    try:
        parsed = parseQuery(text)
    except ParseException as error:
        if _is_update(text):
            raise UnsupportedQueryError(
                f"{source}: updates are refused; only SELECT, ASK, CONSTRUCT and DESCRIBE run"
            ) from None
        raise QuerySyntaxError(source, error.lineno, error.col, _describe(error)) from None
    try:
        return translateQuery(parsed, initNs=KNOWN_PREFIXES)
    except Exception as error:  # rdflib raises a bare Exception for an undeclared prefix
        message = (str(error).strip().splitlines() or [type(error).__name__])[0]
        prefix = re.fullmatch(r"Unknown namespace prefix : (.*)", message)
        if prefix:
            message = f"unknown prefix '{prefix.group(1)}:'"
        raise QuerySyntaxError(source, None, None, message) from None


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseException:
        return False
    return True


def _describe(error: ParseException) -> str:
    # pyparsing's message repeats the position; keep only what was expected and found.
    return re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", str(error))


def bind_parameters(
    query: QueryFile, params: Mapping[str, ParameterValue] | None = None
) -> dict[str, Node]:
    """The term for each declared parameter: the given value, else its default.

    Unknown names and missing values without a default raise ParameterError.
    """
    given = dict(params or {})
    declared = {parameter.name: parameter for parameter in query.parameters}
    for name in given:
        if name not in declared:
            accepted = ", ".join(declared) if declared else "none"
            raise ParameterError(
                f"unknown parameter '{name}' for query '{query.name}' (parameters: {accepted})"
            )
    return {name: _term(parameter, given, query) for name, parameter in declared.items()}


def _term(parameter: Parameter, given: Mapping[str, ParameterValue], query: QueryFile) -> Node:
    if parameter.name in given:
        value = given[parameter.name]
        if isinstance(value, Node):
            return value
        return parse_value(parameter.kind, str(value), parameter.name)
    if parameter.default is None:
        raise ParameterError(
            f"missing parameter '{parameter.name}' ({parameter.kind}) for query "
            f"'{query.name}': {parameter.description or 'no default'}"
        )
    return parameter.default


def bind_query(
    query: str | QueryFile,
    params: Mapping[str, ParameterValue] | None = None,
    *,
    directory: Path | str | None = None,
) -> tuple[QueryFile, str]:
    """The query file (canned by name, or given) and its text with the parameters bound.

    The text is syntax-checked before binding, so errors point at the file's own lines.
    """
    query_file = query if isinstance(query, QueryFile) else get_query(query, directory)
    prepare(query_file.text, query_file.path)
    return query_file, bind_values(query_file.text, bind_parameters(query_file, params))


def run_query(
    graph: Graph,
    query: str | QueryFile,
    params: Mapping[str, ParameterValue] | None = None,
    *,
    directory: Path | str | None = None,
) -> Result:
    """Run a canned query (by name or as a QueryFile) over ``graph`` and collect its rows."""
    query_file, text = bind_query(query, params, directory=directory)
    return _collect(graph.query(prepare(text, query_file.path)))


def _collect(outcome: SparqlResult) -> Result:
    if outcome.type == "ASK":
        answer = bool(outcome.askAnswer)
        return Result("ASK", ("boolean",), ((Literal(answer),),), boolean=answer)
    if outcome.type in ("CONSTRUCT", "DESCRIBE"):
        built = outcome.graph if outcome.graph is not None else Graph()
        # A graph has no order; sorting makes the output stable from run to run.
        triples = tuple(sorted(built, key=lambda triple: tuple(t.n3() for t in triple)))
        return Result(outcome.type, ("subject", "predicate", "object"), triples)
    variables = list(outcome.vars or [])
    rows = tuple(
        tuple(row.get(variable) for variable in variables)
        for row in outcome
        if isinstance(row, ResultRow)
    )
    return Result("SELECT", tuple(str(variable) for variable in variables), rows)
