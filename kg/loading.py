"""Parse the Turtle files into rdflib graphs, reporting bad syntax as ``file:line:column``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyoxigraph
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from kg import resources
from kg.engines import load_store, read_turtle
from kg.errors import InputFileError, ParseError
from kg.namespaces import DATA_GRAPH, LINKS_GRAPH, ONTOLOGY_GRAPH, bind_known_prefixes

__all__ = [
    "PARTS",
    "part_graph",
    "check_turtle",
    "load_dataset",
    "load_files",
    "load_graph",
    "load_store_parts",
    "new_graph",
    "part_paths",
]

# The parts of the graph, each published in its own named graph: what things are
# (ontology), what the source text says (data), and what other sources add (links).
# Adding a part is one entry here: its named graph and where its files are.
_REGISTRY: dict[str, tuple[URIRef, Callable[[], list[Path]]]] = {
    "ontology": (ONTOLOGY_GRAPH, resources.ontology_paths),
    "data": (DATA_GRAPH, lambda: [resources.data_path()]),
    "links": (LINKS_GRAPH, lambda: [resources.links_path()]),
}
PARTS = tuple(_REGISTRY)


def _registered(part: str) -> tuple[URIRef, Callable[[], list[Path]]]:
    try:
        return _REGISTRY[part]
    except KeyError:
        raise ValueError(f"unknown part {part!r}; expected one of {', '.join(PARTS)}") from None


def part_paths(part: str) -> list[Path]:
    """The files that make up one part of the graph (one of PARTS)."""
    return _registered(part)[1]()


def part_graph(part: str) -> URIRef:
    """The IRI of the named graph that holds one part (one of PARTS)."""
    return _registered(part)[0]


def check_turtle(path: Path) -> None:
    """Raise ParseError (with line and column) or InputFileError if ``path`` is not Turtle.

    pyoxigraph reads the file (:func:`kg.engines.read_turtle`) because its errors carry an
    exact position, which rdflib's Turtle parser does not report reliably.
    """
    for _ in read_turtle(path):
        pass


def load_files(paths: Iterable[Path | str], graph: Graph | None = None) -> Graph:
    """Parse each Turtle file into ``graph`` (a new graph with the known prefixes by default)."""
    target = graph if graph is not None else new_graph()
    for raw_path in paths:
        path = Path(raw_path)
        check_turtle(path)
        _parse_with_rdflib(path, target)
    return target


def load_graph(parts: Sequence[str] = PARTS) -> Graph:
    """One graph holding the union of the named parts of the shipped files."""
    return load_files(path for part in parts for path in part_paths(part))


def load_store_parts(parts: Sequence[str] = PARTS) -> pyoxigraph.Store:
    """An in-memory Oxigraph store with each named part of the shipped files in its named graph.

    Oxigraph parses the files (no rdflib graph is built); query it with
    ``kg.queries.run_query``, whose default graph is then the union of the parts.
    """
    store = pyoxigraph.Store()
    for part in parts:
        load_store(part_paths(part), store, part_graph(part))
    return store


def load_dataset(
    ontology_paths: Sequence[Path | str] | None = None,
    data_paths: Sequence[Path | str] | None = None,
    links_paths: Sequence[Path | str] | None = None,
) -> Dataset:
    """A dataset with each part (ontology, data, links) in its own named graph.

    The default graph is the union of the named graphs, so a plain query sees everything.
    The links layer defaults to the shipped one only when the data is the shipped data too:
    links without the resources they enrich would be dangling.
    """
    dataset = Dataset(default_union=True)
    bind_known_prefixes(dataset)
    if links_paths is None and data_paths is not None:
        links_paths = []
    chosen = {"ontology": ontology_paths, "data": data_paths, "links": links_paths}
    named_parts: list[tuple[URIRef, Sequence[Path | str]]] = [
        (part_graph(part), paths if paths is not None else part_paths(part))
        for part, paths in chosen.items()
    ]
    for graph_iri, paths in named_parts:
        load_files(paths, dataset.graph(graph_iri))
    return dataset


def new_graph() -> Graph:
    """An empty graph with the known prefixes bound."""
    # "core" keeps rdflib from binding dozens of unrelated prefixes that would leak into output.
    return bind_known_prefixes(Graph(bind_namespaces="core"))


def _parse_with_rdflib(path: Path, graph: Graph) -> None:
    try:
        graph.parse(path, format="turtle")
    except BadSyntax as error:
        # Both parsers accept the same Turtle in practice; this keeps the rare mismatch readable.
        line, column = _bad_syntax_position(error)
        raise ParseError(path, line, column, str(getattr(error, "_why", error))) from None
    except UnicodeDecodeError as error:
        raise InputFileError(path, f"not UTF-8 ({error.reason})") from None


def _bad_syntax_position(error: BadSyntax) -> tuple[int | None, int | None]:
    text = getattr(error, "_str", None)
    offset = getattr(error, "_i", None)
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str) or not isinstance(offset, int):
        return None, None
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return line, column
