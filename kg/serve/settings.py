"""The settings of one server: its limits, its address, the host names it answers to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["ServeSettings", "url_host"]

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_WILDCARDS = frozenset({"0.0.0.0", "::", ""})


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
    page_bytes: int = 2_000_000  # bytes the rows of the /query page's table take at most
    page_cell_chars: int = 2000  # characters of one value the /query page shows
    host: str = "127.0.0.1"  # the address the server listens on
    port: int = 8626
    # The public address of the server (behind a proxy, say); by default http://HOST:PORT/.
    # Absolute URLs in pages and descriptions use it, never the client's Host header.
    base_url: str | None = None
    # False for the static copy of kg site: no server answers /sparql there, so the
    # dataset description names no SPARQL endpoint.
    sparql_endpoint: bool = True

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


def url_host(host: str) -> str:
    """``host`` as it stands in a URL: loopback for a wildcard, IPv6 in brackets."""
    if host in _WILDCARDS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host
