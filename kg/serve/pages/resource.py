"""A resource of the graph: ``/id/X`` (303 by Accept), its page ``/page/X`` and its data
documents ``/data/X.ttl``, ``.jsonld``, ``.nt`` (Cool URIs for the Semantic Web); the
JSON-LD is framed around X, the others are its statements as their serializer writes them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kg.jsonld import resource_document
from kg.serve.negotiation import choose
from kg.serve.responses import (
    EXTENSIONS,
    HTML,
    HTML_FIRST,
    RDF_TYPES,
    CopiedFile,
    html,
    not_acceptable,
)
from kg.serve.state import Server, server_of
from kg.serve.views.resource import resource_view

__all__ = ["ROUTES", "copied_files"]

_ID = "https://w3id.org/siege626/id/"
_JSONLD = "application/ld+json"


async def identifier(request: Request) -> Response:
    """``/id/X``: 303 See Other to the page or the data about X (Cool URIs)."""
    server = server_of(request)
    slug = request.path_params["slug"]
    if not server.site.has_slug(slug):
        return server.not_found(request, f"no resource {_ID}{slug}")
    chosen = choose(request.headers.get("accept"), HTML_FIRST)
    if chosen is None:
        return not_acceptable(HTML_FIRST)
    target = f"/page/{slug}" if chosen == HTML else f"/data/{slug}.{EXTENSIONS[chosen]}"
    return RedirectResponse(target, 303, headers={"Vary": "Accept"})


async def entity_page(request: Request) -> Response:
    server = server_of(request)
    slug = request.path_params["slug"]
    view = resource_view(server.site, slug)
    if view is None:
        return server.not_found(request, f"no resource {_ID}{slug}")
    return html(server.page(f"page:{slug}", "entity.html", title=view.title, e=view))


async def entity_data(request: Request) -> Response:
    server = server_of(request)
    slug, _, extension = request.path_params["name"].rpartition(".")
    if extension not in RDF_TYPES or not server.site.has_slug(slug):
        return server.not_found(request, f"no document /data/{request.path_params['name']}")
    media_type = RDF_TYPES[extension]
    if media_type == _JSONLD:
        return Response(_framed(server, slug), media_type=media_type)
    body = server.rdf(f"data:{slug}", media_type, server.site.description(_ID + slug))
    return Response(body, media_type=media_type)


def _framed(server: Server, slug: str) -> bytes:
    """The JSON-LD about X framed around X (kg.jsonld), kept for the next time.

    Not a flat list of statements, which is all a serializer writes: a reader finds X at
    the top, its blank nodes and the statements about it nested under it.
    """
    key = (f"data:{slug}", _JSONLD)
    body = server.documents.get(key)
    if body is None:
        body = resource_document(server.site.description(_ID + slug), _ID + slug)
        server.documents[key] = body
    return body


ROUTES = [
    Route("/id/{slug}", identifier),
    Route("/page/{slug}", entity_page),
    Route("/data/{name}", entity_data),
]


def copied_files(server: Server) -> list[CopiedFile]:
    files = []
    for slug in server.site.slugs:
        files.append(CopiedFile(f"/page/{slug}", f"page/{slug}.html", HTML))
        files.extend(CopiedFile(f"/data/{slug}.{ext}", f"data/{slug}.{ext}") for ext in RDF_TYPES)
    return files
