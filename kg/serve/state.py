"""What one running application holds: the graph, the SPARQL workers, the caches."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio
import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from kg.catalogue import QueryFile
from kg.errors import KgError
from kg.loading import PARTS, part_graph, part_paths
from kg.namespaces import KNOWN_PREFIXES
from kg.parameters import bind_values
from kg.queries import dataset_options, list_queries
from kg.serve.negotiation import choose
from kg.serve.render import render
from kg.serve.responses import HTML, RDF_FORMATS, RESULTS_FORMATS, rdf_prefixes
from kg.serve.settings import ServeSettings
from kg.serve.site import SiteGraph
from kg.serve.sparql.cache import AnswerCache
from kg.serve.sparql.pool import QueryOutcome, QueryRequest, WorkerPool

__all__ = ["Server", "server_of", "shipped_graphs"]

_STATIC = Path(__file__).with_name("static")


def shipped_graphs() -> list[tuple[str, Path]]:
    """(named graph, file) of every part the package ships."""
    return [(str(part_graph(part)), path) for part in PARTS for path in part_paths(part)]


class Server:
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

    def rdf(self, key: str, media_type: str, triples: Sequence[ox.Triple]) -> bytes:
        """The triples serialized as ``media_type``, kept under ``key`` for the next time."""
        cached = self.documents.get((key, media_type))
        if cached is None:
            cached = ox.serialize(
                triples, format=RDF_FORMATS[media_type], prefixes=rdf_prefixes(media_type, triples)
            )
            self.documents[(key, media_type)] = cached
        return cached

    def page(self, key: str, template: str, **context: Any) -> str:
        """A page that depends on the graph alone, rendered once and kept under ``key``."""
        cached = self.html.get(key)
        if cached is None:
            cached = render(template, **context)
            self.html[key] = cached
        return cached

    def not_found(self, request: Request, what: str) -> Response:
        if choose(request.headers.get("accept"), [HTML, "text/plain"]) == HTML:
            body = render(
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
            request.cell_chars,
            request.page_bytes,
        )
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        outcome = await self.pool.run(request)
        if outcome.ok:
            self.cache.put(key, outcome)
        return outcome

    def run_canned(self, query: QueryFile, terms: dict[str, Any], media_type: str) -> bytes:
        """A canned query's answer on the embedded store, in the process itself."""
        text = bind_values(query.text, terms)
        results = self.site.store.query(
            text, prefixes=KNOWN_PREFIXES, **dataset_options(self.site.store, query)
        )
        if isinstance(results, ox.QueryTriples):
            raise KgError(f"query '{query.name}' builds a graph; ask /sparql for it")
        return results.serialize(format=RESULTS_FORMATS[media_type])


def server_of(request: Request) -> Server:
    """The state of the application that received ``request``."""
    return request.app.state.server  # type: ignore[no-any-return]
