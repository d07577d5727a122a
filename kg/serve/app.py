"""The ``kg serve`` application: SPARQL endpoint, linked-data documents and pages.

URLs (the scheme is the one the graph's IRIs use, served locally):

* ``/id/X`` — a data resource ``https://w3id.org/siege626/id/X``: 303 See Other to
  ``/page/X`` (HTML) or ``/data/X.ttl``, ``.jsonld``, ``.nt``, by the Accept header;
* ``/ontology`` — the ontology document, whose terms are its hash IRIs (``#Person``),
  by content negotiation, or ``/ontology.ttl`` etc.; ``/graph/P`` likewise for each part;
* ``/sparql`` — the SPARQL 1.1 Protocol (read-only); ``/queries/NAME`` — canned queries;
* ``/``, ``/timeline``, ``/map``, ``/query``, ``/search`` — pages; ``/void``;
  ``/downloads``, ``/dist/…``.

Each kind of page is a module of :mod:`kg.serve.pages`; this module puts them together
behind the middleware. Nothing is read from the file system by a name taken from a URL:
slugs, parts, query names and static files are looked up in sets fixed at start-up, and
release files in a fresh listing of the release directory.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kg.serve import pages
from kg.serve.middleware import BodyLimit, HostCheck, SecurityHeaders
from kg.serve.settings import ServeSettings
from kg.serve.state import Server, server_of, shipped_graphs
from kg.serve.trailing_slash import install as install_trailing_slash_redirect

__all__ = ["ServeSettings", "create_app"]


async def _not_found_handler(request: Request, exc: Exception) -> Response:
    if "server" not in request.app.state._state:
        return PlainTextResponse("not found\n", 404)
    return server_of(request).not_found(request, f"nothing at {request.url.path}")


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("method not allowed: this server is read-only\n", 405)


def create_app(
    settings: ServeSettings | None = None,
    graphs: Sequence[tuple[str, Path]] | None = None,
) -> Starlette:
    """The ASGI application; ``graphs`` defaults to the shipped parts of the graph."""
    chosen = settings or ServeSettings()
    server = Server(chosen, graphs if graphs is not None else shipped_graphs())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.pool.start()
        try:
            yield
        finally:
            await server.pool.close()

    app = Starlette(
        routes=pages.routes(),
        middleware=[
            Middleware(HostCheck, allowed=chosen.allowed_hosts),
            Middleware(SecurityHeaders),
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                max_age=600,
            ),
            Middleware(BodyLimit, limit=chosen.max_body_bytes),
        ],
        exception_handlers={404: _not_found_handler, 405: _method_not_allowed},
        lifespan=lifespan,
    )
    # /page/X/ → /page/X as a path, never a URL built from the Host header.
    install_trailing_slash_redirect(app.router)
    app.state.server = server
    return app
