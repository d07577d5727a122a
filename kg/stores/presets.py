"""Triple-store presets: where a store keeps its SPARQL endpoints, and which quirks it has.

A preset turns the one URL a user gives (``--endpoint``) into the three services the
toolkit talks to: the SPARQL 1.1 Query and Update endpoints and the Graph Store HTTP
Protocol. Each preset also says how a store must be handled:

* ``oxigraph``: ``URL/query``, ``URL/update``, ``URL/store?graph=IRI``. A Graph Store PUT
  clears the graph and loads the new triples in two transactions, so it is never aimed
  at the target graph (see :mod:`kg.stores.loading`); update bodies are limited to 1 MiB.
* ``virtuoso``: ``URL/sparql`` (or ``URL/sparql-auth`` with credentials),
  ``URL/sparql-auth``, ``URL/sparql-graph-crud-auth?graph-uri=IRI``; HTTP Digest only
  (a Basic challenge over http:// is refused: see :func:`basic_refusal`).
  INSERT DATA fails above 1,000 to 2,000 triples and refuses blank nodes; a Graph Store
  upload stores an ill-typed literal as 0; answers carry the quirks that
  :mod:`kg.stores.virtuoso` undoes.
* ``fuseki``: ``URL/query``, ``URL/update``, ``URL/data?graph=IRI`` with URL the dataset
  (``http://host:3030/ds``).
* ``generic``: URL is the SPARQL endpoint for queries and updates alike; no Graph Store.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rdflib import URIRef

from kg import loading
from kg.errors import KgError

__all__ = [
    "DEFAULT_GRAPH_BASE",
    "DEFAULT_MAX_ANSWER_MB",
    "DEFAULT_READ_TIMEOUT",
    "PASSWORD_ENV_DEFAULT",
    "PRESETS",
    "PROTOCOLS",
    "StoreError",
    "StoreOptionError",
    "StorePreset",
    "StoreTarget",
    "TDB2_STORE",
    "basic_refusal",
    "is_graph_base",
    "preset",
]

PROTOCOLS = ("gsp", "update")
# Not a server but Jena's TDB2 database in a directory, filled by the bulk loader
# (kg.stores.tdb2); kg load --store jena-tdb2 --location DIR.
TDB2_STORE = "jena-tdb2"
DEFAULT_GRAPH_BASE = "https://w3id.org/siege626/graph/"
PASSWORD_ENV_DEFAULT = "SIEGE626_STORE_PASSWORD"
# Seconds a whole request may take, from connecting to the answer's last byte: long,
# because a store may take minutes to apply a large update; kg load --read-timeout
# lowers or raises it.
DEFAULT_READ_TIMEOUT = 600.0
# The largest answer read from a store, in megabytes (10**6 bytes) once decoded: far above
# any answer about this graph, far below what would exhaust memory once parsed (a JSON
# answer takes several times its size as Python objects); kg --max-answer changes it.
DEFAULT_MAX_ANSWER_MB = 100


class StoreError(KgError):
    """A store that cannot be reached, refuses a request, or answers what was not sent."""

    # The command line exits with this status (2 is for usage and input errors).
    exit_code = 3


class StoreOptionError(KgError):
    """A store named wrongly: unknown preset, malformed URL or IRI, missing password."""


@dataclass(frozen=True)
class StorePreset:
    """Endpoint paths (appended to the user's URL) and limits of one kind of store."""

    name: str
    query_path: str
    update_path: str
    gsp_path: str | None
    gsp_graph_parameter: str = "graph"
    # Used for queries instead of query_path when credentials are given.
    authenticated_query_path: str | None = None
    default_protocol: str = "gsp"
    # Largest SPARQL Update request the loader sends, in triples and in bytes.
    update_triples: int = 10_000
    update_bytes: int = 900_000
    # Names of the answer normalisations in kg.stores.virtuoso that apply to this store.
    quirks: frozenset[str] = field(default_factory=frozenset)
    # The store asks for HTTP Digest only: a Basic challenge is not the store's own.
    digest_only: bool = False


PRESETS: dict[str, StorePreset] = {
    "oxigraph": StorePreset(
        name="oxigraph",
        query_path="/query",
        update_path="/update",
        gsp_path="/store",
        # The server refuses SPARQL bodies above 1 MiB (MAX_SPARQL_BODY_SIZE).
        update_bytes=900_000,
    ),
    "virtuoso": StorePreset(
        name="virtuoso",
        query_path="/sparql",
        authenticated_query_path="/sparql-auth",
        update_path="/sparql-auth",
        gsp_path="/sparql-graph-crud-auth",
        gsp_graph_parameter="graph-uri",
        # "generated SQL text exceeded 10000 lines" from about 1,000 triples per request.
        update_triples=500,
        quirks=frozenset({"virtuoso"}),
        digest_only=True,
    ),
    "fuseki": StorePreset(
        name="fuseki",
        query_path="/query",
        update_path="/update",
        gsp_path="/data",
    ),
    "generic": StorePreset(
        name="generic",
        query_path="",
        update_path="",
        gsp_path=None,
        default_protocol="update",
        update_triples=1_000,
    ),
}


def preset(name: str) -> StorePreset:
    """The preset called ``name``; StoreOptionError lists the known ones."""
    try:
        return PRESETS[name]
    except KeyError:
        raise StoreOptionError(
            f"unknown store preset '{name}'; expected one of {', '.join(PRESETS)}"
        ) from None


@dataclass(frozen=True)
class StoreTarget:
    """One store as the user named it, with the graph IRIs the parts go to.

    The password never appears in ``repr`` and is sent only in an Authorization header.
    ``max_answer_mb`` is the largest answer read from the store (decoded megabytes).
    """

    endpoint: str
    store: StorePreset
    graph_base: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    max_answer_mb: int = DEFAULT_MAX_ANSWER_MB

    def __post_init__(self) -> None:
        try:
            parts = urlsplit(self.endpoint)
        except ValueError:  # an unclosed IPv6 bracket, "http://[::1"
            raise StoreOptionError("--endpoint must be an http:// or https:// URL") from None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreOptionError("--endpoint must be an http:// or https:// URL")
        if parts.username is not None or parts.password is not None:
            # The URL is echoed in messages, so it must not carry a secret.
            raise StoreOptionError(
                "--endpoint must not contain credentials; use --user and --password-env"
            )
        if parts.query or parts.fragment:
            raise StoreOptionError("--endpoint must not have a query string or a fragment")
        if self.graph_base is not None and not is_graph_base(self.graph_base):
            raise StoreOptionError(f"--graph-base is not an absolute IRI: {self.graph_base!r}")
        if (self.user is None) != (self.password is None):
            raise StoreOptionError("a user needs a password and a password a user")
        if self.max_answer_mb < 1:
            raise StoreOptionError("--max-answer must be at least 1 (megabyte)")

    @property
    def max_answer_bytes(self) -> int:
        return self.max_answer_mb * 1_000_000

    @property
    def base(self) -> str:
        return self.endpoint.rstrip("/")

    def query_url(self) -> str:
        path = self.store.query_path
        if self.user is not None and self.store.authenticated_query_path is not None:
            path = self.store.authenticated_query_path
        return self.base + path if path else self.endpoint

    def update_url(self) -> str:
        path = self.store.update_path
        return self.base + path if path else self.endpoint

    def gsp_url(self) -> str | None:
        return None if self.store.gsp_path is None else self.base + self.store.gsp_path

    def graph_for(self, part: str) -> URIRef:
        """The named graph that holds ``part``: the registry's IRI, or graph base + part."""
        if self.graph_base is None:
            return loading.part_graph(part)
        return URIRef(self.graph_base + part)

    def dataset(self, parts: tuple[str, ...] | None = None) -> tuple[URIRef, ...]:
        """The graphs that make up the default graph of a query: every registered part."""
        return tuple(self.graph_for(part) for part in (parts or loading.PARTS))


def basic_refusal(target: StoreTarget, url: str) -> str | None:
    """Why ``target`` must not answer an HTTP Basic challenge from ``url``; None if it may.

    Basic sends the password itself. Over https the channel protects it; over plain http
    anyone on the path reads it, and a man in the middle may ask for Basic in place of the
    Digest a store really asks for, just to read it. So over http:// Basic is refused for
    a preset whose store asks for Digest only (the challenge cannot be that store's, on
    any host), and for every preset when the host is not this machine's loopback, where
    nobody is on the path.
    """
    parts = urlsplit(url)
    if parts.scheme == "https":
        return None
    if target.store.digest_only:
        return (
            f"{url} asked for HTTP Basic, which would send the password in clear over "
            f"http; the {target.store.name} store asks for Digest, so nothing was sent"
        )
    if not _is_loopback(parts.hostname or ""):
        return (
            f"{url} asked for HTTP Basic, which would send the password in clear over "
            "http to another machine; nothing was sent (use an https:// endpoint)"
        )
    return None


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: it may resolve anywhere
        return False


def is_graph_base(text: str) -> bool:
    """Whether ``text`` can begin the IRI of a graph: absolute, nothing an IRI forbids."""
    try:
        parts = urlsplit(text)
    except ValueError:  # an unclosed IPv6 bracket
        return False
    forbidden = set('<>"{}|^`\\ ')
    return bool(parts.scheme) and not forbidden & set(text) and text.isprintable()
