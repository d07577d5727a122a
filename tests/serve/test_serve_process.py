"""``kg serve`` as a real process on a loopback port: SPARQL clients, raw requests, limits."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from tests.serve.conftest import ENDLESS_QUERY, RunningServer, start_server, stop_server

ID = "https://w3id.org/siege626/id/"


def sparql(server: RunningServer, query: str, return_format: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    return client


def test_sparqlwrapper_select(running_server: RunningServer) -> None:
    holds_office = "<https://w3id.org/siege626/ontology#holdsOffice>"
    query = f"SELECT ?office WHERE {{ <{ID}bonus> {holds_office} ?office }}"
    results = sparql(running_server, query).queryAndConvert()
    offices = {b["office"]["value"] for b in results["results"]["bindings"]}
    assert f"{ID}magister-militum" in offices


def test_sparqlwrapper_post_ask_and_construct(running_server: RunningServer) -> None:
    ask = sparql(running_server, f"ASK {{ <{ID}sergius-i> ?p ?o }}")
    ask.setMethod("POST")
    assert ask.queryAndConvert()["boolean"] is True
    construct = sparql(
        running_server, f"CONSTRUCT {{ <{ID}bonus> ?p ?o }} WHERE {{ <{ID}bonus> ?p ?o }}", TURTLE
    )
    graph = construct.queryAndConvert()
    assert b"magister-militum" in graph


def test_an_update_through_sparqlwrapper_is_refused(running_server: RunningServer) -> None:
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    update = sparql(running_server, "INSERT DATA { <x:a> <x:b> <x:c> }")
    update.setMethod("POST")
    with pytest.raises((SPARQLWrapperException, Exception)):
        update.query()
    response = httpx.post(
        running_server.url + "/sparql", data={"update": "INSERT DATA { <x:a> <x:b> <x:c> }"}
    )
    assert response.status_code == 403


def _raw_get(server: RunningServer, target: str) -> bytes:
    """Send the request line exactly as given: no client normalises the path on the way."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "target",
    [
        "/data/../../etc/passwd",
        "/data/%2e%2e/%2e%2e/etc/passwd",
        "/data/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/../../../../etc/passwd",
        "/static/%2e%2e%2f%2e%2e%2fapp.py",
        "/dist/../../../../etc/passwd",
        "/dist/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/../../../../etc/passwd",
        "/page/..%5c..%5cetc%5cpasswd",
    ],
)
def test_raw_path_traversal_reaches_nothing(running_server: RunningServer, target: str) -> None:
    answer = _raw_get(running_server, target)
    status = answer.split(b"\r\n", 1)[0]
    assert b" 404 " in status or b" 400 " in status, status
    assert b"root:" not in answer and b"import " not in answer


def test_a_long_query_is_cut_off_while_other_clients_are_served(
    running_server: RunningServer,
) -> None:
    outcome: dict[str, object] = {}

    def long_query() -> None:
        started = time.monotonic()
        outcome["response"] = httpx.get(
            running_server.url + "/sparql", params={"query": ENDLESS_QUERY}, timeout=60
        )
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=long_query)
    thread.start()
    time.sleep(0.3)
    latencies = []
    with httpx.Client(base_url=running_server.url, timeout=10) as other:
        for path in (
            "/sparql?query=ASK%7B%7D",
            "/page/sergius-i",
            "/queries/alliances.csv",
            "/map",
            "/sparql?query=SELECT%20*%7B%3Fs%20%3Fp%20%3Fo%7DLIMIT%203",
        ):
            started = time.monotonic()
            assert other.get(path).status_code == 200, path
            latencies.append(time.monotonic() - started)
    thread.join(timeout=60)
    assert max(latencies) < 1.0, f"other clients waited up to {max(latencies):.2f} s"
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503 and "time limit" in response.text
    assert 1.9 <= float(outcome["seconds"]) < 8  # --time-limit 2


def _children(pid: int) -> set[int]:
    children: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.add(int(entry.name))
    return children


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker processes")
def test_stopping_the_server_stops_its_workers(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--workers", "2")
    try:
        workers = _children(server.process.pid)
        assert len(workers) >= 2
        assert httpx.get(server.url + "/").status_code == 200
    finally:
        stop_server(server)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.1)
    alive = [
        pid
        for pid in workers
        if Path(f"/proc/{pid}").exists()
        and "Z" not in (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[:1])
    ]
    assert not alive, f"workers still running: {alive}"


def test_the_server_listens_on_loopback_by_default(running_server: RunningServer) -> None:
    # The fixture gives no --host: the server says where it listens, and it is loopback.
    log = running_server.log.read_text()
    assert f"http://127.0.0.1:{running_server.port}/" in log


# -- clients that leave, and clients that never finish their request -------------------------


@pytest.fixture(scope="module")
def patient_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """Two workers and a long time limit: an abandoned query could hold one for 60 s."""
    directory = tmp_path_factory.mktemp("patient")
    server = start_server(
        directory, "--workers", "2", "--time-limit", "60", "--dist", str(directory / "dist")
    )
    try:
        yield server
    finally:
        stop_server(server)


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _wait_until(condition: Callable[[], bool], within: float) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the workers work")
def test_a_query_whose_client_left_stops_and_frees_its_worker(
    patient_server: RunningServer,
) -> None:
    workers = sorted(_children(patient_server.process.pid))
    assert len(workers) == 2
    idle = {pid: _cpu_ticks(pid) for pid in workers}
    target = "/sparql?" + urlencode({"query": ENDLESS_QUERY})
    clients = []
    for _ in workers:  # one endless query for each worker, then the clients leave
        client = socket.create_connection(("127.0.0.1", patient_server.port), timeout=10)
        client.sendall(
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv\r\n\r\n".encode()
        )
        clients.append(client)
    assert _wait_until(lambda: all(_cpu_ticks(pid) > idle[pid] + 20 for pid in workers), 30)
    for client in clients:
        client.close()
    # Their workers are killed and replaced, long before the 60 s limit would end them.
    assert _wait_until(lambda: not _children(patient_server.process.pid) & set(workers), 20)
    answer = httpx.get(
        patient_server.url + "/sparql", params={"query": "ASK {}"}, headers={"accept": "text/csv"}
    )
    assert answer.text.strip() == "true"


def _held_open(port: int, head: bytes, trickle: bytes, within: float) -> bool:
    """Whether the server keeps a connection open for ``within`` seconds while a request
    arrives a byte at a time: ``head`` at once, then ``trickle`` slowly, never the end."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(head)
        deadline = time.monotonic() + within
        for byte in itertools.cycle(trickle):
            if time.monotonic() > deadline:
                return True
            try:
                client.sendall(bytes([byte]))
                client.settimeout(0.5)
                if client.recv(4096) == b"":
                    return False  # the server closed it
            except TimeoutError:
                continue
            except OSError:
                return False
    return True


@pytest.mark.parametrize(
    "head, trickle",
    [
        # The head of a request, one header line after another, never its end.
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-Slow: 1\r\n"),
        # A whole head announcing a body that comes a byte at a time.
        (
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 100000\r\n\r\n",
            b"#",
        ),
    ],
    ids=["head", "body"],
)
def test_a_request_sent_a_byte_at_a_time_is_cut_off(
    patient_server: RunningServer, head: bytes, trickle: bytes
) -> None:
    # A request must arrive whole within 10 s (kg.serve.connection); 40 s was seen.
    assert not _held_open(patient_server.port, head, trickle, within=30)
    assert httpx.get(patient_server.url + "/").status_code == 200
