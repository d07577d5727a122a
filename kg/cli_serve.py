"""The ``kg serve`` command: the graph over HTTP until interrupted.

It parses its options and calls :func:`kg.serve.serve`; the server's modules are imported
only when the command runs, so other commands start no slower.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from urllib.parse import urlsplit

import click

from kg.cli_types import Seconds, dist_option
from kg.errors import KgError

__all__ = ["serve_command"]


def listen_address(host: str) -> str:
    """``host`` checked: an IP address, or a host name this machine resolves without DNS.

    KgError (one line, exit 2) otherwise; the socket library's own errors for such a
    name (UnicodeError for an empty label) are tracebacks.
    """
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        socket.getaddrinfo(host, None, flags=socket.AI_PASSIVE | socket.AI_NUMERICSERV)
    except (OSError, UnicodeError, ValueError):
        raise KgError(
            f"--host {host!r}: neither an IP address nor a host name of this machine"
        ) from None
    return host


def checked_base_url(value: str | None) -> str | None:
    """``value`` checked as an absolute http(s) URL with no query, fragment or user, and
    no whitespace or control character anywhere."""
    if value is None:
        return None
    # urlsplit drops tabs and newlines wherever they are (as WHATWG parsers do), so the URL
    # it checks would not be the text the pages and headers are then written with.
    unfit = next((char for char in value if char.isspace() or not char.isprintable()), None)
    if unfit is not None:
        raise KgError(
            f"--base-url {value!r}: holds {unfit!r}; a URL has no whitespace or control "
            "characters (percent-encode them)"
        )
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise KgError(
            f"--base-url {value!r}: not an absolute http(s) URL such as https://example.org/"
        )
    return value


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
    type=Seconds(0.1, 3600),
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
@dist_option("offered under /dist/")
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Public address of the server, e.g. behind a proxy (default http://HOST:PORT/). "
    "Absolute links use it, and requests must name its host or the listening address.",
)
def serve_command(
    host: str,
    port: int,
    workers: int,
    time_limit: float,
    max_result_bytes: int,
    max_body_bytes: int,
    dist_dir: Path,
    base_url: str | None,
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
        host=listen_address(host),
        port=port,
        base_url=checked_base_url(base_url),
    )
    url = settings.public_url
    click.echo(f"kg serve: {url} (SPARQL endpoint {url}sparql)", err=True)
    serve(host, port, settings)
