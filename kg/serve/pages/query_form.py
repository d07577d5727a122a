"""``/query``: a form for any SPARQL query, and its answer as a table once one is sent.

The query goes to the same worker pool as ``/sparql``, with the same limits and refusals.
"""

from __future__ import annotations

from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kg.parameters import bind_values
from kg.queries import bind_parameters
from kg.serve.pages.results import results_rows
from kg.serve.pool import QueryRequest
from kg.serve.render import render
from kg.serve.responses import CopiedFile, html
from kg.serve.state import Server, server_of

__all__ = ["ROUTES", "copied_files"]

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


async def query_page(request: Request) -> Response:
    """A form for a SPARQL query and, once one is sent, its answer as a table."""
    server = server_of(request)
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
                results_rows, server.site, outcome.body, limiter=server.renderer
            )
            context.update(table._asdict(), page_rows=server.settings.page_rows)
    body = await anyio.to_thread.run_sync(
        lambda: render("query.html", **context), limiter=server.renderer
    )
    return html(body, status)


ROUTES = [Route("/query", query_page)]


def copied_files(server: Server) -> list[CopiedFile]:
    """None: a static host cannot run a query (the copy's pages still link to the form)."""
    return []
