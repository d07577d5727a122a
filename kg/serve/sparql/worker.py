"""A SPARQL worker process: holds its own copy of the graph and answers one query at a time.

``kg serve`` runs user SPARQL here, never in the server process, because a pyoxigraph
query cannot be interrupted from another thread: when a query outlives the time limit
the server kills this process (by its own PID) and starts a fresh one, and every other
client goes on being served meanwhile.

Two guards keep a query from making the server reach another host. First, every query
is made canonical and read by rdflib's SPARQL 1.1 parser (:mod:`kg.sparql_guard`, shared
with ``kg validate``), and refused if its parse tree holds a ``SERVICE`` pattern anywhere
(subqueries, EXISTS, OPTIONAL, MINUS, UNION…); Oxigraph then runs that canonical text,
never the text as sent, so the two parsers cannot read different queries. The decision
is taken on the parsed query, never on its text, and here, under the time and memory
limits, not in the server. Second, once the graph is loaded the worker can open no new
file descriptor at all (``RLIMIT_NOFILE``), so not even a query the parser misread could
open a socket. Oxigraph reads ``FROM`` / ``FROM NAMED`` IRIs as names of graphs in its
own store and fetches nothing for them.

This file runs as a script (``python worker.py``) and imports only the standard library,
pyoxigraph, rdflib's SPARQL parser, :mod:`kg.sparql_guard` and :mod:`kg.big_stack`, so a
replacement is ready in about a second.

Protocol on stdin/stdout, each message a 4-byte big-endian length and a body:

* server → worker, first: ``{"load": [[graph IRI, file path], ...], "memory_limit": bytes,
  "prefixes": {prefix: namespace}}`` (the prefixes a query may use undeclared);
  worker → server: ``{"ready": true, "quads": N}``.
* server → worker: ``{"query": text, "results_type": media type or null, "graph_type":
  media type or null, "default_graph": [IRI] or null, "named_graph": [IRI] or null,
  "max_bytes": N, "page_rows": N or null, "cell_chars": N or null, "page_bytes": N or
  null}``; worker → server: a JSON header ``{"status": "ok", "media_type": …, "form": …}``
  followed by the body, or ``{"status": "error", "code": HTTP status, "message": one line}``.

With ``page_rows`` the answer is for a page, not a client: SPARQL JSON results of at
most that many rows (a graph as subject/predicate/object rows) and ``page_bytes``, each
term cut to ``cell_chars`` characters (``"length"`` then gives its whole length), with
``"truncated": true`` when there were more, so the server never renders more than a
page holds.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg.big_stack import call_on_big_stack
from kg.sparql_guard import QueryRefused, checked_query

RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


# The characters of a term a page shows, unless the request says otherwise.
_DEFAULT_CELL_CHARS = 2000


class ResultTooLarge(Exception):
    """The serialized result passed the byte limit."""


class _CappedBuffer:
    """A file-like sink that refuses to grow past ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


# The prefixes a query may use without a PREFIX line; the server sends them (kg.namespaces).
# rdflib's parseQuery, the SERVICE guard, reads prefixed names without their declarations.
PREFIXES: dict[str, str] = {}


def read_message(stream: BinaryIO) -> bytes | None:
    header = stream.read(4)
    if len(header) < 4:
        return None
    (length,) = struct.unpack(">I", header)
    return stream.read(length)


def write_message(stream: BinaryIO, body: bytes) -> None:
    stream.write(struct.pack(">I", len(body)) + body)


def load_store(graphs: list[list[str]]) -> ox.Store:
    store = ox.Store()
    for graph_iri, path in graphs:
        store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph_iri))
    return store


def refusal(text: str) -> dict[str, Any] | None:
    """Why the query ``text`` may not run here (an error header), or None if it may."""
    return admit(text)[0]


def admit(text: str) -> tuple[dict[str, Any] | None, str]:
    """An error header if ``text`` may not run here, else None and the text to run.

    The text to run is the one the guard decided on (:mod:`kg.sparql_guard`), never
    the text as sent: the two parsers read it alike only once it is made canonical.
    """
    try:
        return None, checked_query(text)
    except QueryRefused as refused:
        if refused.update:
            return _error(403, "this endpoint is read-only: SPARQL updates are refused"), text
        message = str(refused)
        if message.startswith("SERVICE"):
            message = "SERVICE is refused: this endpoint does not query other endpoints"
        return _error(400, message), text


def _error(code: int, message: str) -> dict[str, Any]:
    return {"status": "error", "code": code, "message": message}


def answer(store: ox.Store, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run one query request; the JSON header of the reply and its body."""
    refused, query = admit(request["query"])
    if refused is not None:
        return refused, b""
    # Whatever the engine raises while it plans, runs or writes the query becomes a reply:
    # a query must never end the process that answers everyone's queries.
    try:
        return _evaluate(store, request, query)
    except ResultTooLarge:
        return _error(
            500,
            f"query request refused: the result is larger than the limit of "
            f"{request['max_bytes']} bytes; narrow the query or add a LIMIT",
        ), b""
    except SyntaxError as error:
        return _error(400, _one_line(error)), b""
    except (RuntimeError, ValueError) as error:
        # Oxigraph's word for a query it parses but cannot run (an unknown function).
        return _error(400, f"the query cannot be evaluated: {_one_line(error)}"), b""
    except MemoryError:
        return _error(500, "query failed: it exhausted the worker's memory limit"), b""
    except OSError as error:
        return _error(500, f"query failed: {_one_line(error)}"), b""
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as error:  # noqa: BLE001 - a panic in the engine (pyo3's PanicException)
        return _error(500, f"query failed: the query engine broke down ({_one_line(error)})"), b""


def _evaluate(
    store: ox.Store, request: dict[str, Any], query: str
) -> tuple[dict[str, Any], bytes]:
    """Run ``query``, the text the guard read: the reply's header and body, or an exception."""
    options: dict[str, Any] = {}
    if request.get("default_graph") is not None or request.get("named_graph") is not None:
        options["default_graph"] = [ox.NamedNode(i) for i in request.get("default_graph") or []]
        if request.get("named_graph") is not None:
            options["named_graphs"] = [ox.NamedNode(i) for i in request["named_graph"]]
    else:
        options["use_default_graph_as_union"] = True
    outcome = store.query(query, prefixes=PREFIXES, **options)
    if request.get("page_rows"):
        return _page_answer(
            outcome,
            int(request["page_rows"]),
            int(request.get("cell_chars") or _DEFAULT_CELL_CHARS),
            int(request.get("page_bytes") or request["max_bytes"]),
        )
    if isinstance(outcome, ox.QueryTriples):
        form, media_type = "graph", request.get("graph_type")
        formats: dict[str, Any] = GRAPH_FORMATS
    else:
        form = "boolean" if isinstance(outcome, ox.QueryBoolean) else "solutions"
        media_type, formats = request.get("results_type"), RESULTS_FORMATS
    if media_type not in formats:
        offered = ", ".join(formats)
        return {
            "status": "error",
            "code": 406,
            "message": f"this query's results can be had as {offered}; the Accept header "
            "allows none of them",
        }, b""
    sink = _CappedBuffer(int(request["max_bytes"]))
    outcome.serialize(sink, format=formats[media_type])
    return {"status": "ok", "media_type": media_type, "form": form}, sink.getvalue()


def _page_answer(
    outcome: Any, rows: int, cell_chars: int, max_bytes: int
) -> tuple[dict[str, Any], bytes]:
    """At most ``rows`` rows of ``outcome`` as SPARQL JSON results, for a page to show.

    A page shows no more than ``cell_chars`` characters of a term, and the rows it gets
    take at most ``max_bytes``: a result of huge literals is cut, never held whole.
    """
    if isinstance(outcome, ox.QueryBoolean):
        document: dict[str, Any] = {"head": {}, "boolean": bool(outcome)}
        return {"status": "ok", "media_type": "application/json", "form": "boolean"}, json.dumps(
            document
        ).encode()
    if isinstance(outcome, ox.QueryTriples):
        form, names = "graph", ["subject", "predicate", "object"]
        solutions: Iterator[Any] = (
            dict(zip(names, (t.subject, t.predicate, t.object), strict=True)) for t in outcome
        )
    else:
        form, names = "solutions", [variable.value for variable in outcome.variables]
        solutions = ({name: solution[name] for name in names} for solution in outcome)
    bindings = []
    size = 0
    truncated = False
    for solution in solutions:
        if len(bindings) == rows:
            truncated = True
            break
        binding = {
            name: _cut(json_term(term), cell_chars)
            for name, term in solution.items()
            if term is not None
        }
        size += len(json.dumps(binding))
        if size > max_bytes:
            truncated = True
            break
        bindings.append(binding)
    document = {"head": {"vars": names}, "results": {"bindings": bindings}, "truncated": truncated}
    return {"status": "ok", "media_type": "application/json", "form": form}, json.dumps(
        document
    ).encode()


def _cut(term: dict[str, str], chars: int) -> dict[str, Any]:
    """``term`` with each of its strings cut to ``chars`` characters; ``"length"`` gives
    the whole value's length when the value was cut."""
    cut: dict[str, Any] = {key: text[:chars] for key, text in term.items()}
    if len(term["value"]) > chars:
        cut["length"] = len(term["value"])
    return cut


def json_term(term: Any) -> dict[str, str]:
    """One RDF term as the SPARQL 1.1 JSON results format writes it."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": str(term)}
    encoded = {"type": "literal", "value": term.value}
    if term.language:
        encoded["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        encoded["datatype"] = term.datatype.value
    return encoded


def seal_file_descriptors() -> None:
    """Allow this process no new file descriptor: no socket, no file, from now on.

    Descriptors are numbered from the lowest free one, so a limit at the lowest free
    number leaves none to take; those already open (the pipes to the server) go on
    working. Where the platform has no such limit the parser guard still applies.
    """
    try:
        import resource
    except ImportError:
        return
    lowest_free = 0
    while True:
        try:
            os.fstat(lowest_free)
        except OSError:
            break
        lowest_free += 1
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, lowest_free))
    except (ValueError, OSError):
        pass


def _warm_up(store: ox.Store) -> None:
    """Run the parser and the engine once, so nothing they load lazily needs a file later."""
    refusal("ASK { OPTIONAL { ?s ?p ?o FILTER EXISTS { ?s ?p ?o } } MINUS { ?s ?p ?o } }")
    refusal("DELETE WHERE { ?s ?p ?o }")
    refusal("not a query")
    for form in (
        "ASK { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o } LIMIT 1",
        "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1",
    ):
        answer(
            store,
            {
                "query": form,
                "results_type": "text/csv",
                "graph_type": "text/turtle",
                "max_bytes": 1000,
            },
        )
        answer(store, {"query": form, "page_rows": 1, "max_bytes": 1000})


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__


def _limit_memory(limit: int | None) -> None:
    if not limit:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the time limit still applies


def main() -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Nothing but replies may reach stdout: stray prints go to stderr.
    sys.stdout = sys.stderr
    first = read_message(stdin)
    if first is None:
        return 1
    setup = json.loads(first)
    PREFIXES.update(setup.get("prefixes") or {})
    store = load_store(setup["load"])
    _warm_up(store)
    seal_file_descriptors()
    _limit_memory(setup.get("memory_limit"))
    write_message(stdout, json.dumps({"ready": True, "quads": len(store)}).encode())
    stdout.flush()
    while (message := read_message(stdin)) is not None:
        header, body = answer(store, json.loads(message))
        write_message(stdout, json.dumps(header).encode())
        write_message(stdout, body)
        stdout.flush()
    return 0


if __name__ == "__main__":
    # Oxigraph recurses once per operand of a long chain (a group of 20,000 triple
    # patterns, a UNION of thousands): on the main thread's 8 MB of stack such a query
    # would end the worker with a segmentation fault (kg.big_stack).
    sys.exit(call_on_big_stack(main, "sparql-worker"))
