"""Run canned and ad hoc SPARQL queries, with parameters bound safely, on either engine.

A query runs on Oxigraph when it is given a ``pyoxigraph.Store`` and on rdflib's engine
when it is given an rdflib ``Graph``; both answer in rdflib terms. Oxigraph is the
toolkit's default (``kg query``, ``kg.run_query``): the benchmark (bench/RESULTS.md)
measured it many times faster, and tests/test_canned_queries.py shows both engines give
every canned query the same rows.

rdflib's SPARQL parser is imported only when it is needed (rdflib's engine, or a query
Oxigraph refuses, to say why in rdflib's clearer words): importing it costs more than a
whole ``kg query`` on Oxigraph.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph
from rdflib import Graph, Literal
from rdflib.term import Node

from kg import resources
from kg.catalogue import Catalogue, Parameter, QueryFile, read_query_file
from kg.engines import to_rdflib
from kg.errors import (
    ParameterError,
    QueryEvaluationError,
    QuerySyntaxError,
    UnsupportedQueryError,
)
from kg.namespaces import INFERRED_GRAPH, KNOWN_PREFIXES
from kg.parameters import bind_values, check_term, parse_value

if TYPE_CHECKING:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "QueryFile",
    "Result",
    "bind_parameters",
    "asserted_dataset_options",
    "bind_query",
    "dataset_options",
    "default_catalogue",
    "get_query",
    "list_queries",
    "load_query_file",
    "prepare",
    "run_query",
]

ParameterValue = str | int | Node
ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"


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
    """An ad hoc query from a file; its header (Question, Parameter...) is optional.

    It is answered over every part of the graph, the generated part inferred included.
    """
    return replace(read_query_file(Path(path), require_question=False), ad_hoc=True)


def prepare(text: str, source: str | Path) -> Query:
    """Parse a SELECT, ASK, CONSTRUCT or DESCRIBE query; refuse updates.

    ``source`` names the text in error messages (``source:line:column``).
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery

    from kg.sparql_guard import QueryRefused, on_deep_stack, parse_query

    if not _without_comments(text).strip():
        # An empty text parses as an empty update; say what is wrong instead.
        raise QuerySyntaxError(source, None, None, "the query is empty")
    try:
        parsed = parse_query(text)
    except QueryRefused as refused:
        raise QuerySyntaxError(source, None, None, str(refused)) from None
    except RecursionError:
        # Past even the deep stack parse_query gives rdflib's parser: valid, but unreadable.
        raise QuerySyntaxError(source, None, None, _NESTS_TOO_DEEPLY) from None
    except ParseException as error:
        if _is_update(text):
            raise UnsupportedQueryError(
                f"{source}: updates are refused; only SELECT, ASK, CONSTRUCT and DESCRIBE run"
            ) from None
        raise QuerySyntaxError(source, error.lineno, error.col, _describe(error)) from None
    try:
        # The algebra is built by recursion too, as deep as the parse tree.
        return on_deep_stack(lambda: translateQuery(parsed, initNs=KNOWN_PREFIXES))
    except RecursionError:
        raise QuerySyntaxError(source, None, None, _NESTS_TOO_DEEPLY) from None
    except Exception as error:  # rdflib raises a bare Exception for an undeclared prefix
        message = (str(error).strip().splitlines() or [type(error).__name__])[0]
        prefix = re.fullmatch(r"Unknown namespace prefix : (.*)", message)
        if prefix:
            message = f"unknown prefix '{prefix.group(1)}:'"
        raise QuerySyntaxError(source, None, None, message) from None


_NESTS_TOO_DEEPLY = "the query nests too deeply for rdflib's SPARQL parser"


def _is_update(text: str) -> bool:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

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
            return check_term(parameter.kind, value, parameter.name)
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
    source: Graph | pyoxigraph.Store,
    query: str | QueryFile,
    params: Mapping[str, ParameterValue] | None = None,
    *,
    directory: Path | str | None = None,
) -> Result:
    """Run a canned query (by name or as a QueryFile) over ``source`` and collect its rows.

    On a ``pyoxigraph.Store`` Oxigraph answers, its default graph the union of the store's
    graphs; on an rdflib ``Graph`` rdflib's engine does. Either way the rows are rdflib terms.
    """
    if isinstance(source, pyoxigraph.Store):
        query_file = query if isinstance(query, QueryFile) else get_query(query, directory)
        text = bind_values(query_file.text, bind_parameters(query_file, params))
        return _run_on_oxigraph(source, query_file, text)
    query_file, text = bind_query(query, params, directory=directory)
    prepared = prepare(text, query_file.path)
    return _evaluate_on_rdflib(source, prepared, query_file)


def _evaluate_on_rdflib(graph: Graph, prepared: Query, query_file: QueryFile) -> Result:
    from rdflib.plugins.sparql.sparql import SPARQLError

    try:
        # rdflib evaluates lazily: the rows are computed while _collect reads them.
        return _collect(graph.query(prepared))
    except RecursionError:
        raise QueryEvaluationError(
            f"{query_file.path}: the query nests too deeply for rdflib's SPARQL engine; "
            "--engine oxigraph may answer it"
        ) from None
    except (SPARQLError, ArithmeticError, AttributeError, KeyError, TypeError, ValueError) as error:
        # rdflib's engine fails on some valid queries that Oxigraph answers, such as
        # GROUP_CONCAT(DISTINCT ?x) over an unbound ?x (NotBoundError).
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise QueryEvaluationError(
            f"{query_file.path}: rdflib's SPARQL engine failed on this query ({reason}); "
            "--engine oxigraph may answer it"
        ) from None


def _run_on_oxigraph(store: pyoxigraph.Store, query_file: QueryFile, text: str) -> Result:
    from kg.sparql_guard import QueryRefused, check_nesting

    try:
        # Oxigraph's parser is recursion: nesting past its stack kills the process.
        check_nesting(text)
    except QueryRefused as refused:
        raise QuerySyntaxError(query_file.path, None, None, str(refused)) from None
    try:
        return _collect_oxigraph(store, query_file, text)
    except SyntaxError as error:
        raise _syntax_error(query_file, error, text) from None
    except (RuntimeError, ValueError) as error:
        # Oxigraph's word for a query it parses but cannot run, such as a call of a
        # function it does not know; raised when the query is planned or its rows read.
        reason = " ".join(str(error).split()) or type(error).__name__
        raise QueryEvaluationError(
            f"{query_file.path}: the query cannot be evaluated: {reason}"
        ) from None


def _collect_oxigraph(store: pyoxigraph.Store, query_file: QueryFile, text: str) -> Result:
    outcome = store.query(text, prefixes=KNOWN_PREFIXES, **dataset_options(store, query_file))
    if isinstance(outcome, pyoxigraph.QueryBoolean):
        answer = bool(outcome)
        return Result("ASK", ("boolean",), ((Literal(answer),),), boolean=answer)
    if isinstance(outcome, pyoxigraph.QuerySolutions):
        columns = tuple(variable.value for variable in outcome.variables)
        rows = tuple(tuple(to_rdflib(solution[name]) for name in columns) for solution in outcome)
        return Result("SELECT", columns, rows)
    triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in outcome]
    form = "DESCRIBE" if _DESCRIBE.search(_without_comments(text)) else "CONSTRUCT"
    return Result(form, ("subject", "predicate", "object"), _sorted_triples(triples))


def dataset_options(store: pyoxigraph.Store, query_file: QueryFile) -> dict[str, Any]:
    """The dataset ``query_file`` is answered over in ``store``: the union of its graphs,
    without the generated part ``inferred`` for a canned query (see QueryFile.ad_hoc)."""
    if query_file.ad_hoc:
        return {"use_default_graph_as_union": True}
    return asserted_dataset_options(store)


def asserted_dataset_options(store: pyoxigraph.Store) -> dict[str, Any]:
    """``store.query`` options for a default graph of every graph but ``inferred``."""
    inferred = pyoxigraph.NamedNode(str(INFERRED_GRAPH))
    if not store.contains_named_graph(inferred):
        return {"use_default_graph_as_union": True}
    graphs: list[pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.DefaultGraph] = [
        graph for graph in store.named_graphs() if graph != inferred
    ]
    graphs.append(pyoxigraph.DefaultGraph())
    return {"default_graph": graphs}


_DESCRIBE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*DESCRIBE\b", re.IGNORECASE)


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def _syntax_error(query_file: QueryFile, error: SyntaxError, text: str) -> Exception:
    """The error to report for the query ``text`` (``query_file`` bound) Oxigraph refused.

    rdflib's parser says what was expected in fewer words, and names updates as such, so
    it reads the file's own text first; only when rdflib accepts what Oxigraph refuses is
    Oxigraph's first line reported, with its position when no binding moved the lines.
    """
    try:
        prepare(query_file.text, query_file.path)
    except (QuerySyntaxError, UnsupportedQueryError) as explained:
        return explained
    message = (error.msg or str(error)).splitlines()[0]
    position = re.match(r"error at (\d+):(\d+): (.*)", message)
    if position is None:
        return QuerySyntaxError(query_file.path, None, None, message)
    line, column = (int(position.group(1)), int(position.group(2)))
    if text != query_file.text:
        line, column = None, None
    return QuerySyntaxError(query_file.path, line, column, position.group(3))


def _collect(outcome: Any) -> Result:
    from rdflib.query import ResultRow

    if outcome.type == "ASK":
        answer = bool(outcome.askAnswer)
        return Result("ASK", ("boolean",), ((Literal(answer),),), boolean=answer)
    if outcome.type in ("CONSTRUCT", "DESCRIBE"):
        built = outcome.graph if outcome.graph is not None else Graph()
        return Result(outcome.type, ("subject", "predicate", "object"), _sorted_triples(built))
    variables = list(outcome.vars or [])
    rows = tuple(
        tuple(row.get(variable) for variable in variables)
        for row in outcome
        if isinstance(row, ResultRow)
    )
    return Result("SELECT", tuple(str(variable) for variable in variables), rows)


def _sorted_triples(triples: Any) -> tuple[tuple[Node | None, ...], ...]:
    # A graph has no order; sorting makes the output stable from run to run.
    return tuple(sorted(triples, key=lambda triple: tuple(t.n3() for t in triple)))
