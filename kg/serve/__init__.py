"""``kg serve``: the graph over HTTP — SPARQL endpoint, linked-data documents and pages.

>>> from kg.serve import ServeSettings, create_app
>>> app = create_app(ServeSettings(time_limit=5))  # doctest: +SKIP
"""

from __future__ import annotations

from kg.serve.app import ServeSettings, create_app

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServeSettings", "create_app", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8626


def serve(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, settings: ServeSettings | None = None
) -> None:
    """Serve the graph until interrupted (uvicorn, one process plus the query workers)."""
    from dataclasses import replace

    import uvicorn

    from kg.serve.connection import with_request_deadline

    chosen = replace(settings or ServeSettings(), host=host, port=port)
    uvicorn.run(
        create_app(chosen),
        host=host,
        port=port,
        # A request must arrive whole in time: no connection is held by a slow sender.
        http=with_request_deadline(),
        log_level="info",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=5,
    )
