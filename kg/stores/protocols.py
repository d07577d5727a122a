"""The three standard protocols over HTTP: SPARQL 1.1 Query, SPARQL 1.1 Update, Graph Store.

Every request goes through :class:`StoreClient`, which turns transport failures and
refusals into one-line :class:`~kg.stores.presets.StoreError` messages. Credentials are sent only
in an Authorization header, Digest or Basic as the server's challenge asks; no message
ever includes them.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable
from typing import Any

import httpx

from kg.stores.presets import DEFAULT_READ_TIMEOUT, StoreError, StoreOptionError, StoreTarget

__all__ = ["DEFAULT_READ_TIMEOUT", "ChallengeAuth", "StoreClient"]

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
# Seconds to wait for a connection: a store that is up accepts at once.
CONNECT_TIMEOUT = 10.0
_TAGS = re.compile(r"<[^>]*>")


class ChallengeAuth(httpx.Auth):
    """HTTP Digest or Basic, whichever the server's ``WWW-Authenticate`` challenge names.

    The first request goes out without credentials; after the first challenge the scheme
    is remembered, so later requests (and large uploads) are sent once, authorised.
    """

    requires_request_body = True
    requires_response_body = True

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        if self._scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        if challenge.startswith("digest"):
            self._scheme = "digest"
            flow = self._digest.auth_flow(request)
            next(flow)  # the digest flow's own unauthorised first attempt, already made
            try:
                authorised = flow.send(response)
                flow.send((yield authorised))
            except StopIteration:
                pass
        elif challenge.startswith("basic"):
            self._scheme = "basic"
            yield from self._basic.auth_flow(request)


class StoreClient:
    """Requests to one store; use as a context manager so its connections are closed.

    ``read_timeout`` bounds, for every request, each wait for the store: to take the
    request's bytes, to answer, and for a free connection of the pool.
    """

    def __init__(self, target: StoreTarget, read_timeout: float = DEFAULT_READ_TIMEOUT) -> None:
        self.target = target
        self.read_timeout = read_timeout
        auth = None
        if target.user is not None and target.password is not None:
            auth = ChallengeAuth(target.user, target.password)
        timeout = httpx.Timeout(read_timeout, connect=CONNECT_TIMEOUT)
        self._http = httpx.Client(auth=auth, timeout=timeout, follow_redirects=False)

    def __enter__(self) -> StoreClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # --- SPARQL 1.1 Protocol -------------------------------------------------------------

    def query(
        self, text: str, default_graphs: Iterable[str] = (), accept: str = RESULTS_JSON
    ) -> httpx.Response:
        """POST ``text`` (URL-encoded form) with each graph as a ``default-graph-uri``."""
        form = [("query", text)] + [("default-graph-uri", str(g)) for g in default_graphs]
        return self._send(
            "query",
            "POST",
            self.target.query_url(),
            content=str(httpx.QueryParams(form)).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )

    def select_json(self, text: str, default_graphs: Iterable[str] = ()) -> dict[str, Any]:
        response = self.query(text, default_graphs)
        try:
            document = response.json()
        except ValueError:
            raise StoreError(
                f"query: {self.target.query_url()} answered with something other than "
                f"SPARQL JSON results ({response.headers.get('content-type', 'no type')})"
            ) from None
        if not isinstance(document, dict):
            raise StoreError(f"query: {self.target.query_url()} answered malformed JSON results")
        return document

    def update(self, text: str, what: str = "update") -> None:
        """POST one SPARQL Update request (``application/sparql-update``)."""
        self._send(
            what,
            "POST",
            self.target.update_url(),
            content=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update", "Accept": "*/*"},
        )

    # --- Graph Store HTTP Protocol -------------------------------------------------------

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` with the N-Triples document ``ntriples``."""
        url = self.target.gsp_url()
        if url is None:
            raise StoreOptionError(
                f"the '{self.target.store.name}' preset has no Graph Store endpoint; "
                "use --protocol update"
            )
        self._send(
            f"Graph Store PUT of <{graph}>",
            "PUT",
            url,
            params={self.target.store.gsp_graph_parameter: graph},
            content=ntriples,
            headers={"Content-Type": N_TRIPLES},
        )

    # --- plumbing ------------------------------------------------------------------------

    def _send(self, what: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx.ConnectError as error:
            reason = _reason(error)
            raise StoreError(f"{what}: cannot reach the store at {url} ({reason})") from None
        except httpx.ConnectTimeout:
            raise StoreError(
                f"{what}: cannot reach the store at {url} (no connection within "
                f"{CONNECT_TIMEOUT:g} s)"
            ) from None
        except httpx.TimeoutException:
            raise StoreError(
                f"{what}: {url} did not answer within {self.read_timeout:g} s"
            ) from None
        except httpx.HTTPError as error:
            raise StoreError(f"{what}: the connection to {url} broke ({_reason(error)})") from None
        if response.status_code == 401:
            raise StoreError(
                f"{what}: {url} refused the credentials (HTTP 401)"
                if self.target.user is not None
                else f"{what}: {url} needs credentials (--user and --password-env)"
            )
        if response.status_code >= 400:
            raise StoreError(
                f"{what}: {url} answered HTTP {response.status_code}: {_summary(response)}"
            )
        return response


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _summary(response: httpx.Response, limit: int = 300) -> str:
    """The first meaningful line of an error body, without HTML tags."""
    text = _TAGS.sub(" ", response.text)
    lines = [line.strip() for line in text.splitlines()]
    meaningful = [line for line in lines if line and not line.lower().startswith("<!doctype")]
    skip = {"sparql graph protocol request failed", "error", "bad request"}
    for line in meaningful:
        if line.lower() not in skip and not line.lower().startswith("http/1.1"):
            return line if len(line) <= limit else line[:limit] + "…"
    return response.reason_phrase or "no reason given"
