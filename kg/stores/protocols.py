"""The three standard protocols over HTTP: SPARQL 1.1 Query, SPARQL 1.1 Update, Graph Store.

Every request goes through :class:`StoreClient`, which turns transport failures and
refusals into one-line :class:`~kg.stores.presets.StoreError` messages. Credentials are sent only
in an Authorization header, Digest or Basic as the server's challenge asks (Basic never
in clear to another machine: :func:`~kg.stores.presets.basic_refusal`); no message ever
includes them.

A store is not trusted to end its answer: every request has one deadline over the whole
exchange (connecting, sending, every byte of the answer), and the answer is read as it
arrives, up to the target's ``--max-answer`` of decoded bytes (:mod:`kg.stores.answers`).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Generator, Iterable
from typing import Any

import httpx

from kg.stores.answers import (
    ACCEPT_ENCODING,
    AnswerTooLarge,
    BadEncoding,
    StoreAnswer,
    read_body,
)
from kg.stores.presets import (
    DEFAULT_READ_TIMEOUT,
    StoreError,
    StoreOptionError,
    StoreTarget,
    basic_refusal,
)

__all__ = ["DEFAULT_READ_TIMEOUT", "ChallengeAuth", "StoreClient"]

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
# Seconds to wait for a connection: a store that is up accepts at once.
CONNECT_TIMEOUT = 10.0
# Of an error page only the first meaningful line is shown; this much of it is read.
ERROR_PAGE_BYTES = 16_384
# A tag has no "<" inside: so the pattern never rescans, whatever the page holds.
_TAGS = re.compile(r"<[^<>]*>")


class ChallengeAuth(httpx.Auth):
    """HTTP Digest or Basic, whichever the server's ``WWW-Authenticate`` challenges offer.

    The first request goes out without credentials; after the first challenge the scheme
    is remembered, so later requests (and large uploads) are sent once, authorised.
    ``refuse_basic(url)`` says why a Basic challenge from ``url`` must not be answered
    (StoreOptionError), or None. The challenge's body is never needed.
    """

    requires_request_body = True

    def __init__(
        self,
        user: str,
        password: str,
        refuse_basic: Callable[[str], str | None] = lambda url: None,
    ) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._refuse_basic = refuse_basic
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
        # Digest whenever it is offered, even beside Basic: the password itself is sent
        # only when the server leaves no other way.
        offered = {
            value.strip().partition(" ")[0].lower()
            for value in response.headers.get_list("www-authenticate")
        }
        if "digest" in offered:
            self._scheme = "digest"
            flow = self._digest.auth_flow(request)
            next(flow)  # the digest flow's own unauthorised first attempt, already made
            try:
                authorised = flow.send(response)
                flow.send((yield authorised))
            except StopIteration:
                pass
        elif "basic" in offered:
            refusal = self._refuse_basic(str(request.url))
            if refusal is not None:
                raise StoreOptionError(refusal)
            self._scheme = "basic"
            yield from self._basic.auth_flow(request)


class StoreClient:
    """Requests to one store; use as a context manager, as for any client of a server.

    ``read_timeout`` bounds the whole of every request: connecting, sending it, and the
    answer to its last byte. A timeout per read would let a store that sends a byte
    every few seconds hold the command for ever; so each request runs in an event loop
    of its own, which the deadline cancels wherever the request waits.
    """

    def __init__(self, target: StoreTarget, read_timeout: float = DEFAULT_READ_TIMEOUT) -> None:
        self.target = target
        self.read_timeout = read_timeout
        self._auth: ChallengeAuth | None = None
        if target.user is not None and target.password is not None:
            self._auth = ChallengeAuth(
                target.user, target.password, lambda url: basic_refusal(target, url)
            )
        self._timeout = httpx.Timeout(read_timeout, connect=CONNECT_TIMEOUT)
        # Made once: building it reads the certificate bundle.
        self._tls = httpx.create_ssl_context()

    def __enter__(self) -> StoreClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Nothing stays open between requests: each has its own connection."""

    # --- SPARQL 1.1 Protocol -------------------------------------------------------------

    def query(
        self, text: str, default_graphs: Iterable[str] = (), accept: str = RESULTS_JSON
    ) -> StoreAnswer:
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
        answer = self.query(text, default_graphs)
        try:
            document = json.loads(answer.content)
        except RecursionError:
            raise StoreError(
                f"query: {self.target.query_url()} answered JSON nested too deeply to read"
            ) from None
        except ValueError:  # not JSON, or not in a Unicode encoding
            raise StoreError(
                f"query: {self.target.query_url()} answered with something other than "
                f"SPARQL JSON results ({answer.content_type})"
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

    def _send(self, what: str, method: str, url: str, **kwargs: Any) -> StoreAnswer:
        headers = {"Accept-Encoding": ACCEPT_ENCODING, **kwargs.pop("headers", {})}
        try:
            return asyncio.run(self._exchange(what, method, url, headers=headers, **kwargs))
        except TimeoutError:  # the deadline of the whole exchange
            raise StoreError(
                f"{what}: {url} did not answer within {self.read_timeout:g} s"
            ) from None

    async def _exchange(self, what: str, method: str, url: str, **kwargs: Any) -> StoreAnswer:
        async with asyncio.timeout(self.read_timeout):
            try:
                async with httpx.AsyncClient(
                    verify=self._tls, timeout=self._timeout, follow_redirects=False
                ) as http:
                    request = http.build_request(method, url, **kwargs)
                    response = await self._authorised(http, request)
                    try:
                        return await self._read(what, url, response)
                    finally:
                        await response.aclose()
            except httpx.ConnectError as error:
                reason = _reason(error)
                raise StoreError(f"{what}: cannot reach the store at {url} ({reason})") from None
            except httpx.ConnectTimeout:
                raise StoreError(
                    f"{what}: cannot reach the store at {url} (no connection within "
                    f"{CONNECT_TIMEOUT:g} s)"
                ) from None
            except httpx.TimeoutException:
                raise TimeoutError from None
            except httpx.HTTPError as error:
                raise StoreError(
                    f"{what}: the connection to {url} broke ({_reason(error)})"
                ) from None

    async def _authorised(self, http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
        """The answer to ``request``, sent again with credentials when the store asks.

        The challenge flow is driven here rather than by httpx, which would read the
        whole body of each challenge into memory first.
        """
        if self._auth is None:
            return await http.send(request, stream=True)
        flow = self._auth.auth_flow(request)
        outgoing = next(flow)
        while True:
            response = await http.send(outgoing, stream=True)
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return response
            except BaseException:
                await response.aclose()
                raise
            await response.aclose()  # a challenge, answered by the next request

    async def _read(self, what: str, url: str, response: httpx.Response) -> StoreAnswer:
        if response.status_code == 401:
            raise StoreError(
                f"{what}: {url} refused the credentials (HTTP 401)"
                if self.target.user is not None
                else f"{what}: {url} needs credentials (--user and --password-env)"
            )
        if response.status_code >= 400:
            try:
                page = await read_body(response, ERROR_PAGE_BYTES, truncate=True)
            except BadEncoding:
                page = b""
            text = page.decode(response.charset_encoding or "utf-8", errors="replace")
            raise StoreError(
                f"{what}: {url} answered HTTP {response.status_code}: "
                f"{_summary(text, response.reason_phrase)}"
            )
        limit = self.target.max_answer_bytes
        try:
            content = await read_body(response, limit)
        except AnswerTooLarge:
            raise StoreError(
                f"{what}: {url} answered more than {self.target.max_answer_mb} MB, the most "
                "kg reads; stopped reading (--max-answer raises the limit)"
            ) from None
        except BadEncoding as error:
            raise StoreError(f"{what}: {url} answered what kg cannot read: {error}") from None
        return StoreAnswer(
            response.status_code,
            response.reason_phrase,
            response.headers.get("content-type", "no type"),
            response.charset_encoding,
            content,
        )


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _summary(page: str, reason_phrase: str, limit: int = 300) -> str:
    """The first meaningful line of an error body, without HTML tags."""
    text = _TAGS.sub(" ", page)
    lines = [line.strip() for line in text.splitlines()]
    meaningful = [line for line in lines if line and not line.lower().startswith("<!doctype")]
    skip = {"sparql graph protocol request failed", "error", "bad request"}
    for line in meaningful:
        if line.lower() not in skip and not line.lower().startswith("http/1.1"):
            return line if len(line) <= limit else line[:limit] + "…"
    return reason_phrase or "no reason given"
