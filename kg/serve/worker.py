"""A SPARQL worker process: holds its own copy of the graph and answers one query at a time.

``kg serve`` runs user SPARQL here, never in the server process, because a pyoxigraph
query cannot be interrupted from another thread: when a query outlives the time limit
the server kills this process (by its own PID) and starts a fresh one, and every other
client goes on being served meanwhile.

This file runs as a script (``python worker.py``) and imports only the standard library
and pyoxigraph, so a replacement is ready in a fraction of a second.

Protocol on stdin/stdout, each message a 4-byte big-endian length and a body:

* server → worker, first: ``{"load": [[graph IRI, file path], ...], "memory_limit": bytes}``;
  worker → server: ``{"ready": true, "quads": N}``.
* server → worker: ``{"query": text, "results_type": media type or null, "graph_type":
  media type or null, "default_graph": [IRI] or null, "named_graph": [IRI] or null,
  "max_bytes": N}``; worker → server: a JSON header
  ``{"status": "ok", "media_type": …, "form": …}`` followed by the body, or
  ``{"status": "error", "code": HTTP status, "message": one line}``.
"""

from __future__ import annotations

import json
import struct
import sys
from typing import Any, BinaryIO

import pyoxigraph as ox

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


def answer(store: ox.Store, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Run one query request; the JSON header of the reply and its body."""
    options: dict[str, Any] = {}
    if request.get("default_graph") is not None or request.get("named_graph") is not None:
        options["default_graph"] = [ox.NamedNode(i) for i in request.get("default_graph") or []]
        if request.get("named_graph") is not None:
            options["named_graphs"] = [ox.NamedNode(i) for i in request["named_graph"]]
    else:
        options["use_default_graph_as_union"] = True
    try:
        outcome = store.query(request["query"], **options)
    except SyntaxError as error:
        return {"status": "error", "code": 400, "message": _one_line(error)}, b""
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
    try:
        outcome.serialize(sink, format=formats[media_type])
    except ResultTooLarge:
        return {
            "status": "error",
            "code": 500,
            "message": f"query request refused: the result is larger than the limit of "
            f"{request['max_bytes']} bytes; narrow the query or add a LIMIT",
        }, b""
    except (OSError, ValueError, SyntaxError) as error:
        return {"status": "error", "code": 500, "message": _one_line(error)}, b""
    return {"status": "ok", "media_type": media_type, "form": form}, sink.getvalue()


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
    store = load_store(setup["load"])
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
    sys.exit(main())
