"""kg as the client of a store that does not play fair: a real HTTP server on loopback.

The server (http.server in a thread, started here) answers each path with one attack:
an answer without end, a gzip bomb, bytes that trickle in, JSON of the wrong shape, a
terminal's escape sequences, a Basic challenge where Virtuoso asks for Digest. Every
one must end the command with one line on stderr and its exit status, never a
traceback, never the whole answer in memory, never the password in clear.
"""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cli_helpers import assert_one_line_error, invoke

from kg.stores.presets import (
    PASSWORD_ENV_DEFAULT,
    StoreError,
    StoreTarget,
    basic_refusal,
    preset,
)
from kg.stores.protocols import StoreClient

RESULTS_JSON = "application/sparql-results+json"
# A trickling server sends one byte per pause, for at most this many bytes: far longer
# than any deadline below, and still a bounded loop.
TRICKLE_PAUSE = 0.05
TRICKLE_BYTES = 20 * 60 * 20
# More than the default --max-answer of 100 MB once decoded, a fraction of it on the wire.
BOMB_MEGABYTES = 120


def _results(bindings: object, names: object = ("x",)) -> bytes:
    head = {"vars": list(names) if isinstance(names, tuple) else names}
    return json.dumps({"head": head, "results": {"bindings": bindings}}).encode()


def _gzip_bomb() -> bytes:
    """Valid SPARQL JSON results padded with BOMB_MEGABYTES of spaces, gzipped."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(b'{"head": {"vars": ["x"]}, "results": {"bindings": [')]
    block = b" " * 1_000_000
    parts += [packer.compress(block) for _ in range(BOMB_MEGABYTES)]
    parts.append(packer.compress(b"]}}") + packer.flush())
    return b"".join(parts)


ESCAPES = "\x1b]0;pwned\x07\x1b[2J\r\nfake row\u202eevil\x9b31m\x7f"

DOCUMENTS = {
    "/bindings-not-a-list": _results({"x": {"type": "uri", "value": "urn:a"}}),
    "/binding-not-an-object": _results([["urn:a"]]),
    "/term-not-an-object": _results([{"x": "urn:a"}]),
    "/vars-not-names": _results([], names=[{"name": "x"}]),
    "/bad-language-tag": _results(
        [{"x": {"type": "literal", "value": "Constantinople", "xml:lang": "en US\x1b[2J"}}]
    ),
    "/iri-with-controls": _results([{"x": {"type": "uri", "value": "urn:a\x1b]0;t\x07"}}]),
    "/deep-nesting": b"[" * 200_000,
    "/deep-nesting-in-a-term": _results([{"x": json.loads("[" * 900 + "]" * 900)}]),
    "/escapes": _results([{"x\x1b[2J": {"type": "literal", "value": ESCAPES}}], names=["x\x1b[2J"]),
}


class _HostileStore(BaseHTTPRequestHandler):
    stop = threading.Event()
    authorizations: list[str | None] = []
    bomb = b""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).authorizations.append(self.headers.get("Authorization"))
        path = self.path.split("?")[0]
        try:
            if path in DOCUMENTS:
                self._send(DOCUMENTS[path])
            elif path == "/endless":
                self._endless()
            elif path == "/gzip-bomb":
                self._send(type(self).bomb, {"Content-Encoding": "gzip"})
            elif path == "/gzipped-escapes":
                self._send(gzip.compress(DOCUMENTS["/escapes"]), {"Content-Encoding": "gzip"})
            elif path == "/brotli":
                self._send(b"\x0b\x02\x80{}\x03", {"Content-Encoding": "br"})
            elif path == "/trickle-body":
                self._trickle_body()
            elif path == "/trickle-headers":
                self._trickle_headers()
            elif path in ("/sparql", "/sparql-auth"):
                self._basic_challenge()
            elif path == "/basic-or-digest":
                self._basic_challenge(also_digest=True)
            else:
                self.send_error(404)
        except OSError:
            pass  # the client stopped reading and closed: what it should do

    def _send(self, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", RESULTS_JSON)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _endless(self) -> None:
        """Bindings without end (HTTP/1.0: the body ends when the connection does)."""
        self.send_response(200)
        self.send_header("Content-Type", RESULTS_JSON)
        self.end_headers()
        self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": [')
        row = b'{"x": {"type": "literal", "value": "' + b"a" * 1000 + b'"}},'
        for _ in range(10_000_000):  # 10 GB at most; the client hangs up long before
            if self.stop.is_set():
                return
            self.wfile.write(row * 100)

    def _trickle_body(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", RESULTS_JSON)
        self.send_header("Content-Length", str(TRICKLE_BYTES))
        self.end_headers()
        self._trickle(b" ")

    def _trickle_headers(self) -> None:
        self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        self._trickle(b"a")

    def _trickle(self, byte: bytes) -> None:
        for _ in range(TRICKLE_BYTES):
            if self.stop.wait(TRICKLE_PAUSE):
                return
            self.wfile.write(byte)
            self.wfile.flush()

    def _basic_challenge(self, also_digest: bool = False) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="virtuoso?"')
        if also_digest:
            self.send_header("WWW-Authenticate", 'Digest realm="store", nonce="4b1d", qop="auth"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_store() -> Iterator[str]:
    _HostileStore.bomb = _gzip_bomb()
    _HostileStore.stop.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HostileStore)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _HostileStore.stop.set()
    server.shutdown()
    server.server_close()


# --- the size of an answer -----------------------------------------------------------------


@pytest.mark.parametrize("command", ["query", "load"])
def test_an_endless_answer_stops_at_max_answer_with_exit_3(
    hostile_store: str, command: str
) -> None:
    url = f"{hostile_store}/endless"
    args = ["alliances"] if command == "query" else ["--parts", "data"]
    code, out, err = invoke(command, *args, "--endpoint", url, "--max-answer", "2")
    assert code == 3
    assert out == ""
    assert_one_line_error(err, f"query: {url} answered more than 2 MB, the most kg reads")
    assert "--max-answer" in err


def test_a_gzip_bomb_is_stopped_on_its_decoded_size_by_default(hostile_store: str) -> None:
    url = f"{hostile_store}/gzip-bomb"
    # The bomb is a fraction of a megabyte on the wire; decoded, it passes the default.
    assert len(_HostileStore.bomb) < 1_000_000
    code, out, err = invoke("query", "alliances", "--endpoint", url)
    assert code == 3
    assert out == ""
    assert_one_line_error(err, f"query: {url} answered more than 100 MB, the most kg reads")


def test_the_limit_counts_decoded_bytes_in_the_library(hostile_store: str) -> None:
    target = StoreTarget(f"{hostile_store}/gzip-bomb", preset("generic"), max_answer_mb=1)
    with StoreClient(target) as client, pytest.raises(StoreError, match="more than 1 MB"):
        client.select_json("ASK {}")


def test_an_answer_within_the_limit_is_read_whole(hostile_store: str) -> None:
    target = StoreTarget(f"{hostile_store}/gzip-bomb", preset("generic"), max_answer_mb=200)
    with StoreClient(target) as client:
        assert client.select_json("ASK {}") == {
            "head": {"vars": ["x"]},
            "results": {"bindings": []},
        }


def test_an_encoding_that_was_not_offered_is_refused(hostile_store: str) -> None:
    url = f"{hostile_store}/brotli"
    code, out, err = invoke("query", "alliances", "--endpoint", url)
    assert code == 3
    assert_one_line_error(
        err, f"query: {url} answered what kg cannot read: it sent content encoding br, "
    )


@pytest.mark.parametrize("value", ["0", "-3", "lots"])
def test_max_answer_is_a_positive_number_of_megabytes(value: str) -> None:
    code, _, err = invoke("load", "--endpoint", "http://127.0.0.1:1", "--max-answer", value)
    assert code == 2
    assert "Invalid value for '--max-answer'" in err


def test_max_answer_needs_an_endpoint() -> None:
    code, _, err = invoke("query", "alliances", "--max-answer", "5")
    assert code == 2
    assert "--max-answer needs --endpoint" in err


# --- one deadline over the whole request ----------------------------------------------------


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers"])
def test_read_timeout_bounds_an_answer_that_trickles(hostile_store: str, path: str) -> None:
    # A byte arrives far more often than every second: only a deadline over the whole
    # request ends it.
    url = f"{hostile_store}{path}"
    code, out, err = invoke("load", "--endpoint", url, "--parts", "data", "--read-timeout", "1")
    assert code == 3
    assert out == ""
    assert_one_line_error(err, f"query: {url} did not answer within 1 s")
    assert err.endswith("; no graph was changed\n")


def test_the_deadline_covers_the_whole_request_in_the_library(hostile_store: str) -> None:
    target = StoreTarget(f"{hostile_store}/trickle-body", preset("generic"))
    with StoreClient(target, read_timeout=0.5) as client:
        with pytest.raises(StoreError, match=r"did not answer within 0\.5 s"):
            client.select_json("ASK {}")


# --- answers of the wrong shape ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/bindings-not-a-list", "malformed SPARQL JSON results: results.bindings is not a list"),
        ("/binding-not-an-object", "malformed SPARQL JSON results: a binding is not an object"),
        ("/term-not-an-object", "malformed SPARQL JSON term: not an object"),
        ("/vars-not-names", "malformed SPARQL JSON results: head.vars is not a list of names"),
        ("/bad-language-tag", "malformed SPARQL JSON term: the language tag 'en US\\x1b[2J'"),
        ("/iri-with-controls", "malformed SPARQL JSON term: 'urn:a\\x1b]0;t\\x07' is not an IRI"),
        ("/deep-nesting", "query: {url} answered JSON nested too deeply to read"),
        ("/deep-nesting-in-a-term", "malformed SPARQL JSON term: not an object"),
    ],
)
def test_malformed_json_results_are_one_line_exit_3(
    hostile_store: str, path: str, message: str
) -> None:
    url = f"{hostile_store}{path}"
    code, out, err = invoke("query", "alliances", "--endpoint", url)
    assert code == 3
    assert out == ""
    assert_one_line_error(err, message.format(url=url))
    assert "\x1b" not in err


# --- what reaches the terminal ------------------------------------------------------------------


def test_the_stores_control_characters_are_shown_escaped_in_a_table(hostile_store: str) -> None:
    code, out, err = invoke("query", "alliances", "--endpoint", f"{hostile_store}/escapes")
    assert (code, err) == (0, "")
    for raw in ("\x1b", "\x07", "\r", "\u202e", "\x9b", "\x7f"):
        assert raw not in out
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\r\\nfake row\\u202eevil\\x9b31m\\x7f" in out
    assert out.splitlines()[0].strip() == "x\\x1b[2J"  # the column's name too
    assert out.endswith("(1 row)\n")


def test_other_formats_keep_the_exact_text(hostile_store: str) -> None:
    # gzip, as a store may send it when asked: decoded like any answer.
    url = f"{hostile_store}/gzipped-escapes"
    code, out, _ = invoke("query", "alliances", "--endpoint", url, "--format", "json")
    assert code == 0
    assert json.loads(out)["results"]["bindings"][0]["x\x1b[2J"]["value"] == ESCAPES


# --- passwords never in clear ---------------------------------------------------------------------


def test_virtuoso_never_answers_a_basic_challenge_over_http(hostile_store: str) -> None:
    _HostileStore.authorizations = []
    code, out, err = invoke(
        "query",
        "alliances",
        "--endpoint",
        hostile_store,
        "--store",
        "virtuoso",
        "--user",
        "dba",
        env={PASSWORD_ENV_DEFAULT: "s3cret-pw"},
    )
    assert code == 2
    assert_one_line_error(
        err, f"{hostile_store}/sparql-auth asked for HTTP Basic, which would send the password"
    )
    assert "s3cret-pw" not in out + err
    # The first request went without credentials, and no other followed.
    assert _HostileStore.authorizations == [None]


def test_digest_is_chosen_when_offered_beside_basic(hostile_store: str) -> None:
    _HostileStore.authorizations = []
    url = f"{hostile_store}/basic-or-digest"
    code, out, err = invoke(
        "query", "alliances", "--endpoint", url, "--user", "dba", env={PASSWORD_ENV_DEFAULT: "pw"}
    )
    # This server refuses every answer; what matters is which one it was sent.
    assert code == 3
    assert_one_line_error(err, f"query: {url} refused the credentials (HTTP 401)")
    first, second = _HostileStore.authorizations
    assert first is None
    assert second is not None and second.startswith("Digest ")


def test_basic_is_refused_over_http_to_another_machine_and_allowed_over_https() -> None:
    def target(endpoint: str, store: str = "generic") -> StoreTarget:
        return StoreTarget(endpoint, preset(store), user="u", password="p")

    remote = target("http://store.example.org/sparql")
    assert "to another machine" in str(basic_refusal(remote, "http://store.example.org/sparql"))
    for url in ("http://127.0.0.1:3030/ds", "http://[::1]:3030/ds", "http://localhost:1/"):
        assert basic_refusal(target(url), url) is None
    secure = target("https://store.example.org/sparql")
    assert basic_refusal(secure, "https://store.example.org/sparql") is None
    virtuoso = target("http://127.0.0.1:8890", "virtuoso")
    assert "asks for Digest" in str(basic_refusal(virtuoso, "http://127.0.0.1:8890/sparql-auth"))
    assert basic_refusal(target("https://h:8890", "virtuoso"), "https://h:8890/sparql-auth") is None
