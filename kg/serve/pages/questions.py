"""``/queries``: the canned questions; ``/queries/NAME``: one answered, as a table or as a
SPARQL result (``.json``, ``.xml``, ``.csv``, ``.tsv`` or by Accept), with parameters bound
as ``kg query`` binds them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from kg.catalogue import QueryFile
from kg.errors import KgError
from kg.queries import bind_parameters
from kg.serve.cache import AnswerCache
from kg.serve.negotiation import choose
from kg.serve.pages.results import results_rows
from kg.serve.pool import QueryOutcome
from kg.serve.render import render
from kg.serve.responses import HTML, RESULTS_SUFFIXES, CopiedFile, html, not_acceptable
from kg.serve.sparql import RESULTS_TYPES
from kg.serve.state import Server, server_of

__all__ = ["ROUTES", "copied_files"]


async def queries_index(request: Request) -> Response:
    server = server_of(request)
    return html(
        server.page(
            "queries", "queries.html", title="Questions", queries=list(server.queries.values())
        )
    )


async def canned_query(request: Request) -> Response:
    """``/queries/NAME``: a canned query with parameters bound as in ``kg query``."""
    server = server_of(request)
    name = request.path_params["name"]
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix in RESULTS_SUFFIXES:
        name, media_type = stem, RESULTS_SUFFIXES[suffix]
    else:
        media_type = None
    query = server.queries.get(name)
    if query is None:
        return server.not_found(request, f"no canned query '{name}' (see /queries)")
    if media_type is None:
        media_type = choose(request.headers.get("accept"), [*RESULTS_TYPES, HTML])
        if media_type is None:
            return not_acceptable([*RESULTS_TYPES, HTML])
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
            return html(_canned_page(query, given, error=str(error)), 400)
        return PlainTextResponse(f"{error}\n", 400)
    results_type = "application/sparql-results+json" if media_type == HTML else media_type
    key = AnswerCache.key("canned", name, [term.n3() for term in terms.values()], results_type)
    cached = server.cache.get(key)
    if cached is None:
        body = await anyio.to_thread.run_sync(server.run_canned, query, terms, results_type)
        cached = QueryOutcome(200, results_type, body, "solutions")
        server.cache.put(key, cached)
    if media_type == HTML:
        table = results_rows(server.site, cached.body)
        return html(_canned_page(query, given, columns=table.columns, rows=table.rows))
    return Response(cached.body, media_type=media_type, headers={"Vary": "Accept"})


def _canned_page(query: QueryFile, given: dict[str, str], **context: Any) -> str:
    suffix = f"?{urlencode(given)}" if given else ""
    formats = {ext: f"/queries/{query.name}.{ext}{suffix}" for ext in RESULTS_SUFFIXES}
    return render(
        "canned.html",
        title=query.question,
        q=query,
        values=given,
        formats=formats,
        error=context.get("error"),
        columns=context.get("columns", []),
        rows=context.get("rows", []),
    )


ROUTES = [Route("/queries", queries_index), Route("/queries/{name}", canned_query)]


def copied_files(server: Server) -> list[CopiedFile]:
    files = [
        CopiedFile("/queries", "queries.html", HTML),
        # /queries is also a directory: a host that redirects /queries to /queries/ finds it.
        CopiedFile("/queries", "queries/index.html", HTML),
    ]
    for name in server.queries:
        files.append(CopiedFile(f"/queries/{name}", f"queries/{name}.html", HTML))
        files.extend(
            CopiedFile(f"/queries/{name}.{ext}", f"queries/{name}.{ext}")
            for ext in RESULTS_SUFFIXES
        )
    return files
