"""Benchmark: ``kg serve`` against an Oxigraph server holding the same data, over HTTP.

Both servers run on loopback ports, read-only, with the parts of the graph in their named
graphs and the union as the default graph. Every canned query whose parameters all have
defaults is sent, with its parameters bound exactly as ``kg query`` binds them:

* ``kg serve /queries/NAME`` — the canned-query endpoint;
* ``kg serve /sparql?query=…`` — the same text through the SPARQL protocol;
* ``oxigraph /query?query=…`` — the same text to Oxigraph.

Each target first answers every query once (the warm-up; ``kg serve`` caches answers,
which is sound because the data never changes while it runs), then ``--requests``
requests go out from ``--clients`` concurrent keep-alive connections, round-robin over
the queries. The client is a small asyncio HTTP/1.1 client, so the servers, not the
client library, are what is measured. Every answer must be 200 with the same number of
rows from every target, or the run fails.

    python bench/serve.py [--clients 8] [--requests 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from kg.loading import PARTS, part_graph, part_paths  # noqa: E402
from kg.parameters import bind_values  # noqa: E402
from kg.queries import bind_parameters, list_queries  # noqa: E402

ACCEPT = "application/sparql-results+json"


@dataclass(frozen=True)
class Target:
    name: str
    port: int
    paths: tuple[str, ...]  # one request path per query, in the order of the queries


@dataclass(frozen=True)
class Measurement:
    target: str
    requests: int
    seconds: float
    latencies: tuple[float, ...]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, b"".join(chunks)
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
    raise RuntimeError("response without a length: the benchmark needs keep-alive")


def _request(port: int, path: str) -> bytes:
    return (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {ACCEPT}\r\n\r\n").encode()


async def _fetch_all(target: Target) -> list[int]:
    """Each query once, on one connection: the row count of each answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
    rows = []
    try:
        for path in target.paths:
            writer.write(_request(target.port, path))
            status, body = await _read_response(reader)
            if status != 200:
                raise RuntimeError(f"{target.name} {path[:80]}…: HTTP {status}: {body[:200]!r}")
            rows.append(len(json.loads(body)["results"]["bindings"]))
    finally:
        writer.close()
    return rows


async def _load(target: Target, clients: int, requests: int) -> Measurement:
    counter = iter(range(requests))
    latencies: list[float] = []
    encoded = [_request(target.port, path) for path in target.paths]

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
        try:
            for number in counter:
                started = time.perf_counter()
                writer.write(encoded[number % len(encoded)])
                status, _ = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    raise RuntimeError(f"{target.name}: HTTP {status}")
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Measurement(target.name, requests, time.perf_counter() - started, tuple(latencies))


def _wait_ready(port: int, path: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(
                    f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
                    "\r\n".encode()
                )
                if b" 200 " in connection.recv(100):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within 60 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _upload(port: int) -> None:
    """Each part's Turtle into its named graph of the Oxigraph server (Graph Store POST)."""
    for part in PARTS:
        for path in part_paths(part):
            body = path.read_bytes()
            target = f"/store?graph={quote(str(part_graph(part)), safe='')}"
            with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
                connection.sendall(
                    f"POST {target} HTTP/1.1\r\nHost: x\r\nContent-Type: text/turtle\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                    + body
                )
                status = connection.recv(100)
            if b" 201 " not in status and b" 204 " not in status:
                raise RuntimeError(f"Oxigraph refused {path.name}: {status!r}")


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise SystemExit("bench/serve.py needs the Oxigraph server: pip install -e '.[bench]'")
    return found


def run(clients: int, requests: int, workdir: Path) -> list[Measurement]:
    queries = [q for q in list_queries() if all(p.default is not None for p in q.parameters)]
    texts = [bind_values(q.text, bind_parameters(q)) for q in queries]
    kg_port, ox_port = free_port(), free_port()
    oxigraph = _oxigraph()
    log = (workdir / "servers.log").open("wb")
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "kg", "serve", "--port", str(kg_port)],
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        ),
        # In memory, like kg serve; the parts are uploaded into their named graphs below.
        subprocess.Popen(
            [oxigraph, "serve", "--bind", f"127.0.0.1:{ox_port}", "--union-default-graph"],
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        _wait_ready(kg_port, "/sparql?query=ASK%7B%7D", servers[0], "kg serve")
        _wait_ready(ox_port, "/query?query=ASK%7B%7D", servers[1], "oxigraph serve")
        _upload(ox_port)
        targets = [
            Target("kg serve /queries/NAME", kg_port, tuple(f"/queries/{q.name}" for q in queries)),
            Target(
                "kg serve /sparql",
                kg_port,
                tuple(f"/sparql?query={quote(text, safe='')}" for text in texts),
            ),
            Target(
                "oxigraph /query",
                ox_port,
                tuple(f"/query?query={quote(text, safe='')}" for text in texts),
            ),
        ]
        answers = {t.name: asyncio.run(_fetch_all(t)) for t in targets}
        reference = answers["oxigraph /query"]
        for name, rows in answers.items():
            if rows != reference:
                raise RuntimeError(f"{name} answers differ from Oxigraph's: {rows} != {reference}")
        return [asyncio.run(_load(t, clients, requests)) for t in targets]
    finally:
        for server in servers:
            _stop(server)
        log.close()


def report(measurements: Sequence[Measurement], clients: int, queries: int) -> str:
    baseline = next(m for m in measurements if m.target.startswith("oxigraph"))
    lines = [
        f"{queries} canned queries, {clients} concurrent clients, "
        f"{baseline.requests} requests per target, loopback",
        "",
        "| target | requests/s | p50 ms | p99 ms | throughput vs Oxigraph |",
        "|---|---:|---:|---:|---:|",
    ]
    for m in measurements:
        lines.append(
            f"| {m.target} | {m.throughput:,.0f} | {m.percentile(0.5) * 1000:.2f} | "
            f"{m.percentile(0.99) * 1000:.2f} | {m.throughput / baseline.throughput:.2f}× |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections (8)")
    parser.add_argument(
        "--requests", type=int, default=3000, help="requests per target after the warm-up (3000)"
    )
    options = parser.parse_args(argv)
    if not 1 <= options.clients <= 64 or not 1 <= options.requests <= 100_000:
        parser.error("--clients must be 1..64 and --requests 1..100000")
    queries = [q for q in list_queries() if all(p.default is not None for p in q.parameters)]
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as directory:
        measurements = run(options.clients, options.requests, Path(directory))
    print(report(measurements, options.clients, len(queries)))
    print(
        "\nmedian latency, all targets:",
        f"{statistics.median(x for m in measurements for x in m.latencies) * 1000:.2f} ms",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
