"""Load the parts of the graph into a triple store, each into its own named graph, safely.

First the staging graphs that a killed load left behind are removed (see
:func:`remove_staging_graphs`). Then, for every part (the registry in :mod:`kg.loading`,
in its order):

1. every literal is checked locally (:mod:`kg.literal_checks`); an ill-typed one stops
   the load before a single request is sent;
2. the part is uploaded into a *staging* graph (``<target>-staging``), by one Graph
   Store PUT or by chunked SPARQL Update requests, never into the target itself;
3. the staging graph is verified: its triple count must equal the local count, and its
   typed literals and language tags must come back exactly as sent (a store that
   rewrites ``"5.70"^^xsd:decimal`` or a pre-1582 date is caught here, not by a reader).

Virtuoso is sent every ``geo:wktLiteral`` under another datatype, which it keeps as
written (it would parse the WKT into its own geometry type and round the coordinates);
its answers carry ``geo:wktLiteral`` again (:mod:`kg.stores.virtuoso`), so the staging
check compares them with the part as it is on disk.

Only when every part is staged and verified does one SPARQL Update request replace all
targets (``MOVE GRAPH <staging> TO GRAPH <target>`` for each part). Oxigraph and Virtuoso
apply one update request as one transaction, so a reader sees either the previous
contents or the new ones, also when the server is killed mid-request. Finally each
target's count is checked against the local count.

Loading twice gives the same triples: MOVE replaces the target, blank nodes included.
A failure at any step raises :class:`LoadError` saying what the targets now hold.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg import loading
from kg.literal_checks import check_literals
from kg.stores.presets import PROTOCOLS, StoreError, StoreOptionError, StoreTarget
from kg.stores.protocols import DEFAULT_READ_TIMEOUT, StoreClient
from kg.stores.virtuoso import VIRTUOSO, for_virtuoso, read_json_results

__all__ = [
    "CHECK",
    "SWAP",
    "UPLOAD",
    "VERIFY",
    "LoadError",
    "LoadProgress",
    "LoadReport",
    "LoadedGraph",
    "LocalPart",
    "SilentProgress",
    "StaleGraph",
    "count_triples",
    "load_into_store",
    "remove_staging_graphs",
    "shipped_parts",
    "staging_graph",
    "staging_graphs",
]

Triple = tuple[Node, Node, Node]

# The steps a LoadProgress is told about, in order.
UPLOAD, VERIFY, SWAP, CHECK = "upload", "verify", "swap", "check"


class LoadError(StoreError):
    """A load that failed; the message says what the target graphs hold now."""


@dataclass(frozen=True)
class LocalPart:
    """One part of the graph as it is on disk: its name and its triples."""

    name: str
    graph: Graph


@dataclass(frozen=True)
class LoadedGraph:
    part: str
    graph: URIRef
    triples: int


@dataclass(frozen=True)
class StaleGraph:
    """A staging graph found before a load or by ``kg load --clean``, and then removed."""

    graph: URIRef
    triples: int


@dataclass(frozen=True)
class LoadReport:
    store: str
    protocol: str
    graphs: tuple[LoadedGraph, ...]
    seconds: float
    # Staging graphs left by an interrupted load, removed before this one staged anything.
    removed: tuple[StaleGraph, ...] = ()

    @property
    def triples(self) -> int:
        return sum(graph.triples for graph in self.graphs)


class LoadProgress(Protocol):
    """What a load reports while it runs (see kg.progress for the terminal bar)."""

    def begin(self, part: str, triples: int) -> None: ...

    def step(self, part: str, step: str) -> None: ...

    def advance(self, part: str, triples: int) -> None: ...


class SilentProgress:
    """A LoadProgress that reports nothing (a load with no terminal to draw on)."""

    def begin(self, part: str, triples: int) -> None:
        pass

    def step(self, part: str, step: str) -> None:
        pass

    def advance(self, part: str, triples: int) -> None:
        pass


def shipped_parts(names: Iterable[str] | None = None) -> list[LocalPart]:
    """The registered parts of the shipped graph (all of them by default), parsed."""
    chosen = list(dict.fromkeys(names)) if names is not None else list(loading.PARTS)
    unknown = [name for name in chosen if name not in loading.PARTS]
    if unknown or not chosen:
        shown = f"unknown part '{unknown[0]}'" if unknown else "no part given"
        raise StoreOptionError(f"{shown}; expected some of {', '.join(loading.PARTS)}")
    return [LocalPart(name, loading.load_graph([name])) for name in chosen]


def staging_graph(target: URIRef) -> URIRef:
    """The graph a part is uploaded to before it replaces ``target``."""
    return URIRef(f"{target}-staging")


def staging_graphs(target: StoreTarget, part_names: Iterable[str] = ()) -> tuple[URIRef, ...]:
    """The staging graphs of every registered part, and of ``part_names``, in ``target``.

    Only these graphs are ever removed as stale: they are named from the registry and
    the graph base, never found by a pattern in the store, so another graph whose name
    ends in ``-staging`` is left alone. A staging name that is also some part's graph
    (a part called ``data-staging``) is not a staging graph and is left out.
    """
    names = list(dict.fromkeys([*loading.PARTS, *part_names]))
    graphs = {target.graph_for(name) for name in names}
    stagings = (staging_graph(target.graph_for(name)) for name in names)
    return tuple(dict.fromkeys(graph for graph in stagings if graph not in graphs))


def remove_staging_graphs(
    target: StoreTarget, read_timeout: float = DEFAULT_READ_TIMEOUT
) -> tuple[StaleGraph, ...]:
    """Remove the staging graphs of every part from ``target`` (``kg load --clean``).

    Returns those that held triples. The part graphs themselves are never touched.
    """
    with StoreClient(target, read_timeout) as client:
        try:
            return _remove_stale(client, ())
        except StoreError as error:
            raise StoreError(f"{error}; the part graphs are untouched") from None


def load_into_store(
    target: StoreTarget,
    parts: Sequence[LocalPart] | None = None,
    protocol: str | None = None,
    progress: LoadProgress | None = None,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> LoadReport:
    """Load ``parts`` (default: the shipped parts) into ``target``; see the module text.

    ``read_timeout`` bounds every request of the load, from connecting to the last byte
    of the store's answer.
    """
    protocol = protocol or target.store.default_protocol
    if protocol not in PROTOCOLS:
        raise StoreOptionError(
            f"unknown protocol '{protocol}'; expected one of {', '.join(PROTOCOLS)}"
        )
    if protocol == "gsp" and target.gsp_url() is None:
        raise StoreOptionError(
            f"the '{target.store.name}' preset has no Graph Store endpoint; use --protocol update"
        )
    reporter: LoadProgress = progress if progress is not None else SilentProgress()
    local = list(parts) if parts is not None else shipped_parts()
    for part in local:
        check_literals(part.graph, f"part '{part.name}'")
    plan = [(part, target.graph_for(part.name)) for part in local]
    graphs = [graph for _, graph in plan]
    if len(set(graphs)) != len(graphs):
        raise StoreOptionError("two parts would be loaded into the same graph")

    started = time.perf_counter()
    with StoreClient(target, read_timeout) as client:
        staged: list[URIRef] = []
        try:
            removed = _remove_stale(client, [part.name for part in local])
            for part, graph in plan:
                reporter.begin(part.name, len(part.graph))
                if len(part.graph):
                    staging = staging_graph(graph)
                    staged.append(staging)
                    reporter.step(part.name, UPLOAD)
                    _upload(client, protocol, staging, _as_sent(target, part), reporter)
                    reporter.step(part.name, VERIFY)
                    _verify_staging(client, staging, part)
        except StoreError as error:
            _drop_quietly(client, staged)
            raise LoadError(f"{error}; no graph was changed") from None

        for part, _ in plan:
            reporter.step(part.name, SWAP)
        try:
            client.update(_swap_request(plan), "replacing the graphs")
        except StoreError as error:
            _drop_quietly(client, staged)
            raise LoadError(
                f"{error}; each graph holds either its previous or its new triples "
                "(the replacement is one transaction): load again"
            ) from None

        loaded = []
        for part, graph in plan:
            reporter.step(part.name, CHECK)
            found = count_triples(client, graph)
            if found != len(part.graph):
                raise LoadError(
                    f"<{graph}> holds {found} triples after the load, expected "
                    f"{len(part.graph)} (part '{part.name}')"
                )
            loaded.append(LoadedGraph(part.name, graph, found))
    seconds = time.perf_counter() - started
    return LoadReport(target.store.name, protocol, tuple(loaded), seconds, removed)


def count_triples(client: StoreClient, graph: URIRef) -> int:
    """The number of triples in the named graph ``graph`` of the store."""
    document = client.select_json(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    result = read_json_results(document, "SELECT", client.target.store.quirks)
    try:
        return int(str(result.rows[0][0]))
    except (IndexError, ValueError):
        raise StoreError(f"the store did not count the triples of <{graph}>") from None


# --- staging graphs left behind ---------------------------------------------------------


def _remove_stale(client: StoreClient, part_names: Iterable[str]) -> tuple[StaleGraph, ...]:
    """Drop every staging graph (see :func:`staging_graphs`); return those that held triples.

    A load killed between its upload and its replacement leaves its staging graphs, and
    a later load of other parts would never overwrite theirs: they would stay forever,
    visible to every query of the whole store. All are dropped in one request, even
    empty ones (Oxigraph keeps an empty named graph), and counted first for the report.
    """
    graphs = staging_graphs(client.target, part_names)
    found = [StaleGraph(graph, count_triples(client, graph)) for graph in graphs]
    drops = " ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs)
    client.update(drops, "removing stale staging graphs")
    return tuple(stale for stale in found if stale.triples)


# --- upload ------------------------------------------------------------------------------


def _upload(
    client: StoreClient, protocol: str, staging: URIRef, part: LocalPart, reporter: LoadProgress
) -> None:
    if protocol == "gsp":
        client.put_graph(str(staging), part.graph.serialize(format="nt", encoding="utf-8"))
        reporter.advance(part.name, len(part.graph))
        return
    client.update(f"DROP SILENT GRAPH <{staging}>", f"clearing <{staging}>")
    store = client.target.store
    for lines, blank in _chunks(part.graph, store.update_triples, store.update_bytes):
        client.update(_insert_request(staging, lines, blank), f"inserting into <{staging}>")
        reporter.advance(part.name, len(lines))


def _as_sent(target: StoreTarget, part: LocalPart) -> LocalPart:
    """``part`` as it is sent to ``target``: for Virtuoso, WKT under a datatype it keeps."""
    if VIRTUOSO not in target.store.quirks:
        return part
    sent = Graph()
    for subject, predicate, obj in part.graph:
        sent.add((subject, predicate, for_virtuoso(obj)))
    return LocalPart(part.name, sent)


def _line(triple: Triple) -> str:
    return " ".join(term.n3() for term in triple) + " ."


def _chunks(graph: Graph, max_triples: int, max_bytes: int) -> Iterator[tuple[list[str], bool]]:
    """The triples as N-Triples-like lines in requests of bounded size, and whether a
    request holds a blank node.

    Triples that share a blank node stay in one request: a blank node label names the
    same node only within one request.
    """
    chunk: list[str] = []
    size = 0
    blank = False
    for group, group_blank in _blank_node_groups(graph):
        lines = [_line(triple) for triple in group]
        group_size = sum(len(line.encode("utf-8")) + 1 for line in lines)
        if chunk and (len(chunk) + len(lines) > max_triples or size + group_size > max_bytes):
            yield chunk, blank
            chunk, size, blank = [], 0, False
        chunk.extend(lines)
        size += group_size
        blank = blank or group_blank
    if chunk:
        yield chunk, blank


def _blank_node_groups(graph: Graph) -> Iterator[tuple[list[Triple], bool]]:
    """Groups of triples connected through blank nodes (True), or one triple without any."""
    parent: dict[BNode, BNode] = {}

    def root(node: BNode) -> BNode:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    with_blank: list[tuple[BNode, Triple]] = []
    for triple in graph:
        blanks = [term for term in (triple[0], triple[2]) if isinstance(term, BNode)]
        if not blanks:
            yield [triple], False
            continue
        first = root(blanks[0])
        for other in blanks[1:]:
            parent[root(other)] = first
        with_blank.append((blanks[0], triple))
    groups: dict[BNode, list[Triple]] = {}
    for node, triple in with_blank:
        groups.setdefault(root(node), []).append(triple)
    for group in groups.values():
        yield group, True


def _insert_request(staging: URIRef, lines: list[str], blank: bool) -> str:
    body = "\n".join(lines)
    if blank:
        # Virtuoso refuses blank nodes in INSERT DATA; INSERT … WHERE {} is equivalent.
        return f"INSERT {{ GRAPH <{staging}> {{\n{body}\n}} }} WHERE {{}}"
    return f"INSERT DATA {{ GRAPH <{staging}> {{\n{body}\n}} }}"


# --- verification ------------------------------------------------------------------------


def _verify_staging(client: StoreClient, staging: URIRef, part: LocalPart) -> None:
    expected = len(part.graph)
    found = count_triples(client, staging)
    if found != expected:
        raise StoreError(
            f"the store holds {found} of the {expected} triples sent for part '{part.name}' "
            "(it merged, dropped or duplicated some)"
        )
    _verify_literals(client, staging, part)


def _verify_literals(client: StoreClient, staging: URIRef, part: LocalPart) -> None:
    """The typed literals and language tags must come back exactly as they were sent."""
    quirks = client.target.store.quirks
    sent = {_typed(obj) for obj in part.graph.objects() if _is_typed(obj)}
    document = client.select_json(
        f"SELECT DISTINCT ?o WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} "
        f'FILTER(isLiteral(?o) && LANG(?o) = "" && DATATYPE(?o) != <{XSD.string}>) }}'
    )
    stored = {_typed(row[0]) for row in read_json_results(document, "SELECT", quirks).rows}
    _compare(part.name, "literal", sent, stored)

    # RDF 1.1 lets a store lower-case language tags (Oxigraph and Virtuoso do), and
    # rdflib compares them without regard to case: only another tag is a change.
    sent_tags = {str(obj.language).lower() for obj in part.graph.objects() if _has_language(obj)}
    document = client.select_json(
        f"SELECT DISTINCT (LANG(?o) AS ?tag) WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} "
        f'FILTER(isLiteral(?o) && LANG(?o) != "") }}'
    )
    rows = read_json_results(document, "SELECT", quirks).rows
    _compare(part.name, "language tag", sent_tags, {str(row[0]).lower() for row in rows})


def _is_typed(term: object) -> bool:
    return isinstance(term, Literal) and term.datatype is not None and term.datatype != XSD.string


def _has_language(term: object) -> bool:
    return isinstance(term, Literal) and bool(term.language)


def _typed(term: Node | None) -> str:
    return term.n3() if isinstance(term, Literal) else repr(term)


def _compare(part: str, what: str, sent: set[str], stored: set[str]) -> None:
    missing = sorted(sent - stored)
    changed = sorted(stored - sent)
    if not missing and not changed:
        return
    examples = []
    if missing:
        examples.append(f"sent {', '.join(missing[:2])}")
    if changed:
        examples.append(f"stored {', '.join(changed[:2])}")
    raise StoreError(
        f"the store changed {max(len(missing), len(changed))} {what}"
        f"{'s' if max(len(missing), len(changed)) != 1 else ''} of part '{part}' "
        f"({'; '.join(examples)})"
    )


# --- replacement -------------------------------------------------------------------------


def _swap_request(plan: Sequence[tuple[LocalPart, URIRef]]) -> str:
    operations = []
    for part, graph in plan:
        if len(part.graph):
            operations.append(f"MOVE GRAPH <{staging_graph(graph)}> TO GRAPH <{graph}>")
        else:
            operations.append(f"DROP SILENT GRAPH <{graph}>")
    return " ;\n".join(operations)


def _drop_quietly(client: StoreClient, graphs: Sequence[URIRef]) -> None:
    """Remove staging graphs after a failure, if the store still answers."""
    for graph in graphs:
        try:
            client.update(f"DROP SILENT GRAPH <{graph}>", f"dropping <{graph}>")
        except StoreError:
            return
