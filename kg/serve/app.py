"""The ``kg serve`` application: SPARQL endpoint, linked-data documents and pages.

URLs (the scheme is the one the graph's IRIs use, served locally):

* ``/id/X`` — a data resource ``https://w3id.org/siege626/id/X``: 303 See Other to
  ``/page/X`` (HTML) or ``/data/X.ttl``, ``.jsonld``, ``.nt``, by the Accept header;
* ``/ontology`` — the ontology document, whose terms are its hash IRIs (``#Person``),
  by content negotiation, or ``/ontology.ttl`` etc.; ``/graph/P`` likewise for each part;
* ``/sparql`` — the SPARQL 1.1 Protocol (read-only); ``/queries/NAME`` — canned queries;
* ``/``, ``/timeline``, ``/map``, ``/query`` — pages; ``/void``; ``/downloads``, ``/dist/…``.

Nothing is read from the file system by a name taken from a URL: slugs, parts, query
names and static files are looked up in sets fixed at start-up, and release files in a
fresh listing of the release directory.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from kg.catalogue import QueryFile
from kg.errors import KgError
from kg.loading import PARTS, part_graph, part_paths
from kg.namespaces import KNOWN_PREFIXES
from kg.parameters import bind_values
from kg.queries import bind_parameters, dataset_options, list_queries
from kg.serve import pages
from kg.serve.cache import AnswerCache
from kg.serve.files import DIST_TYPES, release_files
from kg.serve.middleware import BodyLimit, HostCheck, SecurityHeaders
from kg.serve.negotiation import choose
from kg.serve.pool import QueryOutcome, QueryRequest, WorkerPool
from kg.serve.site import DISPLAY_PREFIXES, SiteGraph
from kg.serve.sparql import (
    RESULTS_TYPES,
    ProtocolError,
    negotiate_query_types,
    read_request,
    service_description,
)
from kg.serve.void import dataset_description

__all__ = ["ServeSettings", "create_app"]

HTML = "text/html"
RDF_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}
_RDF_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}
_EXTENSIONS = {media_type: ext for ext, media_type in RDF_TYPES.items()}
_RESULTS_SUFFIXES = dict(zip(("json", "xml", "csv", "tsv"), RESULTS_TYPES, strict=True))
_RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
_STATIC = Path(__file__).with_name("static")
_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
_EXAMPLE_QUERY = """\
PREFIX sg: <https://w3id.org/siege626/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Who took part in what, in which role?
SELECT ?agent ?role ?event WHERE {
  ?p a sg:Participation ; sg:agent ?agent ; sg:role ?role ; sg:roleIn ?event .
}
ORDER BY ?agent
LIMIT 50
"""


@dataclass(frozen=True)
class ServeSettings:
    """Limits and places of one server; every default is what ``kg serve`` uses."""

    time_limit: float = 10.0  # seconds a SPARQL query may run
    max_result_bytes: int = 10_000_000  # bytes a SPARQL result may take
    max_body_bytes: int = 1_000_000  # bytes a request body may take
    workers: int = 2  # SPARQL worker processes
    worker_memory: int = 2 * 1024**3  # bytes of address space a worker may use
    cache_bytes: int = 64 * 1024**2  # bytes of answers kept for repeated queries
    dist_dir: Path | None = Path("dist")  # the release files offered for download
    page_rows: int = 1000  # rows of a result the /query page shows
    host: str = "127.0.0.1"  # the address the server listens on
    port: int = 8626
    # The public address of the server (behind a proxy, say); by default http://HOST:PORT/.
    # Absolute URLs in pages and descriptions use it, never the client's Host header.
    base_url: str | None = None

    @property
    def public_url(self) -> str:
        """The server's own base URL, ending in ``/``."""
        if self.base_url:
            return self.base_url.rstrip("/") + "/"
        return f"http://{url_host(self.host)}:{self.port}/"

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Host names a request may give in its Host header: this server's own, no other."""
        names = {urlsplit(self.public_url).hostname or ""}
        if self.host in _WILDCARDS or self.host in _LOOPBACK:
            names |= _LOOPBACK
        else:
            names.add(self.host.lower())
        return frozenset(name for name in names if name)


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def url_host(host: str) -> str:
    """``host`` as it stands in a URL: loopback for a wildcard, IPv6 in brackets."""
    if host in _WILDCARDS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _graphs() -> list[tuple[str, Path]]:
    return [(str(part_graph(part)), path) for part in PARTS for path in part_paths(part)]


class _Server:
    """The state one application holds: the graph, the worker pool, the caches."""

    def __init__(self, settings: ServeSettings, graphs: Sequence[tuple[str, Path]]) -> None:
        self.settings = settings
        self.site = SiteGraph(graphs)
        self.pool = WorkerPool(
            graphs,
            size=settings.workers,
            time_limit=settings.time_limit,
            max_bytes=settings.max_result_bytes,
            memory_limit=settings.worker_memory,
        )
        self.queries: dict[str, QueryFile] = {query.name: query for query in list_queries()}
        self.cache = AnswerCache(settings.cache_bytes)
        # Result tables are built one at a time, off the event loop: a thread that builds
        # one holds the interpreter lock for most of its work, and several at once would
        # leave the loop, which serves every other client, waiting for it in turn.
        self.renderer = anyio.CapacityLimiter(1)
        self.documents: dict[tuple[str, str], bytes] = {}
        self.html: dict[str, str] = {}
        self.static = {
            path.name: path.read_bytes() for path in sorted(_STATIC.iterdir()) if path.is_file()
        }

    # -- helpers -----------------------------------------------------------------

    def rdf(self, key: str, media_type: str, triples: Sequence[ox.Triple]) -> bytes:
        cached = self.documents.get((key, media_type))
        if cached is None:
            cached = ox.serialize(
                triples, format=_RDF_FORMATS[media_type], prefixes=_prefixes(media_type, triples)
            )
            self.documents[(key, media_type)] = cached
        return cached

    def page(self, key: str, template: str, **context: Any) -> str:
        cached = self.html.get(key)
        if cached is None:
            cached = pages.render(template, **context)
            self.html[key] = cached
        return cached

    def not_found(self, request: Request, what: str) -> Response:
        if choose(request.headers.get("accept"), [HTML, "text/plain"]) == HTML:
            body = pages.render(
                "message.html",
                title="Not found",
                message=what,
                links=[("/", "the index of the graph")],
            )
            return Response(body, 404, media_type="text/html; charset=utf-8")
        return PlainTextResponse(what + "\n", 404)

    async def run_sparql(self, request: QueryRequest) -> QueryOutcome:
        """Answer a query from a client; the worker refuses SERVICE and updates (worker.py)."""
        key = AnswerCache.key(
            "sparql",
            request.query,
            request.results_type,
            request.graph_type,
            request.default_graph,
            request.named_graph,
            request.page_rows,
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        outcome = await self.pool.run(request)
        if outcome.ok:
            self.cache.put(key, outcome)
        return outcome

    def run_canned(self, query: QueryFile, terms: dict[str, Any], media_type: str) -> bytes:
        text = bind_values(query.text, terms)
        results = self.site.store.query(
            text, prefixes=KNOWN_PREFIXES, **dataset_options(self.site.store, query)
        )
        if isinstance(results, ox.QueryTriples):
            raise KgError(f"query '{query.name}' builds a graph; ask /sparql for it")
        return results.serialize(format=_RESULTS_FORMATS[media_type])


def _prefixes(media_type: str, triples: Sequence[ox.Triple]) -> dict[str, str] | None:
    """The display prefixes that the triples use, for Turtle; none for the other formats."""
    if media_type != "text/turtle":
        return None
    iris = {
        term.value
        for triple in triples
        for term in (triple.subject, triple.predicate, triple.object)
        if isinstance(term, ox.NamedNode)
    }
    iris |= {
        triple.object.datatype.value for triple in triples if isinstance(triple.object, ox.Literal)
    }
    return {
        prefix: namespace
        for prefix, namespace in DISPLAY_PREFIXES.items()
        if any(iri.startswith(namespace) for iri in iris)
    }


def _html(body: str, status: int = 200) -> Response:
    return Response(body, status, media_type="text/html; charset=utf-8")


def _server(request: Request) -> _Server:
    return request.app.state.server  # type: ignore[no-any-return]


# -- linked data -----------------------------------------------------------------------


async def identifier(request: Request) -> Response:
    """``/id/X``: 303 See Other to the page or the data about X (Cool URIs)."""
    server = _server(request)
    slug = request.path_params["slug"]
    if not server.site.has_slug(slug):
        return server.not_found(request, f"no resource https://w3id.org/siege626/id/{slug}")
    chosen = choose(request.headers.get("accept"), [HTML, *_RDF_FORMATS])
    if chosen is None:
        return _not_acceptable([HTML, *_RDF_FORMATS])
    target = f"/page/{slug}" if chosen == HTML else f"/data/{slug}.{_EXTENSIONS[chosen]}"
    return RedirectResponse(target, 303, headers={"Vary": "Accept"})


async def entity_page(request: Request) -> Response:
    server = _server(request)
    slug = request.path_params["slug"]
    view = server.site.entity(slug)
    if view is None:
        return server.not_found(request, f"no resource https://w3id.org/siege626/id/{slug}")
    return _html(server.page(f"page:{slug}", "entity.html", title=view.title, e=view))


async def entity_data(request: Request) -> Response:
    server = _server(request)
    slug, _, extension = request.path_params["name"].rpartition(".")
    if extension not in RDF_TYPES or not server.site.has_slug(slug):
        return server.not_found(request, f"no document /data/{request.path_params['name']}")
    media_type = RDF_TYPES[extension]
    iri = f"https://w3id.org/siege626/id/{slug}"
    body = server.rdf(f"data:{slug}", media_type, server.site.description(iri))
    return Response(body, media_type=media_type)


def _rdf_document(
    request: Request,
    extension: str | None,
    key: str,
    triples: Callable[[], Sequence[ox.Triple]],
    html: Callable[[], str],
    base: str,
) -> Response:
    """A document by its suffix (``.ttl``, ``.jsonld``, ``.nt``, ``.html``) or by Accept."""
    server = _server(request)
    headers: dict[str, str] = {}
    if extension is None:
        chosen = choose(request.headers.get("accept"), [HTML, *_RDF_FORMATS])
        if chosen is None:
            return _not_acceptable([HTML, *_RDF_FORMATS])
        location = f"{base}.html" if chosen == HTML else f"{base}.{_EXTENSIONS[chosen]}"
        headers = {"Vary": "Accept", "Content-Location": location}
    elif extension == "html" or extension in RDF_TYPES:
        chosen = HTML if extension == "html" else RDF_TYPES[extension]
    else:
        return server.not_found(request, f"no document {request.url.path}")
    if chosen == HTML:
        response = _html(html())
    else:
        response = Response(server.rdf(key, chosen, triples()), media_type=chosen)
    response.headers.update(headers)
    return response


async def ontology_document(request: Request) -> Response:
    """``/ontology``: the document whose hash IRIs are the ontology's terms."""
    server = _server(request)
    return _rdf_document(
        request,
        request.path_params.get("ext"),
        "ontology",
        server.site.ontology_triples,
        lambda: server.page(
            "ontology", "ontology.html", title="Ontology", terms=server.site.ontology_terms()
        ),
        "/ontology",
    )


async def graph_document(request: Request) -> Response:
    """``/graph/P``: the named graph of one part, the same IRI as in the dataset."""
    server = _server(request)
    part = request.path_params["part"]
    if part not in server.site.part_names():
        return server.not_found(request, f"no named graph {request.url.path}")

    def page() -> str:
        text = server.rdf(f"graph:{part}", "text/turtle", server.site.part_triples(part))
        return pages.render(
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


def _not_acceptable(offered: Sequence[str]) -> Response:
    return PlainTextResponse(
        f"not acceptable: this resource is available as {', '.join(offered)}\n",
        406,
        headers={"Vary": "Accept"},
    )


# -- SPARQL --------------------------------------------------------------------------------


async def sparql_endpoint(request: Request) -> Response:
    server = _server(request)
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
        chosen = choose(accept, list(_RDF_FORMATS))
        if chosen is None:
            return _not_acceptable(list(_RDF_FORMATS))
        endpoint = server.settings.public_url + "sparql"
        triples = service_description(
            endpoint,
            server.site.counts_by_graph(),
            server.settings.time_limit,
            server.settings.max_result_bytes,
        )
        body = ox.serialize(triples, format=_RDF_FORMATS[chosen], prefixes=_sd_prefixes(chosen))
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


async def query_page(request: Request) -> Response:
    """A form for a SPARQL query and, once one is sent, its answer as a table."""
    server = _server(request)
    params = request.query_params
    example = params.get("example")
    text = params.get("query")
    if example is not None and example in server.queries and text is None:
        canned = server.queries[example]
        # With its parameters' defaults bound, as /queries/NAME runs it.
        text = bind_values(canned.text, bind_parameters(canned))
    context: dict[str, Any] = {
        "title": "Query",
        "query": text or _EXAMPLE_QUERY,
        "error": None,
        "boolean": None,
        "columns": [],
        "rows": [],
        "time_limit": f"{server.settings.time_limit:g}",
        "examples": [
            (q.name, q.question)
            for q in server.queries.values()
            if not any(p.default is None for p in q.parameters)
        ],
    }
    status = 200
    if text:
        outcome = await server.run_sparql(
            QueryRequest(text, None, None, page_rows=server.settings.page_rows)
        )
        if not outcome.ok:
            context["error"] = outcome.body.decode("utf-8", "replace").strip()
            status = outcome.status
        else:
            # Off the event loop: other clients are served while a table is built.
            table = await anyio.to_thread.run_sync(
                pages.results_rows, server.site, outcome.body, limiter=server.renderer
            )
            context.update(table._asdict(), page_rows=server.settings.page_rows)
    body = await anyio.to_thread.run_sync(
        lambda: pages.render("query.html", **context), limiter=server.renderer
    )
    return _html(body, status)


# -- canned queries ------------------------------------------------------------------------


async def queries_index(request: Request) -> Response:
    server = _server(request)
    return _html(
        server.page(
            "queries", "queries.html", title="Questions", queries=list(server.queries.values())
        )
    )


async def canned_query(request: Request) -> Response:
    """``/queries/NAME``: a canned query with parameters bound as in ``kg query``."""
    server = _server(request)
    name = request.path_params["name"]
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in _RESULTS_SUFFIXES:
        name, media_type = stem, _RESULTS_SUFFIXES[suffix]
    else:
        media_type = None
    query = server.queries.get(name)
    if query is None:
        return server.not_found(request, f"no canned query '{name}' (see /queries)")
    if media_type is None:
        media_type = choose(request.headers.get("accept"), [*RESULTS_TYPES, HTML])
        if media_type is None:
            return _not_acceptable([*RESULTS_TYPES, HTML])
    given: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in given:
            return PlainTextResponse(f"parameter '{key}' given twice\n", 400)
        if value.strip():
            given[key] = value
    try:
        terms = bind_parameters(query, given)
    except KgError as error:
        if media_type == HTML:
            return _html(_canned_page(server, query, given, error=str(error)), 400)
        return PlainTextResponse(f"{error}\n", 400)
    results_type = "application/sparql-results+json" if media_type == HTML else media_type
    key = AnswerCache.key("canned", name, [term.n3() for term in terms.values()], results_type)
    cached = server.cache.get(key)
    if cached is None:
        body = await anyio.to_thread.run_sync(server.run_canned, query, terms, results_type)
        cached = QueryOutcome(200, results_type, body, "solutions")
        server.cache.put(key, cached)
    if media_type == HTML:
        table = pages.results_rows(server.site, cached.body)
        return _html(_canned_page(server, query, given, columns=table.columns, rows=table.rows))
    return Response(cached.body, media_type=media_type, headers={"Vary": "Accept"})


def _canned_page(server: _Server, query: QueryFile, given: dict[str, str], **context: Any) -> str:
    from urllib.parse import urlencode

    suffix = f"?{urlencode(given)}" if given else ""
    formats = {ext: f"/queries/{query.name}.{ext}{suffix}" for ext in _RESULTS_SUFFIXES}
    return pages.render(
        "canned.html",
        title=query.question,
        q=query,
        values=given,
        formats=formats,
        error=context.get("error"),
        columns=context.get("columns", []),
        rows=context.get("rows", []),
    )


# -- pages -------------------------------------------------------------------------------


async def index_page(request: Request) -> Response:
    server = _server(request)
    site = server.site
    return _html(
        server.page(
            "index",
            "index.html",
            title="The Siege of Constantinople (626)",
            groups=site.index(),
            counts=site.counts(),
            base=server.settings.public_url,
            sentences=sum(1 for slug in site.slugs if slug.startswith("sentence-")),
            open_classes={"siege", "person"},
            summary=site.siege_summary(),
        )
    )


async def timeline_page(request: Request) -> Response:
    server = _server(request)
    entries = server.site.timeline()
    return _html(
        server.page(
            "timeline",
            "timeline.html",
            title="Timeline",
            entries=entries,
            events=len({entry.event.iri for entry in entries}),
            strip=pages.timeline_strip(entries),
        )
    )


async def map_page(request: Request) -> Response:
    server = _server(request)
    places = server.site.places()
    overview, detail = pages.map_figures(places)
    return _html(
        server.page(
            "map",
            "map.html",
            title="Map",
            places=places,
            unplaced=server.site.places_without_points(),
            overview=overview,
            detail=detail,
        )
    )


async def void_document(request: Request) -> Response:
    """``/void``: the dataset description (VoID and DCAT), by content negotiation."""
    server = _server(request)
    chosen = choose(request.headers.get("accept"), [*_RDF_FORMATS, HTML])
    if chosen is None:
        return _not_acceptable([*_RDF_FORMATS, HTML])
    turtle = server.documents.get(("void", "text/turtle"))
    if turtle is None:
        endpoint = server.settings.public_url + "sparql"
        turtle = await anyio.to_thread.run_sync(dataset_description, endpoint)
        server.documents[("void", "text/turtle")] = turtle
    if chosen == HTML:
        return _html(
            pages.render(
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
        body = ox.serialize(triples, format=_RDF_FORMATS[chosen])
    return Response(body, media_type=chosen, headers={"Vary": "Accept"})


# -- files -----------------------------------------------------------------------------------


async def downloads_page(request: Request) -> Response:
    server = _server(request)
    files = [
        (name, path.stat().st_size)
        for name, path in release_files(server.settings.dist_dir).items()
    ]
    return _html(
        pages.render(
            "downloads.html", title="Downloads", files=files, parts=server.site.part_names()
        )
    )


async def release_file(request: Request) -> Response:
    server = _server(request)
    name = request.path_params["path"]
    path = release_files(server.settings.dist_dir).get(name)
    if path is None:
        return server.not_found(request, f"no release file '{name}' (see /downloads)")
    media_type = DIST_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return Response(path.read_bytes(), media_type=media_type)


async def static_file(request: Request) -> Response:
    server = _server(request)
    name = request.path_params["name"]
    body = server.static.get(name)
    if body is None:
        return server.not_found(request, f"no static file '{name}'")
    media_type = _STATIC_TYPES.get(Path(name).suffix, "application/octet-stream")
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"})


async def _not_found_handler(request: Request, exc: Exception) -> Response:
    if "server" not in request.app.state._state:
        return PlainTextResponse("not found\n", 404)
    return _server(request).not_found(request, f"nothing at {request.url.path}")


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("method not allowed: this server is read-only\n", 405)


def create_app(
    settings: ServeSettings | None = None,
    graphs: Sequence[tuple[str, Path]] | None = None,
) -> Starlette:
    """The ASGI application; ``graphs`` defaults to the shipped parts of the graph."""
    chosen = settings or ServeSettings()
    server = _Server(chosen, graphs if graphs is not None else _graphs())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await server.pool.start()
        try:
            yield
        finally:
            await server.pool.close()

    routes = [
        Route("/", index_page),
        Route("/id/{slug}", identifier),
        Route("/page/{slug}", entity_page),
        Route("/data/{name}", entity_data),
        Route("/ontology", ontology_document),
        Route("/ontology.{ext}", ontology_document),
        Route("/graph/{part}.{ext}", graph_document),
        Route("/graph/{part}", graph_document),
        Route("/sparql", sparql_endpoint, methods=["GET", "POST"]),
        Route("/query", query_page),
        Route("/queries", queries_index),
        Route("/queries/{name}", canned_query),
        Route("/timeline", timeline_page),
        Route("/map", map_page),
        Route("/void", void_document),
        Route("/downloads", downloads_page),
        Route("/dist/{path:path}", release_file),
        Route("/static/{name}", static_file),
    ]
    app = Starlette(
        routes=routes,
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
    app.state.server = server
    return app
