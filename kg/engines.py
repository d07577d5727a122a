"""Faster engines behind rdflib's API: Oxigraph parses and answers, rdflib terms come out.

rdflib stays the API users see. The jobs that bench/ measured to be dominated by
rdflib's parser or query engine rather than by the work itself get help here:

* Turtle is parsed by Oxigraph (:func:`read_turtle`, :func:`load_store`), several times
  faster than rdflib's parser and with exact error positions.
* pyshacl hands the data graph the text of each SHACL-SPARQL constraint once per focus
  node, with ``$this`` pre-bound. :class:`OxigraphBackedGraph` answers those queries on
  an Oxigraph mirror of itself (pre-bound as SHACL defines: :mod:`kg.shacl.prebinding`),
  where rdflib's engine scanned a whole predicate per focus node and grew with the
  square of the graph.
* The quality checks and the canned queries run on an embedded Oxigraph store
  (:func:`select`, :func:`evaluate`); their tests compare both engines row for row.
* :class:`PreparedQueryGraph` parses each distinct query text once, for rdflib's engine.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.query import Result
from rdflib.term import Node, Variable

from kg.errors import InputFileError, ParseError

__all__ = [
    "SHAPES_GRAPH",
    "OxigraphBackedGraph",
    "PreparedQueryGraph",
    "bcp47_case",
    "evaluate",
    "load_store",
    "oxigraph_store",
    "read_turtle",
    "select",
    "to_oxigraph",
    "to_rdflib",
]


# The name of the shapes graph in a store SHACL-SPARQL queries run on ($shapesGraph).
SHAPES_GRAPH = URIRef("urn:siege626:shapes-graph")
_SHAPES_NODE = pyoxigraph.NamedNode(str(SHAPES_GRAPH))


@lru_cache(maxsize=1024)
def _prepared(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery  # slow to import; only rdflib's engine needs it

    return prepareQuery(text)


class PreparedQueryGraph(Graph):
    """An rdflib Graph that parses each distinct query text once and reuses the plan."""

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(query_object, str) and not kwargs.get("initNs"):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


def oxigraph_store(parts: Mapping[URIRef, Graph]) -> pyoxigraph.Store:
    """An in-memory Oxigraph store with each graph of ``parts`` in its named graph.

    Query it with :func:`select`, whose default graph is the union of the named graphs.
    """
    store = pyoxigraph.Store()
    for name, graph in parts.items():
        store.load(
            graph.serialize(format="nt", encoding="utf-8"),
            format=pyoxigraph.RdfFormat.N_TRIPLES,
            to_graph=pyoxigraph.NamedNode(str(name)),
        )
    return store


def to_rdflib(term: Any) -> Node | None:
    """The rdflib term for a pyoxigraph term (plain literals stay without a datatype)."""
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return Literal(term.value, lang=bcp47_case(term.language))
        datatype = term.datatype.value
        if datatype in (str(XSD.string), str(RDF.langString)):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unexpected term from Oxigraph: {term!r}")


def bcp47_case(tag: str) -> str:
    """A language tag in the case BCP 47 recommends (``pal-latn`` → ``pal-Latn``).

    Oxigraph lower-cases language tags (they are case-insensitive in RDF); this gives them
    back the conventional form the data writes, so both engines print the same tags.
    """
    subtags = tag.split("-")
    cased = [subtags[0].lower()]
    for subtag in subtags[1:]:
        if len(cased[-1]) == 1:  # after a singleton (x-, u-…) everything stays lower case
            cased += [s.lower() for s in subtags[len(cased):]]
            break
        if len(subtag) == 4 and subtag.isalpha():
            cased.append(subtag.title())
        elif len(subtag) == 2 and subtag.isalpha():
            cased.append(subtag.upper())
        else:
            cased.append(subtag.lower())
    return "-".join(cased)


def select(
    store: pyoxigraph.Store, text: str
) -> tuple[tuple[str, ...], list[tuple[Node | None, ...]]]:
    """Run a SELECT query on ``store`` (default graph: the union of its named graphs).

    Returns the variable names and rows of rdflib terms.
    """
    solutions = store.query(text, use_default_graph_as_union=True)
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise TypeError("quality checks must be SELECT queries")
    columns = tuple(variable.value for variable in solutions.variables)
    rows = [tuple(to_rdflib(solution[name]) for name in columns) for solution in solutions]
    return columns, rows


def to_oxigraph(term: Node) -> Any:
    """The pyoxigraph term for an rdflib term (a plain literal becomes an xsd:string one)."""
    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"cannot give Oxigraph the term {term!r}")


def _position_free(error: SyntaxError) -> str:
    # pyoxigraph prefixes the message with the position, which we print in our own form.
    message = error.msg or str(error)
    _, separator, rest = message.partition(": ")
    return rest if separator else message


def _existing_file(path: Path | str) -> Path:
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file" if not path.exists() else "not a file")
    return path


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Oxigraph's errors while it reads ``path`` as the toolkit's one-line errors."""
    try:
        yield
    except SyntaxError as error:
        raise ParseError(path, error.lineno, error.offset, _position_free(error)) from None
    except UnicodeDecodeError as error:
        raise InputFileError(path, f"not UTF-8 ({error.reason})") from None
    except (OSError, ValueError) as error:
        raise InputFileError(path, str(error)) from None


def read_turtle(path: Path | str) -> Iterator[pyoxigraph.Triple]:
    """The triples of a Turtle file, parsed by Oxigraph.

    Blank-node labels get a suffix of their own for each call, so two files (or two
    reads) never share a blank node. Raises ParseError with the line and column of the
    first error, or InputFileError.
    """
    path = _existing_file(path)
    suffix = uuid.uuid4().hex[:12]
    renamed: dict[str, pyoxigraph.BlankNode] = {}

    def fresh(node: Any) -> Any:
        if isinstance(node, pyoxigraph.BlankNode):
            found = renamed.get(node.value)
            if found is None:
                found = renamed[node.value] = pyoxigraph.BlankNode(f"{node.value}x{suffix}")
            return found
        return node

    parser = pyoxigraph.parse(
        path=str(path), format=pyoxigraph.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()
    )
    with _reading(path):
        for quad in parser:
            subject, obj = quad.subject, quad.object
            if isinstance(subject, pyoxigraph.BlankNode) or isinstance(obj, pyoxigraph.BlankNode):
                yield pyoxigraph.Triple(fresh(subject), quad.predicate, fresh(obj))
            else:
                yield quad.triple


def load_store(
    paths: Iterable[Path | str],
    store: pyoxigraph.Store | None = None,
    graph: URIRef | None = None,
) -> pyoxigraph.Store:
    """Parse Turtle files into ``store`` (a new in-memory one by default).

    The triples go to the named graph ``graph``, or to the default graph. Oxigraph loads
    each file in one transaction (a malformed file adds nothing) and gives its blank
    nodes labels of their own, so two files never share one. Raises ParseError with the
    line and column of the first error, or InputFileError.
    """
    target = store if store is not None else pyoxigraph.Store()
    name = pyoxigraph.NamedNode(str(graph)) if graph is not None else pyoxigraph.DefaultGraph()
    for raw_path in paths:
        path = _existing_file(raw_path)
        with _reading(path):
            target.load(
                path=str(path),
                format=pyoxigraph.RdfFormat.TURTLE,
                base_iri=path.resolve().as_uri(),
                to_graph=name,
            )
    return target


class OxigraphBackedGraph(Graph):
    """An rdflib Graph with an Oxigraph store beside it that holds the same triples.

    :meth:`load` parses each file once and adds its triples to both, the store's copy in
    a named graph. String queries run on the store (default graph: the union of its
    graphs), with ``initBindings`` pre-bound as SHACL defines (:mod:`kg.shacl.prebinding`;
    ``$shapesGraph`` names the shapes graph set in :attr:`shapes`); anything else goes to
    rdflib. The rdflib side keeps every literal as written (the store keeps numbers in
    canonical form: "01"^^xsd:integer as 1, xsd:int as xsd:integer).
    """

    # Triples parsed are added to both sides this many at a time, so that a large file is
    # never held a third time as a list of parsed triples.
    BATCH = 50_000

    def __init__(self) -> None:
        super().__init__()
        self.oxigraph = pyoxigraph.Store()
        # The shapes graph a validation reads, named SHAPES_GRAPH to queries that ask
        # for $shapesGraph (SHACL-SPARQL), and the store that holds it beside the data.
        self.shapes: Graph | None = None
        self._shapes_store: tuple[pyoxigraph.Store, list[Any]] | None = None

    def load(self, paths: Iterable[Path | str], graph: URIRef) -> None:
        """Parse Turtle files into this graph and into the store's named graph ``graph``.

        A file that fails to parse raises ParseError with part of it loaded: the graph is
        then for discarding, as :func:`kg.validation.validate` does.
        """
        name = pyoxigraph.NamedNode(str(graph))
        # One rdflib object for each distinct term: rdflib's store keeps the terms of
        # every triple it indexes, and a term made anew for each triple it occurs in
        # (rdf:type, a class, a resource named in many triples) would be kept that often.
        terms: dict[Any, Node | None] = {}

        def term(node: Any) -> Node | None:
            found = terms.get(node)
            if found is None:
                found = terms[node] = to_rdflib(node)
            return found

        for path in paths:
            parsed = read_turtle(path)
            while triples := list(islice(parsed, self.BATCH)):
                self.oxigraph.extend(
                    pyoxigraph.Quad(t.subject, t.predicate, t.object, name) for t in triples
                )
                self.addN(
                    (term(t.subject), term(t.predicate), term(t.object), self)  # type: ignore[misc]
                    for t in triples
                )

    def query(  # type: ignore[override]
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's name)
        initBindings: Mapping[str, Node] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if not isinstance(query_object, str) or initNs or kwargs or processor != "sparql":
            return super().query(
                query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
            )
        from kg.shacl.prebinding import PreBindingRefused, prebound, query_variables

        values = {str(name): value for name, value in (initBindings or {}).items()}
        if self.shapes is not None and "shapesGraph" in query_variables(query_object):
            values.setdefault("shapesGraph", SHAPES_GRAPH)
        if not values:
            return _result(self.oxigraph.query(query_object, use_default_graph_as_union=True))
        plan = prebound(query_object, values)
        text = plan.text_for(values)
        if text is None:
            if "shapesGraph" in values:
                raise PreBindingRefused(
                    "a blank node pre-bound in a query that reads $shapesGraph: no engine "
                    "here can run it as SHACL defines"
                )
            return plan.evaluate_rdflib(self, values)  # SHACL's pre-binding, by rdflib
        if "shapesGraph" in values:
            store, graphs = self._with_shapes()
            return _result(
                store.query(text, default_graph=graphs, named_graphs=[_SHAPES_NODE])
            )
        return _result(self.oxigraph.query(text, use_default_graph_as_union=True))

    def read_shapes(self, shapes: Graph | None) -> None:
        """The shapes graph the validation now running reads (None once it is done)."""
        self.shapes = shapes
        self._shapes_store = None

    def _with_shapes(self) -> tuple[pyoxigraph.Store, list[Any]]:
        """A store with the data's graphs and the shapes graph (:data:`SHAPES_GRAPH`),
        made once: the data's own store is asked by other threads meanwhile."""
        if self._shapes_store is None:
            graphs = list(self.oxigraph.named_graphs())
            store = pyoxigraph.Store()
            store.extend(self.oxigraph.quads_for_pattern(None, None, None, None))
            assert self.shapes is not None
            store.extend(
                pyoxigraph.Quad(
                    to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), _SHAPES_NODE
                )
                for s, p, o in self.shapes
            )
            self._shapes_store = (store, graphs or [pyoxigraph.DefaultGraph()])
        return self._shapes_store


def _result(outcome: Any) -> Result:
    """An rdflib query Result holding Oxigraph's answer (solutions or a boolean)."""
    if isinstance(outcome, pyoxigraph.QueryBoolean):
        answer = Result("ASK")
        answer.askAnswer = bool(outcome)
        return answer
    if not isinstance(outcome, pyoxigraph.QuerySolutions):
        raise TypeError("only SELECT and ASK queries are answered here")
    names = [variable.value for variable in outcome.variables]
    answer = Result("SELECT")
    answer.vars = [Variable(name) for name in names]
    answer.bindings = [
        {Variable(name): to_rdflib(term) for name in names if (term := solution[name]) is not None}
        for solution in outcome
    ]
    return answer


def evaluate(
    store: pyoxigraph.Store, text: str
) -> tuple[str, tuple[str, ...], list[tuple[Node | None, ...]], bool | None]:
    """Run any query form on ``store`` (default graph: the store's default graph).

    Returns the form (SELECT, ASK, CONSTRUCT), the columns, the rows of rdflib terms and,
    for ASK, the answer. A CONSTRUCT or DESCRIBE answers its triples as rows.
    Raises SyntaxError as pyoxigraph does.
    """
    outcome = store.query(text)
    if isinstance(outcome, pyoxigraph.QuerySolutions):
        columns = tuple(variable.value for variable in outcome.variables)
        rows = [tuple(to_rdflib(solution[name]) for name in columns) for solution in outcome]
        return "SELECT", columns, rows, None
    if isinstance(outcome, pyoxigraph.QueryBoolean):
        return "ASK", ("boolean",), [], bool(outcome)
    triples = [
        (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in outcome
    ]
    return "CONSTRUCT", ("subject", "predicate", "object"), triples, None
