"""The SPARQL 1.1 Protocol, read-only: what a request asks, and the service description.

A query comes as ``GET ?query=``, as a ``POST`` form (``query=``) or as a ``POST`` body of
type ``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` pick the
dataset (without them the default graph is the union of the named graphs). Updates are
refused with 403; a request that is not a query gets 400; another body type gets 415.
What the query itself may do (no SERVICE, no update) is decided by the worker that
parses it (:mod:`kg.serve.sparql.worker`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from kg.serve.negotiation import choose

__all__ = [
    "GRAPH_TYPES",
    "RESULTS_TYPES",
    "ProtocolError",
    "SparqlRequest",
    "negotiate_query_types",
    "read_request",
    "service_description",
]

# Offered in this order of preference; the aliases are what some clients ask for.
RESULTS_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
_RESULTS_ALIASES = {
    "application/json": RESULTS_TYPES[0],
    "application/xml": RESULTS_TYPES[1],
    "text/xml": RESULTS_TYPES[1],
}
GRAPH_TYPES = ("text/turtle", "application/ld+json", "application/n-triples")
_GRAPH_ALIASES = {"application/x-turtle": "text/turtle", "application/turtle": "text/turtle"}

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"


class ProtocolError(Exception):
    """A request the endpoint refuses: ``status`` is the HTTP status, the text says why."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class SparqlRequest:
    query: str | None
    default_graph: tuple[str, ...] | None
    named_graph: tuple[str, ...] | None


def _single(values: Sequence[str], name: str) -> str | None:
    if len(values) > 1:
        raise ProtocolError(400, f"give '{name}' once, not {len(values)} times")
    return values[0] if values else None


def read_request(
    method: str, url_params: Sequence[tuple[str, str]], content_type: str | None, body: bytes
) -> SparqlRequest:
    """What a request to the endpoint asks, or ProtocolError."""
    params = list(url_params)
    media_type = (content_type or "").split(";")[0].strip().lower()
    query: str | None
    if method == "POST":
        if media_type == UPDATE_BODY:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL updates are refused")
        if media_type == FORM:
            try:
                form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError:
                raise ProtocolError(400, "the form is not UTF-8") from None
            params += form
            query = None
        elif media_type == QUERY_BODY:
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not UTF-8") from None
        else:
            raise ProtocolError(
                415, f"a POST must be {FORM} or {QUERY_BODY}, not {media_type or 'untyped'}"
            )
    else:
        query = None
    grouped: dict[str, list[str]] = {}
    for name, value in params:
        grouped.setdefault(name, []).append(value)
    if "update" in grouped:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL updates are refused")
    if query is None:
        query = _single(grouped.get("query", []), "query")
    elif "query" in grouped:
        raise ProtocolError(400, "give the query either in the body or as 'query=', not both")
    default_graph = grouped.get("default-graph-uri")
    named_graph = grouped.get("named-graph-uri")
    for iri in (*(default_graph or []), *(named_graph or [])):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise ProtocolError(400, f"not an IRI: {iri!r}") from None
    return SparqlRequest(
        query=query,
        default_graph=tuple(default_graph) if default_graph is not None else None,
        named_graph=tuple(named_graph) if named_graph is not None else None,
    )


def negotiate_query_types(accept: str | None) -> tuple[str | None, str | None]:
    """The media type for SELECT/ASK results and the one for CONSTRUCT/DESCRIBE graphs."""
    results = choose(accept, [*RESULTS_TYPES, *_RESULTS_ALIASES])
    graph = choose(accept, [*GRAPH_TYPES, *_GRAPH_ALIASES])
    return _RESULTS_ALIASES.get(results or "", results), _GRAPH_ALIASES.get(graph or "", graph)


_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "JSON-LD",
    "N-Triples",
)


def service_description(
    endpoint: str, graphs: Mapping[str, int], time_limit: float, max_bytes: int
) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``.

    ``graphs`` maps each named graph to its number of triples.
    """
    service = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(endpoint + "#dataset")
    default = ox.NamedNode(endpoint + "#default-graph")

    def sd(local: str) -> ox.NamedNode:
        return ox.NamedNode(_SD + local)

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    comment = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
    void_triples = ox.NamedNode("http://rdfs.org/ns/void#triples")
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(
            service,
            comment,
            ox.Literal(
                f"Read-only: updates are refused. Each query runs for at most {time_limit:g} s and "
                f"may return at most {max_bytes} bytes. The default graph is the union of the "
                "named graphs.",
                language="en",
            ),
        ),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, rdf_type, sd("Graph")),
        ox.Triple(
            default,
            void_triples,
            ox.Literal(
                str(sum(graphs.values())),
                datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"),
            ),
        ),
    ]
    for name in _RESULT_FORMAT_IRIS:
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(_FORMATS + name)))
    for graph_iri, count in graphs.items():
        named = ox.NamedNode(f"{endpoint}#graph-{graph_iri.rstrip('/').rsplit('/', 1)[-1]}")
        graph = ox.NamedNode(f"{endpoint}#graph-{graph_iri.rstrip('/').rsplit('/', 1)[-1]}-g")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, rdf_type, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(graph_iri)),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, rdf_type, sd("Graph")),
            ox.Triple(
                graph,
                void_triples,
                ox.Literal(
                    str(count), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
                ),
            ),
        ]
    return sorted(triples, key=lambda triple: (triple.subject.value != endpoint, str(triple)))
