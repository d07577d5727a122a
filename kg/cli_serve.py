"""The ``kg serve`` command: the graph over HTTP until interrupted.

It parses its options and calls :func:`kg.serve.serve`; the server's modules are imported
only when the command runs, so other commands start no slower.
"""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["serve_command"]


@click.command("serve", short_help="Serve the graph: SPARQL endpoint, linked data, pages.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default, loopback, keeps the server to this machine.",
)
@click.option(
    "--port",
    default=8626,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="SPARQL worker processes (each holds a copy of the graph).",
)
@click.option(
    "--time-limit",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    metavar="SECONDS",
    help="How long one SPARQL query may run before it is cut off.",
)
@click.option(
    "--max-result-bytes",
    default=10_000_000,
    show_default=True,
    type=click.IntRange(1_000),
    metavar="BYTES",
    help="Largest SPARQL result sent; a larger one is refused.",
)
@click.option(
    "--max-body-bytes",
    default=1_000_000,
    show_default=True,
    type=click.IntRange(1_000),
    metavar="BYTES",
    help="Largest request body accepted (413 above it).",
)
@click.option(
    "--dist",
    "dist_dir",
    default=Path("dist"),
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    metavar="DIR",
    help="Release directory offered under /dist/ (make release builds it).",
)
def serve_command(
    host: str,
    port: int,
    workers: int,
    time_limit: float,
    max_result_bytes: int,
    max_body_bytes: int,
    dist_dir: Path,
) -> None:
    """Serve the graph at http://HOST:PORT/ until interrupted (Ctrl-C).

    /sparql is a read-only SPARQL 1.1 endpoint; /id/X answers for the data IRI
    https://w3id.org/siege626/id/X (303 to /page/X or /data/X.ttl|.jsonld|.nt);
    /ontology, /timeline, /map, /query and /queries/NAME are pages for people.
    """
    from kg.serve import ServeSettings, serve

    settings = ServeSettings(
        time_limit=time_limit,
        max_result_bytes=max_result_bytes,
        max_body_bytes=max_body_bytes,
        workers=workers,
        dist_dir=dist_dir,
    )
    click.echo(
        f"kg serve: http://{host}:{port}/ (SPARQL endpoint http://{host}:{port}/sparql)", err=True
    )
    serve(host, port, settings)
