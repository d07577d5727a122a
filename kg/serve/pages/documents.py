"""Whole documents: ``/ontology`` (whose hash IRIs are the terms), ``/graph/P`` (one part,
under its named graph's IRI) and ``/void`` (the dataset description), each as HTML and as
RDF, by suffix or by the Accept header."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import anyio
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.serve.negotiation import choose
from kg.serve.render import render
from kg.serve.responses import (
    EXTENSIONS,
    HTML,
    HTML_FIRST,
    RDF_FIRST,
    RDF_FORMATS,
    RDF_TYPES,
    CopiedFile,
    html,
    not_acceptable,
)
from kg.serve.state import Server, server_of
from kg.serve.views.catalogue import ontology_terms
from kg.serve.void import dataset_description

__all__ = ["ROUTES", "copied_files"]


def _rdf_document(
    request: Request,
    extension: str | None,
    key: str,
    triples: Callable[[], Sequence[ox.Triple]],
    page: Callable[[], str],
    base: str,
) -> Response:
    """A document by its suffix (``.ttl``, ``.jsonld``, ``.nt``, ``.html``) or by Accept."""
    server = server_of(request)
    headers: dict[str, str] = {}
    if extension is None:
        chosen = choose(request.headers.get("accept"), HTML_FIRST)
        if chosen is None:
            return not_acceptable(HTML_FIRST)
        location = f"{base}.html" if chosen == HTML else f"{base}.{EXTENSIONS[chosen]}"
        headers = {"Vary": "Accept", "Content-Location": location}
    elif extension == "html" or extension in RDF_TYPES:
        chosen = HTML if extension == "html" else RDF_TYPES[extension]
    else:
        return server.not_found(request, f"no document {request.url.path}")
    if chosen == HTML:
        response = html(page())
    else:
        response = Response(server.rdf(key, chosen, triples()), media_type=chosen)
    response.headers.update(headers)
    return response


async def ontology_document(request: Request) -> Response:
    """``/ontology``: the document whose hash IRIs are the ontology's terms."""
    server = server_of(request)
    return _rdf_document(
        request,
        request.path_params.get("ext"),
        "ontology",
        server.site.ontology_triples,
        lambda: server.page(
            "ontology",
            "ontology.html",
            title="Ontology",
            section="ontology",
            terms=ontology_terms(server.site),
        ),
        "/ontology",
    )


async def graph_document(request: Request) -> Response:
    """``/graph/P``: the named graph of one part, the same IRI as in the dataset."""
    server = server_of(request)
    part = request.path_params["part"]
    if part not in server.site.part_names():
        return server.not_found(request, f"no named graph {request.url.path}")

    def page() -> str:
        text = server.rdf(f"graph:{part}", "text/turtle", server.site.part_triples(part))
        return render(
            "document.html",
            title=f"The {part} part",
            note=f"Named graph https://w3id.org/siege626/graph/{part}",
            links=[(f"/graph/{part}.{ext}", ext) for ext in RDF_TYPES],
            text=text.decode(),
        )

    return _rdf_document(
        request,
        request.path_params.get("ext"),
        f"graph:{part}",
        lambda: server.site.part_triples(part),
        page,
        f"/graph/{part}",
    )


async def void_document(request: Request) -> Response:
    """``/void``: the dataset description (VoID and DCAT), by content negotiation."""
    server = server_of(request)
    chosen = choose(request.headers.get("accept"), RDF_FIRST)
    if chosen is None:
        return not_acceptable(RDF_FIRST)
    turtle = server.documents.get(("void", "text/turtle"))
    if turtle is None:
        settings = server.settings
        endpoint = settings.public_url + "sparql" if settings.sparql_endpoint else None
        turtle = await anyio.to_thread.run_sync(dataset_description, endpoint)
        server.documents[("void", "text/turtle")] = turtle
    if chosen == HTML:
        return html(
            render(
                "document.html",
                title="Dataset description (VoID and DCAT)",
                text=turtle.decode(),
                links=[("/void", "Turtle")],
                note="What the dataset is, how big it is, and where to get it.",
            )
        )
    if chosen == "text/turtle":
        body = turtle
    else:
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
        ]
        body = ox.serialize(triples, format=RDF_FORMATS[chosen])
    return Response(body, media_type=chosen, headers={"Vary": "Accept"})


ROUTES = [
    Route("/ontology", ontology_document),
    Route("/ontology.{ext}", ontology_document),
    Route("/graph/{part}.{ext}", graph_document),
    Route("/graph/{part}", graph_document),
    Route("/void", void_document),
]


def copied_files(server: Server) -> list[CopiedFile]:
    parts = list(dict.fromkeys(server.site.part_names()))
    files = []
    for base in ["/ontology", *(f"/graph/{part}" for part in parts)]:
        files.append(CopiedFile(base, base[1:] + ".html", HTML))
        files.extend(CopiedFile(f"{base}.{ext}", f"{base[1:]}.{ext}") for ext in RDF_TYPES)
    # /void has no suffixed URLs: each format is asked for by Accept.
    files.append(CopiedFile("/void", "void.html", HTML))
    files.extend(CopiedFile("/void", f"void.{ext}", media) for ext, media in RDF_TYPES.items())
    return files
