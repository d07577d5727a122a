"""``/sparql``: the SPARQL 1.1 Protocol, read-only; without a query, the service
description. Queries run in the worker pool (worker.py), never in this process."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.serve.negotiation import choose
from kg.serve.responses import HTML, RDF_FORMATS, CopiedFile, not_acceptable
from kg.serve.sparql.pool import QueryRequest
from kg.serve.sparql.protocol import (
    RESULTS_TYPES,
    ProtocolError,
    negotiate_query_types,
    read_request,
    service_description,
)
from kg.serve.state import Server, server_of

__all__ = ["ROUTES", "copied_files"]


async def sparql_endpoint(request: Request) -> Response:
    server = server_of(request)
    body = await request.body() if request.method == "POST" else b""
    try:
        parsed = read_request(
            request.method,
            request.query_params.multi_items(),
            request.headers.get("content-type"),
            body,
        )
    except ProtocolError as error:
        return PlainTextResponse(f"{error}\n", error.status)
    accept = request.headers.get("accept")
    if parsed.query is None:
        if choose(accept, [HTML, "text/turtle"]) == HTML and request.method == "GET":
            return RedirectResponse("/query", 303, headers={"Vary": "Accept"})
        chosen = choose(accept, list(RDF_FORMATS))
        if chosen is None:
            return not_acceptable(list(RDF_FORMATS))
        endpoint = server.settings.public_url + "sparql"
        triples = service_description(
            endpoint,
            server.site.counts_by_graph(),
            server.settings.time_limit,
            server.settings.max_result_bytes,
        )
        body = ox.serialize(triples, format=RDF_FORMATS[chosen], prefixes=_sd_prefixes(chosen))
        return Response(body, media_type=chosen, headers={"Vary": "Accept"})
    if request.method == "GET" and choose(accept, [*RESULTS_TYPES, HTML]) == HTML:
        # Relative: a redirect never names a host the client made up.
        return RedirectResponse(f"/query?{request.url.query}", 303, headers={"Vary": "Accept"})
    results_type, graph_type = negotiate_query_types(accept)
    outcome = await server.run_sparql(
        QueryRequest(
            parsed.query, results_type, graph_type, parsed.default_graph, parsed.named_graph
        )
    )
    return Response(
        outcome.body, outcome.status, media_type=outcome.media_type, headers={"Vary": "Accept"}
    )


def _sd_prefixes(media_type: str) -> dict[str, str] | None:
    if media_type != "text/turtle":
        return None
    return {
        "sd": "http://www.w3.org/ns/sparql-service-description#",
        "formats": "http://www.w3.org/ns/formats/",
        "void": "http://rdfs.org/ns/void#",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    }


ROUTES = [Route("/sparql", sparql_endpoint, methods=["GET", "POST"])]


def copied_files(server: Server) -> list[CopiedFile]:
    """None: only a running server answers SPARQL."""
    return []
