"""The canned queries: each header, each expected result on two engines, and their coverage.

Every ``queries/NAME.rq`` sits beside ``queries/NAME.csv``, its expected result with the
default parameters in the SPARQL 1.1 CSV results format. The expected file is the reviewed
answer to the question; a difference means the query, the data or the file is wrong.

Each query runs twice over the shipped graph (ontology, alignments, data, links):
on rdflib through ``kg.queries.run_query``, and on pyoxigraph with the same VALUES block
that ``kg`` binds. Identical rows on both engines show that the query is portable SPARQL 1.1.
Through the toolkit (``kg.queries.run_query`` on a Graph and on a Store) both engines must
also print the same bytes in every output format: that is what lets Oxigraph be the default.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from kg.catalogue import QueryFile, read_query_file
from kg.loading import load_files, load_store_parts
from kg.namespaces import KNOWN_PREFIXES
from kg.parameters import bind_values
from kg.queries import bind_parameters, prepare, run_query
from kg.results import FORMATS, format_result, rows_as_csv_records, to_csv

REPO_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = REPO_ROOT / "queries"
QUERY_PATHS = sorted(QUERIES_DIR.glob("*.rq"))
SOURCE_LINES = range(1, 18)
MINIMUM_QUERIES = 26

# The shipped graph: every part, as `kg query` loads it.
GRAPH_FILES = [
    REPO_ROOT / "ontology" / "siege626.ttl",
    REPO_ROOT / "ontology" / "alignments.ttl",
    REPO_ROOT / "data" / "siege626.ttl",
    REPO_ROOT / "data" / "links.ttl",
]

# A property path with * or + right after a prefixed name, an IRI or a bracketed path.
TRANSITIVE_PATH = re.compile(r"(?:\b[A-Za-z][\w.-]*:[\w-]+|<[^<>\s]*>|\))[*+]")
FROM_CLAUSE = re.compile(r"^\s*FROM\b", re.IGNORECASE | re.MULTILINE)
ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)

Row = list[str]
Params = dict[str, str | int]


def _graph_files() -> list[Path]:
    return GRAPH_FILES


def _query_id(path: Path) -> str:
    return path.stem


def _body(query: QueryFile) -> str:
    """The query text without its comment lines (the header and free comments)."""
    return "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))


def _expected(path: Path) -> tuple[Row, list[Row]]:
    with path.with_suffix(".csv").open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    return records[0], records[1:]


def _oxigraph_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, pyoxigraph.NamedNode | pyoxigraph.Literal):
        return term.value
    raise TypeError(f"unexpected term {term!r}")


def _run_on_oxigraph(
    store: pyoxigraph.Store, query: QueryFile, params: Params | None = None
) -> tuple[Row, list[Row]]:
    bound = bind_values(query.text, bind_parameters(query, params))
    solutions = store.query(bound)
    assert isinstance(solutions, pyoxigraph.QuerySolutions), f"{query.name}: not a SELECT"
    columns = [variable.value for variable in solutions.variables]
    rows = [[_oxigraph_value(solution[column]) for column in columns] for solution in solutions]
    return columns, rows


def _run_on_rdflib(
    graph: Graph, query: QueryFile, params: Params | None = None
) -> tuple[Row, list[Row]]:
    result = run_query(graph, query, params)
    return list(result.columns), rows_as_csv_records(result)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_files(_graph_files())


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    oxigraph_store = pyoxigraph.Store()
    for path in _graph_files():
        oxigraph_store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return oxigraph_store


@pytest.fixture(scope="module")
def queries() -> list[QueryFile]:
    return [read_query_file(path) for path in QUERY_PATHS]


def test_there_are_enough_canned_queries() -> None:
    assert len(QUERY_PATHS) >= MINIMUM_QUERIES


def test_every_source_line_is_drawn_on_by_some_query(queries: list[QueryFile]) -> None:
    covered = {line for query in queries for line in query.sentences}
    assert sorted(set(SOURCE_LINES) - covered) == []


@pytest.mark.parametrize("path", QUERY_PATHS, ids=_query_id)
def test_header_states_question_columns_and_sentences(path: Path) -> None:
    query = read_query_file(path)
    assert query.question, "no '# Question:'"
    assert query.columns and all(query.columns), "no '# Columns:' or an empty column name"
    assert query.sentences, "no '# Sentences:'"
    assert set(query.sentences) <= set(SOURCE_LINES), f"lines out of range: {query.sentences}"
    assert path.with_suffix(".csv").is_file(), "no expected result beside the query"


@pytest.mark.parametrize("path", QUERY_PATHS, ids=_query_id)
def test_columns_match_the_select_variables(path: Path) -> None:
    query = read_query_file(path)
    projected = [str(variable) for variable in prepare(query.text, path).algebra["PV"]]
    assert list(query.columns) == projected


@pytest.mark.parametrize("path", QUERY_PATHS, ids=_query_id)
def test_query_text_follows_the_portability_rules(path: Path) -> None:
    query = read_query_file(path)
    body = _body(query)
    assert ORDER_BY.search(body), "no ORDER BY: row order would depend on the engine"
    assert not FROM_CLAUSE.search(body), "FROM ties the query to one store's graph names"
    # Virtuoso refuses a transitive path whose start is not a constant; the queries spell
    # out the one-, two- and three-step alternatives instead.
    assert not TRANSITIVE_PATH.search(body), "transitive property path (* or +)"


@pytest.mark.parametrize("path", QUERY_PATHS, ids=_query_id)
def test_parameters_are_variables_with_defaults_not_written_into_the_body(path: Path) -> None:
    query = read_query_file(path)
    body = _body(query)
    for parameter in query.parameters:
        assert parameter.default is not None, f"parameter '{parameter.name}' has no default"
        assert re.search(rf"\?{parameter.name}\b", body), f"?{parameter.name} is not used"
        if isinstance(parameter.default, URIRef):
            iri = str(parameter.default)
            spellings = [f"<{iri}>"] + [
                f"{prefix}:{iri[len(namespace):]}"
                for prefix, namespace in KNOWN_PREFIXES.items()
                if iri.startswith(namespace)
            ]
            for spelling in spellings:
                assert not re.search(rf"(?<![\w:]){re.escape(spelling)}(?![\w-])", body), (
                    f"the default of '{parameter.name}' is written into the query: {spelling}"
                )


@pytest.mark.parametrize("path", QUERY_PATHS, ids=_query_id)
def test_rdflib_result_equals_expected(path: Path, graph: Graph) -> None:
    query = read_query_file(path)
    header, rows = _expected(path)
    columns, actual = _run_on_rdflib(graph, query)
    assert columns == header
    assert actual == rows


@pytest.mark.parametrize("path", QUERY_PATHS, ids=_query_id)
def test_oxigraph_result_equals_expected(path: Path, store: pyoxigraph.Store) -> None:
    query = read_query_file(path)
    header, rows = _expected(path)
    columns, actual = _run_on_oxigraph(store, query)
    assert columns == header
    assert actual == rows


@pytest.mark.parametrize("line", SOURCE_LINES)
def test_facts_of_each_line_agree_with_the_count_per_line(
    line: int, graph: Graph, store: pyoxigraph.Store
) -> None:
    """facts-stated-by-line, bound to each line, on both engines, against the per-line count."""
    by_line = read_query_file(QUERIES_DIR / "facts-stated-by-line.rq")
    columns, rows = _run_on_rdflib(graph, by_line, {"line": line})
    assert _run_on_oxigraph(store, by_line, {"line": line}) == (columns, rows)
    triple = [columns.index(name) for name in ("subject", "predicate", "object")]
    facts = {tuple(row[index] for index in triple) for row in rows}

    per_line = read_query_file(QUERIES_DIR / "facts-and-quotations-per-line.rq")
    count_columns, counts = _run_on_rdflib(graph, per_line)
    row = next(row for row in counts if row[count_columns.index("line")] == str(line))
    assert facts, f"line {line} states no fact"
    assert len(facts) == int(row[count_columns.index("facts")])


@pytest.fixture(scope="module")
def parts_store() -> pyoxigraph.Store:
    """The shipped parts as `kg query` loads them by default: a named graph each, on Oxigraph."""
    return load_store_parts()


@pytest.mark.parametrize("path", QUERY_PATHS, ids=_query_id)
def test_default_engine_prints_what_rdflib_prints_in_every_format(
    path: Path, graph: Graph, parts_store: pyoxigraph.Store
) -> None:
    """Oxigraph is the default engine because its answers are rdflib's, to the byte.

    Language tags (Oxigraph lower-cases them), datatypes and blank nodes included; the CSV
    is also the reviewed expected file itself.
    """
    query = read_query_file(path)
    on_oxigraph = run_query(parts_store, query)
    on_rdflib = run_query(graph, query)
    for output_format in FORMATS:
        assert format_result(on_oxigraph, output_format) == format_result(
            on_rdflib, output_format
        ), output_format
    assert to_csv(on_oxigraph).encode("utf-8") == path.with_suffix(".csv").read_bytes()
